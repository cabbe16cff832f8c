"""Finding order cycles."""

from __future__ import annotations

import datetime as dt
import re

from .models import OrderCycle

CYCLE_LABEL = re.compile(r"(\d{4})-(\d{1,2})-(\d)")


def cycle_by_label(label: str) -> OrderCycle | None:
    """The cycle named YEAR-MONTH-WEEK (e.g. 2026-11-4), as the marketing system names it.

    Raises ValueError when `label` is not of that form; None when no such cycle exists."""
    match = CYCLE_LABEL.fullmatch(label.strip())
    if match is None:
        raise ValueError(f"expected YEAR-MONTH-WEEK, e.g. 2026-11-4, not {label!r}")
    year, month, week = (int(g) for g in match.groups())
    return OrderCycle.objects.filter(year=year, month=month, week_seq=week).first()


def current_cycle(today: dt.date) -> OrderCycle | None:
    """The cycle running today, else the next one."""
    return OrderCycle.objects.filter(ends_on__gte=today).order_by("starts_on").first()
