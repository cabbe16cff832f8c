"""One cycle's quotas from its inputs, every release method: plain data in, plain data out.

The selectors gather the inputs (registry frame, demand shapes, history); the engine does the
maths; the services write the result. Nothing here touches the database.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from .cells import CellCaps, PlanLine, line_caps, line_cells
from .direct import demand_quotas, selected_quotas
from .rules import NEVER_SERVED, Reason, Rules, apply_rules, penalties_of

NO_ADJUSTMENTS = pd.DataFrame(
    {"base": pd.Series(dtype=np.int64), "quota": pd.Series(dtype=np.int64), "reasons": pd.Series(dtype=np.int64)}
)


@dataclass(frozen=True)
class Policy:
    """What the computation and the explanations use; `rules` are the engine's individual rules."""

    name: str = ""
    rules: Rules = Rules()
    max_step: int | None = None
    default_top_ratio: float = 2.0
    band_cut_tiers: tuple[int, ...] = (21, 11)
    demand_weeks: int = 4
    full_order_uplift: float = 0.2


@dataclass(frozen=True)
class LineInput:
    """One plan line as the computation needs it."""

    line_id: int
    product_id: int
    method: str  # A–E
    plan: PlanLine
    shape: np.ndarray | None = None  # demand per retailer per tier, D1 first (30 values)
    price_band: str = ""  # method C: the product's band label
    band_rank: int = 0  # method C: 0 = dearest band in the plan
    forecast: pd.Series | None = None  # method D: retailer → expected cartons
    selected: frozenset[int] = frozenset()  # method E: retailer ids
    last_served: pd.Series | None = None  # retailer → ordinal day last served in a rotation


@dataclass
class LineResult:
    line_id: int
    cells: list[CellCaps]
    adjustments: pd.DataFrame = field(default_factory=lambda: NO_ADJUSTMENTS)  # index retailer: base, quota, reasons


@dataclass
class BandResult:
    price_band: str
    lowest_tier: int
    caps: CellCaps


def default_shape(top_ratio: float) -> np.ndarray:
    return np.linspace(1.0, float(top_ratio), 30)


def compute_lines(
    registry: pd.DataFrame, inputs: list[LineInput], *, week_parity: str, policy: Policy, seed: int
) -> tuple[list[LineResult], list[BandResult]]:
    """Caps, per-retailer quotas and warnings for every line; method C's band totals."""
    results, bands = line_results(registry, inputs, week_parity=week_parity, policy=policy, seed=seed)
    return list(results), bands


def line_results(
    registry: pd.DataFrame, inputs: list[LineInput], *, week_parity: str, policy: Policy, seed: int
) -> tuple[Iterator[LineResult], list[BandResult]]:
    """As `compute_lines`, with the lines computed one at a time as they are iterated (so a caller
    can stream each line's rows to the database while the next one is computed)."""
    factor, reasons = penalties_of(registry.index.to_numpy(), registry["credit_rating"], policy.rules)
    registry = registry.assign(penalty_factor=factor, penalty_reasons=reasons)
    bands = [
        _band_caps(registry, members, week_parity, policy)
        for members in _by_band([i for i in inputs if i.method == "C"]).values()
    ]
    band_caps = {b.price_band: b for b in bands}

    def results() -> Iterator[LineResult]:
        for item in inputs:
            if item.method in ("D", "E"):
                yield _direct_line(registry, item, week_parity, seed, demand=item.method == "D")
            else:
                band = band_caps.get(item.price_band) if item.method == "C" else None
                yield _tier_line(registry, item, week_parity, policy, seed, band)

    return results(), bands


def _by_band(inputs: list[LineInput]) -> dict[str, list[LineInput]]:
    out: dict[str, list[LineInput]] = {}
    for item in sorted(inputs, key=lambda i: (i.band_rank, i.line_id)):
        out.setdefault(item.price_band, []).append(item)
    return out


def _band_lowest_tier(members: list[LineInput], policy: Policy) -> int:
    cut = policy.band_cut_tiers[members[0].band_rank] if members[0].band_rank < len(policy.band_cut_tiers) else 1
    return min(max(cut, min(m.plan.lowest_tier for m in members)), max(m.plan.highest_tier for m in members))


def _band_caps(registry: pd.DataFrame, members: list[LineInput], week_parity: str, policy: Policy) -> BandResult:
    """Method C: a total per tier for the whole band (lower tiers cut from the dearer bands)."""
    lowest = _band_lowest_tier(members, policy)
    plan = replace(
        members[0].plan,
        target=sum(m.plan.target for m in members),
        lowest_tier=lowest,
        highest_tier=max(m.plan.highest_tier for m in members),
        dimensions=(),
        cell_ratios=None,
    )
    shape = members[0].shape if members[0].shape is not None else default_shape(policy.default_top_ratio)
    caps = line_caps(registry, plan, week_parity, shape, max_step=policy.max_step)[0]
    return BandResult(members[0].price_band, lowest, caps)


