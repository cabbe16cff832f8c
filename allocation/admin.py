from django.contrib import admin

from core.admin_mixins import SupervisorEditsAdmin

from .models import SupplyPlanLine


@admin.register(SupplyPlanLine)
class SupplyPlanLineAdmin(SupervisorEditsAdmin, admin.ModelAdmin):
    list_display = ("cycle", "product", "method", "target", "area_text", "lowest_tier", "highest_tier", "tag_filter", "biweekly_double")
    list_filter = ("cycle", "method", "biweekly_double", "tag_filter")
    search_fields = ("product__code", "product__name", "area_text", "remarks")
    list_select_related = ("cycle", "product")
    raw_id_fields = ("product",)
