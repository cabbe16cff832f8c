"""End to end on the pure computation: whatever the registry and plan, quotas go only to eligible
retailers (active, in scope, in the tier range, matching the tag, ordering this cycle), the total
never exceeds the target, each cell releases what its cells report, and the same inputs give the
same output. Retailers an approved exception holds (`LineInput.held`, a random subset with random
quotas) are left out, and their cartons come off the target: what a cell releases plus what is held is
the brute-force best over the others for the reduced target."""

import itertools

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from allocation.engine.cells import PlanLine
from allocation.engine.compute import LineInput, compute_lines
from allocation.engine.rules import Rules
from allocation.policy import Policy


def registry(n, seed):
    rng = np.random.default_rng(seed)
    kind = rng.choice(["weekly", "biweekly", "not_served"], n, p=[0.7, 0.2, 0.1])
    return pd.DataFrame(
        {
            "tier": rng.integers(1, 31, n),
            "status": rng.choice(["active", "suspended"], n, p=[0.9, 0.1]),
            "order_cycle_kind": kind,
            "order_week_parity": np.where(kind == "biweekly", rng.choice(["odd", "even"], n), ""),
            "is_pos_supplier": rng.random(n) < 0.4,
            "is_quality_customer": rng.random(n) < 0.2,
            "branch_id": rng.integers(1, 4, n),
            "market_type": rng.choice(["urban", "rural"], n),
            "credit_rating": rng.choice(["AAA", "AA", "C", "D"], n, p=[0.2, 0.6, 0.1, 0.1]),
            "is_vulnerable": rng.random(n) < 0.1,
        },
        index=np.arange(1, n + 1),
    )


def resolve(frame, result):
    """Quota per retailer as the run stores it: every retailer absent from the result gets 0."""
    return result.quotas["quota"].reindex(frame.index).fillna(0).astype(int)


@settings(max_examples=60, deadline=None)
@given(
    n=st.integers(min_value=1, max_value=300),
    seed=st.integers(min_value=0, max_value=10_000),
    target=st.integers(min_value=0, max_value=3000),
    low=st.integers(min_value=1, max_value=30),
    span=st.integers(min_value=0, max_value=29),
    method=st.sampled_from(["A", "B", "D", "E"]),
    tag=st.sampled_from(["", "pos_supplier"]),
    scoped=st.booleans(),
    double=st.booleans(),
    holding=st.booleans(),
)
def test_quotas_go_only_to_eligible_retailers_and_never_exceed_the_target(
    n, seed, target, low, span, method, tag, scoped, double, holding
):
    frame = registry(n, seed)
    high = min(30, low + span)
    plan = PlanLine(
        target=target, lowest_tier=low, highest_tier=high, tag_filter=tag, biweekly_double=double,
        dimensions=("market_type",) if method == "B" else (), scope=({"county": 2},) if scoped else (),
    )  # fmt: skip
    rng = np.random.default_rng(seed)
    forecast = pd.Series(rng.random(n) * 5, index=frame.index) if method == "D" else None
    selected = (
        frozenset(rng.choice(frame.index, size=min(n, 10), replace=False).tolist()) if method == "E" else frozenset()
    )
    # a random tenth of the registry (eligible or not) held by exceptions of 0–5 cartons
    held_ids = frame.index[rng.random(n) < 0.1] if holding else frame.index[:0]
    held = pd.Series(rng.integers(0, 6, len(held_ids)), index=held_ids) if holding else None
    item = LineInput(line_id=1, product_id=1, method=method, plan=plan, forecast=forecast, selected=selected, held=held)
    policy = Policy(rules=Rules(vulnerable_bonus=1, ceiling=4 if seed % 2 else None))
    (result,), _ = compute_lines(frame, [item], week_parity="odd", policy=policy, seed=seed)
    quota = resolve(frame, result)
    kept = int(held.sum()) if held is not None else 0
    assert not set(result.quotas.index) & set(held_ids)  # a held retailer's quota is its exception's
    assert int(quota.sum()) <= max(target - kept, 0)  # released + held ≤ T (held alone may pass it)
    served = frame[quota > 0]
    assert (served["status"] == "active").all()
    assert served["tier"].between(low, high).all()
    assert (served["order_cycle_kind"] != "not_served").all()
    assert ((served["order_cycle_kind"] == "weekly") | (served["order_week_parity"] == "odd")).all()
    if tag:
        assert served["is_pos_supplier"].all()
    if scoped:
        assert (served["branch_id"] == 2).all()
    if method == "E":
        assert set(served.index) <= selected
    assert int(quota.sum()) <= target
    assert int(quota.sum()) == sum(c.released for c in result.cells)
    for c in result.cells:
        assert (np.diff(c.caps) >= 0).all()
        assert (c.caps >= 0).all()
    (again,), _ = compute_lines(frame, [item], week_parity="odd", policy=policy, seed=seed)
    pd.testing.assert_series_equal(resolve(frame, again), quota)


