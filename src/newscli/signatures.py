"""Near-duplicate signatures, pure: shingles, MinHash, LSH band keys, Jaccard. No SQL here.

An article's body is cut into overlapping three-word shingles (32-bit hashes); in scripts
written without spaces (Chinese, Japanese, Thai ...) and in Hangul each character counts as a
word, so their shingles are character trigrams. A MinHash of that
set, NUM_PERM values, is cut into BANDS bands of ROWS values; each band hashes to one bucket key.
The MinHash is computed here, with numpy, to give exactly the values of datasketch's
MinHash(num_perm=NUM_PERM, seed=SEED, scheme="affine32") (tests/test_dupes.py holds the two side
by side). newscli.store.signatures stores them; newscli.dupes compares them.
"""

from __future__ import annotations

import re
import zlib
from functools import lru_cache
from typing import TYPE_CHECKING

from newscli.searchtext import SPACED_CLASS, has_spaced

if TYPE_CHECKING:
    import numpy as np

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

_WORD = re.compile(r"\w+")
# A character of the scripts written without spaces (newscli.searchtext), or a run of other
# word characters.
_WORD_OR_CHARACTER = re.compile(f"[{SPACED_CLASS}]|[^\\W{SPACED_CLASS}]+")
_MIX = 0x9E3779B97F4A7C15  # odd: a polynomial hash of the word hashes, order-sensitive

# What is stored of a body: how many distinct shingles it has, and its MinHash (None when too
# few to compare). The shingles themselves are cut again from the body for the rare exact check:
# an import passes these between processes for every article.
Signature = tuple[int, "bytes | None"]


def shingles(text: str) -> np.ndarray:
    """Sorted distinct 32-bit hashes of the text's overlapping three-word sequences."""
    import numpy as np

    folded = text.casefold()
    words = (_WORD_OR_CHARACTER if has_spaced(folded) else _WORD).findall(folded)
    count = len(words) - SHINGLE_WORDS + 1
    if count < 1:
        return np.empty(0, dtype=np.uint32)
    hashes = np.fromiter(map(zlib.crc32, map(str.encode, words)), dtype=np.uint64, count=len(words))
    mixed = np.zeros(count, dtype=np.uint64)
    for offset in range(SHINGLE_WORDS):  # wraps modulo 2**64, as intended
        mixed = (mixed + hashes[offset : offset + count]) * np.uint64(_MIX)
    # The high half: every word, the last one too, has been through a multiplication.
    shingle_hashes = np.sort((mixed >> np.uint64(32)).astype(np.uint32))
    distinct = np.empty(len(shingle_hashes), dtype=bool)  # np.unique: the same, ten times slower
    distinct[0] = True
    np.not_equal(shingle_hashes[1:], shingle_hashes[:-1], out=distinct[1:])
    return shingle_hashes[distinct]


def band_keys(minhash: bytes) -> list[int]:
    """The article's LSH buckets: band number in the high bits, the band's hash in the low 32."""
    width = 4 * ROWS
    return [
        (band << 32) | zlib.crc32(minhash[band * width : (band + 1) * width])
        for band in range(BANDS)
    ]


def minhash(shingle_hashes: np.ndarray) -> bytes:
    """The MinHash of a shingle set, as stored: NUM_PERM little-endian 32-bit values.

    The values datasketch's MinHash(num_perm=NUM_PERM, seed=SEED, scheme="affine32") gives when
    fed the shingle hashes. Computed here, as one numpy expression, because importing datasketch
    imports scipy for its LSH classes: 0.6 s and 80 MB in every import worker, for a few lines
    of arithmetic that also runs faster without the per-value Python loop of update_batch.
    """
    import numpy as np

    a, b = _permutations()
    permuted = np.multiply.outer(a, _fmix32(shingle_hashes.astype(np.uint32)))  # row per permutation
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


def signature(body: str) -> Signature:
    """The body's signature. Pure and the costliest part of signing: an import computes it in
    its parse workers."""
    shingle_hashes = shingles(body)
    count = len(shingle_hashes)
    return count, minhash(shingle_hashes) if count >= MIN_SHINGLES else None


def bucket_rows(signed: list[tuple[int, Signature]]) -> tuple[np.ndarray, np.ndarray]:
    """The bucket of every band of every sketch, sorted, and the article each row is for; the
    articles of one bucket stay in the order they were signed."""
    import numpy as np

    keys = [(article_id, band_keys(sketch)) for article_id, (_, sketch) in signed if sketch]
    buckets = np.array([key for _, bands in keys for key in bands], dtype=np.uint64)
    ids = np.repeat(np.array([article_id for article_id, _ in keys], dtype=np.int64), BANDS)
    order = np.argsort(buckets, kind="stable")
    return buckets[order], ids[order]


def distinct_keys(buckets: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct keys of a sorted array of bucket keys, and those it holds more than once.

    np.unique would sort a copy again and count every key: 14 MB at the peak for a window's
    420,000 keys, against 4 MB here."""
    import numpy as np

    first = np.empty(len(buckets), dtype=bool)
    first[:1] = True
    np.not_equal(buckets[1:], buckets[:-1], out=first[1:])
    return buckets[first], np.unique(buckets[1:][~first[1:]])


def jaccard(a: np.ndarray, b: np.ndarray) -> float:
    """Exact Jaccard similarity of two sorted distinct shingle arrays."""
    import numpy as np

    if not len(a) or not len(b):
        return 0.0
    common = np.intersect1d(a, b, assume_unique=True).size
    return common / (len(a) + len(b) - common)
