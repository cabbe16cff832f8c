from django.contrib.auth.models import AbstractUser
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

    @property
    def is_supervisor(self) -> bool:
        return self.is_superuser or self.role == Role.SUPERVISOR

    @property
    def is_manager(self) -> bool:
        return self.role == Role.MANAGER and not self.is_superuser
