"""The report page's prefilled boxes are suggestions, not reports (tester 2026-11-27: the boxes showed
cartons while the page said 已填报规格数 0): the boxes start from the shop's recent orders; nothing is
stored until it saves. The page says how many boxes are only suggestions, marks each of them, and
counts as reported only what is stored."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from cycles.calendar import cycle_monday
from cycles.services import cycle_get_or_create
from demand.models import DemandReport
from orders.models import Order
from tests.words import ZH, shown

pytestmark = pytest.mark.django_db


@pytest.fixture
def open_cycle(db):
    """The cycle two weeks ahead of the real today: open for reports."""
    return cycle_get_or_create(starts_on=cycle_monday(timezone.localdate()) + dt.timedelta(weeks=2))


def _item(page: str, code: str) -> str:
    start = page.index(f'data-code="{code}"')
    return page[start : page.index("</div>", page.index("</label>", start))]


def test_prefilled_boxes_are_called_suggestions_until_saved(client, shop, open_cycle, products):
    p1, p2, _new, _withdrawn = products
    past = cycle_get_or_create(starts_on=open_cycle.starts_on - dt.timedelta(weeks=3))
    Order.objects.create(cycle=past, retailer=shop, product=p1, ordered_qty=4, amount=400)
    Order.objects.create(cycle=past, retailer=shop, product=p2, ordered_qty=6, amount=600)
    client.force_login(shop.user)

    body = client.get(reverse("demand:report"), **ZH).content.decode()
    page = shown(body.encode())
    assert f'name="cartons_{p1.pk}" value="4"' in body  # prefilled from its recent orders
    assert "上报的品规 0" in page  # nothing stored: still true
    assert "按近期订货预填、尚未填报 2" in page
    assert "有 2 个输入框中的数字只是按您近期订货给出的建议，尚未填报" in page
    assert "建议值，尚未填报" in _item(body, p1.code)
    assert "已填报" not in shown(_item(body, p1.code).encode()).replace("尚未填报", "")

    # saved: p1 reported as shown, p2's box emptied (nothing reported for it)
    client.post(reverse("demand:report"), {f"cartons_{p1.pk}": "4", f"cartons_{p2.pk}": ""}, **ZH)
    assert dict(DemandReport.objects.filter(retailer=shop).values_list("product_id", "cartons")) == {p1.pk: 4}
    body = client.get(reverse("demand:report"), **ZH).content.decode()
    page = shown(body.encode())
    assert "上报的品规 1" in page
    assert "按近期订货预填、尚未填报 1" in page  # p2 still starts from its orders, not reported
    assert "建议值" not in _item(body, p1.code)
    assert "已填报" in _item(body, p1.code)
    assert "建议值，尚未填报" in _item(body, p2.code)


def test_with_everything_reported_no_suggestion_is_announced(client, shop, open_cycle, products):
    p1 = products[0]
    past = cycle_get_or_create(starts_on=open_cycle.starts_on - dt.timedelta(weeks=3))
    Order.objects.create(cycle=past, retailer=shop, product=p1, ordered_qty=4, amount=400)
    DemandReport.objects.create(cycle=open_cycle, retailer=shop, product=p1, cartons=3)
    client.force_login(shop.user)
    body = client.get(reverse("demand:report"), **ZH).content.decode()
    assert f'name="cartons_{p1.pk}" value="3"' in body
    page = shown(body.encode())
    assert "上报的品规 1" in page
    assert "尚未填报" not in page
