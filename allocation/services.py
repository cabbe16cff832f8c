"""Allocation runs: compute a cycle's quotas, write them as one run version, publish atomically;
supervisor exceptions; closing a cycle's books (KPIs); the nightly job."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator

import numpy as np
import pandas as pd
from django.conf import settings
from django.db import transaction
from django.db.models import Count, Sum
from django.utils import timezone

from core.db import bulk_write_frames
from core.exceptions import DomainError
from core.models import AuditEntry
from core.runs import run_fail, run_finish, run_progress, run_start
from cycles.models import CycleStatus, OrderCycle
from orders.models import Order
from retailers.models import Retailer

from .compute import BandResult, LineResult, line_results
from .engine.bitmaps import ids_to_bitmap
from .models import (
    AllocationRun,
    BandCap,
    CellCap,
    CellReport,
    CycleKpi,
    QuotaAdjustment,
    QuotaException,
    RotationCell,
    SupplyPlanLine,
)
from .selectors import (
    active_policy,
    cell_key,
    line_inputs,
    policy_input,
    policy_snapshot,
    quotas_frame,
    registry_frame,
    retailer_quotas_forget,
)

JOB = "allocation"


def plan_lines(cycle: OrderCycle, product_codes: list[str] | None = None):
    lines = SupplyPlanLine.objects.filter(cycle=cycle).select_related("product__price_band").order_by("product__code")
    return lines.filter(product__code__in=product_codes) if product_codes else lines


def allocation_compute(
    *, cycle: OrderCycle, line_ids: list[int] | None = None, product_codes: list[str] | None = None, policy=None
):
    """Quotas for the cycle's plan lines (no writes): per line its cells and adjustments; method C's bands.

    Method C lines are always computed together with the rest of their band.
    """
    lines = list(plan_lines(cycle, product_codes))
    if line_ids is not None:
        wanted = set(line_ids)
        bands = {line.product.price_band_id for line in lines if line.pk in wanted and line.method == "C"}
        lines = [
            line for line in lines if line.pk in wanted or (line.method == "C" and line.product.price_band_id in bands)
        ]
    policy = policy or active_policy()
    inputs = line_inputs(lines, cycle=cycle, policy=policy)
    results, bands = line_results(
        registry_frame(),
        inputs,
        week_parity=cycle.week_parity,
        policy=policy_input(policy),
        seed=cycle.starts_on.toordinal(),
    )
    if line_ids is not None:
        results = (r for r in results if r.line_id in wanted)
    return {line.pk: line for line in lines}, results, bands


def _write(
    allocation: AllocationRun, lines: dict[int, SupplyPlanLine], results: Iterable[LineResult], bands: list[BandResult]
) -> int:
    """One transaction. The per-retailer rows stream into one COPY as each line is computed, so
    PostgreSQL ingests them while the next line is computed; caps and reports follow."""
    done: list[LineResult] = []

    def adjustments() -> Iterator[pd.DataFrame]:
        for result in results:
            done.append(result)
            if not result.adjustments.empty:
                frame = result.adjustments.reset_index().assign(plan_line=result.line_id, allocation=allocation.pk)
                result.adjustments = frame.iloc[:0]  # written; free the memory
                yield frame

    with transaction.atomic():
        bulk_write_frames(
            QuotaAdjustment, ["allocation", "plan_line", "retailer", "base", "quota", "reasons"], adjustments()
        )
        _write_cells(allocation, lines, done, bands)
    return len(done)


def _write_cells(
    allocation: AllocationRun, lines: dict[int, SupplyPlanLine], results: list[LineResult], bands: list[BandResult]
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
                    allocation=allocation,
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
                        allocation=allocation,
                        plan_line_id=line.pk,
                        cell=key,
                        served=ids_to_bitmap(c.served),
                        served_count=len(c.served),
                    )  # fmt: skip
                )
    if caps:
        frame = pd.concat(caps, ignore_index=True).assign(allocation=allocation.pk)
        bulk_write_frames(CellCap, ["allocation", "plan_line", "cell", "tier", "cap", "eligible"], [frame])
    CellReport.objects.bulk_create(reports)
    RotationCell.objects.bulk_create(rotations)
    BandCap.objects.bulk_create(
        BandCap(allocation=allocation, price_band=b.price_band, tier=b.lowest_tier + i, cap=int(cap), eligible=int(w))
        for b in bands
        for i, (cap, w) in enumerate(zip(b.caps.caps, b.caps.weights, strict=True))
    )


def allocation_start(*, cycle: OrderCycle, product_codes: list[str] | None = None, actor=None) -> AllocationRun:
    """Open a new run version for the cycle (never two at once; never for a published cycle)."""
    cycle.refresh_from_db(fields=["status"])
    if cycle.status in (CycleStatus.PUBLISHED, CycleStatus.CLOSED):
        raise DomainError(f"cycle {cycle} is {cycle.get_status_display()}: it changes only by audited exceptions")
    if not SupplyPlanLine.objects.filter(cycle=cycle).exists():
        raise DomainError(f"cycle {cycle} has no supply plan")
    run = run_start(job=JOB, scope=cycle.label, actor=actor, params={"products": product_codes or []})
    return AllocationRun.objects.create(run=run, cycle=cycle, policy=policy_snapshot(active_policy()))


def line_groups(cycle: OrderCycle, product_codes: list[str] | None = None, size: int | None = None) -> list[list[int]]:
    """Plan lines in groups of about `size` for workers; a price band's method C lines stay in one group."""
    size = size or settings.ALLOCATION_GROUP_SIZE
    units: dict[object, list[int]] = {}  # a band's lines, or one line
    for line in plan_lines(cycle, product_codes):
        key = ("band", line.product.price_band_id or -line.product_id) if line.method == "C" else line.pk
        units.setdefault(key, []).append(line.pk)
    groups: list[list[int]] = [[]]
    for unit in units.values():
        if groups[-1] and len(groups[-1]) + len(unit) > size:
            groups.append([])
        groups[-1].extend(unit)
    return [g for g in groups if g]


