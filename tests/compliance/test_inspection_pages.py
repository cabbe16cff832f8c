"""A customer manager records an inspection on a phone page; only their own retailers. Only the
products marked checked count; a refused form comes back as entered, each problem beside its field."""

import re

import pytest
from django.urls import reverse

from compliance.engine.sampling import sample_products
from compliance.models import Inspection, InspectionLine
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
        data[f"tag_{p.pk}"] = "present"
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


def _field_error(page: str, field: str, pk: int) -> str:
    found = re.search(rf'<p class="field-error" id="err_{field}_{pk}">(.*?)</p>', page)
    return found.group(1) if found else ""


def test_a_blank_form_is_refused_and_nothing_is_stored(client, manager1, shop, city):
    client.force_login(manager1)
    products = visit_products(shop, cycle_monday(city))
    blank = {"kind": "open", "notes": "", **{f"tag_{p.pk}": "" for p in products}}  # every product "not checked"
    response = client.post(reverse("inspections:inspect", args=[shop.pk]), blank)
    assert response.status_code == 200
    page = response.content.decode()
    assert "没有检查任何品规：请至少为一个品规选择“有价签”或“无价签”。" in page
    assert (Inspection.objects.count(), InspectionLine.objects.count()) == (0, 0)
    page = client.get(reverse("inspections:compliance", args=[shop.pk])).content.decode()
    assert "nan" not in page
    assert "尚无检查记录。" in page


def test_a_form_with_errors_comes_back_as_entered_with_each_error_beside_its_field(client, manager1, shop, city):
    from stock.models import StockCount

    client.force_login(manager1)
    products = visit_products(shop, cycle_monday(city))
    first, bad, unchecked = products[0], products[1], products[3]
    counts = StockCount.objects.count()
    form = form_for(
        products,
        kind="covert",
        notes="门口新换了柜台",
        **{
            f"price_carton_{bad.pk}": "-5",
            f"tag_{unchecked.pk}": "",
            f"tag_price_{unchecked.pk}": "",
            f"price_carton_{unchecked.pk}": "",
            f"stock_{first.pk}": "6",
            f"price_pack_{first.pk}": "23.50",
        },
    )
    page = client.post(reverse("inspections:inspect", args=[shop.pk]), form).content.decode()
    assert (Inspection.objects.count(), StockCount.objects.count()) == (0, counts)  # nothing saved
    assert _field_error(page, "price_carton", bad.pk) == "价格不能为负数。"  # beside the bad price, in Chinese
    assert page.count('class="field-error"') == 1  # and nowhere else
    assert "未保存。" in page
    assert re.search(r"row \d|column|negative", page) is None  # no English, no field codes
    assert f'id="price_carton_{bad.pk}" value="-5" aria-invalid="true"' in page
    # Everything else as entered: ticks, prices, stock count, kind of visit, notes.
    for p in products:
        state = "" if p == unchecked else "present"
        assert re.search(rf'name="tag_{p.pk}" value="{state}" checked', page)
        if p != unchecked:
            assert f'id="tag_price_{p.pk}" value="{p.retail_price}"' in page
    assert f'id="price_pack_{first.pk}" value="23.50"' in page
    assert f'id="stock_{first.pk}" value="6"' in page
    assert '<option value="covert" selected>' in page
    assert 'value="门口新换了柜台"' in page


def test_a_price_not_observed_shows_a_dash_not_nan(client, manager1, shop, city):
    client.force_login(manager1)
    products = visit_products(shop, cycle_monday(city))
    only = products[0]
    form = {"kind": "open", f"tag_{only.pk}": "present", f"tag_price_{only.pk}": str(only.retail_price)}
    assert client.post(reverse("inspections:inspect", args=[shop.pk]), form).status_code == 302
    assert InspectionLine.objects.get().product == only  # one product checked, four not
    page = client.get(reverse("inspections:compliance", args=[shop.pk])).content.decode()
    assert "nan" not in page
    assert "<strong>—</strong>" in page  # price on target: no price charged was observed
    assert '<strong class="tag-rate">100%</strong>' in page


def test_inspection_pages_are_only_for_the_retailers_manager(client, manager1, other_shop, shop):
    client.force_login(manager1)
    assert client.get(reverse("inspections:inspect", args=[other_shop.pk])).status_code == 404
    assert client.get(reverse("inspections:compliance", args=[other_shop.pk])).status_code == 404
    client.force_login(shop.user)
    assert client.get(reverse("inspections:retailers")).status_code == 403
    assert client.get(reverse("inspections:inspect", args=[shop.pk])).status_code == 403
