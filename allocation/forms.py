from django import forms
from django.utils.translation import gettext_lazy as _

from cycles.models import CycleStatus

from .models import QuotaException, SupplyPlanLine


class QuotaExceptionForm(forms.ModelForm):
    class Meta:
        model = QuotaException
        fields = ("cycle", "product", "retailer", "quota", "reason")

    def clean(self):
        data = super().clean()
        cycle, product = data.get("cycle"), data.get("product")
        if cycle is not None and cycle.status == CycleStatus.CLOSED:
            raise forms.ValidationError(_("This cycle is closed."))
        if (
            cycle is not None
            and product is not None
            and not SupplyPlanLine.objects.filter(cycle=cycle, product=product).exists()
        ):
            raise forms.ValidationError(_("This product is not in the cycle's supply plan."))
        if not (data.get("reason") or "").strip():
            self.add_error("reason", _("An exception needs a reason."))
        return data
