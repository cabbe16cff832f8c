from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from pricing.models import Lifecycle, Product


class LicenseLoginForm(AuthenticationForm):
    """License number + password. The error never says which of the two was wrong."""

    username = forms.CharField(
        label=_("License number"),
        max_length=32,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username", "inputmode": "numeric"}),
    )
    error_messages = {
        "invalid_login": _("License number or password is wrong. Ask your customer manager if you forgot it."),
        "inactive": _("License number or password is wrong. Ask your customer manager if you forgot it."),
    }


class StockReportForm(forms.Form):
    product = forms.ModelChoiceField(
        label=_("Product"), queryset=Product.objects.exclude(lifecycle=Lifecycle.WITHDRAWN).order_by("name")
    )
    cartons = forms.IntegerField(label=_("Cartons in stock"), min_value=0, max_value=10_000)
