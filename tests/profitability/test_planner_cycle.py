"""The budget planner reads the quotas of the cycle the shop's phone shows (tester, 2026-11-27: the
retailer report said 本周期暂无定量。 while the shop's phone listed 118 products and 727 条): on
Friday 2026-11-27 a Wednesday shop's ordering in 2026-11-4 is over and 2026-11-5 is not published,
so the phone shows 2026-11-4's quotas, and so does the planner, naming the cycle."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from allocation.quota_sheets import quota_sheet
from cycles.models import OrderCycle
from demo.services import demo_city_create, demo_first_rerating, demo_quotas_publish
from profitability.selectors import planner_quotas, retailer_report
from retailers.logins import retailer_login_reset
from retailers.models import Retailer
from tests.words import ZH, shown

FRIDAY = dt.date(2026, 11, 27)
pytestmark = pytest.mark.django_db


@pytest.fixture
def shop(on_friday):
    """A weekly shop of manager1 ordering on Wednesdays: its 2026-11-4 ordering closed on Tuesday."""
    demo_city_create(retailers=240, products=16, weeks=14, seed=3, today=FRIDAY)
    demo_first_rerating(today=FRIDAY)
    demo_quotas_publish(today=FRIDAY - dt.timedelta(days=1))  # 2026-11-4 only: 2026-11-5 not published yet
    assert OrderCycle.objects.get(starts_on=dt.date(2026, 11, 30)).status != "published"
    manager1 = get_user_model().objects.get(username="manager1")
    retailer = (
        Retailer.objects.filter(manager=manager1, status="active", order_cycle_kind="weekly").order_by("-tier").first()
    )
    Retailer.objects.filter(pk=retailer.pk).update(order_weekday=3)
    retailer_login_reset(retailer=retailer, actor=manager1)
    retailer.refresh_from_db()
    return retailer


def test_the_planner_reads_the_cycle_the_phone_shows(client, shop):
    cycle = OrderCycle.objects.get(starts_on=dt.date(2026, 11, 23))
    phone = quota_sheet(retailer=shop, cycle=cycle)
    assert phone.published
    assert phone.cartons > 0
    client.force_login(shop.user)
    home = shown(client.get(reverse("portal:home"), **ZH).content)
    assert f"{phone.cartons}" in home  # the phone shows 2026-11-4's quotas

    report = retailer_report(retailer=shop, today=FRIDAY)
    assert report.cycle is None
    assert report.quota_note == "closed"
    assert report.plan_cycle == cycle
    assert sum(line.quota for line in report.plan_lines) == phone.cartons
    assert planner_quotas(retailer=shop, today=FRIDAY)[0] == cycle

    client.force_login(get_user_model().objects.get(username="manager1"))
    url = reverse("admin:profitability_report", args=[shop.pk])
    page = shown(client.get(url, {"budget": "100000"}, **ZH).content)
    assert "本周期暂无定量" not in page
    assert f"周期 {cycle.label} 预算（元）" in page
    assert f"在周期 {cycle.label} 的定量内，花费" in page
    assert "该零售户本周期订货已结束，下周期货源尚未发布。" in page
