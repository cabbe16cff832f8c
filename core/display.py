"""Figures and names as a person reads them in a list: a tier as D30, a person by full name, an amount
with thousands separators and its unit (1,234 条, 12,345.60 元, 12.5%). One helper for every admin list
column and filter (`core.admin_mixins.ReadableListAdmin`) and any page that shows the same figures.
A list of words reads as the reader's language writes one (`words`: 长河(金)、云峰(精品) · Changhe, Yunfeng),
a counted noun in its plural form (`plural_count` for ngettext: 1 carton, 2 cartons, 0.5 cartons)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal

from django.utils.formats import number_format
from django.utils.translation import gettext, ngettext, pgettext

CARTONS, YUAN, PERCENT, POINTS, NUMBER = "cartons", "yuan", "percent", "points", "number"


def words(items: Iterable) -> str:
    """Items joined as the reader's language writes a list: 、 in Chinese, ", " in English. Every
    list of words shown to people goes through here (templates: the `words` filter of `display`)."""
    return pgettext("list separator", ", ").join(str(item) for item in items)


def words_and(items: Iterable) -> str:
    """Items joined as a sentence names them, the last two with "and": "amount, cartons and value per
    carton" · 购进金额、购进条数和单条值."""
    items = [str(item) for item in items]
    if len(items) < 2:
        return words(items)
    return pgettext("list ending", "%(rest)s and %(last)s") % {"rest": words(items[:-1]), "last": items[-1]}


def plural_count(value) -> int:
    """The count that picks a noun's form in ngettext for a figure: the figure itself when whole
    (1 carton, 2 cartons), else 0, since a decimal reads as plural in English (0.5 cartons, 1.5
    cartons); Chinese has one form."""
    try:
        number = Decimal(str(value))
    except ArithmeticError:
        return 0
    return int(number) if number.is_finite() and number == number.to_integral_value() else 0


def tier_text(tier: int | None) -> str:
    """A tier as people write it (docs/domain.md §2): D1 … D30, or — for none."""
    return "—" if tier in (None, "") else f"D{tier}"


def person_name(user) -> str:
    """A staff member by name (张伟), never by login; the login only when no name is recorded."""
    if user is None:
        return "—"
    name = user.get_full_name().strip() if hasattr(user, "get_full_name") else ""
    return name or str(getattr(user, "username", user))


def person_name_of(username: str | None, first_name: str | None = "", last_name: str | None = "") -> str:
    """`person_name` from the columns a `.values()` row reads (manager__username, manager__first_name,
    manager__last_name): 王经理1, never manager1 · 王经理1; the login only when no name is recorded;
    — for no one. Sort such names with `natural_key` (王经理2 before 王经理10)."""
    name = f"{first_name or ''} {last_name or ''}".strip()
    return name or username or "—"


def grouped(value, places: int | None = None) -> str:
    """A number with thousands separators: 1,234 · 12,345.60 (`places` fixed) · 2.5 (a float: at most 2
    places, no trailing zeros)."""
    if isinstance(value, int):
        return number_format(value, places or 0, force_grouping=True)
    number = Decimal(str(value))
    if places is None:
        number = number.quantize(Decimal("0.01")).normalize()
        places = max(0, -number.as_tuple().exponent)
    return number_format(number.quantize(Decimal(1).scaleb(-places)), places, force_grouping=True)


def figure(value, unit: str = NUMBER) -> str:
    """A figure with its unit: "1,234 条", "12,345.60 元", "12.5%" (a share given as 0.125), "72 分", "1,234"."""
    if value is None or value == "" or (isinstance(value, float) and value != value):
        return "—"
    if unit == CARTONS:
        return ngettext("%(n)s carton", "%(n)s cartons", plural_count(value)) % {"n": grouped(value)}
    if unit == YUAN:
        return f"{grouped(Decimal(str(value)), 2)} {gettext('yuan')}"
    if unit == POINTS:
        return ngettext("%(n)s point", "%(n)s points", plural_count(value)) % {"n": grouped(value)}
    if unit == PERCENT:
        return f"{grouped(float(value) * 100, 1)}%"
    return grouped(value)


def natural_key(text: str) -> list:
    """Sort key reading digits as numbers: manager2 before manager10 (a plain sort gives 1, 10, 11, 2)."""
    return [(0, int(p), "") if p.isdigit() else (1, 0, p.casefold()) for p in re.split(r"(\d+)", str(text)) if p]
