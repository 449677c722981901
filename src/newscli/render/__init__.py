"""Everything a person sees on a terminal; the only module that imports Rich (lazily)."""

from __future__ import annotations

import os
import re
import sys
from typing import Any, TextIO

# C0 and C1 control characters except tab and newline: an escape sequence in an article must
# print as text, never act on the terminal.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def clean(text: str, *, one_line: bool = False) -> str:
    """User text made harmless for a terminal: control characters shown as visible symbols."""
    text = _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)
    return " ".join(text.split()) if one_line else text


def is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def stderr_console() -> Any:
    from rich.console import Console

    return Console(stderr=True, highlight=False, no_color="NO_COLOR" in os.environ or None)


def stdout_console() -> Any:
    from rich.console import Console

    return Console(highlight=False, no_color="NO_COLOR" in os.environ or None)


def say(message: str) -> None:
    """A line of talk for the person: on stderr, never mixed into data."""
    print(message, file=sys.stderr)


def error(message: str) -> None:
    say(f"newscli: error: {clean(message, one_line=True)}")


def warn(message: str) -> None:
    say(f"newscli: warning: {clean(message, one_line=True)}")


def progress_bar(total: int | None, label: str = "importing") -> Any:
    """A Rich progress bar on stderr: count, rate and time left."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TaskProgressColumn,
        TextColumn,
        TimeRemainingColumn,
    )

    return Progress(
        TextColumn(label),
        BarColumn(),
        MofNCompleteColumn(),
        TaskProgressColumn(),
        TextColumn("{task.fields[rate]}"),
        TimeRemainingColumn(),
        console=stderr_console(),
        transient=True,
    )


# -- tables, shared by list, search and the insight commands ------------------------------------

# How known columns behave in a table: slugs are copied whole, dates never break.
_COLUMN_HINTS: dict[str, dict[str, Any]] = {
    "slug": {"overflow": "fold", "style": "cyan"},
    "date": {"no_wrap": True},
    "published": {"no_wrap": True},
    "rank": {"justify": "right", "no_wrap": True},
}


def print_table(
    rows: list[dict[str, Any]] | list[Any],
    columns: Any,
    *,
    headers: Any = None,
    header: bool = True,
    out: TextIO | None = None,
) -> None:
    """Rows (mappings) as a Rich table of the given columns; user text printed literally.

    Cells may be str, numbers, lists, None, or rich Text made here in render (kept as is).
    Box drawing only on a terminal; piped, the columns are aligned with spaces.
    """
    from rich import box
    from rich.table import Table

    stream = out or sys.stdout
    table = Table(
        box=box.SIMPLE_HEAD if is_terminal(stream) else None,
        show_edge=False,
        pad_edge=False,
        highlight=False,
        show_header=header,
    )
    for name in columns:
        heading = (headers or {}).get(name, name.replace("_", " "))
        table.add_column(heading, **_column_hints(name, rows))
    for row in rows:
        table.add_row(*(table_cell(row.get(name)) for name in columns))
    _console_for(stream).print(table)


def _column_hints(name: str, rows: list[Any]) -> dict[str, Any]:
    hints = dict(_COLUMN_HINTS.get(name, {}))
    sample = next((row.get(name) for row in rows if row.get(name) is not None), None)
    if isinstance(sample, (int, float)) and not isinstance(sample, bool):
        hints.setdefault("justify", "right")
    return hints


def table_cell(value: Any) -> Any:
    """One cell as rich Text, never parsed as markup."""
    from rich.text import Text

    if isinstance(value, Text):
        return value
    if value is None:
        return Text("")
    if isinstance(value, float):
        return Text(f"{value:.2f}")
    if isinstance(value, (list, tuple)):
        value = ", ".join(str(v) for v in value)
    return Text(clean(str(value), one_line=True))


def _console_for(stream: TextIO) -> Any:
    from rich.console import Console

    return Console(
        file=stream, highlight=False, no_color="NO_COLOR" in os.environ or None
    )


# -- list, search and show ---------------------------------------------------------------------

MATCH_STYLE = "bold yellow"  # matched words; under NO_COLOR still bold
BODY_WIDTH = 100  # a comfortable line length for reading on wide terminals


def list_cells(rows: Any) -> Any:
    """Article rows with a short `date` for the table."""
    for row in rows:
        row["date"] = (row.get("published") or "")[:10]
        yield row


def search_cells(hits: Any, offset: int) -> Any:
    """Search hits with `rank` and `result`: the title (matches marked), a line of date,
    source and slug, and the snippet, followed by a blank line."""
    from rich.text import Text

    for number, hit in enumerate(hits, offset + 1):
        result = marked_text(hit["title_marks"])
        result.stylize("bold")
        facts = [(hit.get("published") or "")[:10], hit.get("source") or ""]
        result.append("\n" + "  ".join(clean(f, one_line=True) for f in facts if f) + "  ", "dim")
        result.append(clean(hit["slug"], one_line=True), "cyan")
        if hit["snippet"]:
            result.append("\n")
            result.append_text(marked_text(hit["snippet_marks"]))
        hit.update(rank=Text(f"{number}.", justify="right"), result=result + Text("\n"))
        yield hit


def marked_text(pieces: list[tuple[str, bool]]) -> Any:
    """Rich Text from (piece, is_match) pairs; matches styled, nothing parsed as markup."""
    from rich.text import Text

    text = Text()
    for piece, is_match in pieces:
        flat = re.sub(r"\s", " ", clean(piece))  # spaces at the edges of pieces stay
        text.append(flat, style=MATCH_STYLE if is_match else None)
    return text


def show_article(article: dict[str, Any], words: set[str], *, pager: bool) -> None:
    """The terminal view of one article: a header of its fields, then the body (Markdown
    rendered, text wrapped), words marked; through a pager when taller than the screen."""
    from rich.console import Group

    console = stdout_console()
    view = Group(*_article_header(article), _Highlighted(_article_body(article), words))
    if not pager:
        console.print(view)
        return
    with console.capture() as captured:
        console.print(view)
    output = captured.get()
    if output.count("\n") > console.height:
        page(output)
    else:
        sys.stdout.write(output)


def _article_header(article: dict[str, Any]) -> list[Any]:
    from rich.rule import Rule
    from rich.table import Table
    from rich.text import Text

    fields = Table.grid(padding=(0, 2))
    fields.add_column(style="dim", no_wrap=True)
    fields.add_column(overflow="fold")
    imported_on = (article.get("imported_at") or "")[:10]
    imported = " on ".join(filter(None, (article.get("path"), imported_on)))
    for label, value in (
        ("source", article.get("source")),
        ("author", article.get("author")),
        ("published", article.get("published")),
        ("dateline", article.get("dateline")),
        ("url", article.get("url")),
        ("tags", ", ".join(article.get("tags") or [])),
        ("words", f"{article.get('word_count') or 0:,}"),
        ("slug", article.get("slug")),
        ("imported", imported),
    ):
        if value:
            fields.add_row(label, Text(clean(str(value), one_line=True)))
    title = Text(clean(article.get("title") or "", one_line=True), style="bold")
    return [title, fields, Rule(style="dim")]


def _article_body(article: dict[str, Any]) -> Any:
    from rich.constrain import Constrain
    from rich.markdown import Markdown
    from rich.text import Text

    body = clean(article.get("body") or "")
    if article.get("format") == "markdown":
        return Constrain(Markdown(body, hyperlinks=False), BODY_WIDTH)
    return Constrain(Text(body, overflow="fold"), BODY_WIDTH)


class _Highlighted:
    """Any renderable with some words marked: works on rendered segments, so Markdown keeps
    its formatting (Rich's Markdown has no hook for marking words)."""

    def __init__(self, renderable: Any, words: set[str]):
        import re

        self.renderable = renderable
        alternatives = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
        self.pattern = re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE) \
            if words else None

    def __rich_console__(self, console: Any, options: Any) -> Any:
        from rich.segment import Segment
        from rich.style import Style

        mark = Style.parse(MATCH_STYLE)
        for segment in console.render(self.renderable, options):
            if self.pattern is None or segment.control or not segment.text.strip():
                yield segment
                continue
            text, style, last = segment.text, segment.style, 0
            for found in self.pattern.finditer(text):
                yield Segment(text[last : found.start()], style)
                yield Segment(found.group(), (style or Style()) + mark)
                last = found.end()
            yield Segment(text[last:], style)


