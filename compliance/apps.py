from django.apps import AppConfig
from django.utils.translation import pgettext_lazy


class ComplianceConfig(AppConfig):
    """Price-tag compliance (明码标价, 明码实价): inspections, the week's inspection list, standings, figures, tag sheets."""

    name = "compliance"
    verbose_name = pgettext_lazy("app", "Price-tag compliance")
