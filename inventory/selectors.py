"""Inventory advice as a retailer or its manager reads it."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from retailers.models import Retailer

from .engine import Status
from .models import STATUS_LABELS, InventoryAdvice


@dataclass
class AdviceLine:
    product_code: str
    product_name: str
    status: Status
    status_label: str
    stock: int
    stock_is_estimate: bool
    weekly_sales: float
    suggested_order: int
    message: str


def advice_message(row: InventoryAdvice) -> str:
    """What the retailer should do, in plain words."""
    status = Status(row.status)
    if status == Status.SHORT:
        return _("Selling fast and nearly out: order %(n)s cartons this cycle.") % {"n": row.suggested_order}
    if status == Status.OVER:
        return _("About %(weeks).0f weeks of stock: order none this cycle and sell what you have at the tag price.") % {
            "weeks": row.weeks_of_cover or 0
        }
    if status == Status.SLOW:
        return _("Not selling lately: order none; ask your customer manager about it.")
    if row.suggested_order:
        return _("Stock is about right: order %(n)s cartons to keep it so.") % {"n": row.suggested_order}
    return _("Stock is about right: no order needed.")


def retailer_advice(*, retailer: Retailer) -> list[AdviceLine]:
    """The current night's advice for one retailer: short first, then over-stocked, slow, healthy."""
    rows = InventoryAdvice.objects.filter(advice_run__is_current=True, retailer=retailer).select_related("product")
    order = {Status.SHORT: 0, Status.OVER: 1, Status.SLOW: 2, Status.HEALTHY: 3, Status.NO_SALES: 4}
    lines = [
        AdviceLine(
            r.product.code,
            r.product.name,
            Status(r.status),
            str(STATUS_LABELS[Status(r.status)]),
            r.stock,
            r.stock_is_estimate,
            round(r.weekly_sales, 1),
            r.suggested_order,
            advice_message(r),
        )  # fmt: skip
        for r in rows
    ]
    return sorted(lines, key=lambda line: (order[line.status], line.product_code))
