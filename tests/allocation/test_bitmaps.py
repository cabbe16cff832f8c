import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from allocation.engine.bitmaps import bitmap_contains, bitmap_to_ids, ids_to_bitmap


@given(st.sets(st.integers(0, 5000), max_size=300), st.lists(st.integers(-3, 6000), max_size=50))
def test_bitmap_round_trip_and_membership(ids, probes):
    bitmap = ids_to_bitmap(np.array(sorted(ids), dtype=np.int64))
    assert bitmap_to_ids(bitmap).tolist() == sorted(ids)
    assert bitmap_contains(bitmap, np.array(probes, dtype=np.int64)).tolist() == [p in ids for p in probes]
