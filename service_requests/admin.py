"""The customer manager's request queue (their retailers' requests; a supervisor's: all, escalated
first), the answer-and-resolve page (through `services.request_answer`), the figures by manager,
department or branch, and the request policy."""

from __future__ import annotations

import datetime as dt

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext, pgettext_lazy
from import_export import fields
from unfold.admin import ModelAdmin

from core import params
from core.admin_exports import LabelledModelResource
from core.admin_lists import VisibleChoicesListFilter
from core.admin_mixins import ReadOnlyHistoryAdmin, SupervisorEditsAdmin
from core.exceptions import AccessDenied
from core.models import AuditEntry
from core.reports.exports import XLSX, download, report_xlsx
from core.reports.tables import INT, PCT, TEXT, Table, display

from .forms import AnswerForm
from .models import RequestPolicy, ServiceRequest, Status
from .selectors import LEVELS, can_answer, overdue_q, request_figures, request_queue
from .services import OBJECT_TYPE, RequestInvalid, request_answer

LEVEL_LABELS = {
    "manager": gettext_lazy("customer manager"),
    "department": gettext_lazy("market department"),
    "branch": gettext_lazy("county branch"),
}
ACTION_LABELS = {
    "request.file": pgettext_lazy("request step", "Filed"),
    "request.answer": pgettext_lazy("request step", "Answered"),
    "request.resolve": pgettext_lazy("request step", "Resolved"),
    "request.follow_up": pgettext_lazy("request step", "Retailer replied"),
    "request.rate": pgettext_lazy("request step", "Rated"),
    "request.escalate": pgettext_lazy("request step", "Escalated to the supervisors"),
}
HOURS, DAYS, RATING = "hours", "days", "rating"  # kinds of the figures table shown with their unit


class OverdueFilter(admin.SimpleListFilter):
    title = gettext_lazy("overdue")
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", _("Overdue")), ("no", _("Not overdue"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(overdue_q(timezone.now()))
        if self.value() == "no":
            return queryset.exclude(overdue_q(timezone.now()))
        return queryset


class EscalatedFilter(admin.SimpleListFilter):
    title = gettext_lazy("escalated")
    parameter_name = "escalated"

    def lookups(self, request, model_admin):
        return [("yes", _("Escalated")), ("no", _("Not escalated"))]

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(escalated_at__isnull=self.value() == "no")
        return queryset


class ServiceRequestResource(LabelledModelResource):
    """The export: labels, never codes."""

    category = fields.Field(attribute="get_category_display", column_name=gettext_lazy("category"))
    status = fields.Field(attribute="get_status_display", column_name=gettext_lazy("status"))
    retailer_code = fields.Field(attribute="retailer__customer_code", column_name=gettext_lazy("customer code"))
    retailer_name = fields.Field(attribute="retailer__name", column_name=gettext_lazy("shop name"))
    manager_name = fields.Field(attribute="manager__username", column_name=gettext_lazy("customer manager"))

    class Meta:
        model = ServiceRequest
        fields = (
            "id", "retailer_code", "retailer_name", "manager_name", "category", "status", "text", "filed_at",
            "due_at", "answered_at", "resolved_at", "escalated_at", "rating",
        )  # fmt: skip
        export_order = fields


