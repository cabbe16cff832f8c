"""Compliance figures as the admin shows them: per retailer, manager, market department, branch or
product over a date range, with the price index (one term per product: its mean charged ÷ guide,
weighted by the year's ordered cartons; `engine.checks.price_index`) and a trend per week or month.
Only the inspections of retailers the user may see are read."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd
from django.contrib.auth import get_user_model
from django.db.models import Sum

from orders.models import Order
from pricing.models import Product
from retailers.models import CountyBranch, MarketDepartment, Retailer
from retailers.selectors import scope_to_visible_retailers

from .engine.checks import figures, price_index, supply_signals
from .models import InspectionLine
from .selectors import inspection_checks

LEVELS = ("retailer", "manager", "department", "branch", "product")
STEPS = ("week", "month")


@dataclass
class GroupRow:
    key: int
    label: str
    on_display: int
    tag_rate: float
    price_on_target: float | None
    below_guide: int
    above_guide: int
    above_ceiling: int
    violations: int
    price_index: float | None
    signal: str = ""  # products only: "over" or "scarce"


@dataclass
class ComplianceReport:
    start: dt.date
    end: dt.date
    groups: list[GroupRow]
    trend: list[tuple[dt.date, float, float | None]]  # period start, tag rate, price index
    inspections: int


def sales_weights(end: dt.date) -> pd.Series:
    """Cartons ordered per product in the 52 weeks before `end` (the price index's weights)."""
    rows = (
        Order.objects.filter(cycle__starts_on__gt=end - dt.timedelta(weeks=52), cycle__starts_on__lte=end)
        .values("product_id")
        .annotate(cartons=Sum("ordered_qty"))
        .values_list("product_id", "cartons")
    )
    return pd.Series(dict(rows), dtype=float)


def _labels(level: str, keys: list[int]) -> dict[int, str]:
    if level == "retailer":
        rows = Retailer.objects.filter(pk__in=keys).values_list("pk", "customer_code", "name")
        return {pk: f"{code} {name}" for pk, code, name in rows}
    if level == "product":
        rows = Product.objects.filter(pk__in=keys).values_list("pk", "code", "name")
        return {pk: f"{code} {name}" for pk, code, name in rows}
    if level == "manager":
        return {u.pk: u.get_full_name() or u.get_username() for u in get_user_model().objects.filter(pk__in=keys)}
    model = {"department": MarketDepartment, "branch": CountyBranch}[level]
    return dict(model.objects.filter(pk__in=keys).values_list("pk", "name"))


def _period_start(days: pd.Series, step: str) -> pd.Series:
    stamps = pd.to_datetime(days)
    if step == "month":
        return stamps.dt.to_period("M").dt.start_time.dt.date
    return (stamps - pd.to_timedelta(stamps.dt.day_of_week, unit="D")).dt.date


def compliance_report(*, user, level: str, step: str, start: dt.date, end: dt.date) -> ComplianceReport:
    lines = scope_to_visible_retailers(
        InspectionLine.objects.filter(inspection__visited_on__gte=start, inspection__visited_on__lte=end),
        user=user, field="inspection__retailer",
    )  # fmt: skip
    checks = inspection_checks(lines, areas=True)
    if checks.empty:
        return ComplianceReport(start, end, [], [], 0)
    weights = sales_weights(end)
    checks = checks.dropna(subset=[level]).astype({level: "int64"})
    out = figures(checks, [level]).join(price_index(checks, weights, [level]))
    signals = supply_signals(checks)["signal"] if level == "product" else pd.Series(dtype=object)
    labels = _labels(level, [int(k) for k in out.index])
    groups = [
        GroupRow(
            int(key),
            labels.get(int(key), str(key)),
            int(r.on_display),
            float(r.tag_rate),
            None if pd.isna(r.price_on_target) else float(r.price_on_target),
            int(r.below_guide),
            int(r.above_guide),
            int(r.above_ceiling),
            int(r.violations),
            None if pd.isna(r.price_index) else float(r.price_index),
            str(signals.get(key, "")),
        )  # fmt: skip
        for key, r in out.iterrows()
    ]
    groups.sort(key=lambda g: (g.tag_rate, g.label))
    checks["period"] = _period_start(checks["visited_on"], step)
    over_time = figures(checks, ["period"]).join(price_index(checks, weights, ["period"]))
    trend = [
        (day, float(r.tag_rate), None if pd.isna(r.price_index) else float(r.price_index))
        for day, r in over_time.iterrows()
    ]
    return ComplianceReport(start, end, groups, trend, int(checks["inspection"].nunique()))
