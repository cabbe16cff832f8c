"""One cell from eligible retailers to quotas (rotation, exact caps, penalties re-spread, ceiling,
vulnerable bonus) and the direct methods (D, E): pure engine tests, each checked by hand or against
a brute force."""

import itertools
import math

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from allocation.engine.caps import tier_caps
from allocation.engine.direct import forecast_demand, selected_quotas, share_out
from allocation.engine.rules import NEVER_SERVED, Reason, Rules, cell_quotas, penalties_of, take_in_order

FLAT = None  # the engine's default shape when none is given: linspace(1, 2) over the range


def members(tiers, *, credit=None, vulnerable=None, weight=None, served=None, rules=None):
    rules = rules or Rules()
    n = len(tiers)
    ids = np.arange(1, n + 1)
    credit = credit if credit is not None else ["AA"] * n
    factor, reasons = penalties_of(ids, pd.Series(credit, index=ids), rules)
    return pd.DataFrame(
        {
            "tier": tiers,
            "weight": weight if weight is not None else np.ones(n, int),
            "penalty_factor": factor,
            "penalty_reasons": reasons,
            "is_vulnerable": vulnerable if vulnerable is not None else [False] * n,
            "last_served": served if served is not None else [NEVER_SERVED] * n,
        },
        index=ids,
    )


def run(frame, target, *, lowest=1, n_tiers=None, rules=None, shape=None, seed=1, upper=None):
    rules = rules or Rules(vulnerable_bonus=0)
    n_tiers = n_tiers or int(frame["tier"].max()) - lowest + 1
    return cell_quotas(
        frame, target=target, lowest_tier=lowest, n_tiers=n_tiers, rules=rules, seed=seed, shape=shape, upper=upper
    )


def quota_of(outcome, n):
    return outcome.quotas["quota"].reindex(range(1, n + 1)).fillna(0).astype(int).tolist()


def test_ten_top_and_eleven_bottom_retailers_release_the_whole_target():
    # 10 retailers at D30, 11 at D1, T = 100. Eligible weight 21 ≤ 100: not scarce, no rotation.
    # Caps x1 ≤ x30 with 11·x1 + 10·x30 ≤ 100: x1 = 0, x30 = 10 gives exactly 100 (x1 = 1 leaves
    # 89 for 10·x30, not a multiple of 10; any x1 ≥ 1 with x30 ≥ x1 misses 100 — 11a + 10b = 100 has
    # only a = 0 below a = 10, and a = 10 needs b = −1).
    frame = members([30] * 10 + [1] * 11)
    out = run(frame, 100, n_tiers=30)
    assert not out.rotated
    assert out.released == 100
    assert out.caps[0] == 0
    assert out.caps[-1] == 10


def test_the_ceiling_bounds_the_search_instead_of_cutting_after_it():
    # D1: 2 retailers, D2: 3, T = 15, ceiling 3. Caps a ≤ b ≤ 3 with 2a + 3b = 15: a = 3, b = 3.
    # (Caps searched without the ceiling and cut afterwards would lose cartons: e.g. (0, 5) → (0, 3) = 9.)
    out = run(members([1, 1, 2, 2, 2]), 15, rules=Rules(vulnerable_bonus=0, ceiling=3))
    assert out.caps.tolist() == [3, 3]
    assert out.released == 15
    assert quota_of(out, 5) == [3, 3, 3, 3, 3]
    assert all(has & int(Reason.CEILING) for has in out.quotas["reasons"])  # the ceiling was binding


def test_a_penalty_frees_cartons_that_the_others_of_the_cell_receive():
    # D1: retailers 1 (credit D, × 0.5) and 2; D2: retailer 3. T = 9, flat shape.
    # First caps: 2a + b = 9 closest to the flat ideal 3 each → (3, 3), release 9.
    # Retailer 1: floor(3 × 0.5) = 1, 2 cartons freed. The others (1 at D1, 1 at D2) are searched
    # again for 9 − 1 = 8 with caps never below (3, 3): a + b = 8 → (4, 4) (closest to flat).
    # Released 1 + 4 + 4 = 9 = T.
    out = run(members([1, 1, 2], credit=["D", "AA", "AA"]), 9, shape=np.ones(2))
    assert quota_of(out, 3) == [1, 4, 4]
    assert out.released == 9
    assert out.figures == {"caps": 9, "rotation": 0, "penalties": -2, "respread": 2, "bonus": 0, "released": 9}
    row = out.quotas.loc[1]
    assert (row["base"], row["quota"]) == (3, 1)  # its reason: 3 → 1, two cartons to the others
    assert row["reasons"] & int(Reason.CREDIT)
    assert out.quotas.loc[2, "reasons"] & int(Reason.RESPREAD)


def test_without_respread_the_freed_cartons_stay_unreleased():
    # Same cell, re-spreading off: 1 + 3 + 3 = 7 of 9.
    out = run(members([1, 1, 2], credit=["D", "AA", "AA"]), 9, shape=np.ones(2), rules=Rules(vulnerable_bonus=0, respread=False))
    assert quota_of(out, 3) == [1, 3, 3]
    assert out.released == 7


