from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from unfold.admin import ModelAdmin

from compliance.selectors import recent_supply_signals
from core import params
from core.admin_autocomplete import AutocompleteTextAdmin
from core.admin_mixins import (
    LabelledCodeFilter,
    ReadOnlyAdmin,
    ReadOnlyHistoryAdmin,
    SupervisorEditsAdmin,
    record_number,
)
from core.admin_start import StartNowListAdmin
from core.display import CARTONS, figure, person_name
from core.exceptions import DomainError
from core.labels import labelled_values
from core.models import AuditEntry
from core.reports.exports import XLSX, download
from cycles.models import CycleStatus, OrderCycle
from cycles.selectors import cycle_window
from pricing.models import Lifecycle, Product
from retailers.admin import RETAILER_LINKS, RetailerLink
from retailers.models import Retailer
from retailers.selectors import retailers_visible_to

from .admin_start import allocation_progress_view, allocation_start_view
from .explanations import retailer_product_quota, retailer_quota_explanations, retailer_quota_tier
from .forms import QuotaExceptionForm
from .freshness import run_freshness
from .models import (
    FROZEN_PLAN_STATUSES,
    AllocationPolicy,
    AllocationRun,
    CellReport,
    CycleKpi,
    QuotaException,
    SupplyPlanLine,
    plan_frozen,
    tag_words,
)
from .plan_line_form import SupplyPlanLineForm, dimension_words, scope_words
from .reports import (
    cell_text,
    publish_summary,
    report_dataset,
    report_glance,
    report_headers,
    report_rows,
    warning_text,
)
from .selectors import published_allocation_run
from .services import allocation_run_create, allocation_run_publish, quota_exception_set

# "Compute quotas now": the button on the run and the supply plan lists (core.admin_start.StartNowListAdmin)
START_NOW = ("admin:allocation_allocationrun_start", _("Compute quotas now"), "calculate")


class TagFilterFilter(LabelledCodeFilter):
    """The plan's tag filters by the retailer flag each selects (POS数据共享客户), not by code."""

    title = _("tag filter")
    parameter_name = "tag_filter"
    words = staticmethod(tag_words)


@admin.register(SupplyPlanLine)
class SupplyPlanLineAdmin(AutocompleteTextAdmin, StartNowListAdmin, SupervisorEditsAdmin, ModelAdmin):
    list_display = (
        "cycle",
        "product",
        "method",
        "target",
        "area_text",
        "lowest_tier",
        "highest_tier",
        "tag_filter",
        "biweekly_double",
    )
    list_filter = ("cycle", "method", "biweekly_double", TagFilterFilter)
    search_fields = ("product__code", "product__name", "area_text", "remarks")
    list_select_related = ("cycle", "product")
    # the product chosen by search on its code or name, told apart by ProductAdmin.autocomplete_text; the
    # dimensions, scope, tiers and tag in words (allocation.plan_line_form), stored as the engine reads them
    autocomplete_fields = ("product",)
    raw_id_fields = ("selected_retailers",)
    form = SupplyPlanLineForm
    json_words = {
        "dimensions": lambda line, value: dimension_words(value),
        "scope": lambda line, value: scope_words(line),
    }
    start_now = START_NOW
    # Cell ratios written by the cell's words (城网: 4), one per line; stored by code as the engine reads them.
    json_key_labels = {
        "cell_ratios": {
            code: label
            for f in Retailer._meta.fields
            if f.choices
            for code, label in f.flatchoices
            if isinstance(code, str)
        }
    }
    json_help = {
        "cell_ratios": _(
            "Method B: how the target splits across cells, one cell per line as “value of the first dimension: "
            "share”, e.g. “城网: 4” and “农网: 6”; empty = by share of eligible retailers."
        )
    }

    # A published (or closed) cycle's plan is what its quotas were computed from: it no longer changes.
    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (obj is None or not plan_frozen(obj.cycle))

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and (obj is None or not plan_frozen(obj.cycle))

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if "cycle" in form.base_fields:
            form.base_fields["cycle"].queryset = form.base_fields["cycle"].queryset.exclude(
                status__in=FROZEN_PLAN_STATUSES
            )
        return form


