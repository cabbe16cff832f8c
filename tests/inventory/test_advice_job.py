"""The nightly job: inputs from orders, counts and quotas; stock unknown without a count, carried
forward from a count of any source; a failed night keeps the last advice.

The shop's history, hand-made: today is Wednesday 2026-11-25, this cycle started Monday 11-23.
- P1 "fast": 8 cartons in each of the cycles starting 10-26, 11-02, 11-09, 11-16 → 32 ÷ 4 = 8 a week;
- P3 "slow": 1 carton in the cycle starting 11-02 → 1 ÷ 4 = 0.25 a week;
- P2 "idle": never ordered."""

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from cycles.services import cycle_get_or_create
from inventory.engine.advice import Status
from inventory.models import AdviceRun, InventoryAdvice
from inventory.services import advice_inputs, inventory_advice_nightly
from orders.models import Order
from stock.models import StockCount
from stock.selectors import products_to_count
from tests.factories import RetailerFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 25)  # a Wednesday
QUOTAS = {"fast": 30, "slow": 5}


@pytest.fixture
def shop_history():
    from pricing.models import Product

    shop = RetailerFactory()
    fast = Product.objects.create(code="P1", name="fast", wholesale_price=100, retail_price=120)
    idle = Product.objects.create(code="P2", name="idle", wholesale_price=100, retail_price=120)
    slow = Product.objects.create(code="P3", name="slow", wholesale_price=100, retail_price=120)
    for weeks_ago in range(1, 5):
        cycle = cycle_get_or_create(starts_on=dt.date(2026, 11, 23) - dt.timedelta(weeks=weeks_ago))
        Order.objects.create(cycle=cycle, retailer=shop, product=fast, ordered_qty=8, amount=800)
        if weeks_ago == 3:
            Order.objects.create(cycle=cycle, retailer=shop, product=slow, ordered_qty=1, amount=100)
    return shop, fast, idle, slow


def quotas(shop, fast, slow):
    return pd.DataFrame(
        {"retailer": [shop.pk, shop.pk], "product": [fast.pk, slow.pk], "quota": [QUOTAS["fast"], QUOTAS["slow"]]}
    )


def count(shop, product, days_ago, cartons, source):
    StockCount.objects.create(
        retailer=shop, product=product, counted_on=TODAY - dt.timedelta(days=days_ago), cartons=cartons, source=source
    )


def test_never_counted_stock_is_unknown_not_zero(shop_history):
    shop, fast, idle, slow = shop_history
    frame = advice_inputs(today=TODAY, quotas=quotas(shop, fast, slow)).set_index("product")
    assert set(frame.index) == {fast.pk, slow.pk}  # idle: no order, count or quota
    assert frame.loc[fast.pk, "weekly_sales"] == 8  # 32 ÷ 4
    assert frame.loc[slow.pk, "weekly_sales"] == 0.25  # 1 ÷ 4
    # the old estimate: 0 + 32 delivered − 8 × 4 sold = 0 → "short"; now unknown
    assert np.isnan(frame.loc[fast.pk, "stock"])
    assert np.isnan(frame.loc[fast.pk, "counted_cartons"])
    assert not bool(frame.loc[fast.pk, "stock_is_estimate"])

    inventory_advice_nightly(today=TODAY, quotas=quotas(shop, fast, slow))
    rows = {r.product_id: r for r in InventoryAdvice.objects.filter(advice_run__is_current=True)}
    assert rows[fast.pk].status == Status.UNKNOWN
    assert rows[fast.pk].stock is None
    assert rows[fast.pk].suggested_order == 8  # a week's sales (8), within the quota of 30
    assert rows[slow.pk].status == Status.UNKNOWN
    assert rows[slow.pk].suggested_order == 0  # 0.25 rounded down
    assert not any(r.status == Status.SHORT for r in rows.values())
    # the manager's visit asks for the same products
    assert products_to_count(retailer_ids=[shop.pk], today=TODAY) == {shop.pk: [fast.pk, slow.pk]}


