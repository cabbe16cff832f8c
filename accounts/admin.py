from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin
from unfold.forms import AdminPasswordChangeForm, UserChangeForm, UserCreationForm

from .models import User

PERMISSION_ACTIONS = {"add": _("Can add"), "change": _("Can change"), "delete": _("Can delete"), "view": _("Can view")}


def permission_words(permission) -> str:
    """A permission in the reader's language (Django stores its name in English: "Can view county branch")."""
    model = permission.content_type.model_class()
    action = PERMISSION_ACTIONS.get(permission.codename.split("_", 1)[0])
    if model is None or action is None:
        return str(permission)
    return f"{model._meta.app_config.verbose_name} | {model._meta.verbose_name} | {action}"


class PermissionWordsAdmin:
    """The permission choosers name each permission in the reader's language."""

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if db_field.name in ("permissions", "user_permissions") and field is not None:
            field.label_from_instance = permission_words
        return field


@admin.register(User)
class UserAdmin(PermissionWordsAdmin, BaseUserAdmin, ModelAdmin):
    form = UserChangeForm
    add_form = UserCreationForm
    change_password_form = AdminPasswordChangeForm
    list_display = ("username", "first_name", "last_name", "role", "phone", "is_active")
    list_filter = ("role", "is_active", "is_staff")
    search_fields = ("username", "first_name", "last_name", "phone", "email")
    fieldsets = (*BaseUserAdmin.fieldsets, (_("Role"), {"fields": ("role", "phone")}))
    add_fieldsets = (*BaseUserAdmin.add_fieldsets, (_("Role"), {"fields": ("role",)}))


admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(PermissionWordsAdmin, BaseGroupAdmin, ModelAdmin):
    pass
