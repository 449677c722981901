"""A Bloom filter over 64-bit keys, built and asked a whole array at a time.

newscli.store.signatures keeps one for each closed run of bucket rows, so that signing a window
of new articles asks a run only about the few keys it may hold: of a window's 420,000 bucket
keys, a few hundred are in an earlier article's buckets. Hand-written because the Bloom
libraries on PyPI add and ask one Python object at a time (about a second a run); numpy does a
window's keys in milliseconds.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

    import numpy as np

HASHES = 4
BITS_PER_KEY = 16  # with 4 hashes: 0.24% of absent keys pass
_CHUNK = 50_000  # keys hashed at once: the temporaries of a run's 4 million would be 100 MB


def size_for(count: int) -> int:
    """The filter's size in bits for count keys: whole bytes, at least 2**16 bits."""
    return max(1 << 16, -(-count * BITS_PER_KEY // 8) * 8)


def empty(count: int) -> np.ndarray:
    """A filter sized for count keys, holding none yet: add keys with add()."""
    import numpy as np

    return np.zeros(size_for(count) // 8, dtype=np.uint8)


def add(bits: np.ndarray, keys: np.ndarray) -> None:
    """Put the keys into the filter, in place."""
    import numpy as np

    for start in range(0, len(keys), _CHUNK):
        for byte, mask in _positions(keys[start : start + _CHUNK], len(bits) * 8):
            np.bitwise_or.at(bits, byte, mask)


def changed_bytes(size: int, keys: np.ndarray) -> tuple[list[int], list[int]]:
    """(byte offsets, OR masks) that adding the keys to a filter of size bytes sets: for a few
    keys, set in place in the stored filter rather than in the whole of it read and rewritten."""
    import numpy as np

    parts = list(_positions(keys, size * 8))
    offsets = np.concatenate([byte for byte, _ in parts]).astype(np.int64)
    masks = np.concatenate([mask for _, mask in parts])
    order = np.argsort(offsets, kind="stable")
    offsets, masks = offsets[order], masks[order]
    starts = np.flatnonzero(np.r_[True, offsets[1:] != offsets[:-1]])
    return offsets[starts].tolist(), np.bitwise_or.reduceat(masks, starts).tolist()


def build(chunks: Iterable[np.ndarray], count: int) -> np.ndarray:
    """The filter of the keys (uint64 arrays, count keys in all)."""
    bits = empty(count)
    for keys in chunks:
        add(bits, keys)
    return bits


def may_hold(filter_bits: bytes | np.ndarray, keys: np.ndarray) -> np.ndarray:
    """For each key, whether the filter may hold it (False: it certainly does not).

    Hashed _CHUNK keys at a time for each filter: keeping a window's bit positions for every
    filter of an import was twice as fast (19 against 41 ms a filter) but held 8 MB more at the
    writer's peak."""
    import numpy as np

    bits = np.frombuffer(filter_bits, dtype=np.uint8)
    held = np.ones(len(keys), dtype=bool)
    for start in range(0, len(keys), _CHUNK):
        part = held[start : start + _CHUNK]
        for byte, mask in _positions(keys[start : start + _CHUNK], len(bits) * 8):
            part &= (bits[byte] & mask) != 0
    return held


def _positions(keys: np.ndarray, size: int) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """HASHES bit positions for each key, below size, as (byte, bit mask): two halves of one
    splitmix64 hash, combined (Kirsch and Mitzenmacher)."""
    import numpy as np

    mixed = keys.astype(np.uint64) + np.uint64(0x9E3779B97F4A7C15)
    mixed = (mixed ^ (mixed >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    mixed = (mixed ^ (mixed >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    mixed ^= mixed >> np.uint64(31)
    modulus = np.uint64(size)
    first, step = mixed % modulus, (mixed >> np.uint64(32)) | np.uint64(1)
    byte_type = np.uint32 if size < 1 << 35 else np.uint64
    for index in range(HASHES):
        position = (first + np.uint64(index) * step) % modulus
        yield ((position >> np.uint64(3)).astype(byte_type),
               np.left_shift(1, (position & np.uint64(7)).astype(np.uint8)).astype(np.uint8))
