"""Finding order cycles."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

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


def next_cycle(today: dt.date) -> OrderCycle | None:
    """The first cycle starting after `today`: the next order cycle (every shop's ordering in it is
    open or yet to open), as opposed to today's cycle (`current_cycle`), whose ordering is over for the
    shops whose order day has passed."""
    return OrderCycle.objects.filter(starts_on__gt=today).order_by("starts_on").first()


def cycle_ordering_words(*, cycle: OrderCycle, today: dt.date) -> str:
    """Where a cycle's ordering stands on `today`, for staff, whatever the shop: not open yet, open
    (each shop orders until the day before its order day, so it is over for some), or over."""
    if cycle.order_opens_on > today:
        return _("ordering opens %(date)s") % {"date": f"{cycle.order_opens_on:%-m/%-d}"}
    if cycle.order_closes_on >= today:
        return _("each shop orders until 24:00 the day before its visit day: over for some shops")
    return _("ordering is over")


class WindowState:
    """Where a moment falls against a retailer's ordering window in a cycle."""

    OFF = "off"  # the retailer does not order in this cycle (biweekly off week, not served)
    NOT_YET = "not_yet"  # ordering opens later (at 00:00 of `opens_on`)
    OPEN = "open"  # from 00:00 of `opens_on` until the end of `closes_on`
    CLOSED = "closed"  # after the end of `closes_on`


@dataclass(frozen=True)
class CycleWindow:
    """When a retailer orders in a cycle: from the cycle's ordering opening (quotas publish then)
    until the day before its order day (the cycle's last ordering day when it has no order day)."""

    opens_on: dt.date
    closes_on: dt.date  # the last day to order
    order_day: dt.date | None  # the retailer's own order day in this cycle
    orders_this_cycle: bool  # weekly, or biweekly in its own week parity

    @property
    def opens_at(self) -> dt.datetime:
        """00:00 of the first day to order, local time."""
        return timezone.make_aware(dt.datetime.combine(self.opens_on, dt.time()))

    @property
    def closes_at(self) -> dt.datetime:
        """The end of the last day to order (00:00 of the next day), local time."""
        return timezone.make_aware(dt.datetime.combine(self.closes_on + dt.timedelta(days=1), dt.time()))

    def state_at(self, now: dt.datetime) -> str:
        """A `WindowState`: off, not yet open, open or closed at `now`."""
        if not self.orders_this_cycle:
            return WindowState.OFF
        if now < self.opens_at:
            return WindowState.NOT_YET
        return WindowState.OPEN if now < self.closes_at else WindowState.CLOSED


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
