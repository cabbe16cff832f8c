import re

from django.contrib import admin
from django.db.models import Case, IntegerField, Q, Value, When
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from unfold.admin import ModelAdmin

from core.admin_mixins import SupervisorEditsAdmin

from .models import CycleStatus, OrderCycle
from .selectors import current_cycle

LABEL_SEARCH = re.compile(r"(\d{4})(?:-(\d{1,2}))?(?:-(\d))?")  # 2026, 2026-11, 2026-11-5


@admin.register(OrderCycle)
class OrderCycleAdmin(SupervisorEditsAdmin, ModelAdmin):
    list_display = ("label", "starts_on", "ends_on", "order_opens_on", "order_closes_on", "status")
    list_filter = ("status", "year", "month")
    search_fields = ("year", "month", "week_seq")
    date_hierarchy = "starts_on"
    # The status moves only through the services (computed by a run, published, closed by the
    # nightly roll): setting it by hand un-published a cycle and let it be computed again.
    readonly_fields = ("status",)

    def autocomplete_text(self, cycle) -> str:
        """A cycle in a search picker (core.admin_autocomplete): its label, its week, its status and
        whether it is the current one (marked by `get_search_results`), "2026-11-3 · 11月17日 至 11月23日 ·
        已发布 · 本周期"."""
        week = _("%(start)s to %(end)s") % {
            "start": date_format(cycle.starts_on, "MONTH_DAY_FORMAT"), "end": date_format(cycle.ends_on, "MONTH_DAY_FORMAT")}  # fmt: skip
        current = _("current cycle") if getattr(cycle, "current_first", None) == 0 else ""
        return " · ".join(part for part in (cycle.label, week, cycle.get_status_display(), current) if part)

    def get_search_results(self, request, queryset, search_term):
        """Search by label as people write it (2026-11-5, 2026-11). In a picker (the autocomplete of a
        form, e.g. a quota exception's cycle): open cycles only, the current one first, then by date."""
        match = LABEL_SEARCH.fullmatch(search_term.strip())
        if match:
            year, month, week = match.groups()
            lookup = Q(year=int(year)) & (Q(month=int(month)) if month else Q()) & (Q(week_seq=int(week)) if week else Q())
            queryset, use_distinct = queryset.filter(lookup), False
        else:
            queryset, use_distinct = super().get_search_results(request, queryset, search_term)
        if getattr(request.resolver_match, "url_name", "") == "autocomplete":
            current = current_cycle(timezone.localdate())
            first = When(pk=current.pk, then=Value(0)) if current else When(pk__in=[], then=Value(0))
            queryset = queryset.exclude(status=CycleStatus.CLOSED).annotate(
                current_first=Case(first, default=Value(1), output_field=IntegerField())
            ).order_by("current_first", "starts_on")
        return queryset, use_distinct
