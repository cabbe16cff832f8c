"""The real path: tasks sent over Redis to a `celery worker` process writing to PostgreSQL."""

import shutil

import pytest

from core.models import Run, RunStatus
from core.tasks import import_file_task, nightly_task, ping
from retailers.models import Retailer

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_worker_round_trip(celery_worker_process):
    assert ping.delay().get(timeout=30) == "pong"


def test_nightly_jobs_on_the_worker_are_idempotent(celery_worker_process):
    first = nightly_task.delay().get(timeout=120)
    second = nightly_task.delay().get(timeout=120)
    assert first["cycles_roll"]["created"] == 3
    assert second["cycles_roll"]["created"] == 0
    assert Run.objects.filter(job="cycles_roll", status=RunStatus.SUCCEEDED).count() == 2


def test_import_on_the_worker_writes_and_tracks_progress(celery_worker_process, samples, tmp_path):
    path = tmp_path / "customers.xlsx"
    shutil.copy(samples / "customers.xlsx", path)
    counts = import_file_task.delay(kind="customers", path=str(path), name="customers.xlsx").get(timeout=180)
    assert counts["created"] == 400
    assert Retailer.objects.count() == 400
    run = Run.objects.get(job="import_customers")
    assert run.status == RunStatus.SUCCEEDED
    assert run.progress == 100
    assert run.counts["created"] == 400
