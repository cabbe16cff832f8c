"""Allocation on real workers: a run's plan lines fan out over the `allocation` queue as a chord."""

from __future__ import annotations

from celery import chord, shared_task

from core.models import RunStatus

from .models import AllocationRun
from .run_steps import allocation_run_compute_group, allocation_run_fail, allocation_run_finish


@shared_task(name="allocation.group", soft_time_limit=30 * 60, time_limit=35 * 60)
def allocation_run_group_task(*, allocation_run_id: int, line_ids: list[int], total_lines: int) -> int:
    """One group of lines. A failure marks the whole run failed here (chord errbacks are not relied on)."""
    allocation_run = AllocationRun.objects.select_related("run", "cycle").get(pk=allocation_run_id)
    if allocation_run.run.status == RunStatus.FAILED:
        return 0
    try:
        return allocation_run_compute_group(allocation_run=allocation_run, line_ids=line_ids, total_lines=total_lines)
    except BaseException as exc:
        allocation_run_fail(allocation_run=allocation_run, error=f"{type(exc).__name__}: {exc}")
        raise


@shared_task(name="allocation.finish")
def allocation_run_finish_task(_counts=None, *, allocation_run_id: int) -> int:
    allocation_run = AllocationRun.objects.select_related("run", "cycle").get(pk=allocation_run_id)
    if allocation_run.run.status == RunStatus.FAILED:
        return allocation_run_id
    allocation_run_finish(allocation_run=allocation_run)
    return allocation_run_id


def allocation_run_dispatch(*, allocation_run_id: int, groups: list[list[int]], total_lines: int):
    """Send the groups as a chord whose body marks the run complete."""
    header = [
        allocation_run_group_task.si(allocation_run_id=allocation_run_id, line_ids=ids, total_lines=total_lines)
        for ids in groups
    ]
    return chord(header)(allocation_run_finish_task.s(allocation_run_id=allocation_run_id))
