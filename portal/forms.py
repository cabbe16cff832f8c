from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from pricing.models import Lifecycle, Product


class LicenseLoginForm(AuthenticationForm):
    """License number (a retailer) or username (staff) + password. The error never says which of
    the two was wrong. `for_staff`: the page a customer manager or supervisor asked for (their phone
    pages, the admin): it asks for the username, with a text keyboard."""

    username = forms.CharField(
        label=_("License number or username"),
        max_length=150,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username", "inputmode": "numeric"}),
    )
    error_messages = {
        "invalid_login": _("License number or password is wrong. Ask your customer manager if you forgot it."),
        "inactive": _("License number or password is wrong. Ask your customer manager if you forgot it."),
    }

    def __init__(self, request=None, *args, for_staff: bool = False, **kwargs):
        super().__init__(request, *args, **kwargs)
        if for_staff:
            self.fields["username"].label = _("Username")
            self.fields["username"].widget.attrs.pop("inputmode", None)
            wrong = _("Username or password is wrong.")
            self.error_messages = {**self.error_messages, "invalid_login": wrong, "inactive": wrong}


class StockReportForm(forms.Form):
    product = forms.ModelChoiceField(
        label=_("Product"),
        queryset=Product.objects.exclude(lifecycle=Lifecycle.WITHDRAWN).order_by("name"),
        empty_label=_("Choose a product"),  # words, not Django's "---------"
    )
    cartons = forms.IntegerField(label=_("Cartons in stock"), min_value=0, max_value=10_000)
