"""Listings as tables: the rows of list and search, shared by every command that lists."""

from __future__ import annotations

import re
import sys
from typing import Any, TextIO

from newscli import render
from newscli.render import MATCH_STYLE, clean

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
        box=box.SIMPLE_HEAD if render.is_terminal(stream) else None,
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
    render.console_for(stream).print(table)


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