def test_counts_of_every_source_start_the_carry_forward(shop_history):
    shop, fast, idle, slow = shop_history
    count(shop, fast, days_ago=10, cartons=6, source="manager")  # Sunday 11-15
    count(shop, slow, days_ago=14, cartons=0, source="retailer")  # Wednesday 11-11
    count(shop, idle, days_ago=1, cartons=6, source="pos")  # Tuesday 11-24
    frame = advice_inputs(today=TODAY, quotas=quotas(shop, fast, slow)).set_index("product")
    # fast: counted 6 ten days ago; delivered since: the cycle of 11-16 (8); sold since ≈ 8 × 10/7 = 11.43
    #   6 + 8 − 11.43 = 2.57 → 3
    assert frame.loc[fast.pk, "stock"] == 3
    assert frame.loc[fast.pk, "delivered_since"] == 8
    assert frame.loc[fast.pk, "sold_since"] == pytest.approx(80 / 7)
    assert frame.loc[fast.pk, "count_age_days"] == 10
    # slow: counted 0 fourteen days ago; nothing delivered in cycles from 11-11; sold ≈ 0.25 × 2 = 0.5
    #   0 + 0 − 0.5 → never below 0 → 0
    assert frame.loc[slow.pk, "stock"] == 0
    # idle: counted 6 yesterday, nothing delivered or sold since → 6
    assert frame.loc[idle.pk, "stock"] == 6
    assert frame["stock_is_estimate"].all()  # none of them counted today

    inventory_advice_nightly(today=TODAY, quotas=quotas(shop, fast, slow))
    rows = {r.product_id: r for r in InventoryAdvice.objects.filter(advice_run__is_current=True)}
    # fast: 3 ÷ 8 = 0.375 weeks < 0.5, a fast seller → short on a carried count; 8 × 2.5 − 3 = 17 (quota 30)
    assert (rows[fast.pk].status, rows[fast.pk].stock, rows[fast.pk].suggested_order) == (Status.SHORT, 3, 17)
    assert (rows[fast.pk].counted_cartons, rows[fast.pk].count_age_days, rows[fast.pk].delivered_since) == (6, 10, 8)
    assert rows[fast.pk].get_count_source_display() == "客户经理盘点"
    # slow: 0 in stock but 0.25 a week is no fast seller → healthy; 0.25 × 2.5 = 0.625 → 1 carton
    assert (rows[slow.pk].status, rows[slow.pk].suggested_order) == (Status.HEALTHY, 1)
    assert rows[slow.pk].get_count_source_display() == "零售户自报"
    # idle: 6 in stock, nothing sold → slow-moving, no order
    assert (rows[idle.pk].status, rows[idle.pk].suggested_order) == (Status.SLOW, 0)
    assert rows[idle.pk].get_count_source_display() == "POS 数据"
    assert products_to_count(retailer_ids=[shop.pk], today=TODAY) == {shop.pk: []}


def test_a_count_older_than_twelve_weeks_is_not_carried(shop_history):
    shop, fast, idle, slow = shop_history
    count(shop, fast, days_ago=13 * 7, cartons=20, source="manager")
    count(shop, slow, days_ago=12 * 7, cartons=4, source="manager")  # exactly 12 weeks: still carried
    frame = advice_inputs(today=TODAY, quotas=quotas(shop, fast, slow)).set_index("product")
    assert np.isnan(frame.loc[fast.pk, "stock"])
    # slow: 4 + 1 (the cycle of 11-02, after 09-02) − 0.25 × 12 = 5 − 3 = 2
    assert frame.loc[slow.pk, "stock"] == 2
    assert products_to_count(retailer_ids=[shop.pk], today=TODAY) == {shop.pk: [fast.pk]}


def test_the_latest_count_wins_and_a_count_today_is_no_estimate(shop_history):
    shop, fast, idle, slow = shop_history
    count(shop, fast, days_ago=3, cartons=40, source="pos")
    count(shop, fast, days_ago=0, cartons=5, source="retailer")
    frame = advice_inputs(today=TODAY, quotas=quotas(shop, fast, slow)).set_index("product")
    assert frame.loc[fast.pk, "stock"] == 5  # today's count, nothing since
    assert not bool(frame.loc[fast.pk, "stock_is_estimate"])


def test_a_failed_night_keeps_the_last_good_advice(shop_history, monkeypatch):
    shop, fast, idle, slow = shop_history
    count(shop, idle, days_ago=0, cartons=6, source="retailer")
    counts = inventory_advice_nightly(today=TODAY)
    assert counts["rows"] == 3
    current = AdviceRun.objects.get(is_current=True)
    rows = {r.product_id: r for r in InventoryAdvice.objects.filter(advice_run=current)}
    assert rows[fast.pk].status == Status.UNKNOWN
    assert rows[fast.pk].suggested_order == 0  # no quota this cycle: nothing may be ordered
    assert rows[idle.pk].status == Status.SLOW

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("inventory.services.bulk_write_frames", broken)
    with pytest.raises(RuntimeError):
        inventory_advice_nightly(today=TODAY + dt.timedelta(days=1))
    assert AdviceRun.objects.get(is_current=True) == current
    assert InventoryAdvice.objects.filter(advice_run=current).count() == 3
