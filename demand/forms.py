"""The retailer's demand report form: one box per product, starting from its report or its recent orders."""

from __future__ import annotations

from django import forms

from .models import MAX_CARTONS
from .selectors import DemandLine


class DemandReportForm(forms.Form):
    """Cartons wanted per product (field `cartons_<product pk>`); a blank box reports nothing for that product
    (and withdraws an earlier report of it)."""

    def __init__(self, *args, lines: list[DemandLine], **kwargs):
        super().__init__(*args, **kwargs)
        self.lines = lines
        for line in lines:
            self.fields[f"cartons_{line.product.pk}"] = forms.IntegerField(
                label=line.product.name, required=False, min_value=0, max_value=MAX_CARTONS, initial=line.value,
                widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 0, "max": MAX_CARTONS, "step": 1}),
            )  # fmt: skip

    def cartons(self) -> dict[int, int | None]:
        """Product id → cartons (None for a blank box)."""
        return {line.product.pk: self.cleaned_data.get(f"cartons_{line.product.pk}") for line in self.lines}

    def rows(self) -> list[tuple[DemandLine, forms.BoundField]]:
        return [(line, self[f"cartons_{line.product.pk}"]) for line in self.lines]
