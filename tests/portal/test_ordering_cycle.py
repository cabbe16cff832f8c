"""The cycle a retailer orders next, on paper: cycles 2026-11-4 (Mon 11/23 – Sun 11/29, ISO week 48,
even) and 2026-11-5 (Mon 11/30 – Sun 12/6, week 49, odd); ordering for a cycle opens the Saturday
before it starts and lasts until the day before the retailer's order day."""

import datetime as dt

import pytest
from django.core.cache import cache, caches
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import Role
from cycles.models import CycleStatus, OrderCycle
from cycles.selectors import cycle_window, next_ordering_cycle
from cycles.services import cycle_get_or_create
from portal.selectors import order_window
from tests.factories import RetailerFactory, UserFactory

MON, FRI, SUN = 1, 5, 7


def cycle(starts_on: dt.date, status: str = CycleStatus.PUBLISHED) -> OrderCycle:
    from cycles.calendar import cycle_dates, cycle_name

    year, month, week = cycle_name(starts_on)
    return OrderCycle(year=year, month=month, week_seq=week, status=status, **cycle_dates(starts_on))


C4, C5 = cycle(dt.date(2026, 11, 23)), cycle(dt.date(2026, 11, 30))


def window(c, rhythm="weekly", parity="", weekday=None):
    w = cycle_window(cycle=c, rhythm=rhythm, parity=parity, weekday=weekday)
    return (w.opens_on, w.closes_on, w.order_day, w.orders_this_cycle)


def test_the_window_runs_from_the_opening_until_the_day_before_the_order_day():
    d = dt.date
    assert window(C4, weekday=FRI) == (d(2026, 11, 21), d(2026, 11, 26), d(2026, 11, 27), True)
    assert window(C5, weekday=MON) == (d(2026, 11, 28), d(2026, 11, 29), d(2026, 11, 30), True)
    assert window(C4, weekday=None) == (d(2026, 11, 21), d(2026, 11, 29), None, True)  # no order day: the whole cycle
    assert window(C4, "biweekly", "odd", MON)[3] is False  # week 48 is even: its off week
    assert window(C5, "biweekly", "odd", MON) == (d(2026, 11, 28), d(2026, 11, 29), d(2026, 11, 30), True)
    assert window(C4, "not_served", "", MON)[3] is False


def ordering(today, rhythm="weekly", parity="", weekday=None, cycles=(C4, C5)):
    found = next_ordering_cycle(cycles=list(cycles), today=today, rhythm=rhythm, parity=parity, weekday=weekday)
    return found.label if found else None


@pytest.mark.parametrize(
    ("today", "rhythm", "parity", "weekday", "expected"),
    [
        (dt.date(2026, 11, 26), "weekly", "", FRI, "2026-11-4"),  # Thursday: its last day to order
        (dt.date(2026, 11, 27), "weekly", "", FRI, "2026-11-5"),  # its order day: 11-4 is over
        (dt.date(2026, 11, 28), "weekly", "", FRI, "2026-11-5"),  # after the order day
        (dt.date(2026, 11, 27), "weekly", "", SUN, "2026-11-4"),  # orders until Saturday 11/28
        (dt.date(2026, 11, 27), "weekly", "", None, "2026-11-4"),  # no order day: until Sunday
        (dt.date(2026, 11, 27), "biweekly", "odd", MON, "2026-11-5"),  # the walker's shop: off week, then 11/30
        (dt.date(2026, 11, 30), "biweekly", "odd", MON, None),  # its order day: 11-5 is over, 11-6 not published
        (dt.date(2026, 11, 27), "biweekly", "even", FRI, None),  # 11-4 closed on 11/26; 11-5 is its off week
        (dt.date(2026, 11, 25), "biweekly", "even", FRI, "2026-11-4"),
        (dt.date(2026, 11, 27), "not_served", "", None, None),
    ],
)
def test_the_cycle_a_retailer_orders_next(today, rhythm, parity, weekday, expected):
    assert ordering(today, rhythm, parity, weekday) == expected


def test_before_the_next_cycle_is_published_there_is_none_to_order():
    draft = cycle(dt.date(2026, 11, 30), status=CycleStatus.COMPUTED)
    assert ordering(dt.date(2026, 11, 27), "weekly", "", FRI, cycles=(C4, draft)) is None
    assert ordering(dt.date(2026, 11, 27), "biweekly", "odd", MON, cycles=(C4, draft)) is None


def test_the_shops_window_and_time_left_on_paper():
    shop = RetailerFactory.build(order_cycle_kind="biweekly", order_week_parity="odd", order_weekday=MON)
    now = dt.datetime(2026, 11, 27, 10, 0, tzinfo=timezone.get_current_timezone())
    w = order_window(retailer=shop, cycle=C5, now=now)
    assert (w.opens_on, w.closes_on, w.order_day) == (
        dt.date(2026, 11, 28),
        dt.date(2026, 11, 29),
        dt.date(2026, 11, 30),
    )
    assert (w.state, w.left, w.until_open) == ("not_yet", None, (0, 14))  # opens Saturday 11/28 0:00
    assert order_window(retailer=shop, cycle=C4, now=now).orders_this_cycle is False


