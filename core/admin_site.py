"""The admin site: every admin registered on it (the project's, Django's and the libraries': users,
groups, schedules, tokens) and each of their inlines checks the ids it reads
(`core.admin_autocomplete.CheckedKeysAdmin`): an id no record could have (`?retailer=abc`,
`99999999999999999999999/change/`, `?cycle=99999999999999999999999` on a list) is a missing record or
a refused choice, never a server error (tester 2026-11-27). `settings.INSTALLED_APPS` names
`CheckedKeysAdminConfig` in place of `django.contrib.admin` and django-unfold's `BasicAppConfig` (the
theme without its own site), so `admin.site` is this site, django-unfold's site checking ids."""

from __future__ import annotations

import types

from django.contrib.admin import ModelAdmin
from django.contrib.admin.apps import AdminConfig
from unfold.sites import UnfoldAdminSite


def mixed_in(mixin: type, admin_class: type) -> type:
    """`admin_class` with `mixin` before its own bases, under its own name (itself if it has it)."""
    if issubclass(admin_class, mixin):
        return admin_class
    names = {
        "__module__": admin_class.__module__,
        "__qualname__": admin_class.__qualname__,
        "__doc__": admin_class.__doc__,
    }
    return types.new_class(admin_class.__name__, (mixin, admin_class), exec_body=lambda ns: ns.update(names))


class CheckedKeysSite(UnfoldAdminSite):
    def register(self, model_or_iterable, admin_class=None, **options):
        from core.admin_autocomplete import checked_admin
        from core.admin_lists import WordedEmptyChoiceAdmin  # list filters' "none" choice in words, not "-"

        admin_class = mixed_in(WordedEmptyChoiceAdmin, admin_class or ModelAdmin)
        super().register(model_or_iterable, checked_admin(admin_class), **options)


class CheckedKeysAdminConfig(AdminConfig):
    default_site = "core.admin_site.CheckedKeysSite"