def allocation_group(*, allocation: AllocationRun, line_ids: list[int], total_lines: int) -> int:
    """Compute and write one group of lines into an open run; report progress."""
    lines, results, bands = allocation_compute(cycle=allocation.cycle, line_ids=line_ids, policy=_policy_of(allocation))
    written = _write(allocation, lines, results, bands)
    done = CellReport.objects.filter(allocation=allocation).values("plan_line").distinct().count()
    run_progress(allocation.run, progress=5 + 90 * done // max(total_lines, 1), step=f"{done}/{total_lines} lines")
    return written


def _policy_of(allocation: AllocationRun):
    """The policy as the run recorded it at its start (a policy edit mid-run does not mix in)."""
    policy = active_policy()
    for field, value in allocation.policy.items():
        if field != "name" and hasattr(policy, field):
            setattr(policy, field, value)
    return policy


def allocation_finish(*, allocation: AllocationRun) -> AllocationRun:
    """Mark the run complete and the cycle computed (one short transaction)."""
    with transaction.atomic():
        AllocationRun.objects.filter(pk=allocation.pk).update(is_complete=True)
        OrderCycle.objects.filter(pk=allocation.cycle_id, status=CycleStatus.DRAFT).update(status=CycleStatus.COMPUTED)
    counts = CellReport.objects.filter(allocation=allocation).aggregate(
        lines=Count("plan_line", distinct=True), cells=Count("pk"), target=Sum("target"), released=Sum("released")
    )
    counts["adjustments"] = QuotaAdjustment.objects.filter(allocation=allocation).count()
    run_finish(allocation.run, counts=counts)
    allocation.is_complete = True
    return allocation


def allocation_fail(*, allocation: AllocationRun, error: str) -> None:
    """A failed run stays incomplete (never publishable); the cycle's last good result is untouched."""
    run_fail(allocation.run, error=error)


def allocation_run(
    *, cycle: OrderCycle, product_codes: list[str] | None = None, actor=None, fan_out: bool = False
) -> AllocationRun:
    """Compute and store a cycle's quotas as a new, unpublished run version.

    In process, all lines in one pass (one registry load); with `fan_out` the groups go to the `allocation` queue as a
    Celery chord and this returns at once (the run's progress and status tell the rest).
    """
    allocation = allocation_start(cycle=cycle, product_codes=product_codes, actor=actor)
    groups = line_groups(cycle, product_codes)
    total = sum(len(g) for g in groups)
    if fan_out and len(groups) > 1:
        from .tasks import allocation_dispatch

        allocation_dispatch(allocation_id=allocation.pk, groups=groups, total_lines=total)
        return allocation
    try:
        run_progress(allocation.run, progress=5, step="compute")
        allocation_group(allocation=allocation, line_ids=[i for ids in groups for i in ids], total_lines=total)
    except BaseException as exc:
        allocation_fail(allocation=allocation, error=f"{type(exc).__name__}: {exc}")
        raise
    return allocation_finish(allocation=allocation)


@transaction.atomic(durable=True)
def allocation_publish(*, allocation: AllocationRun, approver) -> None:
    """Make this run the cycle's published quotas in one short transaction."""
    if not approver.is_supervisor:
        raise DomainError("only a supervisor publishes quotas")
    cycle = OrderCycle.objects.select_for_update().get(pk=allocation.cycle_id)
    if cycle.status in (CycleStatus.PUBLISHED, CycleStatus.CLOSED):
        raise DomainError(f"cycle {cycle} is already {cycle.get_status_display()}")
    allocation.refresh_from_db()
    if not allocation.is_complete:
        raise DomainError(f"allocation run #{allocation.pk} did not complete: it cannot be published")
    latest = AllocationRun.objects.filter(cycle=cycle, is_complete=True).order_by("-created_at", "-pk").first()
    if latest.pk != allocation.pk:
        raise DomainError(f"allocation run #{allocation.pk} is not the cycle's latest (#{latest.pk})")
    now = timezone.now()
    AllocationRun.objects.filter(pk=allocation.pk).update(is_published=True, published_at=now)
    OrderCycle.objects.filter(pk=cycle.pk).update(status=CycleStatus.PUBLISHED)
    transaction.on_commit(lambda: _warm_after_publish(allocation.pk))
    AuditEntry.objects.create(
        actor=approver, action="allocation.publish", object_type="allocation_run", object_id=str(allocation.pk),
        after={"cycle": cycle.label, "published_at": now.isoformat()},
    )  # fmt: skip


def _warm_after_publish(allocation_id: int) -> None:
    from .tasks import retailer_quotas_warm_task

    retailer_quotas_warm_task.delay(allocation_id=allocation_id)


@transaction.atomic
def quota_exception_set(
    *, cycle: OrderCycle, product, retailer: Retailer, quota: int, reason: str, approver
) -> QuotaException:
    """A supervisor sets one retailer's quota of one product in one cycle, with a reason (audited).

    The only change a published cycle accepts; a closed cycle accepts none.
    """
    if not approver.is_supervisor:
        raise DomainError("only a supervisor approves quota exceptions")
    if not reason.strip():
        raise DomainError("an exception needs a reason")
    cycle.refresh_from_db(fields=["status"])
    if cycle.status == CycleStatus.CLOSED:
        raise DomainError(f"cycle {cycle} is closed")
    if not SupplyPlanLine.objects.filter(cycle=cycle, product=product).exists():
        raise DomainError(f"{product} is not in the supply plan of {cycle}")
    current = QuotaException.objects.filter(cycle=cycle, product=product, retailer=retailer).first()
    before = {"quota": current.quota, "reason": current.reason} if current else None
    exception, _ = QuotaException.objects.update_or_create(
        cycle=cycle,
        product=product,
        retailer=retailer,
        defaults={"quota": quota, "reason": reason, "approved_by": approver},
    )
    AuditEntry.objects.create(
        actor=approver, action="allocation.exception", object_type="retailer", object_id=str(retailer.pk), reason=reason,
        before=before, after={"cycle": cycle.label, "product": product.code, "quota": quota},
    )  # fmt: skip
    # Forget the retailer's cached quotas now and again after commit (a read in between re-caches the old ones).
    retailer_quotas_forget(cycle=cycle, retailer_id=retailer.pk)
    transaction.on_commit(lambda: retailer_quotas_forget(cycle=cycle, retailer_id=retailer.pk))
    return exception


def cycle_kpis_compute(*, cycle: OrderCycle) -> int:
    """Per product and tier: offered, ordering, full orders, repeat, quota and ordered totals (idempotent)."""
    allocation = AllocationRun.objects.filter(cycle=cycle, is_published=True).select_related("cycle").first()
    if allocation is None:
        return 0
    quotas = quotas_frame(allocation)[["retailer", "product", "tier", "quota"]]
    orders = pd.DataFrame(
        Order.objects.filter(cycle=cycle).values_list("retailer_id", "product_id", "ordered_qty"),
        columns=["retailer", "product", "ordered"],
    )
    previous = OrderCycle.objects.filter(starts_on__lt=cycle.starts_on).order_by("-starts_on").first()
    before = pd.DataFrame(
        Order.objects.filter(cycle=previous, ordered_qty__gt=0).values_list("retailer_id", "product_id")
        if previous
        else [],
        columns=["retailer", "product"],
    ).assign(before=True)
    frame = quotas.merge(orders, on=["retailer", "product"], how="left").merge(
        before, on=["retailer", "product"], how="left"
    )
    frame["ordered"] = frame["ordered"].fillna(0).astype(np.int64)
    frame["before"] = frame["before"].astype("boolean").fillna(False).astype(bool)
    frame = frame.assign(
        ordering=frame["ordered"] > 0,
        full=frame["ordered"] >= frame["quota"],
        repeat=(frame["ordered"] > 0) & frame["before"],
    )
    table = frame.groupby(["product", "tier"]).agg(
        offered=("retailer", "size"), ordering=("ordering", "sum"), full_orders=("full", "sum"), repeat=("repeat", "sum"),
        previous_ordering=("before", "sum"), quota_total=("quota", "sum"), ordered_total=("ordered", "sum"),
    ).reset_index()  # fmt: skip
    with transaction.atomic():
        CycleKpi.objects.filter(cycle=cycle).delete()
        CycleKpi.objects.bulk_create(
            CycleKpi(cycle=cycle, product_id=int(r.product), tier=int(r.tier), **{k: int(getattr(r, k)) for k in (
                "offered", "ordering", "full_orders", "repeat", "previous_ordering", "quota_total", "ordered_total")})
            for r in table.itertuples()
        )  # fmt: skip
    return len(table)


def allocation_nightly(*, today: dt.date | None = None) -> dict[str, int]:
    """Nightly: KPIs for recently closed cycles; a fresh run for the next cycle whose plan is in and unpublished."""
    today = today or timezone.localdate()
    counts = {"kpi_rows": 0, "runs": 0}
    for cycle in OrderCycle.objects.filter(status=CycleStatus.CLOSED, ends_on__gte=today - dt.timedelta(weeks=2)):
        counts["kpi_rows"] += cycle_kpis_compute(cycle=cycle)
    upcoming = (
        OrderCycle.objects.filter(starts_on__gt=today, status__in=[CycleStatus.DRAFT, CycleStatus.COMPUTED], supply_plan__isnull=False)
        .distinct().order_by("starts_on").first()
    )  # fmt: skip
    if upcoming is not None:
        allocation_run(cycle=upcoming, fan_out=settings.ALLOCATION_FAN_OUT)
        counts["runs"] = 1
    return counts


def report_rows(allocation: AllocationRun) -> list[dict]:
    """One row per product and cell: target, released, error, caps D30…D1, eligible N30…N1, warnings."""
    caps = pd.DataFrame(
        CellCap.objects.filter(allocation=allocation).values_list("plan_line_id", "cell", "tier", "cap", "eligible"),
        columns=["plan_line", "cell", "tier", "cap", "eligible"],
    )
    grouped = {key: g.set_index("tier") for key, g in caps.groupby(["plan_line", "cell"])}
    empty = pd.DataFrame(columns=["cap", "eligible"])
    rows = []
    reports = CellReport.objects.filter(allocation=allocation).select_related("plan_line__product")
    for r in reports.order_by("plan_line__product__code", "cell"):
        row = {
            "product_code": r.plan_line.product.code, "product_name": r.plan_line.product.name, "method": r.plan_line.method,
            "cell": r.cell, "target": r.target, "released": r.released, "error": r.error,
        }  # fmt: skip
        mine = grouped.get((r.plan_line_id, r.cell), empty)
        for t in range(30, 0, -1):
            row[f"D{t}"] = int(mine["cap"].get(t, 0))
        for t in range(30, 0, -1):
            row[f"N{t}"] = int(mine["eligible"].get(t, 0))
        row["warnings"] = "; ".join(r.warnings)
        rows.append(row)
    return rows