def page(text: str) -> None:
    """Text (with its colours) through $PAGER, else `less -FRX` as git does; printed when
    there is no pager to run."""
    import shutil
    import subprocess

    command = os.environ.get("PAGER")
    if command is None:
        command = "less" if shutil.which("less") else ""
    if not command.strip() or command.strip() == "cat":
        sys.stdout.write(text)
        return
    env = dict(os.environ)
    env.setdefault("LESS", "FRX")  # quit if one screen, keep colours, leave text on exit
    sys.stdout.flush()
    process = subprocess.Popen(command, shell=True, stdin=subprocess.PIPE, env=env,
                               encoding="utf-8", errors="replace")
    try:
        assert process.stdin is not None
        process.stdin.write(text)
        process.stdin.close()
    except BrokenPipeError:
        pass  # the reader quit the pager early
    while True:
        try:
            process.wait()
            return
        except KeyboardInterrupt:
            pass  # Ctrl-C belongs to the pager while it runs


# -- insight and curation: dupes, related, stats, tags, info --------------------------------
# (tables for a person on a terminal; scripts get JSON/CSV from formats.py instead)

BAR_WIDTH = 30
_EIGHTHS = " ▏▎▍▌▋▊▉"


def bar(count: int, largest: int, width: int = BAR_WIDTH) -> str:
    """An inline bar, to an eighth of a character: `count` of `largest` over `width` cells."""
    if largest <= 0 or count <= 0:
        return ""
    eighths = max(1, round(8 * width * count / largest))
    return "█" * (eighths // 8) + _EIGHTHS[eighths % 8].strip()


def _text(value: Any, missing: str = "") -> Any:
    """A table cell of user text: never read as markup, control characters made visible."""
    from rich.text import Text

    return Text(missing if value in (None, "") else clean(str(value), one_line=True))


# How each column gives way on a narrow terminal: numbers and dates never wrap; the article
# cell (title, and below it the slug a person copies into the next command) folds, never cuts.
_COLUMNS: dict[str, dict[str, Any]] = {
    "similarity": {"justify": "right", "no_wrap": True},
    "score": {"justify": "right", "no_wrap": True},
    "count": {"justify": "right", "no_wrap": True},
    "published": {"no_wrap": True},
    "source": {"max_width": 20},
    "article": {"overflow": "fold"},
}


def _table(*columns: str, **options: Any) -> Any:
    from rich import box
    from rich.table import Table

    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, **options)
    for name in columns:
        table.add_column(name, **_COLUMNS.get(name, {}))
    return table


