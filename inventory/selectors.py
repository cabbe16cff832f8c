"""Inventory advice as a retailer or its manager reads it."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import pandas as pd
from django.db.models import ExpressionWrapper, F, FloatField, Q, Sum
from django.utils.translation import gettext as _

from orders.models import WeeklyPurchase
from retailers.models import Retailer
from retailers.selectors import scope_to_visible_retailers

from .engine.advice import Status, Targets
from .engine.structure import CLASSES, StructureGap, structure_gaps
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


STRUCTURE_WEEKS = 13
MIN_PEERS = 5  # fewer peers of the same tier and format: neighbouring tiers join, up to MAX_WIDEN each way
MAX_WIDEN = 5


def retailer_structure(*, retailer: Retailer, today) -> list[tuple[StructureGap, str]]:
    """The shop's class mix over the last STRUCTURE_WEEKS weeks against peers of its tier and
    format (neighbouring tiers too when fewer than MIN_PEERS), as gaps with a plain-words message."""
    if retailer.tier is None:
        return []
    columns = {c: f"cartons_class_{c.lower()}" for c in CLASSES}
    since = today - dt.timedelta(weeks=STRUCTURE_WEEKS)
    rows = (
        WeeklyPurchase.objects.filter(
            cycle__starts_on__gte=since, retailer__business_format=retailer.business_format,
            retailer__tier__gte=retailer.tier - MAX_WIDEN, retailer__tier__lte=retailer.tier + MAX_WIDEN,
        )
        .values("retailer_id", "retailer__tier")
        .annotate(**{c: Sum(f) for c, f in columns.items()})
        .values_list("retailer_id", "retailer__tier", *CLASSES)
    )  # fmt: skip
    frame = pd.DataFrame(list(rows), columns=["retailer", "tier", *CLASSES]).set_index("retailer").fillna(0)
    if retailer.pk not in frame.index:
        return []
    others = frame.drop(index=retailer.pk)
    for widen in range(MAX_WIDEN + 1):
        peers = others[(others["tier"] - retailer.tier).abs() <= widen]
        if len(peers) >= MIN_PEERS:
            break
    low, high = max(1, retailer.tier - widen), min(30, retailer.tier + widen)
    gaps = structure_gaps(frame.loc[retailer.pk, list(CLASSES)], peers[list(CLASSES)])
    return [(g, structure_message(g, retailer, low, high)) for g in gaps]


def structure_message(gap: StructureGap, retailer: Retailer, low: int, high: int) -> str:
    values = {
        "cls": gap.price_class, "own": round(gap.own_share * 100), "peers": round(gap.peer_share * 100),
        "tiers": f"D{low}" if low == high else f"D{low}–D{high}", "format": retailer.get_business_format_display(),
    }  # fmt: skip
    if gap.below_peers:
        return (
            _("Class %(cls)s is %(own)s%% of your cartons but %(peers)s%% at shops like yours (%(format)s, tier %(tiers)s): there may be demand you do not serve yet.")
            % values
        )  # fmt: skip
    return (
        _("Class %(cls)s is %(own)s%% of your cartons against %(peers)s%% at shops like yours (%(format)s, tier %(tiers)s): make sure it sells before ordering more.")
        % values
    )  # fmt: skip


@dataclass
class DiversionRow:
    retailer_pk: int
    customer_code: str
    shop: str
    manager: str
    product: str
    stock: int
    stock_is_estimate: bool
    weekly_sales: float
    weeks_of_cover: float | None
    excess: int


def diversion_alerts(*, user, query: str = "", targets: Targets | None = None) -> list[DiversionRow]:
    """Tonight's diversion alerts (stock far above what the shop sells) for the retailers `user`
    may see, most excess stock first (the first 2,000); excess = stock − `diversion_weeks` of sales."""
    weeks = (targets or Targets()).diversion_weeks
    rows = (
        scope_to_visible_retailers(
            InventoryAdvice.objects.filter(advice_run__is_current=True, diversion=True), user=user
        )
        .select_related("retailer__manager", "product")
        .annotate(excess=ExpressionWrapper(F("stock") - F("weekly_sales") * weeks, output_field=FloatField()))
        .order_by("-excess", "retailer__customer_code")
    )
    if query:
        rows = rows.filter(
            Q(retailer__customer_code__icontains=query) | Q(retailer__name__icontains=query)
            | Q(product__code__icontains=query) | Q(product__name__icontains=query)
        )  # fmt: skip
    found = [
        DiversionRow(
            r.retailer_id,
            r.retailer.customer_code,
            r.retailer.name,
            r.retailer.manager.get_username() if r.retailer.manager else "",
            f"{r.product.code} {r.product.name}",
            r.stock,
            r.stock_is_estimate,
            round(r.weekly_sales, 1),
            None if r.weeks_of_cover is None else round(r.weeks_of_cover, 1),
            max(0, r.stock - math.ceil(r.weekly_sales * weeks)),
        )  # fmt: skip
        for r in rows[:2000]
    ]
    return found
