"""One cycle's quotas from its inputs, every release method: plain data in, plain data out.

The selectors gather the inputs (registry frame, demand shapes, history); the engine does the
maths; the services write the result. Nothing here touches the database.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from .cells import CellCaps, PlanLine, cell_weights, line_caps, line_cells
from .direct import demand_quotas, demand_wants, selected_quotas
from .rules import NEVER_SERVED, QUOTA_COLUMNS, Reason, Rules, cell_quotas, penalties_of

NO_QUOTAS = pd.DataFrame(
    {c: pd.Series(dtype=np.int64) for c in ["cell", *QUOTA_COLUMNS]},
    index=pd.Index([], dtype=np.int64, name="retailer"),
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
    reported_demand_weight: float = 0.0  # the weight of reported demand in the tier demand shape (0 = orders only)


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
    # retailer → cartons it reported for the cycle: method D replaces its forecast with it and never gives more;
    # every method counts it per cell for the run report (`figures` "reported", "reporters")
    reported: pd.Series | None = None
    selected: frozenset[int] = frozenset()  # method E: retailer ids
    # retailer → ordinal day it last received the product (read only if a cell rotates)
    last_served: pd.Series | Callable[[], pd.Series] | None = None
    # retailer → cartons the cycle's approved exceptions set on this line's product: those retailers are
    # taken out of the computation and their cartons come off the target first (`held_of`)
    held: pd.Series | None = None


@dataclass
class LineResult:
    """A line's cells and every retailer's quota as computed (index retailer: cell number, weight,
    base, quota, reasons, last_served; `rules.CellOutcome`)."""

    line_id: int
    cells: list[CellCaps]
    quotas: pd.DataFrame = field(default_factory=lambda: NO_QUOTAS)
    price_band: str = ""  # method C: the band the line was computed in (its label, as `BandResult.price_band`)


@dataclass
class BandResult:
    price_band: str
    lowest_tier: int
    caps: CellCaps


def default_shape(top_ratio: float) -> np.ndarray:
    return np.linspace(1.0, float(top_ratio), 30)


def held_of(item: LineInput) -> pd.Series | None:
    """The line's held quotas (retailer → cartons, whole and ≥ 0), None when no exception holds any."""
    if item.held is None or item.held.empty:
        return None
    held = item.held.dropna()
    return pd.Series(np.maximum(held.to_numpy(np.int64), 0), index=held.index.astype(np.int64)) if len(held) else None


def held_by(held: pd.Series) -> dict[str, int]:
    """What a run held per shop, as the line's first cell keeps it (`figures["held_by"]`, retailer id → cartons):
    the report counts an exception changed since the run by its change alone (`reports._exceptions_by_cell`)."""
    return {str(int(r)): int(c) for r, c in held.items()}


