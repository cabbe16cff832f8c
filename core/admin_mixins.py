"""Admin building blocks shared by the apps: role rules, exports, cheap counts."""

from __future__ import annotations

from django.contrib.admin import helpers
from django.contrib.admin.utils import flatten_fieldsets
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import connection
from django.utils.functional import cached_property
from import_export.admin import ExportMixin
from simple_history.admin import SimpleHistoryAdmin
from unfold.admin import ModelAdmin
from unfold.contrib.import_export.forms import SelectableFieldsExportForm

from core.reports.formulas import neutralise_dataset


class SupervisorEditsAdmin(ExportMixin):
    """Reference data: supervisors change it, customer managers read it.

    Its CSV/XLSX exports go through `neutralise_dataset`: a text cell that a spreadsheet would read
    as a formula (`=HYPERLINK(…)` as a shop name) comes out as inert text. The export page is
    django-unfold's form."""

    export_form_class = SelectableFieldsExportForm

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


class ReadOnlyHistoryAdmin(SimpleHistoryAdmin, ModelAdmin):
    """History kept, shown, never written back: every history page is read-only, for every role.

    django-simple-history's version page is the change form bound to an old row, and its POST
    saves that row whole after checking only view permission: a customer manager could set a
    policy, and reverting a retailer put back a tier a supervisor had overridden and a login since
    linked, with no tier-change row and no audit entry. Reverting is therefore off: the page shows
    every field as text with no button, and any POST to it is refused (403). A supervisor who wants
    an old value reads it here and enters it on the change form, which goes through the same
    permissions, read-only fields and services (a tier only through the override) as any edit."""

    object_history_list_template = "admin/core/history/object_history_list.html"

    def revert_disabled(self, request, obj=None):
        return True

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method not in ("GET", "HEAD"):
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

    def render_history_view(self, request, template, context, **kwargs):
        shown = context.get("adminform")
        if shown is not None:  # a version page: every field as text, none as an input
            fieldsets = list(shown.fieldsets)
            context["adminform"] = helpers.AdminForm(
                shown.form, fieldsets, {}, readonly_fields=flatten_fieldsets(fieldsets), model_admin=self
            )
            context.update(has_change_permission=False, has_add_permission=False, has_delete_permission=False)
        return super().render_history_view(request, template, context, **kwargs)


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
