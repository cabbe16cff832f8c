"""The admin's sidebar (django-unfold), grouped by the jobs people come to do rather than by app:
my retailers, supply allocation, price tags, stock, business analysis, system.

Each entry is shown only to those the page itself admits: a model's list asks its ModelAdmin
(`has_view_permission`, which scopes by role), a page of our own asks the role it is for. Hiding an
entry is a courtesy; the page still checks on every request."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.apps import apps
from django.contrib import admin
from django.http import HttpRequest
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

Permission = Callable[[HttpRequest], bool]


def _staff(request: HttpRequest) -> bool:
    return request.user.is_active and request.user.is_staff


def _supervisor(request: HttpRequest) -> bool:
    return _staff(request) and request.user.is_supervisor


def _model(label: str, icon: str, title: Any = None) -> dict[str, Any]:
    """A model's list: `label` is "app_label.ModelName"; the title defaults to its plural name."""
    app_label, model_name = label.split(".")

    def allowed(request: HttpRequest) -> bool:
        model_admin = admin.site._registry.get(apps.get_model(app_label, model_name))
        return bool(model_admin and _staff(request) and model_admin.has_view_permission(request))

    def plural() -> str:
        return str(apps.get_model(app_label, model_name)._meta.verbose_name_plural)

    return {
        "title": title or _lazy(plural),
        "icon": icon,
        "link": reverse_lazy(f"admin:{app_label}_{model_name.lower()}_changelist"),
        "permission": allowed,
    }


def _page(url_name: str, icon: str, title: Any, permission: Permission = _staff) -> dict[str, Any]:
    return {"title": title, "icon": icon, "link": reverse_lazy(url_name), "permission": permission}


class _lazy:
    """A title computed when shown (a model's plural name, in the request's language)."""

    def __init__(self, compute: Callable[[], str]) -> None:
        self.compute = compute

    def __str__(self) -> str:
        return self.compute()

    def __html__(self) -> str:
        from django.utils.html import escape

        return escape(self.compute())


def navigation(request: HttpRequest) -> list[dict[str, Any]]:
    return [
        {
            "title": _("Dashboard"),
            "items": [_page("admin:index", "dashboard", _("Dashboard"))],
        },
        {
            "title": _("My retailers"),
            "collapsible": True,
            "items": [
                _model("retailers.Retailer", "storefront"),
                _model("tiers.TierProposal", "stairs"),
                _model("tiers.TierChange", "swap_vert"),
                _model("service_requests.ServiceRequest", "support_agent"),
                _model("demand.DemandReport", "edit_note"),
                _model("surveys.Wave", "sentiment_satisfied"),
                _model("customer_value.CustomerValue", "diamond"),
                _model("retailers.ServiceRoute", "route"),
            ],
        },
        {
            "title": _("Supply allocation"),
            "collapsible": True,
            "items": [
                _model("cycles.OrderCycle", "calendar_month"),
                _model("allocation.SupplyPlanLine", "inventory"),
                _model("allocation.AllocationRun", "calculate"),
                _model("allocation.QuotaException", "rule"),
                _model("allocation.CycleKpi", "monitoring"),
                _model("orders.Order", "receipt_long"),
                _model("allocation.AllocationPolicy", "tune"),
            ],
        },
        {
            "title": pgettext_lazy("app", "Price-tag compliance"),
            "collapsible": True,
            "items": [
                _page("inspections:retailers", "fact_check", _("Inspect a shop")),
                _model("compliance.Inspection", "checklist"),
                _page("admin:compliance_figures", "bar_chart", _("Price-tag compliance figures")),
                _model("compliance.ComplianceStanding", "verified"),
                _model("pricing.ProductPrice", "sell"),
                _model("compliance.CompliancePolicy", "gavel"),
            ],
        },
        {
            "title": _("Stock"),
            "collapsible": True,
            "items": [
                _model("inventory.InventoryAdvice", "inventory_2"),
                _page("admin:inventory_diversion_alerts", "warning", _("Diversion alerts")),
                _model("stock.StockCount", "pin"),
                _model("pricing.Product", "smoking_rooms"),
            ],
        },
        {
            "title": _("Business analysis"),
            "collapsible": True,
            "items": [
                _page("admin:profitability_workspace", "work", _("My retailers' profitability")),
                _page("admin:profitability_overview", "query_stats", _("Profitability overview"), _supervisor),
                _page("admin:customer_value_overview", "groups", _("Customer value overview"), _supervisor),
                _page("admin:service_requests_figures", "analytics", _("Request figures")),
            ],
        },
        {
            "title": _("System"),
            "collapsible": True,
            "items": [
                _page("admin:core_run_import", "upload_file", _("Import data"), _supervisor),
                _model("core.Run", "sync"),
                _model("core.AuditEntry", "history"),
                _model("accounts.User", "person"),
                _model("accounts.LoginLockout", "lock"),
                _model("retailers.CountyBranch", "apartment"),
                _model("retailers.MarketDepartment", "store"),
                _model("tiers.ClassificationScheme", "schema"),
                _model("pricing.PriceClassRule", "category"),
                _model("pricing.PriceBand", "price_change"),
                _model("service_requests.RequestPolicy", "policy"),
                _model("customer_value.ValuePolicy", "tune"),
                _model("django_celery_beat.PeriodicTask", "schedule"),
                _page("api-docs", "api", _("API documentation"), _supervisor),
            ],
        },
    ]