def _tier_line(
    registry: pd.DataFrame, item: LineInput, week_parity: str, policy: Policy, seed: int, band: BandResult | None
) -> LineResult:
    """Methods A, B (and C inside its band): exact caps per cell, then the individual rules."""
    plan = item.plan
    warnings_extra: list[str] = []
    if band is not None and band.lowest_tier > plan.lowest_tier:
        plan = replace(plan, lowest_tier=min(band.lowest_tier, plan.highest_tier))
        warnings_extra.append(f"price band {item.price_band}: tiers below D{plan.lowest_tier} cut off")
    if band is not None:
        plan = replace(plan, dimensions=(), cell_ratios=None)
    chosen, cells = line_cells(registry, plan, week_parity)
    shape = item.shape if item.shape is not None else default_shape(policy.default_top_ratio)
    caps = line_caps(registry, plan, week_parity, shape, max_step=policy.max_step, chosen=chosen, cells=cells)
    if band is not None:
        band_vector = np.zeros(30, dtype=np.int64)
        band_vector[band.lowest_tier - 1 : band.lowest_tier - 1 + len(band.caps.caps)] = band.caps.caps
        for c in caps:
            c.caps = np.minimum(c.caps, band_vector[plan.lowest_tier - 1 : plan.highest_tier])
            c.released = int((c.caps * c.weights).sum())
    for c in caps:
        c.warnings.extend(warnings_extra)
    if chosen.empty:
        return LineResult(item.line_id, caps)
    ceiling = policy.rules.ceiling
    targets = np.array([c.target for c in caps], dtype=np.int64)
    if ceiling is not None:
        for c in caps:
            if c.target > ceiling * int(c.weights.sum()):
                c.warnings.append("target above what the tier range can take")
    served = item.last_served if item.last_served is not None else pd.Series(dtype=np.int64)
    chosen = chosen.assign(last_served=served.reindex(chosen.index).fillna(NEVER_SERVED).astype(np.int64).to_numpy())
    matrix = np.vstack([c.caps for c in caps])
    outcome = apply_rules(chosen, matrix, targets, policy.rules, lowest_tier=plan.lowest_tier, seed=seed)
    for i, c in enumerate(caps):
        c.released = int(outcome.released[i])
        if outcome.rotated[i]:
            c.caps = np.zeros_like(c.caps)
            c.served = outcome.served[i]
            in_cell = int((chosen["cell"].to_numpy() == i).sum())
            c.warnings.append(f"rotation: {len(c.served)} of {in_cell} retailers served")
    return LineResult(item.line_id, caps, outcome.adjustments)


def _direct_line(registry: pd.DataFrame, item: LineInput, week_parity: str, seed: int, *, demand: bool) -> LineResult:
    """Methods D and E: a quota per retailer, no caps."""
    plan = item.plan
    chosen, _ = line_cells(registry, replace(plan, dimensions=()), week_parity)
    warnings: list[str] = []
    if not demand:
        chosen = chosen[chosen.index.isin(list(item.selected))]
    n_tiers = plan.highest_tier - plan.lowest_tier + 1
    weights = np.bincount(
        chosen["tier"].to_numpy(np.int64) - plan.lowest_tier, weights=chosen["weight"].to_numpy(), minlength=n_tiers
    ).astype(np.int64)
    if chosen.empty:
        warnings.append("no selected retailers" if not demand else "empty scope")
        quotas, base, reason = pd.Series(dtype=np.int64), pd.Series(dtype=np.int64), Reason.SELECTED
    elif demand:
        forecast = (
            (item.forecast if item.forecast is not None else pd.Series(dtype=float)).reindex(chosen.index).fillna(0.0)
        )
        forecast = forecast * chosen["weight"]
        quotas = demand_quotas(forecast, plan.target, chosen["tier"], seed)
        base, reason = np.round(forecast.reindex(quotas.index)).astype(np.int64), Reason.DEMAND
        if float(forecast.sum()) < plan.target:
            warnings.append(f"target above forecast demand ({float(forecast.sum()):.0f} cartons)")
        if quotas.empty:
            warnings.append("no recent demand in scope")
    else:
        quotas = selected_quotas(chosen["weight"], chosen["tier"], plan.target, seed)
        base, reason = quotas, Reason.SELECTED
    released = int(quotas.sum())
    cell = CellCaps((), plan.target, weights, np.zeros(n_tiers, dtype=np.int64), released, warnings)
    adjustments = pd.DataFrame(
        {"base": base.to_numpy(np.int64), "quota": quotas.to_numpy(np.int64), "reasons": int(reason)},
        index=quotas.index,
    )
    adjustments.index.name = "retailer"
    return LineResult(item.line_id, [cell], adjustments)
