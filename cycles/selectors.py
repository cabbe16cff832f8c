"""Finding order cycles."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from .models import CycleStatus, OrderCycle

CYCLE_LABEL = re.compile(r"(\d{4})-(\d{1,2})-(\d)")


def cycle_by_label(label: str) -> OrderCycle | None:
    """The cycle named YEAR-MONTH-WEEK (e.g. 2026-11-4), as the marketing system names it.

    Raises ValueError when `label` is not of that form; None when no such cycle exists."""
    match = CYCLE_LABEL.fullmatch(label.strip())
    if match is None:
        raise ValueError(f"expected YEAR-MONTH-WEEK, e.g. 2026-11-4, not {label!r}")
    year, month, week = (int(g) for g in match.groups())
    return OrderCycle.objects.filter(year=year, month=month, week_seq=week).first()


def current_cycle(today: dt.date) -> OrderCycle | None:
    """The cycle running today, else the next one."""
    return OrderCycle.objects.filter(ends_on__gte=today).order_by("starts_on").first()


@dataclass(frozen=True)
class CycleWindow:
    """When a retailer orders in a cycle: from the cycle's ordering opening (quotas publish then)
    until the day before its order day (the cycle's last ordering day when it has no order day)."""

    opens_on: dt.date
    closes_on: dt.date  # the last day to order
    order_day: dt.date | None  # the retailer's own order day in this cycle
    orders_this_cycle: bool  # weekly, or biweekly in its own week parity


def cycle_window(*, cycle: OrderCycle, rhythm: str, parity: str, weekday: int | None) -> CycleWindow:
    """The one place a retailer's ordering window is computed. `rhythm`: "weekly", "biweekly" (in
    odd or even weeks: `parity`) or "not_served"; `weekday`: its order day, 1 = Monday (or None)."""
    orders = rhythm == "weekly" or (rhythm == "biweekly" and parity == cycle.week_parity)
    day = cycle.day_of(weekday) if orders and weekday else None
    closes = day - dt.timedelta(days=1) if day else cycle.order_closes_on
    return CycleWindow(cycle.order_opens_on, max(closes, cycle.order_opens_on), day, orders)


def published_cycles_ahead(today: dt.date, *, limit: int = 3) -> list[OrderCycle]:
    """Published cycles that have not ended by `today`, soonest first: the ones a retailer may still order in."""
    return list(
        OrderCycle.objects.filter(status=CycleStatus.PUBLISHED, ends_on__gte=today).order_by("starts_on")[:limit]
    )


def next_ordering_cycle(
    *, cycles: list[OrderCycle], today: dt.date, rhythm: str, parity: str, weekday: int | None
) -> OrderCycle | None:
    """Among `cycles` (soonest first), the first published one the retailer orders in whose window is
    open or yet to open on `today`: the cycle it orders next."""
    for cycle in cycles:
        if cycle.status != CycleStatus.PUBLISHED:
            continue
        window = cycle_window(cycle=cycle, rhythm=rhythm, parity=parity, weekday=weekday)
        if window.orders_this_cycle and window.closes_on >= today:
            return cycle
    return None


def ordering_cycle(*, today: dt.date, rhythm: str, parity: str, weekday: int | None) -> OrderCycle | None:
    """The published cycle a retailer of this rhythm and order day orders next (None: none published)."""
    return next_ordering_cycle(
        cycles=published_cycles_ahead(today), today=today, rhythm=rhythm, parity=parity, weekday=weekday
    )
