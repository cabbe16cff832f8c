from django import forms
from django.utils.translation import gettext_lazy as _
from unfold.widgets import UnfoldAdminSelectWidget, UnfoldAdminTextareaWidget

TIERS = range(1, 31)  # D1…D30 (`services.tier_override` refuses any other)


class TierOverrideForm(forms.Form):
    """A supervisor's override, in django-unfold's fields (the admin theme's select and text box)."""

    tier = forms.TypedChoiceField(
        label=_("New tier"), coerce=int, choices=[("", _("Choose a tier")), *((t, f"D{t}") for t in TIERS)], widget=UnfoldAdminSelectWidget,
        help_text=_("The tier this retailer has from now until the next published re-rating."),
    )  # fmt: skip
    reason = forms.CharField(
        label=_("Reason"), max_length=1000, widget=UnfoldAdminTextareaWidget(attrs={"rows": 3}),
        help_text=_(
            "Why the tier is set by hand (a field check, a new shop…). Kept in the retailer's tier history "
            "and the audit log."
        ),
    )  # fmt: skip