def held_target(item: LineInput) -> int:
    """What the computation places of a line's target: T less its held cartons (never below 0)."""
    held = held_of(item)
    return max(int(item.plan.target) - (int(held.sum()) if held is not None else 0), 0)


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
                result = _tier_line(registry, item, week_parity, policy, seed, band)
                result.price_band = band.price_band if band is not None else ""
                yield result

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
        target=sum(held_target(m) for m in members),  # each product's target less what its exceptions hold
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
    """Methods A, B (and C inside its band): per cell, exact caps with the individual rules inside.

    Held retailers (`LineInput.held`, the cycle's exceptions) still count in the cell weights that split T
    (the plan's split, `CellCaps.target`); each cell's search then runs over its other retailers for its
    target less the held cartons of its held retailers (never below 0). The held cartons of a retailer no
    cell reaches today, and those beyond their own cell's target, come off the cell with the most left (the
    first of equals), then the next, so released + held ≤ T wherever the exceptions alone are not above it.
    Held retailers get no quota here: their quota is the exception's, on reading. `figures["held"]`: the
    cartons of the cell's target the exceptions hold; the first cell's `figures["held_by"]`: each held shop's
    cartons (`held_by`)."""
    plan = item.plan
    warnings_extra: list[dict] = []
    if band is not None and band.lowest_tier > plan.lowest_tier:
        plan = replace(plan, lowest_tier=min(band.lowest_tier, plan.highest_tier))
        warnings_extra.append({"code": "band_cut", "band": item.price_band, "tier": plan.lowest_tier})
    if band is not None:
        plan = replace(plan, dimensions=(), cell_ratios=None)
    n_tiers = plan.highest_tier - plan.lowest_tier + 1
    held = held_of(item)
    chosen, cells = line_cells(registry, plan, week_parity)
    if chosen.empty:
        empty = CellCaps((), plan.target, np.zeros(n_tiers, int), np.zeros(n_tiers, int), 0, [{"code": "empty_scope"}])
        empty.warnings.extend(warnings_extra)
        if held is not None:
            empty.figures = {"held": min(int(held.sum()), plan.target), "held_by": held_by(held)}
        return LineResult(item.line_id, [empty])
    weights, targets = cell_weights(chosen, cells, plan)
    shape = item.shape if item.shape is not None else default_shape(policy.default_top_ratio)
    shape = np.asarray(shape)[plan.lowest_tier - 1 : plan.highest_tier]
    upper = None
    if band is not None:
        band_vector = np.zeros(30, dtype=np.int64)
        band_vector[band.lowest_tier - 1 : band.lowest_tier - 1 + len(band.caps.caps)] = band.caps.caps
        upper = band_vector[plan.lowest_tier - 1 : plan.highest_tier]
    cell_of = chosen["cell"].to_numpy(np.int64)
    eligible_ids, eligible_cell = chosen.index, cell_of  # every eligible retailer, held ones too (reports)
    total_weight = weights.sum(axis=1)
    plan_targets = np.array([targets[key] for key in cells], dtype=np.int64)
    held_cartons, held_weight = np.zeros(len(cells), dtype=np.int64), np.zeros(len(cells), dtype=np.int64)
    if held is not None:
        is_held = chosen.index.isin(held.index)
        cartons = held.reindex(chosen.index[is_held]).to_numpy(np.int64)
        held_cartons = np.bincount(cell_of[is_held], weights=cartons, minlength=len(cells)).astype(np.int64)
        held_weight = np.bincount(
            cell_of[is_held], weights=chosen["weight"].to_numpy()[is_held], minlength=len(cells)
        ).astype(np.int64)
        chosen, cell_of = chosen[~is_held], cell_of[~is_held]
    # what each cell's other retailers share; cartons held beyond their own cell's target, and those of a
    # held retailer no cell reaches today, come off the cell with the most left (then the next)
    searched = np.maximum(plan_targets - held_cartons, 0)
    if held is not None:
        spill = int(held.sum()) - int(held_cartons.sum()) + int(np.maximum(held_cartons - plan_targets, 0).sum())
        searched = _take_off_largest(searched, spill)
    taken = plan_targets - searched  # the cartons of each cell's target the exceptions hold
    if any(0 < searched[i] < total_weight[i] - held_weight[i] for i in range(len(cells))):
        served = item.last_served() if callable(item.last_served) else item.last_served
        served = served if served is not None else pd.Series(dtype=np.int64)
        chosen = chosen.assign(last_served=served.reindex(chosen.index).fillna(NEVER_SERVED).astype(np.int64))
    out_cells, parts = [], []
    for i, key in enumerate(cells):
        outcome = cell_quotas(
            chosen if len(cells) == 1 else chosen[cell_of == i], target=int(searched[i]), lowest_tier=plan.lowest_tier,
            n_tiers=n_tiers, rules=policy.rules, seed=seed, shape=shape, allow_over=plan.allow_over,
            max_step=policy.max_step, upper=upper,
        )  # fmt: skip
        cell = CellCaps(key, targets[key], weights[i], outcome.caps, outcome.released, list(warnings_extra))
        members = eligible_ids if len(cells) == 1 else eligible_ids[eligible_cell == i]
        cell.rotated, cell.figures = outcome.rotated, {**outcome.figures, **reported_in(item.reported, members)}
        if held is not None:
            cell.figures["held"] = int(taken[i])
        cell.warnings.extend(
            _cell_warnings(cell, plan, policy.rules, held=int(taken[i]), held_weight=int(held_weight[i]))
        )
        out_cells.append(cell)
        parts.append(outcome.quotas.assign(cell=i))
    if held is not None and out_cells:
        out_cells[0].figures["held_by"] = held_by(held)
    quotas = pd.concat(parts)[["cell", *QUOTA_COLUMNS]] if parts else NO_QUOTAS
    return LineResult(item.line_id, out_cells, quotas)


def _take_off_largest(targets: np.ndarray, cartons: int) -> np.ndarray:
    """`targets` less `cartons`, taken from the largest first (the first of equals), then the next; never below 0."""
    out = targets.copy()
    for i in np.argsort(-targets, kind="stable").tolist():  # a few cells, not retailers
        if cartons <= 0:
            break
        cut = min(int(out[i]), cartons)
        out[i] -= cut
        cartons -= cut
    return out


