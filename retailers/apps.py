from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RetailersConfig(AppConfig):
    name = "retailers"
    verbose_name = _("Retailers")

    def ready(self) -> None:
        from django.utils.translation import gettext

        from core.audit_words import Records, audit_keys_register, audit_objects_register

        def retailer_words(retailer) -> str:  # 城关便利店 · 许可证 420302100001 (no name: its customer code)
            licence = gettext("licence %(licence)s") % {"licence": retailer.license_no}
            return f"{retailer.name or retailer.customer_code} · {licence}"

        audit_objects_register("retailer", Records("retailers.Retailer", retailer_words))
        audit_keys_register({"created": _("login newly created")}, action="retailer.login_reset")
