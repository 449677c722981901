"""Storage of near-duplicate signatures: the article_signatures and article_buckets tables.

What the values mean is newscli.signatures; which pairs are near-duplicates is newscli.dupes.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING

from newscli.signatures import Signature, band_keys, bucket_rows, distinct_keys, signature
from newscli.store.schema import BUCKET_RUNS, BUCKETS, SHARED_BUCKETS, SIGNATURES
from newscli.store.sql import placeholders, rows_in

if TYPE_CHECKING:
    import numpy as np

_UNSIGNED = f"SELECT id FROM articles WHERE id NOT IN (SELECT article_id FROM {SIGNATURES})"
# Bucket rows go into runs, keyed (run, bucket, article id): new rows into the open run, the
# last one, which is closed once it holds this many (about 100,000 articles' worth) and given a
# Bloom filter of its keys. A closed run is never written again, so the table only grows at its
# end: putting every row into one table keyed by bucket rewrote nearly all of its pages every
# 10,000 articles, and merging a smaller table into it every 100,000 still rewrote all of it
# each time (benchmarks/RESULTS.md, "the bucket rows").
RUN_ROWS = 4_200_000
# Every run, for the statements that find an article's rows (its buckets, in each run).
_RUNS = f"SELECT run FROM {BUCKET_RUNS}"
# Asked about fewer keys than this, the closed runs are searched directly, not filtered first:
# 42 look-ups a run cost less than reading its filter of 8 MB.
FILTER_FROM = 2_000


def sign(conn: sqlite3.Connection, article_id: int, body: str, parts: Signature | None = None
         ) -> None:
    """Store the article's signature and buckets (none for a body too short to compare), in
    place of any it had.

    parts: signature(body), when the caller has it already.
    """
    drop_buckets(conn, article_id)
    conn.execute(f"DELETE FROM {SIGNATURES} WHERE article_id = ?", (article_id,))
    signed = [(article_id, parts if parts is not None else signature(body))]
    store_signatures(conn, signed, *bucket_rows(signed))


def store_signatures(
    conn: sqlite3.Connection, signed: list[tuple[int, Signature]], buckets: np.ndarray, ids: np.ndarray,
    keys: Mapping[int, bytes] | None = None, members: Mapping[int, list[int]] | None = None,
) -> None:
    """Store the signatures of unsigned articles and their bucket rows (sorted by bucket).

    A few statements, whatever the number of articles. The rows go into the open run in bucket
    order, page after page, and their keys into its filter. Each signature lists its buckets,
    so that deleting an article finds its rows without an index by article. Buckets that now
    hold two articles are marked shared, for `dupes`. keys: each article's bucket keys packed
    (dupes.bucket_keys), when the caller has them: listed from them, 9 microseconds an article,
    against 17 when each band's CRC is computed again. members: bucket_members of the distinct
    buckets, when the caller has it already.
    """
    import numpy as np

    # Another import may have signed some of these meanwhile (a window is signed after its
    # batches commit, and every import signs what it finds unsigned): theirs stay.
    done = [row[0] for row in rows_in(conn, f"SELECT article_id FROM {SIGNATURES} WHERE article_id IN ",
                                      [article_id for article_id, _ in signed])]
    if done:
        skipped = set(done)
        signed = [(article_id, parts) for article_id, parts in signed if article_id not in skipped]
        kept = ~np.isin(ids, np.array(done, dtype=np.int64))
        buckets, ids, members = buckets[kept], ids[kept], None
    conn.executemany(
        f"INSERT INTO {SIGNATURES} (article_id, shingles, minhash, buckets) VALUES (?, ?, ?, ?)",
        ((article_id, count, sketch, _listed(sketch, keys.get(article_id) if keys else None))
         for article_id, (count, sketch) in signed),
    )
    if not len(buckets):
        return
    distinct, repeated = distinct_keys(buckets)
    if members is None:
        members = bucket_members(conn, distinct)
    shared = np.union1d(repeated, np.fromiter(members, dtype=np.uint64, count=len(members)))
    conn.executemany(f"INSERT OR IGNORE INTO {SHARED_BUCKETS} (bucket) VALUES (?)",
                     ((bucket,) for bucket in shared.tolist()))
    run, rows = _open_run(conn)
    conn.executemany(f"INSERT INTO {BUCKETS} (run, bucket, article_id) VALUES ({run}, ?, ?)",
                     _pairs(buckets, ids))
    conn.execute(f"UPDATE {BUCKET_RUNS} SET rows = ? WHERE run = ?", (rows + len(buckets), run))
    _add_to_filter(conn, run, rows, distinct)
    if rows + len(buckets) >= RUN_ROWS:
        close_run(conn, run)


def _open_run(conn: sqlite3.Connection) -> tuple[int, int]:
    """(run, rows) of the open run: the last."""
    return conn.execute(f"SELECT run, rows FROM {BUCKET_RUNS} ORDER BY run DESC LIMIT 1").fetchone()


def _add_to_filter(conn: sqlite3.Connection, run: int, rows_before: int, distinct: np.ndarray) -> None:
    """Put the keys just added to the open run into its filter, which holds every key of the
    run's rows once it exists: every writer keeps it so, in the transaction of its rows.

    A few keys (an edited article, a small import) are set in place, a few bytes of the
    stored filter; a window's, in the whole filter read and written back. A run that only
    small writers filled has none until a window needs it: built from its rows then, once.
    """
    from newscli import bloom

    if not _has_filter(conn, run):
        if len(distinct) < FILTER_FROM:
            return  # asking the run directly costs less than a filter would
        if rows_before:
            _store_filter(conn, run, bloom.build(_keys_of_run(conn, run), RUN_ROWS))
        else:
            bits = bloom.empty(RUN_ROWS)
            bloom.add(bits, distinct)
            _store_filter(conn, run, bits)
    elif len(distinct) < FILTER_FROM:
        with conn.blobopen(BUCKET_RUNS, "filter", run) as blob:
            for index, mask in zip(*bloom.changed_bytes(len(blob), distinct), strict=True):
                blob[index] |= mask
    else:
        bits = _stored_filter(conn, run, writable=True)
        bloom.add(bits, distinct)
        _store_filter(conn, run, bits)


def close_run(conn: sqlite3.Connection, run: int) -> None:
    """Give the run its filter, if it has none yet (built from its rows), and open the next."""
    from newscli import bloom

    if not _has_filter(conn, run):
        count = conn.execute(f"SELECT count(*) FROM {BUCKETS} WHERE run = ?", (run,)).fetchone()[0]
        _store_filter(conn, run, bloom.build(_keys_of_run(conn, run), max(count, RUN_ROWS)))
        conn.execute(f"UPDATE {BUCKET_RUNS} SET rows = ? WHERE run = ?", (count, run))
    conn.execute(f"INSERT INTO {BUCKET_RUNS} (run, rows) VALUES (?, 0)", (run + 1,))


def _filter_size(conn: sqlite3.Connection, run: int) -> int:
    # length() reads the blob's size from its record; `filter IS NOT NULL` loaded its 8 MB (4 ms).
    sql = f"SELECT coalesce(length(filter), 0) FROM {BUCKET_RUNS} WHERE run = ?"
    return int(conn.execute(sql, (run,)).fetchone()[0])


def _has_filter(conn: sqlite3.Connection, run: int) -> bool:
    """An empty blob (another program's doing) counts as none: it is built again from the rows."""
    return _filter_size(conn, run) > 0


def _store_filter(conn: sqlite3.Connection, run: int, filter_bits: np.ndarray) -> None:
    """Written through blob I/O, straight from the array: bound as a parameter, the 8 MB would
    be copied twice, and SQLite's copy kept in the cached statement until it next runs (8 MB
    more in the writer for the rest of an import)."""
    view = memoryview(filter_bits).cast("B")
    if _filter_size(conn, run) != len(view):
        conn.execute(f"UPDATE {BUCKET_RUNS} SET filter = zeroblob(?) WHERE run = ?", (len(view), run))
    with conn.blobopen(BUCKET_RUNS, "filter", run) as blob:
        blob.write(view)


def _keys_of_run(conn: sqlite3.Connection, run: int, chunk: int = 100_000) -> Iterator[np.ndarray]:
    """The distinct bucket keys of the run's rows, in order, a chunk at a time.

    Each chunk comes as one text of keys that numpy parses: a Python int a row took longer
    (2.3 against 1.4 s for a run of 4.2 million rows). A bucket whose rows straddle two
    chunks is read once; the filter needs each key once.
    """
    import numpy as np

    sql = (f"SELECT group_concat(bucket), max(bucket) FROM (SELECT DISTINCT bucket FROM {BUCKETS} "
           "WHERE run = ? AND bucket > ? ORDER BY bucket LIMIT ?)")
    last = -(1 << 63)
    while True:
        text, last = conn.execute(sql, (run, last, chunk)).fetchone()
        if text is None:
            return
        yield np.fromstring(text, dtype=np.uint64, sep=",")


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


# An article's buckets, as its signature lists them (the triggers of m011 read the same list),
# and its rows: those buckets, in every run.
_LISTED = f"SELECT value FROM json_each((SELECT buckets FROM {SIGNATURES} WHERE article_id = ?))"
_ROWS_OF = f"run IN ({_RUNS}) AND bucket IN ({_LISTED})"


def drop_buckets(conn: sqlite3.Connection, article_id: int) -> None:
    """Delete the article's bucket rows, found from the buckets its signature lists."""
    conn.execute(f"DELETE FROM {BUCKETS} WHERE {_ROWS_OF} AND article_id = ?", (article_id, article_id))


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
    sql = f"SELECT DISTINCT article_id FROM {BUCKETS} WHERE {_ROWS_OF} AND article_id != ? ORDER BY 1"
    return [row[0] for row in conn.execute(sql, (article_id, article_id))]


# Buckets asked about in one query (a JSON array of about 1 MB).
MEMBERS_CHUNK = 50_000


def bucket_members(conn: sqlite3.Connection, buckets: np.ndarray) -> dict[int, list[int]]:
    """The stored articles in each of the (distinct, sorted) buckets that has any, in id order.

    Each run is asked in turn, one query per MEMBERS_CHUNK buckets; a run with a filter (every
    closed run, and the open one once a window has been signed into it) only about the buckets
    the filter may hold: a few hundred of a window's 420,000. One filter is in memory at a time.
    """
    from newscli import bloom

    members: dict[int, list[int]] = {}
    sql = (f"SELECT bucket, article_id FROM {BUCKETS} WHERE run = ?1 AND bucket IN "
           "(SELECT value FROM json_each(?2))")
    # A run no writer has added to yet (the one a window just opened) holds nothing to find;
    # asked directly about every key, it cost 0.2 s.
    for (run,) in conn.execute(f"{_RUNS} WHERE rows > 0 ORDER BY run").fetchall():
        asked = buckets
        if len(buckets) >= FILTER_FROM:
            filter_bits = _stored_filter(conn, run)
            if filter_bits is not None:
                asked = buckets[bloom.may_hold(filter_bits, buckets)]
            del filter_bits
        for start in range(0, len(asked), MEMBERS_CHUNK):
            chunk = json.dumps(asked[start : start + MEMBERS_CHUNK].tolist())
            for bucket, article_id in conn.execute(sql, (run, chunk)):
                members.setdefault(bucket, []).append(article_id)
    for bucket, ids in members.items():  # one article's row is in one run, but be sure
        members[bucket] = sorted(set(ids))
    return members


_SLICE = 1 << 20  # a writable filter is read a MB at a time: no whole bytes copy beside it


def _stored_filter(conn: sqlite3.Connection, run: int, *, writable: bool = False
                   ) -> np.ndarray | None:
    """The run's filter (None if it has none), read through blob I/O (a SELECT would also keep
    a copy of its 8 MB in the cached statement); writable: into an array of its own, a slice at
    a time, not a read-only view of one bytes object."""
    import numpy as np

    if not _has_filter(conn, run):
        return None
    with conn.blobopen(BUCKET_RUNS, "filter", run, readonly=True) as blob:
        if not writable:
            return np.frombuffer(blob.read(), dtype=np.uint8)
        bits = np.empty(len(blob), dtype=np.uint8)
        for start in range(0, len(bits), _SLICE):
            bits[start : start + _SLICE] = np.frombuffer(blob.read(_SLICE), dtype=np.uint8)
        return bits


def shared_bucket_rows(conn: sqlite3.Connection, ids: list[int] | None) -> Iterator[tuple[int, int]]:
    """(bucket, article id) of the buckets that may hold two articles or more (among ids, if
    given), ordered by bucket, then article.

    For the whole archive, the rows of the buckets marked shared, in every run: a bucket once
    shared stays marked when an article leaves it (a group of one makes no pair). Among ids,
    from the buckets their signatures list.
    """
    if ids is None:
        return iter(conn.execute(
            f"SELECT DISTINCT bucket, article_id FROM {BUCKETS} WHERE run IN ({_RUNS}) AND bucket IN "
            f"(SELECT bucket FROM {SHARED_BUCKETS}) ORDER BY bucket, article_id"))
    rows = (f"SELECT value AS bucket, article_id FROM {SIGNATURES}, json_each(buckets) "
            f"WHERE article_id IN ({placeholders(len(ids))})")
    return iter(conn.execute(
        f"WITH every AS MATERIALIZED ({rows}) SELECT bucket, article_id FROM every WHERE bucket IN "
        "(SELECT bucket FROM every GROUP BY bucket HAVING count(*) > 1) ORDER BY bucket, article_id",
        list(ids)))