@admin.register(AllocationPolicy)
class AllocationPolicyAdmin(SupervisorEditsAdmin, ReadOnlyHistoryAdmin):
    list_display = ("name", "is_active", "vulnerable_bonus", "retailer_ceiling", "respread_penalties", "max_step")
    search_fields = ("name",)
    json_help = {
        "credit_factors": _(
            "Quota multiplier by credit rating, one rating per line as “rating: multiplier”, e.g. “C: 0.8” and "
            "“D: 0.5”; rounded down; a rating not listed keeps its whole quota."
        )
    }


@admin.register(AllocationRun)
class AllocationRunAdmin(StartNowListAdmin, ReadOnlyAdmin, ModelAdmin):
    list_display = (
        record_number,
        "cycle",
        "run_status",
        "run_progress",
        "is_complete",
        "is_published",
        "published_at",
        "created_at",
        "report_link",
    )
    list_filter = ("is_published", "is_complete", "cycle")
    search_fields = ("cycle__year", "pk")
    json_key_models = {"policy": AllocationPolicy}  # the policy as applied, labelled by the policy's fields
    list_select_related = ("cycle", "run")
    start_now = START_NOW

    def __init__(self, model, admin_site):
        super().__init__(model, admin_site)
        words = self.policy_words

        @admin.display(description=words.short_description)
        def policy_words(obj):
            # The run keeps the repeat violators' ids (to be reproducible); the page says how many.
            policy = dict(obj.policy or {})
            if isinstance(policy.get("repeat_violators"), list):
                count = len(policy["repeat_violators"])
                policy["repeat_violators"] = ngettext("%(n)s retailer", "%(n)s retailers", count) % {"n": f"{count:,}"}
            return labelled_values(policy, model=AllocationPolicy)

        self.policy_words = policy_words

    @admin.display(description=_("job status"))
    def run_status(self, obj):
        return obj.run.get_status_display()

    @admin.display(description=_("progress"))
    def run_progress(self, obj):
        return f"{obj.run.progress}% {obj.run.step_words}".strip()

    @admin.display(description=_("report"))
    def report_link(self, obj):
        return format_html(
            '<a href="{}">{}</a>', reverse("admin:allocation_allocationrun_report", args=[obj.pk]), _("Report")
        )

    def get_urls(self):
        return [
            path(
                "<int:pk>/report/", self.admin_site.admin_view(self.report_view), name="allocation_allocationrun_report"
            ),
            path(
                "<int:pk>/publish/",
                self.admin_site.admin_view(self.publish_view),
                name="allocation_allocationrun_publish",
            ),
            path(
                "<int:pk>/recompute/",
                self.admin_site.admin_view(self.recompute_view),
                name="allocation_allocationrun_recompute",
            ),
            path(
                "quotas/<int:retailer_pk>/",
                self.admin_site.admin_view(self.quotas_view),
                name="allocation_retailer_quotas",
            ),
            # "Compute quotas now" (the list's button and the supply plan's): choose, confirm, follow
            path(
                "start/",
                self.admin_site.admin_view(lambda r: allocation_start_view(r, self.admin_site, self.model._meta)),
                name="allocation_allocationrun_start",
            ),
            path(
                "<int:pk>/progress/",
                self.admin_site.admin_view(
                    lambda r, pk: allocation_progress_view(r, self.admin_site, self.model._meta, pk)
                ),
                name="allocation_allocationrun_progress",
            ),
            *super().get_urls(),
        ]

    def report_view(self, request, pk):
        if not self.has_view_permission(request):
            raise PermissionDenied
        allocation_run = get_object_or_404(AllocationRun.objects.select_related("cycle", "run"), pk=pk)
        rows = _with_price_signals(report_rows(allocation_run), allocation_run.cycle.starts_on)
        query = request.GET.get("q", "").strip()
        if query:
            rows = [r for r in rows if query in r["product_code"] or query in r["product_name"]]
        if request.GET.get("warnings"):
            rows = [r for r in rows if r["warnings"]]
        if request.GET.get("format") == "xlsx":
            name = _("Allocation report %(cycle)s no. %(run)s") % {
                "cycle": allocation_run.cycle.label, "run": allocation_run.pk,
            }  # fmt: skip
            return download(report_dataset(rows).export("xlsx"), XLSX, f"{name}.xlsx")
        page = Paginator(rows, 100).get_page(request.GET.get("page"))
        publishable = allocation_run.is_complete and not allocation_run.is_published
        context = {
            **self.admin_site.each_context(request),
            # No `opts`: with them django-unfold's header names the model, never the page's title
            # (as the other report pages); the templates' hidden breadcrumbs read `run_opts`.
            "title": _("Allocation report %(cycle)s no. %(run)s")
            % {"cycle": allocation_run.cycle.label, "run": allocation_run.pk},
            "allocation_run": allocation_run,
            "page": page,
            "rows": [report_glance(r) for r in page],
            "query": query,
            "totals": {
                "target": sum(r["target"] for r in rows),
                "released": sum(r["released"] for r in rows),
                "exceptions": sum(r["exceptions"] for r in rows),  # what the quotas hold beyond the run's release
                # a signed figure with a true minus (−1), its unit counted on its size (−1 carton, +16 cartons)
                "exceptions_signed": f"{sum(r['exceptions'] for r in rows):+,}".replace("-", "\u2212"),
                "exceptions_size": abs(sum(r["exceptions"] for r in rows)),
                "after_exceptions": sum(r["released_after_exceptions"] for r in rows),
            },  # fmt: skip
            "may_publish": request.user.is_supervisor and publishable,
            "run_opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/allocation/report.html", context)

    def publish_view(self, request, pk):
        """GET: what publishing promises (totals, lines releasing nothing or losing more than 1 %) and
        whether the registry moved since the run (`freshness`: then it offers to recompute), to confirm;
        POST: publish, the registry's changes since the run recorded in the audit entry."""
        if not request.user.is_supervisor:
            raise PermissionDenied
        allocation_run = get_object_or_404(AllocationRun.objects.select_related("cycle", "run"), pk=pk)
        publishable = allocation_run.is_complete and not allocation_run.is_published
        if request.method != "POST":
            summary = publish_summary(allocation_run)  # on POST the service reads it and refuses what it blocks
            publishable = publishable and not summary.blocked
            # a published run: when and by whom, its totals, no offer to publish again; an incomplete one
            # says so; either links back to its report
            published = allocation_run.is_published
            publisher = None
            if published:
                entry = (
                    AuditEntry.objects.filter(
                        action="allocation.publish", object_type="allocation_run", object_id=str(allocation_run.pk)
                    )
                    .select_related("actor")
                    .order_by("-pk")
                    .first()
                )
                publisher = entry.actor if entry else None
            if published:
                title = _("Quotas published")
            elif publishable:
                title = _("Publish these quotas?")
            elif summary.partial and allocation_run.is_complete:
                title = _("This run covers some products only")
            elif (summary.above or summary.retargeted) and allocation_run.is_complete:
                title = _("Compute again before publishing")
            else:
                title = _("This run is not complete")
            context = {
                **self.admin_site.each_context(request),
                "title": title,
                "allocation_run": allocation_run,
                "summary": summary,
                "published": published,
                "published_by": person_name(publisher) if publisher else "",
                "publishable": publishable,
                "freshness": run_freshness(allocation_run) if publishable else None,
                "run_opts": self.model._meta,  # no `opts`, so the header shows the title (see report_view)
            }
            return TemplateResponse(request, "admin/allocation/publish_confirm.html", context)
        freshness = run_freshness(allocation_run) if publishable else None
        try:
            allocation_run_publish(
                allocation_run=allocation_run,
                approver=request.user,
                registry_changes=freshness.audit() if freshness and freshness.stale else None,
            )
            messages.success(request, _("Quotas published."))
        except DomainError as exc:
            messages.error(request, str(exc))
        return redirect(reverse("admin:allocation_allocationrun_report", args=[pk]))

    def recompute_view(self, request, pk):
        """POST: a new run for this run's cycle from today's registry (what the publish confirmation
        offers when the registry moved since the run); to its report."""
        if not request.user.is_supervisor:
            raise PermissionDenied
        if request.method != "POST":
            return redirect(reverse("admin:allocation_allocationrun_publish", args=[pk]))
        allocation_run = get_object_or_404(AllocationRun.objects.select_related("cycle"), pk=pk)
        try:
            fresh = allocation_run_create(
                cycle=allocation_run.cycle, actor=request.user, fan_out=settings.ALLOCATION_FAN_OUT
            )
        except DomainError as exc:
            messages.error(request, str(exc))
            return redirect(reverse("admin:allocation_allocationrun_publish", args=[pk]))
        messages.success(request, _("A new run of cycle %(cycle)s started from today's registry.") % {
            "cycle": allocation_run.cycle.label})  # fmt: skip
        return redirect(reverse("admin:allocation_allocationrun_report", args=[fresh.pk]))

    def quotas_view(self, request, retailer_pk):
        retailer = get_object_or_404(retailers_visible_to(user=request.user), pk=retailer_pk)
        cycles = OrderCycle.objects.filter(allocation_runs__is_published=True).distinct().order_by("-starts_on")
        cycle_id = params.identifier(request, "cycle", label=_("order cycle number"))
        cycle = get_object_or_404(cycles, pk=cycle_id) if cycle_id else cycles.first()
        allocation_run = published_allocation_run(cycle) if cycle else None
        # the tier the run computed these quotas with (stored), and whether today's differs
        tier = retailer_quota_tier(retailer=retailer, allocation_run=allocation_run) if allocation_run else None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Quotas of %(name)s") % {"name": retailer.name},
            "retailer": retailer,
            "cycle": cycle,
            "cycles": cycles[:12],
            "quotas": retailer_quota_explanations(
                retailer=retailer, cycle=cycle, allocation_run=allocation_run, staff=True
            )
            if allocation_run
            else [],
            "allocation_run": allocation_run,
            "tier": tier,
            "tier_words": tier.words(staff=True) if tier else "",
        }
        return TemplateResponse(request, "admin/allocation/retailer_quotas.html", context)


