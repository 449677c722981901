"""Near-duplicates: word shingles, MinHash signatures cut into LSH bands, exact Jaccard to confirm.

An article's body is cut into overlapping three-word shingles. A MinHash of that set (datasketch)
is stored when the article is saved, and cut into BANDS bands of ROWS values; each band hashes to
one bucket, a row of article_buckets. Two articles sharing any bucket are candidates; the MinHash
estimate of their similarity drops the clearly unrelated, and the exact Jaccard similarity of
their shingle sets decides. Finding every group therefore reads the bucket index, and the bodies
of the few likely pairs, never every body: cost grows about linearly with the archive.
"""

from __future__ import annotations

import itertools
import re
import sqlite3
import zlib
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np

    from newscli.store import Filters, Store

SHINGLE_WORDS = 3
# Bodies with fewer shingles than this (a caption, a `{% include %}` line) are not compared:
# a handful of words says nothing about being the same story.
MIN_SHINGLES = 8
# 42 bands of 3 values (126 permutations): a pair at similarity 0.5 shares a bucket 99.6% of the
# time, at 0.4 94%, at 0.1 only 4%. The exact check removes the false candidates, so the bands
# are tuned for recall. Changing them needs every article signed again.
BANDS, ROWS = 42, 3
NUM_PERM = BANDS * ROWS
SEED = 1
DEFAULT_THRESHOLD = 0.5
MIN_THRESHOLD = 0.4  # below this the bands above miss too many pairs
# A candidate whose MinHash estimate is this far below the threshold is not checked exactly:
# with 126 permutations the estimate's standard error is at most 0.045, so this is over 3 errors.
ESTIMATE_MARGIN = 0.15
# A bucket shared by more articles than this is joined as a chain and a star, not all pairs,
# so a pathological archive (hundreds of copies of one text) stays linear.
LARGE_BUCKET = 50
CHUNK = 500

SIGNATURES = "article_signatures"
BUCKETS = "article_buckets"

_WORD = re.compile(r"\w+")
_MIX = 0x9E3779B97F4A7C15  # odd: a polynomial hash of the word hashes, order-sensitive


@dataclass
class Member:
    """One article of a near-duplicate group."""

    id: int
    slug: str
    title: str
    source: str | None
    published: str | None
    similarity: float

    def as_dict(self) -> dict[str, Any]:
        return {
            "slug": self.slug, "title": self.title, "source": self.source,
            "published": self.published, "similarity": self.similarity,
        }


# -- schema -------------------------------------------------------------------------------


def create_tables(conn: sqlite3.Connection) -> None:
    """Signature tables, and triggers that drop an article's signature when its body changes."""
    conn.execute(
        f"CREATE TABLE {SIGNATURES} (article_id INTEGER PRIMARY KEY, "
        "shingles INTEGER NOT NULL, minhash BLOB)"
    )
    conn.execute(
        f"CREATE TABLE {BUCKETS} (bucket INTEGER NOT NULL, article_id INTEGER NOT NULL, "
        "PRIMARY KEY (bucket, article_id)) WITHOUT ROWID"
    )
    conn.execute(f"CREATE INDEX {BUCKETS}_article ON {BUCKETS}(article_id)")
    # A narrow index, so counting signatures does not read every stored MinHash.
    conn.execute(f"CREATE INDEX {SIGNATURES}_shingles ON {SIGNATURES}(shingles)")
    drop = (
        f"DELETE FROM {SIGNATURES} WHERE article_id = old.id; "
        f"DELETE FROM {BUCKETS} WHERE article_id = old.id;"
    )
    conn.execute(f"CREATE TRIGGER articles_signature_ad AFTER DELETE ON articles BEGIN {drop} END")
    conn.execute(
        "CREATE TRIGGER articles_signature_au AFTER UPDATE OF body ON articles "
        f"WHEN old.body IS NOT new.body BEGIN {drop} END"
    )


# -- signatures ---------------------------------------------------------------------------


