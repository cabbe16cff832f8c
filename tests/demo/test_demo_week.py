"""The demo shows the normal week (docs/domain.md §1): by Friday evening the next week's quotas are
published, as a supervisor would have done, so on Friday 2026-11-27 every demo login has a cycle to
order. Only the demo publishes by itself: the nightly job computes and never publishes."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from allocation.services import allocation_nightly
from cycles.models import CycleStatus, OrderCycle
from cycles.selectors import ordering_cycle
from demo.services import (
    demo_city_create,
    demo_demand_reports_create,
    demo_first_rerating,
    demo_quotas_publish,
)
from retailers.models import Retailer

pytestmark = pytest.mark.django_db
THURSDAY, FRIDAY = dt.date(2026, 11, 26), dt.date(2026, 11, 27)
THIS_WEEK, NEXT_WEEK = dt.date(2026, 11, 23), dt.date(2026, 11, 30)  # cycles 2026-11-4 and 2026-11-5


def _city(today: dt.date) -> None:
    demo_city_create(retailers=300, products=20, weeks=3, seed=1, today=today)
    demo_first_rerating(today=today)
    demo_demand_reports_create(today=today)
    demo_quotas_publish(today=today)


def _status(starts_on: dt.date) -> str:
    return OrderCycle.objects.get(starts_on=starts_on).status


def test_a_demo_built_on_friday_publishes_next_weeks_quotas_too():
    _city(FRIDAY)
    assert _status(THIS_WEEK) == CycleStatus.PUBLISHED
    assert _status(NEXT_WEEK) == CycleStatus.PUBLISHED  # its ordering opens tomorrow, Saturday 11-28


def test_before_friday_only_this_weeks_quotas_are_published():
    _city(THURSDAY)  # the next cycle's ordering opens in two days
    assert _status(THIS_WEEK) == CycleStatus.PUBLISHED
    assert _status(NEXT_WEEK) == CycleStatus.DRAFT


def test_make_run_on_friday_publishes_the_nightly_run_and_every_login_has_a_cycle_to_order(capsys, monkeypatch):
    _city(THURSDAY)  # a database built earlier: `seed_demo --if-empty` keeps it
    allocation_nightly(today=FRIDAY)  # run_nightly: computes the next cycle, never publishes it
    assert _status(NEXT_WEEK) == CycleStatus.COMPUTED
    call_command("demo_week", "--today", FRIDAY.isoformat())
    assert _status(NEXT_WEEK) == CycleStatus.PUBLISHED
    assert "2026-11-5: quotas published" in capsys.readouterr().out  # the nightly's run, not a new one
    call_command("demo_week", "--today", FRIDAY.isoformat())  # a second make run changes nothing
    assert "no cycle's quotas due to publish" in capsys.readouterr().out

    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: FRIDAY)
    call_command("demo_logins")
    lines = [line for line in capsys.readouterr().out.splitlines() if "/m/" in line]
    assert len(lines) == 3
    for line in lines:
        shop = Retailer.objects.get(license_no=line.split()[1])
        cycle = ordering_cycle(
            today=FRIDAY, rhythm=shop.order_cycle_kind, parity=shop.order_week_parity, weekday=shop.order_weekday
        )
        assert cycle is not None, line
        assert f"{cycle.label} 周期订货至" in line
    assert {Retailer.objects.get(license_no=line.split()[1]).order_cycle_kind for line in lines} == {
        "weekly", "biweekly",
    }  # fmt: skip


def test_demo_week_publishes_nothing_outside_a_demo_database(capsys):
    call_command("demo_week")
    assert "Not a demo database" in capsys.readouterr().out
