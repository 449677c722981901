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
