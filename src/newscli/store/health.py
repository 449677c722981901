"""Checks of the archive's soundness for `newscli info`: the database, the index, the triggers."""

from __future__ import annotations

import sqlite3


def integrity_problems(conn: sqlite3.Connection) -> list[str]:
    """SQLite's integrity_check report: ["ok"] when the database is sound."""
    return [row[0] for row in conn.execute("PRAGMA integrity_check")]


def check_search_index(conn: sqlite3.Connection) -> None:
    """Raise sqlite3.DatabaseError when the FTS5 index is damaged or out of step."""
    # rank 1: also compare the index with the articles table, not only with itself
    conn.execute("INSERT INTO articles_fts(articles_fts, rank) VALUES ('integrity-check', 1)")


def trigger_names(conn: sqlite3.Connection) -> set[str]:
    return {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}


def index_rows_match(conn: sqlite3.Connection) -> bool:
    """Whether the index holds one entry per article: what can be checked without writing."""
    indexed = conn.execute("SELECT count(*) FROM articles_fts_docsize").fetchone()[0]
    return bool(indexed == conn.execute("SELECT count(*) FROM articles").fetchone()[0])
