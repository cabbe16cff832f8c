"""Job runs: start one (never two over one scope), report progress, finish or fail.

Progress writes are single autocommit UPDATEs, so they are visible while the
job's own work is still uncommitted; a job keeps its heavy compute outside any
transaction and commits its result in one short atomic step.
"""

from __future__ import annotations

import time
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from .exceptions import RunOverlap
from .models import ACTIVE_RUN_STATUSES, Run, RunStatus

# A run that has not reported progress for this long is taken as dead (its worker was killed).
STALE_AFTER = timedelta(hours=6)


def _advisory_lock(key: str) -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [key])


@transaction.atomic
def run_start(*, job: str, scope: str = "", actor=None, params: dict | None = None) -> Run:
    """Create a running Run, or raise RunOverlap if one of this job and scope is active."""
    _advisory_lock(f"run:{job}:{scope}")
    now = timezone.now()
    active = Run.objects.select_for_update().filter(job=job, scope=scope, status__in=ACTIVE_RUN_STATUSES)
    for run in active:
        last_seen = run.heartbeat_at or run.started_at or run.created_at
        if now - last_seen > STALE_AFTER:
            run.status = RunStatus.FAILED
            run.error = "abandoned: no progress for too long (worker lost?)"
            run.finished_at = now
            run.save(update_fields=["status", "error", "finished_at"])
        else:
            raise RunOverlap(f"{job} is already running for {scope or 'all'} (run #{run.pk})")
    try:
        with transaction.atomic():
            return Run.objects.create(
                job=job,
                scope=scope,
                actor=actor,
                params=params or {},
                status=RunStatus.RUNNING,
                started_at=now,
                heartbeat_at=now,
            )
    except IntegrityError as exc:  # a concurrent start won the race (SQLite has no advisory lock)
        raise RunOverlap(f"{job} is already running for {scope or 'all'}") from exc


def run_progress(run: Run, *, progress: int, step: str = "", counts: dict | None = None) -> None:
    run.progress = max(0, min(100, int(progress)))
    run.step = step[:200]
    run.heartbeat_at = timezone.now()
    fields = {"progress": run.progress, "step": run.step, "heartbeat_at": run.heartbeat_at}
    if counts:
        run.counts = {**run.counts, **counts}
        fields["counts"] = run.counts
    Run.objects.filter(pk=run.pk).update(**fields)


def run_finish(run: Run, *, counts: dict | None = None, timings: dict | None = None) -> None:
    run.status = RunStatus.SUCCEEDED
    run.progress = 100
    run.step = ""
    run.finished_at = timezone.now()
    run.counts = {**run.counts, **(counts or {})}
    run.timings = {**run.timings, **(timings or {})}
    run.save(update_fields=["status", "progress", "step", "finished_at", "counts", "timings"])


def run_fail(run: Run, *, error: str, timings: dict | None = None) -> None:
    run.status = RunStatus.FAILED
    run.finished_at = timezone.now()
    run.error = error[:20000]
    run.timings = {**run.timings, **(timings or {})}
    run.save(update_fields=["status", "finished_at", "error", "timings"])


class RunTracker:
    """Handed to a job body: names its stages, times them and reports progress."""

    def __init__(self, run: Run):
        self.run = run
        self.timings: dict[str, float] = {}
        self.counts: dict[str, Any] = {}
        self._stage: str | None = None
        self._stage_started = 0.0

    def stage(self, name: str, progress: int) -> None:
        self._close_stage()
        self._stage, self._stage_started = name, time.perf_counter()
        run_progress(self.run, progress=progress, step=name)

    def report(self, progress: int, step: str) -> None:
        """Progress inside the current stage (not timed separately)."""
        run_progress(self.run, progress=progress, step=step)

    def count(self, **counts: Any) -> None:
        self.counts.update(counts)

    def _close_stage(self) -> None:
        if self._stage is not None:
            self.timings[self._stage] = round(time.perf_counter() - self._stage_started, 3)
            self._stage = None


@contextmanager
def tracked_run(*, job: str, scope: str = "", actor=None, params: dict | None = None) -> Iterator[RunTracker]:
    """Run a job body as one Run: succeeded with its counts, or failed with the error."""
    tracker = RunTracker(run_start(job=job, scope=scope, actor=actor, params=params))
    try:
        yield tracker
    except BaseException as exc:
        tracker._close_stage()
        detail = "".join(traceback.format_exception_only(type(exc), exc)).strip()
        run_fail(tracker.run, error=detail, timings=tracker.timings)
        raise
    tracker._close_stage()
    run_finish(tracker.run, counts=tracker.counts, timings=tracker.timings)


def result_make_current(model, pk: int) -> None:
    """Make one night's result set (a model with `is_current`, e.g. AdviceRun) the current one.
    Call it inside the transaction that wrote the set, so readers see the old set until the new
    one is complete."""
    model.objects.filter(is_current=True).exclude(pk=pk).update(is_current=False)
    model.objects.filter(pk=pk).update(is_current=True)


def results_prune(model, *, keep: int) -> None:
    """Drop all but the newest `keep` result sets (after the new one is committed)."""
    for old in model.objects.order_by("-pk")[keep:]:
        old.delete()
