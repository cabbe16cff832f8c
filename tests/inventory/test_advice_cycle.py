"""The nightly stock advice counts the quota of the cycle each shop orders next, the cycle its phone
home shows (`portal.selectors.home_cycle`), not today's cycle (tester: a Friday shop's home showed
2026-11-5 while its advice was clipped to its 2026-11-4 quota, an ordering already over for it); the
stock page names that cycle.

Friday 2026-11-27 (`on_friday`): 11-4 runs 11/23 – 11/29 and 11-5 runs 11/30 – 12/6, both published
with quotas; the four cycles before 11-4 are history.
- "friday": weekly, order day Friday. Its 11-4 ordering closed Thursday 11/26, the day before its
  order day; 11-5's opens Saturday 11/28: it orders next in 11-5.
- "open": weekly, no order day: it orders until 11-4's last day, 11/29: it orders next in 11-4.
Both: product P, 8 cartons ordered in each of the cycles starting 10/26, 11/2, 11/9 and 11/16, none
since; 4 cartons counted today by the manager; P's quota 3 cartons in 11-4 and 20 in 11-5.

By hand (docs/domain.md §6, target 1.5 weeks):
  weekly sales = (8 + 8 + 8 + 8) ÷ 4 = 8 cartons; stock = 4 (counted today: nothing delivered or sold since)
  wanted = max(0, 8 × (1 + 1.5) − 4) = 20 − 4 = 16 cartons
  friday (11-5, quota 20): min(16, 20) = 16     (before the fix: 11-4's quota, min(16, 3) = 3)
  open   (11-4, quota 3):  min(16, 3)  = 3
  cover = 4 ÷ 8 = 0.5 week, not below the 0.5 of "short": healthy for both."""

import datetime as dt

import numpy as np
import pytest
from django.urls import reverse

from allocation.models import AllocationRun, RetailerQuotas, SupplyPlanLine
from core.models import Run, RunStatus
from cycles.models import CycleStatus, OrderCycle
from cycles.services import cycle_get_or_create
from inventory.engine.advice import Status
from inventory.models import InventoryAdvice
from inventory.services import inventory_advice_nightly, shop_cycles
from orders.models import Order
from retailers.logins import retailer_login_reset
from stock.models import StockCount, StockSource
from tests.factories import ProductFactory, RetailerFactory
from tests.words import ZH, shown

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("language_restored")]
FRIDAY = dt.date(2026, 11, 27)
QUOTAS = {"11-4": 3, "11-5": 20}


def publish_quotas(cycle: OrderCycle, product, quotas: dict) -> None:
    """A published run of `cycle` whose stored quotas of `product` are `quotas` (retailer → cartons)."""
    line = SupplyPlanLine.objects.create(cycle=cycle, product=product, target=1000, method="A")
    run = AllocationRun.objects.create(
        cycle=cycle, run=Run.objects.create(job="allocation", status=RunStatus.SUCCEEDED), is_published=True,
        is_complete=True,
    )  # fmt: skip
    for retailer, quota in quotas.items():
        entry = np.array([(line.pk, 0, 1, quota, quota, 0, 0)], dtype=RetailerQuotas.ENTRY)
        RetailerQuotas.objects.create(allocation=run, retailer=retailer, part=line.pk, tier=10, entries=entry.tobytes())
    OrderCycle.objects.filter(pk=cycle.pk).update(status=CycleStatus.PUBLISHED)


@pytest.fixture
def week(supervisor):
    friday = RetailerFactory(order_cycle_kind="weekly", order_weekday=5)
    open_shop = RetailerFactory(order_cycle_kind="weekly", order_weekday=None)
    product = ProductFactory(code="P")
    for weeks_ago in range(1, 5):  # the cycles starting 11/16, 11/9, 11/2, 10/26
        cycle = cycle_get_or_create(starts_on=dt.date(2026, 11, 23) - dt.timedelta(weeks=weeks_ago))
        for shop in (friday, open_shop):
            Order.objects.create(cycle=cycle, retailer=shop, product=product, ordered_qty=8, amount=800)
    cycles = {
        "11-4": cycle_get_or_create(starts_on=dt.date(2026, 11, 23)),
        "11-5": cycle_get_or_create(starts_on=dt.date(2026, 11, 30)),
    }
    for label, cycle in cycles.items():
        publish_quotas(cycle, product, {friday: QUOTAS[label], open_shop: QUOTAS[label]})
    for shop in (friday, open_shop):
        StockCount.objects.create(
            retailer=shop, product=product, counted_on=FRIDAY, cartons=4, source=StockSource.MANAGER
        )
    return friday, open_shop, product, cycles


def test_each_shop_is_advised_within_the_cycle_it_orders_next(week):
    friday, open_shop, product, cycles = week
    assert shop_cycles(FRIDAY)[friday.pk] == cycles["11-5"].pk
    assert shop_cycles(FRIDAY)[open_shop.pk] == cycles["11-4"].pk
    inventory_advice_nightly(today=FRIDAY)
    rows = {r.retailer_id: r for r in InventoryAdvice.objects.filter(advice_run__is_current=True, product=product)}
    # the hand computation above
    assert (rows[friday.pk].weekly_sales, rows[friday.pk].stock) == (8, 4)
    assert (rows[friday.pk].quota, rows[friday.pk].suggested_order) == (20, 16)
    assert rows[friday.pk].cycle_id == cycles["11-5"].pk
    assert (rows[open_shop.pk].quota, rows[open_shop.pk].suggested_order) == (3, 3)
    assert rows[open_shop.pk].cycle_id == cycles["11-4"].pk
    assert {r.status for r in rows.values()} == {Status.HEALTHY}


def test_the_stock_page_names_the_cycle_the_home_shows(client, supervisor, week, on_friday):
    friday, _open_shop, _product, _cycles = week
    inventory_advice_nightly(today=FRIDAY)
    retailer_login_reset(retailer=friday, actor=supervisor)
    friday.refresh_from_db()
    client.force_login(friday.user)
    stock = shown(client.get(reverse("portal:stock"), **ZH).content)
    assert "11/27 夜间按 2026-11-5 周期的限量计算。" in stock
    home = shown(client.get(reverse("portal:home"), **ZH).content)
    assert "2026-11-5" in home
