"""Allocation on real workers: a run's plan lines fan out over the `allocation` queue as a chord.

A group is acknowledged when it ends (settings): if its pool process dies, it is retried once after
`RETRY_DELAY` seconds; a group computed again replaces its own rows (`run_steps._write` deletes
the group's rows first). While a group works it stamps its run (`run_heartbeat`), so a run whose
workers are all gone is failed as stale within minutes (`core.runs.runs_fail_stale`). A group or
finish of a run that was failed meanwhile (stale, a supervisor, another group) does nothing."""

from __future__ import annotations

from celery import chord, shared_task
from django.db import transaction

from core.models import Run, RunStatus
from core.runs import run_error, run_heartbeat

from .models import AllocationRun
from .run_steps import allocation_run_compute_group, allocation_run_fail, allocation_run_finish

RETRY_DELAY = 5  # seconds before a group whose pool process died is tried again (once)


@shared_task(
    name="allocation.group",
    soft_time_limit=30 * 60,
    time_limit=35 * 60,
    acks_late=True,
    reject_on_worker_lost=True,
    retry_on_worker_lost=True,
    max_retries=1,
    default_retry_delay=RETRY_DELAY,
)
def allocation_run_group_task(*, allocation_run_id: int, line_ids: list[int], total_lines: int) -> int:
    """One group of lines. A failure marks the whole run failed here (chord errbacks are not relied on)."""
    allocation_run = AllocationRun.objects.select_related("run", "cycle").get(pk=allocation_run_id)
    if allocation_run.run.status != RunStatus.RUNNING:
        return 0
    try:
        with run_heartbeat(allocation_run.run):
            return allocation_run_compute_group(
                allocation_run=allocation_run, line_ids=line_ids, total_lines=total_lines
            )
    except BaseException as exc:
        allocation_run_fail(allocation_run=allocation_run, error=run_error(exc))
        raise


@shared_task(name="allocation.finish", acks_late=True, reject_on_worker_lost=True)
def allocation_run_finish_task(_counts=None, *, allocation_run_id: int) -> int:
    allocation_run = AllocationRun.objects.select_related("run", "cycle").get(pk=allocation_run_id)
    allocation_run_finish_if_running(allocation_run)
    return allocation_run_id


def allocation_run_finish_if_running(allocation_run: AllocationRun) -> bool:
    """Complete the run unless it was failed meanwhile (stale, by a supervisor, by a group): the run's
    row is held while it completes, so failing it waits for the completion or comes first."""
    with transaction.atomic():
        status = Run.objects.select_for_update().values_list("status", flat=True).get(pk=allocation_run.run_id)
        if status != RunStatus.RUNNING:
            return False
        allocation_run_finish(allocation_run=allocation_run)
    return True


def allocation_run_dispatch(*, allocation_run_id: int, groups: list[list[int]], total_lines: int):
    """Send the groups as a chord whose body marks the run complete."""
    header = [
        allocation_run_group_task.si(allocation_run_id=allocation_run_id, line_ids=ids, total_lines=total_lines)
        for ids in groups
    ]
    return chord(header)(allocation_run_finish_task.s(allocation_run_id=allocation_run_id))
