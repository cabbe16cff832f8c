"""The week's inspection list per manager, and the printable price-tag sheet."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from compliance.engine.sampling import retailer_weights, weighted_sample
from compliance.inspections import inspection_record
from compliance.models import CompliancePolicy
from compliance.planning import inspection_list, shop_weights, visit_products
from compliance.tags import tag_products, tags_on
from cycles.calendar import cycle_monday
from orders.models import Order
from pricing.models import Lifecycle, Product, ProductPrice
from retailers.models import Retailer

pytestmark = pytest.mark.django_db


def test_weighted_sample_is_stable_and_leans_to_heavier_ids():
    ids = list(range(100))
    weights = retailer_weights(ids, repeat_violators=set(range(10)), recently_inspected=set(range(50, 100)))
    assert weights[0] == 2.0
    assert weights[60] == 0.25
    assert weighted_sample(ids, weights, 20, seed=5) == weighted_sample(ids, weights, 20, seed=5)
    picks = [i for s in range(200) for i in weighted_sample(ids, weights, 20, seed=s)]
    violators = sum(i < 10 for i in picks) / len(picks)
    recent = sum(i >= 50 for i in picks) / len(picks)
    assert violators > 0.1 * 1.5  # 10% of the shops, well over their share
    assert recent < 0.5 * 0.5  # half of the shops, well under their share


def test_the_weeks_list_follows_the_policy_and_marks_visits_done(city, manager1):
    CompliancePolicy.objects.update_or_create(pk=1, defaults={"retailers_per_week": 6, "products_per_visit": 3})
    planned = inspection_list(manager=manager1, on=city)
    assert len(planned) == 6
    assert {v.retailer.manager_id for v in planned} == {manager1.pk}
    assert all(len(v.products) == 3 for v in planned)
    assert not any(v.done for v in planned)
    assert [v.retailer.pk for v in inspection_list(manager=manager1, on=city)] == [v.retailer.pk for v in planned]
    visit = planned[0]
    inspection_record(
        inspector=manager1, retailer=visit.retailer, visited_on=city, kind="open",
        lines=[{"product": p.code, "tag_present": True, "tag_price": str(p.retail_price)} for p in visit.products],
    )  # fmt: skip
    again = inspection_list(manager=manager1, on=city)
    assert [v.retailer.pk for v in again] == [v.retailer.pk for v in planned]  # the list holds all week
    assert [v.done for v in again].count(True) == 1
    assert next(v for v in again if v.retailer.pk == visit.retailer.pk).done


def test_the_list_costs_the_same_queries_for_6_shops_as_for_20_and_matches_each_shops_own_draw(city, manager1):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = {}
    for shops in (6, 20):
        CompliancePolicy.objects.update_or_create(pk=1, defaults={"retailers_per_week": shops, "products_per_visit": 3})
        with CaptureQueriesContext(connection) as queries:
            planned = inspection_list(manager=manager1, on=city)
        counts[shops] = len(queries)
    assert len(planned) == 20
    assert counts[20] == counts[6]
    week = cycle_monday(city)
    for visit in planned:
        assert [p.pk for p in visit.products] == [p.pk for p in visit_products(visit.retailer, week)]


def test_the_list_products_come_from_what_the_shop_ordered(city, manager1):
    CompliancePolicy.objects.update_or_create(pk=1, defaults={"retailers_per_week": 3, "products_per_visit": 2})
    week = cycle_monday(city)
    on_sale = set(Product.objects.exclude(lifecycle=Lifecycle.WITHDRAWN).values_list("pk", flat=True))
    checked = 0
    for visit in inspection_list(manager=manager1, on=city):
        ordered = set(
            Order.objects.filter(retailer=visit.retailer, cycle__starts_on__gte=week - dt.timedelta(weeks=8))
            .values_list("product_id", flat=True)
        )  # fmt: skip
        # a shop that ordered nothing lately is checked on any product on sale (compliance.tags.shops_products);
        # which shops the week's draw takes depends on the database's ids
        assert {p.pk for p in visit.products} <= (ordered or on_sale)
        checked += bool(ordered)
    assert checked, "no drawn shop ordered lately: the test checked nothing"


def test_the_list_page_shows_the_week_and_weights_come_from_earlier_inspections(client, city, manager1):
    CompliancePolicy.objects.update_or_create(pk=1, defaults={"retailers_per_week": 4})
    client.force_login(manager1)
    page = client.get(reverse("inspections:retailers")).content.decode()
    for visit in inspection_list(manager=manager1, on=city):
        assert visit.retailer.customer_code in page
    shops = list(Retailer.objects.filter(manager=manager1, status="active").order_by("pk").values_list("pk", flat=True))
    violator, visited, later = (Retailer.objects.get(pk=pk) for pk in shops[:3])
    week = cycle_monday(city)

    def inspect(retailer, day, *, tagged):
        products = visit_products(retailer, cycle_monday(day))
        inspection_record(
            inspector=manager1, retailer=retailer, visited_on=day, kind="open",
            lines=[{"product": p.code, "tag_present": tagged, "tag_price": str(p.retail_price) if tagged else ""}
                   for p in products],
        )  # fmt: skip

    inspect(violator, week - dt.timedelta(weeks=6), tagged=False)
    inspect(violator, week - dt.timedelta(weeks=2), tagged=False)
    inspect(visited, week - dt.timedelta(weeks=1), tagged=True)
    inspect(later, week, tagged=False)  # this week's visits do not change this week's draw
    policy = CompliancePolicy.objects.get()
    weights = dict(zip(shops, shop_weights(shops, week, policy), strict=True))
    assert weights[violator.pk] == 2.0  # a repeat violator, followed up although visited lately
    assert weights[visited.pk] == 0.25  # visited lately and compliant
    assert weights[later.pk] == 1.0
    assert set(weights.values()) == {2.0, 0.25, 1.0}


def test_tag_sheet_shows_the_shops_products_at_the_guide_price_of_the_day(client, city, manager1, shop):
    sold = tag_products(shop, city)
    ordered = set(Order.objects.filter(retailer=shop).values_list("product_id", flat=True))
    assert sold
    assert {p.pk for p in sold} <= ordered
    product = sold[0]
    ProductPrice.objects.create(
        product=product, effective_from=city + dt.timedelta(days=1),
        wholesale_price=product.wholesale_price, retail_price=product.retail_price + 10,
    )  # fmt: skip
    today_tag = next(t for t in tags_on(sold, city) if t.code == product.code)
    assert today_tag.carton == product.retail_price  # tomorrow's price is not on today's tag
    assert today_tag.pack == (product.retail_price / product.packs_per_carton).quantize(today_tag.pack)
    assert next(t for t in tags_on(sold, city + dt.timedelta(days=1)) if t.code == product.code).carton == (
        product.retail_price + 10
    )
    client.force_login(manager1)
    url = reverse("inspections:tag_sheet", args=[shop.pk])
    page = client.get(url).content.decode()
    assert f"¥{today_tag.pack}" in page
    assert product.name in page
    every = client.get(url, {"all": "1"}).content.decode()
    assert every.count('class="tag"') == Product.objects.exclude(lifecycle="withdrawn").count()
    pdf = client.get(url, {"format": "pdf"})
    assert pdf["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert product.code in text
    assert f"¥{today_tag.carton}" in text


def test_tag_sheets_are_only_for_the_shop_its_manager_and_supervisors(client, city, manager1, shop, other_shop):
    client.force_login(manager1)
    assert client.get(reverse("inspections:tag_sheet", args=[other_shop.pk])).status_code == 404
    client.force_login(shop.user)
    assert client.get(reverse("inspections:tag_sheet", args=[shop.pk])).status_code == 403
    own = client.get(reverse("portal:tag_sheet"))
    assert own.status_code == 200
    assert shop.customer_code in own.content.decode()
    assert other_shop.customer_code not in own.content.decode()
