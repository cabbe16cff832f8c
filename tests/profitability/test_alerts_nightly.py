"""The nightly job's alerts from real orders: an idle shop (ordered before the window, or never) is
flagged, a closed one is not, and the report page and its PDF show each value in its own unit."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from cycles.services import cycle_get_or_create
from orders.models import Order
from orders.services import weekly_purchases_refresh
from pricing.models import ProductPrice
from profitability.engine.alerts import AlertKind
from profitability.models import ProfitAlert
from profitability.services import profit_figures_nightly
from retailers.models import RetailerStatus
from tests.factories import ProductFactory, RetailerFactory, UserFactory

pytestmark = pytest.mark.django_db
FIRST = dt.date(2025, 12, 29)  # week 0; weeks 0 … 11 end with 2026-03-16, the latest complete week
TODAY = dt.date(2026, 3, 25)  # a Wednesday in the cycle of 2026-03-23


@pytest.fixture
def night():
    manager = UserFactory(username="golden-manager")
    idle, never, falling = (RetailerFactory(manager=manager) for _ in range(3))
    closed = RetailerFactory(manager=manager, status=RetailerStatus.CLOSED)
    product = ProductFactory()
    ProductPrice.objects.create(product=product, effective_from=dt.date(2025, 1, 1), wholesale_price=100, retail_price=120)
    cycles = [cycle_get_or_create(starts_on=FIRST + dt.timedelta(weeks=k)) for k in range(12)]
    orders = [(idle, 0, 5)] + [(falling, k, 10 if k < 8 else 6) for k in range(12)]
    for shop, week, cartons in orders:
        Order.objects.create(cycle=cycles[week], retailer=shop, product=product, ordered_qty=cartons,
                             amount=Decimal(100 * cartons))  # fmt: skip
    weekly_purchases_refresh(cycle_ids=[c.pk for c in cycles])
    profit_figures_nightly(today=TODAY)
    alerts = {(a.retailer_id, a.kind): a for a in ProfitAlert.objects.filter(profit_run__is_current=True)}
    return manager, {"idle": idle, "never": never, "falling": falling, "closed": closed}, alerts


def test_idle_shops_are_flagged_and_a_closed_one_is_not(night):
    _manager, shops, alerts = night
    # The window is weeks 4 … 11. The idle shop ordered in week 0 only: 11 − 0 = 11 weeks since.
    idle = alerts[(shops["idle"].pk, AlertKind.NO_ORDERS)]
    assert (idle.value, idle.reference) == (11.0, 4.0)
    never = alerts[(shops["never"].pk, AlertKind.NO_ORDERS)]
    assert never.value is None  # no order on record
    assert never.reference == 4.0
    assert not any(shop == shops["closed"].pk for shop, _kind in alerts)
    assert (shops["falling"].pk, AlertKind.NO_ORDERS) not in alerts


def test_falling_profit_is_stored_in_yuan_and_shown_with_its_unit(client, night):
    manager, shops, alerts = night
    # 20 yuan a carton (120 − 100). Weeks 4–7: 4 × 10 × 20 = 800 yuan; weeks 8–11: 4 × 6 × 20 = 480 yuan;
    # 480 / 800 − 1 = −40%, beyond the 25% rule.
    falling = alerts[(shops["falling"].pk, AlertKind.FALLING_PROFIT)]
    assert (falling.value, falling.reference) == (480.0, 800.0)

    client.force_login(manager)
    url = reverse("admin:profitability_report", args=[shops["falling"].pk])
    with translation.override("zh-hans"):
        page = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
        assert "480.00 元 (-40.0%)" in page
        assert "800.00 元" in page
        assert "48000" not in page  # the fen, as the page showed them before
        pdf = PdfReader(io.BytesIO(client.get(url + "?format=pdf", HTTP_ACCEPT_LANGUAGE="zh-hans").content))
    text = "".join(p.extract_text() for p in pdf.pages)
    assert "480.00" in text
    assert "800.00" in text

    idle_url = reverse("admin:profitability_report", args=[shops["idle"].pk])
    never_url = reverse("admin:profitability_report", args=[shops["never"].pk])
    with translation.override("zh-hans"):
        assert "已 11 周未订货" in client.get(idle_url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
        never_page = client.get(never_url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "无订货记录" in never_page
    assert "连续 4 周未订货即提示" in never_page
