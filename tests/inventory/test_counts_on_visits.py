"""Products whose stock is unknown join the customer manager's visit: the week's inspection list
names them and the visit's count page records them as the manager's counts (docs/domain.md §6)."""

import pytest
from django.urls import reverse

from compliance.models import CompliancePolicy
from compliance.planning import inspection_list
from inventory.engine.advice import Status
from inventory.models import InventoryAdvice
from inventory.services import inventory_advice_nightly
from stock.models import StockCount
from stock.selectors import products_to_count

pytestmark = pytest.mark.django_db


def test_the_weeks_list_names_the_products_to_count_the_same_as_tonights_advice(client, city, manager1):
    CompliancePolicy.objects.update_or_create(pk=1, defaults={"retailers_per_week": 4, "products_per_visit": 3})
    planned = inspection_list(manager=manager1, on=city)
    inventory_advice_nightly(today=city)
    for visit in planned:
        unknown = set(
            InventoryAdvice.objects.filter(advice_run__is_current=True, retailer=visit.retailer, status=Status.UNKNOWN)
            .exclude(product__lifecycle="withdrawn")  # a withdrawn product is never asked for (nor on the shop's page)
            .values_list("product_id", flat=True)
        )
        assert unknown, "every demo shop sells something and none is counted"
        assert {p.pk for p in visit.to_count} == unknown
    client.force_login(manager1)
    page = client.get(reverse("inspections:retailers")).content.decode()
    for visit in planned:
        link = reverse("inspections:count", args=[visit.retailer.pk])
        assert f'<a href="{link}">盘点 {len(visit.to_count)} 种产品的库存</a>' in page
    shop = planned[0].retailer
    first = planned[0].to_count[0]
    StockCount.objects.create(retailer=shop, product=first, counted_on=city, cartons=3, source="pos")
    again = next(v for v in inspection_list(manager=manager1, on=city) if v.retailer == shop)
    assert first not in again.to_count  # counted: off the list
    assert len(again.to_count) == len(planned[0].to_count) - 1


def test_the_manager_counts_on_the_visit_page_and_only_their_own_shops(client, city, manager1, shop, other_shop):
    needed = products_to_count(retailer_ids=[shop.pk], today=city)[shop.pk]
    assert len(needed) >= 2
    client.force_login(manager1)
    listing = client.get(reverse("inspections:retailers"), {"q": shop.customer_code}).content.decode()
    assert reverse("inspections:count", args=[shop.pk]) in listing
    page = client.get(reverse("inspections:count", args=[shop.pk])).content.decode()
    assert f"这家店有 {len(needed)} 种在售产品近期没有盘点" in page
    bad = client.post(reverse("inspections:count", args=[shop.pk]), {f"count_{needed[0]}": "abc"})
    assert bad.status_code == 200
    assert "输入整数" in bad.content.decode()  # Django's own Chinese message, beside the box
    assert not StockCount.objects.exists()
    done = client.post(reverse("inspections:count", args=[shop.pk]), {f"count_{needed[0]}": "12"})
    assert done.status_code == 302
    count = StockCount.objects.get()
    assert (count.product_id, count.cartons, count.source, count.recorded_by, count.counted_on) == (
        needed[0],
        12,
        "manager",
        manager1,
        city,
    )
    assert products_to_count(retailer_ids=[shop.pk], today=city)[shop.pk] == needed[1:]
    assert client.get(reverse("inspections:count", args=[other_shop.pk])).status_code == 404  # manager2's shop


def test_an_uncounted_demo_retailer_is_advised_short_on_under_a_tenth_of_its_products(city):
    # the figure: all 36 of 36 products were "short" for an uncounted demo retailer
    inventory_advice_nightly(today=city)
    counted = set(StockCount.objects.values_list("retailer_id", flat=True))
    rows = InventoryAdvice.objects.filter(advice_run__is_current=True).exclude(retailer_id__in=counted)
    per_shop: dict[int, list[int]] = {}
    for retailer, status in rows.values_list("retailer_id", "status"):
        per_shop.setdefault(retailer, []).append(status)
    assert len(per_shop) > 100
    shares = sorted(statuses.count(Status.SHORT) / len(statuses) for statuses in per_shop.values())
    assert shares[len(shares) // 2] < 0.10  # the typical (median) uncounted shop
    assert max(shares) == 0  # with no count at all, never short
