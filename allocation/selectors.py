"""Reads for allocation: the registry as one frame, plan lines as engine inputs, a retailer's quotas."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pandas as pd
from django.db import connection

from orders.models import Order, OrderCycle
from retailers.models import Retailer

from .engine.cells import DIMENSION_COLUMNS, PlanLine, eligible
from .models import AllocationRun, CellCap, SupplyPlanLine

REGISTRY_COLUMNS = [
    "id", "tier", "status", "order_cycle_kind", "order_week_parity", "is_pos_supplier", "is_quality_customer",
    "branch_id", "department_id", "market_type", "urban_rural_code", "business_format", "trade_area",
    "credit_rating", "integrity_group", "is_vulnerable",
]  # fmt: skip


CATEGORY_COLUMNS = [
    "status", "order_cycle_kind", "order_week_parity", "market_type", "urban_rural_code", "business_format",
    "trade_area", "credit_rating", "integrity_group",
]  # fmt: skip


def registry_frame() -> pd.DataFrame:
    """The registry as one frame; low-cardinality text as categoricals (fast comparisons per plan line)."""
    rows = Retailer.objects.values_list(*REGISTRY_COLUMNS)
    frame = pd.DataFrame(list(rows), columns=REGISTRY_COLUMNS).set_index("id")
    return frame.astype(dict.fromkeys(CATEGORY_COLUMNS, "category"))


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


def demand_shapes(*, product_ids: list[int], before, weeks: int = 4) -> dict[int, np.ndarray]:
    """Mean cartons ordered per ordering retailer, per tier (index 0 = D1), over recent cycles.

    Retailers are placed by their current tier. Products with no recent orders are absent
    (the engine then uses its default shape).
    """
    if not product_ids:
        return {}
    qn = connection.ops.quote_name
    marks = ", ".join(["%s"] * len(product_ids))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT o.product_id, r.tier, SUM(o.ordered_qty), COUNT(DISTINCT o.retailer_id) "  # noqa: S608
            f"FROM {qn(Order._meta.db_table)} o JOIN {qn(OrderCycle._meta.db_table)} c ON c.id = o.cycle_id "
            f"JOIN {qn(Retailer._meta.db_table)} r ON r.id = o.retailer_id "
            f"WHERE c.starts_on >= %s AND c.starts_on < %s AND r.tier IS NOT NULL AND o.product_id IN ({marks}) "
            "GROUP BY o.product_id, r.tier",
            [before - dt.timedelta(weeks=weeks), before, *product_ids],
        )
        rows = cursor.fetchall()
    shapes: dict[int, np.ndarray] = {}
    for product_id, tier, cartons, retailers in rows:
        shape = shapes.setdefault(product_id, np.zeros(30))
        shape[int(tier) - 1] = float(cartons) / max(int(retailers), 1)
    return shapes


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
