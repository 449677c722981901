"""Listings as tables: the rows of list and search, shared by every command that lists."""

from __future__ import annotations

import re
import sys
from typing import Any, TextIO

from newscli import render
from newscli.render import MATCH_STYLE, clean

# How known columns behave in a table: slugs are copied into the next command, so they get
# their whole width first and are never cut or wrapped; titles give way, cut with an ellipsis;
# dates never break.
_COLUMN_HINTS: dict[str, dict[str, Any]] = {
    "slug": {"no_wrap": True, "overflow": "ignore", "style": "cyan"},
    "title": {"no_wrap": True, "overflow": "ellipsis"},
    "source": {"no_wrap": True, "overflow": "ellipsis", "max_width": 22},
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
    columns, widths = _fitted(list(columns), rows, render.console_for(stream).width, headers)
    for name in columns:
        heading = (headers or {}).get(name, name.replace("_", " "))
        table.add_column(heading, **{**_column_hints(name, rows), **widths.get(name, {})})
    for row in rows:
        table.add_row(*(table_cell(row.get(name)) for name in columns))
    render.console_for(stream).print(table)


# Left out, in this order, when a terminal is too narrow for whole slugs and a readable title.
_LEFT_OUT_FIRST = ("source", "date")
_TITLE_AT_LEAST = 12


def _fitted(columns: list[str], rows: list[Any], room: int,
            headers: Any = None) -> tuple[list[str], dict[str, Any]]:
    """The columns that fit with whole slugs, and their widths."""
    widths = _fitted_widths(columns, rows, room, headers or {})
    for name in _LEFT_OUT_FIRST:
        if not widths or widths["title"]["width"] > _TITLE_AT_LEAST or name not in columns:
            break
        columns = [c for c in columns if c != name]
        widths = _fitted_widths(columns, rows, room, headers or {})
    return columns, widths


def _fitted_widths(columns: Any, rows: list[Any], room: int,
                   headers: dict[str, str]) -> dict[str, dict[str, int]]:
    """Widths that give every slug its whole length first; the title takes what is left.

    Rich would shrink every column in proportion, slugs included. The other columns keep
    their widest cell (a source at most 22); the title gets the rest, at least 12. Around the
    widths (of the text) go the cells' padding, a space on each side but at the table's edges,
    and the box's divider between columns.
    """
    columns = list(columns)
    if "slug" not in columns or "title" not in columns:
        return {}
    content = {}
    for name in columns:
        if name != "title":
            heading = headers.get(name, name)
            widest = max([len(heading), *(len(_plain(row.get(name))) for row in rows)])
            content[name] = min(widest, _COLUMN_HINTS.get(name, {}).get("max_width", widest))

    def padding(name: str) -> int:
        edges = (columns.index(name) == 0) + (columns.index(name) == len(columns) - 1)
        return 2 - edges

    dividers = len(columns) - 1  # the box's column divider, a space
    taken = sum(width + padding(name) for name, width in content.items()) + dividers
    content["title"] = max(_TITLE_AT_LEAST, room - taken - padding("title"))
    return {name: {"width": width} for name, width in content.items()}


def _plain(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    return str(value)


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
