"""Runs that recover in minutes (issue 18, "a killed worker blocks a cycle for 6 hours").

Found: tasks were acknowledged on receipt; a worker killed mid-run left the run "running" at 0 %,
re-runs were refused ("already running … run #57") and the stale-run rule waited 6 hours; with the
broker down `run_allocation --fan-out` crashed with a traceback after 20 s and left another run
"running"; publishing returned 500 after 19 s yet published.

Now: tasks are acknowledged when they end (a group whose pool process dies is retried once); a
working group stamps its run, a run with no stamp for RUN_STALE_AFTER_SECONDS is failed with the
reason; a broker that does not answer fails the run at once with a plain message; publishing sends
nothing to the broker. The tests against a real worker (PostgreSQL + Redis, `.ci/run`'s second
stage) kill it mid-write with the stale window compressed to 2 s (240 s in production).
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import override_settings
from django.urls import reverse

from allocation.models import AllocationRun, BandCap, CellCap, CellReport, RetailerQuotas, SupplyPlanLine
from allocation.selectors import published_allocation_run, quotas_frame
from allocation.services import allocation_run_create, allocation_run_publish, allocation_run_start, line_groups
from allocation.tasks import allocation_run_finish_task, allocation_run_group_task
from core.broker import BrokerUnavailable
from core.exceptions import DomainError
from core.models import AuditEntry, Run, RunStatus
from core.runs import run_fail, run_mark_failed, runs_fail_stale
from core.tasks import import_file_task, nightly_task
from cycles.models import CycleStatus, OrderCycle
from distribution.celery import app
from tests.allocation.conftest import planned  # noqa: F401 - the sample city's plan
from tests.conftest import ROOT, _reachable, need

pytestmark = pytest.mark.django_db  # the real-worker tests below mark their own (transactional) access

BROKER_DOWN_ZH = "任务队列（消息代理）无响应，未向工作进程发送任何任务。请检查 Redis 是否在运行，然后重新启动作业。"


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def broker_down(monkeypatch):
    """The Celery app sends to a broker where nothing listens, and no longer runs tasks in-process."""
    dead = f"redis://127.0.0.1:{_closed_port()}/0"
    monkeypatch.setenv("CELERY_BROKER_URL", dead)  # Celery reads it before its own settings
    saved = app.conf.broker_url, app.conf.task_always_eager
    app.conf.broker_url, app.conf.task_always_eager = dead, False
    yield
    app.conf.broker_url, app.conf.task_always_eager = saved


def _released(allocation_run: AllocationRun) -> list[tuple]:
    return sorted(CellReport.objects.filter(allocation=allocation_run).values_list("plan_line", "cell", "released"))


def _quotas(allocation_run: AllocationRun) -> list[tuple]:
    frame = quotas_frame(allocation_run)
    return sorted(zip(frame["retailer"].tolist(), frame["product"].tolist(), frame["quota"].tolist(), strict=True))


def _rows(allocation_run: AllocationRun) -> dict[str, list]:
    """Everything a run wrote, as comparable values."""
    return {
        "quotas": sorted(
            (r, p, bytes(e)) for r, p, e in
            RetailerQuotas.objects.filter(allocation=allocation_run).values_list("retailer", "part", "entries")
        ),
        "cells": sorted(CellReport.objects.filter(allocation=allocation_run).values_list("plan_line", "cell", "target", "released")),
        "caps": sorted(CellCap.objects.filter(allocation=allocation_run).values_list("plan_line", "cell", "tier", "cap")),
        "bands": sorted(BandCap.objects.filter(allocation=allocation_run).values_list("price_band", "tier", "cap")),
    }  # fmt: skip


# --- in process (SQLite or PostgreSQL) --------------------------------------------------------------


def test_tasks_are_acknowledged_late_and_a_lost_group_is_retried_once():
    assert (app.conf.task_acks_late, app.conf.task_reject_on_worker_lost, app.conf.task_retry_on_worker_lost) == (
        True, True, True,
    )  # fmt: skip
    group = allocation_run_group_task
    assert (group.acks_late, group.reject_on_worker_lost, group.retry_on_worker_lost, group.max_retries) == (
        True, True, True, 1,
    )  # fmt: skip
    # a job with a run of its own is retried after its dead attempt is failed as stale (240 + 60 s)
    assert import_file_task.default_retry_delay == nightly_task.default_retry_delay == 300
    assert import_file_task.max_retries == 1


@override_settings(ALLOCATION_GROUP_SIZE=3)
def test_fan_out_with_the_broker_down_fails_the_run_at_once_and_keeps_the_last_good_one(planned, broker_down):  # noqa: F811
    app.conf.task_always_eager = True
    good = allocation_run_create(cycle=planned)  # the last good result, computed in process
    app.conf.task_always_eager = False
    assert len(line_groups(planned)) > 1  # it would fan out

    started = time.monotonic()
    with pytest.raises(BrokerUnavailable) as refused:
        allocation_run_create(cycle=planned, fan_out=True)
    assert time.monotonic() - started < 3  # was 20 s, then a traceback
    assert str(refused.value) == BROKER_DOWN_ZH

    failed = AllocationRun.objects.select_related("run").latest("pk")
    assert failed.pk != good.pk
    assert (failed.run.status, failed.run.error_words, failed.is_complete) == (RunStatus.FAILED, BROKER_DOWN_ZH, False)
    latest = AllocationRun.objects.filter(cycle=planned, is_complete=True).latest("created_at", "pk")
    assert latest.pk == good.pk  # still the one to publish
    app.conf.task_always_eager = True
    assert allocation_run_create(cycle=planned).is_complete  # and nothing is left "running" to refuse a re-run


@override_settings(ALLOCATION_GROUP_SIZE=3)
def test_the_command_says_so_in_one_line(planned, broker_down):  # noqa: F811
    with pytest.raises(CommandError, match=f"^{BROKER_DOWN_ZH}$"):
        call_command("run_allocation", "--cycle", planned.label, "--fan-out")
    assert not Run.objects.filter(job="allocation", status=RunStatus.RUNNING).exists()


def test_publishing_sends_nothing_to_the_broker_and_works_with_it_down(planned, supervisor, client, monkeypatch):  # noqa: F811
    allocation_run = allocation_run_create(cycle=planned)
    client.force_login(supervisor)
    sent = []
    monkeypatch.setattr(type(app), "send_task", lambda *a, **k: sent.append(a))
    monkeypatch.setattr("celery.app.task.Task.apply_async", lambda *a, **k: sent.append(a))
    dead = f"redis://127.0.0.1:{_closed_port()}/0"
    monkeypatch.setenv("CELERY_BROKER_URL", dead)
    saved = app.conf.broker_url, app.conf.task_always_eager
    app.conf.broker_url, app.conf.task_always_eager = dead, False
    try:
        started = time.monotonic()
        response = client.post(reverse("admin:allocation_allocationrun_publish", args=[allocation_run.pk]))
        elapsed = time.monotonic() - started
    finally:
        app.conf.broker_url, app.conf.task_always_eager = saved
    assert response.status_code == 302
    assert elapsed < 2  # was a 500 after 19 s
    assert sent == []
    allocation_run.refresh_from_db()
    planned.refresh_from_db()
    assert allocation_run.is_published
    assert planned.status == CycleStatus.PUBLISHED


def test_a_group_computed_again_replaces_its_own_rows(planned):  # noqa: F811
    """A group re-delivered after its worker died past the commit: the same rows, none twice."""
    from allocation.run_steps import allocation_run_compute_group

    allocation_run = allocation_run_start(cycle=planned)
    groups = line_groups(planned, size=3)
    total = sum(len(g) for g in groups)
    assert len(groups) >= 3
    for ids in groups:
        allocation_run_compute_group(allocation_run=allocation_run, line_ids=ids, total_lines=total)
    once = _rows(allocation_run)
    assert once["quotas"]
    assert once["cells"]
    assert once["caps"]
    allocation_run_compute_group(allocation_run=allocation_run, line_ids=groups[1], total_lines=total)
    assert _rows(allocation_run) == once
    for ids in reversed(groups):  # the whole chord again, in another order
        allocation_run_compute_group(allocation_run=allocation_run, line_ids=ids, total_lines=total)
    assert _rows(allocation_run) == once
    assert RetailerQuotas.objects.filter(allocation=allocation_run).count() == len(once["quotas"])


def test_method_c_lines_without_a_price_band_stay_in_one_group_so_no_group_deletes_another_s_rows(planned):  # noqa: F811
    """Found by the worker fault test: band-less method C lines are computed together, but each was
    its own group, and the group written last deleted the others' rows (one line's cells went missing)."""
    from allocation.run_steps import allocation_run_compute_group
    from pricing.models import Product

    c_lines = SupplyPlanLine.objects.filter(cycle=planned, method="C")
    c_ids = set(c_lines.values_list("pk", flat=True))
    assert len(c_ids) == 3
    Product.objects.filter(pk__in=c_lines.values("product")).update(price_band=None)
    in_process = allocation_run_create(cycle=planned)
    expected = _released(in_process)
    assert c_ids <= {line for line, _cell, _released in expected}
    groups = line_groups(planned, size=3)
    assert [g for g in groups if set(g) & c_ids] == [sorted(c_ids)]  # one group holds them all
    total = sum(len(g) for g in groups)
    for order in (groups, groups[::-1]):
        allocation_run = allocation_run_start(cycle=planned)
        for ids in order:
            allocation_run_compute_group(allocation_run=allocation_run, line_ids=ids, total_lines=total)
        assert _released(allocation_run) == expected
        assert _quotas(allocation_run) == _quotas(in_process)
        run_fail(allocation_run.run, error="test")


def test_a_late_group_or_finish_of_an_ended_run_does_nothing(planned, supervisor):  # noqa: F811
    groups = line_groups(planned, size=3)
    total = sum(len(g) for g in groups)
    failed = allocation_run_start(cycle=planned)
    run_fail(failed.run, error="worker lost")
    assert (
        allocation_run_group_task.apply(
            kwargs={"allocation_run_id": failed.pk, "line_ids": groups[0], "total_lines": total}
        ).get()
        == 0
    )
    allocation_run_finish_task.apply(kwargs={"allocation_run_id": failed.pk}).get()
    failed.refresh_from_db()
    assert not failed.is_complete
    assert failed.run.status == RunStatus.FAILED
    assert _rows(failed) == {"quotas": [], "cells": [], "caps": [], "bands": []}

    published = allocation_run_create(cycle=planned)
    allocation_run_publish(allocation_run=published, approver=supervisor)
    before = _rows(published)
    # its message comes back two hours later (Redis's visibility timeout): the published rows stay as written
    assert (
        allocation_run_group_task.apply(
            kwargs={"allocation_run_id": published.pk, "line_ids": groups[0], "total_lines": total}
        ).get()
        == 0
    )
    assert _rows(published) == before


def test_a_run_a_supervisor_failed_while_it_computed_is_not_completed(planned, supervisor, monkeypatch):  # noqa: F811
    import allocation.services as services

    real = services.allocation_run_compute_group

    def compute_then_failed_by_the_supervisor(*, allocation_run, **kwargs):
        written = real(allocation_run=allocation_run, **kwargs)
        run_mark_failed(run=allocation_run.run, reason="wrong plan uploaded", actor=supervisor)
        return written

    monkeypatch.setattr(services, "allocation_run_compute_group", compute_then_failed_by_the_supervisor)
    with pytest.raises(DomainError, match="由 boss 标记为失败：wrong plan uploaded"):
        allocation_run_create(cycle=planned)
    allocation_run = AllocationRun.objects.select_related("run").get()
    assert not allocation_run.is_complete
    assert allocation_run.run.status == RunStatus.FAILED
    planned.refresh_from_db()
    assert planned.status == CycleStatus.DRAFT  # not "computed" by a run that was failed


# --- a real worker on PostgreSQL + Redis ------------------------------------------------------------

# The compressed clock of the fault tests: stamps every 0.2 s, stale after 2 s (production: 30 s and 240 s).
FAULT_CLOCK = {"RUN_HEARTBEAT_SECONDS": 0.2, "RUN_STALE_AFTER_SECONDS": 2.0}
REAPER_PERIOD = 0.2  # the test's stand-in for the beat entry (every minute in production)


def _fault_broker_url() -> str:
    """The next Redis database after the suite's broker: the suite's own worker never sees these tasks."""
    url = os.environ.get("CELERY_BROKER_URL", "")
    base, _, number = url.rpartition("/")
    return f"{base}/{(int(number or 0) + 1) % 16}"


def _clear_queues(url: str) -> None:
    import redis

    client = redis.Redis.from_url(url)
    client.delete("celery", "allocation", "unacked", "unacked_index", "unacked_mutex")
    client.close()


class FaultWorkers:
    """`celery worker` processes on their own broker database, pointed at the test database."""

    def __init__(self, url: str, log: Path):
        self.url, self.log = url, log
        self.processes: list[subprocess.Popen] = []

    def start(self) -> subprocess.Popen:
        db = settings.DATABASES["default"]
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "distribution.settings",
            "DJANGO_SECRET_KEY": "test-only-secret-key",
            "DATABASE_URL": f"postgres://{db['USER'] or 'postgres'}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
            "CELERY_BROKER_URL": self.url,  # results: the suite's backend (keys are per task, shared safely)
            "ALLOCATION_GROUP_SIZE": "3",
            **{k: str(v) for k, v in FAULT_CLOCK.items()},
        }
        name = f"fault{len(self.processes)}@%h"
        with self.log.open("a") as log:
            process = subprocess.Popen(  # noqa: S603
                [sys.executable, "-m", "celery", "-A", "distribution", "worker", "-Q", "celery,allocation", "-c", "1",
                 "-n", name, "--without-gossip", "--without-mingle", "-l", "info"],
                cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            )  # fmt: skip
        self.processes.append(process)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if process.poll() is not None:
                pytest.fail(f"fault worker exited at start; see {self.log}")
            if app_for(self.url).control.ping(timeout=1.0):
                return process
        pytest.fail("fault worker did not answer a ping within 60 s")

    @staticmethod
    def kill(process: subprocess.Popen) -> None:
        """SIGKILL the worker and its pool processes at once, as the OOM killer or a lost host would."""
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)

    def stop_all(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait(timeout=30)


_APPS: dict[str, object] = {}


def app_for(url: str):
    """A Celery app like the project's, on another broker (the project's app keeps the suite's)."""
    from celery import Celery

    if url not in _APPS:
        other = Celery("faults")
        other.config_from_object("django.conf:settings", namespace="CELERY")
        other.conf.update(broker_url=url, task_always_eager=False)
        _APPS[url] = other
    return _APPS[url]


