"""Job runs: start one (never two over one scope), report progress, finish or fail.

Progress writes are single autocommit UPDATEs, so they are visible while the
job's own work is still uncommitted; a job keeps its heavy compute outside any
transaction and commits its result in one short atomic step.

A working job stamps its run (`heartbeat_at`) with each progress report and, while it runs
under `run_heartbeat`, every `RUN_HEARTBEAT_SECONDS` from a thread beside it. A run with no
stamp for `RUN_STALE_AFTER_SECONDS` has lost its worker (killed, out of memory, restarted): it is
failed with that reason by `runs_fail_stale` (the beat, every minute) and, without the beat,
when a new run of its job starts (any scope). A supervisor may fail a stuck run at once (`run_mark_failed`).
"""

from __future__ import annotations

import logging
import threading
import time
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from .display import person_name
from .exceptions import DomainError, Reason, RunOverlap, Verbatim, label_reason, reason_of
from .models import ACTIVE_RUN_STATUSES, AuditEntry, Run, RunStatus

log = logging.getLogger(__name__)


def stale_after() -> timedelta:
    """A run not stamped for this long has lost its worker (settings.RUN_STALE_AFTER_SECONDS)."""
    return timedelta(seconds=settings.RUN_STALE_AFTER_SECONDS)


def retry_after_worker_lost() -> int:
    """Seconds a task whose worker died waits before it is tried again (its `default_retry_delay`):
    past the stale window, so the dead attempt's run is failed by then and does not refuse the retry."""
    return int(settings.RUN_STALE_AFTER_SECONDS) + 60


def _last_seen(run: Run):
    return run.heartbeat_at or run.started_at or run.created_at


def _queued(run: Run) -> bool:
    """Opened for a worker that has not taken it yet (`run_start(queued=True)`)."""
    return run.status == RunStatus.PENDING and run.started_at is None


def _is_stale(run: Run, now) -> bool:
    """No sign of life for RUN_STALE_AFTER_SECONDS, or, still queued, for RUN_QUEUED_STALE_AFTER_SECONDS
    (a busy worker is not a dead one: a queued import waits behind the nightly job)."""
    if _queued(run):
        return now - run.created_at > timedelta(seconds=settings.RUN_QUEUED_STALE_AFTER_SECONDS)
    return now - _last_seen(run) > stale_after()


def _stale_error(run: Run, now, *, at_start: bool = False) -> Reason:
    """Why a stale run was failed, kept as a Reason (read in the language of whoever reads it)."""
    minutes = Verbatim(f"{(now - _last_seen(run)).total_seconds() / 60:.1f}")
    if _queued(run):
        reason = Reason(
            gettext_noop(
                "Waited %(minutes)s minutes in the queue and no worker took it (are the workers running?). "
                "The run was marked failed and will not start; start it again."
            ),
            minutes=minutes,
        )
    else:
        reason = Reason(
            gettext_noop(
                "No sign of life for %(minutes)s minutes: the worker running this job stopped (killed, out of "
                "memory or restarted). The run was marked failed; start it again."
            ),
            minutes=minutes,
        )
    if at_start:
        return Reason(gettext_noop("%(reason)s Found when a new run of this job started."), reason=reason)
    return reason


def _fail_stale(run: Run, now, *, at_start: bool = False) -> None:
    """Fail one stale run (the caller holds its row) and audit it (no actor: the stale-run rule).
    `at_start`: found by a new run of its job starting (not by the beat)."""
    before = {"status": run.status, "progress": run.progress, "step": run.step,
              "heartbeat_at": _last_seen(run).isoformat()}  # fmt: skip
    run.error = _stale_error(run, now, at_start=at_start).text()  # worded by what it was: queued or running
    run.status = RunStatus.FAILED
    run.finished_at = now
    run.save(update_fields=["status", "error", "finished_at"])
    AuditEntry.objects.create(
        action="run.stale", object_type="run", object_id=str(run.pk), reason=run.error,
        before=before, after={"status": RunStatus.FAILED},
    )  # fmt: skip


