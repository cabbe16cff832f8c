"""Alerts fire on constructed anomalies and stay quiet on steady shops; the budget planner equals a
brute-force optimum; opportunities on a hand-built case."""

from __future__ import annotations

import datetime as dt
import itertools

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from profitability.engine.alerts import AlertKind, AlertRules, alerts
from profitability.engine.opportunities import missing_products, structure_upgrades
from profitability.engine.planner import Item, plan

WEEKS = [dt.date(2026, 9, 7) + dt.timedelta(weeks=k) for k in range(8)]
PEERS = 30


def _city(rng: np.random.Generator, overrides: dict[int, list[int]] | None = None):
    """PEERS steady shops (tier 10, format Z) ordering 9–11 cartons a week at 20 yuan profit each."""
    retailers = pd.DataFrame(
        {
            "retailer": np.arange(1, PEERS + 1), "tier": 10, "business_format": "Z", "is_vulnerable": False,
            "phone": [f"1380000{k:04d}" for k in range(PEERS)], "owner_id_no": "", "bank_account": "",
        }
    )  # fmt: skip
    rows = []
    for shop in range(1, PEERS + 1):
        cartons = (overrides or {}).get(shop) or list(rng.integers(9, 12, len(WEEKS)))
        rows += [
            (shop, pd.Timestamp(w), int(c), int(c) * 12000, int(c) * 10000) for w, c in zip(WEEKS, cartons, strict=True)
        ]
    weekly = pd.DataFrame(rows, columns=["retailer", "starts_on", "cartons", "sales", "cost"])
    return weekly, retailers


def _kinds(found: pd.DataFrame) -> dict[int, set[AlertKind]]:
    out: dict[int, set[AlertKind]] = {}
    for row in found.itertuples():
        out.setdefault(int(row.retailer), set()).add(AlertKind(int(row.kind)))
    return out


def test_steady_shops_raise_no_alert():
    weekly, retailers = _city(np.random.default_rng(1))
    assert alerts(weekly, WEEKS, retailers, AlertRules()).empty


def test_each_constructed_anomaly_fires_on_its_shop_only():
    weekly, retailers = _city(
        np.random.default_rng(2),
        {
            1: [10, 10, 10, 10, 10, 10, 10, 25],  # 250% of its last 3 cycles, and far above its peers
            2: [10, 10, 10, 10, 4, 5, 4, 5],  # profit fell from 800 to 360 yuan over 4 weeks
            3: [10, 10, 10, 10, 0, 0, 0, 0],  # no orders for 4 cycles
            4: [10, 10, 10, 10, 10, 10, 10, 21],  # 210%: below the 220% rule
        },
    )
    retailers.loc[retailers["retailer"] == 5, "is_vulnerable"] = True
    retailers.loc[retailers["retailer"].isin([6, 7]), "bank_account"] = "6222 0000 1111"
    found = _kinds(alerts(weekly, WEEKS, retailers, AlertRules()))
    assert found[1] == {AlertKind.ORDER_SPIKE, AlertKind.PEER_OUTLIER}
    assert found[2] == {AlertKind.FALLING_PROFIT}
    assert AlertKind.NO_ORDERS in found[3]
    assert AlertKind.ORDER_SPIKE not in found.get(4, set())
    assert found[5] == {AlertKind.VULNERABLE}
    assert found[6] == found[7] == {AlertKind.SHARED_IDENTITY}
    assert set(found) <= {1, 2, 3, 4, 5, 6, 7}


def test_a_biweekly_shop_is_compared_with_its_own_order_weeks():
    weekly, retailers = _city(
        np.random.default_rng(4),
        {
            8: [0, 20, 0, 20, 0, 20, 0, 21],  # orders every other week: 21 is its normal order
            9: [0, 10, 0, 10, 0, 10, 0, 25],  # 250% of its last three orders
        },
    )
    found = _kinds(alerts(weekly, WEEKS, retailers, AlertRules()))
    assert AlertKind.ORDER_SPIKE not in found.get(8, set())
    assert AlertKind.ORDER_SPIKE in found[9]


def test_thresholds_are_configurable():
    weekly, retailers = _city(np.random.default_rng(3), {4: [10, 10, 10, 10, 10, 10, 10, 21]})
    found = _kinds(alerts(weekly, WEEKS, retailers, AlertRules(spike_ratio=2.0)))
    assert AlertKind.ORDER_SPIKE in found[4]


def _brute_force(items: list[Item], budget: int) -> int:
    best = 0
    for qty in itertools.product(*(range(i.quota + 1) for i in items)):
        cost = sum(q * i.cost for q, i in zip(qty, items, strict=True))
        if cost <= budget:
            best = max(best, sum(q * i.profit for q, i in zip(qty, items, strict=True)))
    return best


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 4), st.integers(1, 60), st.integers(-5, 30)), min_size=1, max_size=4),
    st.integers(0, 300),
)
def test_budget_planner_equals_brute_force(raw, budget):
    items = [Item(product=k, quota=q, cost=c, profit=p) for k, (q, c, p) in enumerate(raw)]
    result = plan(items, budget)
    assert result.exact
    assert result.profit == _brute_force(items, budget)
    assert result.cost <= budget
    for item in items:
        assert 0 <= result.quantities.get(item.product, 0) <= item.quota


def test_budget_planner_in_yuan_prices_and_band_totals():
    items = [
        Item(1, quota=5, cost=25000, profit=3500, band="250–290"),  # 14% per yuan
        Item(2, quota=10, cost=10000, profit=1200, band="<130"),  # 12%
        Item(3, quota=3, cost=60000, profit=9000, band="≥600"),  # 15%
    ]
    result = plan(items, budget=200000)
    assert result.profit == _brute_force(items, 200000)
    totals = result.band_totals(items)
    assert sum(t["cost"] for t in totals.values()) == result.cost <= 200000
    assert plan(items, budget=10**9).quantities == {1: 5, 2: 10, 3: 3}  # everything fits


def test_missing_products_and_structure_upgrades():
    peers = pd.DataFrame(
        {
            "retailer": [1, 2, 3, 1, 2, 3, 1],
            "product": [10, 10, 10, 20, 20, 30, 40],
            "cartons": [5, 5, 5, 2, 2, 1, 3],
            "profit": [5000, 6000, 7000, 1000, 1000, 500, -100],
        }
    )
    own = pd.DataFrame({"product": [20]})
    found = missing_products(own, peers, peer_count=3, weeks=1, min_share=0.3)
    assert list(found["product"]) == [10, 30]  # 20 is stocked; 40 sells at a loss
    assert found.iloc[0]["weekly_profit"] == 6000
    assert found.iloc[0]["share"] == 1.0
    quotas = pd.DataFrame(
        {"product": [1, 2, 3], "quota": [5, 5, 5], "ordered": [5, 2, 0], "profit_per_carton": [3000, 2500, 1000]}
    )
    upgrades = structure_upgrades(quotas, current_profit_per_carton=2000)
    assert list(upgrades["product"]) == [2]
    assert upgrades.iloc[0]["room"] == 3
