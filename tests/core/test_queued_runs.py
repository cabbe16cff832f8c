"""A run opened by a page and handed to a worker waits in the queue unstamped: a busy worker is not a
dead one. It is failed only after RUN_QUEUED_STALE_AFTER_SECONDS, and then never done by the late task
(the breaker saw an import marked "start again" that then ran anyway under a new run)."""

import datetime as dt

import pytest
from django.utils import timezone

from core.exceptions import RunOverlap
from core.imports.base import import_run_start
from core.models import Run, RunStatus
from core.runs import run_start, runs_fail_stale
from core.tasks import import_file_task
from pricing.models import Product

pytestmark = pytest.mark.django_db
GOOD = "CIG_CODE,CIG_NAME,WHOLESALE_PRICE,RETAIL_PRICE\nP1,甲,100,120\nP2,乙,200,240\n"


def _queued_since(run, minutes):
    Run.objects.filter(pk=run.pk).update(created_at=timezone.now() - dt.timedelta(minutes=minutes))


def test_a_queued_import_waits_behind_a_busy_worker_and_runs_as_its_own_run(tmp_path, supervisor, settings):
    settings.RUN_STALE_AFTER_SECONDS = 240
    path = tmp_path / "x.csv"
    path.write_text(GOOD, encoding="utf-8")
    run = import_run_start(kind="products", name="x.csv", actor=supervisor, queued=True)
    assert (run.status, run.started_at) == (RunStatus.PENDING, None)
    _queued_since(run, 5)  # 5 minutes behind the nightly job: longer than the 4-minute stale rule
    assert runs_fail_stale() == []
    out = import_file_task.run(kind="products", path=str(path), name="x.csv", actor_id=supervisor.pk, run_id=run.pk)
    run.refresh_from_db()
    assert run.status == RunStatus.SUCCEEDED
    assert run.started_at is not None
    assert Run.objects.count() == 1  # the page's run, not a new one
    assert Product.objects.count() == 2
    assert out["created"] == 2
    assert not path.exists()


def test_a_queued_import_no_worker_took_is_failed_and_never_done_late(tmp_path, supervisor, settings):
    settings.RUN_QUEUED_STALE_AFTER_SECONDS = 2 * 60 * 60
    path = tmp_path / "x.csv"
    path.write_text(GOOD, encoding="utf-8")
    run = import_run_start(kind="products", name="x.csv", actor=supervisor, queued=True)
    _queued_since(run, 121)
    assert runs_fail_stale() == [run.pk]
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED
    assert "队列" in run.error_words
    out = import_file_task.run(kind="products", path=str(path), name="x.csv", actor_id=supervisor.pk, run_id=run.pk)
    assert out == {"not_done": run.pk}
    assert Product.objects.count() == 0
    assert Run.objects.count() == 1
    assert not path.exists()


def test_a_queued_run_blocks_a_second_of_its_scope_like_a_running_one(supervisor):
    run_start(job="import_products", queued=True)
    with pytest.raises(RunOverlap):
        run_start(job="import_products")
