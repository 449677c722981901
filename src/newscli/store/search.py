"""The SQL of `newscli search`: BM25 ranking, hit counts, snippets and highlights.

Ranking is a weighted sum of FTS5's BM25 per field, so a word in the headline counts several
times a word in the body; articles that hold the plain words of the query side by side (as a
phrase) get a further boost.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from typing import Any

from newscli import searchtext
from newscli.models import LIST_FIELDS, Filters
from newscli.store import search_text
from newscli.store.filters import where
from newscli.store.sql import placeholders

# (weight, columns) summed into the score; the columns in the order of schema.FTS_COLUMNS
# (title, body, source, author, tags). One bm25() call per field rather than one call with
# column weights: inside a single call BM25's term-frequency saturation flattens the weights,
# and a headline match barely beats a body match.
FIELD_WEIGHTS = (
    (5.0, (1, 0, 0, 0, 0)),
    (1.0, (0, 1, 0, 0, 0)),
    (1.0, (0, 0, 1, 1, 2)),
)
PHRASE_BOOST = 2.0  # multiplies the score of articles holding the words as a phrase
SNIPPET_TOKENS = 24
ELLIPSIS = "…"
# Marks FTS5 puts around matched words; control characters, so text never holds them usefully.
OPEN, CLOSE = "\x02", "\x03"
_ORDER = {
    "relevance": "rank_value, a.published IS NULL, a.published DESC, a.id DESC",
    "date": "a.published IS NULL, a.published DESC, rank_value, a.id DESC",
}
_COLUMNS = ", ".join(f"a.{name}" for name in ("id", *LIST_FIELDS, "format"))


def ranked(conn: sqlite3.Connection, match: str, boost: str | None, filters: Filters, *,
           sort: str, limit: int | None, offset: int) -> sqlite3.Cursor:
    """One page of matches with their `rank_value` (lower is better), in order."""
    score, params = _score(match, boost)
    clauses, filter_params = where(filters, "a")
    if sort == "relevance" and not clauses and limit is not None and limit > 0:
        sql, page = _best_page_sql(score, limit, offset)
        return conn.execute(sql, [*params, *page])
    sql = (
        f"SELECT {_COLUMNS}, {score} AS rank_value "
        "FROM articles_fts JOIN articles AS a ON a.id = articles_fts.rowid "
        "WHERE articles_fts MATCH ?"
        + "".join(f" AND {clause}" for clause in clauses)
        + f" ORDER BY {_ORDER[sort]} LIMIT ? OFFSET ?"
    )
    return conn.execute(sql, [*params, *filter_params, -1 if limit is None else limit, offset])


def _score(match: str, boost: str | None) -> tuple[str, list[Any]]:
    """The score expression and its parameters, the MATCH expression's last."""
    params: list[Any] = []
    for weight, columns_on in FIELD_WEIGHTS:
        params += [weight, *columns_on]
    score = " + ".join("? * bm25(articles_fts, ?, ?, ?, ?, ?)" for _ in FIELD_WEIGHTS)
    factor = "1.0"
    if boost:
        factor = ("(CASE WHEN articles_fts.rowid IN (SELECT rowid FROM articles_fts WHERE "
                  "articles_fts MATCH ?) THEN ? ELSE 1.0 END)")
        params += [boost, PHRASE_BOOST]
    # bm25() is lower for better matches, so the boost multiplies a negative number.
    return f"({score}) * {factor}", [*params, match]


def _best_page_sql(score: str, limit: int, offset: int) -> tuple[str, list[Any]]:
    """Ranked by score first, a page can only hold matches scoring at least as well as the
    (offset + limit)th best: only those are looked up in articles (for the tie-breaking date
    and the columns), not every match. Ties at that score all stay in."""
    scored = (f"SELECT articles_fts.rowid AS id, {score} AS rank_value "
              "FROM articles_fts WHERE articles_fts MATCH ?")
    sql = (
        f"WITH scored AS ({scored}) "
        f"SELECT {_COLUMNS}, scored.rank_value FROM scored JOIN articles AS a ON a.id = scored.id "
        "WHERE scored.rank_value <= coalesce((SELECT rank_value FROM scored "
        "ORDER BY rank_value LIMIT 1 OFFSET ?), scored.rank_value) "
        f"ORDER BY {_ORDER['relevance']} LIMIT ? OFFSET ?"
    )
    return sql, [offset + limit - 1, limit, offset]


def count_matches(conn: sqlite3.Connection, match: str) -> int:
    """How many articles the index matches, without a lookup per match in articles."""
    sql = "SELECT count(*) FROM articles_fts WHERE articles_fts MATCH ?"
    return int(conn.execute(sql, (match,)).fetchone()[0])


def marked(conn: sqlite3.Connection, match: str, ids: list[int]) -> dict[int, tuple[str, str]]:
    """article id -> (its body snippet, its title), matched words between OPEN and CLOSE."""
    rows = conn.execute(
        "SELECT rowid, snippet(articles_fts, 1, ?, ?, ?, ?), highlight(articles_fts, 0, ?, ?) "
        f"FROM articles_fts WHERE articles_fts MATCH ? AND rowid IN ({placeholders(len(ids))})",
        [OPEN, CLOSE, ELLIPSIS, SNIPPET_TOKENS, OPEN, CLOSE, match, *ids],
    )
    found = {row[0]: (row[1], row[2]) for row in rows}
    originals = search_text.shadowed(conn, list(found))
    if originals:  # marks put in index forms go back into the text as stored
        bodies = dict(_highlights(conn, match, list(originals), 1))
        for article_id, (title, body) in originals.items():
            snippet, marked_title = found[article_id]
            found[article_id] = (
                searchtext.restore_snippet(body, bodies.get(article_id) or "", snippet or "",
                                           (OPEN, CLOSE), ELLIPSIS),
                searchtext.restore_marks(title, marked_title or "", (OPEN, CLOSE)),
            )
    return found


def _highlights(conn: sqlite3.Connection, match: str, ids: list[int], column: int
                ) -> sqlite3.Cursor:
    return conn.execute(
        "SELECT rowid, highlight(articles_fts, ?, ?, ?) FROM articles_fts "
        f"WHERE articles_fts MATCH ? AND rowid IN ({placeholders(len(ids))})",
        [column, OPEN, CLOSE, match, *ids],
    )


def highlighted(conn: sqlite3.Connection, article_id: int, match: str) -> Iterator[str]:
    """The article's title and body with matched words between OPEN and CLOSE (none if no match)."""
    row = conn.execute(
        "SELECT highlight(articles_fts, 0, ?, ?), highlight(articles_fts, 1, ?, ?) "
        "FROM articles_fts WHERE articles_fts MATCH ? AND rowid = ?",
        (OPEN, CLOSE, OPEN, CLOSE, match, article_id),
    ).fetchone()
    original = search_text.shadowed(conn, [article_id]).get(article_id)
    if row and original:
        row = [searchtext.restore_marks(text, form or "", (OPEN, CLOSE))
               for text, form in zip(original, row, strict=True)]
    return iter(row or ())
