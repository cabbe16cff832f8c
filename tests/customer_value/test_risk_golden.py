"""Churn risk on frames small enough to check on paper (docs/domain.md §9 "As built")."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from customer_value.engine.risk import RiskRules, churn_risk, top_reasons
from profitability.engine.alerts import AlertKind

WEEKS = [dt.date(2026, 3, 2) + dt.timedelta(weeks=k) for k in range(4)]  # base w0, w1 · recent w2, w3
RULES = RiskRules(recent_weeks=2, base_weeks=2)  # weights 30, 20, 15, 10, 15, 10: points = weight × signal


def frames():
    retailers = pd.DataFrame({"retailer": [1, 2, 3, 4]})
    cartons = {1: [10, 10, 5, 5], 2: [4, 4, 0, 0], 4: [2, 2, 4, 4]}  # 3 never bought
    weekly = pd.DataFrame(
        [(r, pd.Timestamp(WEEKS[w]), c) for r, cs in cartons.items() for w, c in enumerate(cs) if c],
        columns=["retailer", "starts_on", "cartons"],
    )
    alerts = pd.DataFrame(
        [
            (1, int(AlertKind.FALLING_PROFIT), 400.0, 1000.0),
            (1, int(AlertKind.VULNERABLE), np.nan, np.nan),
            (2, int(AlertKind.NO_ORDERS), 2.0, 4.0),
            (3, int(AlertKind.NO_ORDERS), np.nan, 4.0),  # no order on record
            (4, int(AlertKind.ORDER_SPIKE), 4.0, 2.0),  # not a churn alert
        ],
        columns=["retailer", "kind", "value", "reference"],
    )
    requests = pd.DataFrame(
        {
            "open_overdue": [2, 0, 0],
            "complaints_90d": [3, 1, 1],
            "repeated_90d": [0, 0, 1],
            "mean_rating": [2.5, 5.0, 1.0],
        },
        index=pd.Index([1, 3, 4], name="retailer"),
    )
    satisfaction = pd.DataFrame({"index": [60.0, 90.0, 30.0], "wave_id": [1, 1, 1]}, index=pd.Index([1, 3, 4]))
    return weekly, retailers, alerts, requests, satisfaction


def test_scores_and_points():
    weekly, retailers, alerts, requests, satisfaction = frames()
    out = churn_risk(weekly, WEEKS, retailers, alerts, requests, satisfaction, RULES).set_index("retailer")
    one = out.loc[1]
    # orders: recent (5 + 5) ÷ 2 = 5 a week, base (10 + 10) ÷ 2 = 10: 1 − 5 ÷ 10 = 0.5 → 30 × 0.5 = 15
    assert (one["orders_recent"], one["orders_base"], one["orders_change"]) == (5, 10, -0.5)
    assert one["points_orders"] == 15
    # alerts: falling profit 0.5 (vulnerable counts 0) → 20 × 0.5 = 10; it fell 1 − 400 ÷ 1000 = 60%
    assert one["points_alerts"] == 10
    assert one["profit_fall"] == pytest.approx(0.6)
    # 2 overdue ≥ 1 → 1 → 15; no repeat → 0; rating (4 − 2.5) ÷ (4 − 1) = 0.5 → 5; index (80 − 60) ÷ 40 = 0.5 → 7.5
    assert (one["points_unanswered"], one["points_repeated"], one["points_rating"]) == (15, 0, 5)
    assert one["points_satisfaction"] == 7.5
    # 15 + 10 + 15 + 0 + 7.5 + 5 = 52.5 → half-up 53 (to even would give 52)
    assert one["risk"] == 53

    two = out.loc[2]
    # recent 0, base 4 a week: fell 100% → 30; no orders (2 weeks) → 20; no requests or survey: 0
    assert (two["points_orders"], two["points_alerts"], two["idle_weeks"]) == (30, 20, 2)
    assert two["risk"] == 50
    assert np.isnan(two["open_overdue"])
    assert np.isnan(two["satisfaction_index"])

    three = out.loc[3]
    # never bought: nothing to fall from (0), no orders on record → 20; rating 5 and index 90 above good → 0
    assert three["points_orders"] == 0
    assert np.isnan(three["orders_change"])
    assert np.isnan(three["idle_weeks"])
    assert three["no_orders"]
    assert two["no_orders"]
    assert not one["no_orders"]
    assert three["risk"] == 20

    four = out.loc[4]
    # rose from 2 to 4 a week: +100%, 0 points; a spike is no churn alert; 1 repeat ÷ 2 → 0.5 → 5;
    # rating 1 → 1 → 10; index 30 ≤ 40 → 1 → 15: 0 + 0 + 0 + 5 + 15 + 10 = 30
    assert (four["orders_change"], four["points_orders"], four["points_alerts"]) == (1, 0, 0)
    assert (four["points_repeated"], four["points_rating"], four["points_satisfaction"]) == (5, 10, 15)
    assert four["risk"] == 30


def test_missing_request_and_survey_data_give_no_signal():
    weekly, retailers, alerts, _requests, _satisfaction = frames()
    out = churn_risk(weekly, WEEKS, retailers, alerts, None, None, RULES).set_index("retailer")
    # retailer 1 keeps its orders (15) and alerts (10): 25
    assert out.loc[1, "risk"] == 25
    for column in ("points_unanswered", "points_repeated", "points_rating", "points_satisfaction"):
        assert (out[column] == 0).all()
    assert out["open_overdue"].isna().all()


def test_weights_are_shares_of_their_sum():
    weekly, retailers, alerts, requests, satisfaction = frames()
    rules = RiskRules(recent_weeks=2, base_weeks=2, weight_orders=25, weight_alerts=25, weight_unanswered=0,
                      weight_repeated=0, weight_satisfaction=0, weight_rating=0)  # fmt: skip
    out = churn_risk(weekly, WEEKS, retailers, alerts, requests, satisfaction, rules).set_index("retailer")
    # retailer 1: 100 × 25 × 0.5 ÷ 50 + 100 × 25 × 0.5 ÷ 50 = 25 + 25; retailer 2: 50 + 50
    assert list(out["risk"]) == [50, 100, 50, 0]


def test_short_history():
    # Three weeks read: recent w1, w2 and one base week w0. One week: recent only, no base, no fall.
    weekly = pd.DataFrame({"retailer": [1, 1], "starts_on": [pd.Timestamp(WEEKS[0]), pd.Timestamp(WEEKS[1])],
                           "cartons": [6, 3]})  # fmt: skip
    retailers = pd.DataFrame({"retailer": [1]})
    none = pd.DataFrame(columns=["retailer", "kind", "value", "reference"])
    out = churn_risk(weekly, WEEKS[:3], retailers, none, None, None, RULES)
    # recent (3 + 0) ÷ 2 = 1.5, base 6: 1 − 1.5 ÷ 6 = 0.75 → 22.5 points → 23 (half-up)
    assert out.loc[0, "points_orders"] == 22.5
    assert out.loc[0, "risk"] == 23
    out = churn_risk(weekly, WEEKS[:1], retailers, none, None, None, RULES)
    assert out.loc[0, "risk"] == 0
    assert np.isnan(out.loc[0, "orders_change"])
    assert churn_risk(weekly, [], retailers, none, None, None, RULES).loc[0, "risk"] == 0


def test_top_reasons_hide_satisfaction_and_break_ties_in_order():
    points = {"orders": 15.0, "alerts": 10.0, "unanswered": 15.0, "repeated": 0.0, "satisfaction": 40.0, "rating": 5.0}
    # satisfaction has the most points but is never a reason; orders and unanswered tie: orders first
    assert top_reasons(points) == ["orders", "unanswered", "alerts"]
    assert top_reasons(points, n=5) == ["orders", "unanswered", "alerts", "rating"]  # 0 points: no reason
    assert top_reasons({"orders": float("nan"), "alerts": 0.0}) == []


def test_bad_input_is_refused():
    weekly, retailers, alerts, requests, satisfaction = frames()
    with pytest.raises(ValueError, match="mean_rating"):
        churn_risk(weekly, WEEKS, retailers, alerts, requests.drop(columns="mean_rating"), satisfaction, RULES)
    weekly.loc[0, "cartons"] = np.nan
    with pytest.raises(ValueError, match=r"retailers \[1\]"):
        churn_risk(weekly, WEEKS, retailers, alerts, requests, satisfaction, RULES)
    with pytest.raises(ValueError, match="weights"):
        RiskRules(weight_orders=0, weight_alerts=0, weight_unanswered=0, weight_repeated=0,
                  weight_satisfaction=0, weight_rating=0)  # fmt: skip
