"""The search index's own tokenizer and document counts, for `newscli related`.

Temporary FTS5 tables (this connection only, never in the file) tokenize text exactly as the
index does; an fts5vocab table over the index says in how many articles a stem occurs.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from newscli.models import Filters
from newscli.store.filters import where
from newscli.store.schema import FTS_TOKENIZER


def tokens(conn: sqlite3.Connection, title: str, body: str
           ) -> tuple[list[tuple[str, int, int]], list[tuple[str, int, int]]]:
    """(stem, doc, offset) and (word, doc, offset) of every token: doc 1 is the title, 2 the body."""
    _create_probes(conn)
    for table in ("related_stems", "related_words"):
        conn.execute(f"DELETE FROM temp.{table}")
        conn.executemany(f"INSERT INTO temp.{table} (rowid, text) VALUES (?, ?)",
                         [(1, title), (2, body)])
    words = conn.execute("SELECT term, doc, offset FROM temp.related_words_i").fetchall()
    stems = conn.execute("SELECT term, doc, offset FROM temp.related_stems_i").fetchall()
    return [tuple(row) for row in stems], [tuple(row) for row in words]


def _create_probes(conn: sqlite3.Connection) -> None:
    plain = FTS_TOKENIZER.replace("porter ", "")
    for table, tokenizer in (("related_stems", FTS_TOKENIZER), ("related_words", plain)):
        conn.execute(
            f"CREATE VIRTUAL TABLE IF NOT EXISTS temp.{table} "
            f"USING fts5(text, tokenize='{tokenizer}')"
        )
        conn.execute(
            f"CREATE VIRTUAL TABLE IF NOT EXISTS temp.{table}_i "
            f"USING fts5vocab(temp, {table}, instance)"
        )
    conn.execute(
        "CREATE VIRTUAL TABLE IF NOT EXISTS temp.related_vocab "
        "USING fts5vocab(main, articles_fts, row)"
    )


def document_count(conn: sqlite3.Connection, stem: str) -> int:
    """In how many articles the index holds the stem (after tokens() made the probes)."""
    row = conn.execute("SELECT doc FROM temp.related_vocab WHERE term = ?", (stem,)).fetchone()
    return row[0] if row else 0


def newest_from(conn: sqlite3.Connection, count: int) -> int:
    """The id from which on the archive holds its newest `count` articles."""
    row = conn.execute("SELECT id FROM articles ORDER BY id DESC LIMIT 1 OFFSET ?",
                       (count - 1,)).fetchone()
    return row[0] if row else 0


def matches_from(conn: sqlite3.Connection, match: str, first_id: int) -> int:
    """How many articles from first_id on the FTS5 expression matches: the index seeks to
    first_id in each word's list and reads only the rest of it."""
    sql = "SELECT count(*) FROM articles_fts WHERE articles_fts MATCH ? AND rowid >= ?"
    return int(conn.execute(sql, (match, first_id)).fetchone()[0])


def ranked_matches(
    conn: sqlite3.Connection,
    match: str,
    column_weights: tuple[float, ...],
    exclude: int,
    filters: Filters | None,
    limit: int,
) -> list[dict[str, Any]]:
    """Articles matching the FTS5 expression, best bm25() first, without `exclude`."""
    clauses, params = where(filters or Filters())
    extra = "".join(f" AND {clause}" for clause in clauses)
    weights = ", ".join(str(w) for w in column_weights)
    sql = (
        f"SELECT articles.id, articles.slug, articles.title, articles.source, articles.published, "
        f"bm25(articles_fts, {weights}) AS rank "
        "FROM articles_fts JOIN articles ON articles.id = articles_fts.rowid "
        f"WHERE articles_fts MATCH ? AND articles.id != ?{extra} ORDER BY rank LIMIT ?"
    )
    rows = conn.execute(sql, [match, exclude, *params, limit])
    return [
        {"id": row[0], "slug": row[1], "title": row[2], "source": row[3], "published": row[4],
         "score": round(-row[5], 2)}
        for row in rows
    ]


def article_texts(conn: sqlite3.Connection, ids: list[int]) -> dict[int, str]:
    """{id: title and body} of these articles (bodies as stored)."""
    if not ids:
        return {}
    marks = ", ".join("?" for _ in ids)
    rows = conn.execute(f"SELECT id, title, body FROM articles WHERE id IN ({marks})", ids)
    return {row[0]: f"{row[1] or ''}\n{row[2] or ''}" for row in rows}
