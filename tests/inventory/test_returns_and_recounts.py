"""Returns are neither sales nor stock, and a recount replaces an estimate at once (issue 17;
found by the breaker, reproductions kept as golden tests with the arithmetic by hand)."""

import datetime as dt

import pandas as pd
import pytest

from accounts.models import Role
from cycles.calendar import cycle_monday
from cycles.services import cycle_get_or_create
from inventory.engine.advice import Status
from inventory.selectors import retailer_advice
from inventory.services import advice_inputs, inventory_advice_nightly
from orders.models import Order
from pricing.models import Product
from stock.models import StockCount
from stock.selectors import products_to_count
from stock.services import stock_count_record
from tests.factories import RetailerFactory, UserFactory

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 25)  # Wednesday; this cycle Monday 11-23


def setup_shop():
    manager = UserFactory(username="mgr_inv", role=Role.MANAGER)
    shop = RetailerFactory(manager=manager)
    p = Product.objects.create(code="R1", name="退货烟", wholesale_price=100, retail_price=120)
    return shop, manager, p


def test_returns_are_not_sales_or_deliveries():
    # every one of the last 4 cycles: ordered 8, returned 6 -> kept 2/week.
    # counted 2 cartons today.  Expected: weekly 2, stock 2, cover 1 week -> HEALTHY,
    # order = 2*(1+1.5) - 2 = 3.
    shop, manager, p = setup_shop()
    this = cycle_monday(TODAY)
    for w in range(1, 5):
        c = cycle_get_or_create(starts_on=this - dt.timedelta(weeks=w))
        Order.objects.create(cycle=c, retailer=shop, product=p, ordered_qty=8, returned_qty=6, amount=800)
    StockCount.objects.create(retailer=shop, product=p, counted_on=TODAY, cartons=2, source="manager")
    quotas = pd.DataFrame({"retailer": [shop.pk], "product": [p.pk], "quota": [30]})
    inventory_advice_nightly(today=TODAY, quotas=quotas)
    line = retailer_advice(retailer=shop, today=TODAY)[0]
    assert (line.weekly_sales, line.status, line.suggested_order) == (2.0, Status.HEALTHY, 3)


def test_returns_in_deliveries_since_count():
    # counted 0 on Monday two cycles ago (11-09); cycle 11-09 ordered 10 returned 10; cycle 11-16 nothing.
    # other cycles: nothing. Kept deliveries since count = 0 -> stock 0, weekly sales 0 -> nothing to advise
    shop, manager, p = setup_shop()
    this = cycle_monday(TODAY)
    c = cycle_get_or_create(starts_on=this - dt.timedelta(weeks=2))
    Order.objects.create(cycle=c, retailer=shop, product=p, ordered_qty=10, returned_qty=10, amount=1000)
    StockCount.objects.create(retailer=shop, product=p, counted_on=this - dt.timedelta(weeks=2), cartons=0, source="manager")
    frame = advice_inputs(today=TODAY, quotas=pd.DataFrame(columns=["retailer", "product", "quota"]))
    row = frame.iloc[0]
    assert (row.weekly_sales, row.delivered_since, row.stock) == (0.0, 0.0, 0.0)


def test_recount_of_estimated_short_line():
    # 4 cycles x 8 cartons -> 8/week. Counted 0 on 11-16 (Monday of last cycle, before that delivery? cycle 11-16's 8
    # delivered counts as since). Night of 11-25: stock = 0 + 8 - 8*9/7 = -2.3 -> 0 -> SHORT by estimate, order 20.
    # SHORT order = 8 × (1 + 1.5) − 0 = 20. Then the retailer counts 25 today: the line stands on the
    # count at once (stock 25), no longer telling it to order 20 with stock 0.
    shop, manager, p = setup_shop()
    this = cycle_monday(TODAY)
    for w in range(1, 5):
        c = cycle_get_or_create(starts_on=this - dt.timedelta(weeks=w))
        Order.objects.create(cycle=c, retailer=shop, product=p, ordered_qty=8, amount=800)
    StockCount.objects.create(retailer=shop, product=p, counted_on=this - dt.timedelta(weeks=1), cartons=0, source="manager")
    quotas = pd.DataFrame({"retailer": [shop.pk], "product": [p.pk], "quota": [30]})
    inventory_advice_nightly(today=TODAY, quotas=quotas)
    before = retailer_advice(retailer=shop, today=TODAY)[0]
    assert (before.status, before.stock, before.suggested_order) == (Status.SHORT, 0, 20)
    stock_count_record(retailer=shop, product=p, cartons=25, source="retailer", actor=None, on=TODAY)
    after = retailer_advice(retailer=shop, today=TODAY)[0]
    assert after.stock == 25
    assert not after.needs_count
    assert "20" not in after.message  # no "order 20" on a shelf just counted at 25


def test_products_to_count_matches_unknown_advice():
    # A product ordered and fully returned in the last cycle.
    shop, manager, p = setup_shop()
    this = cycle_monday(TODAY)
    c = cycle_get_or_create(starts_on=this - dt.timedelta(weeks=1))
    Order.objects.create(cycle=c, retailer=shop, product=p, ordered_qty=4, returned_qty=4, amount=400)
    inventory_advice_nightly(today=TODAY, quotas=pd.DataFrame({"retailer": [shop.pk], "product": [p.pk], "quota": [5]}))
    # Kept 4 − 4 = 0: nothing was sold, so nothing to count and no "order 1 a cycle until counted".
    assert products_to_count(retailer_ids=[shop.pk], today=TODAY).get(shop.pk, []) == []
    assert not any(line.needs_count for line in retailer_advice(retailer=shop, today=TODAY))


@pytest.mark.parametrize(
    ("order_weekday", "delivered", "stock"),
    [
        # Order day Friday 11-20, after the Wednesday count: the 8 arrive after it.
        # Stock on Monday 11-23 = 0 + 8 − (8 ÷ 4 = 2 a week) × 5/7 ≈ 6.57 → 7 (half up).
        (5, 8.0, 7.0),
        # Order day Tuesday 11-17, before the count: the count already holds them.
        # Stock = 0 + 0 − 2 × 5/7 < 0 → 0 (never below zero).
        (2, 0.0, 0.0),
        # No order day on record: the cycle's Monday 11-16, before the count, as above.
        (None, 0.0, 0.0),
    ],
)
def test_a_mid_cycle_count_is_followed_by_that_cycles_delivery_only_if_it_arrives_later(
    order_weekday, delivered, stock
):
    shop, manager, p = setup_shop()
    shop.order_weekday = order_weekday
    shop.save()
    c = cycle_get_or_create(starts_on=dt.date(2026, 11, 16))
    Order.objects.create(cycle=c, retailer=shop, product=p, ordered_qty=8, amount=800)
    StockCount.objects.create(retailer=shop, product=p, counted_on=dt.date(2026, 11, 18), cartons=0, source="retailer")
    frame = advice_inputs(today=dt.date(2026, 11, 23), quotas=pd.DataFrame(columns=["retailer", "product", "quota"]))
    row = frame.iloc[0]
    assert (row.weekly_sales, row.delivered_since, row.stock) == (2.0, delivered, stock)
