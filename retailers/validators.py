"""A retailer's license number and phone, checked the same way wherever they are written: the model's
fields (so the admin's form and any form or serializer made from them), the customer import's columns.

- A license number (许可证号, also the retailer's login name) is the tobacco retail license's 12 digits;
  "manager2" is not one.
- A phone is digits, with an optional + at the start and spaces, hyphens or brackets between them
  (138 0000 0000, 0731-8888 1234, +86 138 0000 0000), 5 to 20 digits; "+1+1" is not one."""

from __future__ import annotations

import re

import pandas as pd
from django.core.exceptions import ValidationError
from django.utils.translation import gettext, gettext_noop

from core.exceptions import Reason

LICENSE_NO = re.compile(r"[0-9]{12}")
PHONE = re.compile(r"\+?[0-9()（）][0-9()（） -]*")
PHONE_DIGITS = (5, 20)

LICENSE_NO_MESSAGE = gettext_noop("A license number is 12 digits, such as 420864576998.")
PHONE_MESSAGE = gettext_noop(
    "A phone number is digits, with an optional + at the start and spaces or hyphens between them, such as "
    "138 0000 0000 or 0731-8888 1234."
)
LICENSE_NO_REASON = gettext_noop("not a license number (12 digits)")
PHONE_REASON = gettext_noop("not a phone number (digits, an optional + at the start, spaces or hyphens)")


def is_license_no(value: object) -> bool:
    return isinstance(value, str) and LICENSE_NO.fullmatch(value) is not None


def is_phone(value: object) -> bool:
    if not isinstance(value, str) or PHONE.fullmatch(value) is None:
        return False
    digits = sum(c.isdigit() for c in value)
    return PHONE_DIGITS[0] <= digits <= PHONE_DIGITS[1]


def validate_license_no(value) -> None:
    if not is_license_no(value):
        raise ValidationError(gettext(LICENSE_NO_MESSAGE), code="invalid_license_no")


def validate_phone(value) -> None:
    if value and not is_phone(value):
        raise ValidationError(gettext(PHONE_MESSAGE), code="invalid_phone")


def _reasons(values: pd.Series, good, reason: str) -> pd.Series:
    out = pd.Series(pd.NA, index=values.index, dtype="object")
    bad = values.map(lambda v: isinstance(v, str) and not good(v))
    out[bad] = Reason(reason)
    return out


def license_no_errors(values: pd.Series) -> pd.Series:
    """An import column's check (`core.imports.columns.Column.extra_checks`): a reason per cell that is not
    a license number, NA where it is one or blank."""
    return _reasons(values, is_license_no, LICENSE_NO_REASON)


def phone_errors(values: pd.Series) -> pd.Series:
    return _reasons(values, is_phone, PHONE_REASON)
