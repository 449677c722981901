"""Counting SQL for `newscli stats`, `compare`, `keywords` and `info`: by field, by day, totals,
and the texts of a sample of articles."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from typing import Any

from newscli.models import Filters
from newscli.store.filters import where_clause
from newscli.store.sql import placeholders


def field_counts(
    conn: sqlite3.Connection, by: str, filters: Filters | None, match: str | None
) -> list[tuple[Any, int]]:
    """(value, count) for each tag, source or author of the matching articles, unordered."""
    where, params = where_clause(filters, match)
    if by == "tag":
        sql = (
            "SELECT tag.value, count(*) FROM articles, json_each(articles.tags) AS tag"
            f"{where} GROUP BY tag.value COLLATE NOCASE"
        )
    elif by in ("source", "author"):  # columns named here, never by the user
        sql = f"SELECT articles.{by}, count(*) FROM articles{where} GROUP BY articles.{by}"
    else:
        raise ValueError(by)
    return [(key, count) for key, count in conn.execute(sql, params)]


def day_counts(
    conn: sqlite3.Connection, filters: Filters | None, match: str | None
) -> dict[str | None, int]:
    """Matching articles per publication day (the first ten characters of the date)."""
    where, params = where_clause(filters, match)
    sql = f"SELECT substr(articles.published, 1, 10), count(*) FROM articles{where} GROUP BY 1"
    return {day: count for day, count in conn.execute(sql, params)}


def totals(conn: sqlite3.Connection, filters: Filters | None, match: str | None) -> sqlite3.Row:
    """Articles, words, sources, authors, first and last date and undated count, in one row."""
    where, params = where_clause(filters, match)
    row: sqlite3.Row = conn.execute(
        "SELECT count(*), coalesce(sum(word_count), 0), count(DISTINCT source), "
        "count(DISTINCT author), min(published), max(published), "
        f"sum(published IS NULL) FROM articles{where}",
        params,
    ).fetchone()
    return row


def article_ids(conn: sqlite3.Connection, filters: Filters | None = None,
                match: str | None = None) -> list[int]:
    """Ids of the matching articles (every article without filters or match), in id order.

    Read from an index, not the table: a scan of the table reads every article's text (10 GB at
    1,000,000 articles), while any index holds the ids (the planner takes the smallest), and the
    full-text index alone says which articles a query matches.
    """
    if filters is None or filters == Filters():
        plain = conn.cursor()
        plain.row_factory = None  # a million sqlite3.Row objects cost a third more than tuples
        if match is None:
            ids = [row_id for (row_id,) in plain.execute("SELECT id FROM articles")]
        else:
            sql = "SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?"
            ids = [row_id for (row_id,) in plain.execute(sql, (match,))]
        ids.sort()
        return ids
    where, params = where_clause(filters, match)
    return [row[0] for row in conn.execute(f"SELECT id FROM articles{where} ORDER BY id", params)]


def article_texts(conn: sqlite3.Connection, ids: list[int], chunk: int = 500) -> Iterator[str]:
    """Title and body of each article, as one text, a chunk of ids at a time."""
    for start in range(0, len(ids), chunk):
        part = ids[start:start + chunk]
        sql = f"SELECT title, body FROM articles WHERE id IN ({placeholders(len(part))})"
        for title, body in conn.execute(sql, part):
            yield f"{title or ''}.\n{body or ''}"
