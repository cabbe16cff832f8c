from django.contrib import admin
from unfold.admin import ModelAdmin

from core.admin_lists import ReadableListAdmin
from retailers.selectors import scope_to_visible_retailers

from .models import StockCount


@admin.register(StockCount)
class StockCountAdmin(ReadableListAdmin, ModelAdmin):
    list_display = ("retailer", "product", "counted_on", "cartons", "source", "recorded_by")
    list_filter = ("source", "counted_on")
    visible_choices_for_supervisor = False  # a row per retailer and product: every choice, no scan (core.admin_lists)
    search_fields = ("retailer__customer_code", "retailer__name", "product__code", "product__name")
    raw_id_fields = ("retailer", "product")
    list_select_related = ("retailer", "product", "recorded_by")

    def get_queryset(self, request):
        return scope_to_visible_retailers(super().get_queryset(request), user=request.user)
