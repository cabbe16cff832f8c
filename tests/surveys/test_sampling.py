"""The survey sample (surveys/engine/sampling.py): golden cases by hand and properties (hypothesis)."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from surveys.engine.sampling import draw_sample, manager_sample_size, stratum_allocation, tier_bands


def test_tier_bands():
    # cuts 11, 21: D1–D10, D11–D20, D21–D30; no tier: ""
    assert tier_bands(pd.Series([1, 10, 11, 20, 21, 30, np.nan]), [11, 21]) == [
        "D1–D10", "D1–D10", "D11–D20", "D11–D20", "D21–D30", "D21–D30", "",
    ]  # fmt: skip
    assert tier_bands([5, 25], []) == ["D1–D30", "D1–D30"]
    assert tier_bands([30, 29], [30]) == ["D30", "D1–D29"]


@pytest.mark.parametrize(
    ("n", "percent", "minimum", "k"),
    [
        (30, 10, 10, 10),  # 10% is 3, the floor is 10
        (200, 10, 10, 20),  # 10% of 200
        (7, 10, 10, 7),  # fewer than the floor: all of them
        (101, 10, 10, 11),  # ⌈10.1⌉ = 11
        (30, 10, 0, 3),  # exactly 3 (in floating point 0.1 × 30 = 3.0000000000000004 would round up to 4)
        (0, 10, 10, 0),
        (50, 100, 10, 50),
    ],
)
def test_manager_sample_size(n, percent, minimum, k):
    assert manager_sample_size(n, percent=percent, minimum=minimum) == k


def test_stratum_allocation_by_largest_remainder():
    # k = 15 of 50 + 30 + 20: exact shares 7.5, 4.5, 3.0 → 7, 4, 3 (14) and one left; remainders 50, 50, 0:
    # a tie, the first stratum takes it (no rng)
    assert stratum_allocation([50, 30, 20], 15).tolist() == [8, 4, 3]
    # 10 of 1 + 1 + 98: 0.1, 0.1, 9.8 → 0, 0, 9 and the one left to the largest remainder (0.8)
    assert stratum_allocation([1, 1, 98], 10).tolist() == [0, 0, 10]
    # 2 of 3 + 3 + 3: 0.67 each → 0, 0, 0; two left, equal remainders: the first two
    assert stratum_allocation([3, 3, 3], 2).tolist() == [1, 1, 0]
    assert stratum_allocation([4, 0, 6], 10).tolist() == [4, 0, 6]
    assert stratum_allocation([], 0).tolist() == []
    with pytest.raises(ValueError, match="cannot draw"):
        stratum_allocation([2, 2], 5)


def _frame(spec: dict[int | None, dict[str, int]]) -> pd.DataFrame:
    rows, next_id = [], 1
    for manager, strata in spec.items():
        for stratum, size in strata.items():
            for _ in range(size):
                rows.append({"retailer": next_id, "manager": manager, "stratum": stratum})
                next_id += 1
    return pd.DataFrame(rows, columns=["retailer", "manager", "stratum"])


def test_draw_sample_golden():
    # manager 7: 15 in "D11–D20|urban", 10 in "D1–D10|rural"; 20% → 5 (floor 3): 5 × 15 / 25 = 3, 5 × 10 / 25 = 2
    # manager 8: 4 retailers, floor 3 → 3 (20% of 4 would be 1); no manager: 10 → 20% = 2 (floor 3) → 3
    frame = _frame({7: {"D11–D20|urban": 15, "D1–D10|rural": 10}, 8: {"D1–D10|urban": 4}, None: {"D21–D30|urban": 10}})
    chosen = draw_sample(frame, percent=20, minimum=3, seed=42)
    picked = frame[frame["retailer"].isin(chosen)]
    assert picked.groupby("stratum").size().to_dict() == {
        "D11–D20|urban": 3, "D1–D10|rural": 2, "D1–D10|urban": 3, "D21–D30|urban": 3,
    }  # fmt: skip
    assert len(chosen) == len(set(chosen.tolist())) == 11
    # the same seed: the same sample, whatever the order of the rows; another seed: another sample
    assert draw_sample(frame.sample(frac=1, random_state=1), percent=20, minimum=3, seed=42).tolist() == chosen.tolist()
    assert draw_sample(frame, percent=20, minimum=3, seed=43).tolist() != chosen.tolist()
    # everyone
    assert draw_sample(frame, percent=None, minimum=3, seed=42).tolist() == list(range(1, 40))


def test_draw_sample_refuses_bad_input():
    frame = _frame({1: {"a": 3}})
    with pytest.raises(ValueError, match="between 1% and 100%"):
        draw_sample(frame, percent=0, minimum=1, seed=1)
    with pytest.raises(ValueError, match="twice"):
        draw_sample(pd.concat([frame, frame]), percent=10, minimum=1, seed=1)
    assert draw_sample(frame.iloc[0:0], percent=10, minimum=1, seed=1).tolist() == []


managers = st.dictionaries(
    st.one_of(st.none(), st.integers(min_value=1, max_value=10_000)),
    st.dictionaries(st.sampled_from(["D1–D10|urban", "D1–D10|rural", "D11–D20|urban", "D21–D30|rural", "|urban"]),
                    st.integers(min_value=0, max_value=60), min_size=1),  # fmt: skip
    min_size=1, max_size=6,
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(spec=managers, percent=st.integers(min_value=1, max_value=100), minimum=st.integers(min_value=0, max_value=15),
       seed=st.integers(min_value=0, max_value=2**31))  # fmt: skip
def test_sample_properties(spec, percent, minimum, seed):
    frame = _frame(spec)
    chosen = draw_sample(frame, percent=percent, minimum=minimum, seed=seed)
    assert len(set(chosen.tolist())) == len(chosen)
    assert set(chosen.tolist()) <= set(frame["retailer"].tolist())
    picked = frame["retailer"].isin(chosen)
    for _manager, group in frame.groupby(frame["manager"].fillna(-1), sort=False):
        n, taken = len(group), int(picked[group.index].sum())
        if n >= minimum:
            assert taken >= minimum  # at least N
            assert taken * 100 >= n * percent  # at least the share
        else:
            assert taken == n  # fewer than N: all of them
        assert taken == manager_sample_size(n, percent=percent, minimum=minimum)
        for _stratum, members in group.groupby("stratum"):
            got = int(picked[members.index].sum())
            # within rounding of the stratum's proportional share k·n_s/n: |got − k·n_s/n| < 1
            assert got * n > taken * len(members) - n
            assert got * n < taken * len(members) + n
    # deterministic, and independent of the order of the rows
    again = draw_sample(frame.sample(frac=1, random_state=seed % 1000), percent=percent, minimum=minimum, seed=seed)
    assert again.tolist() == chosen.tolist()
