import datetime as dt

from django.contrib import admin
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from unfold.admin import ModelAdmin, TabularInline

from core import params
from core.admin_lists import ReadableListAdmin
from core.admin_mixins import ReadOnlyAdmin, ReadOnlyHistoryAdmin, SupervisorEditsAdmin
from core.reports import charts
from core.reports.exports import XLSX, download, report_xlsx
from core.reports.tables import INT, PCT, TEXT, Table
from retailers.selectors import scope_to_visible_retailers

from .figures import LEVELS, STEPS, compliance_report
from .models import CompliancePolicy, ComplianceStanding, Inspection, InspectionLine

LEVEL_LABELS = {
    "retailer": gettext_lazy("retailer"),
    "manager": gettext_lazy("customer manager"),
    "department": gettext_lazy("market department"),
    "branch": gettext_lazy("county branch"),
    "product": gettext_lazy("product"),
}
STEP_LABELS = {"week": gettext_lazy("week"), "month": gettext_lazy("month")}
SIGNAL_LABELS = {
    "over": gettext_lazy("sold below guide: over-supplied"),
    "scarce": gettext_lazy("sold above guide: scarce"),
}


class InspectionLineInline(TabularInline):
    model = InspectionLine
    extra = 0
    raw_id_fields = ("product",)
    readonly_fields = ("guide_price",)


@admin.register(Inspection)
class InspectionAdmin(ReadableListAdmin, ModelAdmin):
    """Inspections of the retailers the user may see (recorded through `compliance.inspections`)."""

    list_display = ("retailer", "visited_on", "kind", "inspector")
    list_filter = ("kind", "visited_on", ("inspector", admin.RelatedOnlyFieldListFilter))
    search_fields = ("retailer__customer_code", "retailer__name", "notes")
    date_hierarchy = "visited_on"
    inlines = [InspectionLineInline]
    list_select_related = ("retailer", "inspector")

    def get_queryset(self, request):
        return scope_to_visible_retailers(super().get_queryset(request), user=request.user)

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False

    def get_urls(self):
        return [
            path("figures/", self.admin_site.admin_view(self.figures_view), name="compliance_figures"),
            *super().get_urls(),
        ]

    def figures_view(self, request):
        """Tag rate, price on target, deviations and the price index by area or product, over time."""
        today = timezone.localdate()
        level = params.choice(request, "level", LEVELS, label=_("Grouping"), default="manager")
        step = params.choice(request, "step", STEPS, label=_("Trend step"), default="month")
        end = params.date(request, "end", label=_("End date"), default=today)
        start = params.date(request, "start", label=_("Start date"), default=end - dt.timedelta(weeks=26))
        if start > end:
            raise params.BadParameter("start", _("The start date is after the end date."))
        download_as = params.choice(request, "format", ["xlsx"], label=_("Download format"), default="")
        report = compliance_report(user=request.user, level=level, step=step, start=start, end=end)
        table = _figures_table(report, level)
        if download_as == "xlsx":
            name = f"{table.title}-{start}-{end}.xlsx".replace("/", "-")  # in the reader's language
            return download(report_xlsx(table.title, [table]), XLSX, name)
        # A percentage and an index are two charts: each on its own axis, which holds all its values.
        periods = [d.strftime("%Y-%m-%d") for d, *_r in report.trend]
        trend = charts.any_screen(
            charts.trend, _("Tag rate over time"), periods, {_("Tag rate"): [r * 100 for _d, r, _i in report.trend]},
            unit="%",
        ) if report.trend else ""  # fmt: skip
        index_trend = charts.any_screen(
            charts.trend, _("Price index over time"), periods, {_("Price index"): [i for *_r, i in report.trend]},
            unit=_("guide price = 100"), zero=False, around=(_("guide price = 100"), 100.0),
        ) if report.trend else ""  # fmt: skip
        worst = report.groups[:30]
        bars = charts.any_screen(
            charts.bars, _("Tag rate, lowest first"), [g.label[:16] for g in worst],
            {_("Tag rate"): [g.tag_rate * 100 for g in worst]}, unit="%",
        ) if worst else ""  # fmt: skip
        context = {
            **self.admin_site.each_context(request), "title": _("Price-tag compliance figures"), "report": report,
            "table": table, "rows": table.formatted(), "trend": trend, "index_trend": index_trend, "bars": bars,
            "level": level, "step": step,
            "levels": LEVEL_LABELS.items(), "steps": STEP_LABELS.items(), "start": start, "end": end,
        }  # fmt: skip
        return render(request, "admin/compliance/figures.html", context)


def _figures_table(report, level: str) -> Table:
    headers = [
        _("Group"), _("Products checked"), _("Tag rate"), _("Price on target"), _("Below guide"), _("Above guide"),
        _("Above the legal ceiling"), _("Products with a violation"), _("Price index"),
    ]  # fmt: skip
    kinds = [TEXT, INT, PCT, TEXT, INT, INT, INT, INT, TEXT]
    if level == "product":
        headers.append(_("Supply signal"))
        kinds.append(TEXT)
    rows = []
    for g in report.groups:
        row = [
            g.label, g.on_display, g.tag_rate, None if g.price_on_target is None else f"{g.price_on_target:.3f}",
            g.below_guide, g.above_guide, g.above_ceiling, g.violations,
            None if g.price_index is None else f"{g.price_index:.1f}",
        ]  # fmt: skip
        if level == "product":
            row.append(str(SIGNAL_LABELS.get(g.signal, "")))
        rows.append(row)
    title = _("Price-tag compliance by %(level)s, %(start)s to %(end)s") % {
        "level": LEVEL_LABELS[level], "start": report.start, "end": report.end,
    }  # fmt: skip
    return Table("compliance", title, headers, kinds, rows)


@admin.register(CompliancePolicy)
class CompliancePolicyAdmin(SupervisorEditsAdmin, ReadOnlyHistoryAdmin):
    list_display = (
        "__str__", "retailers_per_week", "products_per_visit", "scarce_weight", "ceiling_ratio", "window_weeks",
        "repeat_violations",
    )  # fmt: skip

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not CompliancePolicy.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ComplianceStanding)
class ComplianceStandingAdmin(ReadOnlyAdmin, ModelAdmin):
    """Each inspected retailer's standing as of last night (what allocation and the tier score read)."""

    list_display = (
        "retailer", "as_of", "inspections", "violating_inspections", "lines", "compliant_lines", "compliance_rate",
        "repeat_violator",
    )  # fmt: skip
    list_filter = ("repeat_violator", "retailer__branch", "retailer__department")
    search_fields = ("retailer__customer_code", "retailer__name")
    list_select_related = ("retailer",)

    def get_queryset(self, request):
        return scope_to_visible_retailers(super().get_queryset(request), user=request.user)
