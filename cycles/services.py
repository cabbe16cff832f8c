"""Making and closing order cycles."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from .calendar import cycle_dates, cycle_monday, cycle_name
from .models import CycleStatus, OrderCycle

UPCOMING_CYCLES = 2


def cycle_get_or_create(*, starts_on: dt.date) -> OrderCycle:
    year, month, week_seq = cycle_name(starts_on)
    cycle, _ = OrderCycle.objects.get_or_create(
        starts_on=starts_on, defaults={"year": year, "month": month, "week_seq": week_seq, **cycle_dates(starts_on)}
    )
    return cycle


@transaction.atomic
def cycles_roll(*, today: dt.date | None = None, upcoming: int = UPCOMING_CYCLES) -> dict[str, int]:
    """Nightly: make sure the current and next cycles exist; close cycles that have ended.

    Idempotent: a second run the same day changes nothing.
    """
    today = today or timezone.localdate()
    monday = cycle_monday(today)
    before = OrderCycle.objects.count()
    for k in range(upcoming + 1):
        cycle_get_or_create(starts_on=monday + dt.timedelta(weeks=k))
    closed = (
        OrderCycle.objects.filter(ends_on__lt=today)
        .exclude(status=CycleStatus.CLOSED)
        .update(status=CycleStatus.CLOSED)
    )
    return {"created": OrderCycle.objects.count() - before, "closed": closed}