@admin.register(CellReport)
class CellReportAdmin(ReadOnlyAdmin, ModelAdmin):
    list_display = ("allocation", "plan_line", "cell_words", "target", "released", "not_released", "warnings_words")
    fields = ("allocation", "plan_line", "cell_words", "target", "released", "not_released", "rotated", "figures_words",
              "warnings_words")  # fmt: skip
    readonly_fields = fields

    @admin.display(description=_("cell"))
    def cell_words(self, obj):
        return cell_text(obj.cell)

    @admin.display(description=_("Not released"))
    def not_released(self, obj):
        return figure(max(obj.target - obj.released, 0), CARTONS)

    @admin.display(description=_("warnings"))
    def warnings_words(self, obj):
        return "；".join(warning_text(w) for w in obj.warnings) or "—"

    @admin.display(description=_("cartons at each rule"))
    def figures_words(self, obj):
        headers = report_headers()
        names = {"caps": "caps_released", "rotation": "rotation", "penalties": "penalties", "respread": "respread",
                 "bonus": "bonus", "released": "released"}  # fmt: skip
        return "；".join(f"{headers[names[k]]}：{v:,}" for k, v in (obj.figures or {}).items() if k in names) or "—"

    list_filter = ("allocation__cycle", "allocation__is_published", "plan_line__method")
    search_fields = ("plan_line__product__code", "plan_line__product__name", "cell")
    list_select_related = ("allocation__cycle", "plan_line__product", "plan_line__cycle")


