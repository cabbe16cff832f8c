"""Reads for allocation: the policy, the registry as one frame, plan lines as engine inputs,
order history (demand shapes, forecasts, rotation), and quotas resolved from a run. Nothing here
writes (the quota cache is `quota_cache`'s)."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pandas as pd
from django.db import connection

from cycles.models import OrderCycle
from orders.models import Order
from pricing.models import Product
from retailers.models import Retailer

from .engine.bitmaps import bitmap_contains, bitmap_to_ids
from .engine.cells import PlanLine, line_cells
from .engine.compute import LineInput
from .engine.direct import forecast_demand
from .engine.rules import Reason, credit_and_ceiling, has_reason, penalties_of
from .models import (
    AllocationPolicy,
    AllocationRun,
    CellCap,
    CycleKpi,
    QuotaAdjustment,
    QuotaException,
    RotationCell,
    SupplyPlanLine,
)
from .policy import Policy, policy_load

DEFAULT_POLICY_NAME = "default"

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
    """Everything the computation needs per line: plan, demand shape, band, forecast, selection, rotation history."""
    product_ids = [line.product_id for line in lines]
    shapes = demand_shapes(
        product_ids=product_ids,
        before=cycle.starts_on,
        weeks=policy.demand_weeks,
        uplift=policy.full_order_uplift,
    )
    band_rank = {}
    by_price = sorted(  # ranked over the whole cycle's plan, whichever lines this call computes
        SupplyPlanLine.objects.filter(cycle=cycle, method="C", product__price_band__isnull=False)
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
    selections: dict[int, frozenset[int]] = {}
    for line_id, retailer_id in SupplyPlanLine.selected_retailers.through.objects.filter(
        supplyplanline_id__in=[line.pk for line in lines if line.method == "E"]
    ).values_list("supplyplanline_id", "retailer_id"):
        selections[line_id] = selections.get(line_id, frozenset()) | {retailer_id}
    served = rotation_history(product_ids=product_ids, before=cycle.starts_on)
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
                selected=selections.get(line.pk, frozenset()),
                last_served=served.get(line.product_id),
            )  # fmt: skip
        )
    return out


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


def rotation_history(*, product_ids: list[int], before: dt.date, weeks: int = 26) -> dict[int, pd.Series]:
    """Per product: retailer → the day (ordinal) it last received a rotation carton in a published
    cycle of the last `weeks` weeks (earlier counts as never: they come first either way)."""
    rows = RotationCell.objects.filter(
        allocation__is_published=True,
        allocation__cycle__starts_on__lt=before,
        allocation__cycle__starts_on__gte=before - dt.timedelta(weeks=weeks),
        plan_line__product_id__in=product_ids,
    ).values_list("plan_line__product_id", "served", "allocation__cycle__starts_on")  # fmt: skip
    frames = [
        pd.DataFrame({"product": product, "retailer": bitmap_to_ids(served), "day": day.toordinal()})
        for product, served, day in rows
    ]
    if not frames:
        return {}
    frame = pd.concat(frames, ignore_index=True)
    return {int(p): g.groupby("retailer")["day"].max() for p, g in frame.groupby("product")}


def demand_shapes(*, product_ids: list[int], before, weeks: int = 4, uplift: float = 0.0) -> dict[int, np.ndarray]:
    """Mean cartons ordered per ordering retailer, per tier (index 0 = D1), over recent cycles.

    Retailers are placed by their current tier. Where the last closed cycle's KPIs show full
    orders (demand at least the quota), a tier's value is raised by `uplift` × its full-order
    share. Products with no recent orders are absent (the engine then uses its default shape).
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
    return shapes


def published_allocation_run(cycle: OrderCycle) -> AllocationRun | None:
    return AllocationRun.objects.filter(cycle=cycle, is_published=True).first()


