"""Weekly purchase totals, rebuilt from the order lines."""

from __future__ import annotations

import pandas as pd
from django.db import connection, transaction

from core.db import bulk_write_frames, read_frame
from cycles.models import OrderCycle
from pricing.selectors import prices_in_force

from .engine.weekly import COLUMNS, weekly_totals
from .models import Order, WeeklyPurchase


@transaction.atomic
def weekly_purchases_refresh(*, cycle_ids: list[int]) -> int:
    """Rebuild the weekly purchase totals of these cycles from their orders (idempotent)."""
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
