"""Machine-readable output written with the standard library only."""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterable, Sequence
from typing import Any, TextIO

# What json.dumps(ensure_ascii=False) leaves raw although no reader wants it raw: DEL, the C1
# controls (U+009B alone is a terminal's CSI) and lone surrogates (not encodable as UTF-8).
# Outside strings JSON has only ASCII punctuation, so these are always inside a string.
_RAW_IN_JSON = re.compile(r"[\x7f-\x9f\ud800-\udfff]")


def to_json_line(record: Any) -> str:
    """One JSON value on one line: UTF-8 text, every control character escaped."""
    line = json.dumps(record, ensure_ascii=False)
    return _RAW_IN_JSON.sub(_json_escape, line) if _holds_raw_controls(line) else line


def _holds_raw_controls(line: str) -> bool:
    """Whether the line needs _RAW_IN_JSON's escapes; checked on its UTF-8 bytes, as a regex
    over every line would more than double the time of an export that nearly never needs it."""
    try:
        data = line.encode("utf-8")
    except UnicodeEncodeError:
        return True  # a lone surrogate
    if b"\x7f" in data:
        return True
    at = data.find(b"\xc2")  # U+0080-U+00BF: C1 controls are \xc2\x80-\xc2\x9f
    while at != -1:
        if data[at + 1] <= 0x9F:
            return True
        at = data.find(b"\xc2", at + 2)
    return False


def _json_escape(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def write_json(records: Iterable[dict[str, Any]], out: TextIO) -> int:
    """A JSON array written record by record, so memory stays flat."""
    count = 0
    out.write("[")
    for record in records:
        out.write(",\n  " if count else "\n  ")
        out.write(to_json_line(record))
        count += 1
    out.write("\n]\n" if count else "]\n")
    return count


def write_jsonl(records: Iterable[dict[str, Any]], out: TextIO) -> int:
    count = 0
    for record in records:
        out.write(to_json_line(record) + "\n")
        count += 1
    return count


def flat(value: Any) -> str:
    """One cell of text: lists joined with `;`, mappings as JSON, None empty."""
    if value is None:
        return ""
    if isinstance(value, list):
        return ";".join(str(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


# A spreadsheet reads a cell starting with one of these as a formula (`=HYPERLINK(...)`,
# `@SUM(...)`, `-2+3`); OWASP's advice is to make such a cell text with a leading `'`.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


def neutralised(cell: str) -> str:
    """A cell a spreadsheet shows as text, never evaluates: `'` before a formula's first sign."""
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell


def spreadsheet_cell(value: Any, *, tsv: bool = False, raw: bool = False) -> str:
    """One cell of CSV or TSV (tabs and newlines flattened); text neutralised unless `raw`.

    Numbers are never touched: a count of -3 stays a number.
    """
    cell = flat(value)
    if tsv:
        cell = " ".join(cell.split())
    return cell if raw or isinstance(value, (int, float)) else neutralised(cell)


def write_delimited(
    records: Iterable[dict[str, Any]], out: TextIO, fields: Sequence[str], *, tsv: bool = False,
    raw_cells: bool = False,
) -> int:
    """CSV (RFC 4180) or TSV with a header row; cells a spreadsheet would run as formulas are
    neutralised unless `raw_cells`."""
    if tsv:
        out.write("\t".join(fields) + "\n")
    else:
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(fields)
    count = 0
    for record in records:
        cells = [spreadsheet_cell(record.get(name), tsv=tsv, raw=raw_cells) for name in fields]
        if tsv:
            out.write("\t".join(cells) + "\n")
        else:
            writer.writerow(cells)
        count += 1
    return count


# Header lines of `show --format text`, in reading order.
_TEXT_HEADER = (
    ("Source", "source"), ("Author", "author"), ("Published", "published"),
    ("Dateline", "dateline"), ("URL", "url"), ("Tags", "tags"), ("Words", "word_count"),
    ("Slug", "slug"), ("Path", "path"),
)


def article_text(article: dict[str, Any]) -> str:
    """One article as plain text: title, `Key: value` lines for the fields it has, the body."""
    lines = [article.get("title") or ""]
    for label, name in _TEXT_HEADER:
        value = flat(article.get(name)) if name != "tags" else ", ".join(article.get("tags") or [])
        if value:
            lines.append(f"{label}: {' '.join(value.split())}")
    return "\n".join(lines) + "\n\n" + (article.get("body") or "").rstrip("\n") + "\n"
