"""Compliance figures in the admin: by area on hand-computed inspections, scoped to the user."""

import io
import re
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from openpyxl import load_workbook

from compliance.figures import compliance_report
from compliance.inspections import inspection_record
from compliance.planning import visit_products
from cycles.calendar import cycle_monday
from pricing.models import Product
from retailers.models import Retailer

pytestmark = pytest.mark.django_db


def _inspect(manager, retailer, day, *, ratio, tagged=True):
    products = visit_products(retailer, cycle_monday(day))[:2]
    inspection_record(
        inspector=manager, retailer=retailer, visited_on=day, kind="open",
        lines=[
            {"product": p.code, "tag_present": tagged, "tag_price": str(p.retail_price) if tagged else "",
             "price_carton": str((p.retail_price * Decimal(ratio)).quantize(Decimal("0.01")))}
            for p in products
        ],
    )  # fmt: skip


@pytest.fixture
def inspected(city, manager1, manager2, shop, other_shop):
    second = Retailer.objects.filter(manager=manager1, status="active").exclude(pk=shop.pk).first()
    _inspect(manager1, shop, city, ratio="1.05")  # right tags, charged 5% above them
    _inspect(manager1, second, city, ratio="1.05", tagged=False)  # no tags, 5% above guide
    _inspect(manager2, other_shop, city, ratio="1")  # all right
    return second


def test_figures_by_manager_for_a_supervisor(city, inspected, manager1, manager2):
    supervisor = get_user_model().objects.get(username="supervisor")
    report = compliance_report(user=supervisor, level="manager", step="month", start=city, end=city)
    rows = {g.key: g for g in report.groups}
    one, two = rows[manager1.pk], rows[manager2.pk]
    assert (one.on_display, one.tag_rate, one.above_guide, one.below_guide, one.violations) == (4, 0.5, 4, 0, 4)
    assert one.price_on_target == pytest.approx(1.05, abs=1e-3)
    assert one.price_index == pytest.approx(105.0, abs=0.1)  # every product 5% above: any weights give 105
    assert (two.on_display, two.tag_rate, two.above_guide, two.violations) == (2, 1.0, 0, 0)
    assert two.price_index == pytest.approx(100.0)
    assert report.inspections == 3
    assert [g.key for g in report.groups][0] == manager1.pk  # lowest tag rate first
    assert len(report.trend) == 1
    assert report.trend[0][1] == pytest.approx(4 / 6)


def test_a_manager_sees_only_their_retailers(client, city, inspected, manager1, shop, other_shop):
    report = compliance_report(user=manager1, level="retailer", step="week", start=city, end=city)
    assert {g.key for g in report.groups} == {shop.pk, inspected.pk}
    client.force_login(manager1)
    url = reverse("admin:compliance_figures")
    page = client.get(url, {"level": "retailer"}).content.decode()
    assert shop.customer_code in page
    assert other_shop.customer_code not in page
    assert "<svg" in page
    sheet = client.get(url, {"level": "retailer", "format": "xlsx"})
    cells = [c for row in load_workbook(io.BytesIO(sheet.content)).active.iter_rows(values_only=True) for c in row]
    assert any(shop.customer_code in str(c) for c in cells)
    assert not any(other_shop.customer_code in str(c) for c in cells)
    client.force_login(shop.user)
    assert client.get(url).status_code == 302  # retailers never reach the admin


def test_products_sold_above_guide_show_as_scarce(city, manager1):
    product = Product.objects.filter(lifecycle="active").order_by("code").first()
    for retailer in Retailer.objects.filter(manager=manager1, status="active")[:5]:
        inspection_record(
            inspector=manager1, retailer=retailer, visited_on=city, kind="covert",
            lines=[{"product": product.code, "tag_present": True, "tag_price": str(product.retail_price),
                    "price_carton": str(product.retail_price + 20)}],
        )  # fmt: skip
    report = compliance_report(user=manager1, level="product", step="month", start=city, end=city)
    row = next(g for g in report.groups if g.key == product.pk)
    assert (row.on_display, row.above_guide, row.signal) == (5, 5, "scarce")


def test_rate_and_index_on_separate_charts_whose_axes_hold_the_data(client, city, inspected):
    """The tag rate (%) and the price index (guide = 100) are two charts, each axis reaching its data;
    the chart and the table call the rate by one word."""
    from django.utils import translation

    from tests.core.test_chart_axis import y_axis_labels

    client.force_login(get_user_model().objects.get(username="supervisor"))
    with translation.override("zh-hans"):
        page = client.get(reverse("admin:compliance_figures"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    rate = re.search(r'class="report-chart tag-rate-trend">(.*?)</svg>', page, re.S).group(1)
    index = re.search(r'class="report-chart price-index-trend">(.*?)</svg>', page, re.S).group(1)
    # tag rate 4 correct of 6 = 66.7% on a zero baseline; index (105 × 2 + 105 × 2 + 100 × 2 weighted) ≤ 105
    assert min(y_axis_labels(rate)) == 0
    assert max(y_axis_labels(rate)) >= 66.7
    assert max(y_axis_labels(index)) >= 100.0
    assert min(y_axis_labels(index)) > 0
    assert "价格指数" not in rate
    assert "明码标价率" in rate
    assert "明码标价率" not in index
    table_head = page[page.index("<table") :]
    assert "明码标价率" in table_head
    assert "价签合格率" not in page
