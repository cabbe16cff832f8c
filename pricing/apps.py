from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PricingConfig(AppConfig):
    name = "pricing"
    verbose_name = _("Products and prices")

    def ready(self) -> None:
        from core.audit_words import Records, audit_values_register

        # a product kept by its code in an audit entry (a quota exception's): by its name, then its code
        audit_values_register("product", Records("pricing.Product", lambda p: f"{p.name} · {p.code}", field="code"))
