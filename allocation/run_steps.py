"""The steps of an open allocation run (`AllocationRun`): compute and write a group of plan lines
with the policy the run kept, mark it complete, or mark it failed. They run in process
(`services.allocation_run_create`) or on the workers (`tasks`); each reads everything from the run,
so a group computed later or elsewhere applies what the run started with.

`allocation_compute` is the computation alone (no writes), for a dry run too.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd
from django.db import transaction
from django.db.models import Count, Sum
from django.utils.translation import gettext_noop

from compliance.selectors import repeat_violator_ids
from core.db import bulk_write, bulk_write_frames
from core.exceptions import Reason, Verbatim
from core.runs import run_fail, run_finish, run_progress
from cycles.models import CycleStatus, OrderCycle

from .engine.bitmaps import ids_to_bitmap
from .engine.compute import NO_QUOTAS, BandResult, LineResult, line_results
from .models import AllocationRun, BandCap, CellCap, CellReport, RetailerQuotas, SupplyPlanLine
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
    registry: pd.DataFrame | None = None,
):
    """Quotas for the cycle's plan lines (no writes): per line its cells and quotas; method C's bands.

    Method C lines are always computed together with the rest of their band. Without a `policy`,
    the active one with today's repeat violators (a dry run). Returns the lines asked for by id,
    their results (computed as iterated), the bands and the registry frame used.
    """
    lines = list(plan_lines(cycle, product_codes))
    wanted = {line.pk for line in lines} if line_ids is None else set(line_ids)
    if line_ids is not None:
        bands = {
            line.product.price_band_id
            for line in lines
            if line.pk in wanted and line.method == "C" and line.product.price_band_id is not None
        }  # a product without a band is a band of its own (`line_inputs`)
        lines = [
            line for line in lines if line.pk in wanted or (line.method == "C" and line.product.price_band_id in bands)
        ]
    policy = policy or policy_from_model(active_policy(), repeat_violators=repeat_violator_ids())
    inputs = line_inputs(lines, cycle=cycle, policy=policy)
    registry = registry_frame() if registry is None else registry
    results, bands = line_results(
        registry,
        inputs,
        week_parity=cycle.week_parity,
        policy=policy,
        seed=cycle.starts_on.toordinal(),
    )
    if line_ids is not None:
        results = (r for r in results if r.line_id in wanted)
    # Only the lines whose results are given: a writer replaces exactly these (a band partner
    # computed alongside belongs to another group's write).
    return {line.pk: line for line in lines if line.pk in wanted}, results, bands, registry


# Entries held before a batch of per-retailer rows is written (15 bytes each): bounds the memory.
BATCH_ENTRIES = 8_000_000


def _write(
    allocation_run: AllocationRun,
    lines: dict[int, SupplyPlanLine],
    results: Iterable[LineResult],
    bands: list[BandResult],
    registry: pd.DataFrame,
) -> int:
    """One transaction: every retailer's quotas as computed (`RetailerQuotas`, a row per retailer
    per batch of lines), then caps, the report per cell and the band caps. A group computed again
    (a retried task) replaces its own rows."""
    facts = registry_facts(registry, policy_load(allocation_run.policy))
    done: list[LineResult] = []
    served: dict[tuple[int, int], bytes] = {}
    batch: list[tuple[np.ndarray, np.ndarray]] = []
    held = 0
    with transaction.atomic():
        line_ids = list(lines)
        RetailerQuotas.objects.filter(allocation=allocation_run, part__in=line_ids).delete()
        CellReport.objects.filter(allocation=allocation_run, plan_line__in=line_ids).delete()
        CellCap.objects.filter(allocation=allocation_run, plan_line__in=line_ids).delete()
        for result in results:
            done.append(result)
            if not result.quotas.empty:
                served.update({(result.line_id, cell): bits for cell, bits in _served(result).items()})
                batch.append(_entries(result))
                held += len(batch[-1][0])
                result.quotas = NO_QUOTAS  # kept as entries; drop the frame (a slice of it would keep its arrays alive)
            if held >= BATCH_ENTRIES:
                _write_quotas(allocation_run, batch, facts)
                batch, held = [], 0
        if batch:
            _write_quotas(allocation_run, batch, facts)
        _write_cells(allocation_run, lines, done, bands, served)
    return len(done)


def _entries(result: LineResult) -> tuple[np.ndarray, np.ndarray]:
    """A line's quotas as packed entries, and the retailer of each."""
    frame = result.quotas
    entry = np.empty(len(frame), dtype=RetailerQuotas.ENTRY)
    entry["plan_line"] = result.line_id
    for name in ("cell", "weight", "base", "quota", "reasons"):
        values = frame[name].to_numpy()
        if len(values) and values.max(initial=0) > np.iinfo(entry.dtype[name]).max:
            raise ValueError(f"line {result.line_id}: {name} {values.max()} does not fit the stored entry")
        entry[name] = values
    entry["last_served"] = RetailerQuotas.served_day(frame["last_served"].to_numpy())
    return frame.index.to_numpy(np.int64), entry


def _served(result: LineResult) -> dict[int, bytes]:
    """Per cell number: the retailers that receive the product (for the rotation order of later cycles)."""
    frame = result.quotas
    given = frame["quota"].to_numpy() > 0
    ids = frame.index.to_numpy(np.int64)[given]
    cells = frame["cell"].to_numpy()[given]
    if not len(cells) or (cells == cells[0]).all():
        return {int(cells[0]): ids_to_bitmap(ids)} if len(cells) else {}
    return {int(c): ids_to_bitmap(ids[cells == c]) for c in np.unique(cells)}


