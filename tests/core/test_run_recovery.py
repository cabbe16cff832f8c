"""Runs that recover in minutes (issue 18): a run whose worker is gone is failed as stale, a working
job's heartbeat keeps its run alive however long a step takes, a supervisor can fail a stuck run
(audited), and a broker that is down is found out in seconds."""

from __future__ import annotations

import socket
import threading
import time
from datetime import timedelta

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone, translation

from core import nightly
from core.broker import BrokerUnavailable, broker_check
from core.exceptions import DomainError, RunOverlap
from core.models import AuditEntry, Run, RunStatus
from core.nightly import NightlyJob
from core.runs import (
    retry_after_worker_lost,
    run_heartbeat,
    run_mark_failed,
    run_start,
    runs_fail_stale,
    stale_after,
    tracked_run,
)
from core.tasks import runs_fail_stale_task
from distribution.celery import app

pytestmark = pytest.mark.django_db
# The heartbeat writes from its own thread and connection, so these tests commit. Serialized like the
# real-worker tests: a plain flush re-creates the content types those tests restore after it.
THREADED = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _aged(run: Run, seconds: float) -> Run:
    """The run last stamped `seconds` ago."""
    Run.objects.filter(pk=run.pk).update(heartbeat_at=timezone.now() - timedelta(seconds=seconds))
    run.refresh_from_db()
    return run


def test_the_stale_window_is_four_minutes_checked_every_minute_so_a_dead_run_fails_within_five():
    # A worker dies at t; its last stamp was at t - 30 s at worst (RUN_HEARTBEAT_SECONDS = 30).
    # It is stale 240 s after that stamp and the beat looks every 60 s: failed by t + 240 + 60 = t + 300 s.
    assert stale_after() == timedelta(seconds=240)
    assert retry_after_worker_lost() == 300  # a retried task comes after its dead attempt is failed
    from django.conf import settings

    assert settings.RUN_HEARTBEAT_SECONDS == 30


def test_a_run_239_seconds_silent_is_alive_and_one_241_seconds_silent_is_failed_with_the_reason():
    started = [run_start(job="classify", scope=scope) for scope in ("alive", "dead", "done")]
    alive, dead, done = (_aged(run, seconds) for run, seconds in zip(started, (239, 241, 3600), strict=True))
    Run.objects.filter(pk=done.pk).update(status=RunStatus.SUCCEEDED)

    assert runs_fail_stale() == [dead.pk]

    alive.refresh_from_db()
    dead.refresh_from_db()
    assert alive.status == RunStatus.RUNNING
    assert Run.objects.get(pk=done.pk).status == RunStatus.SUCCEEDED  # an ended run is left alone
    assert dead.status == RunStatus.FAILED
    assert dead.finished_at is not None
    assert "已有 4.0 分钟没有活动迹象" in dead.error_words  # 241 s = 4.0 minutes, in the default language (zh)
    entry = AuditEntry.objects.get(action="run.stale", object_id=str(dead.pk))
    assert entry.actor is None  # the stale-run rule, not a person
    assert entry.before["status"] == RunStatus.RUNNING
    assert entry.after == {"status": RunStatus.FAILED}
    assert runs_fail_stale() == []  # failed once


def test_a_run_never_stamped_counts_from_its_start():
    run = run_start(job="import_orders")
    Run.objects.filter(pk=run.pk).update(heartbeat_at=None, started_at=timezone.now() - timedelta(minutes=5))
    assert runs_fail_stale() == [run.pk]


def test_the_beat_task_fails_the_stale_runs():
    dead = _aged(run_start(job="nightly"), 600)
    assert runs_fail_stale_task.delay().get() == [dead.pk]


def test_a_second_run_is_refused_while_the_first_is_alive_and_allowed_once_it_is_stale():
    first = _aged(run_start(job="allocation", scope="2026-11-4"), 100)
    with pytest.raises(RunOverlap) as refused:
        run_start(job="allocation", scope="2026-11-4")
    with translation.override("en"):  # read in the reader's language when shown (a Reason)
        assert f"(run #{first.pk}, last sign of life 100 s ago)" in str(refused.value)
        assert "after 240 s" in str(refused.value)
    _aged(first, 241)
    second = run_start(job="allocation", scope="2026-11-4")  # no 6-hour wait
    first.refresh_from_db()
    assert (first.status, second.status) == (RunStatus.FAILED, RunStatus.RUNNING)


def _tonight_job() -> dict:
    """A nightly job as the apps write them: its own run, scoped by the night's date."""
    with tracked_run(job="inventory_advice", scope="2026-11-26"):
        pass
    return {"rows": 1}


