from datetime import timedelta

import pytest
from django.utils import timezone

from core.exceptions import RunOverlap
from core.models import Run, RunStatus
from core.nightly import run_nightly
from core.runs import run_start, tracked_run

pytestmark = pytest.mark.django_db


def test_one_active_run_per_job_and_scope():
    first = run_start(job="classify", scope="city")
    with pytest.raises(RunOverlap):
        run_start(job="classify", scope="city")
    other_scope = run_start(job="classify", scope="rural")
    assert other_scope.pk != first.pk
    first.status = RunStatus.SUCCEEDED
    first.save()
    assert run_start(job="classify", scope="city").status == RunStatus.RUNNING


def test_stale_run_is_marked_abandoned_and_does_not_block():
    stale = run_start(job="nightly")
    Run.objects.filter(pk=stale.pk).update(heartbeat_at=timezone.now() - timedelta(hours=7))
    fresh = run_start(job="nightly")
    stale.refresh_from_db()
    assert stale.status == RunStatus.FAILED
    assert "已有 420.0 分钟没有活动迹象" in stale.error_words  # 7 h = 420 minutes, in the default language
    assert fresh.status == RunStatus.RUNNING


def test_tracked_run_records_stages_counts_and_failure():
    with tracked_run(job="ok") as run:
        run.stage("load", 10)
        run.count(rows=5)
        run.stage("write", 60)
    done = Run.objects.get(job="ok")
    assert done.status == RunStatus.SUCCEEDED
    assert done.progress == 100
    assert done.counts == {"rows": 5}
    assert set(done.timings) == {"load", "write"}
    def failing_job():
        with tracked_run(job="bad") as run:
            run.stage("compute", 50)
            _ = 1 / 0

    with pytest.raises(ZeroDivisionError):
        failing_job()
    failed = Run.objects.get(job="bad")
    assert failed.status == RunStatus.FAILED
    assert "ZeroDivisionError" in failed.error
    assert failed.progress == 50
    # a failed run does not block the next one
    with tracked_run(job="bad"):
        pass


def test_nightly_jobs_run_as_runs_and_rerun_safely():
    first = run_nightly()
    second = run_nightly()
    assert first["cycles_roll"]["created"] == 3
    assert second["cycles_roll"] == {"created": 0, "closed": 0}
    assert Run.objects.filter(job="cycles_roll", status=RunStatus.SUCCEEDED).count() == 2


def test_web_server_refuses_to_start_without_a_secret_key(monkeypatch):
    import importlib
    import sys

    from django.core.exceptions import ImproperlyConfigured

    monkeypatch.delenv("DJANGO_SECRET_KEY", raising=False)
    monkeypatch.delenv("DJANGO_DEBUG", raising=False)
    sys.modules.pop("distribution.wsgi", None)
    with pytest.raises(ImproperlyConfigured, match="DJANGO_SECRET_KEY"):
        importlib.import_module("distribution.wsgi")


def test_a_long_run_that_reports_progress_is_not_abandoned():
    from core.runs import run_progress

    long_run = run_start(job="classify", scope="long")
    Run.objects.filter(pk=long_run.pk).update(started_at=timezone.now() - timedelta(hours=7))
    long_run.refresh_from_db()
    run_progress(long_run, progress=50, step="still working")
    with pytest.raises(RunOverlap):
        run_start(job="classify", scope="long")
