"""Inventory advice on hand-computed cases (docs/domain.md §6). Default targets: 1.5 weeks of
target cover, short below 0.5 weeks for a fast seller (≥ 1 carton a week), over above 3 weeks,
diversion above 8 weeks."""

import numpy as np
import pandas as pd
import pytest

from inventory.engine.advice import AdviceInputError, Status, advise, estimate_stock, round_half_up
from inventory.engine.structure import structure_gaps

NAN = float("nan")


def one(weekly_sales, stock, quota, targets=None):
    frame = pd.DataFrame({"weekly_sales": [weekly_sales], "stock": [stock], "quota": [quota]})
    return advise(frame, targets).iloc[0]


def test_short_fast_seller_gets_an_order_up_to_target_cover_clipped_to_the_quota():
    row = one(weekly_sales=10, stock=2, quota=50)
    assert row["status"] == Status.SHORT  # 2 ÷ 10 = 0.2 weeks of cover < 0.5, and 10 a week is fast
    assert row["weeks_of_cover"] == pytest.approx(0.2)
    assert row["suggested_order"] == 23  # 10 × (1 + 1.5) − 2 = 23
    assert one(weekly_sales=10, stock=2, quota=8)["suggested_order"] == 8  # never above the quota


def test_healthy_and_over_stocked():
    healthy = one(weekly_sales=4, stock=6, quota=10)
    assert healthy["status"] == Status.HEALTHY  # 6 ÷ 4 = 1.5 weeks
    assert healthy["suggested_order"] == 4  # 4 × 2.5 − 6 = 4
    over = one(weekly_sales=2, stock=10, quota=10)
    assert over["status"] == Status.OVER  # 10 ÷ 2 = 5 weeks > 3
    assert over["suggested_order"] == 0  # 2 × 2.5 − 10 = −5 → 0
    assert over["stock_to_sales"] == pytest.approx(10 / (2 * 52 / 12))  # 10 ÷ 8.67 a month = 1.15
    assert not over["diversion"]


def test_no_sales_with_stock_is_slow_moving_and_without_stock_is_nothing():
    slow = one(weekly_sales=0, stock=5, quota=3)
    assert slow["status"] == Status.SLOW
    assert slow["suggested_order"] == 0
    assert np.isnan(slow["weeks_of_cover"])
    nothing = one(weekly_sales=0, stock=0, quota=3)
    assert nothing["status"] == Status.NO_SALES
    assert nothing["suggested_order"] == 0


def test_a_new_product_with_a_quota_but_no_history_is_not_ordered_blindly():
    # no sales yet, no stock: nothing is suggested; the quota alone is not demand
    assert one(weekly_sales=0, stock=0, quota=5)["suggested_order"] == 0
    # no sales and never counted: nothing to advise either (no count is asked for a product it does not sell)
    row = one(weekly_sales=0, stock=NAN, quota=5)
    assert row["status"] == Status.NO_SALES
    assert row["suggested_order"] == 0
    assert not row["diversion"]


def test_never_counted_is_unknown_never_short_and_orders_a_weeks_sales_rounded_down():
    # The bug: 0 + 32 delivered − 32 sold = 0 (estimate) made every product "short" with an order
    # of 2.5 weeks of sales. Now stock NaN = unknown: a count is asked for, never "short".
    fast = one(weekly_sales=8, stock=NAN, quota=12)
    assert fast["status"] == Status.UNKNOWN
    assert fast["suggested_order"] == 8  # what it sells in a week: 8 (not 8 × 2.5 = 20)
    assert np.isnan(fast["weeks_of_cover"])
    assert np.isnan(fast["stock_to_sales"])
    assert not fast["diversion"]
    assert one(weekly_sales=8, stock=NAN, quota=5)["suggested_order"] == 5  # clipped to the quota
    assert one(weekly_sales=2.5, stock=NAN, quota=10)["suggested_order"] == 2  # 2.5 rounded down: slightly tight
    slow = one(weekly_sales=0.2, stock=NAN, quota=10)
    assert slow["status"] == Status.UNKNOWN
    assert slow["suggested_order"] == 0  # 0.2 rounded down: no order until counted


def test_a_demo_retailer_never_counted_is_advised_short_on_none_of_its_36_products():
    # 36 products selling 0.2 … 7.2 cartons a week (0.2 × 1 … 0.2 × 36), stock never counted
    sales = [0.2 * k for k in range(1, 37)]
    frame = pd.DataFrame({"weekly_sales": sales, "stock": [NAN] * 36, "quota": [10] * 36})
    advised = advise(frame)
    assert (advised["status"] == Status.SHORT).sum() == 0
    assert (advised["status"] == Status.UNKNOWN).sum() == 36
    # orders: floor(0.2 k) summed over k = 1..36 = 0×4 + 1×5 + 2×5 + 3×5 + 4×5 + 5×5 + 6×5 + 7×2 = 119
    # (k = 1–4 → 0; 5–9 → 1; 10–14 → 2; 15–19 → 3; 20–24 → 4; 25–29 → 5; 30–34 → 6; 35, 36 → 7)
    assert int(advised["suggested_order"].sum()) == 119
    # (the old advice ordered np.round(2.5 × 0.2 k − 0) = np.round(k / 2) each: 171 + 162 = 333 cartons)


