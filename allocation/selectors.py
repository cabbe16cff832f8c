"""Reads for allocation: the registry as one frame, plan lines as engine inputs."""

from __future__ import annotations

import pandas as pd

from retailers.models import Retailer

from .engine.cells import PlanLine
from .models import SupplyPlanLine

REGISTRY_COLUMNS = [
    "id", "tier", "status", "order_cycle_kind", "order_week_parity", "is_pos_supplier", "is_quality_customer",
    "branch_id", "department_id", "market_type", "urban_rural_code", "business_format", "trade_area",
    "credit_rating", "integrity_group", "is_vulnerable",
]  # fmt: skip


def registry_frame() -> pd.DataFrame:
    rows = Retailer.objects.values_list(*REGISTRY_COLUMNS)
    return pd.DataFrame(list(rows), columns=REGISTRY_COLUMNS).set_index("id")


def plan_line_input(line: SupplyPlanLine) -> PlanLine:
    return PlanLine(
        target=line.target,
        lowest_tier=line.lowest_tier,
        highest_tier=line.highest_tier,
        dimensions=tuple(line.dimensions),
        scope=tuple(line.scope),
        tag_filter=line.tag_filter,
        biweekly_double=line.biweekly_double,
        allow_over=line.allow_over,
    )