def test_a_worker_killed_mid_chain_does_not_block_the_next_night_without_the_beat(monkeypatch):
    """Last night the worker died inside a nightly job: its chain run (no scope) and its dated run
    stay "running", and no beat came to fail them. Tonight's chain fails both as it starts and runs."""
    chain, dated = run_start(job="inventory_advice"), run_start(job="inventory_advice", scope="2026-11-25")
    chain, dated = _aged(chain, 24 * 3600), _aged(dated, 24 * 3600)
    monkeypatch.setattr(nightly, "NIGHTLY_JOBS", [NightlyJob("inventory_advice", f"{__name__}._tonight_job")])

    with translation.override("en"):
        assert nightly.run_nightly() == {"inventory_advice": {"rows": 1}}

    for dead in (chain, dated):
        dead.refresh_from_db()
        assert dead.status == RunStatus.FAILED
        assert dead.finished_at is not None
        with translation.override("en"):  # kept as a reason, read in the reader's language
            assert dead.error_words.startswith("No sign of life for 1440.0 minutes: the worker running this job stopped")
            assert dead.error_words.endswith("Found when a new run of this job started.")
        assert AuditEntry.objects.filter(action="run.stale", object_id=str(dead.pk), actor=None).exists()
    tonight = Run.objects.filter(job="inventory_advice").exclude(pk__in=[chain.pk, dated.pk])
    assert sorted(tonight.values_list("scope", "status")) == [("", RunStatus.SUCCEEDED), ("2026-11-26", RunStatus.SUCCEEDED)]


def test_a_new_run_leaves_a_live_run_of_another_scope_alone():
    alive = _aged(run_start(job="allocation", scope="2026-11-3"), 200)
    started = run_start(job="allocation", scope="2026-11-4")
    alive.refresh_from_db()
    assert (alive.status, started.status) == (RunStatus.RUNNING, RunStatus.RUNNING)


@THREADED
@override_settings(RUN_STALE_AFTER_SECONDS=0.6)
def test_the_heartbeat_keeps_a_long_silent_step_alive_and_stops_when_the_job_ends():
    """A step three times longer than the stale window, with no progress report: the stamps from
    the thread beside it keep the run alive; once the job is gone (no stamps) it is failed."""
    run = run_start(job="classify", scope="slow")
    started = run.heartbeat_at
    reaped: list[int] = []
    with run_heartbeat(run, every=0.1):
        deadline = time.monotonic() + 1.8  # 3 x 0.6 s
        while time.monotonic() < deadline:
            reaped += runs_fail_stale()
            time.sleep(0.1)
    run.refresh_from_db()
    assert reaped == []
    assert run.status == RunStatus.RUNNING
    assert (run.heartbeat_at - started).total_seconds() > 1.2  # stamped while the step went on
    time.sleep(0.8)  # the job's process is gone: no more stamps
    assert runs_fail_stale() == [run.pk]


@THREADED
def test_the_heartbeat_never_revives_a_run_that_was_failed(supervisor):
    run = run_start(job="classify", scope="stuck")
    with run_heartbeat(run, every=0.05):
        run_mark_failed(run=run, reason="worker host rebooted", actor=supervisor)
        failed_at = Run.objects.get(pk=run.pk).heartbeat_at
        time.sleep(0.3)
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED
    assert run.heartbeat_at == failed_at


@THREADED
@override_settings(RUN_HEARTBEAT_SECONDS=0.05)
def test_every_tracked_job_beats_while_it_works():
    with tracked_run(job="profit_figures") as tracker:
        started = Run.objects.get(pk=tracker.run.pk).heartbeat_at
        time.sleep(0.4)
        beaten = Run.objects.get(pk=tracker.run.pk).heartbeat_at
    assert (beaten - started).total_seconds() >= 0.2
    assert not [t for t in threading.enumerate() if t.name.endswith("-heartbeat")]  # the beat ended with the job


