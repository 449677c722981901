"""Near-duplicates: candidate pairs from shared LSH buckets, confirmed by exact Jaccard.

Two articles sharing any bucket (newscli.signatures cuts each MinHash into bands, one bucket
each; newscli.store.signatures stores them) are candidates; the MinHash estimate of their
similarity drops the clearly unrelated, and the exact Jaccard similarity of their shingle sets
decides. Finding every group therefore reads the bucket index, and the bodies of the few likely
pairs, never every body: cost grows about linearly with the archive.
"""

from __future__ import annotations

import itertools
import sqlite3
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from newscli.signatures import Signature, band_keys, distinct_keys, estimate, jaccard, shingles, signature
from newscli.store import articles as stored_articles
from newscli.store import signatures as stored

if TYPE_CHECKING:
    import numpy as np

    from newscli.models import Filters
    from newscli.store import Store

__all__ = ["DEFAULT_THRESHOLD", "MIN_THRESHOLD", "WINDOW", "Member", "NewArticles", "Signature",
           "find_groups", "neighbours", "confirmed_pairs", "notes_for_new", "signature",
           "sign_if_changed", "ensure_signed", "count_unsigned"]

DEFAULT_THRESHOLD = 0.5
MIN_THRESHOLD = 0.4  # below this the bands of newscli.signatures miss too many pairs
# A candidate whose MinHash estimate is this far below the threshold is not checked exactly:
# with 126 permutations the estimate's standard error is at most 0.045, so this is over 3 errors.
ESTIMATE_MARGIN = 0.15
# A bucket shared by more articles than this is joined as a chain and a star, not all pairs,
# so a pathological archive (hundreds of copies of one text) stays linear.
LARGE_BUCKET = 50
# The import note needs one neighbour, not all of a large family of copies: only the candidates
# sharing the most buckets (the likeliest copies) are checked.
NOTE_CANDIDATES = 8
# An import signs its new articles this many at a time (see NewArticles): 420,000 bucket rows
# go into the bucket index in one sorted pass instead of five, each of which rewrote most of the
# index's pages once the archive is large. About 30 MB held meanwhile, at most.
WINDOW = 10_000


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


# -- signing ------------------------------------------------------------------------------


def sign_if_changed(
    conn: sqlite3.Connection, article_id: int, body: str, parts: Signature | None = None
) -> None:
    """Sign an article whose body a save may have changed (the trigger dropped its signature)."""
    if not stored.is_signed(conn, article_id):
        stored.sign(conn, article_id, body, parts)


def ensure_signed(store: Store) -> None:
    """Heal missing signatures, so reads can trust the bucket index."""
    # Finding which are unsigned reads every id (3 s at 1,000,000 articles): counts first.
    if stored.has_unsigned(store.conn):
        with store.transaction():
            stored.sign_missing(store.conn)


def count_unsigned(conn: sqlite3.Connection) -> int:
    return stored.count_unsigned(conn)


# -- similarity ---------------------------------------------------------------------------


class _Articles:
    """MinHash sketches and shingle sets of stored articles, each read (and cut) once."""

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn
        self.sketches: dict[int, bytes | None] = {}
        self.shingle_sets: dict[int, np.ndarray] = {}

    def load_sketches(self, ids: Iterable[int]) -> None:
        missing = [i for i in set(ids) if i not in self.sketches]
        self.sketches.update(stored.sketches(self.conn, missing))

    def load_shingles(self, ids: Iterable[int]) -> None:
        missing = [i for i in set(ids) if i not in self.shingle_sets]
        for article_id, body in stored.bodies(self.conn, missing):
            self.shingle_sets[article_id] = shingles(body)

    def likely(self, a: int, b: int, threshold: float) -> bool:
        """Whether the sketches say the pair may reach the threshold (worth an exact check)."""
        first, second = self.sketches.get(a), self.sketches.get(b)
        if not first or not second:  # a body too short to compare
            return False
        return estimate(first, second) >= threshold - ESTIMATE_MARGIN

    def similarity(self, a: int, b: int) -> float:
        self.load_shingles((a, b))
        return round(jaccard(self.shingle_sets[a], self.shingle_sets[b]), 3)


