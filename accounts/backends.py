from django.contrib.auth.backends import ModelBackend

from .cache import user_by_id
from .models import Role


class RoleBackend(ModelBackend):
    """Model permissions follow the role: an active supervisor may use every admin model.

    Customer managers get no model permissions from here; the project's own admins
    decide what they may see (always limited to their own retailers).
    """

    def has_perm(self, user_obj, perm, obj=None):
        if user_obj.is_active and getattr(user_obj, "role", None) == Role.SUPERVISOR:
            return True
        return super().has_perm(user_obj, perm, obj)

    def has_module_perms(self, user_obj, app_label):
        if user_obj.is_active and getattr(user_obj, "role", None) == Role.SUPERVISOR:
            return True
        return super().has_module_perms(user_obj, app_label)

    def get_user(self, user_id):
        """The logged-in user of a session, from the cache (`accounts.cache`)."""
        user = user_by_id(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None
