"""Full-text search over the archive: BM25 ranking, snippets, hit counts and looser suggestions.

The SQL (and the ranking it computes) is newscli.store.search; this module turns its rows into
hits with plain snippets and marked pieces, and suggests looser queries.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

from newscli.errors import QueryError
from newscli.models import LIST_FIELDS, Filters
from newscli.query import Query, looser_queries, narrowed, parse_query
from newscli.snippets import as_read
from newscli.store import Store, row_to_dict
from newscli.store import search as ranking
from newscli.store.search import CLOSE, ELLIPSIS, OPEN, SNIPPET_TOKENS

SORTS = ("relevance", "date")
# A search answers within this, or is refused (QueryTooCostly): the limit the benchmarks hold
# every query of up to 10,000 characters to, on 100,000 articles.
TIME_LIMIT_SECONDS = 1.0
_MARKED_PIECE = re.compile(f"{OPEN}(.*?){CLOSE}", re.DOTALL)

Marked = list[tuple[str, bool]]  # text split into (piece, is_a_match)


HIGHLIGHT_BATCH = 50  # hits whose snippet and marked title are fetched in one query


def search(
    store: Store, query: Query, *, sort: str = "relevance", limit: int | None = 20, offset: int = 0
) -> Iterator[dict[str, Any]]:
    """Matching articles with `score` (out of 100, the best match 100; None without words), `snippet`
    (plain text), and `title_marks` / `snippet_marks` (pieces flagged as matches)."""
    if sort not in SORTS:
        raise QueryError(f"--sort must be one of {', '.join(SORTS)}, not {sort!r}")
    if query.match is None:
        yield from _browse(store, query.filters, limit, offset)
        return
    cursor = ranking.ranked(store.conn, query.match, query.boost, query.filters,
                            sort=sort, limit=limit, offset=offset)
    best = None if sort == "relevance" and offset == 0 else _best_rank(store, query)
    # Snippets and highlights only for the hits shown: made in the ranking query, they were
    # made for every match (each reads and tokenizes an article) and most were then dropped.
    while rows := cursor.fetchmany(HIGHLIGHT_BATCH):
        best = rows[0]["rank_value"] if best is None else best
        marked = ranking.marked(store.conn, query.match, [row["id"] for row in rows])
        for row in rows:
            yield _hit(row_to_dict(row), *marked.get(row["id"], (None, None)), best)


def _best_rank(store: Store, query: Query) -> float | None:
    """The rank of the query's best match (the filters applied), which scores 100."""
    row = ranking.ranked(store.conn, query.match, query.boost, query.filters,  # type: ignore[arg-type]
                         sort="relevance", limit=1, offset=0).fetchone()
    return None if row is None else row["rank_value"]


def relative_score(rank: float, best: float | None) -> float:
    """A match's score out of 100, the query's best match scoring 100, to one decimal.

    BM25 values mean nothing outside their query: a word in most articles scores 0.00003, a
    rare one 22.77. Out of the best, scores read the same way for every query.
    """
    if not best or rank >= 0:
        return 100.0 if rank == best else 0.0
    return round(100 * rank / best, 1)


def count(store: Store, query: Query) -> int:
    """How many articles the query matches."""
    if query.match and query.filters == Filters():
        # Nothing to check in the articles themselves: the index counts its matches alone,
        # without a lookup per match (the index holds exactly the archive's articles).
        return ranking.count_matches(store.conn, query.match)
    return store.count(query.filters, query.match)


def _hit(row: dict[str, Any], marked_snippet: str | None, marked_title: str | None,
         best: float | None = None) -> dict[str, Any]:
    rank = row.pop("rank_value")
    row["score"] = relative_score(rank, best if best is not None else rank)
    row["title_marks"] = split_marks(marked_title or row["title"])
    row["snippet_marks"] = split_marks(as_read(marked_snippet or ""))
    row["snippet"] = "".join(piece for piece, _ in row["snippet_marks"])
    return row


def _browse(
    store: Store, filters: Filters, limit: int | None, offset: int
) -> Iterator[dict[str, Any]]:
    """A search with only filters (nothing to rank): newest first, the snippet is the opening
    of the body."""
    columns = ", ".join(("id", *LIST_FIELDS, "format", "body"))
    for row in store.iter_articles(filters, limit=limit, offset=offset, columns=columns):
        # The opening as read: enough of the body for the snippet's words, Markdown taken out.
        words = as_read(row.pop("body")[: 40 * SNIPPET_TOKENS]).split()
        more = ELLIPSIS if len(words) > SNIPPET_TOKENS else ""
        opening = " ".join(words[:SNIPPET_TOKENS]) + more
        row.update(score=None, snippet=opening, title_marks=[(row["title"], False)],
                   snippet_marks=[(opening, False)])
        yield row


def split_marks(marked: str) -> Marked:
    """FTS5-marked text -> [(piece, is_match)], marks removed."""
    pieces: Marked = []
    last = 0
    for found in _MARKED_PIECE.finditer(marked):
        if found.start() > last:
            pieces.append((marked[last : found.start()], False))
        pieces.append((found.group(1), True))
        last = found.end()
    if last < len(marked):
        pieces.append((marked[last:], False))
    return [(p.replace(OPEN, "").replace(CLOSE, ""), m) for p, m in pieces]


def matched_words(store: Store, article_id: int, match: str) -> set[str]:
    """The words of one article (title and body) that an FTS5 expression matches, casefolded."""
    return {
        word.casefold()
        for text in ranking.highlighted(store.conn, article_id, match)
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