def shingles(text: str) -> np.ndarray:
    """Sorted distinct 32-bit hashes of the text's overlapping three-word sequences."""
    import numpy as np

    words = _WORD.findall(text.casefold())
    count = len(words) - SHINGLE_WORDS + 1
    if count < 1:
        return np.empty(0, dtype=np.uint32)
    hashes = np.fromiter(map(zlib.crc32, map(str.encode, words)), dtype=np.uint64, count=len(words))
    mixed = np.zeros(count, dtype=np.uint64)
    for offset in range(SHINGLE_WORDS):  # wraps modulo 2**64, as intended
        mixed = (mixed + hashes[offset : offset + count]) * np.uint64(_MIX)
    # The high half: every word, the last one too, has been through a multiplication.
    marks = np.sort((mixed >> np.uint64(32)).astype(np.uint32))
    distinct = np.empty(len(marks), dtype=bool)  # np.unique does the same, ten times slower
    distinct[0] = True
    np.not_equal(marks[1:], marks[:-1], out=distinct[1:])
    return marks[distinct]


def band_keys(minhash: bytes) -> list[int]:
    """The article's LSH buckets: band number in the high bits, the band's hash in the low 32."""
    width = 4 * ROWS
    return [
        (band << 32) | zlib.crc32(minhash[band * width : (band + 1) * width])
        for band in range(BANDS)
    ]


def minhash(marks: np.ndarray) -> bytes:
    """The MinHash of a shingle set, as stored: NUM_PERM little-endian 32-bit values.

    Exactly datasketch's MinHash(num_perm=NUM_PERM, seed=SEED, scheme="affine32") fed the shingle
    hashes (tests/test_dupes.py holds the two side by side). It is computed here, as one numpy
    expression, because importing datasketch imports scipy for its LSH classes: 0.6 s and 80 MB
    in every import worker, for a few lines of arithmetic that also runs faster without the
    per-value Python loop of update_batch.
    """
    import numpy as np

    a, b = _permutations()
    permuted = np.multiply.outer(a, _fmix32(marks.astype(np.uint32)))  # a row per permutation
    permuted += b[:, None]  # in place: three times faster than np.outer(a, x) + b[:, None]
    return bytes(permuted.min(axis=1).astype("<u4").tobytes())


def _fmix32(values: np.ndarray) -> np.ndarray:
    """MurmurHash3's finalizer, which datasketch applies to every hash before permuting it."""
    import numpy as np

    values = values ^ (values >> np.uint32(16))
    values = values * np.uint32(0x85EBCA6B)
    values = values ^ (values >> np.uint32(13))
    values = values * np.uint32(0xC2B2AE35)
    return values ^ (values >> np.uint32(16))


def estimate(a: bytes, b: bytes) -> float:
    """MinHash estimate of the Jaccard similarity: the share of equal values."""
    import numpy as np

    equal = np.count_nonzero(np.frombuffer(a, "<u4") == np.frombuffer(b, "<u4"))
    return equal / NUM_PERM


