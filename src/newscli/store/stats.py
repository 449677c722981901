"""Counting SQL for `newscli stats` and `newscli info`: by field, by day, and totals."""

from __future__ import annotations

import sqlite3
from typing import Any

from newscli.models import Filters
from newscli.store.filters import where_clause


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
