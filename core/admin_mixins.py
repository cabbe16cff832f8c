"""Admin building blocks shared by the apps: role rules, exports, cheap counts."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db import connection
from django.utils.functional import cached_property
from import_export.admin import ExportMixin

from core.reports.formulas import neutralise_dataset


class SupervisorEditsAdmin(ExportMixin):
    """Reference data: supervisors change it, customer managers read it.

    Its CSV/XLSX exports go through `neutralise_dataset`: a text cell that a spreadsheet would read
    as a formula (`=HYPERLINK(…)` as a shop name) comes out as inert text."""

    def get_data_for_export(self, request, queryset, **kwargs):
        return neutralise_dataset(super().get_data_for_export(request, queryset, **kwargs))

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_staff

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_staff

    def has_add_permission(self, request):
        return request.user.is_supervisor

    def has_change_permission(self, request, obj=None):
        return request.user.is_supervisor

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


class ReadOnlyAdmin(SupervisorEditsAdmin):
    """Records written by jobs and services only."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class EstimatedCountPaginator(Paginator):
    """On PostgreSQL, an unfiltered count of a huge table comes from the planner's estimate."""

    @cached_property
    def count(self) -> int:
        query = getattr(self.object_list, "query", None)
        if connection.vendor == "postgresql" and query is not None and not query.where:
            with connection.cursor() as cursor:
                cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE relname = %s", [query.model._meta.db_table])
                row = cursor.fetchone()
            if row and row[0] > 100_000:
                return int(row[0])
        return super().count
