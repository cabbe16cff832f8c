"""The stock-count form shared by the retailer's stock page and the customer manager's visit: one
box per product, blank for a product not counted."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

MAX_CARTONS = 10_000


class StockCountsForm(forms.Form):
    """Cartons counted per product (field `count_<product pk>`); at least one box filled."""

    def __init__(self, *args, products, **kwargs):
        super().__init__(*args, **kwargs)
        self.products = list(products)
        for product in self.products:
            self.fields[f"count_{product.pk}"] = forms.IntegerField(
                label=product.name, required=False, min_value=0, max_value=MAX_CARTONS,
                widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 0}),
            )  # fmt: skip

    def clean(self):
        cleaned = super().clean()
        if not self.errors and all(cleaned.get(f"count_{p.pk}") is None for p in self.products):
            raise forms.ValidationError(_("Enter the cartons of at least one product."))
        return cleaned

    def counts(self) -> dict:
        """{product: cartons} of the boxes filled in."""
        return {
            p: self.cleaned_data[f"count_{p.pk}"]
            for p in self.products
            if self.cleaned_data.get(f"count_{p.pk}") is not None
        }

    def rows(self):
        """(product, bound field) pairs, for templates."""
        return [(p, self[f"count_{p.pk}"]) for p in self.products]
