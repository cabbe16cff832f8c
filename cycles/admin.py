from django.contrib import admin
from unfold.admin import ModelAdmin

from core.admin_mixins import SupervisorEditsAdmin

from .models import OrderCycle


@admin.register(OrderCycle)
class OrderCycleAdmin(SupervisorEditsAdmin, ModelAdmin):
    list_display = ("label", "starts_on", "ends_on", "order_opens_on", "order_closes_on", "status")
    list_filter = ("status", "year", "month")
    search_fields = ("year", "month", "week_seq")
    date_hierarchy = "starts_on"
    # The status moves only through the services (computed by a run, published, closed by the
    # nightly roll): setting it by hand un-published a cycle and let it be computed again.
    readonly_fields = ("status",)