def phone_shop(rhythm, parity, weekday, name):
    user = UserFactory(username=name, role=Role.RETAILER, is_staff=False)
    return RetailerFactory(user=user, order_cycle_kind=rhythm, order_week_parity=parity, order_weekday=weekday)


@pytest.mark.django_db
def test_home_and_the_cycles_list_show_the_cycle_to_order(client, on_friday):
    c4 = cycle_get_or_create(starts_on=dt.date(2026, 11, 23))
    c5 = cycle_get_or_create(starts_on=dt.date(2026, 11, 30))
    OrderCycle.objects.filter(pk=c4.pk).update(status=CycleStatus.PUBLISHED)
    biweekly = phone_shop("biweekly", "odd", MON, "L-bi")
    weekly = phone_shop("weekly", "", FRI, "L-fri")
    with translation.override("zh-hans"):
        # 11-5 not yet published: the Friday shop's 11-4 ordering is over, and it is told the next is not out
        client.force_login(weekly.user)
        page = client.get(reverse("portal:home")).content.decode()
        assert "订货周期 2026-11-4" in page
        assert "该周期订货已结束。" in page
        assert "下周期货源尚未发布" in page
        assert "11/21 – 11/26" in page  # until the day before its order day, Friday 11/27
        # 11-5 published: both shops see it, with its dates and their deadline
        OrderCycle.objects.filter(pk=c5.pk).update(status=CycleStatus.PUBLISHED)
        cache.clear()
        caches["local"].clear()
        page = client.get(reverse("portal:home")).content.decode()
        assert "订货周期 2026-11-5" in page
        assert "2026-11-4" not in page
        assert "11/30 – 12/6" in page  # the cycle's week
        assert "11/28 – 12/3" in page  # ordering: until Thursday 12/3, the day before Friday 12/4
        assert "该周期订货已结束" not in page
        client.force_login(biweekly.user)
        page = client.get(reverse("portal:home")).content.decode()
        assert "订货周期 2026-11-5" in page
        assert "11/28 – 11/29" in page
        assert "该周期您不订货" not in page
        listed = client.get(reverse("portal:cycles")).content.decode()
    assert listed.index("2026-11-5") < listed.index("2026-11-4")  # the published cycle ahead is listed, first
    assert "订货 11/28 – 11/29" in listed
    assert "您不在该周期订货" in listed  # 11-4: its off week


@pytest.mark.django_db
def test_a_cycle_page_shows_the_same_window_as_home(client, on_friday):
    c4 = cycle_get_or_create(starts_on=dt.date(2026, 11, 23))
    OrderCycle.objects.filter(pk=c4.pk).update(status=CycleStatus.PUBLISHED)
    weekly = phone_shop("weekly", "", FRI, "L-fri2")
    client.force_login(weekly.user)
    with translation.override("zh-hans"):
        page = client.get(reverse("portal:cycle", args=["2026-11-23"])).content.decode()
    assert "11/21 – 11/26" in page  # its ordering, as on home
    assert "11/23 – 11/29" in page  # the cycle's week, as in the list


@pytest.mark.django_db
def test_the_api_reads_the_cycle_home_shows_by_default(client, on_friday, django_assert_num_queries):
    """Friday 11/27: the weekly Friday shop's ordering in 11-4 is over, the weekly Sunday shop's is
    not (until Saturday 11/28). With 11-5 published the Friday shop's phone API reads 11-5, as its
    home page does; the Sunday shop's reads 11-4; `?cycle=` still names any cycle."""
    from rest_framework.authtoken.models import Token

    c4 = cycle_get_or_create(starts_on=dt.date(2026, 11, 23))
    c5 = cycle_get_or_create(starts_on=dt.date(2026, 11, 30))
    OrderCycle.objects.filter(pk__in=[c4.pk, c5.pk]).update(status=CycleStatus.PUBLISHED)
    friday, sunday = phone_shop("weekly", "", FRI, "L-api-fri"), phone_shop("weekly", "", SUN, "L-api-sun")
    url = reverse("api-me-quotas")

    tokens = {shop.pk: Token.objects.create(user=shop.user).key for shop in (friday, sunday)}

    def default_cycle(shop) -> str:
        return client.get(url, headers={"Authorization": f"Token {tokens[shop.pk]}"}).json()["cycle"]

    assert default_cycle(friday) == "2026-11-5"
    assert default_cycle(sunday) == "2026-11-4"
    with django_assert_num_queries(0):  # warm: the token, its default cycle and its sheet from the cache
        assert default_cycle(friday) == "2026-11-5"
    client.force_login(friday.user)  # a session reads the same
    assert client.get(url).json()["cycle"] == "2026-11-5"
    assert client.get(url, {"cycle": "2026-11-4"}).json()["cycle"] == "2026-11-4"
    # before 11-5 is published, the Friday shop has no cycle left to order: it reads today's
    OrderCycle.objects.filter(pk=c5.pk).update(status=CycleStatus.COMPUTED)
    cache.clear()
    caches["local"].clear()
    assert client.get(url).json()["cycle"] == "2026-11-4"