@pytest.fixture
def fault_workers(django_db_setup, tmp_path):
    """Tasks sent by this test go to the fault broker (its app is the current one) and its workers."""
    from celery import current_app

    need(
        connection.vendor == "postgresql", "a real worker needs PostgreSQL (a shared database); run by .ci/run stage 2"
    )
    url = _fault_broker_url()
    need(_reachable(url), f"Redis broker not reachable at {url}")
    _clear_queues(url)
    log = ROOT / "artifacts" / "celery-fault-worker.log" if (ROOT / "artifacts").is_dir() else tmp_path / "worker.log"
    log.write_text("")
    workers = FaultWorkers(url, log)
    previous = current_app._get_current_object()
    saved_env = os.environ["CELERY_BROKER_URL"]
    os.environ["CELERY_BROKER_URL"] = url  # Celery reads it before its settings: this test's tasks go there
    app_for(url).set_current()
    try:
        yield workers
    finally:
        previous.set_current()
        os.environ["CELERY_BROKER_URL"] = saved_env
        workers.stop_all()
        _clear_queues(url)


class TableLock:
    """Hold an exclusive lock on the quota rows' table from another connection: a group that reaches
    its write waits there, in the middle of its task, for as long as the test wants."""

    def __init__(self):
        import psycopg

        db = settings.DATABASES["default"]
        self.conn = psycopg.connect(
            host=db["HOST"] or "127.0.0.1", port=db["PORT"] or 5432, user=db["USER"] or "postgres",
            password=db.get("PASSWORD") or None, dbname=db["NAME"],
        )  # fmt: skip
        self.conn.execute(f"LOCK TABLE {RetailerQuotas._meta.db_table} IN ACCESS EXCLUSIVE MODE")  # noqa: S608

    def wait_for_a_waiter(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        with connection.cursor() as cursor:
            while time.monotonic() < deadline:
                cursor.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
                )
                if cursor.fetchone()[0]:
                    return
                time.sleep(0.1)
        pytest.fail("no group reached its write")

    def release(self) -> None:
        self.conn.rollback()
        self.conn.close()


