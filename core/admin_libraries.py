"""The libraries' own admin pages (the nightly schedules of django-celery-beat, DRF's API tokens)
re-registered on django-unfold's base, so that every admin page shares one look."""

from __future__ import annotations

from django.contrib import admin
from django_celery_beat import admin as beat_admin
from django_celery_beat.models import ClockedSchedule, CrontabSchedule, IntervalSchedule, PeriodicTask, SolarSchedule
from rest_framework.authtoken import admin as token_admin
from rest_framework.authtoken.models import TokenProxy
from unfold.admin import ModelAdmin

LIBRARY_ADMINS = (
    (PeriodicTask, beat_admin.PeriodicTaskAdmin),
    (ClockedSchedule, beat_admin.ClockedScheduleAdmin),
    (CrontabSchedule, beat_admin.CrontabScheduleAdmin),
    (SolarSchedule, beat_admin.SolarScheduleAdmin),
    (IntervalSchedule, beat_admin.IntervalScheduleAdmin),
    (TokenProxy, token_admin.TokenAdmin),
)

for model, library_admin in LIBRARY_ADMINS:
    if admin.site.is_registered(model):
        admin.site.unregister(model)
    admin.site.register(model, type(library_admin.__name__, (library_admin, ModelAdmin), {}))
