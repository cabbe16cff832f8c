from __future__ import annotations

import datetime as dt

import pandas as pd
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


@transaction.atomic
def weekly_purchases_refresh(*, cycle_ids: list[int]) -> int:
    """Rebuild the weekly purchase totals of these cycles from their orders (idempotent)."""
    from django.db import connection

    from core.db import bulk_write_frames, read_frame
    from pricing.selectors import prices_in_force

    from .models import Order, WeeklyPurchase
    from .weekly import COLUMNS, weekly_totals

    if not cycle_ids:
        return 0
    WeeklyPurchase.objects.filter(cycle_id__in=cycle_ids).delete()
    qn = connection.ops.quote_name
    marks = ", ".join(["%s"] * len(cycle_ids))
    lines = read_frame(
        f"SELECT o.cycle_id, c.starts_on, o.retailer_id, o.product_id, o.ordered_qty, o.returned_qty, "  # noqa: S608
        f"CAST(ROUND(o.amount * 100) AS BIGINT) FROM {qn(Order._meta.db_table)} o "
        f"JOIN {qn(OrderCycle._meta.db_table)} c ON c.id = o.cycle_id WHERE o.cycle_id IN ({marks})",
        cycle_ids,
        ["cycle", "starts_on", "retailer", "product", "ordered_qty", "returned_qty", "amount"],
        dates=["starts_on"],
    )
    if lines.empty:
        return 0
    totals = weekly_totals(pd.concat([lines, prices_in_force(lines)], axis=1))
    return bulk_write_frames(WeeklyPurchase, COLUMNS, [totals])