def neighbours(
    conn: sqlite3.Connection, article_id: int, threshold: float, known: _Articles | None = None
) -> list[tuple[int, float]]:
    """Articles at least `threshold` similar to this one, most similar first."""
    others = stored.sharing_a_bucket(conn, article_id)
    return _confirmed(known or _Articles(conn), article_id, others, threshold)


def _confirmed(
    articles: _Articles, article_id: int, others: list[int], threshold: float
) -> list[tuple[int, float]]:
    """Those of the candidates at least `threshold` similar to the article, most similar first."""
    articles.load_sketches([article_id, *others])
    likely = [other for other in others if articles.likely(article_id, other, threshold)]
    articles.load_shingles([article_id, *likely])
    found = [(other, articles.similarity(article_id, other)) for other in likely]
    return sorted(
        ((other, value) for other, value in found if value >= threshold),
        key=lambda pair: (-pair[1], pair[0]),
    )


class NewArticles:
    """Articles an import inserted, waiting to be signed for near-duplicates together.

    The bucket index is keyed by random hashes: each batch's rows land on nearly every page of
    it, so writing them a batch at a time rewrote the whole index every batch (quadratic in
    the archive's size). Held here, the articles of several batches are signed at once, in a
    transaction of their own once the batch that fills the window has committed, or at the
    end of the import. Articles whose window a crash lost are stored unsigned: the next
    import, `dupes` or `related` signs them (ensure_signed). Their import notes wait with
    them, so the report keeps file order.
    """

    def __init__(self, size: int = WINDOW):
        self.size = size
        # id -> (signature, its bucket keys as packed uint64, b"" for a body too short)
        self.signed: dict[int, tuple[Signature, bytes]] = {}
        self.notes: list[tuple[str, list[str], int | None]] = []  # (label, notes, article id)

    def __len__(self) -> int:
        return len(self.signed)

    def add(self, article_id: int, parts: Signature, keys: bytes | None = None) -> None:
        """An article inserted; keys: bucket_keys(parts), when the caller has it already."""
        self.signed[article_id] = (parts, bucket_keys(parts) if keys is None else keys)

    def flush(self, conn: sqlite3.Connection,
              batch: NewArticles | None = None) -> list[str]:
        """Sign the waiting articles (and a batch's, if given); the notes, in file order.

        Call inside a transaction; the caller calls clear() once it has committed.
        """
        signed = {**self.signed, **(batch.signed if batch else {})}
        near = _sign_new(conn, signed) if signed else {}
        return [
            f"{label}: {text}"
            for label, texts, article_id in [*self.notes, *(batch.notes if batch else [])]
            for text in [*texts, *([near[article_id]] if article_id in near else [])]
        ]

    def take(self, batch: NewArticles) -> None:
        """Keep a committed batch's articles and notes until the window is flushed."""
        self.signed.update(batch.signed)
        self.notes.extend(batch.notes)

    def clear(self) -> None:
        self.signed.clear()
        self.notes.clear()


def bucket_keys(parts: Signature) -> bytes:
    """The signature's LSH bucket keys, packed (native uint64): an import worker computes them."""
    import numpy as np

    _, sketch = parts
    return np.array(band_keys(sketch), dtype=np.uint64).tobytes() if sketch else b""


def notes_for_new(conn: sqlite3.Connection, signed: list[tuple[int, Signature]]) -> dict[int, str]:
    """Sign newly imported articles; for each that nearly duplicates an earlier article, a note.

    Earlier means stored before it: in the archive before these, or earlier among them.
    """
    return _sign_new(conn, {article_id: (parts, bucket_keys(parts)) for article_id, parts in signed})


