"""Reads for allocation: the policy, the registry as one frame, plan lines as engine inputs,
order history (demand shapes, forecasts, rotation), and quotas resolved from a run. Nothing here
writes (the quota cache is `quota_cache`'s)."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from functools import partial

import numpy as np
import pandas as pd
from django.db import connection
from django.db.models import Count, Sum

from core.labels import DEFAULT_POLICY_NAME  # the policy saved with the defaults, shown in words
from cycles.models import CycleStatus, OrderCycle
from demand.engine import blended_shape
from demand.selectors import reported_by_tier, reported_demand
from orders.models import Order
from pricing.models import Product
from retailers.models import Retailer

from .engine.bitmaps import bitmap_to_ids
from .engine.cells import PlanLine
from .engine.compute import LineInput
from .engine.direct import forecast_demand
from .engine.rules import NEVER_SERVED, Reason, has_reason
from .models import (
    AllocationPolicy,
    AllocationRun,
    CellReport,
    CycleKpi,
    QuotaException,
    RetailerQuotas,
    SupplyPlanLine,
)
from .policy import Policy

REGISTRY_COLUMNS = [
    "id", "tier", "status", "order_cycle_kind", "order_week_parity", "is_pos_supplier", "is_quality_customer",
    "branch_id", "department_id", "market_type", "urban_rural_code", "business_format", "trade_area",
    "credit_rating", "integrity_group", "is_vulnerable",
]  # fmt: skip


CATEGORY_COLUMNS = [
    "status", "order_cycle_kind", "order_week_parity", "market_type", "urban_rural_code", "business_format",
    "trade_area", "credit_rating", "integrity_group",
]  # fmt: skip


def registry_frame(retailer_ids: list[int] | None = None) -> pd.DataFrame:
    """The registry (or these retailers) as one frame; low-cardinality text as categoricals."""
    retailers = Retailer.objects.all() if retailer_ids is None else Retailer.objects.filter(pk__in=retailer_ids)
    rows = retailers.values_list(*REGISTRY_COLUMNS)
    frame = pd.DataFrame(list(rows), columns=REGISTRY_COLUMNS).set_index("id")
    return frame.astype(dict.fromkeys(CATEGORY_COLUMNS, "category"))


def active_policy() -> AllocationPolicy:
    """The active allocation policy. With none active, the one named "default" if there is one, else an
    unsaved policy with the defaults of docs/domain.md §4 (a run's start saves it: `allocation_policy_get_or_create`)."""
    policy = AllocationPolicy.objects.filter(is_active=True).first()
    if policy is None:
        policy = AllocationPolicy.objects.filter(name=DEFAULT_POLICY_NAME).first() or AllocationPolicy(
            name=DEFAULT_POLICY_NAME, is_active=not AllocationPolicy.objects.exists()
        )
    return policy


def plan_line_input(line: SupplyPlanLine) -> PlanLine:
    return PlanLine(
        target=line.target,
        lowest_tier=line.lowest_tier,
        highest_tier=line.highest_tier,
        dimensions=tuple(line.dimensions),
        scope=tuple(line.scope),
        tag_filter=line.tag_filter,
        biweekly_double=line.biweekly_double,
        allow_over=line.allow_over,
        cell_ratios=line.cell_ratios or None,
    )


def line_inputs(lines: list[SupplyPlanLine], *, cycle: OrderCycle, policy: Policy) -> list[LineInput]:
    """Everything the computation needs per line: plan, demand shape, band, forecast and reported demand,
    selection, rotation history, and what the cycle's exceptions hold (`held_quotas`)."""
    product_ids = [line.product_id for line in lines]
    shapes = demand_shapes(
        product_ids=product_ids,
        before=cycle.starts_on,
        weeks=policy.demand_weeks,
        uplift=policy.full_order_uplift,
        cycle_id=cycle.pk,
        reported_weight=policy.reported_demand_weight,
    )
    band_rank = {}
    by_price = sorted(  # ranked over the whole cycle's plan, whichever lines this call computes
        SupplyPlanLine.objects.filter(cycle=cycle, method="C", product__price_band__isnull=False)
        .order_by()  # the model's ordering would join the DISTINCT: one row per line, not per band
        .values_list("product__price_band__min_wholesale_price", "product__price_band__label")
        .distinct()
    )
    for rank, (_, label) in enumerate(reversed(by_price)):
        band_rank[label] = rank
    demand_ids = [line.product_id for line in lines if line.method == "D"]
    forecasts = (
        demand_forecasts(product_ids=demand_ids, before=cycle.starts_on, cycles=policy.demand_weeks)
        if demand_ids
        else {}
    )
    reported = reported_demand(cycle_id=cycle.pk, product_ids=product_ids)  # method D's ceiling; per cell in the report
    selections: dict[int, frozenset[int]] = {}
    for line_id, retailer_id in SupplyPlanLine.selected_retailers.through.objects.filter(
        supplyplanline_id__in=[line.pk for line in lines if line.method == "E"]
    ).values_list("supplyplanline_id", "retailer_id"):
        selections[line_id] = selections.get(line_id, frozenset()) | {retailer_id}
    held = held_quotas(cycle_id=cycle.pk, product_ids=product_ids)
    out = []
    for line in lines:
        band = line.product.price_band.label if line.method == "C" and line.product.price_band else ""
        out.append(
            LineInput(
                line_id=line.pk,
                product_id=line.product_id,
                method=line.method,
                plan=plan_line_input(line),
                shape=shapes.get(line.product_id),
                price_band=band or (f"#{line.product_id}" if line.method == "C" else ""),
                band_rank=band_rank.get(band, len(band_rank)),
                forecast=forecasts.get(line.product_id),
                reported=reported.get(line.product_id),
                selected=selections.get(line.pk, frozenset()),
                last_served=partial(last_served, product_id=line.product_id, before=cycle.starts_on),
                held=held.get(line.product_id),
            )  # fmt: skip
        )
    return out


def held_quotas(*, cycle_id: int, product_ids: list[int]) -> dict[int, pd.Series]:
    """Per product: retailer → cartons the cycle's approved exceptions set (0 included: an exception that
    takes a shop's quota away holds it at 0). One query for all the products; the engine takes these
    retailers out of the line's computation and their cartons off its target (`LineInput.held`)."""
    rows = QuotaException.objects.filter(cycle_id=cycle_id, product_id__in=product_ids).values_list(
        "product_id", "retailer_id", "quota"
    )
    frame = pd.DataFrame(list(rows), columns=["product", "retailer", "quota"])
    return {
        int(product): pd.Series(
            group["quota"].to_numpy(np.int64), index=pd.Index(group["retailer"].to_numpy(np.int64), name="retailer")
        )
        for product, group in frame.groupby("product")
    }


def demand_forecasts(
    *, product_ids: list[int], before: dt.date, cycles: int, censored_uplift: float = 0.2
) -> dict[int, pd.Series]:
    """Method D: expected cartons per retailer and product from the last `cycles` cycles (censored orders uplifted)."""
    rows = Order.objects.filter(
        product_id__in=product_ids,
        cycle__starts_on__gte=before - dt.timedelta(weeks=cycles),
        cycle__starts_on__lt=before,
    ).values_list("product_id", "retailer_id", "ordered_qty", "quota")
    history = pd.DataFrame(list(rows), columns=["product", "retailer", "ordered_qty", "quota"])
    return {
        int(product): forecast_demand(group, cycles=cycles, censored_uplift=censored_uplift)
        for product, group in history.groupby("product")
    }


def last_served(*, product_id: int, before: dt.date, weeks: int = 26) -> pd.Series:
    """Retailer → the day (ordinal) it last received the product in a published cycle of the last
    `weeks` weeks, by caps, rotation or exception (earlier counts as never: they come first either way)."""
    since = before - dt.timedelta(weeks=weeks)
    cells = CellReport.objects.filter(
        allocation__is_published=True, allocation__cycle__starts_on__lt=before,
        allocation__cycle__starts_on__gte=since, plan_line__product_id=product_id,
    ).values_list("served", "allocation__cycle__starts_on")  # fmt: skip
    frames = [
        pd.DataFrame({"retailer": bitmap_to_ids(served), "day": day.toordinal()}) for served, day in cells if served
    ]
    given = QuotaException.objects.filter(
        product_id=product_id, quota__gt=0, cycle__starts_on__lt=before, cycle__starts_on__gte=since
    ).values_list("retailer_id", "cycle__starts_on")
    frames += [pd.DataFrame({"retailer": [r], "day": [day.toordinal()]}) for r, day in given]
    if not frames:
        return pd.Series(dtype=np.int64)
    return pd.concat(frames, ignore_index=True).groupby("retailer")["day"].max()


def demand_shapes(
    *,
    product_ids: list[int],
    before,
    weeks: int = 4,
    uplift: float = 0.0,
    cycle_id: int | None = None,
    reported_weight: float = 0.0,
) -> dict[int, np.ndarray]:
    """Mean cartons ordered per ordering retailer, per tier (index 0 = D1), over recent cycles.

    Retailers are placed by their current tier. Where the last closed cycle's KPIs show full
    orders (demand at least the quota), a tier's value is raised by `uplift` × its full-order
    share. With `reported_weight` > 0, the demand reported for cycle `cycle_id` is blended in
    (`demand.engine.blended_shape`: per cycle, reports weighing `reported_weight` where a tier has
    both). Products with neither are absent (the engine then uses its default shape).
    """
    if not product_ids:
        return {}
    qn = connection.ops.quote_name
    marks = ", ".join(["%s"] * len(product_ids))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT o.product_id, r.tier, SUM(o.ordered_qty), COUNT(DISTINCT o.retailer_id) "  # noqa: S608
            f"FROM {qn(Order._meta.db_table)} o JOIN {qn(OrderCycle._meta.db_table)} c ON c.id = o.cycle_id "
            f"JOIN {qn(Retailer._meta.db_table)} r ON r.id = o.retailer_id "
            f"WHERE c.starts_on >= %s AND c.starts_on < %s AND r.tier IS NOT NULL AND o.product_id IN ({marks}) "
            "GROUP BY o.product_id, r.tier",
            [before - dt.timedelta(weeks=weeks), before, *product_ids],
        )
        rows = cursor.fetchall()
    shapes: dict[int, np.ndarray] = {}
    for product_id, tier, cartons, retailers in rows:
        shape = shapes.setdefault(product_id, np.zeros(30))
        shape[int(tier) - 1] = float(cartons) / max(int(retailers), 1)
    if uplift and shapes:
        last = (
            OrderCycle.objects.filter(status="closed", starts_on__lt=before, kpis__isnull=False)
            .order_by("-starts_on")
            .first()
        )
        kpis = CycleKpi.objects.filter(cycle=last, product_id__in=list(shapes), offered__gt=0) if last else []
        for kpi in kpis:
            shapes[kpi.product_id][kpi.tier - 1] *= 1 + uplift * kpi.full_orders / kpi.offered
    if reported_weight > 0 and cycle_id is not None:
        for product_id, (cartons, reporters) in reported_by_tier(cycle_id=cycle_id, product_ids=product_ids).items():
            blended = blended_shape(shapes.get(product_id), cartons, reporters, weight=reported_weight, weeks=weeks)
            if blended is not None:
                shapes[product_id] = blended
    return shapes


