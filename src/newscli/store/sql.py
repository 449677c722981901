"""Small helpers every store module shares: placeholders, chunked IN queries, timestamps."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterator, Sequence
from functools import lru_cache
from typing import Any

# SQLite caps the bound parameters of one statement (999 in older builds).
IN_CHUNK = 500


@lru_cache(maxsize=1024)  # an import asks for the same few counts for every row and chunk
def placeholders(count: int) -> str:
    """`?, ?, ?`: count bound-parameter placeholders for VALUES (...) or IN (...)."""
    return ", ".join("?" for _ in range(count))


def rows_in(conn: sqlite3.Connection, sql: str, values: Sequence[Any]) -> Iterator[Any]:
    """Rows of `sql (?, ...)` for the values, a chunk at a time; sql ends with `... IN `."""
    values = list(values)
    for start in range(0, len(values), IN_CHUNK):
        chunk = values[start : start + IN_CHUNK]
        yield from conn.execute(f"{sql}({placeholders(len(chunk))})", chunk)


def now_iso() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
