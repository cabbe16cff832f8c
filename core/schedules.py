"""Beat entries kept in the database (django-celery-beat), created if missing, never overwritten."""

from __future__ import annotations

from dataclasses import dataclass

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


SCHEDULES = [
    Schedule("nightly", "core.nightly", minute="30", hour="1"),
    Schedule("classify_monthly", "tiers.classify", minute="0", hour="3", day_of_month="1", expires_seconds=20 * 60 * 60),
]


def schedules_sync() -> dict[str, int]:
    created = 0
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
    return {"created": created, "kept": len(SCHEDULES) - created}
