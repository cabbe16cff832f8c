"""The quota a shop can still order, on Friday 2026-11-27: cycle 2026-11-4 (11/23–11/29, even ISO
week) is published and its ordering is over for a Friday shop; 2026-11-5 (11/30–12/6, odd week) may
or may not be published yet."""

import datetime as dt

import pytest
from django.utils import translation

from cycles.models import CycleStatus, OrderCycle
from cycles.services import cycle_get_or_create
from profitability.selectors import ReportSummary, quota_note, this_cycle_quotas
from profitability.tables import quota_text
from tests.factories import RetailerFactory

FRIDAY = dt.date(2026, 11, 27)


@pytest.fixture
def cycles(db):
    c4 = cycle_get_or_create(starts_on=dt.date(2026, 11, 23))
    c5 = cycle_get_or_create(starts_on=dt.date(2026, 11, 30))
    OrderCycle.objects.filter(pk=c4.pk).update(status=CycleStatus.PUBLISHED)
    return c4, c5


def publish(cycle):
    OrderCycle.objects.filter(pk=cycle.pk).update(status=CycleStatus.PUBLISHED)


def test_after_its_order_day_a_shop_has_no_quota_left_until_the_next_cycle_is_published(cycles):
    _c4, c5 = cycles
    friday_shop = RetailerFactory(order_cycle_kind="weekly", order_weekday=5)
    assert this_cycle_quotas(retailer=friday_shop, today=FRIDAY) == (None, [])  # 11-4: ordered until Thursday
    assert quota_note(retailer=friday_shop, today=FRIDAY) == "closed"
    assert this_cycle_quotas(retailer=friday_shop, today=dt.date(2026, 11, 26))[0].label == "2026-11-4"
    publish(c5)
    assert this_cycle_quotas(retailer=friday_shop, today=FRIDAY)[0] == c5


def test_a_biweekly_shop_in_its_off_week_reads_its_next_cycle(cycles):
    _c4, c5 = cycles
    odd_week_shop = RetailerFactory(order_cycle_kind="biweekly", order_week_parity="odd", order_weekday=1)
    assert quota_note(retailer=odd_week_shop, today=FRIDAY) == "off_week"
    publish(c5)
    assert this_cycle_quotas(retailer=odd_week_shop, today=FRIDAY)[0] == c5


def summary(**kwargs) -> ReportSummary:
    return ReportSummary(None, None, 0, "manager", [], [], **kwargs)


def test_the_quota_left_in_words():
    with translation.override("zh-hans"):
        assert (
            quota_text(summary(quota=1234, quota_left=34, quota_cycle="2026-11-5")) == "34 / 1,234 条（2026-11-5 期）"
        )
        assert quota_text(summary(quota=0, quota_left=None, quota_cycle="2026-11-5")) == "2026-11-5 期没有货源"
        off = quota_text(summary(quota=0, quota_left=None, quota_note="off_week"))
        assert off == "该零售户本期不订货（双周订货），其下期货源尚未发布"
        assert quota_text(summary(quota=0, quota_left=None, quota_note="closed")) == "本期订货已结束，下期货源尚未发布"
        assert quota_text(summary(quota=0, quota_left=None, quota_note="unpublished")) == "本期货源尚未发布"
    with translation.override("en"):
        assert quota_text(summary(quota=1, quota_left=1, quota_cycle="2026-11-5")) == "1 of 1 carton, cycle 2026-11-5"
