"""Saved queries that watch for new articles: add, list with unseen counts, check, remove.

An alert remembers the last article id it was checked up to; a check searches only the
articles imported since (ids are never reused), so it stays cheap however big the archive.
"""

from __future__ import annotations

from typing import Any

from newscli.query import parse_query
from newscli.store import Store
from newscli.store import alerts as alert_rows


def add_alert(store: Store, name: str, query: str) -> None:
    """Save a query under a name; a query that does not parse is refused now (QueryError)."""
    parse_query(query)
    with store.transaction():
        alert_rows.add(store.conn, name.strip(), query)


def list_alerts(store: Store) -> list[dict[str, Any]]:
    """Each alert with its count of unseen matches."""
    alerts = alert_rows.all_alerts(store.conn)
    for alert in alerts:
        alert["unseen"] = _count(store, alert, alert["checked_up_to"])
    return alerts


def remove_alerts(store: Store, names: list[str]) -> list[dict[str, Any]]:
    found = alert_rows.named(store.conn, names)
    with store.transaction():
        for alert in found:
            alert_rows.remove(store.conn, alert["id"])
    return found


def check_alerts(store: Store, names: list[str], *, mark_seen: bool = True) -> list[dict[str, Any]]:
    """The articles each alert matched since its last check (with an `alert` key), oldest
    first; marks them seen."""
    alerts = alert_rows.named(store.conn, names) if names else alert_rows.all_alerts(store.conn)
    upto = alert_rows.last_article_id(store.conn)
    found = []
    for alert in alerts:
        query = parse_query(alert["query"])
        for row in alert_rows.matches_after(store.conn, alert["checked_up_to"], query.match,
                                            query.filters, upto_id=upto):
            found.append({"alert": alert["name"], **row})
    if mark_seen:
        with store.transaction():
            for alert in alerts:
                alert_rows.checked(store.conn, alert["id"], upto)
    return found


def last_article_id(store: Store) -> int:
    return alert_rows.last_article_id(store.conn)


def gained_since(store: Store, article_id: int) -> list[tuple[str, int]]:
    """(alert, count) for each alert that articles above article_id (a run's new ones) matched."""
    gained = []
    for alert in alert_rows.all_alerts(store.conn):
        count = _count(store, alert, max(article_id, alert["checked_up_to"]))
        if count:
            gained.append((alert["name"], count))
    return gained


def _count(store: Store, alert: dict[str, Any], after_id: int) -> int:
    query = parse_query(alert["query"])
    return alert_rows.count_after(store.conn, after_id, query.match, query.filters)
