"""A withdrawn product (退市) can no longer be ordered: it is never "short" and never gets a
suggested order; with stock the shop is told to sell what is left; a large stock still raises the
diversion alert (docs/domain.md §6).

The shop for the nightly job, hand-made (today is the real today, as the phone page reads it):
- P1 "在售快销" (on sale) and P2 "退市快销" (withdrawn): 8 cartons in each of the last 4 complete
  cycles → 32 ÷ 4 = 8 a week; both counted 2 cartons today by the retailer → 2 ÷ 8 = 0.25 weeks of
  cover < 0.5 and 8 a week is fast: short were it supplied;
- quotas this cycle: P1 30, P2 0 (a withdrawn product gets none)."""

import datetime as dt

import pandas as pd
import pytest
from django.urls import reverse
from django.utils import timezone, translation

from cycles.calendar import cycle_monday
from cycles.services import cycle_get_or_create
from inventory.engine.advice import AdviceInputError, Status, advise
from inventory.models import InventoryAdvice
from inventory.selectors import retailer_advice
from inventory.services import inventory_advice_nightly
from orders.models import Order
from retailers.logins import retailer_login_reset
from stock.models import StockCount, StockSource
from tests.factories import RetailerFactory, UserFactory
from tests.words import EN, ZH, shown

NAN = float("nan")


def test_the_engine_never_calls_a_withdrawn_product_short_nor_orders_it():
    frame = pd.DataFrame(
        {
            "weekly_sales": [10.0, 10.0, 1.0, 3.0, 8.0],
            "stock": [2.0, 2.0, 20.0, 0.0, NAN],
            "quota": [50, 50, 0, 5, 5],
            "orderable": [True, False, False, False, False],
        }
    )
    advised = advise(frame)
    # row 0, supplied: 2 ÷ 10 = 0.2 weeks of cover < 0.5, 10 a week is fast → SHORT;
    #   order 10 × (1 + 1.5) − 2 = 23, within the quota of 50
    # row 1, the same but withdrawn: not short, sell what is left → SLOW; order 0 (even with a quota)
    # row 2, withdrawn, 20 cartons at 1 a week: 20 weeks of cover > 8 → still a diversion alert
    # row 3, withdrawn, sold out: nothing left to sell and nothing to order → NO_SALES (no advice)
    # row 4, withdrawn, stock unknown: not the week's sales (8), nothing: it cannot be ordered
    assert advised["status"].tolist() == [Status.SHORT, Status.SLOW, Status.SLOW, Status.NO_SALES, Status.UNKNOWN]
    assert advised["suggested_order"].tolist() == [23, 0, 0, 0, 0]
    assert advised["weeks_of_cover"].iloc[:3].tolist() == pytest.approx([0.2, 0.2, 20.0])
    assert advised["diversion"].tolist() == [False, False, True, False, False]


def test_orderable_defaults_to_true_and_must_be_true_or_false():
    frame = pd.DataFrame({"weekly_sales": [10.0], "stock": [2.0], "quota": [50]})
    assert advise(frame)["status"].tolist() == [Status.SHORT]  # no column: supplied, as before
    with pytest.raises(AdviceInputError, match=r"orderable: 1 row\(s\).*row 2"):
        advise(frame.loc[[0, 0]].reset_index(drop=True).assign(orderable=[True, None]))


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def shop(db, today):
    from accounts.models import Role
    from pricing.models import Lifecycle, Product

    manager = UserFactory(username="mgr_withdrawn", role=Role.MANAGER)
    shop = RetailerFactory(manager=manager)
    shop.password = retailer_login_reset(retailer=shop, actor=manager)
    shop.refresh_from_db()
    on_sale = Product.objects.create(code="P1", name="在售快销", wholesale_price=100, retail_price=120)
    withdrawn = Product.objects.create(
        code="P2", name="退市快销", wholesale_price=100, retail_price=120, lifecycle=Lifecycle.WITHDRAWN
    )
    this_cycle = cycle_monday(today)
    for weeks_ago in range(1, 5):
        cycle = cycle_get_or_create(starts_on=this_cycle - dt.timedelta(weeks=weeks_ago))
        for product in (on_sale, withdrawn):
            Order.objects.create(cycle=cycle, retailer=shop, product=product, ordered_qty=8, amount=800)
    for product in (on_sale, withdrawn):
        StockCount.objects.create(
            retailer=shop, product=product, counted_on=today, cartons=2, source=StockSource.RETAILER
        )
    quotas = pd.DataFrame({"retailer": [shop.pk] * 2, "product": [on_sale.pk, withdrawn.pk], "quota": [30, 0]})
    inventory_advice_nightly(today=today, quotas=quotas)
    return shop, on_sale, withdrawn


