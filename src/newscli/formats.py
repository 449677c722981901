"""Machine-readable output written with the standard library only."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Sequence
from typing import Any, TextIO


def to_json_line(record: dict[str, Any]) -> str:
    return json.dumps(record, ensure_ascii=False)


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


def write_delimited(
    records: Iterable[dict[str, Any]], out: TextIO, fields: Sequence[str], *, tsv: bool = False
) -> int:
    """CSV (RFC 4180) or TSV with a header row; TSV cells have tabs and newlines flattened."""
    if tsv:
        out.write("\t".join(fields) + "\n")
    else:
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(fields)
    count = 0
    for record in records:
        cells = [flat(record.get(name)) for name in fields]
        if tsv:
            out.write("\t".join(" ".join(c.split()) for c in cells) + "\n")
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
