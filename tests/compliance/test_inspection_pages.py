"""A customer manager records an inspection on a phone page; only their own retailers."""

import pytest
from django.urls import reverse

from compliance.engine.sampling import sample_products
from compliance.models import Inspection
from compliance.planning import visit_products
from cycles.calendar import cycle_monday

pytestmark = pytest.mark.django_db


def test_sample_is_stable_distinct_and_leans_to_scarce_products():
    ids, scarce = list(range(1, 41)), [i <= 5 for i in range(1, 41)]
    first = sample_products(ids, scarce, 5, seed=7)
    assert first == sample_products(ids, scarce, 5, seed=7)
    assert len(set(first)) == 5
    hits = sum(sum(p <= 5 for p in sample_products(ids, scarce, 5, seed=s)) for s in range(400))
    assert hits / (400 * 5) > 2 * (5 / 40)  # scarce products picked well above their 12.5% share
    assert sample_products([3, 1], [False, True], 5, seed=1) == [1, 3]


def form_for(products, **overrides):
    data = {"kind": "open", "notes": ""}
    for p in products:
        data[f"tag_present_{p.pk}"] = "on"
        data[f"tag_price_{p.pk}"] = str(p.retail_price)
        data[f"price_carton_{p.pk}"] = str(p.retail_price)
    data.update(overrides)
    return data


def test_manager_records_an_inspection_and_sees_compliance(client, manager1, shop, city):
    client.force_login(manager1)
    assert shop.customer_code in client.get(reverse("inspections:retailers")).content.decode()
    products = visit_products(shop, cycle_monday(city))
    assert len(products) == 5
    url = reverse("inspections:inspect", args=[shop.pk])
    first = products[0]
    response = client.post(url, form_for(products, **{f"price_carton_{first.pk}": str(first.retail_price + 5)}))
    assert response.status_code == 302
    inspection = Inspection.objects.get()
    assert inspection.lines.count() == 5
    page = client.get(reverse("inspections:compliance", args=[shop.pk])).content.decode()
    assert "100%" in page  # every tag right
    assert "1</strong>" in page  # one price above guide


def test_a_bad_inspection_is_refused_with_row_and_column_and_nothing_saved(client, manager1, shop, city):
    client.force_login(manager1)
    products = visit_products(shop, cycle_monday(city))
    bad = form_for(products, **{f"tag_price_{products[1].pk}": "-3"})
    page = client.post(reverse("inspections:inspect", args=[shop.pk]), bad).content.decode()
    assert "row 2, column tag_price" in page
    assert "negative price" in page
    assert not Inspection.objects.exists()


def test_inspection_pages_are_only_for_the_retailers_manager(client, manager1, other_shop, shop):
    client.force_login(manager1)
    assert client.get(reverse("inspections:inspect", args=[other_shop.pk])).status_code == 404
    assert client.get(reverse("inspections:compliance", args=[other_shop.pk])).status_code == 404
    client.force_login(shop.user)
    assert client.get(reverse("inspections:retailers")).status_code == 403
    assert client.get(reverse("inspections:inspect", args=[shop.pk])).status_code == 403
