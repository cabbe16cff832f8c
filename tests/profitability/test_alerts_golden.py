"""Alerts on inputs small enough to check by hand: a shop idle for the whole window stays on the
list for as long as it stays idle, and every alert's value is in its own unit (yuan, cartons,
weeks, shops), not in fen."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from profitability.engine.alerts import AlertKind, AlertRules, alerts

START = dt.date(2026, 1, 5)  # a Monday
HISTORY = [START + dt.timedelta(weeks=k) for k in range(20)]  # weeks 0 … 19


def _retailers(ids: list[int], **columns) -> pd.DataFrame:
    frame = pd.DataFrame(
        {"retailer": ids, "tier": 10, "business_format": "Z", "is_vulnerable": False, "phone": "",
         "owner_id_no": "", "bank_account": ""}
    )  # fmt: skip
    for name, values in columns.items():
        frame[name] = values
    return frame


def _weekly(rows: list[tuple[int, int, int, int, int]]) -> pd.DataFrame:
    """(retailer, week number, cartons, sales fen, cost fen)."""
    return pd.DataFrame(
        [(r, pd.Timestamp(HISTORY[w]), c, s, k) for r, w, c, s, k in rows],
        columns=["retailer", "starts_on", "cartons", "sales", "cost"],
    )


def _window(latest: int) -> list[dt.date]:
    """The 8 cycles the nightly job passes: weeks latest − 7 … latest."""
    return HISTORY[latest - 7 : latest + 1]


def _by_kind(found: pd.DataFrame, kind: AlertKind) -> dict[int, tuple[float, float]]:
    rows = found[found["kind"] == int(kind)]
    return {int(r.retailer): (r.value, r.reference) for r in rows.itertuples()}


def test_a_shop_idle_for_the_whole_window_is_flagged_with_the_weeks_since_its_last_order():
    # Latest complete cycle: week 11; window weeks 4 … 11.
    #   shop 1 last ordered in week 0 (before the window): idle for all 8 window cycles, 11 − 0 = 11 weeks.
    #   shop 2 has no order on record at all: flagged, weeks unknown (NaN).
    #   shop 3 last ordered in week 7: cycles 8, 9, 10, 11 empty = 4 = the rule's N: flagged, 11 − 7 = 4 weeks.
    #   shop 4 last ordered in week 8: only 3 empty cycles: not flagged.
    #   shop 5 ordered and returned everything in week 10 (0 cartons kept): as idle as shop 1, 11 weeks.
    weekly = _weekly([(1, 0, 5, 600, 500), (3, 7, 5, 600, 500), (4, 8, 5, 600, 500), (5, 0, 5, 600, 500),
                      (5, 10, 0, 0, 0)])  # fmt: skip
    found = _by_kind(alerts(weekly, _window(11), _retailers([1, 2, 3, 4, 5]), AlertRules()), AlertKind.NO_ORDERS)
    assert set(found) == {1, 2, 3, 5}
    assert found[1] == (11.0, 4.0)
    assert np.isnan(found[2][0])
    assert found[2][1] == 4.0
    assert found[3] == (4.0, 4.0)
    assert found[5] == (11.0, 4.0)


def test_no_orders_holds_night_after_night_until_the_shop_orders_again():
    # Shop 1 orders in week 0 only, then again in week 18. Nightly runs with the latest cycle at
    # weeks 7 … 19 (each with its own 8-week window). Idle cycles at latest = t: t (0 orders in
    # weeks 1 … t), so it is flagged from t = 4 on: t = 7 … 17 all flag it, with t weeks since the
    # order. (Before the fix it needed an order inside the window: once week 0 left the window, at
    # t = 8, the alert was gone.) At t = 18 and 19 it has ordered in the last 4 cycles: no alert.
    weekly = _weekly([(1, 0, 5, 600, 500), (1, 18, 5, 600, 500), (2, 0, 5, 600, 500)] +
                     [(2, w, 5, 600, 500) for w in range(1, 20)])  # fmt: skip  # shop 2 orders every week
    retailers = _retailers([1, 2])
    flagged = {}
    for latest in range(7, 20):
        found = _by_kind(alerts(weekly, _window(latest), retailers, AlertRules()), AlertKind.NO_ORDERS)
        assert 2 not in found
        flagged[latest] = found.get(1, (None, None))[0]
    assert flagged == {t: float(t) for t in range(7, 18)} | {18: None, 19: None}


def test_a_shop_not_served_is_not_flagged():
    # Shop 1 is 不访销 (gets no quota, cannot order); shop 2 is weekly. Neither has an order on record.
    retailers = _retailers([1, 2], order_cycle_kind=["not_served", "weekly"])
    found = _by_kind(alerts(_weekly([]), _window(11), retailers, AlertRules()), AlertKind.NO_ORDERS)
    assert list(found) == [2]


def test_a_closed_shop_is_not_given_so_it_is_not_flagged():
    # The nightly job passes active retailers only: shop 1 closed after its week-0 order and is not
    # given; shop 2 ordered in the latest week. Nothing to flag.
    weekly = _weekly([(1, 0, 5, 600, 500), (2, 11, 5, 600, 500)])
    assert alerts(weekly, _window(11), _retailers([2]), AlertRules()).empty


def test_alert_values_are_in_yuan_cartons_and_shops():
    # Shop 1's profit per week (sales − cost, fen):
    #   weeks 4–7:  137,453 + 137,453 + 137,452 + 137,452 = 549,810 fen = 5,498.10 yuan
    #   weeks 8–11: 89,895 × 4 = 359,580 fen = 3,595.80 yuan
    #   fell by 1 − 3,595.80 / 5,498.10 = 34.6% > 25%: FALLING_PROFIT, value 3,595.80, reference 5,498.10
    #   (before the fix: 359,580.0 and 549,810.0, the fen, shown as yuan).
    # Cartons: shop 1 orders 10 a week in weeks 4–10 and 25 in week 11: 25 ≥ 2.2 × 10 (its last 3
    # orders, 10, 10, 10, average 10): ORDER_SPIKE, value 25 cartons, reference 10 cartons.
    # Its 12 peers (tier 10, format Z) order 9 or 11 in week 11: mean 10, spread 1; |25 − 10| = 15 > 3 × 1:
    # PEER_OUTLIER, value 25, reference 10 (the peers' mean without the shop itself).
    # Shops 1, 2, 3 share one phone number: SHARED_IDENTITY, value 3 shops.
    profits = [137_453, 137_453, 137_452, 137_452, 89_895, 89_895, 89_895, 89_895]
    cartons = [10, 10, 10, 10, 10, 10, 10, 25]
    rows = [(1, w, c, 1_000_000 + p, 1_000_000) for w, c, p in zip(range(4, 12), cartons, profits, strict=True)]
    peers = list(range(2, 14))
    for k, shop in enumerate(peers):
        rows += [(shop, w, 10, 12_000, 10_000) for w in range(4, 11)]
        rows.append((shop, 11, 9 if k % 2 else 11, 12_000, 10_000))
    phones = ["13800000000"] * 3 + [f"1390000{k:04d}" for k in range(len(peers) - 2)]
    found = alerts(_weekly(rows), _window(11), _retailers([1, *peers], phone=phones), AlertRules())

    assert _by_kind(found, AlertKind.FALLING_PROFIT) == {1: (pytest.approx(3595.80), pytest.approx(5498.10))}
    assert _by_kind(found, AlertKind.ORDER_SPIKE) == {1: (25.0, 10.0)}
    assert _by_kind(found, AlertKind.PEER_OUTLIER) == {1: (25.0, pytest.approx(10.0))}
    assert _by_kind(found, AlertKind.SHARED_IDENTITY) == {1: (3.0, pytest.approx(np.nan, nan_ok=True)),
                                                         2: (3.0, pytest.approx(np.nan, nan_ok=True)),
                                                         3: (3.0, pytest.approx(np.nan, nan_ok=True))}  # fmt: skip


def test_missing_weekly_figures_are_refused_with_the_reason():
    weekly = _weekly([(7, 10, 5, 600, 500)])
    weekly["sales"] = weekly["sales"].astype(float)
    weekly.loc[0, "sales"] = np.nan
    with pytest.raises(ValueError, match=r"1 weekly rows .* \(retailers \[7\]\)"):
        alerts(weekly, _window(11), _retailers([7]), AlertRules())