def published_allocation_run(cycle: OrderCycle) -> AllocationRun | None:
    return AllocationRun.objects.filter(cycle=cycle, is_published=True).first()


def quotas_run(cycle: OrderCycle) -> AllocationRun | None:
    """The run whose quotas hold for the cycle now: the published one, else the latest complete one (what
    would be published); None before any run completes."""
    return published_allocation_run(cycle) or (
        AllocationRun.objects.filter(cycle=cycle, is_complete=True).order_by("-created_at", "-pk").first()
    )


def runs_awaiting_publication() -> list[AllocationRun]:
    """Complete runs of cycles not published yet (draft or computed), the latest per cycle, soonest
    cycle first: what a supervisor still has to review and publish."""
    latest: dict[int, AllocationRun] = {}
    runs = AllocationRun.objects.filter(
        is_complete=True, cycle__status__in=(CycleStatus.DRAFT, CycleStatus.COMPUTED)
    ).select_related("cycle")
    for allocation_run in runs.order_by("cycle__starts_on", "-created_at", "-pk"):
        latest.setdefault(allocation_run.cycle_id, allocation_run)
    return list(latest.values())


QUOTA_FRAME_COLUMNS = [
    "retailer", "plan_line", "product", "tier", "cell", "cap", "weight", "base", "quota", "reasons", "last_served",
    "credit_rating", "facts",
]  # fmt: skip


