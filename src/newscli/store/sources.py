"""The SQL of outlet names: which sources the archive holds, and renaming one source to another."""

from __future__ import annotations

import sqlite3


def source_names(conn: sqlite3.Connection) -> list[str]:
    """Every source the archive holds, most articles first."""
    rows = conn.execute("SELECT source FROM articles WHERE source IS NOT NULL AND source != '' "
                        "GROUP BY source ORDER BY count(*) DESC, source")
    return [row[0] for row in rows]


def sources_on_host(conn: sqlite3.Connection, host: str) -> list[str]:
    """The sources of articles whose URL is on this host (or its www.), most articles first."""
    rows = conn.execute(
        "SELECT source FROM articles WHERE source IS NOT NULL AND "
        "(url LIKE ? OR url LIKE ? OR url LIKE ? OR url LIKE ?) "
        "GROUP BY source ORDER BY count(*) DESC, source",
        [f"{scheme}://{prefix}{host}/%" for scheme in ("http", "https") for prefix in ("", "www.")],
    )
    return [row[0] for row in rows]


def rename_source(conn: sqlite3.Connection, old: str, new: str, now: str) -> int:
    """Give every article of source `old` the source `new` (the index follows by trigger)."""
    cursor = conn.execute("UPDATE articles SET source = ?, updated_at = ? WHERE source = ?",
                          (new, now, old))
    return cursor.rowcount
