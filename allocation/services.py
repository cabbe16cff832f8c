"""Allocation runs: compute a cycle's caps (methods A and B), publish them atomically."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
from django.db import transaction
from django.utils import timezone

from core.db import bulk_write_frames
from core.exceptions import DomainError
from core.runs import tracked_run
from orders.models import CycleStatus, OrderCycle

from .engine.cells import CellCaps, line_caps
from .models import AllocationRun, CellCap, CellReport, ReleaseMethod, SupplyPlanLine
from .selectors import demand_shapes, plan_line_input, registry_frame

ENGINE_METHODS = (ReleaseMethod.TIER, ReleaseMethod.TIER_EXTENDED)
JOB = "allocation"


def cell_key(cell: tuple, dimensions: list[str]) -> str:
    """A cell as stored: JSON of its values by dimension ("" for the whole scope)."""
    return json.dumps(dict(zip(dimensions, cell, strict=True)), ensure_ascii=False, sort_keys=True) if cell else ""


def allocation_compute(
    *, cycle: OrderCycle, product_codes: list[str] | None = None
) -> list[tuple[SupplyPlanLine, list[CellCaps]]]:
    """Caps for every plan line of the cycle that the engine handles (no writes)."""
    lines = SupplyPlanLine.objects.filter(cycle=cycle).select_related("product").order_by("product__code")
    if product_codes:
        lines = lines.filter(product__code__in=product_codes)
    frame = registry_frame()
    shapes = demand_shapes(product_ids=[line.product_id for line in lines], before=cycle.starts_on)
    out = []
    for line in lines:
        if line.method not in ENGINE_METHODS:
            continue
        out.append((line, line_caps(frame, plan_line_input(line), cycle.week_parity, shapes.get(line.product_id))))
    return out


def allocation_run(*, cycle: OrderCycle, product_codes: list[str] | None = None, actor=None) -> AllocationRun:
    """Compute and store a cycle's caps as a new, unpublished run (idempotent: each run is a new version)."""
    if cycle.status in (CycleStatus.PUBLISHED, CycleStatus.CLOSED):
        raise DomainError(f"cycle {cycle} is {cycle.get_status_display()}: it changes only by audited exceptions")
    with tracked_run(job=JOB, scope=cycle.label, actor=actor, params={"products": product_codes or []}) as run:
        run.stage("compute", 10)
        results = allocation_compute(cycle=cycle, product_codes=product_codes)
        run.stage("write", 70)
        caps, reports = [], []
        for line, cells in results:
            for c in cells:
                key = cell_key(c.cell, line.dimensions)
                tiers = np.arange(line.lowest_tier, line.lowest_tier + len(c.caps))
                caps.append(
                    pd.DataFrame(
                        {"plan_line": line.pk, "cell": key, "tier": tiers, "cap": c.caps, "eligible": c.weights}
                    )
                )
                reports.append(
                    {
                        "plan_line": line.pk,
                        "cell": key,
                        "target": c.target,
                        "released": c.released,
                        "warnings": c.warnings,
                    }
                )
        with transaction.atomic():
            allocation = AllocationRun.objects.create(run=run.run, cycle=cycle)
            if caps:
                frame = pd.concat(caps, ignore_index=True).assign(allocation=allocation.pk)
                bulk_write_frames(CellCap, ["allocation", "plan_line", "cell", "tier", "cap", "eligible"], [frame])
            CellReport.objects.bulk_create(
                [CellReport(allocation=allocation, plan_line_id=r.pop("plan_line"), **r) for r in reports]
            )
            OrderCycle.objects.filter(pk=cycle.pk).update(status=CycleStatus.COMPUTED)
        run.count(
            lines=len(results),
            cells=len(reports),
            released=sum(r.released for r in CellReport.objects.filter(allocation=allocation)),
        )
    return allocation


@transaction.atomic(durable=True)
def allocation_publish(*, allocation: AllocationRun, approver) -> None:
    """Make this run the cycle's published caps in one short transaction."""
    if not approver.is_supervisor:
        raise DomainError("only a supervisor publishes quotas")
    cycle = OrderCycle.objects.select_for_update().get(pk=allocation.cycle_id)
    if cycle.status == CycleStatus.PUBLISHED:
        raise DomainError(f"cycle {cycle} is already published")
    AllocationRun.objects.filter(pk=allocation.pk).update(is_published=True, published_at=timezone.now())
    OrderCycle.objects.filter(pk=cycle.pk).update(status=CycleStatus.PUBLISHED)


def report_rows(allocation: AllocationRun) -> list[dict]:
    """One row per product and cell: target, released, error, caps D30…D1, eligible N30…N1, warnings."""
    caps = pd.DataFrame(
        CellCap.objects.filter(allocation=allocation).values_list("plan_line_id", "cell", "tier", "cap", "eligible"),
        columns=["plan_line", "cell", "tier", "cap", "eligible"],
    )
    rows = []
    for r in (
        CellReport.objects.filter(allocation=allocation)
        .select_related("plan_line__product")
        .order_by("plan_line__product__code", "cell")
    ):
        row = {
            "product_code": r.plan_line.product.code,
            "cell": r.cell,
            "target": r.target,
            "released": r.released,
            "error": r.error,
        }
        mine = caps[(caps["plan_line"] == r.plan_line_id) & (caps["cell"] == r.cell)].set_index("tier")
        for t in range(30, 0, -1):
            row[f"D{t}"] = int(mine["cap"].get(t, 0))
        for t in range(30, 0, -1):
            row[f"N{t}"] = int(mine["eligible"].get(t, 0))
        row["warnings"] = "; ".join(r.warnings)
        rows.append(row)
    return rows