def quotas_frame(
    allocation_run: AllocationRun,
    retailer_ids: list[int] | None = None,
    *,
    include_unserved: bool = False,
    plan_line_ids: list[int] | None = None,
) -> pd.DataFrame:
    """Every retailer's quota in a run as the run stored it (`RetailerQuotas`), with the cycle's
    exceptions on top; never recomputed from today's registry.

    Columns: QUOTA_FRAME_COLUMNS; reasons is a `Reason` bitmask (0 = the plain cap; EXCEPTION when a
    supervisor set it); tier, credit_rating and facts are what the run used. Retailers with no quota
    are absent; `include_unserved` keeps those a rotation left out or a penalty took to 0, so they
    can read why.
    `retailer_ids` and `plan_line_ids` limit it to those retailers and lines.
    """
    rows = RetailerQuotas.objects.filter(allocation=allocation_run)
    if retailer_ids is not None:
        rows = rows.filter(retailer_id__in=list(retailer_ids))
    stored = list(rows.values_list("retailer_id", "tier", "credit_rating", "facts", "entries"))
    frame = _entries_frame(stored)
    if plan_line_ids is not None:
        frame = frame[frame["plan_line"].isin(plan_line_ids)]
    line_product = dict(SupplyPlanLine.objects.filter(cycle_id=allocation_run.cycle_id).values_list("pk", "product_id"))
    cells = {
        (line, number): key
        for line, number, key in CellReport.objects.filter(allocation=allocation_run).values_list(
            "plan_line_id", "cell_no", "cell"
        )
    }
    frame = frame.assign(
        product=frame["plan_line"].map(line_product).fillna(0).astype(np.int64),
        cell=[cells.get(k, "") for k in zip(frame["plan_line"].tolist(), frame["cell"].tolist(), strict=True)],
        cap=frame["base"] // frame["weight"].clip(lower=1),
    )
    frame = _with_exceptions(frame, allocation_run, retailer_ids, plan_line_ids, line_product, stored)
    keep = frame["quota"] > 0
    if include_unserved:  # left out by a rotation, or a penalty that took the quota to 0: they read why
        keep |= has_reason(frame["reasons"], Reason.ROTATION | Reason.CREDIT | Reason.VIOLATION)
    return frame[keep][QUOTA_FRAME_COLUMNS].reset_index(drop=True)


