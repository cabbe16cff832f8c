"""The nightly job: inputs from orders, counts and quotas; a failed night keeps the last advice."""

import datetime as dt

import pandas as pd
import pytest

from cycles.services import cycle_get_or_create
from inventory.engine.advice import Status
from inventory.models import AdviceRun, InventoryAdvice
from inventory.services import advice_inputs, inventory_advice_nightly
from orders.models import Order
from stock.models import StockCount
from tests.factories import RetailerFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 25)  # a Wednesday


@pytest.fixture
def shop_history():
    from pricing.models import Product

    shop = RetailerFactory()
    fast = Product.objects.create(code="P1", name="fast", wholesale_price=100, retail_price=120)
    idle = Product.objects.create(code="P2", name="idle", wholesale_price=100, retail_price=120)
    for weeks_ago in range(1, 5):  # 8 cartons a week of the fast seller over the last 4 cycles
        cycle = cycle_get_or_create(starts_on=dt.date(2026, 11, 23) - dt.timedelta(weeks=weeks_ago))
        Order.objects.create(cycle=cycle, retailer=shop, product=fast, ordered_qty=8, amount=800)
    return shop, fast, idle


def test_inputs_use_a_recent_count_or_an_estimate(shop_history):
    shop, fast, idle = shop_history
    StockCount.objects.create(
        retailer=shop, product=idle, counted_on=TODAY - dt.timedelta(days=2), cartons=6, source="manager"
    )
    quotas = pd.DataFrame({"retailer": [shop.pk], "product": [fast.pk], "quota": [12]})
    frame = advice_inputs(today=TODAY, quotas=quotas).set_index("product")
    assert frame.loc[fast.pk, "weekly_sales"] == 8
    assert frame.loc[fast.pk, "quota"] == 12
    assert bool(frame.loc[fast.pk, "stock_is_estimate"])  # never counted
    # never counted: deliveries over the window (32) − sales over it (8 × 4 weeks) = 0
    assert frame.loc[fast.pk, "stock"] == 0
    assert frame.loc[idle.pk, "stock"] == 6  # counted two days ago, nothing sold since
    assert not bool(frame.loc[idle.pk, "stock_is_estimate"])


def test_nightly_advice_and_a_failed_night_keeps_the_last_good_one(shop_history, monkeypatch):
    shop, fast, idle = shop_history
    StockCount.objects.create(retailer=shop, product=idle, counted_on=TODAY, cartons=6, source="retailer")
    counts = inventory_advice_nightly(today=TODAY)
    assert counts["rows"] == 2
    current = AdviceRun.objects.get(is_current=True)
    rows = {r.product_id: r for r in InventoryAdvice.objects.filter(advice_run=current)}
    assert rows[fast.pk].status == Status.SHORT
    assert rows[fast.pk].suggested_order == 0  # no quota this cycle: nothing may be ordered
    assert rows[idle.pk].status == Status.SLOW

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("inventory.services.bulk_write_frames", broken)
    with pytest.raises(RuntimeError):
        inventory_advice_nightly(today=TODAY + dt.timedelta(days=1))
    assert AdviceRun.objects.get(is_current=True) == current
    assert InventoryAdvice.objects.filter(advice_run=current).count() == 2
