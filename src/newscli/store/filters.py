"""Filters (newscli.models) compiled to SQL conditions with bound parameters."""

from __future__ import annotations

from typing import Any

from newscli.models import Filters
from newscli.store.sql import placeholders


def where(filters: Filters, alias: str = "articles") -> tuple[list[str], list[Any]]:
    """SQL conditions (joined with AND by the caller) and their bound parameters."""
    clauses: list[str] = []
    params: list[Any] = []
    _any_of(clauses, params, filters, alias)
    _tags(clauses, params, filters, alias)
    if filters.since:
        clauses.append(f"{alias}.published >= ?")
        params.append(filters.since)
    if filters.until:
        # "until 2024-06-30" includes that whole day: compare against the next character.
        clauses.append(f"{alias}.published < ?")
        params.append(filters.until + "\uffff")
    if filters.updated_since:
        # As a subquery, so SQLite takes the few changed rows from index articles_updated_at
        # (m009) rather than reading every row in the order asked for.
        clauses.append(f"{alias}.id IN (SELECT id FROM articles WHERE updated_at >= ?)")
        params.append(filters.updated_since)
    if filters.exclude_match:
        clauses.append(
            f"{alias}.id NOT IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?)"
        )
        params.append(filters.exclude_match)
    return clauses, params


def _any_of(clauses: list[str], params: list[Any], filters: Filters, alias: str) -> None:
    """Sources and authors: any of those given; excluded ones: none of them."""
    # IN, not `source = ? COLLATE NOCASE OR ...`: SQLite 3.40 rewrites that OR into an
    # index lookup that ignores the collation and finds nothing.
    for values, negate in ((filters.sources, ""), (filters.exclude_sources, "NOT ")):
        if values:
            # COALESCE: an article with no source is not one to exclude.
            clauses.append(f"{negate}COALESCE({alias}.source COLLATE NOCASE IN "
                           f"({placeholders(len(values))}), 0)")
            params.extend(values)
    author = f"{alias}.author LIKE ? ESCAPE '\\'"
    for values, negate in ((filters.authors, ""), (filters.exclude_authors, "NOT ")):
        if values:
            clauses.append(f"{negate}COALESCE(" + " OR ".join([author] * len(values)) + ", 0)")
            params.extend(_like(v) for v in values)


def _tags(clauses: list[str], params: list[Any], filters: Filters, alias: str) -> None:
    tag = f"EXISTS (SELECT 1 FROM json_each({alias}.tags) WHERE value = ? COLLATE NOCASE)"
    for value in filters.tags:
        clauses.append(tag)
        params.append(value)
    for value in filters.exclude_tags:
        clauses.append(f"NOT {tag}")
        params.append(value)


def where_clause(filters: Filters | None, match: str | None = None) -> tuple[str, list[Any]]:
    """` WHERE ...` (or nothing) and its parameters, for a query on `articles`."""
    clauses, params = where(filters or Filters())
    if match:
        clauses.append("articles.id IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?)")
        params.append(match)
    return (" WHERE " + " AND ".join(clauses) if clauses else ""), params


def _like(text: str) -> str:
    return "%" + escape_like(text) + "%"


def escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
