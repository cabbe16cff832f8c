"""The retailer's stock page: products with no recent count are named and can be counted all at
once; a carried-forward stock shows its count, age and basis (docs/domain.md §6)."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from inventory.engine.advice import Status
from inventory.models import InventoryAdvice
from inventory.services import inventory_advice_nightly
from stock.models import StockCount

pytestmark = pytest.mark.django_db


def advice(shop):
    return {r.product_id: r for r in InventoryAdvice.objects.filter(advice_run__is_current=True, retailer=shop)}


def test_an_uncounted_shop_is_asked_for_counts_and_told_of_no_shortage(client, shop, city):
    assert not StockCount.objects.filter(retailer=shop).exists()  # the demo city counts nothing of this shop
    inventory_advice_nightly(today=city)
    rows = advice(shop)
    # a withdrawn product (退市) is not asked for (the demo city withdraws some the shop has sold)
    unknown = [r for r in rows.values() if r.status == Status.UNKNOWN and r.product.lifecycle != "withdrawn"]
    assert unknown, "the shop sells something"
    assert not [r for r in rows.values() if r.status == Status.SHORT]
    client.force_login(shop.user)
    page = client.get(reverse("portal:stock")).content.decode()
    card = page[page.index('id="to-count"') : page.index("进货建议")]
    assert f"{len(unknown)} 种产品需要盘点" in card
    for row in unknown:
        assert row.product.name in card
    # the reason is said once above the products, not repeated on each line (walker: 12 times)
    assert card.count("近期没有盘点") == 1
    assert "库存未知" not in card
    assert card.count("条/周") == len(unknown) or card.count("每周卖") == len(unknown)
    assert ">缺货<" not in page  # no product labelled short
    assert "卖得快" not in page


def test_counts_for_several_products_at_once_and_errors_keep_what_was_entered(client, shop, city):
    inventory_advice_nightly(today=city)
    unknown = sorted(pk for pk, r in advice(shop).items() if r.status == Status.UNKNOWN)
    assert len(unknown) >= 2
    first, second = unknown[:2]
    client.force_login(shop.user)
    bad = client.post(reverse("portal:stock"), {"form": "counts", f"count_{first}": "7", f"count_{second}": "-3"})
    assert bad.status_code == 200
    page = bad.content.decode()
    assert not StockCount.objects.exists()  # nothing written
    assert re.search(rf'name="count_{first}"[^>]*value="7"|value="7"[^>]*name="count_{first}"', page)
    field = page[page.index(f'name="count_{second}"') :]
    assert "确保该值大于或等于0" in field[: field.index("</div>")]  # the error beside its box, in Chinese
    empty = client.post(reverse("portal:stock"), {"form": "counts"})
    assert "请至少填写一种产品的条数" in empty.content.decode()

    done = client.post(reverse("portal:stock"), {"form": "counts", f"count_{first}": "7", f"count_{second}": "0"})
    assert done.status_code == 302
    counts = {c.product_id: c for c in StockCount.objects.filter(retailer=shop)}
    assert {p: (c.cartons, c.source, c.counted_on) for p, c in counts.items()} == {
        first: (7, "retailer", city),
        second: (0, "retailer", city),
    }
    inventory_advice_nightly(today=city)
    rows = advice(shop)
    assert rows[first].status != Status.UNKNOWN
    assert rows[first].stock == 7  # counted today: no deliveries or sales since
    page = client.get(reverse("portal:stock")).content.decode()
    assert "今天盘点：7 条（零售户自报）" in page


def test_a_carried_forward_stock_shows_its_count_age_and_basis(client, shop, city):
    from orders.models import Order

    sold = Order.objects.filter(retailer=shop, ordered_qty__gt=0).order_by("product_id").first()
    StockCount.objects.create(
        retailer=shop, product=sold.product, counted_on=city - dt.timedelta(days=10), cartons=30, source="manager"
    )
    inventory_advice_nightly(today=city)
    row = advice(shop)[sold.product_id]
    assert row.stock_is_estimate
    assert (row.counted_cartons, row.count_age_days) == (30, 10)
    # the stock follows from its basis: 30 + delivered − sold, never below zero, half-up
    assert row.stock == max(0, int(30 + row.delivered_since - row.sold_since + 0.5))
    client.force_login(shop.user)
    page = client.get(reverse("portal:stock")).content.decode()
    day = city - dt.timedelta(days=10)
    assert (
        f"估算：10 天前（{day.month:02d}月{day.day}日，客户经理盘点）盘点 30 条，此后到货 {row.delivered_since} 条"
        in page
    )


def test_withdrawn_products_are_never_asked_for_and_the_report_lists_names_only(client, shop, city):
    """A withdrawn product (退市) is not asked to be counted, on the shop's page or on the manager's
    visit list; the stock report's dropdown names products without their codes, in name order."""
    from pricing.models import Lifecycle, Product
    from stock.selectors import products_to_count

    inventory_advice_nightly(today=city)
    rows = advice(shop)
    unknown = sorted(pk for pk, r in rows.items() if r.status == Status.UNKNOWN and r.product.lifecycle != "withdrawn")
    assert len(unknown) >= 2
    withdrawn = Product.objects.get(pk=unknown[0])
    assert withdrawn.pk in products_to_count(retailer_ids=[shop.pk], today=city)[shop.pk]
    withdrawn.lifecycle = Lifecycle.WITHDRAWN
    withdrawn.save(update_fields=["lifecycle"])
    assert withdrawn.pk not in products_to_count(retailer_ids=[shop.pk], today=city)[shop.pk]
    assert unknown[1] in products_to_count(retailer_ids=[shop.pk], today=city)[shop.pk]
    client.force_login(shop.user)
    page = client.get(reverse("portal:stock")).content.decode()
    card = page[page.index('id="to-count"') : page.index("进货建议")]
    assert f'data-code="{withdrawn.code}"' not in card
    assert f"{len(unknown) - 1} 种产品需要盘点" in card
    report = page[page.index('id="report"') :]
    names = re.findall(r'<option value="\d+"[^>]*>([^<]+)</option>', report)
    on_sale = Product.objects.exclude(lifecycle=Lifecycle.WITHDRAWN)
    assert names == list(on_sale.order_by("name").values_list("name", flat=True))
    assert not any(re.search(r"\d{6,}", name) for name in names)  # no product code before the name
    assert withdrawn.name not in names
