"""`--format` for every listing command and `emit`: rows to stdout as a table or a machine format.

Commands that print lists of records (list, search, and the insight commands) share this, so
every listing behaves alike: a Rich table on a terminal, TSV when piped (as `gh` does), and
json/jsonl/csv/tsv/slugs written with the standard library.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Mapping, Sequence
from enum import Enum
from typing import Annotated, Any, TextIO, cast

import typer


class OutputFormat(str, Enum):
    table = "table"
    json = "json"
    jsonl = "jsonl"
    csv = "csv"
    tsv = "tsv"
    slugs = "slugs"


FormatOption = Annotated[
    OutputFormat | None,
    typer.Option(
        "--format",
        help="table, json, jsonl, csv, tsv or slugs (one slug a line). "
        "[default: table on a terminal, tsv when piped]",
        show_default=False,
    ),
]


def resolve_format(fmt: OutputFormat | None, out: TextIO | None = None) -> OutputFormat:
    """The format asked for, else table on a terminal and tsv otherwise."""
    from newscli.render import is_terminal

    if fmt is not None:
        return fmt
    return OutputFormat.table if is_terminal(out or sys.stdout) else OutputFormat.tsv


def emit(
    rows: Iterable[Mapping[str, Any]],
    fmt: OutputFormat | None,
    columns: Sequence[str],
    *,
    table_columns: Sequence[str] | None = None,
    headers: Mapping[str, str] | None = None,
    header: bool = True,
    out: TextIO | None = None,
) -> int:
    """Write rows in the format (None: the terminal/pipe default); return how many were written.

    `columns` are the keys machine formats carry, in that order; `table_columns` (default the
    same) are the ones a terminal table shows, under `headers` (default the key; header=False
    for none).
    Machine formats stream, so a million rows never sit in memory.
    """
    out = out or sys.stdout
    fmt = resolve_format(fmt, out)
    if fmt is OutputFormat.table:
        from newscli.render import print_table

        materialised = list(rows)
        print_table(materialised, table_columns or columns, headers=headers, header=header, out=out)
        return len(materialised)
    return _write_machine(rows, fmt, columns, data_stream(out))


def _write_machine(
    rows: Iterable[Mapping[str, Any]], fmt: OutputFormat, columns: Sequence[str], out: TextIO
) -> int:
    from newscli import formats

    if fmt is OutputFormat.slugs:
        if "slug" not in columns:
            from newscli.errors import QueryError

            raise QueryError("--format slugs is for lists of articles; use tsv or json here")
        return _write_lines((str(row["slug"]) for row in rows), out)
    records = ({name: row.get(name) for name in columns} for row in rows)
    if fmt is OutputFormat.json:
        return formats.write_json(records, out)
    if fmt is OutputFormat.jsonl:
        return formats.write_jsonl(records, out)
    # Text tables end up in terminals (`cat`, `column -t`): their cells carry no live escapes.
    # JSON needs no such care, its encoding escapes control characters.
    cells = ({name: _harmless(value) for name, value in record.items()} for record in records)
    return formats.write_delimited(cells, out, columns, tsv=fmt is OutputFormat.tsv)


def _harmless(value: Any) -> Any:
    from newscli.render import clean

    if isinstance(value, str):
        return clean(value)
    if isinstance(value, list):
        return [clean(v) if isinstance(v, str) else v for v in value]
    return value


def _write_lines(lines: Iterable[str], out: TextIO) -> int:
    count = 0
    for line in lines:
        out.write(line + "\n")
        count += 1
    return count


def data_stream(out: TextIO) -> TextIO:
    """UTF-8 always; on a terminal, escape sequences in the data shown as text, never obeyed."""
    encoding = (getattr(out, "encoding", None) or "utf-8").lower().replace("_", "-")
    if encoding not in ("utf-8", "utf8"):
        try:
            out.reconfigure(encoding="utf-8")  # type: ignore[attr-defined]
        except (AttributeError, ValueError, OSError):
            pass
    from newscli.render import is_terminal

    return cast(TextIO, _CleanedStream(out)) if is_terminal(out) else out


class _CleanedStream:
    """Write-through wrapper that passes every chunk through render.clean."""

    def __init__(self, out: TextIO):
        self._out = out

    def write(self, text: str) -> int:
        from newscli.render import clean

        return self._out.write(clean(text))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._out, name)
