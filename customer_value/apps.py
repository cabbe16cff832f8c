from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CustomerValueConfig(AppConfig):
    name = "customer_value"
    verbose_name = _("Customer value")
