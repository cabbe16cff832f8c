from django.contrib import admin
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext as _
from unfold.admin import ModelAdmin

from core import params
from core.admin_mixins import ReadOnlyAdmin
from core.reports.exports import XLSX, download, report_xlsx
from core.reports.tables import INT, TEXT, Table
from retailers.selectors import scope_to_visible_retailers

from .engine.advice import Targets
from .models import AdviceRun, InventoryAdvice
from .selectors import diversion_alerts


@admin.register(AdviceRun)
class AdviceRunAdmin(ReadOnlyAdmin, ModelAdmin):
    list_display = ("as_of", "is_current", "run", "created_at")
    list_filter = ("is_current",)
    date_hierarchy = "as_of"


@admin.register(InventoryAdvice)
class InventoryAdviceAdmin(ReadOnlyAdmin, ModelAdmin):
    list_display = (
        "retailer", "product", "status", "stock", "stock_is_estimate", "count_age_days", "count_source",
        "weekly_sales", "weeks_of_cover", "suggested_order", "quota", "diversion",
    )  # fmt: skip
    list_filter = ("status", "diversion", "stock_is_estimate", "count_source")
    visible_choices_for_supervisor = False  # a row per retailer and product: every choice, no scan (core.admin_lists)
    search_fields = ("retailer__customer_code", "retailer__name", "product__code", "product__name")
    list_select_related = ("retailer", "product")

    def get_queryset(self, request):
        rows = super().get_queryset(request).filter(advice_run__is_current=True)
        return scope_to_visible_retailers(rows, user=request.user)

    def get_urls(self):
        return [
            path("diversion/", self.admin_site.admin_view(self.diversion_view), name="inventory_diversion_alerts"),
            *super().get_urls(),
        ]

    def diversion_view(self, request):
        """Shops holding far more of a product than they sell: stock that may be passed on (转批/窜货)."""
        query = params.text(request, "q", label=_("Search"))
        download_as = params.choice(request, "format", ["xlsx"], label=_("Download format"), default="")
        rows = diversion_alerts(user=request.user, query=query)
        weeks = Targets().diversion_weeks
        table = Table(
            "diversion", _("Diversion alerts"),
            [_("Customer code"), _("Shop"), _("Customer manager"), _("Product"), _("Stock (cartons)"),
             _("Sold per week"), _("Weeks of cover"), _("Cartons above %(n)s weeks of sales") % {"n": f"{weeks:g}"}],
            [TEXT, TEXT, TEXT, TEXT, TEXT, TEXT, TEXT, INT],
            [[r.customer_code, r.shop, r.manager, r.product,
              f"{r.stock}{' (' + _('estimate') + ')' if r.stock_is_estimate else ''}", r.weekly_sales,
              "—" if r.weeks_of_cover is None else r.weeks_of_cover, r.excess] for r in rows],
        )  # fmt: skip
        if download_as == "xlsx":
            return download(report_xlsx(table.title, [table]), XLSX, "diversion-alerts.xlsx")
        context = {
            **self.admin_site.each_context(request), "title": _("Diversion alerts"), "table": table,
            "rows": table.formatted(), "query": query, "count": len(rows), "weeks": f"{weeks:g}",
        }  # fmt: skip
        return render(request, "admin/inventory/diversion.html", context)
