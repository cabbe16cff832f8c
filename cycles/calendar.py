"""The order-cycle calendar (pure): cycle k of a month is the week starting its k-th Monday."""

from __future__ import annotations

import datetime as dt

ORDER_OPENS_DAYS_BEFORE = 2  # plans load Friday, quotas publish over the weekend


def cycle_start(year: int, month: int, week_seq: int) -> dt.date | None:
    """The Monday that starts cycle (year, month, week_seq), or None if there is no such week."""
    if not (1 <= month <= 12 and 1 <= week_seq <= 5):
        return None
    first = dt.date(year, month, 1)
    monday = first + dt.timedelta(days=(7 - first.weekday()) % 7)
    start = monday + dt.timedelta(weeks=week_seq - 1)
    return start if start.month == month else None


def cycle_name(starts_on: dt.date) -> tuple[int, int, int]:
    """(year, month, week_seq) of the cycle starting on a Monday."""
    if starts_on.weekday() != 0:
        raise ValueError(f"{starts_on} is not a Monday")
    return starts_on.year, starts_on.month, (starts_on.day - 1) // 7 + 1


def cycle_monday(day: dt.date) -> dt.date:
    """The Monday of the cycle a day falls in."""
    return day - dt.timedelta(days=day.weekday())


def cycle_dates(starts_on: dt.date) -> dict[str, dt.date]:
    return {
        "starts_on": starts_on,
        "ends_on": starts_on + dt.timedelta(days=6),
        "order_opens_on": starts_on - dt.timedelta(days=ORDER_OPENS_DAYS_BEFORE),
        "order_closes_on": starts_on + dt.timedelta(days=6),
    }
