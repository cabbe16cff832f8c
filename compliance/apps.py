from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplianceConfig(AppConfig):
    """Price-tag compliance (明码标价, 明码实价): inspections, the week's inspection list, standings, figures, tag sheets."""

    name = "compliance"
    verbose_name = _("Price-tag compliance")