def quotas_frame(
    allocation_run: AllocationRun,
    registry: pd.DataFrame | None = None,
    *,
    include_unserved: bool = False,
    plan_line_ids: list[int] | None = None,
) -> pd.DataFrame:
    """Every retailer's quota in a run, resolved from the cap table, the adjustments and the exceptions.

    Columns: retailer, plan_line, product, tier, cell, cap, weight, quota, reasons (a `Reason`
    bitmask; 0 = the plain cap; EXCEPTION when a supervisor set it). Retailers with no quota are absent.
    `registry` may be limited to some retailers (one retailer's phone page). `include_unserved`
    keeps retailers a rotation left out this cycle (quota 0), so they can read why. `plan_line_ids`
    limits it to those lines (one product's quotas).
    """
    cycle = allocation_run.cycle
    registry = registry_frame() if registry is None else registry
    in_cycle = SupplyPlanLine.objects.filter(cycle=cycle)
    if plan_line_ids is not None:
        in_cycle = in_cycle.filter(pk__in=plan_line_ids)
    lines = list(
        in_cycle.exclude(method__in=["D", "E"]).filter(
            pk__in=CellCap.objects.filter(allocation=allocation_run).values("plan_line")
        )
    )
    caps = pd.DataFrame(
        CellCap.objects.filter(allocation=allocation_run, plan_line__in=lines).values_list(
            "plan_line_id", "cell", "tier", "cap"
        ),
        columns=["plan_line", "cell_key", "tier", "cap"],
    )
    parts = []
    for line in lines:
        plan = plan_line_input(line)
        chosen, cells = line_cells(registry, plan, cycle.week_parity)
        if chosen.empty:
            continue
        keys = [cell_key(c, list(line.dimensions)) for c in cells]
        mine = caps[caps["plan_line"] == line.pk]
        part = pd.DataFrame({
            "retailer": chosen.index.to_numpy(), "plan_line": line.pk, "product": line.product_id,
            "tier": chosen["tier"].to_numpy(np.int64), "cell": np.asarray(keys, dtype=object)[chosen["cell"].to_numpy()],
            "weight": chosen["weight"].to_numpy(np.int64),
        })  # fmt: skip
        part = part.merge(
            mine.rename(columns={"cell_key": "cell"})[["cell", "tier", "cap"]], on=["cell", "tier"], how="left"
        )
        part["cap"] = part["cap"].fillna(0).astype(np.int64)
        parts.append(part)
    columns = ["retailer", "plan_line", "product", "tier", "cell", "cap", "weight", "quota", "reasons"]
    frame = (
        pd.concat(parts, ignore_index=True)
        if parts
        else pd.DataFrame({c: pd.Series(dtype=object) for c in columns[:-2]})
    )
    frame = frame.assign(quota=frame["cap"] * frame["weight"], reasons=0)
    if not frame.empty:  # the deterministic rules, as the run applied them (the policy it kept)
        rules = policy_load(allocation_run.policy).rules
        factor, penalty_reasons = penalties_of(
            frame["retailer"].to_numpy(), frame["retailer"].map(registry["credit_rating"]), rules
        )
        quota, cut, capped = credit_and_ceiling(frame["quota"].to_numpy(np.int64), factor, rules.ceiling)
        frame["quota"] = quota
        frame["reasons"] = np.where(cut, penalty_reasons, 0) | np.where(capped, int(Reason.CEILING), 0)
    few = len(registry) < 1000
    frame = _with_rotations(frame, allocation_run, registry)
    line_product = dict(SupplyPlanLine.objects.filter(cycle=cycle).values_list("pk", "product_id"))
    adjusted = QuotaAdjustment.objects.filter(allocation=allocation_run)
    if plan_line_ids is not None:
        adjusted = adjusted.filter(plan_line_id__in=plan_line_ids)
    adjusted = adjusted.filter(retailer_id__in=list(registry.index)) if few else adjusted
    adjustments = pd.DataFrame(
        list(adjusted.values_list("retailer_id", "plan_line_id", "quota", "reasons")),
        columns=["retailer", "plan_line", "quota", "reasons"],
    )
    adjustments = adjustments[adjustments["retailer"].isin(registry.index)]
    if not adjustments.empty:
        known = frame.set_index(["retailer", "plan_line"])[["tier", "cell", "cap", "weight"]]
        adjustments = adjustments.join(known, on=["retailer", "plan_line"])
        fresh = adjustments["tier"].isna()  # methods D and E have no cap rows
        adjustments.loc[fresh, "tier"] = adjustments.loc[fresh, "retailer"].map(registry["tier"]).to_numpy()
        adjustments = adjustments.fillna({"cell": "", "cap": 0, "weight": 1})
        adjustments["product"] = adjustments["plan_line"].map(line_product)
        frame = pd.concat([frame, adjustments[columns]], ignore_index=True).drop_duplicates(
            ["retailer", "plan_line"], keep="last"
        )
    by_hand = QuotaException.objects.filter(cycle=cycle)
    if plan_line_ids is not None:
        by_hand = by_hand.filter(product__in=in_cycle.values("product"))
    by_hand = by_hand.filter(retailer_id__in=list(registry.index)) if few else by_hand
    exceptions = pd.DataFrame(
        list(by_hand.values_list("retailer_id", "product_id", "quota", "reason")),
        columns=["retailer", "product", "quota", "reasons"],
    )
    exceptions = exceptions[exceptions["retailer"].isin(registry.index)]
    if not exceptions.empty:
        line_of = {p: line for line, p in line_product.items()}
        exceptions["plan_line"] = exceptions["product"].map(line_of)
        known = frame.set_index(["retailer", "plan_line"])[["tier", "cell", "cap", "weight", "reasons"]]
        exceptions = exceptions.drop(columns="reasons").join(known, on=["retailer", "plan_line"])
        exceptions["tier"] = exceptions["tier"].fillna(exceptions["retailer"].map(registry["tier"]))
        exceptions = exceptions.fillna({"cell": "", "cap": 0, "weight": 1, "reasons": 0})
        exceptions["reasons"] = exceptions["reasons"].astype(np.int64) | int(Reason.EXCEPTION)
        frame = pd.concat([frame, exceptions[columns]], ignore_index=True).drop_duplicates(
            ["retailer", "plan_line"], keep="last"
        )
    keep = frame["quota"] > 0
    if include_unserved:
        keep |= has_reason(frame["reasons"], Reason.ROTATION)
    frame = frame[keep]
    types = {
        "retailer": np.int64,
        "plan_line": np.int64,
        "product": np.int64,
        "tier": np.int64,
        "quota": np.int64,
        "cap": np.int64,
        "weight": np.int64,
        "reasons": np.int64,
    }
    return frame.astype(types).reset_index(drop=True)


