from django.contrib import admin

from core.admin_mixins import ReadOnlyAdmin
from retailers.selectors import scope_to_visible_retailers

from .models import AdviceRun, InventoryAdvice, StockCount


@admin.register(StockCount)
class StockCountAdmin(admin.ModelAdmin):
    list_display = ("retailer", "product", "counted_on", "cartons", "source", "recorded_by")
    list_filter = ("source", "counted_on")
    search_fields = ("retailer__customer_code", "retailer__name", "product__code", "product__name")
    raw_id_fields = ("retailer", "product")
    list_select_related = ("retailer", "product", "recorded_by")

    def get_queryset(self, request):
        return scope_to_visible_retailers(super().get_queryset(request), user=request.user)


@admin.register(AdviceRun)
class AdviceRunAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = ("as_of", "is_current", "run", "created_at")


@admin.register(InventoryAdvice)
class InventoryAdviceAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = (
        "retailer", "product", "status", "stock", "stock_is_estimate", "weekly_sales", "weeks_of_cover",
        "suggested_order", "quota", "diversion",
    )  # fmt: skip
    list_filter = ("status", "diversion", "stock_is_estimate")
    search_fields = ("retailer__customer_code", "retailer__name", "product__code", "product__name")
    list_select_related = ("retailer", "product")

    def get_queryset(self, request):
        rows = super().get_queryset(request).filter(advice_run__is_current=True)
        return scope_to_visible_retailers(rows, user=request.user)
