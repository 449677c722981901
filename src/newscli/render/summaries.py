"""The summaries as tables for a person: dupes, related, stats, tags and info.

Scripts get the same records as JSON or CSV from commands.output instead.
"""

from __future__ import annotations

from typing import Any

from newscli.render import clean, stdout_console

BAR_WIDTH = 30
_EIGHTHS = " ▏▎▍▌▋▊▉"


def bar(count: int, largest: int, width: int = BAR_WIDTH) -> str:
    """An inline bar, to an eighth of a character: `count` of `largest` over `width` cells."""
    if largest <= 0 or count <= 0:
        return ""
    eighths = max(1, round(8 * width * count / largest))
    return "█" * (eighths // 8) + _EIGHTHS[eighths % 8].strip()


def _text_cell(value: Any, missing: str = "") -> Any:
    """A table cell of user text: never read as markup, control characters made visible."""
    from rich.text import Text

    return Text(missing if value in (None, "") else clean(str(value), one_line=True))


# How each column gives way on a narrow terminal: numbers and dates never wrap; the article
# cell (title, and below it the slug a person copies into the next command) folds, never cuts.
_COLUMN_HINTS: dict[str, dict[str, Any]] = {
    "similarity": {"justify": "right", "no_wrap": True},
    "score": {"justify": "right", "no_wrap": True},
    "count": {"justify": "right", "no_wrap": True},
    "of": {"justify": "right", "no_wrap": True},
    "articles": {"justify": "right", "no_wrap": True},
    "others": {"justify": "right", "no_wrap": True},
    "share": {"justify": "right", "no_wrap": True},
    "published": {"no_wrap": True},
    "source": {"max_width": 20},
    "article": {"overflow": "fold"},
}


def _summary_table(*columns: str, **options: Any) -> Any:
    """A boxed table with these columns, each giving way on a narrow terminal as _COLUMN_HINTS says."""
    from rich import box
    from rich.table import Table

    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, **options)
    for name in columns:
        table.add_column(name, **_COLUMN_HINTS.get(name, {}))
    return table


def _title_and_slug(row: dict[str, Any]) -> Any:
    """Title on the first line, slug below it (dim where colour is allowed)."""
    cell = _text_cell(row["title"])
    cell.append("\n" + clean(row["slug"], one_line=True), style="dim")
    return cell


def _day(published: str | None) -> str:
    """The date part of a timestamp: enough to place a story, and it fits a column."""
    return (published or "-")[:10]


def print_dupes(groups: list[list[dict[str, Any]]]) -> None:
    """One section per story: its articles, earliest (the likely original) first."""
    table = _summary_table("similarity", "published", "source", "article")
    for number, group in enumerate(groups):
        if number:
            table.add_section()
        for member in group:
            table.add_row(f"{member['similarity']:.2f}", _day(member["published"]),
                          _text_cell(member["source"], "-"), _title_and_slug(member))
    stdout_console().print(table)


def print_related(results: list[dict[str, Any]]) -> None:
    table = _summary_table("score", "published", "source", "article")
    for row in results:
        table.add_row(f"{row['score']:.2f}", _day(row["published"]),
                      _text_cell(row["source"], "-"), _title_and_slug(row))
    stdout_console().print(table)


def print_counts(rows: list[dict[str, Any]], by: str) -> None:
    """Counts with an inline bar each: a chart when the rows are a timeline."""
    # Undated articles are not part of the chart: scaled to them, a timeline would go flat.
    largest = max((row["count"] for row in rows if row["key"] is not None), default=0)
    missing = "(no date)" if by in ("year", "month", "week", "day") else f"(no {by})"
    table = _summary_table(by, "count", "")
    for row in rows:
        chart = bar(row["count"], largest) if row["key"] is not None else ""
        table.add_row(_text_cell(row["key"], missing), f"{row['count']:,}", chart)
    stdout_console().print(table)


def percent(share: float | None) -> str:
    """A share as a percentage a person reads at a glance: 12.5%, 0.04%, - where undefined."""
    if share is None:
        return "-"
    value = 100 * share
    return f"{value:.1f}%" if value >= 1 or value == 0 else f"{value:.2g}%"


def print_coverage(rows: list[dict[str, Any]], by: str) -> None:
    """Counts beside their share of all articles (the total used), with a bar for the count."""
    largest = max((row["count"] for row in rows if row["key"] is not None), default=0)
    missing = "(no date)" if by in ("year", "month", "week", "day") else f"(no {by})"
    table = _summary_table(by, "count", "of", "share", "")
    for row in rows:
        chart = bar(row["count"], largest) if row["key"] is not None else ""
        table.add_row(_text_cell(row["key"], missing), f"{row['count']:,}", f"{row['total']:,}",
                      percent(row["share"]), chart)
    if by in ("year", "month", "week", "day"):  # each article in one row: the rows add up
        count, total = (sum(row[name] for row in rows) for name in ("count", "total"))
        table.caption = f"{count:,} of {total:,} articles ({percent(count / total)})"
    stdout_console().print(table)


