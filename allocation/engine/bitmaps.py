"""Sets of retailer ids as compact bitmaps (bit i set = id i is in the set). Pure numpy."""

from __future__ import annotations

import numpy as np


def ids_to_bitmap(ids: np.ndarray) -> bytes:
    ids = np.asarray(ids, dtype=np.int64)
    if not len(ids):
        return b""
    if ids.min() < 0:
        raise ValueError("retailer ids must be non-negative")
    bits = np.zeros(int(ids.max()) + 1, dtype=bool)
    bits[ids] = True
    return np.packbits(bits, bitorder="little").tobytes()


def bitmap_to_ids(bitmap: bytes | memoryview) -> np.ndarray:
    return np.flatnonzero(np.unpackbits(np.frombuffer(bytes(bitmap), dtype=np.uint8), bitorder="little")).astype(
        np.int64
    )


def bitmap_contains(bitmap: bytes | memoryview, ids: np.ndarray) -> np.ndarray:
    """Which of `ids` are in the set."""
    data = np.frombuffer(bytes(bitmap), dtype=np.uint8)
    ids = np.asarray(ids, dtype=np.int64)
    inside = (ids >= 0) & (ids < len(data) * 8)
    out = np.zeros(len(ids), dtype=bool)
    hit = ids[inside]
    out[inside] = (data[hit >> 3] >> (hit & 7).astype(np.uint8)) & 1 == 1
    return out


def bitmap_count(bitmap: bytes | memoryview) -> int:
    """How many ids the set holds."""
    return int(np.unpackbits(np.frombuffer(bytes(bitmap), dtype=np.uint8)).sum())
