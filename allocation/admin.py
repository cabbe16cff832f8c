from django.contrib import admin

from core.admin_mixins import ReadOnlyAdmin, SupervisorEditsAdmin

from .models import AllocationRun, CellReport, SupplyPlanLine


@admin.register(SupplyPlanLine)
class SupplyPlanLineAdmin(SupervisorEditsAdmin, admin.ModelAdmin):
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
    list_filter = ("cycle", "method", "biweekly_double", "tag_filter")
    search_fields = ("product__code", "product__name", "area_text", "remarks")
    list_select_related = ("cycle", "product")
    raw_id_fields = ("product",)


@admin.register(AllocationRun)
class AllocationRunAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = ("pk", "cycle", "is_published", "published_at", "created_at")
    list_filter = ("is_published", "cycle")
    search_fields = ("cycle__year", "pk")


@admin.register(CellReport)
class CellReportAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = ("allocation", "plan_line", "cell", "target", "released", "error", "warnings")
    list_filter = ("allocation", "allocation__cycle")
    search_fields = ("plan_line__product__code", "plan_line__product__name", "cell")
    list_select_related = ("allocation", "plan_line__product", "plan_line__cycle")