def _advisory_lock(key: str) -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [key])


@transaction.atomic
def run_start(*, job: str, scope: str = "", actor=None, params: dict | None = None, queued: bool = False) -> Run:
    """Create a running Run, or raise RunOverlap if one of this job and scope is active. `queued`: the
    work is handed to a worker; the run is pending until the worker starts it (`run_tracked`).

    Every run of the job left active by a worker that died (no sign of life for
    RUN_STALE_AFTER_SECONDS) is failed first, with the reason, audited, whatever its scope (last
    night's dated run too): a killed worker never blocks the next run, with or without the beat."""
    _advisory_lock(f"run:{job}:{scope}")
    now = timezone.now()
    active = Run.objects.select_for_update().filter(job=job, status__in=ACTIVE_RUN_STATUSES).order_by("pk")
    for run in active:
        if _is_stale(run, now):
            _fail_stale(run, now, at_start=True)
        elif run.scope == scope:
            raise RunOverlap(_overlap_message(job, scope, run, now))
    try:
        with transaction.atomic():
            return Run.objects.create(
                job=job,
                scope=scope,
                actor=actor,
                params=params or {},
                status=RunStatus.PENDING if queued else RunStatus.RUNNING,
                started_at=None if queued else now,
                heartbeat_at=None if queued else now,
            )
    except IntegrityError as exc:  # a concurrent start won the race (SQLite has no advisory lock)
        raise RunOverlap(
            Reason(gettext_noop("%(job)s is already running for %(scope)s."), job=_job(job), scope=_scope(scope))
        ) from exc


def _job(job: str) -> Reason | Verbatim:
    """A job's name as a Reason's value, in the reader's language (settings.JOB_LABELS: 分档计算, never
    "classify_retailers"); a job without words there through the catalog with its underscores as spaces."""
    label = getattr(settings, "JOB_LABELS", {}).get(job)
    return label_reason(label) if label else Reason(job.replace("_", " "))


def _scope(scope: str) -> Reason | Verbatim:
    return Verbatim(scope) if scope else Reason(gettext_noop("all"))


def _overlap_message(job: str, scope: str, run: Run, now) -> Reason:
    """Why a run was refused, kept as a Reason: a job that starts another (a nightly job, an import) keeps
    it on its own run, read in the language of whoever reads it."""
    seconds = max(0, int((now - _last_seen(run)).total_seconds()))
    return Reason(
        gettext_noop(
            "%(job)s is already running for %(scope)s (run #%(run)s, last sign of life %(seconds)s s ago). "
            "A run whose worker stopped is marked failed after %(stale)s s without one; a supervisor can "
            "mark it failed now in the job runs list."
        ),
        job=_job(job), scope=_scope(scope), run=run.pk, seconds=seconds, stale=int(settings.RUN_STALE_AFTER_SECONDS),
    )  # fmt: skip


def runs_fail_stale(*, now=None) -> list[int]:
    """Fail every active run not stamped for `RUN_STALE_AFTER_SECONDS` (its worker is gone), with
    the reason, audited. Returns their ids. The beat runs it every minute (`core.runs_fail_stale`)."""
    now = now or timezone.now()
    failed = []
    candidates = Run.objects.filter(status__in=ACTIVE_RUN_STATUSES).values_list("pk", flat=True)
    for pk in list(candidates):
        with transaction.atomic():
            run = Run.objects.select_for_update().filter(pk=pk, status__in=ACTIVE_RUN_STATUSES).first()
            if run is not None and _is_stale(run, now):
                _fail_stale(run, now)
                failed.append(pk)
    return failed


