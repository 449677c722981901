"""The text the search index holds: index forms (newscli.searchtext) kept beside the articles.

The FTS5 index reads its text from the view articles_search: an article's own columns, or the
index form stored for it in article_search_text when that differs (Chinese, Japanese, Korean,
Thai ... cut into characters; `ß` and the like folded). Only newscli computes index forms. The
triggers index what any program writes as it is and note the article in
article_search_pending; newscli puts the index form in before it commits its own writes, and
catches up on other programs' writes the next time it opens the archive writable.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence

from newscli.models import Article
from newscli.searchtext import index_form, needs_index_form
from newscli.store.schema import FTS_COLUMNS, SEARCH_PENDING, SEARCH_TEXT, SEARCH_VIEW
from newscli.store.sql import placeholders, rows_in

Progress = Callable[[int, int], None]  # (done, total)
CHUNK = 1000  # articles reindexed between two progress reports

_COLUMNS = ", ".join(FTS_COLUMNS)
_SELECT = f"SELECT id, {_COLUMNS} FROM articles WHERE id IN "


def forms(values: Sequence[str | None], needs: Sequence[bool] | None = None
          ) -> list[str | None] | None:
    """The index forms of the FTS columns' values (None where a value needs none), or None
    when none of them needs one. needs: which values need one, when the caller knows."""
    needs = [_needs(value) for value in values] if needs is None else needs
    if not any(needs):
        return None
    return [index_form(value) if need and value else None for value, need in zip(values, needs,
                                                                                   strict=True)]


def needs_of(article: Article, values: Sequence[str | None]) -> list[bool]:
    """Which of the FTS columns' values (title, body, source, author, tags) need an index form.

    Title and body, most of the text, are looked at once per article (in an import's parse
    worker: title_body_needs); the short others each time.
    """
    return [*title_body_needs(article), *map(_needs, values[2:])]


def title_body_needs(article: Article) -> tuple[bool, bool]:
    return article.remember(  # type: ignore[no-any-return]
        "index_form_needs", lambda: (_needs(article.title), _needs(article.body)))


def _needs(value: str | None) -> bool:
    return bool(value) and needs_index_form(value)  # type: ignore[arg-type]


def save(conn: sqlite3.Connection, article_id: int, values: Sequence[str | None],
         needs: Sequence[bool] | None = None) -> bool:
    """Store the article's index forms, if it needs any, before the index reads it."""
    found = forms(values, needs)
    if found is None:
        return False
    conn.execute(f"INSERT OR REPLACE INTO {SEARCH_TEXT} (id, {_COLUMNS}) "
                 f"VALUES ({placeholders(1 + len(FTS_COLUMNS))})", (article_id, *found))
    return True


def index_from(conn: sqlite3.Connection, first_id: int) -> None:
    """Add the articles from first_id on to the index, as the view gives their text."""
    conn.execute(f"INSERT INTO articles_fts (rowid, {_COLUMNS}) "
                 f"SELECT id, {_COLUMNS} FROM {SEARCH_VIEW} WHERE id >= ?", (first_id,))


def catch_up(conn: sqlite3.Connection) -> int:
    """Put the index forms in for the articles the triggers indexed as they are; how many."""
    if not has_pending(conn):
        return 0
    ids = [row[0] for row in conn.execute(f"SELECT id FROM {SEARCH_PENDING}")]
    if not ids:
        return 0
    values = placeholders(len(FTS_COLUMNS))
    for article_id, *raw in list(rows_in(conn, _SELECT, ids)):
        if not save(conn, article_id, raw):
            continue
        conn.execute(f"INSERT INTO articles_fts (articles_fts, rowid, {_COLUMNS}) "
                     f"VALUES ('delete', ?, {values})", (article_id, *raw))
        conn.execute(f"INSERT INTO articles_fts (rowid, {_COLUMNS}) "
                     f"SELECT id, {_COLUMNS} FROM {SEARCH_VIEW} WHERE id = ?", (article_id,))
    conn.execute(f"DELETE FROM {SEARCH_PENDING}")
    return len(ids)


def has_pending(conn: sqlite3.Connection) -> bool:
    """Whether some article waits for its index form (False before the upgrade made the table)."""
    known = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?"
    if conn.execute(known, (SEARCH_PENDING,)).fetchone() is None:
        return False
    return conn.execute(f"SELECT 1 FROM {SEARCH_PENDING} LIMIT 1").fetchone() is not None


def reindex(conn: sqlite3.Connection, progress: Progress | None = None) -> None:
    """Index every article again (the index must be empty): index forms first, a chunk of
    articles at a time, with a report after each chunk."""
    ids = [row[0] for row in conn.execute("SELECT id FROM articles ORDER BY id")]
    if progress:
        progress(0, len(ids))
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        for article_id, *raw in list(rows_in(conn, _SELECT, chunk)):
            save(conn, article_id, raw)
        conn.execute(f"INSERT INTO articles_fts (rowid, {_COLUMNS}) "
                     f"SELECT id, {_COLUMNS} FROM {SEARCH_VIEW} WHERE id BETWEEN ? AND ?",
                     (chunk[0], chunk[-1]))
        if progress:
            progress(start + len(chunk), len(ids))


def shadowed(conn: sqlite3.Connection, ids: Sequence[int]) -> dict[int, tuple[str, str]]:
    """id -> (title, body) as stored, for those of the articles the index holds transformed."""
    sql = (f"SELECT a.id, a.title, a.body FROM articles AS a JOIN {SEARCH_TEXT} AS s "
           "ON s.id = a.id WHERE a.id IN ")
    return {row[0]: (row[1], row[2]) for row in rows_in(conn, sql, list(ids))}
