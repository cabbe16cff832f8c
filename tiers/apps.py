from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TiersConfig(AppConfig):
    """Tier classification (档位): schemes, re-rating proposals, publishing, overrides and explanations."""

    name = "tiers"
    verbose_name = _("Tier classification")
