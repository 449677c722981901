"""The SQL of saved alerts (table made by migration m005) and of their new matches."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from typing import Any

from newscli.errors import NewscliError, NotFound
from newscli.models import LIST_FIELDS, Filters
from newscli.store.articles import row_to_dict
from newscli.store.filters import where
from newscli.store.sql import now_iso


def add(conn: sqlite3.Connection, name: str, query: str) -> None:
    """A new alert, watching from now on: the articles already archived are not news to it."""
    if conn.execute("SELECT 1 FROM alerts WHERE name = ?", (name,)).fetchone():
        raise NewscliError(f"an alert named {name!r} exists already (newscli alerts rm {name})")
    conn.execute("INSERT INTO alerts (name, query, created_at, checked_up_to) VALUES (?, ?, ?, ?)",
                 (name, query, now_iso(), last_article_id(conn)))


def all_alerts(conn: sqlite3.Connection) -> list[dict[str, Any]]:
    return [dict(row) for row in conn.execute("SELECT * FROM alerts ORDER BY name COLLATE NOCASE")]


def named(conn: sqlite3.Connection, names: list[str]) -> list[dict[str, Any]]:
    """The alerts by name, in the order given; NotFound names the first unknown one."""
    alerts = {a["name"]: a for a in all_alerts(conn)}
    for name in names:
        if name not in alerts:
            hint = f" (alerts: {', '.join(alerts)})" if alerts else " (no alerts yet)"
            raise NotFound(f"no alert named {name!r}{hint}")
    return [alerts[name] for name in names]


def remove(conn: sqlite3.Connection, alert_id: int) -> None:
    conn.execute("DELETE FROM alerts WHERE id = ?", (alert_id,))


def last_article_id(conn: sqlite3.Connection) -> int:
    return int(conn.execute("SELECT coalesce(max(id), 0) FROM articles").fetchone()[0])


def matches_after(conn: sqlite3.Connection, after_id: int, match: str | None, filters: Filters,
                  *, upto_id: int | None = None) -> Iterator[dict[str, Any]]:
    """Articles with an id above after_id (imported since) matching the query, oldest first."""
    columns = ", ".join(f"articles.{name}" for name in ("id", *LIST_FIELDS))
    condition, params = _after(after_id, match, filters, upto_id)
    sql = f"SELECT {columns} FROM articles WHERE {condition} ORDER BY articles.id"
    for row in conn.execute(sql, params):
        yield row_to_dict(row)


def count_after(conn: sqlite3.Connection, after_id: int, match: str | None, filters: Filters) -> int:
    condition, params = _after(after_id, match, filters, None)
    return int(conn.execute(f"SELECT count(*) FROM articles WHERE {condition}", params).fetchone()[0])


def _after(after_id: int, match: str | None, filters: Filters, upto_id: int | None
           ) -> tuple[str, list[Any]]:
    """The WHERE clause of articles above after_id (up to upto_id) matching the query.

    The id bound goes into the full-text query too, so the index reads only the new rows.
    """
    clauses, params = where(filters)
    clauses.insert(0, "articles.id > ?")
    params.insert(0, after_id)
    if upto_id is not None:
        clauses.append("articles.id <= ?")
        params.append(upto_id)
    if match:
        clauses.append("articles.id IN (SELECT rowid FROM articles_fts "
                       "WHERE articles_fts MATCH ? AND rowid > ?)")
        params.extend((match, after_id))
    return " AND ".join(clauses), params


def checked(conn: sqlite3.Connection, alert_id: int, upto_id: int) -> None:
    """The alert has been shown every match up to this article id."""
    conn.execute("UPDATE alerts SET checked_at = ?, checked_up_to = max(checked_up_to, ?) WHERE id = ?",
                 (now_iso(), upto_id, alert_id))
