from dataclasses import dataclass

from django.contrib import admin, messages
from django.contrib.admin.utils import flatten_fieldsets
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin

from core.admin_exports import LabelledModelResource
from core.admin_mixins import ReadOnlyHistoryAdmin, SupervisorEditsAdmin
from core.display import person_name, tier_text
from core.exceptions import DomainError

from .logins import retailer_login_reset
from .models import CountyBranch, MarketDepartment, Retailer, ServiceRoute
from .selectors import retailers_visible_to

# Written only by their services, for every role: the tier by a published re-rating or the
# supervisor's override with a reason (`tiers.services.tier_override`: a tier-change row and an
# audit entry), the login by `retailers.logins.retailer_login_reset`.
SERVICE_FIELDS = ("tier", "user")
# What a customer manager may edit on its own retailers: the shop's contact details and its visit
# route. Everything else on the page is the supervisor's: who serves the shop and its login, its
# status, and every field allocation and classification read (cell dimensions, tags, credit,
# vulnerable, order cycle), so a manager cannot raise its own shops' quotas (docs/domain.md §4).
MANAGER_EDITS = ("name", "owner_name", "phone", "address", "shop_area", "route", "order_weekday", "is_mutual_aid_group")


@dataclass(frozen=True)
class RetailerLink:
    """A button on a retailer's admin page. The app whose page it opens adds it to `RETAILER_LINKS`
    from its own admin module, so the registry never names the apps built on it."""

    url_name: str  # an admin URL taking the retailer's pk
    label: str
    supervisor_only: bool = False


RETAILER_LINKS: list[RetailerLink] = [RetailerLink("admin:retailers_retailer_login_reset", _("Retailer login"))]


class RetailerResource(LabelledModelResource):
    class Meta:
        model = Retailer
        fields = (
            "customer_code", "license_no", "name", "owner_name", "phone", "address", "branch__name",
            "department__name", "route__name", "business_format", "market_type", "urban_rural_code", "trade_area",
            "tier", "order_cycle_kind", "order_weekday", "order_week_parity", "credit_rating", "integrity_group",
            "is_pos_supplier", "is_vulnerable", "vulnerable_reason", "status", "manager__username",
        )  # fmt: skip
        export_order = fields


