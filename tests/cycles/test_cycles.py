"""The order cycle: the calendar, finding a cycle by its label or by today, the nightly roll."""

import datetime as dt

import pytest
from rest_framework.exceptions import NotFound, ValidationError

from cycles.apis import cycle_from_param
from cycles.calendar import cycle_name, cycle_start
from cycles.models import OrderCycle, WeekParity
from cycles.selectors import current_cycle, cycle_by_label
from cycles.services import cycle_get_or_create, cycles_roll


def test_calendar_names_cycles_like_the_marketing_system():
    assert cycle_start(2026, 11, 4) == dt.date(2026, 11, 23)
    assert cycle_start(2026, 11, 5) == dt.date(2026, 11, 30)
    assert cycle_start(2026, 12, 5) is None  # December 2026 has four Mondays
    assert cycle_name(dt.date(2026, 11, 23)) == (2026, 11, 4)
    for monday in [dt.date(2026, 1, 5) + dt.timedelta(weeks=k) for k in range(60)]:
        assert cycle_start(*cycle_name(monday)) == monday



@pytest.mark.django_db
def test_a_cycle_by_its_label_by_id_and_by_today():
    first = cycle_get_or_create(starts_on=dt.date(2026, 11, 23))  # 2026-11-4, Mon 23 to Sun 29
    second = cycle_get_or_create(starts_on=dt.date(2026, 11, 30))  # 2026-11-5
    assert cycle_by_label("2026-11-4") == first
    assert cycle_by_label(" 2026-11-5 ") == second
    assert cycle_by_label("2026-12-1") is None  # well formed, not made yet
    with pytest.raises(ValueError, match="YEAR-MONTH-WEEK"):
        cycle_by_label("2026/11/4")
    assert cycle_from_param(str(second.pk)) == second
    assert cycle_from_param("2026-11-4") == first
    assert cycle_from_param("") is None
    with pytest.raises(ValidationError):
        cycle_from_param("last week")
    with pytest.raises(NotFound):
        cycle_from_param("2027-1-1")
    # today's cycle is the one running, else the next one; none after the last
    assert current_cycle(dt.date(2026, 11, 29)) == first  # its Sunday
    assert current_cycle(dt.date(2026, 11, 30)) == second
    assert current_cycle(dt.date(2026, 11, 20)) == first  # before any: the next
    assert current_cycle(dt.date(2026, 12, 7)) is None


@pytest.mark.django_db
def test_odd_and_even_weeks_follow_the_iso_week():
    # 2026-11-23 is in ISO week 48 (even), 2026-11-30 in week 49 (odd)
    assert cycle_get_or_create(starts_on=dt.date(2026, 11, 23)).week_parity == WeekParity.EVEN
    assert cycle_get_or_create(starts_on=dt.date(2026, 11, 30)).week_parity == WeekParity.ODD


@pytest.mark.django_db
def test_cycles_roll_is_idempotent():
    first = cycles_roll(today=dt.date(2026, 11, 22))
    assert first == {"created": 3, "closed": 0}
    assert set(OrderCycle.objects.values_list("starts_on", flat=True)) == {
        dt.date(2026, 11, 16),
        dt.date(2026, 11, 23),
        dt.date(2026, 11, 30),
    }
    assert cycles_roll(today=dt.date(2026, 11, 22)) == {"created": 0, "closed": 0}
    later = cycles_roll(today=dt.date(2026, 11, 24))
    assert later == {"created": 1, "closed": 1}  # a new week: the cycle after next appears
    assert OrderCycle.objects.get(starts_on=dt.date(2026, 11, 16)).status == "closed"
