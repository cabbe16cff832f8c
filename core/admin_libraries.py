"""The libraries' own admin pages (the nightly schedules of django-celery-beat, DRF's API tokens)
re-registered on django-unfold's base, so that every admin page shares one look.

The beat's pages read in words: an entry by the words the settings give it (`BEAT_SCHEDULES`' labels:
"nightly" → 夜间作业), a task by its words (`TASK_LABELS`), a crontab as cron-descriptor describes it
in the reader's language with its time zone in words, never "30 1 * * * (m/h/dM/MY/d) Asia/Shanghai"."""

from __future__ import annotations

import re

from cron_descriptor import FormatException, MissingFieldException, Options, WrongArgumentException, get_description
from django.contrib import admin
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _
from django_celery_beat import admin as beat_admin
from django_celery_beat.models import ClockedSchedule, CrontabSchedule, IntervalSchedule, PeriodicTask, SolarSchedule
from rest_framework.authtoken import admin as token_admin
from rest_framework.authtoken.models import TokenProxy
from unfold.admin import ModelAdmin

from .admin_mixins import WordedCharField
from .labels import Worded, task_label
from .schedules import schedule_label, schedule_name

CRON_LOCALES = {"zh-hans": "zh_CN", "en": "en_US"}  # cron-descriptor's catalogs
TIME_ZONE_WORDS = {"Asia/Shanghai": _("Beijing time")}
# cron-descriptor's Chinese leaves the days' and months' names in English: Django's catalog words them
DAY_AND_MONTH_NAMES = (
    "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "January", "February", "March",
    "April", "May", "June", "July", "August", "September", "October", "November", "December",
)  # fmt: skip


def crontab_words(crontab: CrontabSchedule | None) -> str:
    """A crontab as a person reads it, in the reader's language: "在 01:30（北京时间）", "At 01:30 (Beijing time)"."""
    if crontab is None:
        return "—"
    expression = " ".join(
        str(part) for part in (crontab.minute, crontab.hour, crontab.day_of_month, crontab.month_of_year, crontab.day_of_week)
    )  # fmt: skip
    options = Options()
    options.locale_code = CRON_LOCALES.get(get_language() or "", "en_US")
    options.use_24hour_time_format = True
    try:
        text = get_description(expression, options)
    except (FormatException, MissingFieldException, WrongArgumentException):
        text = expression
    for name in DAY_AND_MONTH_NAMES:
        text = re.sub(rf"\b{name}\b", gettext(name), text)
    zone = str(crontab.timezone)
    zone = str(TIME_ZONE_WORDS.get(zone, zone))
    return gettext("%(when)s (%(zone)s)") % {"when": text, "zone": zone}


def schedule_words(task: PeriodicTask) -> str:
    """When an entry runs, in words (a crontab's description; another schedule as the library words it)."""
    if task.crontab_id:
        return crontab_words(task.crontab)
    return str(task.scheduler) if task.scheduler is not None else "—"


ENTRY_NAME = Worded(schedule_label, schedule_name)  # an entry's name shown in words, read back as its name


class TaskWordsWidget(beat_admin.TaskSelectWidget):
    """The registered tasks offered by their words in the reader's language (the value stays the task's
    name): worded at each rendering, not kept from the first page's language as the library keeps them."""

    @property
    def choices(self):
        return tuple((name, task_label(name) if name else "") for name, _label in self.tasks_as_choices())

    @choices.setter
    def choices(self, _value):
        pass  # the field's __init__ sets them: the registered tasks are the choices


class PeriodicTaskWordsForm(beat_admin.PeriodicTaskForm):
    regtask = beat_admin.TaskChoiceField(label=_("Task (registered)"), required=False, widget=TaskWordsWidget)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        name = self.fields.get("name")
        if name is not None:
            words = WordedCharField(worded=ENTRY_NAME, max_length=200, label=name.label, help_text=name.help_text)
            words.widget = name.widget
            self.fields["name"] = words
        crontab = self.fields.get("crontab")
        if crontab is not None:
            crontab.label_from_instance = crontab_words


