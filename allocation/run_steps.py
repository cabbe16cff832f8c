"""The steps of an open allocation run (`AllocationRun`): compute and write a group of plan lines
with the policy the run kept, mark it complete, or mark it failed. They run in process
(`services.allocation_run_create`) or on the workers (`tasks`); each reads everything from the run,
so a group computed later or elsewhere applies what the run started with.

`allocation_compute` is the computation alone (no writes), for a dry run too.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import numpy as np
import pandas as pd
from django.db import transaction
from django.db.models import Count, Sum

from compliance.selectors import repeat_violator_ids
from core.db import bulk_write_frames
from core.runs import run_fail, run_finish, run_progress
from cycles.models import CycleStatus, OrderCycle

from .engine.bitmaps import ids_to_bitmap
from .engine.compute import BandResult, LineResult, line_results
from .models import (
    AllocationRun,
    BandCap,
    CellCap,
    CellReport,
    QuotaAdjustment,
    RotationCell,
    SupplyPlanLine,
)
from .policy import Policy, policy_from_model, policy_load
from .selectors import active_policy, cell_key, line_inputs, registry_frame


def plan_lines(cycle: OrderCycle, product_codes: list[str] | None = None):
    lines = SupplyPlanLine.objects.filter(cycle=cycle).select_related("product__price_band").order_by("product__code")
    return lines.filter(product__code__in=product_codes) if product_codes else lines


def allocation_compute(
    *,
    cycle: OrderCycle,
    line_ids: list[int] | None = None,
    product_codes: list[str] | None = None,
    policy: Policy | None = None,
):
    """Quotas for the cycle's plan lines (no writes): per line its cells and adjustments; method C's bands.

    Method C lines are always computed together with the rest of their band. Without a `policy`,
    the active one with today's repeat violators (a dry run).
    """
    lines = list(plan_lines(cycle, product_codes))
    if line_ids is not None:
        wanted = set(line_ids)
        bands = {line.product.price_band_id for line in lines if line.pk in wanted and line.method == "C"}
        lines = [
            line for line in lines if line.pk in wanted or (line.method == "C" and line.product.price_band_id in bands)
        ]
    policy = policy or policy_from_model(active_policy(), repeat_violators=repeat_violator_ids())
    inputs = line_inputs(lines, cycle=cycle, policy=policy)
    results, bands = line_results(
        registry_frame(),
        inputs,
        week_parity=cycle.week_parity,
        policy=policy,
        seed=cycle.starts_on.toordinal(),
    )
    if line_ids is not None:
        results = (r for r in results if r.line_id in wanted)
    return {line.pk: line for line in lines}, results, bands


def _write(
    allocation_run: AllocationRun,
    lines: dict[int, SupplyPlanLine],
    results: Iterable[LineResult],
    bands: list[BandResult],
) -> int:
    """One transaction. The per-retailer rows stream into one COPY as each line is computed, so
    PostgreSQL ingests them while the next line is computed; caps and reports follow."""
    done: list[LineResult] = []

    def adjustments() -> Iterator[pd.DataFrame]:
        for result in results:
            done.append(result)
            if not result.adjustments.empty:
                frame = result.adjustments.reset_index().assign(plan_line=result.line_id, allocation=allocation_run.pk)
                result.adjustments = frame.iloc[:0]  # written; free the memory
                yield frame

    with transaction.atomic():
        bulk_write_frames(
            QuotaAdjustment, ["allocation", "plan_line", "retailer", "base", "quota", "reasons"], adjustments()
        )
        _write_cells(allocation_run, lines, done, bands)
    return len(done)


def _write_cells(
    allocation_run: AllocationRun,
    lines: dict[int, SupplyPlanLine],
    results: list[LineResult],
    bands: list[BandResult],
) -> None:
    caps, reports, rotations = [], [], []
    for result in results:
        line = lines[result.line_id]
        for c in result.cells:
            key = cell_key(c.cell, list(line.dimensions))
            if len(c.caps):
                lowest = line.highest_tier - len(c.caps) + 1  # method C may have cut the range from below
                tiers = np.arange(lowest, line.highest_tier + 1)
                caps.append(
                    pd.DataFrame(
                        {"plan_line": line.pk, "cell": key, "tier": tiers, "cap": c.caps, "eligible": c.weights}
                    )
                )
            reports.append(
                CellReport(
                    allocation=allocation_run,
                    plan_line_id=line.pk,
                    cell=key,
                    target=c.target,
                    released=c.released,
                    warnings=c.warnings,
                )
            )
            if c.served is not None:
                rotations.append(
                    RotationCell(
                        allocation=allocation_run,
                        plan_line_id=line.pk,
                        cell=key,
                        served=ids_to_bitmap(c.served),
                        served_count=len(c.served),
                    )  # fmt: skip
                )
    if caps:
        frame = pd.concat(caps, ignore_index=True).assign(allocation=allocation_run.pk)
        bulk_write_frames(CellCap, ["allocation", "plan_line", "cell", "tier", "cap", "eligible"], [frame])
    CellReport.objects.bulk_create(reports)
    RotationCell.objects.bulk_create(rotations)
    BandCap.objects.bulk_create(
        BandCap(
            allocation=allocation_run, price_band=b.price_band, tier=b.lowest_tier + i, cap=int(cap), eligible=int(w)
        )
        for b in bands
        for i, (cap, w) in enumerate(zip(b.caps.caps, b.caps.weights, strict=True))
    )


def allocation_run_compute_group(*, allocation_run: AllocationRun, line_ids: list[int], total_lines: int) -> int:
    """Compute and write one group of lines into an open run, with the policy the run kept; report progress."""
    lines, results, bands = allocation_compute(
        cycle=allocation_run.cycle, line_ids=line_ids, policy=policy_load(allocation_run.policy)
    )
    written = _write(allocation_run, lines, results, bands)
    done = CellReport.objects.filter(allocation=allocation_run).values("plan_line").distinct().count()
    run_progress(allocation_run.run, progress=5 + 90 * done // max(total_lines, 1), step=f"{done}/{total_lines} lines")
    return written


def allocation_run_finish(*, allocation_run: AllocationRun) -> AllocationRun:
    """Mark the run complete and the cycle computed (one short transaction)."""
    with transaction.atomic():
        AllocationRun.objects.filter(pk=allocation_run.pk).update(is_complete=True)
        OrderCycle.objects.filter(pk=allocation_run.cycle_id, status=CycleStatus.DRAFT).update(
            status=CycleStatus.COMPUTED
        )
    counts = CellReport.objects.filter(allocation=allocation_run).aggregate(
        lines=Count("plan_line", distinct=True), cells=Count("pk"), target=Sum("target"), released=Sum("released")
    )
    counts["adjustments"] = QuotaAdjustment.objects.filter(allocation=allocation_run).count()
    run_finish(allocation_run.run, counts=counts)
    allocation_run.is_complete = True
    return allocation_run


def allocation_run_fail(*, allocation_run: AllocationRun, error: str) -> None:
    """A failed run stays incomplete (never publishable); the cycle's last good result is untouched."""
    run_fail(allocation_run.run, error=error)
