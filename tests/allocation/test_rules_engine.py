"""Individual quota rules and the direct methods (D, E): pure engine tests."""

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from allocation.engine.direct import forecast_demand, selected_quotas, share_out
from allocation.engine.rules import NEVER_SERVED, Reason, Rules, apply_rules, credit_and_ceiling


def eligible(n, *, tier=None, credit=None, vulnerable=None, weight=None, served=None, cell=None):
    ids = np.arange(1, n + 1)
    return pd.DataFrame(
        {
            "cell": cell if cell is not None else np.zeros(n, int),
            "tier": tier if tier is not None else np.ones(n, int),
            "weight": weight if weight is not None else np.ones(n, int),
            "credit_rating": credit if credit is not None else ["AA"] * n,
            "is_vulnerable": vulnerable if vulnerable is not None else [False] * n,
            "last_served": served if served is not None else [NEVER_SERVED] * n,
        },
        index=ids,
    )


def test_credit_penalty_and_ceiling_count_but_are_recomputed_on_read():
    frame = eligible(4, credit=["AA", "C", "D", "AA"], tier=[1, 1, 1, 2])
    caps = np.array([[5, 9]])
    out = apply_rules(
        frame, caps, np.array([30]), Rules(credit_factors={"C": 0.8, "D": 0.5}, ceiling=8), lowest_tier=1, seed=1
    )
    assert out.released[0] == 5 + 4 + 2 + 8  # floor(5 × 0.8), floor(5 × 0.5), the ceiling
    assert out.adjustments.empty  # nothing stored: the same rules apply again on read
    quota, cut, capped = credit_and_ceiling(np.array([5, 5, 5, 9]), np.array([1, 0.8, 0.5, 1]), 8)
    assert quota.tolist() == [5, 4, 2, 8]
    assert cut.tolist() == [False, True, True, False]
    assert capped.tolist() == [False, False, False, True]


def test_vulnerable_bonus_only_within_the_target():
    frame = eligible(3, vulnerable=[True, True, False])
    caps = np.array([[3]])
    tight = apply_rules(frame, caps, np.array([10]), Rules(vulnerable_bonus=1), lowest_tier=1, seed=1)
    assert tight.released[0] == 10  # 9 from the caps, room for one bonus only
    assert (tight.adjustments["reasons"] == int(Reason.VULNERABLE)).sum() == 1
    roomy = apply_rules(frame, caps, np.array([20]), Rules(vulnerable_bonus=2), lowest_tier=1, seed=1)
    assert roomy.adjustments["quota"].tolist() == [5, 5]
    # A penalised retailer's freed cartons can fund the bonus.
    mixed = eligible(2, vulnerable=[True, False], credit=["AA", "D"])
    out = apply_rules(mixed, np.array([[4]]), np.array([8]), Rules(vulnerable_bonus=1), lowest_tier=1, seed=1)
    assert out.adjustments.loc[1, "quota"] == 5
    assert out.released[0] == 7


def test_rotation_serves_those_left_out_first():
    # 10 retailers, 3 cartons: caps are zero for most, so the cell rotates.
    frame = eligible(10, tier=[1] * 8 + [2, 2])
    caps = np.array([[0, 1]])
    first = apply_rules(frame, caps, np.array([3]), Rules(), lowest_tier=1, seed=7)
    served_first = set(first.served[0].tolist())
    assert first.adjustments.empty  # rotations are not per-retailer rows
    assert first.rotated[0]
    assert len(served_first) == 3
    assert first.released[0] == 3
    assert {9, 10} <= served_first  # never served before: higher tiers first
    history = [7 if i in served_first else NEVER_SERVED for i in range(1, 11)]
    second = apply_rules(
        eligible(10, tier=[1] * 8 + [2, 2], served=history), caps, np.array([3]), Rules(), lowest_tier=1, seed=8
    )
    served_second = set(second.served[0].tolist())
    assert len(served_second) == 3
    assert not served_first & served_second  # last week's receivers wait


@settings(max_examples=80, deadline=None)
@given(
    n=st.integers(min_value=1, max_value=40),
    target=st.integers(min_value=0, max_value=200),
    seed=st.integers(min_value=0, max_value=99),
    bonus=st.integers(min_value=0, max_value=3),
    ceiling=st.one_of(st.none(), st.integers(min_value=0, max_value=6)),
)
def test_rules_never_release_more_than_the_target(n, target, seed, bonus, ceiling):
    rng = np.random.default_rng(seed)
    tiers = rng.integers(1, 4, n)
    frame = eligible(
        n, tier=tiers, cell=rng.integers(0, 2, n), weight=rng.integers(1, 3, n),
        credit=rng.choice(["AA", "C", "D"], n).tolist(), vulnerable=(rng.random(n) < 0.3).tolist(),
    )  # fmt: skip
    caps = np.sort(rng.integers(0, 4, (2, 3)), axis=1)
    weights = [
        np.bincount(tiers[frame["cell"] == c] - 1, weights=frame["weight"][frame["cell"] == c], minlength=3)
        for c in (0, 1)
    ]
    targets = np.array([max(int((caps[c] * weights[c]).sum()), target // 2) for c in (0, 1)])
    out = apply_rules(frame, caps, targets, Rules(vulnerable_bonus=bonus, ceiling=ceiling), lowest_tier=1, seed=seed)
    assert (out.released <= targets).all()
    assert (out.adjustments["quota"] >= 0).all()
    again = apply_rules(frame, caps, targets, Rules(vulnerable_bonus=bonus, ceiling=ceiling), lowest_tier=1, seed=seed)
    pd.testing.assert_frame_equal(out.adjustments, again.adjustments)


def test_share_out_and_methods_d_e():
    assert share_out(np.array([1.2, 2.6, 0.0]), 10, np.zeros(3)).tolist() == [
        1,
        3,
        0,
    ]  # demand fits: all of it (4 cartons)
    scaled = share_out(np.array([10.0, 30.0, 60.0]), 7, np.zeros(3))
    assert scaled.sum() == 7
    assert scaled.tolist() == [1, 2, 4]
    history = pd.DataFrame({"retailer": [1, 1, 2], "ordered_qty": [4, 4, 2], "quota": [4, None, 9]})
    forecast = forecast_demand(history, cycles=2, censored_uplift=0.5)
    assert forecast[1] == (4 * 1.5 + 4) / 2  # the first order hit its quota: censored
    assert forecast[2] == 1.0
    even = selected_quotas(pd.Series([1, 1, 1], index=[5, 6, 7]), pd.Series([3, 9, 1], index=[5, 6, 7]), 7, seed=1)
    assert even.sum() == 7
    assert even[6] == 3
