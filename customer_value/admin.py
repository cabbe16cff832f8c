"""Customer value in the admin: each retailer's value, segment, visit frequency and churn risk with
its reasons (managers: their own shops), the supervisor's overview by manager, and the value
policy (supervisors edit it, history kept). The manager's visit list (profitability's workspace)
reads the churn risk through `VISIT_RISKS`."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import fields
from unfold.admin import ModelAdmin

from core import params
from core.admin_exports import LabelledModelResource
from core.admin_lists import VisibleChoicesListFilter
from core.admin_mixins import ReadOnlyAdmin, ReadOnlyHistoryAdmin, SupervisorEditsAdmin
from core.display import words
from core.reports.exports import XLSX, download, report_xlsx
from core.reports.tables import CHANGE, INT, PCT, TEXT, Table, display
from profitability.selectors import VISIT_RISKS

from .charts import stacked_shares, values_bar
from .engine.segments import PeerBasis, Segment, State
from .models import SEGMENT_HELP, SEGMENT_LABELS, CustomerValue, ValuePolicy, ValueRun
from .reasons import reasons
from .selectors import HIGH_RISK, MEDIUM_RISK, current_run, overview_by_manager, values_visible_to
from .visits import visit_every, visit_risks

if visit_risks not in VISIT_RISKS:
    VISIT_RISKS.append(visit_risks)

SIGNAL_LABELS = {
    "orders": gettext_lazy("falling orders"),
    "alerts": gettext_lazy("profitability alerts"),
    "requests": gettext_lazy("requests and complaints"),
    "satisfaction": gettext_lazy("satisfaction survey"),
}


def _money(value) -> str:
    """Yuan with thousands separators (Chinese number formats group by nothing)."""
    return "—" if value is None else _("%(amount)s yuan") % {"amount": f"{Decimal(value):,.2f}"}


def _shops(n: int) -> str:
    return _("%(n)s shops") % {"n": f"{int(n):,}"}


def _reasons(row: CustomerValue) -> str:
    return words(reasons(row, row.value_run.policy)) or "—"


def signals_missing(run: ValueRun | None) -> list[str]:
    return [str(SIGNAL_LABELS.get(k, k)) for k, n in (run.signals if run else {}).items() if not n]


@admin.register(ValuePolicy)
class ValuePolicyAdmin(SupervisorEditsAdmin, ReadOnlyHistoryAdmin):
    list_display = (
        "name", "is_active", "window_weeks", "value_cut", "gap_cut", "trend_cut", "visit_weeks_keep",
        "visit_weeks_develop", "visit_weeks_grow", "visit_weeks_watch", "visit_list_risk",
    )  # fmt: skip
    list_filter = ("is_active",)
    search_fields = ("name",)
    fieldsets = (
        (None, {"fields": ("name", "is_active")}),
        (gettext_lazy("Segments"), {"fields": ("window_weeks", "value_cut", "gap_cut", "trend_cut", "min_peers")}),
        (gettext_lazy("Visit frequency"),
         {"fields": ("visit_weeks_keep", "visit_weeks_develop", "visit_weeks_grow", "visit_weeks_watch")}),
        (gettext_lazy("Churn risk"), {"fields": (
            "recent_weeks", "base_weeks", "weight_orders", "weight_alerts", "weight_unanswered", "weight_repeated",
            "weight_satisfaction", "weight_rating", "visit_list_risk")}),
    )  # fmt: skip

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ValueRun)
class ValueRunAdmin(ReadOnlyAdmin, ModelAdmin):
    list_display = ("as_of", "latest_week", "is_current", "signals_shown", "run", "created_at")
    list_filter = ("is_current",)
    search_fields = ("as_of",)
    json_key_models = {"policy": ValuePolicy}  # the policy as applied, labelled by the policy's fields

    @admin.display(description=gettext_lazy("signals missing"))
    def signals_shown(self, obj):
        return words(signals_missing(obj)) or _("none")


class RiskFilter(admin.SimpleListFilter):
    title = gettext_lazy("churn risk")
    parameter_name = "risk"

    def lookups(self, request, model_admin):
        return [
            ("high", _("high (%(n)s and above)") % {"n": HIGH_RISK}),
            ("medium", _("medium (%(low)s to %(high)s)") % {"low": MEDIUM_RISK, "high": HIGH_RISK - 1}),
            ("low", _("low (below %(n)s)") % {"n": MEDIUM_RISK}),
        ]

    def queryset(self, request, queryset):
        if self.value() == "high":
            return queryset.filter(risk__gte=HIGH_RISK)
        if self.value() == "medium":
            return queryset.filter(risk__gte=MEDIUM_RISK, risk__lt=HIGH_RISK)
        if self.value() == "low":
            return queryset.filter(risk__lt=MEDIUM_RISK)
        return queryset


class CustomerValueResource(LabelledModelResource):
    """The export: labels and units as on the page, never codes."""

    code = fields.Field(attribute="retailer__customer_code", column_name=gettext_lazy("customer code"))
    shop = fields.Field(attribute="retailer__name", column_name=gettext_lazy("shop name"))
    manager = fields.Field(attribute="retailer__manager__username", column_name=gettext_lazy("customer manager"))
    tier = fields.Field(attribute="retailer__tier", column_name=gettext_lazy("tier"))
    segment_label = fields.Field(attribute="get_segment_display", column_name=gettext_lazy("segment"))
    visit = fields.Field(column_name=gettext_lazy("visit frequency"))
    profit = fields.Field(attribute="gross_profit", column_name=gettext_lazy("gross profit (yuan)"))
    kept = fields.Field(attribute="cartons", column_name=gettext_lazy("cartons"))
    per_carton = fields.Field(attribute="value_per_carton", column_name=gettext_lazy("value per carton (yuan)"))
    gap = fields.Field(attribute="peer_gap", column_name=gettext_lazy("gap to peers (yuan)"))
    score = fields.Field(attribute="risk", column_name=gettext_lazy("churn risk"))
    why = fields.Field(column_name=gettext_lazy("reasons"))

    class Meta:
        model = CustomerValue
        fields = ("code", "shop", "manager", "tier", "segment_label", "visit", "profit", "kept", "per_carton", "gap",
                  "score", "why")  # fmt: skip
        export_order = fields

    def dehydrate_visit(self, row):
        return visit_every(row.visit_weeks)

    def dehydrate_why(self, row):
        return _reasons(row)


@admin.register(CustomerValue)
class CustomerValueAdmin(ReadOnlyAdmin, ModelAdmin):
    """Tonight's value, segment and churn risk of the user's retailers, the riskiest first."""

    resource_classes = [CustomerValueResource]
    change_list_template = "admin/customer_value/customervalue/change_list.html"
    list_display = (
        "code", "shop", "tier", "segment_shown", "visit", "profit", "cartons_shown", "per_carton", "percentile",
        "gap", "trend_shown", "risk", "reasons_shown",
    )  # fmt: skip
    list_display_links = ("code",)
    # the detail page: figures and reasons, never the points per signal (with the score they would give
    # away the survey's part, which stays anonymous)
    fields = (
        "retailer", "segment_shown", "visit", "history", "profit", "cartons_shown", "value_shown", "per_carton",
        "percentile", "peer_group", "peer_median_shown", "gap", "trend_shown", "risk", "reasons_shown",
        "orders_change_shown", "idle_shown", "profit_fall_shown", "open_overdue", "repeated", "rating_shown",
    )  # fmt: skip
    readonly_fields = fields
    search_fields = ("retailer__customer_code", "retailer__name", "retailer__license_no")
    list_select_related = ("retailer", "value_run")
    list_per_page = 50

    def get_list_filter(self, request):
        shown = [
            ("segment", VisibleChoicesListFilter), RiskFilter, ("state", VisibleChoicesListFilter), "retailer__branch",
            "retailer__department",
        ]  # fmt: skip
        if request.user.is_supervisor:
            shown.append(("retailer__manager", admin.RelatedOnlyFieldListFilter))
        return shown

    def get_queryset(self, request):
        return values_visible_to(user=request.user).select_related("retailer", "value_run")

    def get_ordering(self, request):
        return ["-risk", "retailer__customer_code"]

    def get_urls(self):
        view = self.admin_site.admin_view
        return [path("overview/", view(self.overview_view), name="customer_value_overview"), *super().get_urls()]

    def changelist_view(self, request, extra_context=None):
        run = current_run()
        extra = {
            "title": _("Customer value and churn risk"), "value_run": run, "missing": signals_missing(run),
            "segments": [(SEGMENT_LABELS[s], SEGMENT_HELP[s]) for s in Segment], **(extra_context or {}),
        }  # fmt: skip
        return super().changelist_view(request, extra)

    @admin.display(description=gettext_lazy("customer code"), ordering="retailer__customer_code")
    def code(self, obj):
        return obj.retailer.customer_code

    @admin.display(description=gettext_lazy("shop name"), ordering="retailer__name")
    def shop(self, obj):
        return obj.retailer.name

    @admin.display(description=gettext_lazy("tier"), ordering="retailer__tier")
    def tier(self, obj):
        return f"D{obj.retailer.tier}" if obj.retailer.tier else "—"

    @admin.display(description=gettext_lazy("segment"), ordering="segment")
    def segment_shown(self, obj):
        return obj.get_segment_display()

    @admin.display(description=gettext_lazy("visit frequency"), ordering="visit_weeks")
    def visit(self, obj):
        return visit_every(obj.visit_weeks)

    @admin.display(description=gettext_lazy("gross profit"), ordering="gross_profit")
    def profit(self, obj):
        return _money(obj.gross_profit)

    @admin.display(description=gettext_lazy("cartons kept"), ordering="cartons")
    def cartons_shown(self, obj):
        return _("%(n)s cartons") % {"n": f"{obj.cartons:,}"}

    @admin.display(description=gettext_lazy("value per carton"), ordering="value_per_carton")
    def per_carton(self, obj):
        return _money(obj.value_per_carton)

    @admin.display(description=gettext_lazy("value percentile"), ordering="value_percentile")
    def percentile(self, obj):
        return f"{obj.value_percentile:.0f}%"

    @admin.display(description=gettext_lazy("gap to peers"), ordering="peer_gap")
    def gap(self, obj):
        if obj.peer_gap is None:
            return _("no peers")
        return f"{_money(obj.peer_gap)} ({display(obj.gap_share, PCT)})"

    @admin.display(description=gettext_lazy("trend"), ordering="trend")
    def trend_shown(self, obj):
        return display(obj.trend, CHANGE)

    @admin.display(description=gettext_lazy("reasons"))
    def reasons_shown(self, obj):
        return _reasons(obj)

    @admin.display(description=gettext_lazy("history"))
    def history(self, obj):
        if obj.state == State.NEW:
            return _("new or back: %(weeks)s weeks since its first purchase, valued at its weekly average") % {
                "weeks": obj.history_weeks
            }
        return obj.get_state_display()

    @admin.display(description=gettext_lazy("current value"))
    def value_shown(self, obj):
        return _money(obj.value)

    @admin.display(description=gettext_lazy("compared with"))
    def peer_group(self, obj):
        if obj.peer_basis == PeerBasis.NONE:
            return _("no peers")
        return f"{obj.get_peer_basis_display()} · {_shops(obj.peer_count)}"

    @admin.display(description=gettext_lazy("peers' median value"))
    def peer_median_shown(self, obj):
        return _money(obj.peer_median)

    @admin.display(description=gettext_lazy("change in weekly cartons"))
    def orders_change_shown(self, obj):
        return display(obj.orders_change, CHANGE)

    @admin.display(description=gettext_lazy("weeks since the last order"))
    def idle_shown(self, obj):
        if not obj.no_orders:
            return "—"
        if obj.idle_weeks is None:
            return _("no order on record")
        return _("%(n)s weeks") % {"n": int(obj.idle_weeks)}

    @admin.display(description=gettext_lazy("fall in gross profit"))
    def profit_fall_shown(self, obj):
        return display(obj.profit_fall, PCT)

    @admin.display(description=gettext_lazy("mean rating of answers"))
    def rating_shown(self, obj):
        return "—" if obj.mean_rating is None else _("%(rating)s of 5") % {"rating": f"{obj.mean_rating:.1f}"}

    def overview_view(self, request):
        """Segment shares and churn risk by customer manager (supervisors)."""
        if not request.user.is_supervisor:
            raise PermissionDenied
        download_as = params.choice(request, "format", ["xlsx"], label=_("Download format"), default="")
        run, groups = overview_by_manager(user=request.user)
        table = overview_table(groups)
        if download_as == "xlsx":
            return download(report_xlsx(table.title, [table]), XLSX, f"customer-value-{run.as_of if run else ''}.xlsx")
        labels = [_manager_label(g) for g in groups[:30]]
        shares_chart = stacked_shares(
            _("Segment shares by customer manager (%)"), labels,
            {str(SEGMENT_LABELS[s]): [(g.share(s) or 0) * 100 for g in groups[:30]] for s in Segment},
        ) if groups else ""  # fmt: skip
        risk_chart = values_bar(
            _("Mean churn risk by customer manager (0–100)"), labels, [g.mean_risk for g in groups[:30]]
        ) if groups else ""  # fmt: skip
        context = {
            **self.admin_site.each_context(request), "title": _("Customer value overview"), "run": run,
            "table": table, "rows": shown_rows(table), "shares_chart": shares_chart, "risk_chart": risk_chart,
            "missing": signals_missing(run), "high_risk": HIGH_RISK, "opts": self.model._meta,
        }  # fmt: skip
        return render(request, "admin/customer_value/overview.html", context)


def _manager_label(group) -> str:
    return group.label if group.manager_id else _("no manager")


def shown_rows(table: Table) -> list[list[str]]:
    """The table's cells as the page shows them: counts of shops with separators and their unit."""
    return [
        [_shops(v) if k == INT else display(v, k) for v, k in zip(row, table.kinds, strict=True)] for row in table.rows
    ]


def overview_table(groups) -> Table:
    headers = [
        _("Customer manager"), _("Retailers"), *[_("%(segment)s share") % {"segment": SEGMENT_LABELS[s]} for s in Segment],
        _("Mean churn risk"), _("Shops at high risk (%(n)s and above)") % {"n": HIGH_RISK}, _("Share at high risk"),
    ]  # fmt: skip
    kinds = [TEXT, INT, PCT, PCT, PCT, PCT, TEXT, INT, PCT]
    rows = [
        [_manager_label(g), g.retailers, *[g.share(s) for s in Segment],
         "—" if g.mean_risk is None else f"{g.mean_risk:.1f}", g.high_risk, g.high_share]
        for g in groups
    ]  # fmt: skip
    if groups:
        total = sum(g.retailers for g in groups)
        counts = {s: sum(g.segments.get(s, 0) for g in groups) for s in Segment}
        high = sum(g.high_risk for g in groups)
        mean = sum((g.mean_risk or 0) * g.retailers for g in groups) / total
        rows.append([_("All"), total, *[counts[s] / total for s in Segment], f"{mean:.1f}", high, high / total])
    return Table("overview", _("Segments and churn risk by customer manager"), headers, kinds, rows)
