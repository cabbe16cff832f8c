from importlib import import_module

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    SUPERVISOR = "supervisor", _("Supervisor")
    MANAGER = "manager", _("Customer manager")
    RETAILER = "retailer", _("Retailer")


class User(AbstractUser):
    """A person who logs in. Retailers log in with their license number as username."""

    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.MANAGER)
    phone = models.CharField(_("phone"), max_length=32, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        """The person's name wherever a user is shown (an approver, an inspector, a run's actor, a
        picker); the login only for a user with no name recorded (a retailer's login is its license)."""
        return self.get_full_name() or self.get_username()

    @property
    def is_supervisor(self) -> bool:
        return self.is_superuser or self.role == Role.SUPERVISOR

    @property
    def is_manager(self) -> bool:
        return self.role == Role.MANAGER and not self.is_superuser

    def set_password(self, raw_password) -> None:
        """Also marks the login's sessions and API tokens to end when the user is saved
        (`accounts.sessions.logins_end_on_password_change`), whichever form changed the password."""
        super().set_password(raw_password)
        self.password_changed = True

    def set_unusable_password(self) -> None:
        super().set_unusable_password()
        self.password_changed = True


class UserSession(AbstractBaseSession):
    """A server-side session (`accounts.sessions`), with the user it belongs to, so that every
    session of a login can be ended at once: its password changed or reset."""

    # Longer than Django's 40: the key starts with the user's id (`accounts.sessions.session_key_for`).
    session_key = models.CharField(_("session key"), max_length=64, primary_key=True)
    user = models.ForeignKey(
        User, models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("user")
    )

    class Meta(AbstractBaseSession.Meta):
        verbose_name = _("session")
        verbose_name_plural = _("sessions")

    @classmethod
    def get_session_store_class(cls):
        return import_module(settings.SESSION_ENGINE).SessionStore


class LoginLockout(AccessAttempt):
    """django-axes's failed-login record of one login name from one client address, under the
    accounts' name: locked once its failures reach AXES_FAILURE_LIMIT within AXES_COOLOFF_TIME.
    A supervisor lifts it in the admin (`core.lockouts`)."""

    class Meta:
        proxy = True
        verbose_name = _("login lock-out")
        verbose_name_plural = _("login lock-outs")