def registry_facts(registry: pd.DataFrame, policy: Policy) -> pd.DataFrame:
    """Per retailer, what the run used of the registry: tier, credit rating and the fact bits (what an
    exception keeps of a shop too, `services.quota_exception_set`)."""
    Fact = RetailerQuotas.Fact
    violators = np.isin(registry.index.to_numpy(np.int64), np.fromiter(policy.rules.repeat_violators, np.int64))
    bits = (
        np.where(registry["is_vulnerable"].to_numpy(bool), int(Fact.VULNERABLE), 0)
        | np.where(violators, int(Fact.REPEAT_VIOLATOR), 0)
        | np.where((registry["order_cycle_kind"] == "biweekly").to_numpy(bool), int(Fact.BIWEEKLY), 0)
    )
    return pd.DataFrame(
        {"tier": registry["tier"].astype("Int64"), "credit_rating": registry["credit_rating"].astype(object).fillna(""),
         "facts": bits},
        index=registry.index,
    )  # fmt: skip


def _write_quotas(
    allocation_run: AllocationRun, batch: list[tuple[np.ndarray, np.ndarray]], facts: pd.DataFrame
) -> None:
    """A batch of lines' entries as one row per retailer, grouped by a counting sort (each line
    gives a retailer at most one entry): no comparison sort over millions of entries."""
    size = max(int(ids.max()) for ids, _ in batch if len(ids)) + 1
    counts = np.zeros(size, dtype=np.int64)
    for ids, _ in batch:
        counts[ids] += 1
    ends = np.cumsum(counts)
    cursor = ends - counts
    starts = cursor.copy()
    record = np.dtype(f"V{RetailerQuotas.ENTRY.itemsize}")  # whole entries as opaque bytes: a plain copy each
    out = np.empty(int(ends[-1]), dtype=record)
    part = min(int(entries["plan_line"][0]) for ids, entries in batch if len(ids))
    for ids, entries in batch:
        out[cursor[ids]] = entries.view(record)
        cursor[ids] += 1
    batch.clear()
    retailers = np.flatnonzero(counts)
    data = out.tobytes()
    del out
    item = RetailerQuotas.ENTRY.itemsize
    begin, end = (starts[retailers] * item).tolist(), (ends[retailers] * item).tolist()
    known = facts.reindex(retailers)
    tiers = known["tier"].astype(object).where(known["tier"].notna(), None).tolist()
    credits = known["credit_rating"].fillna("").tolist()
    bits = known["facts"].fillna(0).astype(np.int64).tolist()
    run_id = allocation_run.pk
    rows = (
        (run_id, r, part, tiers[i], credits[i], bits[i], data[begin[i] : end[i]])
        for i, r in enumerate(retailers.tolist())
    )
    bulk_write(RetailerQuotas, QUOTA_ROW_COLUMNS, rows, pg_types=QUOTA_ROW_TYPES)


QUOTA_ROW_COLUMNS = ["allocation", "retailer", "part", "tier", "credit_rating", "facts", "entries"]
QUOTA_ROW_TYPES = ["int8", "int8", "int4", "int2", "text", "int2", "bytea"]


def _write_cells(
    allocation_run: AllocationRun,
    lines: dict[int, SupplyPlanLine],
    results: list[LineResult],
    bands: list[BandResult],
    served: dict[tuple[int, int], bytes],
) -> None:
    caps, reports = [], []
    for result in results:
        line = lines[result.line_id]
        for number, c in enumerate(result.cells):
            key = cell_key(c.cell, list(line.dimensions))
            if len(c.caps):  # a rotated cell too: caps 0, and its eligible retailers per tier
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
                    cell_no=number,
                    target=c.target,
                    released=c.released,
                    rotated=c.rotated,
                    figures=c.figures,
                    warnings=c.warnings,
                    served=served.get((line.pk, number), b""),
                    price_band=result.price_band,
                )  # fmt: skip
            )
    if caps:
        frame = pd.concat(caps, ignore_index=True).assign(allocation=allocation_run.pk)
        bulk_write_frames(CellCap, ["allocation", "plan_line", "cell", "tier", "cap", "eligible"], [frame])
    CellReport.objects.bulk_create(reports, batch_size=2000)
    BandCap.objects.filter(allocation=allocation_run, price_band__in=[b.price_band for b in bands]).delete()
    BandCap.objects.bulk_create(
        BandCap(
            allocation=allocation_run, price_band=b.price_band, tier=b.lowest_tier + i, cap=int(cap), eligible=int(w)
        )
        for b in bands
        for i, (cap, w) in enumerate(zip(b.caps.caps, b.caps.weights, strict=True))
    )


def allocation_run_compute_group(*, allocation_run: AllocationRun, line_ids: list[int], total_lines: int) -> int:
    """Compute and write one group of lines into an open run, with the policy the run kept; report progress."""
    lines, results, bands, registry = allocation_compute(
        cycle=allocation_run.cycle, line_ids=line_ids, policy=policy_load(allocation_run.policy)
    )
    written = _write(allocation_run, lines, results, bands, registry)
    done = CellReport.objects.filter(allocation=allocation_run).values("plan_line").distinct().count()
    lines = Reason(
        gettext_noop("%(done)s/%(total)s lines"), done=Verbatim(f"{done:,}"), total=Verbatim(f"{total_lines:,}")
    )
    run_progress(allocation_run.run, progress=5 + 90 * done // max(total_lines, 1), step=lines.text())  # read as words
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
    counts["retailers"] = RetailerQuotas.objects.filter(allocation=allocation_run).values("retailer").distinct().count()
    run_finish(allocation_run.run, counts=counts)
    allocation_run.is_complete = True
    return allocation_run


def allocation_run_fail(*, allocation_run: AllocationRun, error: str | Reason) -> None:
    """A failed run stays incomplete (never publishable); the cycle's last good result is untouched."""
    run_fail(allocation_run.run, error=error)