def _cell_warnings(cell: CellCaps, plan: PlanLine, rules: Rules, *, held: int = 0, held_weight: int = 0) -> list[dict]:
    """What a supervisor should know about a cell before publishing (codes; words in `allocation.reports`).
    Judged on what the cell's search had to place: its target less the cartons exceptions hold (`held`),
    among its retailers no exception holds (eligible weight less `held_weight`); a cell whose target the
    exceptions take whole releases nothing and lacks nothing."""
    out: list[dict] = []
    eligible = int(cell.weights.sum()) - held_weight
    placed = max(cell.target - held, 0)
    if plan.target == 0:
        out.append({"code": "target_zero"})
    if cell.rotated:
        served = int(cell.figures.get("released", 0))
        out.append({"code": "rotation", "cartons": served, "eligible": eligible})
    elif placed > 0 and cell.released == 0:
        out.append({"code": "nothing_released", "target": placed})
    if rules.ceiling is not None and placed > rules.ceiling * eligible:
        out.append({"code": "above_ceiling", "most": rules.ceiling * eligible})
    if cell.figures.get("not_searched"):
        out.append({"code": "not_searched"})
    lost = placed - cell.released
    if lost > 0 and not cell.rotated and cell.released > 0:
        out.append({"code": "unreleased", "cartons": lost, "target": cell.target})
    return out


def reported_in(reported: pd.Series | None, members: pd.Index) -> dict[str, int]:
    """The demand a cell's eligible retailers reported for the cycle: cartons and retailers reporting
    (a report of 0 counts as a report). Each cell counts its own retailers only, so a line split into
    cells, or a product on several lines, sets each cell's reports against that cell's target."""
    if reported is None or not len(members):
        return {"reported": 0, "reporters": 0}
    mine = reported.reindex(members).dropna()
    return {"reported": int(mine.sum()), "reporters": int(len(mine))}


def _direct_line(registry: pd.DataFrame, item: LineInput, week_parity: str, seed: int, *, demand: bool) -> LineResult:
    """Methods D and E: a quota per retailer, no caps. Held retailers (`LineInput.held`) are left out and
    their cartons come off the target first; they still count among the line's eligible."""
    plan = item.plan
    chosen, _ = line_cells(registry, replace(plan, dimensions=()), week_parity)
    warnings: list[dict] = []
    if not demand:
        chosen = chosen[chosen.index.isin(list(item.selected))]
    n_tiers = plan.highest_tier - plan.lowest_tier + 1
    weights = np.bincount(
        chosen["tier"].to_numpy(np.int64) - plan.lowest_tier, weights=chosen["weight"].to_numpy(), minlength=n_tiers
    ).astype(np.int64)
    held = held_of(item)
    target = held_target(item)
    eligible_ids = chosen.index  # held retailers too: the line's reports count every eligible retailer
    if chosen.empty:
        warnings.append({"code": "no_selected" if not demand else "empty_scope"})
    if held is not None:
        chosen = chosen[~chosen.index.isin(held.index)]
    if chosen.empty:
        quotas, base, reason = pd.Series(dtype=np.int64), pd.Series(dtype=np.int64), Reason.SELECTED
    elif demand:
        forecast = (
            (item.forecast if item.forecast is not None else pd.Series(dtype=float)).reindex(chosen.index).fillna(0.0)
        )
        forecast = demand_wants(forecast * chosen["weight"], item.reported)  # a report is for the cycle: not weighted
        quotas = demand_quotas(forecast, target, chosen["tier"], seed, reported=item.reported)
        base, reason = np.floor(forecast.reindex(quotas.index) + 0.5).astype(np.int64), Reason.DEMAND  # half up
        if float(forecast.sum()) < target:
            warnings.append({"code": "above_forecast", "cartons": int(round(float(forecast.sum())))})
        if quotas.empty:
            warnings.append({"code": "no_demand"})
    else:
        quotas = selected_quotas(chosen["weight"], chosen["tier"], target, seed)
        base, reason = quotas, Reason.SELECTED
    released = int(quotas.sum())
    cell = CellCaps((), plan.target, weights, np.zeros(n_tiers, dtype=np.int64), released, warnings)
    cell.figures = {"caps": released, "rotation": 0, "penalties": 0, "respread": 0, "bonus": 0, "released": released,
                    **reported_in(item.reported, eligible_ids)}  # fmt: skip
    if held is not None:
        cell.figures["held"] = plan.target - target  # the cartons of the target the exceptions hold
        cell.figures["held_by"] = held_by(held)
    frame = pd.DataFrame(
        {"cell": 0, "weight": chosen["weight"].reindex(quotas.index).fillna(1).to_numpy(np.int64),
         "base": base.to_numpy(np.int64), "quota": quotas.to_numpy(np.int64), "reasons": int(reason),
         "last_served": NEVER_SERVED},
        index=pd.Index(quotas.index.to_numpy(np.int64), name="retailer"),
    )  # fmt: skip
    return LineResult(item.line_id, [cell], frame)
