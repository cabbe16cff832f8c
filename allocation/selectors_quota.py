"""A retailer's quota, resolved on read from the published cap table."""

from __future__ import annotations

import json

import pandas as pd

from retailers.models import Retailer

from .engine.cells import DIMENSION_COLUMNS, eligible
from .models import AllocationRun, CellCap
from .selectors import REGISTRY_COLUMNS, plan_line_input


def retailer_quotas(*, retailer: Retailer, cycle) -> dict[str, int]:
    """Product code → cartons this retailer may order in the cycle (published run only)."""
    allocation = AllocationRun.objects.filter(cycle=cycle, is_published=True).first()
    if allocation is None or retailer.tier is None:
        return {}
    me = pd.DataFrame([[getattr(retailer, c) for c in REGISTRY_COLUMNS]], columns=REGISTRY_COLUMNS)
    out: dict[str, int] = {}
    rows = CellCap.objects.filter(allocation=allocation, tier=retailer.tier).select_related("plan_line__product")
    for cap in rows:
        line = cap.plan_line
        if not eligible(me, plan_line_input(line), cycle.week_parity).iloc[0]:
            continue
        cell = json.loads(cap.cell) if cap.cell else {}
        if all(getattr(retailer, DIMENSION_COLUMNS[d]) == v for d, v in cell.items()):
            factor = 2 if line.biweekly_double and retailer.order_cycle_kind == "biweekly" else 1
            out[line.product.code] = cap.cap * factor
    return out
