from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TiersConfig(AppConfig):
    """Tier classification (档位): schemes, re-rating proposals, publishing, overrides and explanations."""

    name = "tiers"
    verbose_name = _("Tier classification")

    def ready(self) -> None:
        from django.utils.translation import gettext

        from core.audit_words import Records, audit_keys_register, audit_objects_register

        def proposal_words(proposal) -> str:  # #3（截至 2026-11-22）
            return gettext("#%(number)s as of %(date)s") % {"number": proposal.pk, "date": proposal.as_of.isoformat()}

        audit_objects_register("tier_proposal", Records("tiers.TierProposal", proposal_words))
        audit_keys_register(
            {"changed": _("retailers whose tier changed"), "retailers": _("retailers rated")}, action="tiers.publish"
        )