def _wait_for(run_id: int, status: str, timeout: float) -> Run:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        run = Run.objects.get(pk=run_id)
        if run.status == status:
            return run
        time.sleep(0.2)
    pytest.fail(f"run #{run_id} is {run.status}, not {status}, after {timeout} s: {run.error}")


def _two_cycles(samples) -> tuple[OrderCycle, OrderCycle]:
    """The sample plan's cycle and the week before it with the same plan (to publish, as last week's)."""
    call_command("import_data", "customers", str(samples / "customers.xlsx"))
    call_command("import_data", "products", str(samples / "products.xlsx"))
    call_command("import_data", "supply_plan", str(samples / "supply_plan.xlsx"))
    cycle = SupplyPlanLine.objects.first().cycle
    week = dt.timedelta(days=7)
    earlier, _ = OrderCycle.objects.update_or_create(
        year=cycle.year, month=cycle.month, week_seq=cycle.week_seq - 1,
        defaults={"starts_on": cycle.starts_on - week, "ends_on": cycle.ends_on - week,
                  "order_opens_on": cycle.order_opens_on - week, "order_closes_on": cycle.order_closes_on - week,
                  "status": CycleStatus.DRAFT},
    )  # fmt: skip
    for line in SupplyPlanLine.objects.filter(cycle=cycle):
        chosen = list(line.selected_retailers.all())
        line.pk, line.cycle = None, earlier
        line.save()
        line.selected_retailers.set(chosen)
    return earlier, cycle


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@override_settings(ALLOCATION_GROUP_SIZE=3, **FAULT_CLOCK)
def test_a_killed_worker_s_run_is_failed_within_the_stale_window_and_a_rerun_succeeds(
    fault_workers, samples, supervisor
):
    published_cycle, cycle = _two_cycles(samples)
    published = allocation_run_create(cycle=published_cycle)
    allocation_run_publish(allocation_run=published, approver=supervisor)
    published_quotas = _quotas(published)
    good = allocation_run_create(cycle=cycle)  # the cycle's last good result, in process
    expected = _released(good)
    assert len(line_groups(cycle)) >= 3

    lock = TableLock()
    try:
        worker = fault_workers.start()
        doomed = allocation_run_create(cycle=cycle, fan_out=True)
        lock.wait_for_a_waiter()  # a group is in the middle of its write
        # Alive, however long the write waits: twice the stale window passes, looked at every 0.2 s.
        deadline = time.monotonic() + 2 * FAULT_CLOCK["RUN_STALE_AFTER_SECONDS"]
        while time.monotonic() < deadline:
            assert runs_fail_stale() == []
            time.sleep(REAPER_PERIOD)
        assert Run.objects.get(pk=doomed.run_id).status == RunStatus.RUNNING
        fault_workers.kill(worker)
        killed_at = time.monotonic()
    finally:
        lock.release()

    while Run.objects.get(pk=doomed.run_id).status == RunStatus.RUNNING:
        runs_fail_stale()
        time.sleep(REAPER_PERIOD)
        assert time.monotonic() - killed_at < 30, "the killed worker's run is still running"
    noticed = time.monotonic() - killed_at
    # Its last stamp came at most 0.2 s before the kill; stale 2 s after that stamp, seen at the next look.
    # (Production: 30 s stamps, 240 s window, a look every minute: within 5 minutes.) 1.5 s of slack for the machine.
    assert FAULT_CLOCK["RUN_STALE_AFTER_SECONDS"] - FAULT_CLOCK["RUN_HEARTBEAT_SECONDS"] - 0.1 <= noticed
    assert noticed <= FAULT_CLOCK["RUN_STALE_AFTER_SECONDS"] + REAPER_PERIOD + 1.5
    doomed.refresh_from_db()
    assert doomed.run.status == RunStatus.FAILED
    assert "分钟没有活动迹象" in doomed.run.error_words
    assert AuditEntry.objects.filter(action="run.stale", object_id=str(doomed.run_id)).exists()
    assert not doomed.is_complete
    assert AllocationRun.objects.filter(cycle=cycle, is_complete=True).latest("created_at", "pk").pk == good.pk

    # A re-run at once, on a new worker: it first meets the dead run's queued groups, which do nothing.
    fault_workers.start()
    rerun = allocation_run_create(cycle=cycle, fan_out=True)
    run = _wait_for(rerun.run_id, RunStatus.SUCCEEDED, timeout=120)
    assert run.progress == 100
    assert _released(AllocationRun.objects.get(pk=rerun.pk)) == expected
    assert _quotas(rerun) == _quotas(good)
    assert CellReport.objects.filter(allocation=doomed).count() == 0  # the dead run wrote nothing, late or not
    assert Run.objects.get(pk=doomed.run_id).status == RunStatus.FAILED
    # the published cycle's quotas never moved
    assert published_allocation_run(published_cycle).pk == published.pk
    assert _quotas(published) == published_quotas


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@override_settings(ALLOCATION_GROUP_SIZE=3, **FAULT_CLOCK)
def test_a_pool_process_killed_mid_group_is_retried_and_the_run_completes(fault_workers, samples):
    _first, cycle = _two_cycles(samples)
    good = allocation_run_create(cycle=cycle)
    expected = _released(good)

    lock = TableLock()
    try:
        worker = fault_workers.start()
        allocation_run = allocation_run_create(cycle=cycle, fan_out=True)
        lock.wait_for_a_waiter()
        children = Path(f"/proc/{worker.pid}/task/{worker.pid}/children").read_text().split()
        assert len(children) == 1  # -c 1
        os.kill(int(children[0]), signal.SIGKILL)  # the pool process only, as the OOM killer picks it
        time.sleep(0.5)
    finally:
        lock.release()

    run = _wait_for(allocation_run.run_id, RunStatus.SUCCEEDED, timeout=120)
    assert (run.progress, run.error) == (100, "")
    assert _released(AllocationRun.objects.get(pk=allocation_run.pk)) == expected
    assert _quotas(allocation_run) == _quotas(good)
    # one row per retailer per group (no unique key in the table: only the writer keeps it so)
    rows = RetailerQuotas.objects.filter(allocation=allocation_run).values_list("retailer", "part")
    assert len(rows) == len(set(rows))
    log = fault_workers.log.read_text()
    assert "WorkerLostError" in log or "exited with 'signal 9" in log
    assert any("allocation.group" in line and "retry" in line for line in log.splitlines())


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_run_allocation_fan_out_with_the_broker_down_prints_a_plain_message(samples):
    """The command in its own process (no test harness around it): one line, exit 1, no traceback."""
    need(connection.vendor == "postgresql", "the command reads the test database from another process: PostgreSQL")
    _first, cycle = _two_cycles(samples)
    db = settings.DATABASES["default"]
    dead = f"redis://127.0.0.1:{_closed_port()}/0"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "distribution.settings",
        "DATABASE_URL": f"postgres://{db['USER'] or 'postgres'}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        "CELERY_BROKER_URL": dead,
        "CELERY_RESULT_BACKEND": dead,
        "ALLOCATION_GROUP_SIZE": "3",
    }
    started = time.monotonic()
    done = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "run_allocation", "--cycle", cycle.label, "--fan-out"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    elapsed = time.monotonic() - started
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert f"CommandError: {BROKER_DOWN_ZH}" in done.stderr
    assert elapsed < 20  # Django's start included; the broker is given up on in well under a second
    run = Run.objects.get(job="allocation")
    assert (run.status, run.error_words) == (RunStatus.FAILED, BROKER_DOWN_ZH)
