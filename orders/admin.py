from django.contrib import admin

from core.admin_mixins import EstimatedCountPaginator, ReadOnlyAdmin, SupervisorEditsAdmin
from retailers.selectors import scope_to_visible_retailers

from .models import Order, OrderCycle


@admin.register(OrderCycle)
class OrderCycleAdmin(SupervisorEditsAdmin, admin.ModelAdmin):
    list_display = ("label", "starts_on", "ends_on", "order_opens_on", "order_closes_on", "status")
    list_filter = ("status", "year", "month")
    search_fields = ("year", "month", "week_seq")
    date_hierarchy = "starts_on"


@admin.register(Order)
class OrderAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = ("cycle", "retailer", "product", "ordered_qty", "quota", "amount")
    list_filter = ("cycle", "product__price_class", "retailer__branch", "retailer__tier")
    search_fields = ("retailer__customer_code", "retailer__license_no", "product__code", "product__name")
    list_select_related = ("cycle", "retailer", "product")
    raw_id_fields = ("retailer", "product")
    paginator = EstimatedCountPaginator
    show_full_result_count = False

    def get_queryset(self, request):
        return scope_to_visible_retailers(super().get_queryset(request), user=request.user)
