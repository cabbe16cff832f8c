"""The phone pages name the cycle they speak of: "本周期" / "this cycle" is the home page's cycle (the
tab that bears the name), so a page about another cycle names it (2026-12-1 周期您想要…) or says
"该周期" right under a title naming it. Lists read as the language writes them (长河(金)、云峰(精品) ·
"Changhe, Yunfeng") and counted nouns take their plural form (1 carton, 2 cartons).

The day: Friday 2026-11-27. The demo city has 11-4 and 11-5 published (ordering for 11-5 opens
tomorrow); a weekly shop ordering on Fridays orders 11-5 next, so home shows 11-5, while today's
cycle is 11-4 and cycle 12-1 (starting 12/7) takes demand reports."""

import datetime as dt
import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from cycles.services import cycle_get_or_create
from demo.services import demo_city_create, demo_demand_reports_create, demo_first_rerating, demo_quotas_publish
from inventory.engine.advice import Status
from inventory.models import InventoryAdvice
from inventory.services import inventory_advice_nightly
from pricing.models import Product
from retailers.logins import retailer_login_reset
from retailers.models import Retailer
from tests.words import EN, ZH, shown

FRIDAY = dt.date(2026, 11, 27)
pytestmark = pytest.mark.django_db


@pytest.fixture
def shop(on_friday, client):
    """A weekly shop ordering on Fridays, logged in: its 11-4 ordering closed yesterday."""
    demo_city_create(retailers=240, products=16, weeks=14, seed=3, today=FRIDAY)
    demo_first_rerating(today=FRIDAY)
    demo_demand_reports_create(today=FRIDAY)
    demo_quotas_publish(today=FRIDAY)
    cycle_get_or_create(starts_on=dt.date(2026, 12, 7))  # 2026-12-1, open for demand reports
    retailer = Retailer.objects.filter(status="active", order_cycle_kind="weekly").order_by("-tier").first()
    Retailer.objects.filter(pk=retailer.pk).update(order_weekday=5)
    inventory_advice_nightly(today=FRIDAY)
    retailer_login_reset(retailer=retailer, actor=get_user_model().objects.get(username="supervisor"))
    retailer.refresh_from_db()
    # tonight's advice for two of its products: one counted today (1 carton, sells 1 a week), one unknown
    rows = InventoryAdvice.objects.filter(advice_run__is_current=True, retailer=retailer)
    healthy, unknown = rows.order_by("product__code")[:2]
    InventoryAdvice.objects.filter(pk=healthy.pk).update(
        status=Status.HEALTHY, stock=1, stock_is_estimate=False, weekly_sales=1.0, suggested_order=1, counted_cartons=1,
        count_age_days=0,
    )  # fmt: skip
    InventoryAdvice.objects.filter(pk=unknown.pk).update(
        status=Status.UNKNOWN, stock=None, weekly_sales=1.0, suggested_order=1
    )
    Product.objects.filter(pk__in=[healthy.product_id, unknown.product_id]).update(lifecycle="active")
    client.force_login(retailer.user)
    return retailer


def words_of(client, name, headers, **kwargs) -> str:
    response = client.get(reverse(name, **kwargs), **headers)
    assert response.status_code == 200
    return shown(response.content)


def test_this_cycle_is_only_the_home_pages(client, shop):
    home = words_of(client, "portal:home", ZH)
    assert "订货周期 2026-11-5" in home
    # the tab "本周期" is home; no page says it of another cycle
    for name, kwargs in [
        ("portal:home", {}), ("portal:cycles", {}), ("portal:cycle", {"args": ["2026-11-23"]}),
        ("portal:notices", {}), ("portal:stock", {}), ("portal:profit", {}), ("demand:report", {}),
    ]:  # fmt: skip
        page = words_of(client, name, ZH, **kwargs)
        assert page.count("本周期") == 1, (name, [m.start() for m in re.finditer("本周期", page)])  # the tab
    demand = words_of(client, "demand:report", ZH)
    assert "2026-12-1 周期您想要各规格多少条？" in demand
    assert "（2026-12-1 周期 12/7 开始）" in demand
    assert "do you want in cycle 2026-12-1?" in words_of(client, "demand:report", EN)
    assert "2026-11-5 周期紧俏品规" in words_of(client, "portal:notices", ZH)  # home's cycle, named
    assert "Scarce products in cycle 2026-11-5" in words_of(client, "portal:notices", EN)
    assert "该周期订货已结束。" in words_of(client, "portal:cycle", ZH, args=["2026-11-23"])
    stock = words_of(client, "portal:stock", ZH)
    # the advice counted the quotas of the cycle the shop orders next, the one home shows, and names it
    assert "11/27 夜间按 2026-11-5 周期的限量计算。" in stock


def test_english_lists_and_counted_nouns(client, shop):
    scarce = Product.objects.filter(is_scarce=True).order_by("code").first()
    Product.objects.filter(is_scarce=False, lifecycle="active").update(price_band=scarce.price_band)
    names = list(
        Product.objects.filter(is_scarce=False, lifecycle="active").order_by("-wholesale_price")
        .values_list("name", flat=True)[:3]
    )  # fmt: skip
    english = client.get(reverse("portal:notices"), **EN).content.decode()
    assert f"Similar products in the same price band: {', '.join(names)}</div>" in english
    chinese = client.get(reverse("portal:notices"), **ZH).content.decode()
    assert f"同价位段可替代品规： {'、'.join(names)}</div>" in chinese
    stock = words_of(client, "portal:stock", EN)
    assert "sells 1 carton a week" in stock
    assert "Stock 1 carton · Sold per week 1 carton" in stock
    assert "order 1 carton to keep it so" in stock
    assert "1 cartons" not in stock
    assert "每周卖 1 条" in words_of(client, "portal:stock", ZH)