@admin.register(QuotaException)
class QuotaExceptionAdmin(AutocompleteTextAdmin, SupervisorEditsAdmin, ModelAdmin):
    list_display = ("cycle", "product", "retailer", "quota", "reason", "approved_by", "created_at")
    list_filter = ("cycle",)
    search_fields = ("retailer__license_no", "retailer__name", "product__code", "product__name", "reason")
    # chosen by search: retailers as the user may see them, cycles open and the current one first (cycles.admin),
    # each told apart by its admin's autocomplete_text (core.admin_autocomplete)
    autocomplete_fields = ("retailer", "product", "cycle")
    list_select_related = ("cycle", "product", "retailer", "approved_by")
    exclude = ("approved_by",)
    form = QuotaExceptionForm

    def get_queryset(self, request):
        return super().get_queryset(request).filter(retailer__in=retailers_visible_to(user=request.user))

    def has_change_permission(self, request, obj=None):
        return request.user.is_supervisor and obj is None

    def has_delete_permission(self, request, obj=None):
        """Never, not even for a superuser: deleting one would change a quota with no audit entry and
        leave the shop's cached quotas as they were. A new exception (audited) sets any quota again."""
        return False

    def autocomplete_choices(self, request, field_name, queryset):
        """The form's search pickers (core.admin_autocomplete): a withdrawn product takes no new exception."""
        return queryset.exclude(lifecycle=Lifecycle.WITHDRAWN) if field_name == "product" else queryset

    def add_view(self, request, form_url="", extra_context=None):
        """On a published cycle an exception changes what the shop was promised: a valid form is first
        shown back with the shop's current quota of the product and what the exception changes, to
        confirm (`_confirmed`), like publishing; then saved as any other."""
        if request.method == "POST" and "_confirmed" not in request.POST:
            if not self.has_add_permission(request):
                raise PermissionDenied
            form = self.get_form(request)(request.POST, request.FILES)
            if form.is_valid() and form.needs_confirmation():
                return self.exception_confirm(request, form)
        try:
            return super().add_view(request, form_url, extra_context)
        except DomainError as exc:  # e.g. another exception took the line's last cartons since the form's check
            messages.error(request, str(exc))
            fields = ("cycle", "product", "retailer", "quota", "reason")
            edit = urlencode({name: request.POST.get(name, "") for name in fields})
            return redirect(f"{reverse('admin:allocation_quotaexception_add')}?{edit}")

    def exception_confirm(self, request, form):
        data = form.cleaned_data
        cycle, product, retailer, quota = data["cycle"], data["product"], data["retailer"], data["quota"]
        current = retailer_product_quota(retailer=retailer, cycle=cycle, product=product)
        now = current["quota"] if current else 0
        replaced = form.replaces()
        fields = ("cycle", "product", "retailer", "quota", "reason")
        edit = urlencode({name: form.data.get(name, "") for name in fields})
        # The shop's own ordering window in the cycle: once it has closed (or in an off week) the new
        # quota is on record but can no longer be ordered, and the page says so instead of promising it.
        window = cycle_window(
            cycle=cycle, rhythm=retailer.order_cycle_kind, parity=retailer.order_week_parity,
            weekday=retailer.order_weekday,
        )  # fmt: skip
        context = {
            **self.admin_site.each_context(request),
            "window": window,
            "window_state": window.state_at(timezone.localtime()),
            "title": _("Change a published quota?")
            if cycle.status == CycleStatus.PUBLISHED
            else _("Replace this exception?"),
            "published": cycle.status == CycleStatus.PUBLISHED,
            "opts": self.model._meta,
            "form": form,
            "cycle": cycle,
            "product": product,
            "retailer": retailer,
            "current": current,
            "current_quota": now,
            "new_quota": quota,
            "change": quota - now,
            "replaced": replaced,
            "reason": data["reason"],
            "edit_url": f"{reverse('admin:allocation_quotaexception_add')}?{edit}",
        }
        return TemplateResponse(request, "admin/allocation/exception_confirm.html", context)

    def save_model(self, request, obj, form, change):
        saved = quota_exception_set(
            cycle=obj.cycle,
            product=obj.product,
            retailer=obj.retailer,
            quota=obj.quota,
            reason=obj.reason,
            approver=request.user,
        )
        obj.pk = saved.pk


