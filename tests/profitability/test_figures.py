"""Profitability figures on hand-computed cases: prices in force per week, returns, idle shops,
previous period and year before, peer rank and the gap to the next tier."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest

from cycles.services import cycle_get_or_create
from orders.engine.weekly import weekly_totals
from orders.models import Order
from orders.services import weekly_purchases_refresh
from pricing.models import ProductPrice
from profitability.engine.figures import Period, figures
from profitability.models import ProfitFigure, ProfitRun
from profitability.services import profit_figures_nightly
from tests.factories import ProductFactory, RetailerFactory


def test_weekly_totals_net_returns_and_price_each_line_at_its_week():
    lines = pd.DataFrame(
        {
            "cycle": [1, 1, 2], "retailer": [7, 7, 7], "product": [1, 2, 1],
            "ordered_qty": [4, 2, 3], "returned_qty": [1, 0, 0], "amount": [40000, 30000, 33000],
            "wholesale_fen": [10000, 15000, 11000], "retail_fen": [12000, 17000, 13000],
            "price_class": ["III", "II", "III"],
        }
    )  # fmt: skip
    out = weekly_totals(lines).set_index("cycle")
    # week 1: kept 3 + 2 cartons; sales 3×120 + 2×170 = 700 yuan; cost 3×100 + 2×150 = 600 yuan
    assert out.loc[1, "cartons"] == 6
    assert out.loc[1, "returned"] == 1
    assert out.loc[1, "lines"] == 2
    assert out.loc[1, "sales"] == 70000
    assert out.loc[1, "cost"] == 60000
    assert out.loc[1, "cartons_class_iii"] == 3
    assert out.loc[1, "cartons_class_ii"] == 2
    # week 2 at the new prices: 3 × 130 and 3 × 110
    assert out.loc[2, "sales"] == 39000
    assert out.loc[2, "cost"] == 33000


def _calendar(starts: list[dt.date]) -> pd.DataFrame:
    return pd.DataFrame({"starts_on": starts, "year": [d.year for d in starts], "month": [d.month for d in starts]})


def _weekly(rows: list[tuple]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["retailer", "starts_on", "cartons", "sales", "cost"])
    for c in ["cartons_class_i", "cartons_class_ii", "cartons_class_iii", "cartons_class_iv", "cartons_class_v"]:
        frame[c] = 0
    frame["cartons_class_iii"] = frame["cartons"]
    frame["starts_on"] = pd.to_datetime(frame["starts_on"])
    return frame


W_LAST_YEAR = dt.date(2025, 1, 6)
W1, W2, W3 = dt.date(2026, 1, 5), dt.date(2026, 1, 12), dt.date(2026, 2, 2)


@pytest.fixture
def table():
    retailers = pd.DataFrame({"retailer": [1, 2, 3, 4], "tier": [5, 5, 6, 5], "business_format": ["Z", "Z", "Z", "Z"]})
    weekly = _weekly(
        [
            (1, W_LAST_YEAR, 5, 50000, 40000),  # profit 100 a year before W1
            (1, W1, 10, 120000, 100000),  # profit 200
            (1, W2, 10, 130000, 100000),  # profit 300
            (2, W1, 4, 50000, 40000),  # profit 100
            (3, W1, 20, 300000, 240000),  # profit 600 (tier 6)
            (1, W3, 2, 30000, 25000),  # profit 50, February
        ]
    )
    calendar = _calendar([W_LAST_YEAR, W1, W2, W3])
    return figures(weekly, calendar, retailers, keep_from=W1).set_index(["period", "period_start", "retailer"])


def test_week_figures_previous_year_before_and_margin(table):
    row = table.loc[(int(Period.WEEK), np.datetime64(W2), 1)]
    assert row["gross_profit"] == 30000
    assert row["previous_profit"] == 20000
    assert row["margin"] == pytest.approx(30000 / 130000)
    assert row["value_per_carton"] == 10000  # purchase amount per carton, fen
    first = table.loc[(int(Period.WEEK), np.datetime64(W1), 1)]
    assert first["last_year_profit"] == 10000  # 52 weeks before
    assert np.isnan(table.loc[(int(Period.WEEK), np.datetime64(W2), 1)]["last_year_profit"])


def test_a_shop_without_orders_has_zero_figures_and_counts_among_peers(table):
    idle = table.loc[(int(Period.MONTH), np.datetime64(dt.date(2026, 1, 1)), 4)]
    assert idle["cartons"] == 0
    assert idle["gross_profit"] == 0
    assert np.isnan(idle["margin"])
    assert np.isnan(idle["value_per_carton"])
    assert idle["peer_count"] == 3  # retailers 1, 2 and 4: tier 5, format Z
    assert idle["peer_rank"] == 3


def test_month_sums_its_weeks_and_ranks_among_peers(table):
    january = np.datetime64(dt.date(2026, 1, 1))
    one = table.loc[(int(Period.MONTH), january, 1)]
    assert one["gross_profit"] == 50000
    assert one["sales"] == 250000
    assert one["cartons"] == 20
    assert one["peer_rank"] == 1
    assert one["percentile"] == 1.0
    assert one["last_year_profit"] == 10000  # January 2025
    two = table.loc[(int(Period.MONTH), january, 2)]
    assert two["peer_rank"] == 2
    assert two["percentile"] == pytest.approx(2 / 3)
    # Next tier up (6, format Z) averages 600 yuan in January: retailer 2 is 500 yuan short.
    assert two["next_tier_gap"] == 50000
    assert np.isnan(table.loc[(int(Period.MONTH), january, 3)]["next_tier_gap"])  # nobody in tier 7
    february = table.loc[(int(Period.MONTH), np.datetime64(dt.date(2026, 2, 1)), 1)]
    assert february["gross_profit"] == 5000
    # February is still under way (the calendar ends with its first week): it is compared with
    # January's first week (W1, 200 yuan), not with the whole of January (500 yuan).
    assert february["previous_profit"] == 20000


def test_quarter_and_year_hold_every_week(table):
    quarter = table.loc[(int(Period.QUARTER), np.datetime64(dt.date(2026, 1, 1)), 1)]
    year = table.loc[(int(Period.YEAR), np.datetime64(dt.date(2026, 1, 1)), 1)]
    assert quarter["gross_profit"] == year["gross_profit"] == 55000
    assert year["last_year_profit"] == 10000
    assert (int(Period.YEAR), np.datetime64(dt.date(2025, 1, 1)), 1) not in table.index  # before keep_from


def _steady(first: dt.date, last: dt.date, fen_per_week) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One shop buying every week from `first` to `last` (Mondays); profit per week from `fen_per_week(day)`."""
    days = [first + dt.timedelta(weeks=k) for k in range((last - first).days // 7 + 1)]
    weekly = _weekly([(1, d, 10, 100_000 + fen_per_week(d), 100_000) for d in days])
    return weekly, _calendar(days)


SHOP = pd.DataFrame({"retailer": [1], "tier": [5], "business_format": ["Z"]})


def _figure(table: pd.DataFrame, period: Period, start: dt.date) -> pd.Series:
    return table.loc[(int(period), np.datetime64(start), 1)]


def test_year_on_year_against_a_partial_base_is_blank():
    # The demo city's 52 weeks: records begin Monday 2025-11-24 and end 2026-11-16 (latest complete
    # week); the shop earns 100 yuan (10,000 fen) every week.
    weekly, calendar = _steady(dt.date(2025, 11, 24), dt.date(2026, 11, 16), lambda d: 10_000)
    table = figures(weekly, calendar, SHOP, keep_from=dt.date(2025, 11, 24)).set_index(["period", "period_start", "retailer"])

    year = _figure(table, Period.YEAR, dt.date(2026, 1, 1))
    # 2026 so far: Mondays Jan 5 … Nov 16 = 315 days / 7 + 1 = 46 weeks × 100 = 4,600 yuan.
    assert year["gross_profit"] == 460_000
    # 2025 began (its first cycle, Monday Jan 6) before the records: no year-on-year. Before the fix:
    # its 6 recorded weeks (Nov 24 … Dec 29) = 600 yuan, and 4,600 / 600 − 1 = +667%.
    assert np.isnan(year["last_year_profit"])

    november = _figure(table, Period.MONTH, dt.date(2026, 11, 1))
    # Under way: Nov 2, 9, 16 = 300 yuan, against October's first 3 weeks (Oct 5, 12, 19) = 300 yuan:
    # no change (before: all 4 October weeks, 400 yuan, −25% for a shop that sold the same every week).
    assert november["gross_profit"] == 30_000
    assert november["previous_profit"] == 30_000
    assert np.isnan(november["last_year_profit"])  # November 2025 began Nov 3, before the records

    # December 2025's previous month, November 2025, holds one recorded week of 4: blank, not +400%.
    assert np.isnan(_figure(table, Period.MONTH, dt.date(2025, 12, 1))["previous_profit"])
    # January 2026's previous month, December 2025, is complete: Mondays 1, 8, 15, 22, 29 = 500 yuan.
    assert _figure(table, Period.MONTH, dt.date(2026, 1, 1))["previous_profit"] == 50_000

    quarter = _figure(table, Period.QUARTER, dt.date(2026, 10, 1))
    # Q4 2026 so far: Oct 5 … Nov 16 = 7 weeks = 700 yuan; Q3's first 7 weeks (Jul 6 … Aug 17) = 700 yuan;
    # Q4 2025 began Oct 6, 2025, before the records: no year-on-year.
    assert quarter["gross_profit"] == 70_000
    assert quarter["previous_profit"] == 70_000
    assert np.isnan(quarter["last_year_profit"])


def test_a_period_under_way_is_compared_with_the_same_weeks_a_year_before():
    # Records from Monday 2025-01-06 (2025's first cycle) to 2026-02-09; 100 yuan a week in 2025,
    # 150 yuan a week in 2026.
    weekly, calendar = _steady(dt.date(2025, 1, 6), dt.date(2026, 2, 9), lambda d: 10_000 if d.year == 2025 else 15_000)
    table = figures(weekly, calendar, SHOP, keep_from=dt.date(2026, 1, 5)).set_index(["period", "period_start", "retailer"])

    year = _figure(table, Period.YEAR, dt.date(2026, 1, 1))
    # 2026 so far: Jan 5, 12, 19, 26, Feb 2, 9 = 6 weeks × 150 = 900 yuan; 2025's first 6 weeks
    # (Jan 6 … Feb 10) × 100 = 600 yuan: +50%. (Before: all 52 weeks of 2025, 5,200 yuan: −82.7%.)
    assert year["gross_profit"] == 90_000
    assert year["last_year_profit"] == 60_000

    february = _figure(table, Period.MONTH, dt.date(2026, 2, 1))
    # Feb 2, 9 = 300 yuan; January's first 2 weeks = 300 yuan; February 2025's first 2 (Feb 3, 10) = 200 yuan.
    assert (february["gross_profit"], february["previous_profit"], february["last_year_profit"]) == (30_000, 30_000, 20_000)

    january = _figure(table, Period.MONTH, dt.date(2026, 1, 1))
    # Complete: Jan 5, 12, 19, 26 = 600 yuan; all of December 2025 (1, 8, 15, 22, 29) = 500 yuan;
    # all of January 2025 (6, 13, 20, 27) = 400 yuan.
    assert (january["gross_profit"], january["previous_profit"], january["last_year_profit"]) == (60_000, 50_000, 40_000)
    assert _figure(table, Period.WEEK, dt.date(2026, 2, 9))["last_year_profit"] == 10_000  # week of 2025-02-10


def test_rounding_to_the_fen_is_half_up():
    retailers = pd.DataFrame({"retailer": [1, 2, 3, 4], "tier": [5, 6, 6, 5], "business_format": ["Z"] * 4})
    weekly = _weekly(
        [
            (1, W1, 10, 1_025, 25),  # cost 25 fen / 10 cartons = 2.5 fen a carton; profit 1,000 fen
            (2, W1, 10, 1_075, 75),  # 75 / 10 = 7.5 fen a carton; profit 1,000 fen
            (3, W1, 10, 1_101, 100),  # profit 1,001 fen
            (4, W1, 10, 1_101, 100),  # profit 1,001 fen
        ]
    )
    table = figures(weekly, _calendar([W1]), retailers, keep_from=W1, periods=(Period.WEEK,)).set_index("retailer")
    # half-up: 2.5 → 3 and 7.5 → 8 (np.round gave 2 and 8: halves to even)
    assert table.loc[1, "value_per_carton"] == 3
    assert table.loc[2, "value_per_carton"] == 8
    # Tier 6 (shops 2, 3) averages (1,000 + 1,001) / 2 = 1,000.5 fen. Gap of shop 1: 1,000.5 − 1,000 = 0.5 → 1
    # (np.round: 0); of shop 4: 1,000.5 − 1,001 = −0.5 → −1, halves away from zero (np.round: −0).
    assert table.loc[1, "next_tier_gap"] == 1
    assert table.loc[4, "next_tier_gap"] == -1


def test_missing_weekly_figures_are_refused_with_the_reason():
    weekly = _weekly([(1, W1, 10, 120_000, 100_000), (2, W1, 4, 50_000, 40_000)])
    weekly["cost"] = weekly["cost"].astype(float)
    weekly.loc[1, "cost"] = np.nan
    with pytest.raises(ValueError, match=r"1 weekly rows .* \(retailers \[2\]\)"):
        figures(weekly, _calendar([W1]), SHOP, keep_from=W1)


@pytest.mark.django_db
def test_nightly_job_prices_a_month_across_a_price_change_and_a_return():
    shop = RetailerFactory(tier=5)
    product = ProductFactory(price_class="III")
    ProductPrice.objects.create(
        product=product, effective_from=dt.date(2026, 1, 1), wholesale_price=100, retail_price=120
    )
    ProductPrice.objects.create(
        product=product, effective_from=dt.date(2026, 1, 10), wholesale_price=110, retail_price=130
    )
    first, second = cycle_get_or_create(starts_on=W1), cycle_get_or_create(starts_on=W2)
    Order.objects.create(cycle=first, retailer=shop, product=product, ordered_qty=2, amount=Decimal(200))
    Order.objects.create(
        cycle=second, retailer=shop, product=product, ordered_qty=3, returned_qty=1, amount=Decimal(330)
    )
    weekly_purchases_refresh(cycle_ids=[first.pk, second.pk])
    cycle_get_or_create(starts_on=dt.date(2026, 1, 19))

    counts = profit_figures_nightly(today=dt.date(2026, 1, 21))

    assert counts["figures"] > 0
    month = ProfitFigure.objects.get(
        profit_run__is_current=True, retailer=shop, period=Period.MONTH, period_start=dt.date(2026, 1, 1)
    )
    # 2 cartons at 120/100, then 3 − 1 returned at 130/110
    assert month.cartons == 4
    assert month.sales == Decimal("500.00")
    assert month.cost == Decimal("420.00")
    assert month.gross_profit == Decimal("80.00")
    assert month.margin == pytest.approx(0.16)
    assert month.cartons_class_iii == 4
    week = ProfitFigure.objects.get(profit_run__is_current=True, retailer=shop, period=Period.WEEK, period_start=W2)
    assert week.gross_profit == Decimal("40.00")
    assert week.previous_profit == Decimal("40.00")


@pytest.mark.django_db
def test_a_failed_night_keeps_the_last_figures(monkeypatch):
    shop = RetailerFactory()
    cycle_get_or_create(starts_on=W1)
    profit_figures_nightly(today=dt.date(2026, 1, 14))
    good = ProfitRun.objects.get(is_current=True)
    assert ProfitFigure.objects.filter(profit_run=good, retailer=shop).exists()

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("profitability.services._write_figures", broken)
    with pytest.raises(RuntimeError):
        profit_figures_nightly(today=dt.date(2026, 1, 15))
    assert ProfitRun.objects.get(is_current=True) == good
    assert ProfitFigure.objects.filter(profit_run=good).count() > 0

    monkeypatch.undo()
    profit_figures_nightly(today=dt.date(2026, 1, 15))  # a re-run the same night is safe
    assert ProfitRun.objects.filter(is_current=True).count() == 1
