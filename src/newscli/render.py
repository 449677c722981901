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


def progress_bar(total: int | None) -> Any:
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
        TextColumn("importing"),
        BarColumn(),
        MofNCompleteColumn(),
        TaskProgressColumn(),
        TextColumn("{task.fields[rate]}"),
        TimeRemainingColumn(),
        console=stderr_console(),
        transient=True,
    )


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
