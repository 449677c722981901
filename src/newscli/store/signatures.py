"""Storage of near-duplicate signatures: the article_signatures and article_buckets tables.

What the values mean is newscli.signatures; which pairs are near-duplicates is newscli.dupes.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING

from newscli.signatures import Signature, band_keys, bucket_rows, signature
from newscli.store.schema import BUCKETS, RECENT_BUCKETS, SIGNATURES
from newscli.store.sql import placeholders, rows_in

if TYPE_CHECKING:
    import numpy as np

_UNSIGNED = f"SELECT id FROM articles WHERE id NOT IN (SELECT article_id FROM {SIGNATURES})"
# The bucket rows of recent signing wait in RECENT_BUCKETS until it holds this many (about
# 100,000 articles' worth, 17,000 pages), then go into BUCKETS in one sorted pass: each pass
# rewrites BUCKETS once, where writing every window of an import straight into it rewrote it
# every window (benchmarks/RESULTS.md, "the bucket rows").
RECENT_ROWS = 4_200_000
# Every bucket table, for the statements that read or delete rows wherever they are.
_TABLES = (BUCKETS, RECENT_BUCKETS)


def sign(conn: sqlite3.Connection, article_id: int, body: str, parts: Signature | None = None
         ) -> None:
    """Store the article's signature and buckets (none for a body too short to compare).

    parts: signature(body), when the caller has it already.
    """
    drop_buckets(conn, article_id)
    signed = [(article_id, parts if parts is not None else signature(body))]
    store_signatures(conn, signed, *bucket_rows(signed))


def store_signatures(
    conn: sqlite3.Connection, signed: list[tuple[int, Signature]], buckets: np.ndarray, ids: np.ndarray,
    keys: Mapping[int, bytes] | None = None,
) -> None:
    """Two statements, whatever the number of articles. The bucket rows go in sorted by bucket:
    they land in the index in order, page after page, instead of at random places all over it.
    They go into the small table of recent rows, which is merged into the large one once full.
    Each signature lists its buckets, so that deleting an article finds its rows without an
    index by article. keys: each article's bucket keys packed (dupes.bucket_keys), when the
    caller has them: listed from them, 9 microseconds an article, against 17 when each band's
    CRC is computed again."""
    conn.executemany(
        f"INSERT OR REPLACE INTO {SIGNATURES} (article_id, shingles, minhash, buckets) "
        "VALUES (?, ?, ?, ?)",
        ((article_id, count, sketch, _listed(sketch, keys.get(article_id) if keys else None))
         for article_id, (count, sketch) in signed),
    )
    # OR IGNORE: another import may have signed the same articles meanwhile (a window is signed
    # after its batches commit, and every import signs what it finds unsigned), with the same rows.
    conn.executemany(f"INSERT OR IGNORE INTO {RECENT_BUCKETS} (bucket, article_id) VALUES (?, ?)",
                     _pairs(buckets, ids))


def _pairs(buckets: np.ndarray, ids: np.ndarray, chunk: int = 10_000) -> Iterator[tuple[int, int]]:
    """(bucket, article id) as Python ints, a chunk at a time: a window's 840,000 rows as
    Python objects at once would be 50 MB."""
    for start in range(0, len(buckets), chunk):
        yield from zip(buckets[start : start + chunk].tolist(), ids[start : start + chunk].tolist(),
                       strict=True)


def _listed(sketch: bytes | None, packed: bytes | None = None) -> str | None:
    """The article's bucket keys as a JSON array (None for a body too short to compare)."""
    if not sketch:
        return None
    import numpy as np

    keys = np.frombuffer(packed, dtype=np.uint64).tolist() if packed else band_keys(sketch)
    return "[" + ",".join(map(str, keys)) + "]"


# An article's buckets, as its signature lists them (the triggers of m010 read the same list).
_LISTED = f"SELECT value FROM json_each((SELECT buckets FROM {SIGNATURES} WHERE article_id = ?))"


