"""Allocation on real workers: a run's plan lines fan out over the `allocation` queue as a chord."""

from __future__ import annotations

from celery import chord, shared_task

from core.models import RunStatus

from .models import AllocationRun
from .services import allocation_fail, allocation_finish, allocation_group


@shared_task(name="allocation.group", soft_time_limit=30 * 60, time_limit=35 * 60)
def allocation_group_task(*, allocation_id: int, line_ids: list[int], total_lines: int) -> int:
    """One group of lines. A failure marks the whole run failed here (chord errbacks are not relied on)."""
    allocation = AllocationRun.objects.select_related("run", "cycle").get(pk=allocation_id)
    if allocation.run.status == RunStatus.FAILED:
        return 0
    try:
        return allocation_group(allocation=allocation, line_ids=line_ids, total_lines=total_lines)
    except BaseException as exc:
        allocation_fail(allocation=allocation, error=f"{type(exc).__name__}: {exc}")
        raise


@shared_task(name="allocation.finish")
def allocation_finish_task(_counts=None, *, allocation_id: int) -> int:
    allocation = AllocationRun.objects.select_related("run", "cycle").get(pk=allocation_id)
    if allocation.run.status == RunStatus.FAILED:
        return allocation_id
    allocation_finish(allocation=allocation)
    return allocation_id


def allocation_dispatch(*, allocation_id: int, groups: list[list[int]], total_lines: int):
    """Send the groups as a chord whose body marks the run complete."""
    header = [
        allocation_group_task.si(allocation_id=allocation_id, line_ids=ids, total_lines=total_lines) for ids in groups
    ]
    return chord(header)(allocation_finish_task.s(allocation_id=allocation_id))


@shared_task(name="allocation.warm_quotas", soft_time_limit=20 * 60, time_limit=25 * 60)
def retailer_quotas_warm_task(*, allocation_id: int) -> int:
    """After publishing: every retailer's quotas resolved once and cached for the phone pages and the API."""
    from .selectors import retailer_quotas_warm

    allocation = AllocationRun.objects.select_related("cycle").get(pk=allocation_id)
    return retailer_quotas_warm(allocation=allocation)