@admin.register(ServiceRequest)
class ServiceRequestAdmin(SupervisorEditsAdmin, ModelAdmin):
    """The queue: a manager's retailers' requests (a supervisor's: all), those needing action first."""

    resource_classes = [ServiceRequestResource]
    list_display = ("number", "retailer", "category", "state", "filed_at", "due_at", "manager_name", "rating")
    list_display_links = ("number", "retailer")
    search_fields = ("retailer__customer_code", "retailer__license_no", "retailer__name", "text")
    list_select_related = ("retailer", "manager")
    list_per_page = 50

    def get_list_filter(self, request):
        shown = [("status", VisibleChoicesListFilter), ("category", VisibleChoicesListFilter), OverdueFilter, EscalatedFilter]
        if request.user.is_supervisor:
            shown.append(("manager", admin.RelatedOnlyFieldListFilter))
        return shown

    def get_queryset(self, request):
        return request_queue(user=request.user)

    def get_ordering(self, request):
        return ["urgency", "-filed_at"]

    def has_add_permission(self, request):
        return False  # filed by retailers on their phones

    def has_change_permission(self, request, obj=None):
        return False  # answered on its own page, through the service

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=gettext_lazy("number"), ordering="pk")
    def number(self, obj):
        return f"#{obj.pk}"

    @admin.display(description=gettext_lazy("customer manager"), ordering="manager__first_name")
    def manager_name(self, obj):
        return (obj.manager.get_full_name() or obj.manager.get_username()) if obj.manager else "—"

    @admin.display(description=gettext_lazy("status"), ordering="status")
    def state(self, obj):
        label = obj.get_status_display()
        if obj.status != Status.RESOLVED:
            if obj.escalated_at is not None:
                return format_html('<strong style="color:#b00020">{} · {}</strong>', label, _("Escalated"))
            if obj.due_at <= timezone.now():
                return format_html('<strong style="color:#b00020">{} · {}</strong>', label, _("Overdue"))
        return label

    def get_urls(self):
        return [
            path("figures/", self.admin_site.admin_view(self.figures_view), name="service_requests_figures"),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """The request, its thread and steps, and the answer form (through `request_answer`)."""
        obj = self.get_object(request, unquote(object_id))
        if obj is None or not self.has_view_permission(request, obj):
            raise Http404
        may_answer = can_answer(user=request.user, service_request=obj) and obj.status != Status.RESOLVED
        form = AnswerForm(request.POST or None)
        if request.method == "POST":
            if not may_answer:
                raise PermissionDenied
            if form.is_valid():
                try:
                    request_answer(
                        actor=request.user, service_request=obj, text=form.cleaned_data["text"],
                        resolve="resolve" in request.POST,
                    )  # fmt: skip
                except RequestInvalid as exc:
                    for message in (m for problems in exc.errors.values() for m in problems):
                        form.add_error("text", message)
                except AccessDenied as exc:
                    raise PermissionDenied from exc
                else:
                    messages.success(request, _("Your answer was saved and the retailer can read it on its phone."))
                    return redirect(reverse("admin:service_requests_servicerequest_changelist"))
        steps = AuditEntry.objects.filter(object_type=OBJECT_TYPE, object_id=str(obj.pk)).select_related("actor")
        context = {
            **self.admin_site.each_context(request), "opts": self.model._meta, "item": obj, "form": form,
            "thread": obj.messages.select_related("author"), "may_answer": may_answer,
            "steps": [(s, ACTION_LABELS.get(s.action, s.action)) for s in steps.order_by("at", "pk")],
            "title": _("Request #%(n)d") % {"n": obj.pk}, "overdue": obj.status != Status.RESOLVED
            and obj.due_at <= timezone.now(), "Status": Status,
            "retailer_steps": ("request.file", "request.follow_up", "request.rate"),
        }  # fmt: skip
        return TemplateResponse(request, "admin/service_requests/servicerequest/answer.html", context)

    def figures_view(self, request):
        """Count, median response time, share resolved in time and rating by manager, department or branch."""
        today = timezone.localdate()
        level = params.choice(request, "level", LEVELS, label=_("Grouping"), default="manager")
        end = params.date(request, "end", label=_("End date"), default=today)
        start = params.date(request, "start", label=_("Start date"), default=end - dt.timedelta(days=89))
        if start > end:
            raise params.BadParameter("start", _("The start date is after the end date."))
        download_as = params.choice(request, "format", ["xlsx"], label=_("Download format"), default="")
        figures = request_figures(user=request.user, level=level, start=start, end=end)
        table = figures_table(figures)
        if download_as == "xlsx":
            return download(report_xlsx(table.title, [table]), XLSX, f"requests-{level}-{start}-{end}.xlsx")
        context = {
            **self.admin_site.each_context(request), "title": _("Request figures"), "figures": figures,
            "table": table, "rows": shown_rows(table), "level": level, "levels": LEVEL_LABELS.items(),
            "start": start, "end": end, "opts": self.model._meta,
        }  # fmt: skip
        return TemplateResponse(request, "admin/service_requests/figures.html", context)


def _number(value: float, digits: int) -> str:
    return f"{value:,.{digits}f}"  # grouped by thousands in every language (zh-hans formats group nothing)


def shown(value, kind: str) -> str:
    """A cell as the page shows it: thousands separators and the unit (小时, 天, %, 分)."""
    if value is None or (isinstance(value, float) and value != value):
        return "—"
    if kind == INT:
        return f"{int(value):,}"
    if kind == HOURS:
        return _("%(n)s h") % {"n": _number(value, 1)}
    if kind == DAYS:
        return _("%(n)s d") % {"n": _number(value, 1)}
    if kind == RATING:
        return _("%(n)s points") % {"n": _number(value, 2)}
    return display(value, kind)


def shown_rows(table: Table) -> list[list[str]]:
    return [[shown(v, k) for v, k in zip(row, table.kinds, strict=True)] for row in table.rows]


def figures_table(figures) -> Table:
    """One row per group and a total; the XLSX keeps the numbers, the page adds the units."""
    headers = [
        str(LEVEL_LABELS[figures.level]), _("Requests filed"), pgettext("request figures", "Answered"),
        _("Median response (working hours)"), _("Median response (working days)"),
        pgettext("request figures", "Resolved"), _("Share resolved"), _("Resolved in time"),
        _("Due or resolved"), _("Share resolved in time"), _("Overdue, not resolved"), _("Ratings"),
        _("Mean rating (1–5)"),
    ]  # fmt: skip
    kinds = [TEXT, INT, INT, HOURS, DAYS, INT, PCT, INT, INT, PCT, INT, INT, RATING]
    rows = []
    for r in [*figures.rows, *([figures.total] if figures.total else [])]:
        label = r.label if r is not figures.total else _("Total")
        rows.append([
            label, r.requests, r.answered, r.median_response_hours, r.median_response_days, r.resolved,
            r.resolved_share, r.in_time, r.judged, r.in_time_share, r.open_overdue, r.rated, r.mean_rating,
        ])  # fmt: skip
    title = _("Requests by %(level)s, filed %(start)s to %(end)s") % {
        "level": LEVEL_LABELS[figures.level], "start": figures.start, "end": figures.end,
    }  # fmt: skip
    return Table("requests", title, headers, kinds, rows)


@admin.register(RequestPolicy)
class RequestPolicyAdmin(SupervisorEditsAdmin, ReadOnlyHistoryAdmin):
    list_display = ("__str__", "answer_within_days")

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not RequestPolicy.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False
