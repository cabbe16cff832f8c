from django import forms
from django.utils.translation import gettext_lazy as _

from core.exceptions import DomainError
from cycles.models import CycleStatus
from pricing.models import Lifecycle

from .models import QuotaException, SupplyPlanLine
from .services import QUOTA_MAX, QUOTA_RANGE, AboveTarget, ShopNotServed, quota_exception_check


class QuotaExceptionForm(forms.ModelForm):
    class Meta:
        model = QuotaException
        fields = ("cycle", "product", "retailer", "quota", "reason")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "quota" in self.fields:
            self.fields["quota"].widget.attrs.update(min=0, max=QUOTA_MAX)
        if "reason" in self.fields:  # shown word for word on the shop's phone (portal: 主管 批准的例外：…)
            self.fields["reason"].help_text = _(
                "The retailer reads this reason on its phone, under the product's quota: write it for the retailer."
            )

    def clean_quota(self):
        quota = self.cleaned_data.get("quota")
        if quota is not None and not 0 <= quota <= QUOTA_MAX:  # as the service refuses it (quota_exception_set)
            raise forms.ValidationError(_(QUOTA_RANGE) % {"max": f"{QUOTA_MAX:,}"})
        return quota

    def clean_product(self):
        product = self.cleaned_data.get("product")
        if product is not None and product.lifecycle == Lifecycle.WITHDRAWN:
            raise forms.ValidationError(
                _("%(product)s is withdrawn: a withdrawn product takes no new exception.") % {"product": product.name}
            )
        return product

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
        retailer, quota = data.get("retailer"), data.get("quota")
        if not self.errors and all(v is not None for v in (cycle, product, retailer, quota)):
            # the service's own check, before the form asks to confirm: what it would refuse is said here
            try:
                quota_exception_check(cycle=cycle, product=product, retailer=retailer, quota=quota)
            except AboveTarget as exc:
                self.add_error("quota", str(exc))
            except ShopNotServed as exc:
                self.add_error("retailer", str(exc))
            except DomainError as exc:
                raise forms.ValidationError(str(exc)) from exc
        return data

    def _get_validation_exclusions(self):
        # One exception per cycle, product and retailer: a new one replaces the one there is (the service
        # updates it, audited with the one it replaces, and the form asks to confirm first), never a
        # "already exists" refusal.
        return {*super()._get_validation_exclusions(), "retailer"}

    def replaces(self) -> QuotaException | None:
        data = self.cleaned_data
        return (
            QuotaException.objects.filter(
                cycle=data.get("cycle"), product=data.get("product"), retailer=data.get("retailer")
            )
            .select_related("approved_by")
            .first()
        )

    def needs_confirmation(self) -> bool:
        """A valid exception that changes a promise retailers read (a published cycle), or replaces an
        exception already approved, is confirmed first."""
        cycle = self.cleaned_data.get("cycle")
        return cycle is not None and (cycle.status == CycleStatus.PUBLISHED or self.replaces() is not None)
