"""Titled tables: one source for a page, its XLSX and its PDF, so the three always show the same figures."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal

from django.utils.formats import date_format, number_format

TEXT, INT, MONEY, PCT, CHANGE, DATE, MONTH = "text", "int", "money", "pct", "change", "date", "month"


@dataclass
class Table:
    key: str
    title: str
    headers: list[str]
    kinds: list[str]
    rows: list[list]

    def formatted(self) -> list[list[str]]:
        return [[display(v, k) for v, k in zip(row, self.kinds, strict=True)] for row in self.rows]


def display(value, kind: str) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return "—"
    if kind == MONEY:
        return number_format(Decimal(value).quantize(Decimal("0.01")), 2, force_grouping=True)
    if kind == PCT:
        return f"{float(value) * 100:.1f}%"
    if kind == CHANGE:
        return f"{float(value) * 100:+.1f}%"
    if kind == INT:
        return number_format(int(value), 0, force_grouping=True)
    if kind == DATE:
        return value.isoformat() if isinstance(value, dt.date) else str(value)
    if kind == MONTH:  # a month by its first day: 2025年11月, November 2025
        return date_format(value, "YEAR_MONTH_FORMAT") if isinstance(value, dt.date) else str(value)
    return str(value)


def natural_key(text: str) -> list:
    """Sort key reading digits as numbers: manager2 before manager10 (a plain sort gives 1, 10, 11, 2)."""
    return [(0, int(part), "") if part.isdigit() else (1, 0, part.casefold()) for part in re.split(r"(\d+)", text) if part]
