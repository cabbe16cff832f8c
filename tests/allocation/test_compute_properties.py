"""End to end on the pure computation: whatever the registry and plan, quotas go only to eligible
retailers (active, in scope, in the tier range, matching the tag, ordering this cycle), the total
never exceeds the target, each cell releases what its cells report, and the same inputs give the
same output."""

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
)
def test_quotas_go_only_to_eligible_retailers_and_never_exceed_the_target(
    n, seed, target, low, span, method, tag, scoped, double
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
    item = LineInput(line_id=1, product_id=1, method=method, plan=plan, forecast=forecast, selected=selected)
    policy = Policy(rules=Rules(vulnerable_bonus=1, ceiling=4 if seed % 2 else None))
    (result,), _ = compute_lines(frame, [item], week_parity="odd", policy=policy, seed=seed)
    quota = resolve(frame, result)
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
