"""The phone names the last moment to order and the visit day for what they are (tester 2026-11-27):
the home card said "您的订货日 11/30 星期一" beside "订货时间 11/28 – 11/29", so a shop waiting for
its "订货日" missed its ordering. DOMAIN §1: a shop orders until the day before its order day (the
day its order is taken, 访销); the card now says "订货截止 11/29 星期日 24:00" and "访销日 11/30".

Friday 2026-11-27 10:00: cycle 2026-11-5 (11/30 – 12/6) is published, its ordering opens Saturday 11/28."""

import datetime as dt
import re

import pytest
from django.core.cache import cache, caches
from django.urls import reverse

from accounts.models import Role
from cycles.models import CycleStatus, OrderCycle
from cycles.services import cycle_get_or_create
from tests.factories import RetailerFactory, UserFactory
from tests.words import EN, ZH, shown

pytestmark = pytest.mark.django_db
MON, FRI = 1, 5


@pytest.fixture
def shops(on_friday):
    for starts in (dt.date(2026, 11, 23), dt.date(2026, 11, 30)):
        cycle = cycle_get_or_create(starts_on=starts)
        OrderCycle.objects.filter(pk=cycle.pk).update(status=CycleStatus.PUBLISHED)
    cache.clear()
    caches["local"].clear()

    def shop(rhythm, parity, weekday, name):
        user = UserFactory(username=name, role=Role.RETAILER, is_staff=False)
        return RetailerFactory(user=user, order_cycle_kind=rhythm, order_week_parity=parity, order_weekday=weekday)

    return {"monday": shop("biweekly", "odd", MON, "V-mon"), "friday": shop("weekly", "", FRI, "V-fri")}


def _card(client, shop, lang) -> str:
    client.force_login(shop.user)
    text = shown(client.get(reverse("portal:home"), **lang).content)
    start = text.index("订货周期 2026-11-5" if lang is ZH else "Cycle 2026-11-5")
    end = re.search(r"(订货剩余时间|Time left to order|Time until ordering opens|距开始订货)", text[start:])
    return text[start : start + end.start()].strip() if end else text[start : start + 400]


GOLDEN_ZH = {
    "monday": "订货周期 2026-11-5 周期日期 11/30 – 12/6 订货时间 11/28 – 11/29 订货截止 11/29 星期日 24:00 "
    "访销日（收取订单） 11/30 星期一 订货截止于访销日前一天 24:00，访销日当天不能再订货。 开始订货 11/28 星期六 0:00",
    "friday": "订货周期 2026-11-5 周期日期 11/30 – 12/6 订货时间 11/28 – 12/3 订货截止 12/3 星期四 24:00 "
    "访销日（收取订单） 12/4 星期五 订货截止于访销日前一天 24:00，访销日当天不能再订货。 开始订货 11/28 星期六 0:00",
}


@pytest.mark.parametrize("name", ["monday", "friday"])
def test_the_home_card_reads_word_for_word(client, shops, name):
    card = _card(client, shops[name], ZH)
    assert card == GOLDEN_ZH[name]
    assert "订货日" not in card.replace("最晚订货日", "")


def test_the_home_card_in_english(client, shops):
    card = _card(client, shops["monday"], EN)
    assert "Ordering closes 11/29 Sun 24:00" in card
    assert "Visit day (your order is taken) 11/30 Mon" in card
    assert "Your order day" not in card


def test_the_cycles_list_names_the_deadline_and_the_visit_day(client, shops):
    client.force_login(shops["friday"].user)
    zh = shown(client.get(reverse("portal:cycles"), **ZH).content)
    assert "订货 11/28 – 12/3 星期四 24:00 截止 · 访销日 12/4 星期五" in zh
    en = shown(client.get(reverse("portal:cycles"), **EN).content)
    assert "Ordering 11/28 – 12/3 Thu 24:00 · visit day 12/4 Fri" in en


def test_not_yet_published_asks_to_check_before_the_visit_day(client, on_friday):
    """The notes under a cycle whose quotas, or whose next cycle, are not published yet named the
    visit day "订货日" (tester): they now say 访销日, as the card above them does."""
    cycle = cycle_get_or_create(starts_on=dt.date(2026, 11, 23))  # published, its quotas not yet
    OrderCycle.objects.filter(pk=cycle.pk).update(status=CycleStatus.PUBLISHED)
    cache.clear()
    caches["local"].clear()
    user = UserFactory(username="V-mon", role=Role.RETAILER, is_staff=False)
    RetailerFactory(user=user, order_cycle_kind="weekly", order_week_parity="", order_weekday=MON)
    client.force_login(user)

    zh = shown(client.get(reverse("portal:home"), **ZH).content)
    assert "下周期货源尚未发布，请在访销日前再来查看。" in zh
    assert "该周期限量尚未发布，请在访销日前再来查看。" in zh
    assert "订货日" not in zh
    en = shown(client.get(reverse("portal:home"), **EN).content)
    assert "The next cycle's quotas are not published yet. Please check again before your visit day." in en
    assert "Quotas for this cycle are not published yet. Please check again before your visit day." in en
    assert "order day" not in en
