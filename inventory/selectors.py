"""Inventory advice as a retailer or its manager reads it."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import pandas as pd
from django.db.models import ExpressionWrapper, F, FloatField, Q, Sum
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.display import person_name, plural_count
from cycles.models import OrderCycle
from cycles.selectors import current_cycle
from orders.models import WeeklyPurchase
from pricing.models import Lifecycle, Product
from retailers.models import Retailer
from retailers.selectors import scope_to_visible_retailers
from stock.selectors import latest_counts

from .engine.advice import EPSILON, Status, Targets, round_half_up
from .engine.structure import CLASSES, StructureGap, structure_gaps
from .models import COUNT_SOURCES, STATUS_LABELS, InventoryAdvice


@dataclass
class AdviceLine:
    product: Product
    status: Status
    status_label: str
    stock: int | None  # None: unknown (no recent count)
    stock_is_estimate: bool
    weekly_sales: float  # rounded half-up to 0.1
    suggested_order: int
    message: str
    basis: str  # where the stock figure comes from (the count, its age, deliveries and sales since)
    counted_since: bool = False  # unknown tonight, counted since: advice on it comes with the next night

    @property
    def product_code(self) -> str:
        return self.product.code

    @property
    def product_name(self) -> str:
        return self.product.name

    @property
    def needs_count(self) -> bool:
        return self.status == Status.UNKNOWN and not self.counted_since


def one_decimal(value: float) -> float:
    """Half-up to 0.1, as a person rounds (0.25 → 0.3; Python's round gives 0.2)."""
    return float(round_half_up(value * 10) / 10)


def _cartons(value: float) -> str:
    return f"{one_decimal(value):g}"


def is_withdrawn(row: InventoryAdvice) -> bool:
    """The row's product is withdrawn (退市) now: it can no longer be ordered (a row written before
    the withdrawal may still call it short; its advice is read as withdrawn all the same)."""
    return row.product_id is not None and row.product.lifecycle == Lifecycle.WITHDRAWN


def advice_message(row: InventoryAdvice, targets: Targets | None = None) -> str:
    """What the retailer should do, in plain words. A withdrawn product: sell what is left, never
    an order (whatever the stored status). The order is for the cycle whose quotas the advice
    counted (`advice_cycle`: the page names it once)."""
    if is_withdrawn(row):
        return _("Withdrawn: sell what is left; no more supply.")
    targets = targets or Targets()
    status = Status(row.status)
    n, weekly = row.suggested_order, _carton_words(row.weekly_sales)
    if status == Status.UNKNOWN:
        ask = _(
            "Stock unknown: no recent count. Count it and enter it below, or your customer manager counts it on the next visit."
        )  # fmt: skip
        if n < math.floor(row.weekly_sales + EPSILON):  # clipped to the quota
            if not n:
                return ask + " " + _("There is no quota for it.")
            return ask + " " + ngettext(
                "Until then, order %(n)s carton: the quota allows no more.",
                "Until then, order %(n)s cartons: the quota allows no more.", n,
            ) % {"n": n}  # fmt: skip
        if n:
            return ask + " " + ngettext(
                "Until then, %(n)s carton a cycle (about what you sell in a week) keeps your stock where it is.",
                "Until then, %(n)s cartons a cycle (about what you sell in a week) keeps your stock where it is.", n,
            ) % {"n": n}  # fmt: skip
        rest = _("It sells about %(weekly)s a week: no order needed until it is counted.") % {"weekly": weekly}
        return f"{ask} {rest}"
    if status == Status.SHORT:
        if row.stock_is_estimate:
            return ngettext(
                "By our estimate selling fast and nearly out: check the shelf, and order %(n)s carton.",
                "By our estimate selling fast and nearly out: check the shelf, and order %(n)s cartons.", n,
            ) % {"n": n}  # fmt: skip
        return ngettext(
            "Selling fast and nearly out: order %(n)s carton.", "Selling fast and nearly out: order %(n)s cartons.", n
        ) % {"n": n}
    if status == Status.OVER:
        weeks = float(round_half_up(row.weeks_of_cover or 0))
        return ngettext(
            "About %(weeks).0f week of stock: order none and sell what you have at the tag price.",
            "About %(weeks).0f weeks of stock: order none and sell what you have at the tag price.", int(weeks),
        ) % {"weeks": weeks}  # fmt: skip
    if status == Status.SLOW:
        return _("Not selling lately: order none; ask your customer manager about it.")
    if n and row.weekly_sales < targets.fast_weekly:
        return ngettext(
            "Sells slowly (about %(weekly)s a week): %(n)s carton is enough.",
            "Sells slowly (about %(weekly)s a week): %(n)s cartons is enough.", n,
        ) % {"weekly": weekly, "n": n}  # fmt: skip
    if n:
        return ngettext(
            "Stock is about right: order %(n)s carton to keep it so.",
            "Stock is about right: order %(n)s cartons to keep it so.", n,
        ) % {"n": n}  # fmt: skip
    return _("Stock is about right: no order needed.")


def _carton_words(value: float) -> str:
    """Cartons as the advice says them: "0.3 cartons", "1 carton" (half-up to 0.1)."""
    return ngettext("%(n)s carton", "%(n)s cartons", plural_count(one_decimal(value))) % {"n": _cartons(value)}


def advice_cycle(*, retailer: Retailer) -> tuple[OrderCycle | None, dt.date | None]:
    """The cycle whose published quotas the retailer's current advice counted (the cycle it orders
    next on the night the advice was worked out, kept on its rows by `inventory.services`), and that
    night's date; (None, None) before any advice for it. A row from before the cycle was kept names
    the cycle of that night's date, as the advice then counted."""
    row = (
        InventoryAdvice.objects.filter(advice_run__is_current=True, retailer=retailer)
        .select_related("cycle", "advice_run")
        .first()
    )
    if row is None:
        return None, None
    as_of = row.advice_run.as_of
    return (row.cycle if row.cycle_id is not None else current_cycle(as_of)), as_of


def stock_basis(row: InventoryAdvice, as_of: dt.date) -> str:
    """Where the stock figure comes from: the count (how much, how old, whose) and, when carried
    forward, the cartons delivered and estimated sold since. Empty for an unknown stock."""
    if row.stock is None or row.counted_cartons is None or row.count_age_days is None:
        return ""
    source = COUNT_SOURCES.get(row.count_source)
    values = {
        "count": _carton_words(row.counted_cartons),
        "days": row.count_age_days,
        "date": date_format(as_of - dt.timedelta(days=row.count_age_days), "MONTH_DAY_FORMAT"),
        "source": source.label if source else "",
        "delivered": row.delivered_since or 0,
        "sold": _cartons(row.sold_since or 0),
        "weekly": _cartons(row.weekly_sales),
    }
    if not row.count_age_days:
        return _("Counted today: %(count)s (%(source)s).") % values
    text = ngettext(
        "Estimate: %(count)s counted %(days)s day ago (%(date)s, %(source)s), + %(delivered)s delivered since, − about %(sold)s sold since (%(weekly)s a week).",
        "Estimate: %(count)s counted %(days)s days ago (%(date)s, %(source)s), + %(delivered)s delivered since, − about %(sold)s sold since (%(weekly)s a week).",
        row.count_age_days,
    ) % values  # fmt: skip
    if row.counted_cartons + (row.delivered_since or 0) - (row.sold_since or 0) < 0:
        text += " " + _("(Never below zero.)")
    return text


def counted_line(row: InventoryAdvice, count) -> AdviceLine:
    """A product counted since tonight's advice could judge it (no count, or an estimate carried
    from an older count): it needs no count any more and the count stands as its stock; its advice
    comes with the next night's."""
    values = {"count": _carton_words(count.count), "date": date_format(count.counted_on, "MONTH_DAY_FORMAT")}
    return AdviceLine(
        row.product, Status.UNKNOWN, _("counted"), int(count.count), False, one_decimal(row.weekly_sales), 0,
        _("Counted on %(date)s: %(count)s. Advice on it comes with tonight's update.") % values, "",
        counted_since=True,
    )  # fmt: skip


def _counted_since(row: InventoryAdvice, counted_on: dt.date) -> bool:
    """A count newer than what tonight's advice stood on: any count of a product it could not judge,
    or one later than the count an estimated stock was carried forward from (a shelf checked after
    "nearly out, please look": the estimate no longer stands)."""
    if row.status == Status.UNKNOWN:
        return True
    if not row.stock_is_estimate or row.count_age_days is None:
        return False
    return counted_on > row.advice_run.as_of - dt.timedelta(days=int(row.count_age_days))


def retailer_advice(*, retailer: Retailer, today: dt.date | None = None) -> list[AdviceLine]:
    """The current night's advice for one retailer: short first, then over-stocked, slow, healthy,
    and last the products whose stock is unknown (they need a count). A product counted since that
    night (`stock.selectors.latest_counts`, any source) needs no count any more at once: its line
    says so with the count, and the next night's advice starts from it. A withdrawn product (退市)
    whose stock is unknown is left out: the shop is not asked to count what it can no longer order;
    one with stock reads "withdrawn: sell what is left", slow-moving and with no order, even on a
    row written before the withdrawal (which may still say short)."""
    rows = InventoryAdvice.objects.filter(advice_run__is_current=True, retailer=retailer).select_related(
        "product", "advice_run"
    )
    order = {Status.SHORT: 0, Status.OVER: 1, Status.SLOW: 2, Status.HEALTHY: 3, Status.UNKNOWN: 4, Status.NO_SALES: 5}
    rows = [r for r in rows if not (r.status == Status.UNKNOWN and r.product.lifecycle == Lifecycle.WITHDRAWN)]
    counted = {}
    if any(r.status == Status.UNKNOWN or r.stock_is_estimate for r in rows):
        found = latest_counts(today=today or timezone.localdate(), retailer_ids=[retailer.pk])
        counted = {c.product: c for c in found.itertuples(index=False)}
    lines = [
        counted_line(r, counted[r.product_id])
        if r.product_id in counted and _counted_since(r, counted[r.product_id].counted_on)
        else _advice_line(r)
        for r in rows
    ]
    return sorted(lines, key=lambda line: (order[line.status], line.needs_count, line.product_code))


def _advice_line(row: InventoryAdvice) -> AdviceLine:
    status, label, suggested = Status(row.status), str(STATUS_LABELS[Status(row.status)]), row.suggested_order
    if is_withdrawn(row):
        status, label, suggested = Status.SLOW, str(Lifecycle.WITHDRAWN.label), 0
    return AdviceLine(
        row.product,
        status,
        label,
        row.stock,
        row.stock_is_estimate,
        one_decimal(row.weekly_sales),
        suggested,
        advice_message(row),
        stock_basis(row, row.advice_run.as_of),
    )


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
        "cls": gap.price_class, "own": int(round_half_up(gap.own_share * 100)),
        "peers": int(round_half_up(gap.peer_share * 100)),
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
            person_name(r.retailer.manager) if r.retailer.manager else "",  # by name, not login
            f"{r.product.code} {r.product.name}",
            r.stock,
            r.stock_is_estimate,
            one_decimal(r.weekly_sales),
            None if r.weeks_of_cover is None else one_decimal(r.weeks_of_cover),
            max(0, r.stock - math.ceil(r.weekly_sales * weeks)),
        )  # fmt: skip
        for r in rows[:2000]
    ]
    return found