@admin.register(Retailer)
class RetailerAdmin(SupervisorEditsAdmin, ReadOnlyHistoryAdmin):
    resource_classes = [RetailerResource]
    list_display = (
        "customer_code", "license_no", "name", "branch", "department", "business_format", "market_type",
        "tier", "order_cycle_kind", "order_weekday", "credit_rating", "status", "manager",
    )  # fmt: skip
    list_filter = (
        "branch", "department", "business_format", "market_type", "urban_rural_code", "trade_area", "tier",
        "order_cycle_kind", "status", "credit_rating", "is_vulnerable", "is_pos_supplier", ("manager", admin.RelatedOnlyFieldListFilter),
    )  # fmt: skip
    search_fields = ("customer_code", "license_no", "name", "owner_name", "phone")
    list_select_related = ("branch", "department", "manager")
    autocomplete_fields = ("department", "route")
    raw_id_fields = ("user",)
    list_per_page = 50
    change_form_template = "admin/retailers/retailer/change_form.html"
    fieldsets = (
        (None, {"fields": ("customer_code", "license_no", "name", "owner_name", "phone", "address", "shop_area")}),
        (_("Organisation"), {"fields": ("branch", "department", "route", "manager", "user")}),
        (
            _("Classification"),
            {"fields": ("business_format", "market_type", "urban_rural_code", "trade_area", "tier", "credit_rating")},
        ),
        (_("Ordering"), {"fields": ("order_cycle_kind", "order_weekday", "order_week_parity", "status")}),
        (
            _("Tags"),
            {
                "fields": (
                    "integrity_group",
                    "is_mutual_aid_group",
                    "is_pos_supplier",
                    "is_quality_customer",
                    "is_vulnerable",
                    "vulnerable_reason",
                )  # fmt: skip
            },
        ),
    )

    def get_queryset(self, request):
        return retailers_visible_to(user=request.user).select_related("branch", "department", "manager")

    def get_list_filter(self, request):
        """A customer manager sees only their own retailers: no filter by customer manager."""
        shown = super().get_list_filter(request)
        if request.user.is_supervisor:
            return shown
        return [spec for spec in shown if (spec[0] if isinstance(spec, tuple) else spec) != "manager"]

    def autocomplete_text(self, retailer) -> str:
        """A retailer in a search picker (core.admin_autocomplete), told apart from a shop of a similar
        name: "城关便利店 · 许可证 420302100001 · D15 · 丹江口 城关市场部 · 客户经理 张伟"."""
        area = " ".join(str(place) for place in (retailer.branch, retailer.department) if place)
        manager = (
            gettext("manager %(name)s") % {"name": person_name(retailer.manager)}
            if retailer.manager
            else gettext("no manager")
        )
        return " · ".join(
            part for part in (
                retailer.name or retailer.customer_code, gettext("licence %(licence)s") % {"licence": retailer.license_no},
                tier_text(retailer.tier) if retailer.tier else gettext("no tier"), area, manager,
            ) if part
        )  # fmt: skip

    def render_change_form(self, request, context, *args, obj=None, **kwargs):
        context["retailer_links"] = [
            (reverse(link.url_name, args=[obj.pk]), link.label)
            for link in RETAILER_LINKS
            if obj is not None and (request.user.is_supervisor or not link.supervisor_only)
        ]
        return super().render_change_form(request, context, *args, obj=obj, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        if request.user.is_supervisor:
            return SERVICE_FIELDS
        return tuple(f for f in flatten_fieldsets(self.fieldsets) if f not in MANAGER_EDITS)

    def get_urls(self):
        login = self.admin_site.admin_view(self.login_reset_view)
        return [
            path("<int:pk>/login/", login, name="retailers_retailer_login_reset"),
            *super().get_urls(),
        ]

    def login_reset_view(self, request, pk):
        """Set or reset the retailer's phone login; the new password is shown on this page only."""
        retailer = get_object_or_404(self.get_queryset(request), pk=pk)
        password = None
        if request.method == "POST":
            try:
                password = retailer_login_reset(retailer=retailer, actor=request.user)
            except DomainError as exc:  # the login name taken: said on the page, with nothing changed
                messages.error(request, str(exc))
        context = {
            **self.admin_site.each_context(request), "retailer": retailer, "password": password,
            "title": _("Retailer login"), "opts": self.model._meta,
        }  # fmt: skip
        response = TemplateResponse(request, "admin/retailers/retailer/login_reset.html", context)
        response["Cache-Control"] = "no-store"
        return response

    def _may_see(self, request, obj) -> bool:
        return obj is None or retailers_visible_to(user=request.user).filter(pk=obj.pk).exists()

    def has_view_permission(self, request, obj=None):
        # also guards the history views, which look objects up outside get_queryset
        return super().has_view_permission(request, obj) and self._may_see(request, obj)

    def has_change_permission(self, request, obj=None):
        if request.user.is_supervisor:
            return True
        return request.user.is_manager and self._may_see(request, obj)


@admin.register(CountyBranch)
class CountyBranchAdmin(SupervisorEditsAdmin, ModelAdmin):
    list_display = ("name", "short_name", "aliases")
    search_fields = ("name", "short_name", "aliases")


@admin.register(MarketDepartment)
class MarketDepartmentAdmin(SupervisorEditsAdmin, ModelAdmin):
    list_display = ("name", "branch", "aliases")
    list_filter = ("branch",)
    search_fields = ("name", "branch__name", "aliases")


@admin.register(ServiceRoute)
class ServiceRouteAdmin(SupervisorEditsAdmin, ModelAdmin):
    list_display = ("name", "department")
    list_filter = ("department__branch", "department")
    search_fields = ("name", "department__name")
