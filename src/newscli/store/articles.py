"""SQL on the articles table: insert, update, find, resolve, list and count articles.

Functions of an open connection; Store (newscli.store.archive) wraps them for the commands.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterable, Iterator
from pathlib import PurePath
from typing import Any

from newscli.errors import NotFound
from newscli.models import Article, Filters
from newscli.slugs import numbered
from newscli.store.filters import escape_like, where_clause
from newscli.store.sql import placeholders, rows_in

SORT_COLUMNS = {
    "date": "published IS NULL, published DESC, id DESC",  # the order of index articles_date_order
    "title": "title COLLATE NOCASE, id",
    "source": "source IS NULL, source COLLATE NOCASE, published DESC, id",
    "imported": "imported_at DESC, id DESC",
}
REVERSED_SORT = {
    "date": "published IS NULL, published, id",
    "title": "title COLLATE NOCASE DESC, id DESC",
    "source": "source IS NULL, source COLLATE NOCASE DESC, published, id DESC",
    "imported": "imported_at, id",
}


def insert(conn: sqlite3.Connection, article: Article, slug: str, now: str) -> int:
    values = article_values(article)
    values.update(slug=slug, imported_at=now, updated_at=now)
    columns = ", ".join(values)
    cursor = conn.execute(
        f"INSERT INTO articles ({columns}) VALUES ({placeholders(len(values))})",
        list(values.values()),
    )
    return int(cursor.lastrowid or 0)


def update(conn: sqlite3.Connection, article_id: int, article: Article, now: str) -> None:
    values = article_values(article)
    values["updated_at"] = now
    assignments = ", ".join(f"{column} = ?" for column in values)
    conn.execute(f"UPDATE articles SET {assignments} WHERE id = ?", [*values.values(), article_id])


def set_tags(conn: sqlite3.Connection, article_id: int, tags: list[str], now: str) -> None:
    conn.execute(
        "UPDATE articles SET tags = ?, updated_at = ? WHERE id = ?",
        (json.dumps(tags, ensure_ascii=False), now, article_id),
    )


def set_slug(conn: sqlite3.Connection, article_id: int, slug: str) -> None:
    conn.execute("UPDATE articles SET slug = ? WHERE id = ?", (slug, article_id))


def delete(conn: sqlite3.Connection, article_id: int) -> None:
    """Delete one article; triggers drop its index entries, signature and file state."""
    conn.execute("DELETE FROM articles WHERE id = ?", (article_id,))


def next_id(conn: sqlite3.Connection) -> int:
    return int(conn.execute("SELECT coalesce(max(id), 0) + 1 FROM articles").fetchone()[0])


def unique_slug(conn: sqlite3.Connection, base: str) -> str:
    """base, or base-2, base-3 ... whichever is free."""
    candidate, number = base, 1
    while conn.execute("SELECT 1 FROM articles WHERE slug = ?", (candidate,)).fetchone():
        number += 1
        candidate = numbered(base, number)
    return candidate


def find_by(conn: sqlite3.Connection, column: str, value: Any) -> dict[str, Any] | None:
    """The first article whose column (one of id, slug, path, sha256, url) equals value."""
    if column not in ("id", "slug", "path", "sha256", "url"):
        raise ValueError(column)
    row = conn.execute(
        f"SELECT * FROM articles WHERE {column} = ? ORDER BY id LIMIT 1", (value,)
    ).fetchone()
    return row_to_dict(row) if row else None


def existing(conn: sqlite3.Connection, column: str, values: Iterable[Any]) -> set[Any]:
    """Those of the values some stored article has in column (slug, path or sha256)."""
    if column not in ("slug", "path", "sha256"):
        raise ValueError(column)
    sql = f"SELECT {column} FROM articles WHERE {column} IN "
    return {row[0] for row in rows_in(conn, sql, list(set(values)))}


# An id named explicitly: "id:202" or "#202". A bare number may also begin slugs ("2025-...").
_EXPLICIT_ID = re.compile(r"(?:id:|#)([0-9]+)", re.IGNORECASE)
_MAX_ID = 2**63 - 1  # SQLite's largest integer; a longer number is no id


def resolve(conn: sqlite3.Connection, ref: str, *, exact: bool = False) -> dict[str, Any]:
    """An article by slug, `id:N` or `#N`, file name, bare id or unique slug prefix.

    A bare number that is an id and also begins slugs is ambiguous and refused with both
    readings. With exact (for commands that destroy), only a whole slug, an explicit id or a
    file name is taken: no number or prefix is guessed. NotFound otherwise.
    """
    found = find_by(conn, "slug", ref)
    if found is not None:
        return found
    explicit = _EXPLICIT_ID.fullmatch(ref)
    if explicit:
        found = _by_id(conn, explicit.group(1))
        if found is None:
            raise NotFound(f"no article with id {explicit.group(1)}")
        return found
    found = _by_file_name(conn, ref)
    if found is not None:
        return found
    by_id = _by_id(conn, ref) if ref.isascii() and ref.isdigit() else None
    prefixed = _slugs_starting(conn, ref)
    if by_id is not None and prefixed:
        raise NotFound(
            f"{ref!r} is ambiguous: the article with id {ref} ({by_id['slug']}), or the start of "
            f"{_several(conn, ref, prefixed)}; write id:{ref} for the id, or more of the slug"
        )
    if exact and by_id is not None:
        raise NotFound(f"{ref!r} is a number, not a slug: write id:{ref} for the article with "
                       f"id {ref} ({by_id['slug']})")
    if exact and prefixed:
        raise NotFound(f"{ref!r} is not a whole slug: it is the start of "
                       f"{_several(conn, ref, prefixed)}; give the whole slug")
    if by_id is not None:
        return by_id
    if len(prefixed) == 1:
        return find_by(conn, "slug", prefixed[0]) or {}
    if prefixed:
        raise NotFound(f"{ref!r} matches several articles: {_names(prefixed)}")
    raise NotFound(f"no article {ref!r}{_did_you_mean(conn, ref)}")


def _by_id(conn: sqlite3.Connection, digits: str) -> dict[str, Any] | None:
    number = int(digits) if len(digits) <= 19 else _MAX_ID + 1
    return find_by(conn, "id", number) if number <= _MAX_ID else None


def _by_file_name(conn: sqlite3.Connection, ref: str) -> dict[str, Any] | None:
    """The article imported from a file named ref (with or without its extension)."""
    if not ref or "/" in ref or "\\" in ref:
        return None
    rows = conn.execute(
        "SELECT id, slug, path FROM articles WHERE path LIKE ? ESCAPE '\\' ORDER BY id",
        ("%" + escape_like(ref) + "%",),
    ).fetchall()
    named = [row for row in rows if ref in (PurePath(row["path"]).name,
                                            PurePath(row["path"]).stem)]
    if len(named) > 1:
        raise NotFound(f"{ref!r} is the file of several articles: "
                       f"{_names([row['slug'] for row in named])}")
    return find_by(conn, "id", named[0]["id"]) if named else None


def _slugs_starting(conn: sqlite3.Connection, ref: str) -> list[str]:
    """Up to 11 slugs that begin with ref, in order."""
    rows = conn.execute(
        "SELECT slug FROM articles WHERE slug LIKE ? ESCAPE '\\' ORDER BY slug LIMIT 11",
        (escape_like(ref) + "%",),
    ).fetchall()
    return [row[0] for row in rows]


def _several(conn: sqlite3.Connection, ref: str, slugs: list[str]) -> str:
    """"1 slug: a" or "1,669 slugs: a, b, ...", for a message."""
    if len(slugs) == 1:
        return f"the slug {slugs[0]}"
    total = conn.execute("SELECT count(*) FROM articles WHERE slug LIKE ? ESCAPE '\\'",
                         (escape_like(ref) + "%",)).fetchone()[0]
    return f"{total:,} slugs: {_names(slugs)}"


def _names(slugs: list[str]) -> str:
    return ", ".join(slugs[:10]) + (" ..." if len(slugs) > 10 else "")


def _did_you_mean(conn: sqlite3.Connection, ref: str) -> str:
    import difflib

    slugs = [r[0] for r in conn.execute("SELECT slug FROM articles")]
    close = difflib.get_close_matches(ref, slugs, n=3, cutoff=0.6)
    return f"; did you mean {', '.join(close)}?" if close else ""


def slug_of(conn: sqlite3.Connection, article_id: int) -> str:
    return str(conn.execute("SELECT slug FROM articles WHERE id = ?", (article_id,)).fetchone()[0])


def by_date(conn: sqlite3.Connection, ids: list[int]) -> list[sqlite3.Row]:
    """id, slug, title, source and published of the articles, earliest first (undated last)."""
    return conn.execute(
        f"SELECT id, slug, title, source, published FROM articles WHERE id IN "
        f"({placeholders(len(ids))}) ORDER BY published IS NULL, published, id",
        ids,
    ).fetchall()


def count(conn: sqlite3.Connection, filters: Filters | None = None, match: str | None = None
          ) -> int:
    where, params = where_clause(filters, match)
    return int(conn.execute(f"SELECT count(*) FROM articles{where}", params).fetchone()[0])


def iter_articles(
    conn: sqlite3.Connection,
    filters: Filters | None = None,
    *,
    sort: str = "date",
    reverse: bool = False,
    limit: int | None = None,
    offset: int = 0,
    columns: str = "*",
    match: str | None = None,
) -> Iterator[dict[str, Any]]:
    """Articles matching the filters (and an FTS5 expression), streamed in the given order."""
    where, params = where_clause(filters, match)
    order = (REVERSED_SORT if reverse else SORT_COLUMNS)[sort]
    sql = f"SELECT {columns} FROM articles{where} ORDER BY {order} LIMIT ? OFFSET ?"
    cursor = conn.execute(sql, [*params, -1 if limit is None else limit, offset])
    for row in cursor:
        yield row_to_dict(row)


def article_values(article: Article) -> dict[str, Any]:
    """The article as the articles table's columns hold it (tags and meta as JSON text)."""
    return {
        "title": article.title,
        "body": article.body,
        "source": article.source,
        "author": article.author,
        "published": article.published,
        "url": article.url,
        "tags": json.dumps(article.tags, ensure_ascii=False),
        "dateline": article.dateline,
        "language": article.language,
        "word_count": article.word_count,
        "path": article.path,
        "format": article.format,
        "sha256": article.sha256,
        "meta": json.dumps(article.meta, ensure_ascii=False, sort_keys=True),
    }


def stored_matches(row: dict[str, Any], article: Article) -> bool:
    """True when saving the article would change nothing in its stored row."""
    values = article_values(article)
    values["tags"], values["meta"] = article.tags, json.loads(values["meta"])
    return all(row.get(key) == value for key, value in values.items())


def row_to_dict(row: sqlite3.Row) -> dict[str, Any]:
    data = dict(row)
    for key, empty in (("tags", "[]"), ("meta", "{}")):
        if key in data:
            data[key] = json.loads(data[key] or empty)
    return data
