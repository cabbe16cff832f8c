from django import forms
from django.utils.translation import gettext_lazy as _


class TierOverrideForm(forms.Form):
    tier = forms.IntegerField(label=_("New tier"), min_value=1, max_value=30)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=1000)
