from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CyclesConfig(AppConfig):
    """The weekly order cycle every other app keys on: the calendar, the current cycle, a cycle by its label."""

    name = "cycles"
    verbose_name = _("Order cycles")
