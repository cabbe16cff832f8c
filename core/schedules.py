"""Beat entries kept in the database (django-celery-beat), created if missing, never overwritten.

The entries are the project's settings (`BEAT_SCHEDULES`: core names no task of an app above it).
An entry whose task was renamed (`RENAMED_TASKS`) gets the new name and keeps the rest of its
operator's edits: otherwise the beat would send a task no worker knows."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django_celery_beat.models import CrontabSchedule, PeriodicTask


@dataclass(frozen=True)
class Schedule:
    name: str
    task: str
    minute: str
    hour: str
    day_of_week: str = "*"
    day_of_month: str = "*"
    expires_seconds: int = 6 * 60 * 60


SCHEDULES = [Schedule(**entry) for entry in settings.BEAT_SCHEDULES]
# old task name → new one, for entries made before a task moved (November 2026: tiers left retailers)
RENAMED_TASKS = {"retailers.classify": "tiers.classify"}


def schedules_sync() -> dict[str, int]:
    """Create the missing entries; rename the task of an entry made before its task moved."""
    created = renamed = 0
    for old, new in RENAMED_TASKS.items():
        renamed += PeriodicTask.objects.filter(task=old).update(task=new)
    for entry in SCHEDULES:
        if PeriodicTask.objects.filter(name=entry.name).exists():
            continue  # an operator may have edited it: keep their version
        crontab, _ = CrontabSchedule.objects.get_or_create(
            minute=entry.minute,
            hour=entry.hour,
            day_of_week=entry.day_of_week,
            day_of_month=entry.day_of_month,
            month_of_year="*",
            timezone="Asia/Shanghai",
        )
        PeriodicTask.objects.create(
            name=entry.name, task=entry.task, crontab=crontab, expire_seconds=entry.expires_seconds
        )
        created += 1
    return {"created": created, "kept": len(SCHEDULES) - created, "renamed": renamed}
