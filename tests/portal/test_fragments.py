"""Fragments of the phone pages kept per process: each is kept under everything it shows."""

import datetime as dt

from django.utils import timezone, translation

from cycles.models import OrderCycle
from portal.selectors import order_window
from portal.templatetags.portal_fragments import order_window_card
from retailers.models import Retailer

CYCLE = OrderCycle(
    year=2026, month=11, week_seq=4, starts_on=dt.date(2026, 11, 23), ends_on=dt.date(2026, 11, 29),
    order_opens_on=dt.date(2026, 11, 23), order_closes_on=dt.date(2026, 11, 27), status="published",
)  # fmt: skip


def card(weekday: int, now: dt.datetime, kind: str = "weekly") -> str:
    shop = Retailer(order_cycle_kind=kind, order_weekday=weekday, order_week_parity="odd")
    with translation.override("en"):
        return str(order_window_card(CYCLE, order_window(retailer=shop, cycle=CYCLE, now=now)))


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 11, day, hour, minute, tzinfo=timezone.get_current_timezone())


def test_the_card_shows_the_shops_own_order_day_and_whole_hours_left():
    wednesday = card(3, at(23, 8, 30))
    assert "11/25 Wed" in wednesday
    assert "1 d 15 h" in wednesday  # ordering ends the day before the order day: until Wednesday 0:00, rounded down
    friday = card(5, at(23, 8, 30))
    assert "11/27 Fri" in friday
    assert "3 d 15 h" in friday


def test_a_kept_card_changes_with_the_hour_and_not_within_it():
    assert card(3, at(23, 8, 5)) == card(3, at(23, 8, 55))
    assert "1 d 14 h" in card(3, at(23, 9, 1))


def test_after_the_order_day_and_off_weeks_the_card_says_so():
    assert "Ordering for this cycle has closed." in card(1, at(24, 9))
    off = card(3, at(23, 9), kind="biweekly")  # odd-week shop; ISO week 48 is even
    assert "You do not order in this cycle" in off