def brute_release(weights: list[int], target: int) -> int:
    """Largest Σ w·x ≤ target over non-decreasing whole caps x (x ≤ target: a cap above it releases more)."""
    best = 0
    for x in itertools.product(range(target + 1), repeat=len(weights)):
        if all(a <= b for a, b in itertools.pairwise(x)):
            total = sum(w * v for w, v in zip(weights, x, strict=True))
            if best < total <= target:
                best = total
    return best


@settings(max_examples=80, deadline=None)
@given(
    tiers=st.lists(st.integers(1, 3), min_size=1, max_size=8),
    held_quota=st.lists(st.one_of(st.none(), st.integers(0, 8)), min_size=8, max_size=8),
    target=st.integers(0, 16),
    cells=st.booleans(),
)
def test_release_plus_held_is_the_brute_force_best_over_the_others(tiers, held_quota, target, cells):
    """Each cell: what its others share is its target less the cartons the exceptions hold of it (their own
    cell's, and what passes another cell's target): with the others too many for one carton each, all of it
    (rotation: one each, weight 1), else the brute-force best of the others' caps for it."""
    n = len(tiers)
    frame = registry(n, 0).assign(
        tier=tiers, status="active", order_cycle_kind="weekly", order_week_parity="", credit_rating="AA",
        is_vulnerable=False, market_type=["urban" if i % 2 else "rural" for i in range(n)],
    )  # fmt: skip
    held = pd.Series({i + 1: q for i, q in enumerate(held_quota[:n]) if q is not None}, dtype=np.int64)
    plan = PlanLine(target=target, lowest_tier=1, highest_tier=3, dimensions=("market_type",) if cells else ())
    item = LineInput(line_id=1, product_id=1, method="B" if cells else "A", plan=plan, held=held)
    policy = Policy(rules=Rules(vulnerable_bonus=0))
    (result,), _ = compute_lines(frame, [item], week_parity="odd", policy=policy, seed=1)
    # the exceptions hold their cartons off the cells' targets, all of them unless they alone pass T
    assert sum(c.figures.get("held", 0) for c in result.cells) == min(int(held.sum()), target)
    assert sum(c.released for c in result.cells) + int(held.sum()) <= max(target, int(held.sum()))
    for number, cell in enumerate(result.cells):
        mine = frame if not cells else frame[frame["market_type"] == cell.cell[0]]
        others = mine[~mine.index.isin(held.index)]
        weights = np.bincount(others["tier"].to_numpy() - 1, minlength=3).tolist()
        left = max(cell.target - cell.figures.get("held", 0), 0)
        if 0 < left < sum(weights):
            assert cell.rotated
            assert cell.released == left
        else:
            assert cell.released == brute_release(weights, left)
        released = result.quotas.loc[result.quotas["cell"] == number, "quota"]
        assert int(released.sum()) == cell.released
        assert not set(released.index) & set(held.index)