@transaction.atomic
def run_mark_failed(*, run: Run, reason: str, actor) -> Run:
    """A supervisor fails a stuck run at once, with a reason (audited). A job still working on it
    finds it failed and stops at its next step; nothing it wrote is published."""
    if not getattr(actor, "is_supervisor", False):
        raise DomainError(Reason(gettext_noop("Only a supervisor can mark a run failed.")))
    reason = reason.strip()
    if not reason:
        raise DomainError(Reason(gettext_noop("Give a reason.")))
    locked = Run.objects.select_for_update().get(pk=run.pk)
    if locked.status not in ACTIVE_RUN_STATUSES:
        raise DomainError(
            Reason(
                gettext_noop("Run #%(run)s is not running (%(status)s)."),
                run=locked.pk, status=label_reason(RunStatus(locked.status).label),
            )
        )  # fmt: skip
    before = {"status": locked.status, "progress": locked.progress, "step": locked.step,
              "heartbeat_at": _last_seen(locked).isoformat()}  # fmt: skip
    locked.status = RunStatus.FAILED
    locked.finished_at = timezone.now()
    locked.error = Reason(  # the supervisor's words as typed, the rest in the reader's language
        gettext_noop("Marked failed by %(user)s: %(reason)s"),
        user=Verbatim(person_name(actor)),
        reason=Verbatim(reason),
    ).text()
    locked.save(update_fields=["status", "finished_at", "error"])
    AuditEntry.objects.create(
        actor=actor, action="run.mark_failed", object_type="run", object_id=str(locked.pk), reason=reason,
        before=before, after={"status": RunStatus.FAILED},
    )  # fmt: skip
    return locked


@contextmanager
def run_heartbeat(run: Run, *, every: float | None = None) -> Iterator[None]:
    """While the body runs, stamp the run every `every` seconds (RUN_HEARTBEAT_SECONDS) from a
    thread beside it, on its own database connection: a long step with no progress report (a
    big write, a slow query) is not taken for a dead worker. The stamps stop when the process
    dies; they never revive a run that was failed meanwhile."""
    every = settings.RUN_HEARTBEAT_SECONDS if every is None else every
    stop = threading.Event()

    def beat() -> None:
        try:
            while not stop.wait(every):
                try:
                    Run.objects.filter(pk=run.pk, status__in=ACTIVE_RUN_STATUSES).update(heartbeat_at=timezone.now())
                except Exception:  # a missed stamp is not the job's failure; the next one may pass
                    log.warning("run #%s: heartbeat not written", run.pk, exc_info=True)
        finally:
            connection.close()  # this thread's own connection

    thread = threading.Thread(target=beat, name=f"run-{run.pk}-heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=10)


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


def run_error(exc: BaseException) -> Reason | str:
    """What a run keeps of the exception that failed it: the Reason it was raised with (read in the
    reader's language), else its type and message as they are."""
    return reason_of(exc) or "".join(traceback.format_exception_only(type(exc), exc)).strip()


def run_fail(run: Run, *, error: str | Reason, timings: dict | None = None) -> None:
    """Fail the run with `error`: a Reason is kept as one (`Run.error_words` reads it in the reader's
    language); other text as it is."""
    run.status = RunStatus.FAILED
    run.finished_at = timezone.now()
    run.error = error.text() if isinstance(error, Reason) else error[:20000]
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
    with run_tracked(run_start(job=job, scope=scope, actor=actor, params=params)) as tracker:
        yield tracker


@contextmanager
def run_tracked(run: Run) -> Iterator[RunTracker]:
    """Run a job body as a Run already started (`run_start`, e.g. by the page that asked for the job,
    so it can show the run's progress while a worker does the job)."""
    if _queued(run):  # a worker takes it now
        now = timezone.now()
        Run.objects.filter(pk=run.pk).update(status=RunStatus.RUNNING, started_at=now, heartbeat_at=now)
        run.status, run.started_at, run.heartbeat_at = RunStatus.RUNNING, now, now
    tracker = RunTracker(run)
    try:
        with run_heartbeat(tracker.run):
            yield tracker
    except BaseException as exc:
        tracker._close_stage()
        run_fail(tracker.run, error=run_error(exc), timings=tracker.timings)
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
