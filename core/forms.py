from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop
from unfold.widgets import UnfoldAdminFileFieldWidget, UnfoldAdminSelectWidget

from .imports.base import IMPORTERS
from .imports.reading import UnreadableFile

KIND_LABELS = {
    "customers": _("Customers (retailer registry)"),
    "assignments": _("Customer manager assignments"),
    "products": _("Products and prices"),
    "orders": _("Order history"),
    "stock": _("Stock counts (POS data)"),
    "supply_plan": _("Supply plan"),
}


class ImportForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What the file holds"),
        choices=[(k, KIND_LABELS.get(k, k)) for k in IMPORTERS],
        widget=UnfoldAdminSelectWidget,
    )
    # named below; the admin theme's own file widget (its script expects that markup)
    file = forms.FileField(label=_("File (.xlsx or .csv)"), allow_empty_file=True, widget=UnfoldAdminFileFieldWidget)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".xlsx", ".xlsm", ".csv")):
            raise forms.ValidationError(_("Use an .xlsx or .csv file."))
        if not upload.size:
            raise forms.ValidationError(str(UnreadableFile(upload.name, gettext_noop("the file is empty."))))
        return upload