@admin.register(CycleKpi)
class CycleKpiAdmin(ReadOnlyAdmin, ModelAdmin):
    list_display = (
        "cycle",
        "product",
        "tier",
        "offered",
        "ordering",
        "fill_rate",
        "full_order_share",
        "coverage",
        "repeat_rate",
    )
    list_filter = ("cycle", "tier")
    search_fields = ("product__code", "product__name")
    list_select_related = ("cycle", "product")
    change_list_template = "admin/allocation/cyclekpi/change_list.html"  # empty: when KPIs appear


def _with_price_signals(rows: list[dict], until) -> list[dict]:
    """Each report row with what recent price-tag inspections say of its product's supply."""
    ids = dict(Product.objects.filter(code__in={r["product_code"] for r in rows}).values_list("code", "pk"))
    signals = recent_supply_signals(product_ids=list(ids.values()), until=until)
    for row in rows:
        found = signals.get(ids.get(row["product_code"]), {})
        if found.get("signal") == "over":
            text = _("sold below guide in %(p)d%% of %(n)d checks: over-supplied?")
            row["price_signal"] = text % {"p": round(found["below"] * 100), "n": found["observed"]}
        elif found.get("signal") == "scarce":
            text = _("sold above guide in %(p)d%% of %(n)d checks: scarce?")
            row["price_signal"] = text % {"p": round(found["above"] * 100), "n": found["observed"]}
        else:
            row["price_signal"] = ""
    return rows


RETAILER_LINKS.insert(0, RetailerLink("admin:allocation_retailer_quotas", _("Quotas")))
