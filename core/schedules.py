"""Beat entries kept in the database (django-celery-beat), created if missing, never overwritten.

The entries are the project's settings (`BEAT_SCHEDULES`: core names no task of an app above it).
An entry whose task was renamed (`RENAMED_TASKS`) gets the new name and keeps the rest of its
operator's edits: otherwise the beat would send a task no worker knows."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

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
    label: Any = ""  # the entry's name in words (a lazy translation): what the beat's pages show


SCHEDULES = [Schedule(**entry) for entry in settings.BEAT_SCHEDULES]


def schedule_label(name: str) -> str:
    """A beat entry's name as people read it: the words of the entry the settings define by that name
    ("nightly" → 夜间作业), an entry an operator added as they named it."""
    for entry in SCHEDULES:
        if entry.name == name and entry.label:
            return str(entry.label)
    return name


def schedule_name(text: str) -> str:
    """Back from the words a form showed: the name of the entry whose words they are, else the text."""
    for entry in SCHEDULES:
        if entry.label and text.strip() in {str(entry.label), entry.name}:
            return entry.name
    return text
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