@lru_cache(maxsize=1)
def _permutations() -> tuple[np.ndarray, np.ndarray]:
    """datasketch's affine32 permutations for SEED: odd multipliers a, offsets b (uint32)."""
    import numpy as np

    generator = np.random.RandomState(SEED)
    a = generator.randint(0, 1 << 31, NUM_PERM, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = generator.randint(0, 1 << 32, NUM_PERM, dtype=np.uint32)
    return a, b


# What is stored of a body: how many distinct shingles it has, and its MinHash (None when too
# few to compare). The shingles themselves are cut again from the body for the rare exact check:
# an import passes these between processes for every article.
Signature = tuple[int, "bytes | None"]


def signature(body: str) -> Signature:
    """The body's signature. Pure and the costliest part of signing: an import computes it in
    its parse workers."""
    marks = shingles(body)
    return len(marks), minhash(marks) if len(marks) >= MIN_SHINGLES else None


def sign(
    conn: sqlite3.Connection,
    article_id: int,
    body: str,
    parts: Signature | None = None,
) -> None:
    """Store the article's signature and buckets (none for a body too short to compare).

    parts: signature(body), when the caller has it already.
    """
    conn.execute(f"DELETE FROM {BUCKETS} WHERE article_id = ?", (article_id,))
    sign_new(conn, [(article_id, parts if parts is not None else signature(body))])


def sign_new(conn: sqlite3.Connection, signed: list[tuple[int, Signature]]) -> None:
    """Store the signatures and buckets of articles that have none yet."""
    _store_signatures(conn, signed, *_bucket_rows(signed))


def _store_signatures(
    conn: sqlite3.Connection, signed: list[tuple[int, Signature]], buckets: np.ndarray, ids: np.ndarray
) -> None:
    """Two statements, whatever the number of articles. The bucket rows go in sorted by bucket:
    they land in the index in order, page after page, instead of at random places all over it
    (a 100,000-article import writes 4 million)."""
    conn.executemany(
        f"INSERT OR REPLACE INTO {SIGNATURES} (article_id, shingles, minhash) VALUES (?, ?, ?)",
        ((article_id, count, sketch) for article_id, (count, sketch) in signed),
    )
    conn.executemany(
        f"INSERT INTO {BUCKETS} (bucket, article_id) VALUES (?, ?)",
        zip(buckets.tolist(), ids.tolist(), strict=True),
    )


def _bucket_rows(signed: list[tuple[int, Signature]]) -> tuple[np.ndarray, np.ndarray]:
    """The bucket of every band of every sketch, sorted, and the article each row is for; the
    articles of one bucket stay in the order they were signed."""
    import numpy as np

    keys = [(article_id, band_keys(sketch)) for article_id, (_, sketch) in signed if sketch]
    buckets = np.array([key for _, bands in keys for key in bands], dtype=np.uint64)
    ids = np.repeat(np.array([article_id for article_id, _ in keys], dtype=np.int64), BANDS)
    order = np.argsort(buckets, kind="stable")
    return buckets[order], ids[order]


def sign_if_changed(
    conn: sqlite3.Connection,
    article_id: int,
    body: str,
    parts: Signature | None = None,
) -> None:
    """Sign an article whose body a save may have changed (the trigger dropped its signature)."""
    if not _is_signed(conn, article_id):
        sign(conn, article_id, body, parts)


def _is_signed(conn: sqlite3.Connection, article_id: int) -> bool:
    sql = f"SELECT 1 FROM {SIGNATURES} WHERE article_id = ?"
    return conn.execute(sql, (article_id,)).fetchone() is not None


_UNSIGNED = f"SELECT id FROM articles WHERE id NOT IN (SELECT article_id FROM {SIGNATURES})"


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


def sign_missing(conn: sqlite3.Connection) -> int:
    """Sign every article that has no signature yet (after an upgrade, or an outside edit)."""
    ids = [row[0] for row in conn.execute(_UNSIGNED)]
    for article_id, body in _bodies(conn, ids):
        sign(conn, article_id, body)
    return len(ids)


def ensure_signed(store: Store) -> None:
    """Heal missing signatures in one transaction, so reads can trust the bucket index."""
    if has_unsigned(store.conn):
        with store.transaction():
            sign_missing(store.conn)


def _bodies(conn: sqlite3.Connection, ids: Iterable[int]) -> Iterator[tuple[int, str]]:
    return _chunked(conn, "SELECT id, body FROM articles WHERE id IN ", list(ids))


def _chunked(conn: sqlite3.Connection, sql: str, ids: list[int]) -> Iterator[Any]:
    """Rows of `sql ... IN (ids)`, a chunk of ids at a time (SQLite caps bound parameters)."""
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        yield from conn.execute(sql + "(" + ", ".join("?" for _ in chunk) + ")", chunk)


# -- similarity ---------------------------------------------------------------------------


def jaccard(a: np.ndarray, b: np.ndarray) -> float:
    """Exact Jaccard similarity of two sorted distinct shingle arrays."""
    import numpy as np

    if not len(a) or not len(b):
        return 0.0
    common = np.intersect1d(a, b, assume_unique=True).size
    return common / (len(a) + len(b) - common)


class _Articles:
    """MinHash sketches and shingle sets of stored articles, each read (and cut) once."""

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn
        self.sketches: dict[int, bytes | None] = {}
        self.marks: dict[int, np.ndarray] = {}

    def load_sketches(self, ids: Iterable[int]) -> None:
        missing = [i for i in set(ids) if i not in self.sketches]
        sql = f"SELECT article_id, minhash FROM {SIGNATURES} WHERE article_id IN "
        self.sketches.update(_chunked(self.conn, sql, missing))

    def load_marks(self, ids: Iterable[int]) -> None:
        missing = [i for i in set(ids) if i not in self.marks]
        for article_id, body in _bodies(self.conn, missing):
            self.marks[article_id] = shingles(body)

    def likely(self, a: int, b: int, threshold: float) -> bool:
        """Whether the sketches say the pair may reach the threshold (worth an exact check)."""
        first, second = self.sketches.get(a), self.sketches.get(b)
        if not first or not second:  # a body too short to compare
            return False
        return estimate(first, second) >= threshold - ESTIMATE_MARGIN

    def similarity(self, a: int, b: int) -> float:
        self.load_marks((a, b))
        return round(jaccard(self.marks[a], self.marks[b]), 3)


def neighbours(
    conn: sqlite3.Connection,
    article_id: int,
    threshold: float,
    known: _Articles | None = None,
) -> list[tuple[int, float]]:
    """Articles at least `threshold` similar to this one, most similar first."""
    others = [row[0] for row in conn.execute(
        f"SELECT DISTINCT other.article_id FROM {BUCKETS} AS mine JOIN {BUCKETS} AS other "
        "ON other.bucket = mine.bucket WHERE mine.article_id = ? AND other.article_id != ? "
        "ORDER BY other.article_id",
        (article_id, article_id),
    )]
    return _confirmed(known or _Articles(conn), article_id, others, threshold)


def _confirmed(
    articles: _Articles, article_id: int, others: list[int], threshold: float
) -> list[tuple[int, float]]:
    """Those of the candidates at least `threshold` similar to the article, most similar first."""
    articles.load_sketches([article_id, *others])
    likely = [other for other in others if articles.likely(article_id, other, threshold)]
    articles.load_marks([article_id, *likely])
    found = [(other, articles.similarity(article_id, other)) for other in likely]
    return sorted(
        ((other, value) for other, value in found if value >= threshold),
        key=lambda pair: (-pair[1], pair[0]),
    )


# The import note needs one neighbour, not all of a large family of copies: only the candidates
# sharing the most buckets (the likeliest copies) are checked.
NOTE_CANDIDATES = 8


def notes_for_new(conn: sqlite3.Connection, signed: list[tuple[int, Signature]]) -> dict[int, str]:
    """Sign newly imported articles; for each that nearly duplicates an earlier article, a note.

    Earlier means stored before it: in the archive before this batch, or earlier in the batch.
    The archive is asked once for the members of every bucket of the batch, before the batch's
    own rows go in; the batch's articles are matched with each other here.
    """
    import numpy as np

    buckets, ids = _bucket_rows(signed)
    stored = _members(conn, np.unique(buckets).tolist())
    _store_signatures(conn, signed, buckets, ids)
    # Almost every bucket holds one article, the new one: only the others are looked at.
    crowded = np.isin(buckets, np.fromiter(stored, dtype=np.uint64, count=len(stored)))
    crowded[1:] |= buckets[1:] == buckets[:-1]
    crowded[:-1] |= buckets[:-1] == buckets[1:]
    shared: dict[int, Counter[int]] = {}
    rows = zip(buckets[crowded].tolist(), ids[crowded].tolist(), strict=True)
    for bucket, group in itertools.groupby(rows, key=lambda row: row[0]):
        members = stored.get(bucket, [])  # read for this batch alone: extended in place
        for _, article_id in group:  # in the order they were stored
            if members:
                shared.setdefault(article_id, Counter()).update(members[-LARGE_BUCKET:])
            members.append(article_id)
    articles = _Articles(conn)
    articles.sketches.update((article_id, sketch) for article_id, (_, sketch) in signed)
    notes = {}
    for article_id, counts in shared.items():
        ranked = sorted(counts.items(), key=lambda pair: (-pair[1], pair[0]))
        others = [other for other, _ in ranked[:NOTE_CANDIDATES]]
        found = _confirmed(articles, article_id, others, DEFAULT_THRESHOLD)
        if found:
            notes[article_id] = _note(conn, *found[0])
    return notes


def _members(conn: sqlite3.Connection, buckets: list[int]) -> dict[int, list[int]]:
    """The stored articles in each of the buckets, in one query."""
    import json

    members: dict[int, list[int]] = {}
    sql = (f"SELECT bucket, article_id FROM {BUCKETS} WHERE bucket IN "
           "(SELECT value FROM json_each(?)) ORDER BY bucket, article_id")
    for bucket, article_id in conn.execute(sql, (json.dumps(buckets),)):
        members.setdefault(bucket, []).append(article_id)
    return members


def _note(conn: sqlite3.Connection, other_id: int, similarity: float) -> str:
    slug = conn.execute("SELECT slug FROM articles WHERE id = ?", (other_id,)).fetchone()[0]
    return f"near-duplicate of {slug} (similarity {similarity:.2f})"


def confirmed_pairs(
    conn: sqlite3.Connection,
    ids: Iterable[int] | None,
    threshold: float,
    known: _Articles | None = None,
) -> list[tuple[int, int, float]]:
    """Near-duplicate pairs (a < b, similarity) among ids, or across the whole archive."""
    candidates = _candidate_pairs(conn, None if ids is None else list(ids))
    articles = known or _Articles(conn)
    articles.load_sketches(itertools.chain.from_iterable(candidates))
    likely = sorted(pair for pair in candidates if articles.likely(*pair, threshold))
    articles.load_marks(itertools.chain.from_iterable(likely))
    found = [(a, b, articles.similarity(a, b)) for a, b in likely]
    return [pair for pair in found if pair[2] >= threshold]


def _candidate_pairs(conn: sqlite3.Connection, ids: list[int] | None) -> set[tuple[int, int]]:
    """Pairs that share a bucket (among ids, if given), from one ordered pass over the index.

    The shared buckets are found by counting alone, then only their rows are read: twice as
    fast as collecting every bucket's members.
    """
    within, params = "", []
    if ids is not None:
        within = f" AND article_id IN ({', '.join('?' for _ in ids)})"
        params = list(ids)
    sql = (
        f"SELECT bucket, article_id FROM {BUCKETS} WHERE bucket IN "
        f"(SELECT bucket FROM {BUCKETS} WHERE 1{within} GROUP BY bucket HAVING count(*) > 1)"
        f"{within} ORDER BY bucket, article_id"
    )
    pairs: set[tuple[int, int]] = set()
    rows = conn.execute(sql, params * 2)
    for _, members in itertools.groupby(rows, key=lambda row: row[0]):
        pairs.update(_pairs_of([row[1] for row in members]))
    return pairs


def _pairs_of(ids: list[int]) -> Iterable[tuple[int, int]]:
    if len(ids) <= LARGE_BUCKET:
        return itertools.combinations(ids, 2)
    return itertools.chain(zip(ids, ids[1:], strict=False), ((ids[0], other) for other in ids[2:]))


# -- groups -------------------------------------------------------------------------------


def find_groups(
    store: Store,
    filters: Filters | None = None,
    match: str | None = None,
    threshold: float = DEFAULT_THRESHOLD,
) -> list[list[Member]]:
    """Groups of near-duplicate articles, earliest article first in each, newest story first.

    With filters or a search, only groups holding at least one matching article are kept,
    whole: `--source X` shows which of X's stories ran elsewhere too.
    """
    ensure_signed(store)
    articles = _Articles(store.conn)
    components = _components(confirmed_pairs(store.conn, None, threshold, articles))
    wanted = _matching(store, filters, match)
    if wanted is not None:
        components = [c for c in components if wanted.intersection(c)]
    groups = [_group(store.conn, component, articles) for component in components]
    return sorted(groups, key=lambda g: (g[0].published is not None, g[0].published or ""),
                  reverse=True)


def _components(pairs: list[tuple[int, int, float]]) -> list[list[int]]:
    """Connected groups of the pairs (a union-find)."""
    parent: dict[int, int] = {}

    def root(node: int) -> int:
        parent.setdefault(node, node)
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for a, b, _ in pairs:
        parent[root(a)] = root(b)
    groups: dict[int, list[int]] = {}
    for node in list(parent):
        groups.setdefault(root(node), []).append(node)
    return list(groups.values())


def _matching(store: Store, filters: Filters | None, match: str | None) -> set[int] | None:
    if match is None and (filters is None or not filters.where()[0]):
        return None
    return {row["id"] for row in store.iter_articles(filters, columns="id", match=match)}


def _group(conn: sqlite3.Connection, ids: list[int], articles: _Articles) -> list[Member]:
    marks = ", ".join("?" for _ in ids)
    rows = conn.execute(
        f"SELECT id, slug, title, source, published FROM articles WHERE id IN ({marks}) "
        "ORDER BY published IS NULL, published, id",
        ids,
    ).fetchall()
    first = rows[0]["id"]
    return [
        Member(row["id"], row["slug"], row["title"], row["source"], row["published"],
               1.0 if row["id"] == first else articles.similarity(first, row["id"]))
        for row in rows
    ]

