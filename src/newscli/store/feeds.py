"""The SQL of feeds followed and the entries seen in them (tables made by migration m005)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from typing import Any

from newscli.errors import NewscliError, NotFound
from newscli.store.sql import now_iso, rows_in


def add(conn: sqlite3.Connection, name: str, url: str, tags: Iterable[str] = (),
        title: str | None = None) -> int:
    """A new feed; NewscliError if its name or URL is followed already."""
    for column, value in (("name", name), ("url", url)):
        row = conn.execute(f"SELECT name FROM feeds WHERE {column} = ?", (value,)).fetchone()
        if row is not None:
            raise NewscliError(f"a feed with that {column} is followed already: {row[0]}")
    cursor = conn.execute(
        "INSERT INTO feeds (name, url, title, tags, added_at) VALUES (?, ?, ?, ?, ?)",
        (name, url, title, json.dumps(list(tags), ensure_ascii=False), now_iso()))
    return int(cursor.lastrowid or 0)


def all_feeds(conn: sqlite3.Connection) -> list[dict[str, Any]]:
    """Every feed, by name, with the count of entries seen in each."""
    rows = conn.execute(
        "SELECT feeds.*, (SELECT count(*) FROM feed_entries WHERE feed_id = feeds.id) AS entries "
        "FROM feeds ORDER BY name COLLATE NOCASE").fetchall()
    return [_feed(row) for row in rows]


def named(conn: sqlite3.Connection, names: Iterable[str]) -> list[dict[str, Any]]:
    """The feeds by name or URL, in the order given; NotFound names the first unknown one."""
    feeds = {f["name"]: f for f in all_feeds(conn)}
    by_url = {f["url"]: f for f in feeds.values()}
    found = []
    for name in names:
        feed = feeds.get(name) or by_url.get(name)
        if feed is None:
            hint = f" (followed: {', '.join(feeds)})" if feeds else " (no feeds are followed yet)"
            raise NotFound(f"no feed named {name!r}{hint}")
        found.append(feed)
    return found


def remove(conn: sqlite3.Connection, feed_id: int) -> None:
    """Stop following a feed; the articles it brought stay."""
    conn.execute("DELETE FROM feed_entries WHERE feed_id = ?", (feed_id,))
    conn.execute("DELETE FROM feeds WHERE id = ?", (feed_id,))


def checked(conn: sqlite3.Connection, feed_id: int, status: str, *, etag: str | None = None,
            last_modified: str | None = None, title: str | None = None, keep_validators: bool = False
            ) -> None:
    """Remember how the last update of the feed went, and its validators for the next one."""
    if keep_validators:
        conn.execute("UPDATE feeds SET checked_at = ?, last_status = ? WHERE id = ?",
                     (now_iso(), status, feed_id))
        return
    conn.execute(
        "UPDATE feeds SET checked_at = ?, last_status = ?, etag = ?, last_modified = ?, "
        "title = coalesce(?, title) WHERE id = ?",
        (now_iso(), status, etag, last_modified, title, feed_id))


def seen(conn: sqlite3.Connection, feed_id: int, keys: list[str]) -> set[str]:
    """Those of the entry keys already seen in the feed."""
    sql = f"SELECT key FROM feed_entries WHERE feed_id = {int(feed_id)} AND key IN "
    return {row[0] for row in rows_in(conn, sql, keys)}


def mark_seen(conn: sqlite3.Connection, feed_id: int, entries: Iterable[tuple[str, str | None]]) -> None:
    """Remember entries (key, URL) as seen: they are never imported again."""
    now = now_iso()
    conn.executemany(
        "INSERT OR IGNORE INTO feed_entries (feed_id, key, url, article_id, seen_at) "
        "VALUES (?, ?, ?, (SELECT id FROM articles WHERE url = ? ORDER BY id LIMIT 1), ?)",
        [(feed_id, key, url, url, now) for key, url in entries])


def _feed(row: sqlite3.Row) -> dict[str, Any]:
    data = dict(row)
    data["tags"] = json.loads(data.get("tags") or "[]")
    return data
