from django.contrib import admin
from django.urls import path
from django.utils.translation import gettext_lazy as _

from .admin_imports import import_view
from .admin_mixins import ReadOnlyAdmin
from .models import AuditEntry, Run


@admin.register(Run)
class RunAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = ("pk", "job", "scope", "status", "progress", "step", "actor", "started_at", "finished_at", "duration")
    list_filter = ("status", "job")
    search_fields = ("job", "scope", "error")
    readonly_fields = [f.name for f in Run._meta.fields]
    change_list_template = "admin/core/run/change_list.html"

    @admin.display(description=_("duration (s)"))
    def duration(self, run):
        seconds = run.duration_seconds
        return f"{seconds:.1f}" if seconds is not None else "—"

    def get_queryset(self, request):
        queryset = super().get_queryset(request).select_related("actor")
        return queryset if request.user.is_supervisor else queryset.filter(actor=request.user)

    def get_urls(self):
        extra = [path("import/", self.admin_site.admin_view(lambda r: import_view(r, self.admin_site)), name="core_run_import")]
        return extra + super().get_urls()


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = ("at", "actor", "action", "object_type", "object_id", "reason")
    list_filter = ("action", "object_type")
    search_fields = ("object_id", "reason", "actor__username")
    readonly_fields = [f.name for f in AuditEntry._meta.fields]
    date_hierarchy = "at"

    def get_queryset(self, request):
        queryset = super().get_queryset(request).select_related("actor")
        return queryset if request.user.is_supervisor else queryset.filter(actor=request.user)
