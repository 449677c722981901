"""`--format` and `emit` for every listing command: records to stdout as a table or a machine format.

Each command names the `Listing` it prints: which formats it accepts and what it writes when
stdout is not a terminal. Lists of articles (list, search) are flat rows, so they go out as TSV
when piped (as `gh` does) and take `slugs` too; the summaries (dupes, related, stats, tags, info)
nest - a dupes group holds its articles, stats rows feed charts - so they go out as JSON.
On a terminal every listing is a table. Machine formats are written with the standard library.
"""

from __future__ import annotations

import codecs
import io
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Annotated, Any, BinaryIO, Literal, TextIO, cast

import typer


class OutputFormat(str, Enum):
    table = "table"
    json = "json"
    jsonl = "jsonl"
    csv = "csv"
    tsv = "tsv"
    slugs = "slugs"


@dataclass(frozen=True)
class Listing:
    """What one kind of listing accepts for --format, and its format when piped."""

    accepts: tuple[OutputFormat, ...]
    piped: OutputFormat
    help: str
    show_empty_table: bool  # headers over no rows, or only the "nothing found" line after

    def option(self) -> Any:
        """The --format option for a command signature: its choices are the accepted formats."""
        choices = Literal[tuple(fmt.value for fmt in self.accepts)]  # type: ignore[valid-type]
        return Annotated[choices | None,
                         typer.Option("--format", help=self.help, show_default=False)]

    def chosen(self, fmt: str | None, out: TextIO | None = None) -> OutputFormat:
        """The format asked for, else table on a terminal and the piped default otherwise."""
        from newscli.render import is_terminal

        if fmt is not None:
            return OutputFormat(fmt)
        return OutputFormat.table if is_terminal(out or sys.stdout) else self.piped


ARTICLES = Listing(
    accepts=tuple(OutputFormat), piped=OutputFormat.tsv, show_empty_table=True,
    help="table, json, jsonl, csv, tsv or slugs (one slug a line). "
    "[default: table on a terminal, tsv when piped]",
)
SUMMARIES = Listing(
    accepts=(OutputFormat.table, OutputFormat.json, OutputFormat.jsonl, OutputFormat.csv),
    piped=OutputFormat.json, show_empty_table=False,
    help="Output format [default: table on a terminal, json when piped]",
)
# One record, not a listing: `info` prints a table or one JSON object.
REPORT = Listing(
    accepts=(OutputFormat.table, OutputFormat.json), piped=OutputFormat.json,
    show_empty_table=False, help="table or json [default: table on a terminal, json when piped]",
)
ArticlesFormatOption = ARTICLES.option()
ReportFormatOption = REPORT.option()
SummariesFormatOption = SUMMARIES.option()


def emit(
    records: Iterable[Mapping[str, Any]],
    fmt: str | None,
    listing: Listing,
    fields: Sequence[str],
    *,
    table: Callable[[list[Any]], None],
    flat: tuple[Iterable[Mapping[str, Any]], Sequence[str]] | None = None,
    out: TextIO | None = None,
    raw_cells: bool = False,
) -> int:
    """Write records in the format (None: the listing's default); return how many were written.

    JSON and JSON Lines carry each record's `fields`, in that order; CSV and TSV write `flat`
    (rows and their columns) where records nest, else the records themselves. A table is
    `table(records)`, made in render. Machine formats stream: a million rows never sit in memory.
    CSV and TSV cells a spreadsheet would run as formulas are neutralised unless `raw_cells`.
    """
    out = out or sys.stdout
    chosen = listing.chosen(fmt, out)
    if chosen is OutputFormat.table:
        shown = list(records)
        if shown or listing.show_empty_table:
            table(shown)
        return len(shown)
    rows, columns = flat or (records, fields)
    stream = data_stream(out)
    count = _write_machine(chosen, records, fields, rows, columns, stream, raw_cells)
    stream.flush()
    return count


def _write_machine(
    fmt: OutputFormat, records: Iterable[Mapping[str, Any]], fields: Sequence[str],
    rows: Iterable[Mapping[str, Any]], columns: Sequence[str], out: TextIO, raw_cells: bool,
) -> int:
    from newscli import formats

    if fmt is OutputFormat.slugs:
        if "slug" not in fields:
            from newscli.errors import QueryError

            raise QueryError("--format slugs is for lists of articles; use tsv or json here")
        return _write_lines((str(record["slug"]) for record in records), out)
    if fmt in (OutputFormat.json, OutputFormat.jsonl):
        projected = ({name: record.get(name) for name in fields} for record in records)
        write = formats.write_json if fmt is OutputFormat.json else formats.write_jsonl
        return write(projected, out)
    # Text tables end up in terminals (`cat`, `column -t`): their cells carry no live escapes.
    # JSON needs no such care, its encoding escapes control characters.
    cells = ({name: _escapes_as_text(row.get(name)) for name in columns} for row in rows)
    return formats.write_delimited(cells, out, columns, tsv=fmt is OutputFormat.tsv,
                                   raw_cells=raw_cells)


def _escapes_as_text(value: Any) -> Any:
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


def nothing_found(message: str) -> None:
    """Say so on stderr and exit 1, the way grep does: scripts can test for it."""
    from newscli.render import say

    say(message)
    raise typer.Exit(1)


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
    """Write-through wrapper that passes every chunk through render.clean.

    Line ends stay line ends: CSV ends its rows with CRLF, which moves no cursor anywhere
    harmful, so a CR is held back until the next chunk shows whether LF follows it.
    """

    def __init__(self, out: TextIO):
        self._out = out
        self._held = ""

    def write(self, text: str) -> int:
        self._out.write(self._cleaned(text))
        return len(text)

    def _cleaned(self, text: str) -> str:
        from newscli.render import clean

        text, self._held = self._held + text, ""
        if text.endswith("\r"):
            text, self._held = text[:-1], "\r"
        return "\r\n".join(clean(part) for part in text.split("\r\n"))

    def flush(self) -> None:
        if self._held:
            from newscli.render import clean

            self._out.write(clean(self._held))
            self._held = ""
        self._out.flush()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._out, name)


def terminal_safe_bytes(stream: BinaryIO) -> BinaryIO:
    """A byte stream for data written as UTF-8 bytes (export): on a terminal, escape sequences
    in it are shown as text, never obeyed; elsewhere the stream itself."""
    from newscli.render import is_terminal

    return cast(BinaryIO, _CleanedBytes(stream)) if is_terminal(stream) else stream


class _CleanedBytes(io.RawIOBase):
    """UTF-8 bytes decoded, cleaned as _CleanedStream cleans text, and encoded again."""

    def __init__(self, out: BinaryIO):
        super().__init__()
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self._text = _CleanedStream(cast(TextIO, _Utf8Writer(out)))

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        self._text.write(self._decoder.decode(bytes(data)))
        return len(data)

    def flush(self) -> None:
        self._text.write(self._decoder.decode(b"", final=True))
        self._text.flush()


class _Utf8Writer:
    def __init__(self, out: BinaryIO):
        self._out = out

    def write(self, text: str) -> int:
        return self._out.write(text.encode("utf-8"))

    def flush(self) -> None:
        self._out.flush()
