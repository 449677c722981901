"""Ordered schema steps, each recorded in the database once applied.

Append new steps at the end; never edit or reorder a step that has shipped.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

MIGRATIONS_TABLE = "newscli_migrations"
FTS_COLUMNS = ["title", "body", "source", "author", "tags"]
FTS_TOKENIZER = "porter unicode61 remove_diacritics 2"


def m001_articles(conn: sqlite3.Connection) -> None:
    conn.execute(
        """
        CREATE TABLE articles (
            id INTEGER PRIMARY KEY,
            slug TEXT NOT NULL UNIQUE,
            title TEXT NOT NULL,
            body TEXT NOT NULL DEFAULT '',
            source TEXT,
            author TEXT,
            published TEXT,
            url TEXT,
            tags TEXT NOT NULL DEFAULT '[]',
            dateline TEXT,
            language TEXT,
            word_count INTEGER NOT NULL DEFAULT 0,
            path TEXT,
            format TEXT NOT NULL DEFAULT 'text',
            sha256 TEXT NOT NULL,
            meta TEXT NOT NULL DEFAULT '{}',
            imported_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        )
        """
    )
    for column in ("path", "sha256", "published", "source"):
        conn.execute(f"CREATE INDEX articles_{column} ON articles({column})")
    enable_fts(conn)


def enable_fts(conn: sqlite3.Connection) -> None:
    """The FTS5 index as sqlite-utils makes it, so Datasette can search it as is."""
    import sqlite_utils

    sqlite_utils.Database(conn)["articles"].enable_fts(
        FTS_COLUMNS, tokenize=FTS_TOKENIZER, create_triggers=True
    )


def m002_signatures(conn: sqlite3.Connection) -> None:
    """Near-duplicate signatures (see newscli.dupes), kept in step with articles by triggers."""
    from newscli import dupes

    dupes.create_tables(conn)
    dupes.sign_missing(conn)


MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [m001_articles, m002_signatures]