def test_the_nightly_advice_and_the_shops_lines_on_a_withdrawn_product(shop, today):
    shop, on_sale, withdrawn = shop
    rows = {r.product_id: r for r in InventoryAdvice.objects.filter(advice_run__is_current=True, retailer=shop)}
    assert rows[on_sale.pk].status == Status.SHORT  # 2 ÷ 8 = 0.25 weeks < 0.5
    assert rows[on_sale.pk].suggested_order == 18  # 8 × 2.5 − 2 = 18, within 30
    assert rows[withdrawn.pk].status == Status.SLOW  # the same numbers, but no longer supplied
    assert rows[withdrawn.pk].suggested_order == 0
    with translation.override("zh-hans"):
        lines = {line.product.pk: line for line in retailer_advice(retailer=shop, today=today)}
    line = lines[withdrawn.pk]
    assert line.status != Status.SHORT
    assert line.suggested_order == 0
    assert line.status_label == "退市"
    assert line.message == "已退市：售完为止，不再供货。"
    with translation.override("en"):
        line = {x.product.pk: x for x in retailer_advice(retailer=shop, today=today)}[withdrawn.pk]
    assert (line.status_label, line.message) == ("Withdrawn", "Withdrawn: sell what is left; no more supply.")


def advice_line(page: str, code: str) -> str:
    start = page.index(f'<div class="item advice" data-code="{code}">')
    ends = [page.find(tag, start + 1) for tag in ('<div class="item', '<div class="card')]
    return shown(page[start : min(end for end in ends if end > 0)].encode())


@pytest.mark.usefixtures("language_restored")
def test_the_phone_page_names_the_withdrawal_and_never_says_short(client, shop):
    shop, on_sale, withdrawn = shop
    client.force_login(shop.user)
    chinese = client.get(reverse("portal:stock"), **ZH).content.decode()
    assert "缺货" in advice_line(chinese, on_sale.code)  # the same numbers, still supplied: short
    line = advice_line(chinese, withdrawn.code)
    assert "已退市：售完为止，不再供货" in line
    assert "缺货" not in line
    assert "卖得快" not in line
    assert "建议订" not in line
    english = client.get(reverse("portal:stock"), **EN).content.decode()
    line = advice_line(english, withdrawn.code)
    assert "Withdrawn: sell what is left; no more supply" in line
    assert "short" not in line.lower()
    assert "Selling fast" not in line
    assert "order " not in line


def test_a_product_withdrawn_since_tonights_advice_is_no_longer_short_on_the_shops_lines(shop, today):
    from pricing.models import Lifecycle

    shop, on_sale, _withdrawn = shop
    on_sale.lifecycle = Lifecycle.WITHDRAWN  # withdrawn during the day: tonight's row still says short
    on_sale.save(update_fields=["lifecycle"])
    with translation.override("zh-hans"):
        line = {x.product.pk: x for x in retailer_advice(retailer=shop, today=today)}[on_sale.pk]
    assert line.status == Status.SLOW
    assert line.suggested_order == 0
    assert (line.status_label, line.message) == ("退市", "已退市：售完为止，不再供货。")