def test_respread_never_lowers_anyone_to_release_more():
    # D1: 5 retailers (1 and 2 credit D), D2: 5; T = 40, flat. First caps (4, 4) = 40.
    # Retailers 1, 2: floor(4 × 0.5) = 2 each, 4 freed; the others (3 at D1, 5 at D2) from (4, 4)
    # upward: 3a + 5b ≤ 36 with a, b ≥ 4 → only (4, 4) = 32 fits ((4, 5) = 37). Nothing re-spread:
    # lowering D1 to 2 and raising D2 to 6 would reach 36 but take from retailers who did nothing.
    out = run(members([1] * 5 + [2] * 5, credit=["D", "D"] + ["AA"] * 8), 40, shape=np.ones(2))
    assert quota_of(out, 10) == [2, 2, 4, 4, 4, 4, 4, 4, 4, 4]
    assert out.released == 36
    assert out.figures["penalties"] == -4
    assert out.figures["respread"] == 0


def test_vulnerable_bonus_only_within_the_target():
    # 3 retailers at D1, T = 10: cap 3 each (9); room 1 → one vulnerable retailer +1 (the lower
    # tier first, then the shuffle); bonus 2 would not fit (skipped).
    frame = members([1, 1, 1], vulnerable=[True, True, False])
    tight = run(frame, 10, rules=Rules(vulnerable_bonus=1))
    assert tight.released == 10
    assert (tight.quotas["reasons"] & int(Reason.VULNERABLE) > 0).sum() == 1
    roomy = run(frame, 10, rules=Rules(vulnerable_bonus=2))
    assert roomy.released == 9  # 2 > room 1: no bonus
    # A penalised retailer gets no bonus.
    mixed = members([1, 1], vulnerable=[True, True], credit=["D", "AA"])
    out = run(mixed, 9, rules=Rules(vulnerable_bonus=1, respread=False))
    # caps 4 (2 × 4 = 8 ≤ 9), retailer 1: floor(4 × 0.5) = 2; room 9 − 6 = 3 → retailer 2 +1.
    assert quota_of(out, 2) == [2, 5]


def test_rotation_only_when_not_even_one_carton_each():
    # 8 at D1, 2 at D2; T = 10 = W: caps (1, 1), no rotation. T = 3 < 10: rotation.
    frame = members([1] * 8 + [2, 2])
    assert not run(frame, 10).rotated
    first = run(frame, 3, seed=7)
    assert first.rotated
    assert first.released == 3
    served = set(first.quotas.index[first.quotas["quota"] > 0])
    assert {9, 10} <= served  # never served: higher tier first
    assert (first.quotas["reasons"] == int(Reason.ROTATION)).all()
    # 3 cartons by rotation, none by caps: caps + rotation + penalties + re-spread + bonus = released
    assert first.figures == {"caps": 0, "rotation": 3, "penalties": 0, "respread": 0, "bonus": 0, "released": 3}
    history = [700 if i in served else NEVER_SERVED for i in range(1, 11)]
    second = run(members([1] * 8 + [2, 2], served=history), 3, seed=8)
    again = set(second.quotas.index[second.quotas["quota"] > 0])
    assert len(again) == 3
    assert not served & again


def test_a_double_weight_retailer_that_does_not_fit_is_skipped_not_a_stop():
    # T = 3. Order: 1 (weight 2, never), 2 (weight 2, never), 3 (weight 1, served on day 5).
    # 1 takes 2 (1 left); 2 needs 2: skipped; 3 takes the last one. Released 3.
    frame = members([5, 5, 5], weight=[2, 2, 1], served=[NEVER_SERVED, NEVER_SERVED, 5])
    out = run(frame, 3, lowest=1, n_tiers=5)
    assert out.rotated
    assert quota_of(out, 3)[2] == 1
    assert out.released == 3


def test_take_in_order_skips_what_does_not_fit():
    assert take_in_order(np.array([2, 2, 1]), 3, np.array([0, 1, 2])).tolist() == [True, False, True]
    assert take_in_order(np.array([1, 1, 1]), 2, np.array([2, 0, 1])).tolist() == [True, False, True]  # 2, then 0


def brute_caps(weights, target, upper, lower=None):
    """Largest Σ w·x ≤ target over non-decreasing integer x with lower ≤ x ≤ upper (None if none)."""
    lower = lower if lower is not None else [0] * len(weights)
    best = None
    for x in itertools.product(*[range(lo, hi + 1) for lo, hi in zip(lower, upper, strict=True)]):
        if any(a > b for a, b in itertools.pairwise(x)):
            continue
        total = sum(w * v for w, v in zip(weights, x, strict=True))
        if total <= target and (best is None or total > best):
            best = total
    return best