def _with_rotations(frame: pd.DataFrame, allocation_run: AllocationRun, registry: pd.DataFrame) -> pd.DataFrame:
    """Retailers in a rotated cell: one carton (their weight) if the rotation served them, else 0."""
    rotations = list(
        RotationCell.objects.filter(allocation=allocation_run).values_list("plan_line_id", "cell", "served")
    )
    if frame.empty or not rotations:
        return frame
    by_line = frame.groupby("plan_line", sort=False).indices  # plan line → row positions, found once
    cells = frame["cell"].to_numpy()
    retailers = frame["retailer"].to_numpy(np.int64)
    weights = frame["weight"].to_numpy(np.int64)
    quota = frame["quota"].to_numpy(np.int64).copy()
    reasons = frame["reasons"].to_numpy(np.int64).copy()
    for plan_line, cell, served in rotations:
        rows = by_line.get(plan_line)
        if rows is None:
            continue
        rows = rows[cells[rows] == cell]
        quota[rows] = np.where(bitmap_contains(served, retailers[rows]), weights[rows], 0)
        reasons[rows] = int(Reason.ROTATION)
    return frame.assign(quota=quota, reasons=reasons)


def cell_key(cell: tuple, dimensions: list[str]) -> str:
    """A cell as stored: JSON of its values by dimension ("" for the whole scope)."""
    return json.dumps(dict(zip(dimensions, cell, strict=True)), ensure_ascii=False, sort_keys=True) if cell else ""


def retailer_quotas(*, retailer: Retailer, cycle: OrderCycle) -> dict[str, int]:
    """Product code → cartons this retailer may order in the cycle (published run only)."""
    allocation_run = published_allocation_run(cycle)
    if allocation_run is None or retailer.tier is None:
        return {}
    frame = quotas_frame(allocation_run, registry_frame([retailer.pk]))
    codes = dict(Product.objects.filter(pk__in=frame["product"].tolist()).values_list("pk", "code"))
    return {codes[p]: int(q) for p, q in zip(frame["product"], frame["quota"], strict=True)}
