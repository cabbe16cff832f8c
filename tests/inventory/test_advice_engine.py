"""Inventory advice on hand-computed cases (docs/domain.md §6)."""

import numpy as np
import pandas as pd
import pytest

from inventory.engine.advice import Status, advise, estimate_stock


def one(weekly_sales, stock, quota, targets=None):
    frame = pd.DataFrame({"weekly_sales": [weekly_sales], "stock": [stock], "quota": [quota]})
    return advise(frame, targets).iloc[0]


def test_short_fast_seller_gets_an_order_up_to_target_cover_clipped_to_the_quota():
    row = one(weekly_sales=10, stock=2, quota=50)
    assert row["status"] == Status.SHORT  # 0.2 weeks of cover < 0.5
    assert row["weeks_of_cover"] == pytest.approx(0.2)
    assert row["suggested_order"] == 23  # 10 × (1 + 1.5) − 2
    assert one(weekly_sales=10, stock=2, quota=8)["suggested_order"] == 8  # never above the quota


def test_healthy_and_over_stocked():
    healthy = one(weekly_sales=4, stock=6, quota=10)
    assert healthy["status"] == Status.HEALTHY  # 1.5 weeks
    assert healthy["suggested_order"] == 4  # 4 × 2.5 − 6
    over = one(weekly_sales=2, stock=10, quota=10)
    assert over["status"] == Status.OVER  # 5 weeks > 3
    assert over["suggested_order"] == 0
    assert over["stock_to_sales"] == pytest.approx(10 / (2 * 52 / 12))
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
    row = one(weekly_sales=0, stock=0, quota=5)
    assert row["suggested_order"] == 0


def test_diversion_alert_when_stock_is_far_above_sales():
    assert one(weekly_sales=1, stock=9, quota=0)["diversion"]  # 9 weeks > 8
    assert not one(weekly_sales=1, stock=8, quota=0)["diversion"]
    assert one(weekly_sales=0, stock=20, quota=0)["diversion"]


def test_estimated_stock_is_last_count_plus_deliveries_minus_sales_never_negative():
    stock = estimate_stock(
        pd.Series([10.0, 0.0, 3.0]), pd.Series([5.0, 8.0, 0.0]), pd.Series([4.0, 2.0, 5.0]), pd.Series([2.0, 1.5, 1.0])
    )
    assert stock.tolist() == [7.0, 5.0, 0.0]  # 10 + 5 − 8; 0 + 8 − 3; 3 − 5 → 0