def test_slow_seller_out_of_stock_gets_one_carton_and_is_not_called_a_fast_seller_running_out():
    # 0.25 cartons a week (1 carton in 4 weeks), counted 0: cover 0 < 0.5 but not a fast seller
    row = one(weekly_sales=0.25, stock=0, quota=5)
    assert row["status"] == Status.HEALTHY
    assert row["suggested_order"] == 1  # 0.25 × 2.5 − 0 = 0.625 → 1
    # with one carton left: 1 ÷ 0.25 = 4 weeks of cover > 3 → over-stocked, no order
    one_left = one(weekly_sales=0.25, stock=1, quota=5)
    assert one_left["status"] == Status.OVER
    assert one_left["suggested_order"] == 0  # 0.625 − 1 < 0 → 0
    # 0.2 a week at 0: 0.2 × 2.5 = 0.5 → half-up 1 (np.round gave 0)
    assert one(weekly_sales=0.2, stock=0, quota=5)["suggested_order"] == 1
    # exactly 1 carton a week counts as fast: 0 ÷ 1 = 0 < 0.5 → short, 1 × 2.5 = 2.5 → 3
    fast = one(weekly_sales=1, stock=0, quota=5)
    assert fast["status"] == Status.SHORT
    assert fast["suggested_order"] == 3


def test_suggested_orders_round_half_up():
    assert one(weekly_sales=3, stock=5, quota=10)["suggested_order"] == 3  # 3 × 2.5 − 5 = 2.5 → 3 (np.round: 2)
    assert one(weekly_sales=3.8, stock=5, quota=10)["suggested_order"] == 5  # 3.8 × 2.5 − 5 = 4.5 → 5 (np.round: 4)
    assert one(weekly_sales=5, stock=5, quota=10)["suggested_order"] == 8  # 12.5 − 5 = 7.5 → 8
    assert one(weekly_sales=1.1, stock=0, quota=10)["suggested_order"] == 3  # 2.75 → 3
    assert round_half_up([0.5, 1.5, 2.5, 2.4999, 1.1 * 2.5 - 0.25]).tolist() == [1, 2, 3, 2, 3]  # last: 2.5 in floats


def test_diversion_alert_when_stock_is_far_above_sales():
    assert one(weekly_sales=1, stock=9, quota=0)["diversion"]  # 9 weeks > 8
    assert not one(weekly_sales=1, stock=8, quota=0)["diversion"]  # 8 weeks: not above 8
    assert one(weekly_sales=0, stock=20, quota=0)["diversion"]  # nothing sells, 20 cartons > 8
    assert not one(weekly_sales=0.1, stock=NAN, quota=0)["diversion"]  # unknown stock: no alert


@pytest.mark.parametrize(
    ("column", "value"),
    [("weekly_sales", NAN), ("weekly_sales", -1.0), ("quota", NAN), ("stock", float("inf")), ("stock", -2.0)],
)
def test_nan_negative_or_infinite_inputs_are_refused_with_the_column_and_row(column, value):
    # NaN stock once gave HEALTHY and an order of −9.2 × 10¹⁸; now only "unknown" for stock, and
    # anything else that is not a number ≥ 0 is refused before any advice is made
    frame = pd.DataFrame({"weekly_sales": [4.0, 4.0], "stock": [6.0, 6.0], "quota": [10.0, 10.0]})
    frame.loc[1, column] = value
    with pytest.raises(AdviceInputError, match=rf"{column}: 1 row\(s\).*row 2"):
        advise(frame)


def test_nan_stock_never_yields_a_negative_or_huge_order():
    frame = pd.DataFrame({"weekly_sales": [4.0, 0.0], "stock": [NAN, NAN], "quota": [10, 10]})
    advised = advise(frame)
    assert advised["status"].tolist() == [Status.UNKNOWN, Status.NO_SALES]
    assert advised["suggested_order"].tolist() == [4, 0]


def test_estimated_stock_is_last_count_plus_deliveries_minus_sales_never_negative():
    stock = estimate_stock(
        pd.Series([10.0, 0.0, 3.0]), pd.Series([5.0, 8.0, 0.0]), pd.Series([4.0, 2.0, 5.0]), pd.Series([2.0, 1.5, 1.0])
    )
    assert stock.tolist() == [7.0, 5.0, 0.0]  # 10 + 5 − 8 = 7; 0 + 8 − 3 = 5; 3 − 5 → 0


def test_counted_then_carried_forward_rounds_half_up_and_never_counted_stays_unknown():
    stock = estimate_stock(
        last_count=pd.Series([6.0, 5.0, NAN]),
        deliveries_since=pd.Series([8.0, 0.0, NAN]),  # deliveries do not matter without a count
        weekly_sales=pd.Series([4.0, 5.0, 8.0]),
        weeks_since=pd.Series([10 / 7, 0.5, NAN]),
    )
    # 6 + 8 − 4 × 10/7 = 14 − 5.714 = 8.286 → 8;  5 + 0 − 5 × 0.5 = 2.5 → 3 (half-even gave 2)
    assert stock.iloc[:2].tolist() == [8.0, 3.0]
    assert np.isnan(stock.iloc[2])
    with pytest.raises(AdviceInputError, match="weeks_since"):  # a count without its age
        estimate_stock(pd.Series([6.0]), pd.Series([0.0]), pd.Series([4.0]), pd.Series([NAN]))


def test_structure_refuses_nan_cartons():
    peers = pd.DataFrame({"I": [1.0], "II": [NAN], "III": [0.0], "IV": [0.0], "V": [0.0]})
    own = pd.Series({"I": 1.0, "II": 0.0, "III": 0.0, "IV": 0.0, "V": 0.0})
    with pytest.raises(AdviceInputError, match="class II"):
        structure_gaps(own, peers)
