"""The working-time clock (docs/domain.md §9), hand-computed. November 2026: Mon 2 … Fri 6, Sat 7,
Sun 8, Mon 9 … Fri 13. A working day counts 24 working hours, midnight to midnight."""

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from service_requests.engine.workdays import WorkCalendar, add_working_days, parse_dates, working_hours_between

T = pd.Timestamp
PLAIN = WorkCalendar()


def hours(start, end, calendar=PLAIN) -> float:
    return float(working_hours_between([T(start)], [T(end)], calendar)[0])


def due(start, days=2, calendar=PLAIN) -> pd.Timestamp:
    return add_working_days([T(start)], days, calendar)[0]


def test_working_hours_skip_weekends():
    # Fri 15:00 → 24:00 = 9 h; Sat, Sun = 0; Mon 00:00 → 10:00 = 10 h: 19 h
    assert hours("2026-11-06 15:00", "2026-11-09 10:00") == 19
    assert hours("2026-11-09 09:00", "2026-11-09 17:30") == 8.5  # same day
    assert hours("2026-11-07 10:00", "2026-11-08 18:00") == 0  # a weekend only
    assert hours("2026-11-07 10:00", "2026-11-09 10:00") == 10  # filed on Saturday: the clock starts Monday
    # Mon 2 09:00 → Fri 13 09:00: Mon 2 15 h + Tue–Fri 4 × 24 + Mon 9–Thu 12 4 × 24 + Fri 13 9 h = 216 h
    assert hours("2026-11-02 09:00", "2026-11-13 09:00") == 216


def test_holidays_and_weekend_working_days():
    holiday = WorkCalendar(holidays=frozenset({dt.date(2026, 11, 9)}))
    # Fri 9 h, Sat/Sun/Mon (holiday) 0, Tue 10 h
    assert hours("2026-11-06 15:00", "2026-11-10 10:00", holiday) == 19
    worked_saturday = WorkCalendar(workdays=frozenset({dt.date(2026, 11, 7)}))
    # Fri 9 h + Sat (调休, worked) 24 h + Mon 10 h = 43 h
    assert hours("2026-11-06 15:00", "2026-11-09 10:00", worked_saturday) == 43


def test_missing_answers_give_nan_and_nothing_breaks_on_empty_input():
    out = working_hours_between([T("2026-11-06 15:00"), None], [None, T("2026-11-09 10:00")], PLAIN)
    assert np.isnan(out).all()
    assert len(working_hours_between([], [], PLAIN)) == 0
    assert len(add_working_days([], 2, PLAIN)) == 0
    assert pd.isna(add_working_days([None], 2, PLAIN)[0])


def test_two_working_days_to_answer():
    assert due("2026-11-06 15:00") == T("2026-11-10 15:00")  # Fri 15:00 → Tue 15:00
    assert due("2026-11-04 09:30") == T("2026-11-06 09:30")  # Wed → Fri, same hour
    # Thu 00:00 + 48 h = the end of Friday: Saturday 00:00, not Monday morning
    assert due("2026-11-05 00:00") == T("2026-11-07 00:00")
    # filed Saturday: Mon 24 h + Tue 24 h → the end of Tuesday
    assert due("2026-11-07 10:00") == T("2026-11-11 00:00")
    # Thu 10:00: Thu 14 h + Fri 24 h = 38 h; 10 h more on Monday → Mon 10:00
    assert due("2026-11-05 10:00") == T("2026-11-09 10:00")


def test_a_holiday_week_with_a_worked_saturday():
    # National Day style: Thu 1 – Wed 7 Oct off (weekdays 1, 2, 5, 6, 7 listed), Sat 10 Oct worked.
    off = {dt.date(2026, 10, d) for d in (1, 2, 5, 6, 7)}
    calendar = WorkCalendar(holidays=frozenset(off), workdays=frozenset({dt.date(2026, 10, 10)}))
    # Wed 30 Sep 20:00: 4 h; Oct 1–7 nothing; Thu 8: 24 h (28); Fri 9: 20 h more = 48 → Fri 9 Oct 20:00
    assert due("2026-09-30 20:00", 2, calendar) == T("2026-10-09 20:00")
    # 3 days = 72 h: Fri 9 ends at 52; Saturday 10 is worked: 20 h more → Sat 10 Oct 20:00
    assert due("2026-09-30 20:00", 3, calendar) == T("2026-10-10 20:00")
    assert hours("2026-09-30 20:00", "2026-10-10 20:00", calendar) == 72


def test_a_month_of_holidays_is_looked_past():
    november = {dt.date(2026, 11, d) for d in range(1, 31)} - {dt.date(2026, 11, d) for d in (1, 7, 8, 14, 15, 21, 22, 28, 29)}
    calendar = WorkCalendar(holidays=frozenset(november))
    # Fri 30 Oct 12:00: 12 h; every November weekday off; Tue 1 Dec 24 h (36); Wed 2 Dec 12 h → 12:00
    assert due("2026-10-30 12:00", 2, calendar) == T("2026-12-02 12:00")


def test_calendar_refuses_what_it_cannot_count():
    with pytest.raises(ValueError, match="at least one working day"):
        add_working_days([T("2026-11-06 15:00")], 0, PLAIN)
    with pytest.raises(ValueError, match="naive local"):
        working_hours_between(pd.DatetimeIndex([T("2026-11-06 15:00", tz="UTC")]), [T("2026-11-09")], PLAIN)


def test_holiday_lists_are_read_one_a_line_or_separated():
    dates, bad = parse_dates("2026-10-01\n2026-10-02, 2026-10-05、2026-10-01  2026-13-01 国庆")
    assert dates == [dt.date(2026, 10, 1), dt.date(2026, 10, 2), dt.date(2026, 10, 5)]
    assert bad == ["2026-13-01", "国庆"]
    assert parse_dates("") == ([], [])