def _article(row: dict[str, Any]) -> Any:
    """Title on the first line, slug below it (dim where colour is allowed)."""
    cell = _text(row["title"])
    cell.append("\n" + clean(row["slug"], one_line=True), style="dim")
    return cell


def _day(published: str | None) -> str:
    """The date part of a timestamp: enough to place a story, and it fits a column."""
    return (published or "-")[:10]


def print_dupes(groups: list[list[dict[str, Any]]]) -> None:
    """One section per story: its articles, earliest (the likely original) first."""
    table = _table("similarity", "published", "source", "article")
    for number, group in enumerate(groups):
        if number:
            table.add_section()
        for member in group:
            table.add_row(f"{member['similarity']:.2f}", _day(member["published"]),
                          _text(member["source"], "-"), _article(member))
    stdout_console().print(table)


def print_related(results: list[dict[str, Any]]) -> None:
    table = _table("score", "published", "source", "article")
    for row in results:
        table.add_row(f"{row['score']:.2f}", _day(row["published"]),
                      _text(row["source"], "-"), _article(row))
    stdout_console().print(table)


def print_counts(rows: list[dict[str, Any]], by: str) -> None:
    """Counts with an inline bar each: a chart when the rows are a timeline."""
    # Undated articles are not part of the chart: scaled to them, a timeline would go flat.
    largest = max((row["count"] for row in rows if row["key"] is not None), default=0)
    missing = "(no date)" if by in ("year", "month", "week", "day") else f"(no {by})"
    table = _table(by, "count", "")
    for row in rows:
        chart = bar(row["count"], largest) if row["key"] is not None else ""
        table.add_row(_text(row["key"], missing), f"{row['count']:,}", chart)
    stdout_console().print(table)


def print_fields(title: str | None, fields: list[tuple[str, Any]]) -> None:
    """Label / value lines, for overviews and reports."""
    table = _table("", "", show_header=False, title=title)
    for label, value in fields:
        table.add_row(label, _text(f"{value:,}" if isinstance(value, int) else value, "-"))
    stdout_console().print(table)


def _span(first: str | None, last: str | None) -> str | None:
    return f"{_day(first)} to {_day(last)}" if first else None


def print_overview(summary: dict[str, Any]) -> None:
    """Totals, then the busiest sources and tags as charts."""
    print_fields("Archive", [
        ("articles", summary["articles"]), ("words", summary["words"]),
        ("sources", summary["sources"]), ("authors", summary["authors"]),
        ("tags", summary["tags"]), ("published", _span(summary["first"], summary["last"])),
        ("undated", summary["undated"]),
    ])
    for key, by in (("top_sources", "source"), ("top_tags", "tag")):
        if summary[key]:
            print_counts(summary[key], by)


def print_info(info: dict[str, Any]) -> None:
    print_fields("Archive", [
        ("path", info["path"]), ("size", f"{info['size'] / 1e6:,.1f} MB"),
        ("schema version", info["schema_version"]), ("articles", info["articles"]),
        ("sources", info["sources"]), ("tags", info["tags"]),
        ("published", _span(info["first"], info["last"])),
    ])
    print_fields("Checks", [
        (check["name"], "ok" if check["ok"] and check["detail"] == "ok"
         else check["detail"] if check["ok"] else "FAILED: " + check["detail"])
        for check in info["checks"]
    ])