def test_a_supervisor_marks_a_stuck_run_failed_with_a_reason_audited(supervisor, manager_a):
    run = _aged(run_start(job="allocation", scope="2026-11-4"), 90)
    Run.objects.filter(pk=run.pk).update(progress=35, step="4/13 lines")
    with pytest.raises(DomainError):
        run_mark_failed(run=run, reason="stuck", actor=manager_a)
    with pytest.raises(DomainError):
        run_mark_failed(run=run, reason="   ", actor=supervisor)
    assert Run.objects.get(pk=run.pk).status == RunStatus.RUNNING

    supervisor.first_name = "张主管"  # named by name, never by login
    supervisor.save()
    with translation.override("en"):
        run_mark_failed(run=run, reason="worker host rebooted", actor=supervisor)
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED
    with translation.override("en"):
        assert run.error_words == "Marked failed by 张主管: worker host rebooted"
    entry = AuditEntry.objects.get(action="run.mark_failed")
    assert (entry.actor, entry.object_type, entry.object_id, entry.reason) == (
        supervisor, "run", str(run.pk), "worker host rebooted",
    )  # fmt: skip
    assert entry.before["progress"] == 35
    assert entry.before["step"] == "4/13 lines"
    assert entry.after == {"status": RunStatus.FAILED}
    with pytest.raises(DomainError):  # only a running run
        run_mark_failed(run=run, reason="again", actor=supervisor)
    assert run_start(job="allocation", scope="2026-11-4").status == RunStatus.RUNNING  # a re-run is allowed


def _changelist_action(client, runs, **extra):
    data = {"action": "mark_failed", ACTION_CHECKBOX_NAME: [str(r.pk) for r in runs], **extra}
    return client.post(reverse("admin:core_run_changelist"), data, follow=True)


def test_the_run_admin_offers_mark_as_failed_to_supervisors_only(client, supervisor, manager_a):
    stuck = run_start(job="allocation", scope="2026-11-4", actor=manager_a)
    ended = run_start(job="classify", scope="city")
    Run.objects.filter(pk=ended.pk).update(status=RunStatus.SUCCEEDED)

    client.force_login(manager_a)
    page = client.get(reverse("admin:core_run_changelist"))
    assert page.status_code == 200
    assert "mark_failed" not in page.content.decode()
    _changelist_action(client, [stuck], index="0")
    _changelist_action(client, [stuck], apply="1", reason="I think it is stuck")
    assert Run.objects.get(pk=stuck.pk).status == RunStatus.RUNNING
    assert not AuditEntry.objects.filter(action="run.mark_failed").exists()

    client.force_login(supervisor)
    page = client.get(reverse("admin:core_run_changelist"))
    assert 'value="mark_failed"' in page.content.decode()
    assert "标记为失败（卡住的运行）" in page.content.decode()
    # first a page asking for the reason, in Chinese, listing only the running run
    asked = _changelist_action(client, [stuck, ended], index="0")
    text = asked.content.decode()
    assert "将运行标记为失败" in text
    assert "原因" in text
    assert f"#{stuck.pk}" in text
    assert f"#{ended.pk}<" not in text
    assert "1 个所选运行不在运行中，保持不变。" in text
    # no reason: asked again, nothing changed
    again = _changelist_action(client, [stuck], apply="1", reason="")
    assert "该字段是必填项" in again.content.decode()
    assert Run.objects.get(pk=stuck.pk).status == RunStatus.RUNNING
    done = _changelist_action(client, [stuck], apply="1", reason="工作进程所在服务器重启")
    assert f"已标记为失败：#{stuck.pk}。" in done.content.decode()
    stuck.refresh_from_db()
    assert stuck.status == RunStatus.FAILED
    assert stuck.error_words == "由 boss 标记为失败：工作进程所在服务器重启"
    assert AuditEntry.objects.get(action="run.mark_failed").reason == "工作进程所在服务器重启"


def test_the_broker_check_is_silent_when_tasks_run_in_process():
    assert app.conf.task_always_eager
    broker_check()


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def broker_at(monkeypatch):
    """Point the Celery app at another broker and stop running tasks in-process, for one test."""
    saved = app.conf.broker_url, app.conf.task_always_eager

    def point(url: str) -> None:
        monkeypatch.setenv("CELERY_BROKER_URL", url)  # Celery reads it before its own settings
        app.conf.broker_url, app.conf.task_always_eager = url, False

    yield point
    app.conf.broker_url, app.conf.task_always_eager = saved


def test_a_broker_that_refuses_is_reported_at_once(broker_at):
    broker_at(f"redis://127.0.0.1:{_closed_port()}/0")
    started = time.monotonic()
    with translation.override("en"), pytest.raises(BrokerUnavailable, match="does not answer"):
        broker_check()
    assert time.monotonic() - started < 2


@override_settings(BROKER_CHECK_TIMEOUT_SECONDS=1.0)
def test_a_broker_that_hangs_is_given_up_after_the_timeout(broker_at):
    with socket.socket() as hung:  # accepts connections, never answers
        hung.bind(("127.0.0.1", 0))
        hung.listen(8)
        broker_at(f"redis://127.0.0.1:{hung.getsockname()[1]}/0")
        started = time.monotonic()
        with pytest.raises(BrokerUnavailable):
            broker_check()
        assert time.monotonic() - started < 3  # 1 s timeout (and one retry at most), not forever