class TaskFilter(admin.SimpleListFilter):
    title = _("task")
    parameter_name = "task"

    def lookups(self, request, model_admin):
        tasks = PeriodicTask.objects.order_by("task").values_list("task", flat=True).distinct()
        return [(task, task_label(task)) for task in tasks]

    def queryset(self, request, queryset):
        return queryset.filter(task=self.value()) if self.value() else queryset


@admin.display(description=_("name"), ordering="name")
def entry_name_words(task: PeriodicTask) -> str:
    return schedule_label(task.name)


@admin.display(description=_("task"), ordering="task")
def entry_task_words(task: PeriodicTask) -> str:
    return task_label(task.task)


class PeriodicTaskWordsAdmin(beat_admin.PeriodicTaskAdmin, ModelAdmin):
    form = PeriodicTaskWordsForm
    change_form_template = "admin/core/periodictask/change_form.html"
    list_display = (entry_name_words, "enabled", "schedule_shown", entry_task_words, "start_time", "last_run_at", "one_off")
    list_display_links = (entry_name_words,)
    list_filter = ["enabled", "one_off", TaskFilter, "start_time", "last_run_at"]

    @admin.display(description=_("schedule"))
    def schedule_shown(self, task):
        return schedule_words(task)

    @admin.display(description=_("Schedule in words"))
    def crontab_translation(self, task):
        return crontab_words(task.crontab)

    def render_change_form(self, request, context, *args, **kwargs):
        # the crontab's words the page shows as one is chosen (the library's are cron-descriptor's English)
        context["readable_crontabs"] = {c.pk: crontab_words(c) for c in CrontabSchedule.objects.all()}
        return super().render_change_form(request, context, *args, **kwargs)


class PeriodicTaskWordsInline(beat_admin.PeriodicTaskInline):
    fields = (entry_name_words, entry_task_words)
    readonly_fields = fields


@admin.display(description=_("crontab"))
def crontab_shown(crontab: CrontabSchedule) -> str:
    return crontab_words(crontab)


class CrontabWordsAdmin(beat_admin.CrontabScheduleAdmin, ModelAdmin):
    list_display = (crontab_shown,)
    list_display_links = (crontab_shown,)
    fields = ("schedule_in_words", "minute", "hour", "day_of_month", "month_of_year", "day_of_week", "timezone")
    readonly_fields = ("schedule_in_words",)
    inlines = [PeriodicTaskWordsInline]

    @admin.display(description=_("Schedule in words"))
    def schedule_in_words(self, crontab):
        return crontab_words(crontab) if crontab.pk else "—"


def _inline_in_words(library_admin):
    return type(library_admin.__name__, (library_admin, ModelAdmin), {"inlines": [PeriodicTaskWordsInline]})


LIBRARY_ADMINS = (
    (PeriodicTask, PeriodicTaskWordsAdmin),
    (ClockedSchedule, _inline_in_words(beat_admin.ClockedScheduleAdmin)),
    (CrontabSchedule, CrontabWordsAdmin),
    (SolarSchedule, _inline_in_words(beat_admin.SolarScheduleAdmin)),
    (IntervalSchedule, _inline_in_words(beat_admin.IntervalScheduleAdmin)),
    (TokenProxy, type(token_admin.TokenAdmin.__name__, (token_admin.TokenAdmin, ModelAdmin), {})),
)

# The page titles, breadcrumbs, inline headings and messages name an entry and a crontab by their
# `str`: "nightly: 30 1 * * * (m/h/dM/MY/d) Asia/Shanghai" in the library; in words here.
PeriodicTask.__str__ = lambda task: f"{schedule_label(task.name)}: {schedule_words(task)}"  # type: ignore[method-assign]
CrontabSchedule.__str__ = crontab_words  # type: ignore[method-assign, assignment]

for model, library_admin in LIBRARY_ADMINS:
    if admin.site.is_registered(model):
        admin.site.unregister(model)
    admin.site.register(model, library_admin)