def print_comparison(rows: list[dict[str, Any]], queries: list[str], by: str) -> None:
    """One line a key: its total, then each query's count, share and a bar of the share.

    All bars are on one scale (the largest share), so they compare across queries.
    """
    from rich.text import Text

    missing = "(no date)" if by in ("year", "month", "week", "day") else f"(no {by})"
    labels = [clean(text, one_line=True) for text in queries]
    keys = [clean(str(row["key"]), one_line=True) if row["key"] is not None else missing
            for row in rows]
    key_width = min(20, max([len(by), *map(len, keys)]))
    total_width = max([2, *(len(f"{row['total']:,}") for row in rows)])
    console = stdout_console()
    # What the key, total, counts and shares leave of the line goes to the bars, shared out.
    # Each column takes two characters more than its text (padding and edges).
    columns = 2 + 3 * len(labels)
    fixed = key_width + total_width + sum(max(len(label), 5) + 6 for label in labels)
    spare = console.width - fixed - 3 * columns
    width = max(1, min(BAR_WIDTH, spare // max(1, len(labels))))
    largest = max((row["share"] or 0 for row in rows if row["key"] is not None), default=0)
    table = _summary_table()
    table.add_column(by, max_width=20, min_width=key_width)
    table.add_column("of", justify="right", no_wrap=True)
    for label in labels:
        table.add_column(Text(label), justify="right", no_wrap=True)
        table.add_column("share", justify="right", no_wrap=True)
        table.add_column("", no_wrap=True, overflow="crop", max_width=width)
    lines: dict[Any, list[Any]] = {}
    for row in rows:
        chart = "" if row["key"] is None else \
            bar(round((row["share"] or 0) * 1e6), round(largest * 1e6), width)
        line = lines.setdefault(row["key"], [_text_cell(row["key"], missing), f"{row['total']:,}"])
        line += [f"{row['count']:,}", percent(row["share"]), chart]
    for line in lines.values():
        table.add_row(*line)
    table.caption = "of: all articles; bars: the share of them, one scale for every query"
    console.print(table)


def print_keywords(terms: list[dict[str, Any]]) -> None:
    """Terms best first: in how many of the articles, the share of them and of the others."""
    table = _summary_table("term", "articles", "share", "others", "score")
    for row in terms:
        table.add_row(_text_cell(row["term"]), f"{row['articles']:,}", percent(row["share"]),
                      percent(row["other_share"]), f"{row['score']:,.1f}")
    stdout_console().print(table)


def print_fields(title: str | None, fields: list[tuple[str, Any]]) -> None:
    """Label / value lines, for overviews and reports."""
    table = _summary_table("", "", show_header=False, title=title)
    for label, value in fields:
        table.add_row(label, _text_cell(f"{value:,}" if isinstance(value, int) else value, "-"))
    stdout_console().print(table)


def _date_range(first: str | None, last: str | None) -> str | None:
    return f"{_day(first)} to {_day(last)}" if first else None


def print_overview(summary: dict[str, Any]) -> None:
    """Totals, then the busiest sources and tags as charts."""
    print_fields("Archive", [
        ("articles", summary["articles"]), ("words", summary["words"]),
        ("sources", summary["sources"]), ("authors", summary["authors"]),
        ("tags", summary["tags"]), ("published", _date_range(summary["first"], summary["last"])),
        ("undated", summary["undated"]),
    ])
    for key, by in (("top_sources", "source"), ("top_tags", "tag")):
        if summary[key]:
            print_counts(summary[key], by)


def print_info(info: dict[str, Any]) -> None:
    print_fields("Archive", [
        ("path", info["path"]), ("size", f"{info['size'] / 1e6:,.1f} MB"),
        *([("access", "read-only")] if info.get("read_only") else []),
        ("schema version", info["schema_version"]), ("articles", info["articles"]),
        ("sources", info["sources"]), ("tags", info["tags"]),
        ("published", _date_range(info["first"], info["last"])),
    ])
    print_fields("Checks", [(check["name"], _outcome(check)) for check in info["checks"]])


def _outcome(check: dict[str, Any]) -> str:
    """A check's line: ok, what it found (when that is no failure), or FAILED and why."""
    if not check["ok"]:
        return "FAILED: " + check["detail"]
    return "ok" if check["detail"] == "ok" else check["detail"]
