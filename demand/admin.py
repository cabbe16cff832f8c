from django.contrib import admin
from unfold.admin import ModelAdmin

from core.admin_mixins import ReadOnlyAdmin
from retailers.selectors import scope_to_visible_retailers

from .models import DemandReport


@admin.register(DemandReport)
class DemandReportAdmin(ReadOnlyAdmin, ModelAdmin):
    """Retailers' demand reports, as they entered them (read only: only the retailer reports its demand).
    A customer manager sees their own retailers' only."""

    list_display = ("cycle", "retailer", "product", "cartons", "suggested", "entered_by", "updated_at")
    list_filter = ("cycle", "retailer__branch", "retailer__tier", "product__price_band")
    search_fields = (
        "retailer__customer_code",
        "retailer__name",
        "retailer__license_no",
        "product__code",
        "product__name",
    )
    list_select_related = ("cycle", "retailer", "product", "entered_by")
    raw_id_fields = ("retailer", "product")

    def get_queryset(self, request):
        return scope_to_visible_retailers(super().get_queryset(request), user=request.user)