def drop_buckets(conn: sqlite3.Connection, article_id: int) -> None:
    """Delete the article's bucket rows, found from the buckets its signature lists."""
    for table in _TABLES:
        conn.execute(f"DELETE FROM {table} WHERE bucket IN ({_LISTED}) AND article_id = ?",
                     (article_id, article_id))


def merge_recent(conn: sqlite3.Connection, at_least: int = 1) -> bool:
    """Move the recent bucket rows into the large table once there are at least `at_least` of
    them, in one pass in bucket order; whether they moved. Call inside a transaction."""
    if at_least <= 1:
        full = has_recent(conn)
    else:  # a count of at most RECENT_ROWS rows: tens of milliseconds
        full = conn.execute(f"SELECT count(*) FROM {RECENT_BUCKETS}").fetchone()[0] >= at_least
    if not full:
        return False
    # Read in the recent table's own order (by bucket): the rows land in the large one page
    # after page; into an empty one SQLite copies them whole.
    conn.execute(f"INSERT OR IGNORE INTO {BUCKETS} SELECT * FROM {RECENT_BUCKETS}")
    conn.execute(f"DELETE FROM {RECENT_BUCKETS}")
    return True


def has_recent(conn: sqlite3.Connection) -> bool:
    return conn.execute(f"SELECT 1 FROM {RECENT_BUCKETS} LIMIT 1").fetchone() is not None


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
    sql = " UNION ".join(f"SELECT article_id FROM {table} WHERE bucket IN ({_LISTED}) AND article_id != ?"
                         for table in _TABLES)
    return [row[0] for row in conn.execute(f"{sql} ORDER BY 1", (article_id, article_id) * 2)]


# Buckets asked about in one query (a JSON array of about 1 MB).
MEMBERS_CHUNK = 50_000


def bucket_members(conn: sqlite3.Connection, buckets: np.ndarray) -> dict[int, list[int]]:
    """The stored articles in each of the buckets (sorted: the index is read in order), one
    query per MEMBERS_CHUNK buckets."""
    members: dict[int, list[int]] = {}
    sql = " UNION ".join(f"SELECT bucket, article_id FROM {table} WHERE bucket IN "
                         "(SELECT value FROM json_each(?1))" for table in _TABLES)
    for start in range(0, len(buckets), MEMBERS_CHUNK):
        chunk = json.dumps(buckets[start : start + MEMBERS_CHUNK].tolist())
        for bucket, article_id in conn.execute(f"{sql} ORDER BY 1, 2", (chunk,)):
            members.setdefault(bucket, []).append(article_id)
    return members


def shared_bucket_rows(conn: sqlite3.Connection, ids: list[int] | None) -> Iterator[tuple[int, int]]:
    """(bucket, article id) of every bucket holding two articles or more (among ids, if given),
    ordered by bucket.

    For the whole archive, one pass over the large table's index (the recent rows are merged
    into it by every writer that reads it: dupes.ensure_signed); the shared buckets are found
    by counting alone, then only their rows are read, twice as fast as collecting every
    bucket's members. Among ids, from the buckets their signatures list.
    """
    if ids is not None:
        rows = (f"SELECT value AS bucket, article_id FROM {SIGNATURES}, json_each(buckets) "
                f"WHERE article_id IN ({placeholders(len(ids))})")
        params: list[int] = list(ids)
    elif has_recent(conn):  # not merged yet (a read-only archive, another import meanwhile)
        rows = " UNION ".join(f"SELECT bucket, article_id FROM {table}" for table in _TABLES)
        params = []
    else:
        return iter(conn.execute(
            f"SELECT bucket, article_id FROM {BUCKETS} WHERE bucket IN "
            f"(SELECT bucket FROM {BUCKETS} GROUP BY bucket HAVING count(*) > 1) "
            "ORDER BY bucket, article_id"))
    return iter(conn.execute(
        f"WITH every AS MATERIALIZED ({rows}) SELECT bucket, article_id FROM every WHERE bucket IN "
        "(SELECT bucket FROM every GROUP BY bucket HAVING count(*) > 1) ORDER BY bucket, article_id",
        params))
