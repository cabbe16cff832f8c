import gettext as gettext_module
import json
from functools import cache

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.views.main import ChangeList
from django.db.models import Q
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.text import smart_split, unescape_string_literal
from django.utils.translation import get_language, pgettext_lazy, to_locale
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin

from . import admin_libraries, admin_lockouts  # noqa: F401 - register the libraries' and the lock-outs' admin
from .admin_imports import import_progress_view, import_template_view, import_view
from .admin_mixins import LabelledCodeFilter, ReadOnlyAdmin, record_number
from .audit_words import actor_words, objects_words, values_words
from .exceptions import DomainError
from .labels import (
    audit_action_label,
    audit_object_label,
    job_label,
    run_counts_words,
    run_scope_words,
    run_timings_words,
)
from .models import ACTIVE_RUN_STATUSES, AuditEntry, Run
from .runs import run_mark_failed


class MarkFailedForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3, "cols": 60}), max_length=1000,
        help_text=_("Kept on the run and in the audit log."),
    )  # fmt: skip


class JobFilter(LabelledCodeFilter):
    title = _("job")
    parameter_name = "job"
    words = staticmethod(job_label)


class ActionFilter(LabelledCodeFilter):
    title = _("action")
    parameter_name = "action"
    words = staticmethod(audit_action_label)


class ObjectTypeFilter(LabelledCodeFilter):
    title = _("object type")
    parameter_name = "object_type"
    words = staticmethod(audit_object_label)


REASON_MSGIDS_PER_WORD = 200  # a word found in more of the catalog's texts than this is too common to search by


@cache
def _catalog_msgids() -> tuple[str, ...]:
    """The English msgids of the project's catalogs: the texts a Reason the system kept may be worded by."""
    msgids: set[str] = set()
    for directory in settings.LOCALE_PATHS:
        for code, _name in settings.LANGUAGES:
            try:
                catalog = gettext_module.translation("django", str(directory), [to_locale(code)])
            except OSError:  # no catalog of this language (English: the msgids are its words)
                continue
            msgids.update(k for k in catalog._catalog if isinstance(k, str) and k and "\x04" not in k)  # type: ignore[attr-defined]
    return tuple(sorted(msgids))


@cache
def _catalog_words(language: str | None) -> tuple[tuple[str, str, str], ...]:
    """Each msgid as a Reason's JSON keeps it ("msgid": "…"), with its text in `language` (the active one when
    asked) and that JSON string, both folded for a search."""
    kept = ((msgid, f'"msgid": {json.dumps(msgid, ensure_ascii=False)}') for msgid in _catalog_msgids())
    return tuple((stored, _t(msgid).casefold(), stored.casefold()) for msgid, stored in kept)


def reason_search(field: str, search_term: str) -> Q | None:
    """Rows whose `field` (a text column a `Reason` is kept in, as JSON with its English msgid) reads, in
    the reader's language, with every word of `search_term`: a word matches the column's own text
    (a person's words, a value kept as written) or a msgid whose text in the active language holds it
    (分钟 finds the reasons kept as "No sign of life for %(minutes)s minutes…"). None: no word is found
    so beyond the column's own text (the admin's own search finds that)."""
    words = [unescape_string_literal(w) if w[0] in "\"'" and w[-1] == w[0] else w for w in smart_split(search_term)]
    words = [w for w in words if w]
    if not words:
        return None
    catalog = _catalog_words(get_language())
    found, worded = Q(), False
    for word in words:
        folded = word.casefold()
        # the msgids whose words hold it where the column's text does not (an English word is in it already)
        stored = [kept for kept, text, folded_kept in catalog if folded in text and folded not in folded_kept]
        matches = Q(**{f"{field}__icontains": word})
        for kept in stored[:REASON_MSGIDS_PER_WORD]:  # as `Reason.text` keeps it: the msgid's JSON string
            matches |= Q(**{f"{field}__contains": kept})
        found &= matches
        worded = worded or bool(stored)
    return found if worded else None


class ReasonSearchAdmin:
    """An admin whose search also finds a system reason by the words it reads with in the reader's
    language (`reason_search`), not only by its English msgid kept in the column."""

    reason_search_field = "reason"

    def get_search_results(self, request, queryset, search_term):
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        worded = reason_search(self.reason_search_field, search_term)
        if worded is not None:
            results = results | queryset.filter(worded)
        return results, may_have_duplicates


