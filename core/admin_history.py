"""Admin saves that change nothing write nothing (tester 2026-11-27: saving a retailer's page unchanged
added an empty 已修改 row to its history, and the admin's log said so)."""

from __future__ import annotations


class UnchangedSaveAdmin:
    """A change form posted with no field changed is not saved: no history row (django-simple-history
    writes one on every save), no `updated_at` bump and no admin log entry. Inline rows it changed are
    still saved (`save_related`) and logged."""

    def save_model(self, request, obj, form, change):
        if change and not form.has_changed():
            return
        super().save_model(request, obj, form, change)

    def log_change(self, request, obj, message):
        if not message:  # `construct_change_message`: neither the form nor an inline changed
            return None
        return super().log_change(request, obj, message)
