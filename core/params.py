"""Query parameters (`?cycle=`, `?start=`, `?budget=`, `?run=` …) read and checked in one place.

A value that is there but wrong is refused with `BadParameter`, a 400 that names the parameter in
the active language: an API answers with its JSON error body (`core.api.exception_handler`), a page
with a short page saying what to change (`core.middleware.BadParameterMiddleware`). A blank or
missing value is the caller's default. Each reader takes the request (Django's or DRF's), the
parameter's name and `label`, the words a user knows it by ("start date", not `start`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

from django.core.exceptions import BadRequest
from django.utils.text import capfirst
from django.utils.translation import gettext as _

ID_MAX = 2**63 - 1  # a database id (bigint)
EARLIEST = dt.date(2000, 1, 1)
LATEST = dt.date(2099, 12, 31)
SHOWN = 40  # characters of a refused value repeated back
_DIGITS = re.compile(r"[+-]?[0-9]+")
_DATE = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})")


class BadParameter(BadRequest):
    """A query parameter with a value that cannot be used; `message` is for the user."""

    def __init__(self, name: str, message: str):
        self.name = name
        self.message = message
        super().__init__(f"?{name}=: {message}")

    @property
    def errors(self) -> dict[str, list[str]]:
        """Each parameter refused → its messages, in the active language (an API's `fields`)."""
        return {self.name: [self.message]}


class MissingParameters(BadParameter):
    """Parameters a request must name and did not, each named by its label ("订货周期 is required")."""

    def __init__(self, missing: dict[str, str]):
        self.missing = {name: required_message(label) for name, label in missing.items()}
        name = next(iter(missing))
        super().__init__(name, " ".join(self.missing.values()))

    @property
    def errors(self) -> dict[str, list[str]]:
        return {name: [message] for name, message in self.missing.items()}


def required_message(label: str) -> str:
    return _("%(label)s is required.") % {"label": capfirst(label)}


def required(request, **labels: str) -> dict[str, str]:
    """The stripped values of parameters the request must name ({name: label}); those missing or blank
    are refused together, each by its label."""
    values = {name: raw(request, name, label=label) for name, label in labels.items()}
    missing = {name: labels[name] for name, value in values.items() if value is None}
    if missing:
        raise MissingParameters(missing)
    return values  # type: ignore[return-value]


def _shown(value: str) -> str:
    return value if len(value) <= SHOWN else value[: SHOWN - 1] + "…"


def raw(request, name: str, *, label: str) -> str | None:
    """The stripped value, None when missing or blank. A NUL character is refused (PostgreSQL
    cannot store or compare it)."""
    value = request.GET.get(name)  # DRF's Request hands GET to Django's
    if value is None:
        return None
    if "\x00" in value:
        raise BadParameter(name, _("%(label)s contains a character that cannot be used.") % {"label": capfirst(label)})
    return value.strip() or None


def integer(
    request, name: str, *, label: str, default: int | None = None, minimum: int | None = None, maximum: int = ID_MAX
) -> int | None:
    """A whole number (ASCII digits, optional sign) within [minimum, maximum] (at most a bigint)."""
    value = raw(request, name, label=label)
    if value is None:
        return default
    if not _DIGITS.fullmatch(value):
        raise BadParameter(
            name,
            _("%(label)s must be a whole number, not “%(value)s”.")
            % {"label": capfirst(label), "value": _shown(value)},
        )
    number = int(value) if len(value.lstrip("+-0")) <= 19 else None  # beyond a bigint either way
    if number is None or (minimum is not None and number < minimum) or number > maximum:
        raise BadParameter(name, _out_of_range(label, minimum, maximum))
    return number


def identifier(request, name: str, *, label: str) -> int | None:
    """A database id: a whole number from 1."""
    return integer(request, name, label=label, minimum=1)


def date(
    request, name: str, *, label: str, default: dt.date | None = None, earliest: dt.date = EARLIEST,
    latest: dt.date = LATEST,
) -> dt.date | None:  # fmt: skip
    """A day written year-month-day (2026-03-01; 2026-3-1 too) that exists, within [earliest, latest]."""
    value = raw(request, name, label=label)
    if value is None:
        return default
    found = _DATE.fullmatch(value)
    try:
        day = dt.date(*(int(g) for g in found.groups())) if found else None
    except ValueError:  # 2026-02-30, month 13
        day = None
    if day is None:
        raise BadParameter(
            name,
            _("%(label)s must be a day that exists, written year-month-day such as 2026-03-01, not “%(value)s”.")
            % {"label": capfirst(label), "value": _shown(value)},
        )
    if not earliest <= day <= latest:
        raise BadParameter(
            name,
            _("%(label)s must be between %(earliest)s and %(latest)s.")
            % {"label": capfirst(label), "earliest": earliest.isoformat(), "latest": latest.isoformat()},
        )
    return day


def decimal(
    request, name: str, *, label: str, default: Decimal | None = None, minimum: Decimal | None = None,
    maximum: Decimal | None = None, places: int = 2,
) -> Decimal | None:  # fmt: skip
    """A finite number (no NaN, no infinity, at most `places` decimals) within [minimum, maximum];
    thousands separators (1,500 or 1，500) are allowed."""
    value = raw(request, name, label=label)
    if value is None:
        return default
    text = value.replace(",", "").replace("，", "")
    try:
        number = Decimal(text) if re.fullmatch(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)", text) else None
    except InvalidOperation:
        number = None
    if number is None:
        raise BadParameter(
            name,
            _("%(label)s must be a number such as 1500 or 1500.50, not “%(value)s”.")
            % {"label": capfirst(label), "value": _shown(value)},
        )
    if (minimum is not None and number < minimum) or (maximum is not None and number > maximum):
        raise BadParameter(name, _out_of_range(label, minimum, maximum))
    if -number.as_tuple().exponent > places:  # type: ignore[operator]
        raise BadParameter(
            name, _("%(label)s has more than %(places)s decimals.") % {"label": capfirst(label), "places": places}
        )
    return number


def choice(request, name: str, choices: Iterable[str], *, label: str, default: str) -> str:
    """One of `choices` (the values the page's own links and forms send)."""
    value = raw(request, name, label=label)
    if value is None:
        return default
    if value not in set(choices):
        raise BadParameter(
            name,
            _("%(label)s “%(value)s” is not one of the choices.") % {"label": capfirst(label), "value": _shown(value)},
        )
    return value


def text(request, name: str, *, label: str, max_length: int = 50) -> str:
    """Free text such as a search box: stripped and cut to `max_length` ("" when missing)."""
    return (raw(request, name, label=label) or "")[:max_length]


def _out_of_range(label: str, minimum, maximum) -> str:
    if minimum is None:
        return _("%(label)s must be at most %(maximum)s.") % {"label": capfirst(label), "maximum": f"{maximum:,}"}
    if maximum is None:
        return _("%(label)s must be at least %(minimum)s.") % {"label": capfirst(label), "minimum": f"{minimum:,}"}
    return _("%(label)s must be between %(minimum)s and %(maximum)s.") % {
        "label": capfirst(label),
        "minimum": f"{minimum:,}",
        "maximum": f"{maximum:,}",
    }
