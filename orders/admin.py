from django.contrib import admin
from unfold.admin import ModelAdmin

from core.admin_mixins import EstimatedCountPaginator, ReadOnlyAdmin
from retailers.selectors import scope_to_visible_retailers

from .models import Order


@admin.register(Order)
class OrderAdmin(ReadOnlyAdmin, ModelAdmin):
    list_display = ("cycle", "retailer", "product", "ordered_qty", "quota", "amount")
    list_filter = ("cycle", "product__price_class", "retailer__branch", "retailer__tier")
    visible_choices_for_supervisor = False  # a row per retailer and product: every choice, no scan (core.admin_lists)
    search_fields = ("retailer__customer_code", "retailer__license_no", "product__code", "product__name")
    list_select_related = ("cycle", "retailer", "product")
    raw_id_fields = ("retailer", "product")
    paginator = EstimatedCountPaginator
    show_full_result_count = False

    def get_queryset(self, request):
        return scope_to_visible_retailers(super().get_queryset(request), user=request.user)