@admin.register(Run)
class RunAdmin(ReasonSearchAdmin, ReadOnlyAdmin, ModelAdmin):
    list_display = (
        record_number, "job_words", "scope_words", "status", "progress", "step_words", "actor", "started_at",
        "heartbeat_at", "finished_at", "duration",
    )  # fmt: skip
    list_filter = ("status", JobFilter)
    search_fields = ("job", "scope", "error")
    reason_search_field = "error"  # a system's error is kept as a Reason: found by its words in each language
    readonly_fields = [f.name for f in Run._meta.fields]
    change_list_template = "admin/core/run/change_list.html"
    actions = ["mark_failed"]
    # counts and parameters named for the run's job, in words (core.labels; RUN_COUNT_LABELS in the settings)
    json_words = {
        "counts": lambda run, value: run_counts_words(run.job, value),
        "params": lambda run, value: run_counts_words(run.job, value),
        "timings": lambda run, value: run_timings_words(value),
    }

    @admin.display(description=_("job"), ordering="job")
    def job_words(self, run):
        return job_label(run.job)

    @admin.display(description=pgettext_lazy("a job run's", "scope"), ordering="scope")
    def scope_words(self, run):
        return run_scope_words(run.scope)

    @admin.display(description=_("current step"), ordering="step")
    def step_words(self, run):
        return run.step_words

    @admin.display(description=_("error"))
    def error_words(self, run):
        return run.error_words or None  # a reason the system kept, in the reader's language

    def get_fields(self, request, obj=None):
        # The run's time as the list shows it (duration, from its start and end), then the time of each
        # step where the job kept them (an empty `timings` read 耗时（秒）— beside the list's 1.2).
        words = {"job": "job_words", "scope": "scope_words", "step": "step_words", "error": "error_words",
                 "timings": "duration"}  # fmt: skip
        fields = [words.get(f, f) for f in super().get_fields(request, obj) if f != "step_timings"]
        if obj is not None and obj.timings:
            fields.insert(fields.index("duration") + 1, "step_timings")
        return list(dict.fromkeys(fields))

    def get_readonly_fields(self, request, obj=None):
        return ["job_words", "scope_words", "step_words", "error_words", "duration", "step_timings",
                *super().get_readonly_fields(request, obj)]  # fmt: skip

    @admin.display(description=_("time of each step (s)"))
    def step_timings(self, run):
        return run_timings_words(run.timings)

    @admin.display(description=_("duration (s)"))
    def duration(self, run):
        seconds = run.duration_seconds
        return f"{seconds:.1f}" if seconds is not None else "—"

    def get_queryset(self, request):
        queryset = super().get_queryset(request).select_related("actor")
        return queryset if request.user.is_supervisor else queryset.filter(actor=request.user)

    def get_urls(self):
        site = self.admin_site
        extra = [
            path("import/", site.admin_view(lambda r: import_view(r, site)), name="core_run_import"),
            path("import/template/<str:kind>/", site.admin_view(import_template_view),
                 name="core_run_import_template"),
            path("import/<int:pk>/", site.admin_view(lambda r, pk: import_progress_view(r, site, pk)),
                 name="core_run_import_progress"),
        ]  # fmt: skip
        return extra + super().get_urls()

    def has_mark_failed_permission(self, request):
        return request.user.is_active and request.user.is_supervisor

    @admin.action(description=_("Mark as failed (stuck runs)"), permissions=["mark_failed"])
    def mark_failed(self, request, queryset):
        """A supervisor fails stuck runs at once, with a reason (audited): first a page asking for it."""
        running = list(queryset.filter(status__in=ACTIVE_RUN_STATUSES).order_by("pk"))
        if not running:
            self.message_user(request, _t("None of the selected runs is running."), messages.WARNING)
            return None
        form = MarkFailedForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            done = []
            for run in running:
                try:
                    run_mark_failed(run=run, reason=form.cleaned_data["reason"], actor=request.user)
                    done.append(f"#{run.pk}")
                except DomainError as exc:  # it ended meanwhile
                    self.message_user(request, str(exc), messages.WARNING)
            if done:
                self.message_user(request, _t("Marked failed: %(runs)s.") % {"runs": ", ".join(done)}, messages.SUCCESS)
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": _t("Mark runs as failed"),
            "opts": self.model._meta,
            "form": form,
            "runs": running,
            "skipped": queryset.count() - len(running),
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/core/run/mark_failed.html", context)


class AuditChangeList(ChangeList):
    """A page of audit entries names their objects in one query per kind (`core.audit_words`)."""

    def get_results(self, request):
        super().get_results(request)
        shown = objects_words(self.result_list)
        for entry in self.result_list:
            entry.object_text = shown[entry.pk]


@admin.register(AuditEntry)
class AuditEntryAdmin(ReasonSearchAdmin, ReadOnlyAdmin, ModelAdmin):
    list_display = ("at", "actor_words", "action_words", "object_words", "object_text", "reason_words")
    list_filter = (ActionFilter, ObjectTypeFilter)
    search_fields = ("object_id", "reason", "actor__username")
    readonly_fields = [f.name for f in AuditEntry._meta.fields]
    date_hierarchy = "at"
    # kept values in words: a product by its name, a manager by name, a time in local time (core.audit_words)
    json_words = {"before": values_words, "after": values_words}

    def get_changelist(self, request, **kwargs):
        return AuditChangeList

    @admin.display(description=_("actor"), ordering="actor")
    def actor_words(self, entry):
        return actor_words(entry)  # a retailer's login by its shop; no one named: the retailer, the system

    @admin.display(description=_("object"))
    def object_text(self, entry):
        shown = getattr(entry, "object_text", None)  # a list's page named them at once (AuditChangeList)
        return shown if isinstance(shown, str) else objects_words([entry])[entry.pk]

    @admin.display(description=_("action"), ordering="action")
    def action_words(self, entry):
        return audit_action_label(entry.action)

    @admin.display(description=_("object type"), ordering="object_type")
    def object_words(self, entry):
        return audit_object_label(entry.object_type)

    @admin.display(description=_("reason"))
    def reason_words(self, entry):
        return entry.reason_words or None  # the system's reason in the reader's language; a person's as typed

    def get_fields(self, request, obj=None):
        words = {
            "actor": "actor_words", "action": "action_words", "object_type": "object_words", "object_id": "object_text",
            "reason": "reason_words",
        }  # fmt: skip
        return list(dict.fromkeys(words.get(f, f) for f in super().get_fields(request, obj)))

    def get_readonly_fields(self, request, obj=None):
        return [
            "actor_words", "action_words", "object_words", "object_text", "reason_words",
            *super().get_readonly_fields(request, obj),
        ]  # fmt: skip

    def get_queryset(self, request):
        queryset = super().get_queryset(request).select_related("actor", "actor__retailer")
        return queryset if request.user.is_supervisor else queryset.filter(actor=request.user)
