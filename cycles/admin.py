import re

from django.contrib import admin
from django.db.models import Case, IntegerField, Q, Value, When
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from unfold.admin import ModelAdmin

from core.admin_mixins import SupervisorEditsAdmin

from .models import CycleStatus, OrderCycle
from .selectors import cycle_ordering_words, next_cycle

NEXT, LATER, TODAY, PAST = 0, 1, 2, 3  # a picker's ranks: the cycles shops can still order in first
LABEL_SEARCH = re.compile(r"(\d{4})(?:-(\d{1,2}))?(?:-(\d))?")  # 2026, 2026-11, 2026-11-5


@admin.register(OrderCycle)
class OrderCycleAdmin(SupervisorEditsAdmin, ModelAdmin):
    list_display = ("cycle_label", "starts_on", "ends_on", "order_opens_on", "order_closes_on", "status")
    list_filter = ("status", "year", "month")
    search_fields = ("year", "month", "week_seq")
    date_hierarchy = "starts_on"
    # The status moves only through the services (computed by a run, published, closed by the
    # nightly roll): setting it by hand un-published a cycle and let it be computed again.
    readonly_fields = ("status",)

    @admin.display(description=gettext_lazy("order cycle"), ordering="starts_on")
    def cycle_label(self, cycle) -> str:
        """The list's first column, headed in words (the bare property was headed "Label")."""
        return cycle.label

    def autocomplete_text(self, cycle) -> str:
        """A cycle in a search picker (core.admin_autocomplete): its label, its week, its status and,
        as ranked by `get_search_results`, whether it is the next order cycle or today's cycle and where
        its ordering stands: "2026-11-5 · 11月30日 至 12月6日 · 已发布 · 下一订货周期 · 订货 11/28 开始"."""
        week = _("%(start)s to %(end)s") % {
            "start": date_format(cycle.starts_on, "MONTH_DAY_FORMAT"), "end": date_format(cycle.ends_on, "MONTH_DAY_FORMAT")}  # fmt: skip
        rank = getattr(cycle, "orderable_first", None)
        today = timezone.localdate()
        which = {NEXT: _("next order cycle"), TODAY: _("today's cycle")}.get(rank, "")
        ordering = cycle_ordering_words(cycle=cycle, today=today) if rank is not None else ""
        return " · ".join(part for part in (cycle.label, week, cycle.get_status_display(), which, ordering) if part)

    def get_search_results(self, request, queryset, search_term):
        """Search by label as people write it (2026-11-5, 2026-11). In a picker (the autocomplete of a
        form, e.g. a quota exception's cycle): open cycles only; first the ones shops can still order
        in: the cycles starting after today (the next order cycle first: every shop still orders in it),
        then today's cycle (ordering over for the shops whose visit day is tomorrow or past), then the rest by date."""
        match = LABEL_SEARCH.fullmatch(search_term.strip())
        if match:
            year, month, week = match.groups()
            lookup = (
                Q(year=int(year)) & (Q(month=int(month)) if month else Q()) & (Q(week_seq=int(week)) if week else Q())
            )
            queryset, use_distinct = queryset.filter(lookup), False
        else:
            queryset, use_distinct = super().get_search_results(request, queryset, search_term)
        if getattr(request.resolver_match, "url_name", "") == "autocomplete":
            today = timezone.localdate()
            upcoming = next_cycle(today)
            queryset = (
                queryset.exclude(status=CycleStatus.CLOSED)
                .annotate(
                    orderable_first=Case(
                        When(pk=upcoming.pk if upcoming else None, then=Value(NEXT)),
                        When(starts_on__gt=today, then=Value(LATER)),
                        When(starts_on__lte=today, ends_on__gte=today, then=Value(TODAY)),
                        default=Value(PAST),
                        output_field=IntegerField(),
                    )
                )
                .order_by("orderable_first", "starts_on")
            )
        return queryset, use_distinct
