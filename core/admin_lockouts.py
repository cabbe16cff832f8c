"""Login lock-outs in the admin (Accounts → login lock-outs): supervisors only; a list of the names
and addresses that failed to log in, and one action, unlock, audited (`core.lockouts`). Rows are
never edited or deleted otherwise (axes' own admin is off: AXES_ENABLE_ADMIN)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop, ngettext
from unfold.admin import ModelAdmin

from accounts.models import LoginLockout

from .exceptions import Reason
from .lockouts import login_lockout_active, login_lockouts, login_lockouts_release


class LockedFilter(admin.SimpleListFilter):
    title = _("locked now")
    parameter_name = "locked"

    def lookups(self, request, model_admin):
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            locked = {row.pk for row in queryset if login_lockout_active(row.failures)}
            return queryset.filter(pk__in=locked) if self.value() == "yes" else queryset.exclude(pk__in=locked)
        return queryset


@admin.register(LoginLockout)
class LoginLockoutAdmin(ModelAdmin):
    list_display = ("username", "ip_address", "failures_shown", "locked", "attempt_time", "path_info")
    list_filter = (LockedFilter,)
    search_fields = ("username", "ip_address")
    ordering = ("-attempt_time",)
    fields = ("username", "ip_address", "user_agent", "path_info", "failures_since_start", "attempt_time")
    readonly_fields = fields
    actions = ["unlock"]

    def _supervisor(self, request) -> bool:
        return bool(request.user.is_active and request.user.is_supervisor)

    def has_module_permission(self, request):
        return self._supervisor(request)

    def has_view_permission(self, request, obj=None):
        return self._supervisor(request)

    def has_unlock_permission(self, request):
        return self._supervisor(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return login_lockouts(super().get_queryset(request))

    @admin.display(description=_("failures"))
    def failures_shown(self, row):
        return row.failures

    @admin.display(description=_("locked now"), boolean=True)
    def locked(self, row):
        return login_lockout_active(row.failures)

    @admin.action(description=_("Unlock the selected logins"), permissions=["unlock"])
    def unlock(self, request, queryset):
        unlocked = Reason(gettext_noop("unlocked in the admin"))  # kept so, read in the reader's language
        locked = login_lockouts_release(lockouts=queryset, actor=request.user, reason=unlocked)
        self.message_user(
            request,
            ngettext("%(n)s locked login can log in again.", "%(n)s locked logins can log in again.", locked)
            % {"n": locked},
            messages.SUCCESS,
        )
