"""Output for the insight commands: a table for a person, JSON or CSV for a script.

Unlike flat listings (commands.output, TSV when piped), these records nest - a dupes group holds
its articles, stats rows feed charts - so piped output defaults to JSON, as the issue asks:
`table` on a terminal and `json` when piped, unless --format says otherwise.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from enum import Enum
from typing import Annotated, Any

import typer


class Format(str, Enum):
    table = "table"
    json = "json"
    jsonl = "jsonl"
    csv = "csv"


FormatOption = Annotated[
    Format | None,
    typer.Option("--format", help="Output format [default: table on a terminal, json when piped]"),
]


def chosen(fmt: Format | None) -> Format:
    from newscli.render import is_terminal

    if fmt is not None:
        return fmt
    return Format.table if is_terminal(sys.stdout) else Format.json


def emit(
    fmt: Format | None,
    records: Sequence[dict[str, Any]],
    table: Callable[[], None],
    *,
    fields: Sequence[str],
    rows: Sequence[dict[str, Any]] | None = None,
) -> None:
    """Write records as the chosen format; `rows` (default: records) are the flat CSV rows."""
    from newscli import formats

    fmt = chosen(fmt)
    if fmt is Format.table:
        if records:  # an empty table says less than the "nothing found" line that follows
            table()
    elif fmt is Format.json:
        formats.write_json(records, sys.stdout)
    elif fmt is Format.jsonl:
        formats.write_jsonl(records, sys.stdout)
    else:
        formats.write_delimited(records if rows is None else rows, sys.stdout, fields)


def nothing_found(message: str) -> None:
    """Say so on stderr and exit 1, the way grep does: scripts can test for it."""
    from newscli.render import say

    say(message)
    raise typer.Exit(1)
