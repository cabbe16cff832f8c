"""Rows and posts shared by the security tests: each setting the issue names, made with
update_or_create (never a data migration's row), and what a browser would post for a form."""

from __future__ import annotations

from decimal import Decimal

from django import forms

from allocation.models import AllocationPolicy
from compliance.models import CompliancePolicy
from pricing.models import PriceBand, PriceClassRule
from tiers.models import ClassificationScheme


def make_allocation_policy():
    policy, _ = AllocationPolicy.objects.update_or_create(
        name="安全测试策略", defaults={"is_active": False, "vulnerable_bonus": 1, "retailer_ceiling": None}
    )
    return policy


def make_compliance_policy():
    policy = CompliancePolicy.objects.order_by("pk").first() or CompliancePolicy()
    policy.ceiling_ratio = Decimal("1.10")
    policy.save()
    return policy


def make_scheme():
    scheme, _ = ClassificationScheme.objects.update_or_create(
        name="安全测试方案", defaults={"is_active": False, "move_limit": 3}
    )
    return scheme


def make_price_class_rule():
    rule, _ = PriceClassRule.objects.update_or_create(
        price_class="V", defaults={"min_allocation_price": Decimal("1.00"), "min_wholesale_price": Decimal("2.00")}
    )
    return rule


def make_price_band():
    band, _ = PriceBand.objects.update_or_create(
        label="安全测试段", defaults={"min_wholesale_price": Decimal("987.65")}
    )
    return band


# (maker, the attack the issue reports: field → value a manager posted and the database stored)
CONFIG = {
    "allocation policy": (make_allocation_policy, {"vulnerable_bonus": 9, "retailer_ceiling": 99}),
    "compliance policy": (make_compliance_policy, {"ceiling_ratio": "3.00"}),
    "classification scheme": (make_scheme, {"move_limit": 29}),
    "price class rule": (make_price_class_rule, {"min_wholesale_price": "0.01"}),
    "price band": (make_price_band, {"min_wholesale_price": "1.23"}),
}


def form_data(form) -> dict:
    """What the browser would post for this form, as it stands."""
    data = {}
    for name, field in form.fields.items():
        value = form[name].value()  # as the widget renders it (JSON as text)
        if isinstance(field, forms.BooleanField):
            if value:
                data[name] = "on"
            continue
        data[name] = "" if value is None else value
    return data


def state(obj) -> dict:
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}
