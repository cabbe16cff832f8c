"""Who is eligible for a plan line, which cell each retailer falls in, and the caps per cell
(methods A and B). Pure pandas/numpy; the retailer frame holds one row per retailer with the
registry's columns (tier, status, order_cycle_kind, order_week_parity, is_pos_supplier,
branch_id, department_id, market_type, urban_rural_code, business_format, trade_area,
credit_rating, integrity_group).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .caps import tier_caps

DIMENSION_COLUMNS = {
    "county": "branch_id",
    "market_department": "department_id",
    "market_type": "market_type",
    "urban_rural_code": "urban_rural_code",
    "business_format": "business_format",
    "trade_area": "trade_area",
    "credit_rating": "credit_rating",
    "integrity_group": "integrity_group",
}
TAG_COLUMNS = {"pos_supplier": "is_pos_supplier", "quality_customer": "is_quality_customer"}


@dataclass(frozen=True)
class PlanLine:
    target: int
    lowest_tier: int = 1
    highest_tier: int = 30
    dimensions: tuple[str, ...] = ()
    scope: tuple[dict, ...] = ()  # cells named by the plan; () = the whole city
    tag_filter: str = ""
    biweekly_double: bool = False
    allow_over: bool = False
    cell_ratios: dict | None = None  # first dimension's value → ratio; None = by share of eligible weight


@dataclass
class CellCaps:
    cell: tuple
    target: int
    weights: np.ndarray  # eligible weight per tier, lowest tier first
    caps: np.ndarray
    released: int
    warnings: list[dict] = field(default_factory=list)  # {"code": ..., **figures}; words in `allocation.reports`
    rotated: bool = False  # too scarce for one carton each: rotated instead of caps
    figures: dict[str, int] = field(default_factory=dict)  # cartons at each step of the rules (`rules.CellOutcome`)


def orders_this_cycle(retailers: pd.DataFrame, week_parity: str) -> pd.Series:
    kind = retailers["order_cycle_kind"]
    return (kind == "weekly") | ((kind == "biweekly") & (retailers["order_week_parity"] == week_parity))


def eligible(retailers: pd.DataFrame, line: PlanLine, week_parity: str) -> pd.Series:
    """Active, in the tier range, matching the tag filter, ordering this cycle, inside the scope."""
    tier = retailers["tier"].fillna(0)
    mask = (retailers["status"] == "active") & tier.between(line.lowest_tier, line.highest_tier)
    mask &= orders_this_cycle(retailers, week_parity)
    if line.tag_filter:
        mask &= retailers[TAG_COLUMNS[line.tag_filter]].astype(bool)
    if line.scope:
        in_scope = pd.Series(False, index=retailers.index)
        for cell in line.scope:
            match = pd.Series(True, index=retailers.index)
            for dim, value in cell.items():
                match &= retailers[DIMENSION_COLUMNS[dim]] == value
            in_scope |= match
        mask &= in_scope
    return mask


def split_target(target: int, weights: dict[tuple, int], ratios: dict | None = None) -> dict[tuple, int]:
    """Whole cartons per cell, largest remainder, summing to target.

    By share of eligible weight, or by `ratios` keyed by the cell's first value (e.g. urban 4 :
    rural 6); cells sharing a first value split its part by their weight.
    """
    cells = sorted(weights)
    if ratios:
        first_total: dict = {}
        for c in cells:
            first_total[c[0]] = first_total.get(c[0], 0) + weights[c]
        ratio = {str(k): float(v) for k, v in ratios.items()}  # JSON keys are text; county ids are numbers
        share = np.array([ratio.get(str(c[0]), 0.0) * weights[c] / max(first_total[c[0]], 1) for c in cells])
    else:
        share = np.array([float(weights[c]) for c in cells])
    if share.sum() <= 0:
        return dict.fromkeys(cells, 0)
    exact = target * share / share.sum()
    whole = np.floor(exact).astype(int)
    order = np.lexsort((-share, -(exact - whole)))  # largest remainder first; ties to the larger cell
    whole[order[: target - whole.sum()]] += 1
    return dict(zip(cells, whole.tolist(), strict=True))


# What the rules read of each eligible retailer besides its cell's dimensions (when present).
CARRIED_COLUMNS = ["tier", "order_cycle_kind", "credit_rating", "penalty_factor", "penalty_reasons", "is_vulnerable"]


def line_cells(retailers: pd.DataFrame, line: PlanLine, week_parity: str) -> tuple[pd.DataFrame, list[tuple]]:
    """The eligible retailers with their weight and cell number, and the cells (sorted keys).
    Only the columns the rules and the cells need are carried (a copy per line is the cost)."""
    wanted = [*CARRIED_COLUMNS, *(DIMENSION_COLUMNS[d] for d in line.dimensions)]
    columns = [c for c in dict.fromkeys(wanted) if c in retailers.columns]
    chosen = retailers.loc[eligible(retailers, line, week_parity).to_numpy(), columns]
    weight = np.where(line.biweekly_double & (chosen["order_cycle_kind"] == "biweekly").to_numpy(), 2, 1)
    if line.dimensions and not chosen.empty:
        groups = chosen.groupby([DIMENSION_COLUMNS[d] for d in line.dimensions], sort=True, observed=True)
        cell = groups.ngroup().to_numpy(np.int64)
        cells = [
            tuple(v.item() if isinstance(v, np.generic) else v for v in (key if isinstance(key, tuple) else (key,)))
            for key in groups.size().index
        ]
    else:
        cells, cell = [()], np.zeros(len(chosen), dtype=np.int64)
    return chosen.assign(weight=weight, cell=cell), cells


def cell_weights(chosen: pd.DataFrame, cells: list[tuple], line: PlanLine) -> tuple[np.ndarray, dict[tuple, int]]:
    """Eligible weight per cell and tier (cells × tiers, lowest tier first) and each cell's target."""
    n_tiers = line.highest_tier - line.lowest_tier + 1
    tier_index = chosen["tier"].to_numpy(dtype=np.int64) - line.lowest_tier
    flat = chosen["cell"].to_numpy() * n_tiers + tier_index
    weights = np.bincount(flat, weights=chosen["weight"].to_numpy(), minlength=len(cells) * n_tiers)
    weights = weights.reshape(len(cells), n_tiers).astype(np.int64)
    targets = split_target(line.target, {k: int(w.sum()) for k, w in zip(cells, weights, strict=True)}, line.cell_ratios)
    return weights, targets


def line_caps(
    retailers: pd.DataFrame,
    line: PlanLine,
    week_parity: str,
    shape: np.ndarray | None = None,
    *,
    max_step: int | None = None,
) -> list[CellCaps]:
    """Exact caps per cell and tier for one plan line, before any individual rule (method C's band totals)."""
    chosen, cells = line_cells(retailers, line, week_parity)
    n_tiers = line.highest_tier - line.lowest_tier + 1
    if chosen.empty:
        return [
            CellCaps((), line.target, np.zeros(n_tiers, int), np.zeros(n_tiers, int), 0, [{"code": "empty_scope"}])
        ]
    weights, targets = cell_weights(chosen, cells, line)
    shape_in_range = None if shape is None else np.asarray(shape)[line.lowest_tier - 1 : line.highest_tier]
    out = []
    for key, w in zip(cells, weights, strict=True):
        result = tier_caps(w, targets[key], shape=shape_in_range, allow_over=line.allow_over, max_step=max_step)
        out.append(CellCaps(key, targets[key], w, result.caps, result.released))
    return out
