"""The stock page says why there is no advice (tester 2026-11-27): a demo shop with no count on
record read only "进货建议：其余产品盘点之后就有进货建议" though no product had advice at all.
Now: no count ever → "还没有盘点记录：盘点库存后就能看到进货建议", with a link to the count form;
"其余产品" only when some products do have advice (DOMAIN §6: unknown stock, ask for a count)."""

import datetime as dt

import pytest
from django.urls import reverse

from inventory.engine.advice import Status
from inventory.models import InventoryAdvice
from inventory.services import inventory_advice_nightly
from stock.models import StockCount, StockSource
from stock.services import stock_count_record
from tests.words import ZH, shown

pytestmark = pytest.mark.django_db


def _advice_card(client, shop) -> tuple[str, str]:
    client.force_login(shop.user)
    page = client.get(reverse("portal:stock"), **ZH).content.decode()
    start = page.index("<h2>进货建议</h2>")
    card = page[start : page.index('id="report"')]
    return card, shown(card.encode())


def test_a_shop_never_counted_is_told_plainly_and_sent_to_the_count_form(client, shop, city):
    assert not StockCount.objects.filter(retailer=shop).exists()  # the demo city counts nothing of this shop
    inventory_advice_nightly(today=city)
    rows = InventoryAdvice.objects.filter(advice_run__is_current=True, retailer=shop)
    assert rows.filter(status=Status.UNKNOWN).exists()
    card, text = _advice_card(client, shop)
    assert "还没有盘点记录：盘点库存后就能看到进货建议。 去盘点" in text
    assert 'href="#to-count"' in card
    assert "其余产品" not in text


def test_other_products_only_when_some_have_advice(client, shop, city):
    inventory_advice_nightly(today=city)
    unknown = InventoryAdvice.objects.filter(advice_run__is_current=True, retailer=shop, status=Status.UNKNOWN)
    products = [row.product for row in unknown.select_related("product").order_by("product__code")]
    assert len(products) >= 2
    stock_count_record(retailer=shop, product=products[0], cartons=5, source=StockSource.RETAILER, actor=shop.user)
    inventory_advice_nightly(today=city)
    card, text = _advice_card(client, shop)
    assert products[0].name in text  # it has advice now
    assert "其余产品盘点之后就有进货建议。 去盘点" in text
    assert 'href="#to-count"' in card
    assert "还没有盘点记录" not in text


def test_a_shop_whose_counts_are_too_old_is_not_told_it_never_counted(client, shop, city):
    inventory_advice_nightly(today=city)
    product = InventoryAdvice.objects.filter(advice_run__is_current=True, retailer=shop).first().product
    StockCount.objects.create(
        retailer=shop, product=product, counted_on=city - dt.timedelta(weeks=30), cartons=3, source=StockSource.RETAILER
    )
    inventory_advice_nightly(today=city)
    card, text = _advice_card(client, shop)
    assert "其余产品" not in text  # a count older than COUNT_MAX_AGE_WEEKS is not carried: no advice
    assert "还没有进货建议：盘点上面这些产品的库存后就能看到进货建议。 去盘点" in text
    assert "还没有盘点记录" not in text