@settings(max_examples=150, deadline=None)
@given(
    data=st.lists(
        st.tuples(
            st.integers(1, 3), st.integers(1, 2), st.sampled_from(["AA", "C", "D"]), st.booleans()
        ),
        min_size=1,
        max_size=6,
    ),
    target=st.integers(0, 30),
    ceiling=st.one_of(st.none(), st.integers(0, 5)),
    respread=st.booleans(),
)
def test_a_cell_releases_the_best_the_rules_allow(data, target, ceiling, respread):
    tiers = [d[0] for d in data]
    weight = [d[1] for d in data]
    rules = Rules(vulnerable_bonus=0, ceiling=ceiling, respread=respread)
    frame = members(tiers, weight=weight, credit=[d[2] for d in data], rules=rules)
    out = run(frame, target, n_tiers=3, rules=rules, shape=np.ones(3))
    w = np.bincount(np.array(tiers) - 1, weights=weight, minlength=3).astype(int)
    quota = np.array(quota_of(out, len(data)))
    assert quota.sum() == out.released <= max(target, 0)
    assert (np.diff(out.caps) >= 0).all()
    if 0 < target < w.sum():  # rotation: one carton (its weight) each, in order, skipping what does not fit
        assert out.rotated
        assert set(quota.tolist()) <= {0, 1, 2}
        assert target - out.released < 2  # a single carton left only if every one left needs two
        return
    bound = [ceiling if ceiling is not None else 30] * 3
    first = tier_caps(w, target, shape=np.ones(3), upper=None if ceiling is None else np.array(bound)).caps
    assert int((first * w).sum()) == (brute_caps(list(w), target, bound) or 0)  # exact before the rules
    factor = frame["penalty_factor"].to_numpy()
    t = np.array(tiers) - 1
    penalised = (factor < 1) & (first[t] > 0)
    kept = int(np.floor(first[t] * np.array(weight) * factor)[penalised].sum())
    w2 = np.bincount(t[~penalised], weights=np.array(weight)[~penalised], minlength=3).astype(int)
    floor_release = int((first * w2).sum())
    if respread and penalised.any() and not penalised.all():
        best = brute_caps(list(w2), target - kept, bound, list(first))
        expected = kept + max(best if best is not None else 0, floor_release)
    else:
        expected = kept + floor_release
    assert out.released == expected


@settings(max_examples=60, deadline=None)
@given(
    n=st.integers(2, 40),
    data=st.data(),
    doubles=st.booleans(),
)
def test_rotation_serves_every_retailer_within_weight_over_target_cycles(n, data, doubles):
    weight = data.draw(st.lists(st.integers(1, 2 if doubles else 1), min_size=n, max_size=n))
    total = sum(weight)
    target = data.draw(st.integers(2 if doubles else 1, total - 1)) if total > (2 if doubles else 1) else None
    if target is None:
        return
    tiers = data.draw(st.lists(st.integers(1, 3), min_size=n, max_size=n))
    served = [NEVER_SERVED] * n
    # Weight 1 only: ⌈W / T⌉ cycles. With double weights a cycle may leave one carton unplaced: ⌈W / (T − 1)⌉.
    cycles = math.ceil(total / (target - 1 if doubles else target))
    for cycle in range(1, cycles + 1):
        out = run(members(tiers, weight=weight, served=served), target, n_tiers=3, seed=cycle)
        assert out.rotated
        assert out.released <= target
        for rid in out.quotas.index[out.quotas["quota"] > 0]:
            served[rid - 1] = cycle
    assert NEVER_SERVED not in served


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


def test_a_typo_sized_target_never_stalls_the_run():
    # 40 retailers, ceiling 1,000,000, T = 10⁹: the exact bounded search would need about 10⁶ cap
    # values × 10⁹ bits (it grew to 23 GB). Every cap at the ceiling releases 40 × 1,000,000 =
    # 40,000,000 ≤ T: that is the most the ceiling allows, exact, with no search at all.
    import time

    frame = members([1] * 20 + [2] * 20)
    started = time.perf_counter()
    out = run(frame, 10**9, rules=Rules(vulnerable_bonus=0, ceiling=1_000_000))
    assert time.perf_counter() - started < 1
    assert "not_searched" not in out.figures
    assert out.caps.tolist() == [1_000_000, 1_000_000]
    assert out.released == 40_000_000


def test_a_target_below_huge_bounds_falls_back_at_once_and_says_so():
    # The same 40 retailers, ceiling 1,000,000, T = 30,000,000 (below the 40,000,000 the ceiling
    # allows): the exact search would need 2 × 10⁶ cap values × 3 × 10⁷ bits. It falls back to the
    # unbounded caps cut to the ceiling, quickly, and the cell says so. The unbounded caps release
    # exactly T (20·c₁ + 20·c₂ = 3 × 10⁷ with c₁ ≤ c₂), both under the ceiling, so nothing is cut.
    import time

    frame = members([1] * 20 + [2] * 20)
    started = time.perf_counter()
    out = run(frame, 30_000_000, rules=Rules(vulnerable_bonus=0, ceiling=1_000_000))
    assert time.perf_counter() - started < 5
    assert out.figures.get("not_searched") == 1
    assert out.released <= 30_000_000
    assert (out.caps <= 1_000_000).all()
    assert out.caps[0] <= out.caps[1]
