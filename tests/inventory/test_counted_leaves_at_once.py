"""A count leaves "needs a count" at once, not after the nightly job: the retailer's own count on
its phone, a manager's count, a count of 0 (docs/domain.md §6).

The shop, hand-made (today is the real today, as the phone page reads it):
- "fast": 8 cartons in each of the last 4 complete cycles → 8 a week;
- "slow": 1 carton in the cycle 3 weeks back → 0.25 a week;
- "third": 2 cartons in the last complete cycle → 0.5 a week.
Tonight's advice (run before any count): all three unknown, all three need a count."""

import datetime as dt

import pandas as pd
import pytest
from django.urls import reverse
from django.utils import timezone

from cycles.calendar import cycle_monday
from cycles.services import cycle_get_or_create
from inventory.engine.advice import Status
from inventory.selectors import retailer_advice
from inventory.services import inventory_advice_nightly
from orders.models import Order
from retailers.logins import retailer_login_reset
from stock.models import StockCount
from stock.selectors import products_to_count
from stock.services import stock_count_record
from tests.factories import RetailerFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def shop(today):
    from accounts.models import Role
    from pricing.models import Product

    manager = UserFactory(username="mgr_stock", role=Role.MANAGER)
    shop = RetailerFactory(manager=manager)
    shop.password = retailer_login_reset(retailer=shop, actor=manager)
    shop.refresh_from_db()
    fast = Product.objects.create(code="P1", name="快销烟", wholesale_price=100, retail_price=120)
    slow = Product.objects.create(code="P2", name="慢销烟", wholesale_price=100, retail_price=120)
    third = Product.objects.create(code="P3", name="第三种烟", wholesale_price=100, retail_price=120)
    this_cycle = cycle_monday(today)
    for weeks_ago in range(1, 5):
        cycle = cycle_get_or_create(starts_on=this_cycle - dt.timedelta(weeks=weeks_ago))
        Order.objects.create(cycle=cycle, retailer=shop, product=fast, ordered_qty=8, amount=800)
        if weeks_ago == 3:
            Order.objects.create(cycle=cycle, retailer=shop, product=slow, ordered_qty=1, amount=100)
        if weeks_ago == 1:
            Order.objects.create(cycle=cycle, retailer=shop, product=third, ordered_qty=2, amount=200)
    quotas = pd.DataFrame({"retailer": [shop.pk] * 3, "product": [fast.pk, slow.pk, third.pk], "quota": [30, 5, 5]})
    inventory_advice_nightly(today=today, quotas=quotas)
    return shop, manager, fast, slow, third


def lines_of(shop, today):
    return {line.product.pk: line for line in retailer_advice(retailer=shop, today=today)}


def test_before_any_count_all_three_need_one(shop, today):
    shop, _manager, fast, slow, third = shop
    lines = lines_of(shop, today)
    assert {pk for pk, line in lines.items() if line.needs_count} == {fast.pk, slow.pk, third.pk}
    assert products_to_count(retailer_ids=[shop.pk], today=today) == {shop.pk: [fast.pk, slow.pk, third.pk]}


def test_counts_of_any_source_leave_needs_a_count_at_once(shop, today):
    shop, manager, fast, slow, third = shop
    stock_count_record(retailer=shop, product=fast, cartons=7, source="retailer", actor=shop.user)
    stock_count_record(retailer=shop, product=third, cartons=0, source="manager", actor=manager)  # 0 is a count
    # a count older than 12 weeks is no count: "slow" still needs one
    StockCount.objects.create(
        retailer=shop, product=slow, counted_on=today - dt.timedelta(weeks=12, days=1), cartons=9, source="pos"
    )
    # no nightly job in between
    assert products_to_count(retailer_ids=[shop.pk], today=today) == {shop.pk: [slow.pk]}
    lines = lines_of(shop, today)
    assert [pk for pk, line in lines.items() if line.needs_count] == [slow.pk]
    counted = lines[fast.pk]
    assert (counted.status, counted.counted_since, counted.stock, counted.stock_is_estimate) == (
        Status.UNKNOWN, True, 7, False,
    )  # fmt: skip
    assert counted.suggested_order == 0  # no advice on it until tonight
    assert counted.status_label == "已盘点"
    day = f"{today.month:02d}月{today.day}日"
    assert counted.message == f"{day}已盘点：7 条。此产品的进货建议在今晚更新后给出。"
    assert (lines[third.pk].counted_since, lines[third.pk].stock) == (True, 0)
    # the counted lines come after the ones still judged, before the ones still to count
    assert list(lines)[-1] == slow.pk


def test_the_phone_page_drops_a_counted_product_from_the_counts_card_on_save(client, shop, today):
    shop, _manager, fast, slow, third = shop
    client.force_login(shop.user)
    page = client.get(reverse("portal:stock")).content.decode()
    card = page[page.index('id="to-count"') : page.index('id="report"')]
    assert "3 种产品需要盘点" in card
    saved = client.post(reverse("portal:stock"), {"form": "counts", f"count_{fast.pk}": "7"}, follow=True)
    page = saved.content.decode()
    card = page[page.index('id="to-count"') : page.index("进货建议")]
    assert "2 种产品需要盘点" in card
    assert "快销烟" not in card
    assert "慢销烟" in card
    assert "第三种烟" in card
    listed = page[page.index("进货建议") :]
    assert "快销烟" in listed
    assert "已盘点：7 条" in listed
    # the one-product report form leaves it at once too
    client.post(reverse("portal:stock"), {"form": "report", "product": slow.pk, "cartons": "3"})
    page = client.get(reverse("portal:stock")).content.decode()
    card = page[page.index('id="to-count"') : page.index("进货建议")]
    assert "1 种产品需要盘点" in card
    assert "慢销烟" not in card
