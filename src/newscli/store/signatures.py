"""Storage of near-duplicate signatures: the article_signatures and article_buckets tables.

What the values mean is newscli.signatures; which pairs are near-duplicates is newscli.dupes.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from newscli.signatures import Signature, bucket_rows, signature
from newscli.store.schema import BUCKETS, SIGNATURES
from newscli.store.sql import placeholders, rows_in

if TYPE_CHECKING:
    import numpy as np

_UNSIGNED = f"SELECT id FROM articles WHERE id NOT IN (SELECT article_id FROM {SIGNATURES})"


def sign(conn: sqlite3.Connection, article_id: int, body: str, parts: Signature | None = None
         ) -> None:
    """Store the article's signature and buckets (none for a body too short to compare).

    parts: signature(body), when the caller has it already.
    """
    conn.execute(f"DELETE FROM {BUCKETS} WHERE article_id = ?", (article_id,))
    signed = [(article_id, parts if parts is not None else signature(body))]
    store_signatures(conn, signed, *bucket_rows(signed))


def store_signatures(
    conn: sqlite3.Connection, signed: list[tuple[int, Signature]], buckets: np.ndarray, ids: np.ndarray
) -> None:
    """Two statements, whatever the number of articles. The bucket rows go in sorted by bucket:
    they land in the index in order, page after page, instead of at random places all over it
    (a 100,000-article import writes 4 million)."""
    conn.executemany(
        f"INSERT OR REPLACE INTO {SIGNATURES} (article_id, shingles, minhash) VALUES (?, ?, ?)",
        ((article_id, count, sketch) for article_id, (count, sketch) in signed),
    )
    # OR IGNORE: another import may have signed the same articles meanwhile (a window is signed
    # after its batches commit, and every import signs what it finds unsigned), with the same rows.
    conn.executemany(f"INSERT OR IGNORE INTO {BUCKETS} (bucket, article_id) VALUES (?, ?)",
                     _pairs(buckets, ids))


def _pairs(buckets: np.ndarray, ids: np.ndarray, chunk: int = 10_000) -> Iterator[tuple[int, int]]:
    """(bucket, article id) as Python ints, a chunk at a time: a window's 840,000 rows as
    Python objects at once would be 50 MB."""
    for start in range(0, len(buckets), chunk):
        yield from zip(buckets[start : start + chunk].tolist(), ids[start : start + chunk].tolist(),
                       strict=True)


def is_signed(conn: sqlite3.Connection, article_id: int) -> bool:
    sql = f"SELECT 1 FROM {SIGNATURES} WHERE article_id = ?"
    return conn.execute(sql, (article_id,)).fetchone() is not None


def has_unsigned(conn: sqlite3.Connection) -> bool:
    """Whether some article lacks a signature; two index counts, not a scan of the articles.

    Every signature belongs to a stored article (the delete trigger sees to that), so equal
    counts mean every article is signed.
    """
    row = conn.execute(
        f"SELECT (SELECT count(*) FROM articles) != (SELECT count(*) FROM {SIGNATURES})"
    ).fetchone()
    return bool(row[0])


def count_unsigned(conn: sqlite3.Connection) -> int:
    return int(conn.execute(f"SELECT count(*) FROM ({_UNSIGNED})").fetchone()[0])


SIGN_CHUNK = 1000  # articles signed together by sign_missing


def sign_missing(conn: sqlite3.Connection) -> int:
    """Sign every article that has no signature yet (after an upgrade, an outside edit, or an
    import a crash stopped before it signed its last articles), a chunk at a time."""
    ids = [row[0] for row in conn.execute(_UNSIGNED)]
    for start in range(0, len(ids), SIGN_CHUNK):
        chunk = ids[start : start + SIGN_CHUNK]
        # A bucket row left without its signature (an outside edit) would collide.
        list(rows_in(conn, f"DELETE FROM {BUCKETS} WHERE article_id IN ", chunk))
        signed = [(article_id, signature(body)) for article_id, body in bodies(conn, chunk)]
        store_signatures(conn, signed, *bucket_rows(signed))
    return len(ids)


def bodies(conn: sqlite3.Connection, ids: Iterable[int]) -> Iterator[tuple[int, str]]:
    return rows_in(conn, "SELECT id, body FROM articles WHERE id IN ", list(ids))


def sketches(conn: sqlite3.Connection, ids: Iterable[int]) -> Iterator[tuple[int, bytes | None]]:
    """(article id, stored MinHash) of those of the articles that are signed."""
    sql = f"SELECT article_id, minhash FROM {SIGNATURES} WHERE article_id IN "
    return rows_in(conn, sql, list(ids))


def sharing_a_bucket(conn: sqlite3.Connection, article_id: int) -> list[int]:
    """The other articles in any of this one's buckets, by id."""
    return [row[0] for row in conn.execute(
        f"SELECT DISTINCT other.article_id FROM {BUCKETS} AS mine JOIN {BUCKETS} AS other "
        "ON other.bucket = mine.bucket WHERE mine.article_id = ? AND other.article_id != ? "
        "ORDER BY other.article_id",
        (article_id, article_id),
    )]


# Buckets asked about in one query (a JSON array of about 1 MB).
MEMBERS_CHUNK = 50_000


def bucket_members(conn: sqlite3.Connection, buckets: np.ndarray) -> dict[int, list[int]]:
    """The stored articles in each of the buckets (sorted: the index is read in order), one
    query per MEMBERS_CHUNK buckets."""
    members: dict[int, list[int]] = {}
    sql = (f"SELECT bucket, article_id FROM {BUCKETS} WHERE bucket IN "
           "(SELECT value FROM json_each(?)) ORDER BY bucket, article_id")
    for start in range(0, len(buckets), MEMBERS_CHUNK):
        chunk = json.dumps(buckets[start : start + MEMBERS_CHUNK].tolist())
        for bucket, article_id in conn.execute(sql, (chunk,)):
            members.setdefault(bucket, []).append(article_id)
    return members


def shared_bucket_rows(conn: sqlite3.Connection, ids: list[int] | None) -> Iterator[tuple[int, int]]:
    """(bucket, article id) of every bucket holding two articles or more (among ids, if given),
    ordered by bucket, from one pass over the index.

    The shared buckets are found by counting alone, then only their rows are read: twice as
    fast as collecting every bucket's members.
    """
    within, params = "", []
    if ids is not None:
        within = f" AND article_id IN ({placeholders(len(ids))})"
        params = list(ids)
    sql = (
        f"SELECT bucket, article_id FROM {BUCKETS} WHERE bucket IN "
        f"(SELECT bucket FROM {BUCKETS} WHERE 1{within} GROUP BY bucket HAVING count(*) > 1)"
        f"{within} ORDER BY bucket, article_id"
    )
    return iter(conn.execute(sql, params * 2))
