"""Full-text search over the archive: BM25 ranking, snippets, hit counts and looser suggestions.

The SQL of `newscli search` lives here (the rest of the store's SQL is in store.py). Ranking is
a weighted sum of FTS5's BM25 per field, so a word in the headline counts several times a word
in the body; articles that hold the plain words of the query side by side (as a phrase) get a
further boost.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

from newscli.errors import QueryError
from newscli.models import LIST_FIELDS
from newscli.query import Query, looser_queries, narrowed, parse_query
from newscli.store import Filters, Store, row_to_dict

# (weight, columns) summed into the score; the columns in the order of migrations.FTS_COLUMNS
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
SORTS = ("relevance", "date")
_MARKS = re.compile(f"{OPEN}(.*?){CLOSE}", re.DOTALL)

Marked = list[tuple[str, bool]]  # text split into (piece, is_a_match)


MARKS_BATCH = 50  # hits whose snippet and title marks are fetched in one query


def search(
    store: Store, query: Query, *, sort: str = "relevance", limit: int | None = 20, offset: int = 0
) -> Iterator[dict[str, Any]]:
    """Matching articles with `score` (higher is better; None without words), `snippet`
    (plain text), and `title_marks` / `snippet_marks` (pieces flagged as matches)."""
    if sort not in SORTS:
        raise QueryError(f"--sort must be one of {', '.join(SORTS)}, not {sort!r}")
    if query.match is None:
        yield from _browse(store, query.filters, limit, offset)
        return
    sql, params = _search_sql(query, sort, limit, offset)
    cursor = store.conn.execute(sql, params)
    # Snippets and highlights only for the hits shown: made in the ranking query, they were
    # made for every match (each reads and tokenizes an article) and most were then dropped.
    while rows := cursor.fetchmany(MARKS_BATCH):
        marks = _marks(store, query.match, [row["id"] for row in rows])
        for row in rows:
            yield _hit(row_to_dict(row), *marks.get(row["id"], (None, None)))


def count(store: Store, query: Query) -> int:
    """How many articles the query matches."""
    if query.match and query.filters == Filters():
        # Nothing to check in the articles themselves: the index counts its matches alone,
        # without a lookup per match (the index holds exactly the archive's articles).
        sql = "SELECT count(*) FROM articles_fts WHERE articles_fts MATCH ?"
        return int(store.conn.execute(sql, (query.match,)).fetchone()[0])
    return store.count(query.filters, query.match)


def _search_sql(query: Query, sort: str, limit: int | None, offset: int) -> tuple[str, list[Any]]:
    """The ranking query: matches with their score, in order, one page of them."""
    columns = ", ".join(f"a.{name}" for name in ("id", *LIST_FIELDS, "format"))
    params: list[Any] = []
    for weight, columns_on in FIELD_WEIGHTS:
        params += [weight, *columns_on]
    score = " + ".join("? * bm25(articles_fts, ?, ?, ?, ?, ?)" for _ in FIELD_WEIGHTS)
    boost = "1.0"
    if query.boost:
        boost = ("(CASE WHEN articles_fts.rowid IN (SELECT rowid FROM articles_fts WHERE "
                 "articles_fts MATCH ?) THEN ? ELSE 1.0 END)")
        params += [query.boost, PHRASE_BOOST]
    params.append(query.match)
    where, filter_params = query.filters.where("a")
    order = {
        "relevance": "rank_value, a.published IS NULL, a.published DESC, a.id DESC",
        "date": "a.published IS NULL, a.published DESC, rank_value, a.id DESC",
    }[sort]
    # bm25() is lower for better matches, so the boost multiplies a negative number.
    scored = (f"SELECT articles_fts.rowid AS id, ({score}) * {boost} AS rank_value "
              "FROM articles_fts WHERE articles_fts MATCH ?")
    page = [-1 if limit is None else limit, offset]
    if sort == "relevance" and not where and limit is not None and limit > 0:
        # Ranked by score first, a page can only hold matches scoring at least as well as the
        # (offset + limit)th best: only those are looked up in articles (for the tie-breaking
        # date and the columns), not every match. Ties at that score all stay in.
        sql = (
            f"WITH scored AS ({scored}) "
            f"SELECT {columns}, scored.rank_value FROM scored JOIN articles AS a ON a.id = scored.id "
            "WHERE scored.rank_value <= coalesce((SELECT rank_value FROM scored "
            "ORDER BY rank_value LIMIT 1 OFFSET ?), scored.rank_value) "
            f"ORDER BY {order} LIMIT ? OFFSET ?"
        )
        return sql, [*params, offset + limit - 1, *page]
    sql = (
        f"SELECT {columns}, ({score}) * {boost} AS rank_value "
        "FROM articles_fts JOIN articles AS a ON a.id = articles_fts.rowid "
        "WHERE articles_fts MATCH ?"
        + "".join(f" AND {clause}" for clause in where)
        + f" ORDER BY {order} LIMIT ? OFFSET ?"
    )
    return sql, [*params, *filter_params, *page]


def _marks(store: Store, match: str, ids: list[int]) -> dict[int, tuple[str, str]]:
    """article id -> (its body snippet, its title), matched words between OPEN and CLOSE."""
    marks = ", ".join("?" for _ in ids)
    rows = store.conn.execute(
        "SELECT rowid, snippet(articles_fts, 1, ?, ?, ?, ?), highlight(articles_fts, 0, ?, ?) "
        f"FROM articles_fts WHERE articles_fts MATCH ? AND rowid IN ({marks})",
        [OPEN, CLOSE, ELLIPSIS, SNIPPET_TOKENS, OPEN, CLOSE, match, *ids],
    )
    return {row[0]: (row[1], row[2]) for row in rows}


def _hit(row: dict[str, Any], marked_snippet: str | None, marked_title: str | None) -> dict[str, Any]:
    rank = row.pop("rank_value")
    row["score"] = float(f"{-rank:.4g}")
    row["title_marks"] = split_marks(marked_title or row["title"])
    row["snippet_marks"] = split_marks(" ".join((marked_snippet or "").split()))
    row["snippet"] = "".join(piece for piece, _ in row["snippet_marks"])
    return row


def _browse(
    store: Store, filters: Filters, limit: int | None, offset: int
) -> Iterator[dict[str, Any]]:
    """A search with only filters (nothing to rank): newest first, the snippet is the opening
    of the body."""
    columns = ", ".join(("id", *LIST_FIELDS, "format", "body"))
    for row in store.iter_articles(filters, limit=limit, offset=offset, columns=columns):
        words = row.pop("body").split()
        more = ELLIPSIS if len(words) > SNIPPET_TOKENS else ""
        opening = " ".join(words[:SNIPPET_TOKENS]) + more
        row.update(score=None, snippet=opening, title_marks=[(row["title"], False)],
                   snippet_marks=[(opening, False)])
        yield row


def split_marks(marked: str) -> Marked:
    """FTS5-marked text -> [(piece, is_match)], marks removed."""
    pieces: Marked = []
    last = 0
    for found in _MARKS.finditer(marked):
        if found.start() > last:
            pieces.append((marked[last : found.start()], False))
        pieces.append((found.group(1), True))
        last = found.end()
    if last < len(marked):
        pieces.append((marked[last:], False))
    return [(p.replace(OPEN, "").replace(CLOSE, ""), m) for p, m in pieces]


def matched_words(store: Store, article_id: int, match: str) -> set[str]:
    """The words of one article (title and body) that an FTS5 expression matches, casefolded."""
    row = store.conn.execute(
        "SELECT highlight(articles_fts, 0, ?, ?), highlight(articles_fts, 1, ?, ?) "
        "FROM articles_fts WHERE articles_fts MATCH ? AND rowid = ?",
        (OPEN, CLOSE, OPEN, CLOSE, match, article_id),
    ).fetchone()
    if row is None:
        return set()
    return {
        word.casefold()
        for text in row
        for piece, is_match in split_marks(text or "")
        if is_match
        for word in piece.split()
    }


def suggest(store: Store, query: Query, options: Filters) -> tuple[str, int] | None:
    """A looser query that finds something, with its hit count; `options` are the filters
    given as command-line options, which still apply."""
    for text in looser_queries(query):
        try:
            wider = parse_query(text)
            wider = replace(wider, filters=narrowed(options, wider.filters))
        except QueryError:
            continue
        hits = count(store, wider)
        if hits:
            return text, hits
    return None