def _entries_frame(stored: list[tuple]) -> pd.DataFrame:
    """Stored rows (retailer, tier, credit rating, facts, packed entries) as one row per entry."""
    size = RetailerQuotas.ENTRY.itemsize
    blobs = [bytes(row[4]) for row in stored]
    counts = np.fromiter((len(b) // size for b in blobs), dtype=np.int64, count=len(blobs))
    entries = np.frombuffer(b"".join(blobs), dtype=RetailerQuotas.ENTRY)
    facts = pd.DataFrame(
        [row[:4] for row in stored], columns=["retailer", "tier", "credit_rating", "facts"]
    ) if stored else pd.DataFrame(columns=["retailer", "tier", "credit_rating", "facts"])  # fmt: skip
    frame = pd.DataFrame({name: entries[name].astype(np.int64) for name in RetailerQuotas.ENTRY.names})
    frame["last_served"] = RetailerQuotas.served_ordinal(frame["last_served"].to_numpy())
    for column in ("retailer", "tier", "credit_rating", "facts"):
        values = facts[column].to_numpy()
        frame[column] = np.repeat(values, counts) if len(values) else np.array([], dtype=values.dtype)
    frame["tier"] = pd.to_numeric(frame["tier"]).fillna(0).astype(np.int64)
    return frame.astype({"retailer": np.int64, "facts": np.int64})


def _with_exceptions(
    frame: pd.DataFrame,
    allocation_run: AllocationRun,
    retailer_ids: list[int] | None,
    plan_line_ids: list[int] | None,
    line_product: dict[int, int],
    stored: list[tuple],
) -> pd.DataFrame:
    """A supervisor's exceptions replace (or add) quotas, marked EXCEPTION. A shop the run has no row
    for reads what the exception kept of it when approved (tier, credit rating, facts, cell), never
    today's registry."""
    given = QuotaException.objects.filter(cycle_id=allocation_run.cycle_id)
    if retailer_ids is not None:
        given = given.filter(retailer_id__in=list(retailer_ids))
    line_of = {product: line for line, product in line_product.items()}
    if plan_line_ids is not None:
        given = given.filter(product_id__in=[line_product[i] for i in plan_line_ids if i in line_product])
    rows = list(given.values_list("retailer_id", "product_id", "quota", "tier", "credit_rating", "facts", "cell"))
    if not rows:
        return frame
    facts = {row[0]: row[1:4] for row in stored}
    known = frame.set_index(["retailer", "plan_line"])
    extra = []
    for retailer, product, quota, tier_then, credit_then, facts_then, cell_then in rows:
        line = line_of.get(product)
        if line is None:
            continue
        if (retailer, line) in known.index:
            row = known.loc[(retailer, line)].to_dict()
            row["reasons"] = int(row["reasons"]) | int(Reason.EXCEPTION)
        else:  # the run's facts of the shop where it has a row (another line's), else the exception's
            tier, credit, bits = facts.get(retailer, (tier_then, credit_then, facts_then))
            row = {"product": product, "tier": int(tier or 0), "cell": cell_then, "cap": 0, "weight": 1, "base": 0,
                   "reasons": int(Reason.EXCEPTION), "last_served": NEVER_SERVED, "credit_rating": credit,
                   "facts": bits}  # fmt: skip
        row.update(retailer=retailer, plan_line=line, quota=quota)
        extra.append(row)
    if not extra:
        return frame
    both = pd.concat([frame, pd.DataFrame(extra)], ignore_index=True)
    both = both.drop_duplicates(["retailer", "plan_line"], keep="last")
    return both.astype({c: np.int64 for c in ("retailer", "plan_line", "product", "tier", "cap", "weight", "base",
                                               "quota", "reasons", "last_served", "facts")})  # fmt: skip


@dataclass(frozen=True)
class ExceptionChange:
    """What one exception changes of a run's quotas: the shop's quota on the line as the run stored it
    (`before`, 0 where the run has no entry for it) and as the exception sets it (`after`); where it
    counts in the run report: the shop's cell number on the line in the run, else (a shop the run has no
    entry for) the cell key the exception kept."""

    plan_line: int
    retailer: int
    before: int
    after: int
    cell_no: int | None
    cell: str

    @property
    def change(self) -> int:
        return self.after - self.before


def exception_changes(
    allocation_run: AllocationRun, *, plan_line_ids: list[int] | None = None
) -> list[ExceptionChange]:
    """The cycle's exceptions against what `allocation_run` stored (only the excepted shops' rows are read)."""
    lines = SupplyPlanLine.objects.filter(cycle_id=allocation_run.cycle_id)
    if plan_line_ids is not None:
        lines = lines.filter(pk__in=list(plan_line_ids))
    line_of = {product: line for line, product in lines.values_list("pk", "product_id")}
    given = list(
        QuotaException.objects.filter(cycle_id=allocation_run.cycle_id, product_id__in=list(line_of)).values_list(
            "retailer_id", "product_id", "quota", "cell"
        )
    )
    if not given:
        return []
    rows = RetailerQuotas.objects.filter(allocation=allocation_run, retailer_id__in={g[0] for g in given})
    frame = _entries_frame(list(rows.values_list("retailer_id", "tier", "credit_rating", "facts", "entries")))
    frame = frame[frame["plan_line"].isin(list(line_of.values()))]
    stored = {
        (int(r), int(line)): (int(cell), int(quota))
        for r, line, cell, quota in zip(
            frame["retailer"], frame["plan_line"], frame["cell"], frame["quota"], strict=True
        )
    }
    out = []
    for retailer, product, quota, cell in given:
        line = line_of[product]
        cell_no, before = stored.get((retailer, line), (None, 0))
        out.append(ExceptionChange(line, retailer, before, int(quota), cell_no, cell))
    return out


@dataclass(frozen=True)
class LineGiven:
    """A plan line's quotas as they hold now (`quotas_run`'s stored quotas with the cycle's exceptions on
    top): the cartons of all of them, this shop's, and whether the run gave the shop an entry on the line
    (computed it as one of the line's eligible retailers, whatever its quota)."""

    total: int
    shop: int
    shop_in_run: bool

    @property
    def others(self) -> int:
        return self.total - self.shop


def line_given(*, cycle: OrderCycle, line: SupplyPlanLine, retailer_id: int) -> LineGiven:
    """The line's cartons given now: the run's released (`CellReport`, Σ its stored quotas) plus what the
    exceptions change; before any run completes, the exceptions alone."""
    allocation_run = quotas_run(cycle)
    if allocation_run is None:
        given = dict(
            QuotaException.objects.filter(cycle=cycle, product_id=line.product_id).values_list("retailer_id", "quota")
        )
        return LineGiven(sum(given.values()), given.get(retailer_id, 0), False)
    released = sum(
        CellReport.objects.filter(allocation=allocation_run, plan_line=line).values_list("released", flat=True)
    )
    changes = exception_changes(allocation_run, plan_line_ids=[line.pk])
    mine = quotas_frame(allocation_run, [retailer_id], include_unserved=True, plan_line_ids=[line.pk])
    stored = RetailerQuotas.objects.filter(allocation=allocation_run, retailer_id=retailer_id)
    entries = _entries_frame(list(stored.values_list("retailer_id", "tier", "credit_rating", "facts", "entries")))
    return LineGiven(
        total=released + sum(c.change for c in changes),
        shop=int(mine["quota"].sum()),
        shop_in_run=bool((entries["plan_line"] == line.pk).any()),
    )


def cell_key(cell: tuple, dimensions: list[str]) -> str:
    """A cell as stored: JSON of its values by dimension ("" for the whole scope)."""
    return json.dumps(dict(zip(dimensions, cell, strict=True)), ensure_ascii=False, sort_keys=True) if cell else ""


def retailer_quotas(*, retailer: Retailer, cycle: OrderCycle) -> dict[str, int]:
    """Product code → cartons this retailer may order in the cycle (published run only)."""
    allocation_run = published_allocation_run(cycle)
    if allocation_run is None:
        return {}
    frame = quotas_frame(allocation_run, [retailer.pk])
    codes = dict(Product.objects.filter(pk__in=frame["product"].tolist()).values_list("pk", "code"))
    return {codes[p]: int(q) for p, q in zip(frame["product"], frame["quota"], strict=True)}


@dataclass(frozen=True)
class PlanTotals:
    """A cycle's supply plan in two figures: how many lines and their targets' sum (cartons)."""

    lines: int
    target: int


def cycles_to_compute(today: dt.date) -> list[OrderCycle]:
    """The cycles a supervisor may compute quotas for now: with a supply plan, not yet published or
    closed. The next cycle to be ordered (the first starting after `today`, as the nightly job picks)
    first, the later ones after it in date order, then the earlier ones, newest first."""
    cycles = list(
        OrderCycle.objects.filter(supply_plan__isnull=False)
        .exclude(status__in=(CycleStatus.PUBLISHED, CycleStatus.CLOSED))
        .distinct()
        .order_by("starts_on")
    )
    ahead = [c for c in cycles if c.starts_on > today]
    behind = [c for c in cycles if c.starts_on <= today]
    return ahead + behind[::-1]


def cycle_plan_totals(cycle: OrderCycle) -> PlanTotals:
    found = SupplyPlanLine.objects.filter(cycle=cycle).aggregate(lines=Count("pk"), target=Sum("target"))
    return PlanTotals(lines=found["lines"] or 0, target=found["target"] or 0)