def _sign_new(conn: sqlite3.Connection, new: dict[int, tuple[Signature, bytes]]) -> dict[int, str]:
    """notes_for_new, the bucket keys given. The archive is asked once for the members of every
    bucket of the new articles, before their own rows go in; the new articles are matched with
    each other here."""
    import numpy as np

    signed = [(article_id, parts) for article_id, (parts, _) in new.items()]
    keys = np.frombuffer(b"".join(packed for _, packed in new.values()), dtype=np.uint64)
    ids = np.repeat(np.fromiter(new, dtype=np.int64, count=len(new)),
                    [len(packed) // 8 for _, packed in new.values()])
    order = np.argsort(keys, kind="stable")  # the articles of one bucket stay in id order
    buckets, ids = keys[order], ids[order]
    del keys, order  # a window's rows: 7 MB an array
    members = stored.bucket_members(conn, distinct_keys(buckets)[0])
    packed = {article_id: keys for article_id, (_, keys) in new.items()}
    stored.store_signatures(conn, signed, buckets, ids, packed, members)
    shared = _shared_buckets(members, buckets, ids)
    articles = _Articles(conn)
    articles.sketches.update((article_id, sketch) for article_id, (_, sketch) in signed)
    notes = {}
    for article_id, counts in shared.items():
        ranked = sorted(counts.items(), key=lambda pair: (-pair[1], pair[0]))
        others = [other for other, _ in ranked[:NOTE_CANDIDATES]]
        found = _confirmed(articles, article_id, others, DEFAULT_THRESHOLD)
        if found:
            other_id, similarity = found[0]
            slug = stored_articles.slug_of(conn, other_id)
            notes[article_id] = f"near-duplicate of {slug} (similarity {similarity:.2f})"
    return notes


def _shared_buckets(
    members: dict[int, list[int]], buckets: np.ndarray, ids: np.ndarray
) -> dict[int, Counter[int]]:
    """For each new article, how many buckets it shares with each earlier one."""
    import numpy as np

    # Almost every bucket holds one article, the new one: only the others are looked at.
    crowded = np.isin(buckets, np.fromiter(members, dtype=np.uint64, count=len(members)))
    crowded[1:] |= buckets[1:] == buckets[:-1]
    crowded[:-1] |= buckets[:-1] == buckets[1:]
    shared: dict[int, Counter[int]] = {}
    rows = zip(buckets[crowded].tolist(), ids[crowded].tolist(), strict=True)
    for bucket, group in itertools.groupby(rows, key=lambda row: row[0]):
        earlier = members.get(bucket, [])  # read for this batch alone: extended in place
        for _, article_id in group:  # in the order they were stored
            if earlier:
                shared.setdefault(article_id, Counter()).update(earlier[-LARGE_BUCKET:])
            earlier.append(article_id)
    return shared


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
    articles.load_shingles(itertools.chain.from_iterable(likely))
    found = [(a, b, articles.similarity(a, b)) for a, b in likely]
    return [pair for pair in found if pair[2] >= threshold]


def _candidate_pairs(conn: sqlite3.Connection, ids: list[int] | None) -> set[tuple[int, int]]:
    """Pairs that share a bucket (among ids, if given)."""
    pairs: set[tuple[int, int]] = set()
    rows = stored.shared_bucket_rows(conn, ids)
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
    from newscli.store.filters import where

    if match is None and (filters is None or not where(filters)[0]):
        return None
    return {row["id"] for row in store.iter_articles(filters, columns="id", match=match)}


def _group(conn: sqlite3.Connection, ids: list[int], articles: _Articles) -> list[Member]:
    rows = stored_articles.by_date(conn, ids)
    first = rows[0]["id"]
    return [
        Member(row["id"], row["slug"], row["title"], row["source"], row["published"],
               1.0 if row["id"] == first else articles.similarity(first, row["id"]))
        for row in rows
    ]
