"""Reading compliance: the policy, inspection lines as checks, standings and supply signals."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from .engine.checks import line_checks, supply_signals
from .models import CompliancePolicy, ComplianceStanding, InspectionLine


def compliance_policy() -> CompliancePolicy:
    """The company's compliance policy: its one row, or (before a supervisor saves one) an unsaved
    policy with the defaults of docs/domain.md §5. Reads only."""
    return CompliancePolicy.objects.order_by("pk").first() or CompliancePolicy()


CHECK_FIELDS = {
    "inspection": "inspection",
    "retailer": "inspection__retailer",
    "visited_on": "inspection__visited_on",
    "product": "product",
    "guide_price": "guide_price",
    "tag_present": "tag_present",
    "tag_price": "tag_price",
    "price_carton": "price_carton",
    "price_pack": "price_pack",
    "packs_per_carton": "product__packs_per_carton",
}
AREA_FIELDS = {
    "manager": "inspection__retailer__manager",
    "department": "inspection__retailer__department",
    "branch": "inspection__retailer__branch",
}


def inspection_checks(lines, *, areas: bool = False, policy: CompliancePolicy | None = None) -> pd.DataFrame:
    """Inspection lines (a queryset) as checked rows (`compliance.line_checks`), with the visit,
    its retailer and day (and, with `areas`, the retailer's manager, department and branch); empty
    if there are none."""
    fields = {**CHECK_FIELDS, **(AREA_FIELDS if areas else {})}
    frame = pd.DataFrame(list(lines.values_list(*fields.values())), columns=list(fields))
    if frame.empty:
        return frame
    ratio = float((policy or compliance_policy()).ceiling_ratio)
    return line_checks(frame, ceiling_ratio=ratio)


def repeat_violator_ids() -> list[int]:
    """Retailers whose standing marks them as repeat price-tag violators (read by allocation)."""
    return sorted(ComplianceStanding.objects.filter(repeat_violator=True).values_list("retailer_id", flat=True))


def compliance_rates() -> pd.Series:
    """Each inspected retailer's compliance rate over the standing window (read by classification)."""
    rows = ComplianceStanding.objects.values_list("retailer_id", "compliance_rate")
    return pd.Series(dict(rows), dtype=float, name="compliance")


def recent_supply_signals(*, product_ids: list[int], until, weeks: int = 8) -> dict[int, dict]:
    """Per product, what the last `weeks` of inspections say about its supply (see `compliance.supply_signals`)."""
    checks = inspection_checks(
        InspectionLine.objects.filter(
            product_id__in=product_ids,
            inspection__visited_on__gt=until - dt.timedelta(weeks=weeks),
            inspection__visited_on__lte=until,
        )
    )
    return {} if checks.empty else supply_signals(checks).to_dict("index")
