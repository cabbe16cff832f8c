"""Method D with reported demand (allocation/engine/direct.py): a report replaces the forecast from
orders and is a ceiling. Golden cases worked by hand, and the property the issue asks for."""

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from allocation.engine.cells import PlanLine
from allocation.engine.compute import LineInput, compute_lines
from allocation.engine.direct import demand_wants, share_out
from allocation.policy import Policy


def registry(n: int, *, tiers=None, biweekly=()) -> pd.DataFrame:
    index = np.arange(1, n + 1)
    kind = ["biweekly" if i in biweekly else "weekly" for i in index]
    return pd.DataFrame(
        {
            "tier": tiers if tiers is not None else [10] * n,
            "status": "active",
            "order_cycle_kind": kind,
            "order_week_parity": ["odd" if k == "biweekly" else "" for k in kind],
            "is_pos_supplier": False,
            "is_quality_customer": False,
            "branch_id": 1,
            "market_type": "urban",
            "credit_rating": "AA",
            "is_vulnerable": False,
        },
        index=index,
    )


def run_d(frame, target, forecast, reported, *, double=False):
    plan = PlanLine(target=target, lowest_tier=1, highest_tier=30, biweekly_double=double)
    item = LineInput(line_id=1, product_id=1, method="D", plan=plan, forecast=forecast, reported=reported)
    (result,), _ = compute_lines(frame, [item], week_parity="odd", policy=Policy(), seed=3)
    return result


def quotas(frame, result) -> list[int]:
    return result.quotas["quota"].reindex(frame.index).fillna(0).astype(int).tolist()


def test_share_out_with_ceilings_never_rounds_a_capped_share_up_past_its_ceiling():
    # wants 5 (reported, at most 5), 0.3 and 0.3 (forecasts): Σ 5.6 rounds to 6 cartons (target 10).
    # Proportional 6/5.6: 5.357, 0.321, 0.321. Without the ceiling: floors 5, 0, 0 = 5, one carton left by
    # largest remainder (.357) → 6, 0, 0: one more than retailer 1 reported.
    assert share_out(np.array([5.0, 0.3, 0.3]), 10, np.array([0, 1, 2])).tolist() == [6, 0, 0]
    # With it: retailer 1 is held at 5; the 1 carton left is shared 0.3 : 0.3 → 0.5, 0.5; floors 5, 0, 0, the
    # carton left goes by the equal remainders' priority: retailer 3 (higher) → 5, 0, 1.
    most = np.array([5.0, np.nan, np.nan])
    assert share_out(np.array([5.0, 0.3, 0.3]), 10, np.array([0, 1, 2]), most).tolist() == [5, 0, 1]


def test_share_out_cuts_a_total_the_ceilings_cannot_hold():
    # wants 5 and 5 but both may have at most 2: 4 cartons, whatever the target (10).
    out = share_out(np.array([5.0, 5]), 10, np.array([0, 1]), np.array([2.0, 2.0]))
    assert out.tolist() == [2, 2]


def test_a_report_replaces_the_forecast_and_is_not_weighted():
    forecast = pd.Series([1.5, 4.0, 2.0], index=[1, 2, 3])
    reported = pd.Series([0.0, 7.0], index=[1, 2])  # 1 wants none, 2 wants 7, 3 said nothing
    assert demand_wants(forecast, reported).tolist() == [0.0, 7.0, 2.0]
    assert demand_wants(forecast, None).tolist() == [1.5, 4.0, 2.0]


def test_method_d_golden_supply_short_of_reported_demand():
    # Retailers 1–4 (retailer 1 in D12, the others D10); forecasts from orders 4, 4, 4, 4. Reports: 1 → 2,
    # 2 → 10, 3 → 0; 4 none. Demand: 2, 10, 0 (wants none: no quota), 4 → Σ 16; target 12.
    # Proportional 12/16 = 0.75: 1.5, 7.5, 0, 3 → floors 1, 7, 0, 3 = 11; 1 left; remainders .5 (1) and .5 (2)
    # tie, the higher tier first → retailer 1: 2, 7, 0, 3.
    frame = registry(4, tiers=[12, 10, 10, 10])
    result = run_d(frame, 12, pd.Series(4.0, index=[1, 2, 3, 4]), pd.Series({1: 2, 2: 10, 3: 0}))
    assert quotas(frame, result) == [2, 7, 0, 3]
    assert result.quotas.loc[2, "base"] == 10  # the base shown is the report
    assert result.quotas.loc[4, "base"] == 4  # and the forecast where none


def test_method_d_golden_plenty_gives_each_what_it_reported_and_no_more():
    # Reports 3 and 5, forecast of retailer 3 is 2.4: demand 3 + 5 + 2.4 = 10.4 → 10 cartons of a target of 50;
    # proportional 10/10.4: 2.88, 4.81, 2.31 → floors 2, 4, 2 = 8; 2 left by remainder: .88 (1), .81 (2) →
    # 3, 5, 2 = 10. Nobody above its report, 40 cartons not released (the report warns of the target
    # above demand).
    frame = registry(3)
    result = run_d(frame, 50, pd.Series([9.0, 9.0, 2.4], index=[1, 2, 3]), pd.Series({1: 3, 2: 5}))
    assert quotas(frame, result) == [3, 5, 2]
    assert {"code": "above_forecast", "cartons": 10} in result.cells[0].warnings


def test_method_d_a_biweekly_shop_gets_at_most_its_report_even_counted_double():
    # Retailer 2 orders every other week (odd, this cycle), the line counts it double: its forecast 3 is
    # doubled to 6, but its report of 4 is for this cycle and stays 4. Retailer 1 reported 5. Target 20:
    # demand 5 + 4 = 9 → 5, 4.
    frame = registry(2, biweekly=(2,))
    result = run_d(frame, 20, pd.Series([1.0, 3.0], index=[1, 2]), pd.Series({1: 5, 2: 4}), double=True)
    assert quotas(frame, result) == [5, 4]


@settings(max_examples=150, deadline=None)
@given(
    n=st.integers(min_value=1, max_value=120),
    seed=st.integers(min_value=0, max_value=10_000),
    target=st.integers(min_value=0, max_value=2_000),
    share_reported=st.floats(min_value=0, max_value=1),
    double=st.booleans(),
)
def test_method_d_never_releases_more_than_the_target_nor_gives_a_retailer_more_than_it_reported(
    n, seed, target, share_reported, double
):
    rng = np.random.default_rng(seed)
    biweekly = set(rng.choice(np.arange(1, n + 1), size=n // 5, replace=False).tolist())
    frame = registry(n, tiers=rng.integers(1, 31, n), biweekly=biweekly)
    forecast = pd.Series(rng.random(n) * rng.choice([1, 5, 40]), index=frame.index)
    who = frame.index[rng.random(n) < share_reported]
    reported = pd.Series(rng.integers(0, rng.choice([3, 20, 200]), len(who)), index=who)
    result = run_d(frame, target, forecast, reported, double=double)
    q = pd.Series(quotas(frame, result), index=frame.index)
    assert (q >= 0).all()
    assert int(q.sum()) <= target
    assert (q.reindex(who) <= reported).all()
    assert int(q.sum()) == result.cells[0].released
    if len(who) == n:  # everyone reported: the line releases min(target, Σ reports), every carton placed
        assert int(q.sum()) == min(target, int(reported.sum()))
