import pytest
from django_celery_beat.models import CrontabSchedule, PeriodicTask

from core.schedules import SCHEDULES, schedules_sync
from distribution.celery import app

pytestmark = pytest.mark.django_db


def test_every_beat_entry_names_a_task_the_workers_know():
    app.loader.import_default_modules()  # the apps' tasks modules, as a worker loads them at start
    registered = set(app.tasks)
    assert {entry.task for entry in SCHEDULES} <= registered
    assert {entry.name for entry in SCHEDULES} == {"nightly", "classify_monthly", "runs_fail_stale", "requests_escalate"}


def test_sync_creates_the_missing_keeps_edits_and_renames_a_moved_task():
    assert schedules_sync() == {"created": 4, "kept": 0, "renamed": 0}
    nightly = PeriodicTask.objects.get(name="nightly")
    assert (nightly.task, nightly.crontab.hour, nightly.crontab.minute, str(nightly.crontab.timezone)) == (
        "core.nightly", "1", "30", "Asia/Shanghai",
    )  # fmt: skip
    # an operator moved the nightly run to 02:15, and an entry from before tiers left retailers
    PeriodicTask.objects.filter(name="nightly").update(
        crontab=CrontabSchedule.objects.create(minute="15", hour="2", timezone="Asia/Shanghai")
    )
    PeriodicTask.objects.filter(name="classify_monthly").update(task="retailers.classify")
    assert schedules_sync() == {"created": 0, "kept": 4, "renamed": 1}
    assert PeriodicTask.objects.get(name="nightly").crontab.hour == "2"  # the edit is kept
    assert PeriodicTask.objects.get(name="classify_monthly").task == "tiers.classify"


def test_stale_runs_are_looked_for_every_minute():
    """A dead worker's run is failed within RUN_STALE_AFTER_SECONDS + 1 minute (4 + 1 = 5 minutes)."""
    schedules_sync()
    entry = PeriodicTask.objects.get(name="runs_fail_stale")
    assert (entry.task, entry.crontab.minute, entry.crontab.hour) == ("core.runs_fail_stale", "*", "*")
    assert entry.expire_seconds == 50  # a missed minute is not made up later: the next one runs


def test_overdue_requests_are_looked_for_every_hour():
    schedules_sync()
    entry = PeriodicTask.objects.get(name="requests_escalate")
    assert (entry.task, entry.crontab.minute, entry.crontab.hour) == ("service_requests.escalate", "5", "*")
