"""Reads for demand reports: the window a cycle is open in, what a retailer may report and starts from,
its reports, and reported demand as the allocation reads it (per retailer for method D, per tier for the
demand shape, per product for the run report). Nothing here writes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd
from django.db.models import Count, QuerySet, Sum

from core.models import Run
from cycles.models import CycleStatus, OrderCycle
from orders.models import Order
from pricing.models import Lifecycle, Product
from retailers.models import Retailer
from retailers.selectors import scope_to_visible_retailers

from .engine import suggested_cartons
from .models import DemandReport

# The `core.Run` job of an allocation run (allocation.services.JOB: allocation sits above this app, so the
# name is written here, and tests/demand check both are the same). A run of a cycle's allocation is
# started with the cycle's label as its scope.
ALLOCATION_JOB = "allocation"
SUGGESTION_CYCLES = 4  # a report starts from the retailer's orders of the last 4 cycles


class Closed:
    """Why a cycle's window is closed (codes; words in the views)."""

    ALLOCATION = "allocation"  # an allocation run of the cycle has started
    STATUS = "status"  # the cycle is computed, published or closed
    ORDERING = "ordering"  # ordering has opened


@dataclass(frozen=True)
class DemandWindow:
    """A cycle's demand reports: open from the cycle's creation until its first allocation run starts,
    and at the latest until the day before ordering opens (`last_day`)."""

    cycle: OrderCycle
    is_open: bool
    closed_because: str = ""  # a `Closed` code

    @property
    def last_day(self) -> dt.date:
        return self.cycle.order_opens_on - dt.timedelta(days=1)


def _allocation_started(labels: list[str]) -> set[str]:
    return set(Run.objects.filter(job=ALLOCATION_JOB, scope__in=labels).values_list("scope", flat=True))


def demand_window(*, cycle: OrderCycle, today: dt.date) -> DemandWindow:
    """Whether `cycle` takes demand reports today, and if not why (docs/domain.md §9, as built)."""
    if cycle.status != CycleStatus.DRAFT:
        return DemandWindow(cycle, False, Closed.STATUS)
    if _allocation_started([cycle.label]):
        return DemandWindow(cycle, False, Closed.ALLOCATION)
    if today >= cycle.order_opens_on:
        return DemandWindow(cycle, False, Closed.ORDERING)
    return DemandWindow(cycle, True)


def open_demand_cycles(*, today: dt.date) -> list[OrderCycle]:
    """The cycles taking reports today, earliest first."""
    cycles = list(
        OrderCycle.objects.filter(status=CycleStatus.DRAFT, order_opens_on__gt=today).order_by("starts_on")[:8]
    )
    started = _allocation_started([c.label for c in cycles])
    return [c for c in cycles if c.label not in started]


def reportable_products() -> QuerySet[Product]:
    """The products a retailer may report: on sale (new or active, not withdrawn)."""
    return Product.objects.exclude(lifecycle=Lifecycle.WITHDRAWN).select_related("price_band").order_by("code")


def retailer_suggestions(*, retailer_id: int, cycle: OrderCycle) -> dict[int, int]:
    """Product → the cartons the form starts from (`engine.suggested_cartons` over the orders of the
    SUGGESTION_CYCLES cycles before `cycle`)."""
    since = cycle.starts_on - dt.timedelta(weeks=SUGGESTION_CYCLES)
    rows = Order.objects.filter(
        retailer_id=retailer_id, cycle__starts_on__gte=since, cycle__starts_on__lt=cycle.starts_on
    ).values_list("cycle_id", "product_id", "ordered_qty")
    return suggested_cartons(pd.DataFrame(list(rows), columns=["cycle", "product", "ordered_qty"]))


def retailer_reports(*, retailer_id: int, cycle_id: int) -> dict[int, int]:
    """Product → the cartons this retailer reported for the cycle."""
    return dict(
        DemandReport.objects.filter(retailer_id=retailer_id, cycle_id=cycle_id).values_list("product_id", "cartons")
    )


@dataclass
class DemandLine:
    """One product on a retailer's report form."""

    product: Product
    suggested: int | None  # from its recent orders; None if it did not order the product
    reported: int | None  # what it reported; None if nothing yet

    @property
    def value(self) -> int | None:
        """What the form shows: the report, else the suggestion."""
        return self.reported if self.reported is not None else self.suggested

    @property
    def prefilled(self) -> bool:
        """The box starts from its recent orders: a suggestion, not reported (nothing stored) until saved."""
        return self.reported is None and self.suggested is not None

    @property
    def usual(self) -> bool:
        """A product the retailer orders or has reported (shown first)."""
        return self.suggested is not None or self.reported is not None


def retailer_demand_lines(*, retailer: Retailer, cycle: OrderCycle) -> list[DemandLine]:
    """Every product the retailer may report for `cycle`, its usual products first (by code), each with
    the suggestion and the report; a reported product that has since been withdrawn is still shown."""
    suggestions = retailer_suggestions(retailer_id=retailer.pk, cycle=cycle)
    reports = retailer_reports(retailer_id=retailer.pk, cycle_id=cycle.pk)
    products = list(reportable_products())
    known = {p.pk for p in products}
    missing = [pk for pk in reports if pk not in known]
    if missing:
        products += list(Product.objects.filter(pk__in=missing).select_related("price_band"))
    lines = [DemandLine(p, suggestions.get(p.pk), reports.get(p.pk)) for p in products]
    lines.sort(key=lambda line: (not line.usual, line.product.code))
    return lines


def demand_reports_visible_to(*, user) -> QuerySet[DemandReport]:
    """Reports of the retailers `user` may see (a supervisor all, a manager theirs, a retailer its own)."""
    rows = DemandReport.objects.select_related("cycle", "retailer", "product", "entered_by")
    return scope_to_visible_retailers(rows, user=user)


# Reads for the allocation (allocation/selectors.py, allocation/reports.py, allocation/quota_sheets.py).


def reported_demand(*, cycle_id: int, product_ids: list[int]) -> dict[int, pd.Series]:
    """Method D: product → reported cartons per retailer (index retailer id) for the cycle."""
    if not product_ids:
        return {}
    rows = DemandReport.objects.filter(cycle_id=cycle_id, product_id__in=product_ids).values_list(
        "product_id", "retailer_id", "cartons"
    )
    frame = pd.DataFrame(list(rows), columns=["product", "retailer", "cartons"])
    return {
        int(product): pd.Series(group["cartons"].to_numpy(np.int64), index=group["retailer"].to_numpy(np.int64))
        for product, group in frame.groupby("product")
    }


def reported_by_tier(*, cycle_id: int, product_ids: list[int]) -> dict[int, tuple[np.ndarray, np.ndarray]]:
    """The tier demand shape: product → (cartons reported, retailers reporting) per tier, 30 values, D1
    first; retailers placed by their current tier (as the orders' shape places them), none without one."""
    if not product_ids:
        return {}
    rows = (
        DemandReport.objects.filter(cycle_id=cycle_id, product_id__in=product_ids, retailer__tier__isnull=False)
        .order_by()
        .values_list("product_id", "retailer__tier")
        .annotate(cartons=Sum("cartons"), reporters=Count("retailer_id"))
    )
    out: dict[int, tuple[np.ndarray, np.ndarray]] = {}
    for product, tier, cartons, reporters in rows:
        if not 1 <= int(tier) <= 30:
            continue
        sums, counts = out.setdefault(int(product), (np.zeros(30), np.zeros(30, dtype=np.int64)))
        sums[int(tier) - 1] += float(cartons)
        counts[int(tier) - 1] += int(reporters)
    return out
