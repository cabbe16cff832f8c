"""Golden cases of a shop's ordering window: not yet open (the time until it opens), open (the time
left), closed. Tester 2026-11-27: on Friday 11/27 the phone said 2026-11-5 was open to order
("订货 11/28 – 11/29 · 可订货", "订货剩余时间 2 天 13 小时") while its ordering opens on Saturday 11/28.

Cycle 2026-11-5: Mon 11/30 – Sun 12/6 (ISO week 49, odd), ordering opens Saturday 11/28 at 0:00.
Cycle 2026-11-4: Mon 11/23 – Sun 11/29 (week 48, even). A weekly shop ordering on Fridays orders
11-5 from 11/28 0:00 until the end of Thursday 12/3; a biweekly odd-week shop ordering on Mondays
from 11/28 0:00 until the end of Sunday 11/29."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import Role
from cycles.calendar import cycle_dates, cycle_name
from cycles.models import CycleStatus, OrderCycle
from cycles.services import cycle_get_or_create
from portal.selectors import WindowState, order_window
from portal.templatetags.portal_fragments import order_window_card
from retailers.models import Retailer
from tests.factories import RetailerFactory, UserFactory

MON, FRI = 1, 5


def cycle(starts_on: dt.date) -> OrderCycle:
    year, month, week = cycle_name(starts_on)
    return OrderCycle(year=year, month=month, week_seq=week, status=CycleStatus.PUBLISHED, **cycle_dates(starts_on))


C4, C5 = cycle(dt.date(2026, 11, 23)), cycle(dt.date(2026, 11, 30))
WEEKLY = Retailer(order_cycle_kind="weekly", order_week_parity="", order_weekday=FRI)
BIWEEKLY = Retailer(order_cycle_kind="biweekly", order_week_parity="odd", order_weekday=MON)


def at(month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, second, tzinfo=timezone.get_current_timezone())


@pytest.mark.parametrize(
    ("shop", "now", "state", "until_open", "left"),
    [
        # the tester's moment: Friday 11/27 10:00, the day before ordering opens
        (WEEKLY, at(11, 27, 10), WindowState.NOT_YET, (0, 14), None),
        (BIWEEKLY, at(11, 27, 10), WindowState.NOT_YET, (0, 14), None),
        (WEEKLY, at(11, 25, 9, 30), WindowState.NOT_YET, (2, 14), None),
        # the last second before the opening, and 00:00 of the first day
        (WEEKLY, at(11, 27, 23, 59, 59), WindowState.NOT_YET, (0, 0), None),
        (BIWEEKLY, at(11, 27, 23, 59, 59), WindowState.NOT_YET, (0, 0), None),
        (WEEKLY, at(11, 28), WindowState.OPEN, None, (6, 0)),  # until Friday 12/4 0:00
        (BIWEEKLY, at(11, 28), WindowState.OPEN, None, (2, 0)),  # until Monday 11/30 0:00
        # inside
        (WEEKLY, at(12, 1, 15, 30), WindowState.OPEN, None, (2, 8)),
        (BIWEEKLY, at(11, 29, 10), WindowState.OPEN, None, (0, 14)),
        # the end of the last day, and 00:00 of the order day
        (WEEKLY, at(12, 3, 23, 59, 59), WindowState.OPEN, None, (0, 0)),
        (BIWEEKLY, at(11, 29, 23, 59, 59), WindowState.OPEN, None, (0, 0)),
        (WEEKLY, at(12, 4), WindowState.CLOSED, None, None),
        (BIWEEKLY, at(11, 30), WindowState.CLOSED, None, None),
        # after
        (WEEKLY, at(12, 5, 9), WindowState.CLOSED, None, None),
        (BIWEEKLY, at(12, 2, 9), WindowState.CLOSED, None, None),
    ],
)
def test_the_window_before_inside_and_after(shop, now, state, until_open, left):
    w = order_window(retailer=shop, cycle=C5, now=now)
    assert (w.state, w.until_open, w.left) == (state, until_open, left)
    assert w.not_yet_open is (state == WindowState.NOT_YET)
    assert w.is_open is (state == WindowState.OPEN)
    assert w.closed is (state == WindowState.CLOSED)


def test_an_off_week_is_neither_open_nor_waiting():
    w = order_window(retailer=BIWEEKLY, cycle=C4, now=at(11, 22, 10))  # 11-4 is week 48, even
    assert (w.state, w.until_open, w.left, w.orders_this_cycle) == (WindowState.OFF, None, None, False)


def card(shop, now, language="zh-hans") -> str:
    with translation.override(language):
        return str(order_window_card(C5, order_window(retailer=shop, cycle=C5, now=now)))


def test_the_card_says_when_ordering_opens_before_it_does():
    before = card(WEEKLY, at(11, 27, 10))
    assert "开始订货" in before
    assert "11/28 星期六 0:00" in before
    assert "距开始订货" in before
    assert "0 天 14 小时" in before
    assert "尚未开始订货" in before
    assert "订货剩余时间" not in before
    assert "已结束" not in before
    assert "Time until ordering opens" in card(WEEKLY, at(11, 27, 10), "en")
    opening = card(BIWEEKLY, at(11, 28))
    assert "订货剩余时间" in opening
    assert "2 天 0 小时" in opening
    assert "尚未开始订货" not in opening
    assert "距开始订货" not in opening
    closed = card(BIWEEKLY, at(11, 30))
    assert "该周期订货已结束。" in closed
    assert "订货剩余时间" not in closed
    assert "距开始订货" not in closed


def test_a_kept_card_changes_when_the_window_opens():
    assert card(WEEKLY, at(11, 27, 23, 59, 59)) != card(WEEKLY, at(11, 28))


def phone_shop(rhythm, parity, weekday, name):
    user = UserFactory(username=name, role=Role.RETAILER, is_staff=False)
    return RetailerFactory(user=user, order_cycle_kind=rhythm, order_week_parity=parity, order_weekday=weekday)


@pytest.mark.django_db
@pytest.mark.parametrize(("rhythm", "parity", "weekday", "dates"), [
    ("weekly", "", FRI, "11/28 – 12/3"), ("biweekly", "odd", MON, "11/28 – 11/29"),
])  # fmt: skip
def test_the_phone_on_friday_says_11_5_opens_tomorrow(client, on_friday, rhythm, parity, weekday, dates):
    c4 = cycle_get_or_create(starts_on=dt.date(2026, 11, 23))
    c5 = cycle_get_or_create(starts_on=dt.date(2026, 11, 30))
    OrderCycle.objects.filter(pk__in=[c4.pk, c5.pk]).update(status=CycleStatus.PUBLISHED)
    shop = phone_shop(rhythm, parity, weekday, f"W-{rhythm}")
    client.force_login(shop.user)
    with translation.override("zh-hans"):
        home = client.get(reverse("portal:home")).content.decode()
        listed = client.get(reverse("portal:cycles")).content.decode()
    assert "订货周期 2026-11-5" in home
    assert "距开始订货" in home
    assert "0 天 14 小时" in home
    assert "订货剩余时间" not in home
    row = listed[listed.index("2026-11-5") : listed.index("2026-11-4")]
    assert f"订货 {dates}" in row
    assert "11/28 开始订货" in row
    assert "可订货" not in row
    if rhythm == "weekly":  # its 11-4 ordering ended on Thursday 11/26
        past = listed[listed.index("2026-11-4") :]
        assert "订货已结束" in past.split("</div></div>")[0]
