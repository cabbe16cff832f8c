"""The request forms of the phone pages and the admin. They only collect the input: the rules (text
length, photo, who may act) are the services', whose errors are put back beside each field."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .models import RATING_MAX, RATING_MIN, TEXT_MAX, Category

RATING_LABELS = {
    1: pgettext_lazy("rating", "Very poor"),
    2: pgettext_lazy("rating", "Poor"),
    3: pgettext_lazy("rating", "Fair"),
    4: pgettext_lazy("rating", "Good"),
    5: pgettext_lazy("rating", "Very good"),
}


class FileRequestForm(forms.Form):
    category = forms.ChoiceField(label=_("What is it about?"), choices=[("", "—"), *Category.choices])
    text = forms.CharField(
        label=_("Your request"), max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("Please write what it is about.")},
    )  # fmt: skip
    photo = forms.FileField(
        label=_("Photo (optional)"), required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*"}),
    )  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].error_messages["required"] = _("Choose what the request is about.")


class ReplyForm(forms.Form):
    text = forms.CharField(
        label=_("Your reply"), max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Please write your reply.")},
    )  # fmt: skip


class RatingForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("How good was the answer?"), coerce=int, widget=forms.RadioSelect,
        choices=[(n, f"{'★' * n} {RATING_LABELS[n]}") for n in range(RATING_MAX, RATING_MIN - 1, -1)],
        error_messages={"required": _("Choose from 1 to 5 stars.")},
    )  # fmt: skip


class AnswerForm(forms.Form):
    """The customer manager's (or supervisor's) answer in the admin; `resolve` closes the request."""

    text = forms.CharField(
        label=_("Answer"), max_length=TEXT_MAX, required=False, widget=forms.Textarea(attrs={"rows": 5, "cols": 80})
    )
