"""Thin Celery tasks: take plain arguments, call one service.

Acknowledged late (settings): a task whose pool process dies is retried once its dead attempt's
run has been failed as stale (`retry_after_worker_lost`), so the retry is not refused as an
overlap; each is idempotent (an import writes in one transaction, the nightly jobs re-run safely).
"""

from __future__ import annotations

from pathlib import Path

from celery import shared_task
from django.contrib.auth import get_user_model
from django.db import OperationalError

from .imports.base import import_file
from .models import ACTIVE_RUN_STATUSES, Run
from .nightly import run_nightly
from .runs import retry_after_worker_lost, runs_fail_stale


@shared_task(
    name="core.import_file",
    soft_time_limit=30 * 60,
    time_limit=35 * 60,
    max_retries=1,  # one more try after a lost worker
    default_retry_delay=retry_after_worker_lost(),
)
def import_file_task(
    *, kind: str, path: str, name: str, dry_run: bool = False, actor_id: int | None = None, run_id: int | None = None,
    expected: str | None = None,
) -> dict:
    """An admin upload (`core.admin_imports`), deleted when the import ends, whatever the outcome.
    `run_id`: the run the confirming page opened and shows; a retry after a lost worker finds it failed
    (stale) and opens a new one. A run failed before any worker took it (too long in the queue, or
    marked failed by a supervisor) is not done: its page says so and asks to start again. `expected`: the
    digest of the plan its preview showed; a plan that differs now writes nothing (`PreviewOutdated`)."""
    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id else None
    run = Run.objects.filter(pk=run_id).first() if run_id else None
    if run is not None and run.status not in ACTIVE_RUN_STATUSES and run.started_at is None:
        Path(path).unlink(missing_ok=True)
        return {"not_done": run.pk}
    if run is not None and run.status not in ACTIVE_RUN_STATUSES:
        run = None
    try:
        return import_file(
            kind=kind, source=path, name=name, dry_run=dry_run, actor=actor, run=run, expected=expected
        ).as_dict()
    finally:
        Path(path).unlink(missing_ok=True)


@shared_task(
    name="core.nightly",
    autoretry_for=(OperationalError,),
    retry_backoff=60,
    max_retries=3,
    default_retry_delay=retry_after_worker_lost(),
    soft_time_limit=60 * 60,
    time_limit=65 * 60,
)
def nightly_task() -> dict:
    return run_nightly()


@shared_task(name="core.runs_fail_stale", soft_time_limit=50, time_limit=55, max_retries=0)
def runs_fail_stale_task() -> list[int]:
    """Every minute (beat): fail the runs whose worker is gone."""
    return runs_fail_stale()


@shared_task(name="core.ping")
def ping() -> str:
    """Round-trip check for a real worker."""
    return "pong"
