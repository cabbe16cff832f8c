"""The run report in words: per product and cell its target, what the caps released before the
rules, what each rule took or gave, what is left unreleased, warnings in the reader's language;
the summary a supervisor confirms before publishing; the spreadsheet (XLSX in the admin, CSV from
the command) with headers in the reader's language. Reads only."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import pandas as pd
import tablib
from django.utils.translation import gettext as _

from core.reports.formulas import neutralise, neutralise_row
from retailers.models import CountyBranch, MarketDepartment, Retailer
from retailers.vocabulary import RetailerStatus

from .engine.bitmaps import bitmap_count
from .engine.cells import DIMENSION_COLUMNS
from .models import AllocationRun, CellCap, CellReport, QuotaException, ReleaseMethod, SupplyPlanLine
from .selectors import exception_changes

# A line losing more than this share of its target is named before publishing.
LOSS_SHARE_NAMED = 0.01
# The methods whose quotas come from caps per tier (D and E set each retailer's quota: no tier caps).
TIER_CAP_METHODS = (ReleaseMethod.TIER, ReleaseMethod.TIER_EXTENDED, ReleaseMethod.PRICE_BAND)


def cell_text(cell: str) -> str:
    """A stored cell key in words: its values by their display names, e.g. "丹江口 · 城网"."""
    if not cell:
        return _("the whole scope")
    names = []
    for dimension, value in json.loads(cell).items():
        column = DIMENSION_COLUMNS.get(dimension, "")
        if column == "branch_id":
            names.append(str(CountyBranch.objects.filter(pk=value).values_list("name", flat=True).first() or value))
        elif column == "department_id":
            names.append(str(MarketDepartment.objects.filter(pk=value).values_list("name", flat=True).first() or value))
        elif column:
            names.append(str(dict(Retailer._meta.get_field(column).flatchoices).get(value, value)))
        else:
            names.append(str(value))
    return " · ".join(names) or _("the whole scope")


def warning_text(warning: dict | str) -> str:
    """One stored warning in the reader's language (runs before codes kept plain text: shown as is)."""
    if isinstance(warning, str):
        return warning
    texts = {
        "empty_scope": _("No eligible retailer in this cell."),
        "target_zero": _("The target is 0 cartons."),
        "band_cut": _("Price band %(band)s: tiers below D%(tier)s are cut off."),
        "rotation": _("Too scarce for one carton each: rotates, %(cartons)s cartons for %(eligible)s eligible."),
        "nothing_released": _("Nothing released: the caps cannot place %(target)s cartons here."),
        "above_ceiling": _("Target above what the ceiling allows: at most %(most)s cartons."),
        "unreleased": _("%(cartons)s of %(target)s cartons not released under the rules."),
        "no_selected": _("No selected retailer is eligible."),
        "above_forecast": _("Target above forecast demand (%(cartons)s cartons)."),
        "no_demand": _("No recent demand in scope."),
        "not_searched": _(
            "Target or ceiling too large to search exactly: the caps were cut to the bounds; check the target and the ceiling."
        ),
    }
    text = texts.get(warning.get("code", ""))
    if text is None:
        return _(str(warning.get("code", "")).replace("_", " "))  # a code without words: never as code
    params = {k: (f"{v:,}" if isinstance(v, int) else v) for k, v in warning.items() if k != "code"}
    return text % params


def report_rows(allocation_run: AllocationRun) -> list[dict]:
    """One row per product and cell: target, released by the caps before the rules, taken by
    penalties, re-spread, vulnerable bonus, released, what the cycle's exceptions change and released after
    them (what the quotas hold, `_exceptions_by_cell`), not released (the target less released after
    exceptions, never below 0: a run holds its exceptions' cartons off the target), eligible weight, caps
    D30…D1, eligible N30…N1, warnings (words), and the demand the cell's eligible retailers reported for
    the cycle (cartons, retailers, % of the cell's target: a scarcity signal; None for a run computed
    before cells counted their reports)."""
    caps = pd.DataFrame(
        CellCap.objects.filter(allocation=allocation_run).values_list(
            "plan_line_id", "cell", "tier", "cap", "eligible"
        ),
        columns=["plan_line", "cell", "tier", "cap", "eligible"],
    )
    grouped = {key: g.set_index("tier") for key, g in caps.groupby(["plan_line", "cell"])}
    empty = pd.DataFrame(columns=["cap", "eligible"])
    methods = dict(ReleaseMethod.choices)
    names: dict[str, str] = {}
    rows = []
    reports, excepted, above = _cell_reports(allocation_run)
    for r in reports:
        figures = r.figures or {}
        if r.cell not in names:
            names[r.cell] = cell_text(r.cell)
        after = r.released + excepted.get((r.plan_line_id, r.cell_no), 0)
        row = {
            "product_code": r.plan_line.product.code, "product_name": r.plan_line.product.name,
            "method": str(methods.get(r.plan_line.method, r.plan_line.method)), "cell": names[r.cell],
            "target": r.target,
            "caps_released": int(figures.get("caps", 0 if r.rotated else r.released)),
            "rotation": int(figures.get("rotation", r.released if r.rotated else 0)),
            "penalties": int(figures.get("penalties", 0)), "respread": int(figures.get("respread", 0)),
            "bonus": int(figures.get("bonus", 0)), "released": r.released,
            "exceptions": excepted.get((r.plan_line_id, r.cell_no), 0), "released_after_exceptions": after,
            "unreleased": max(r.target - after, 0), "rotated": r.rotated,
            "served": bitmap_count(r.served) if r.rotated else None,
            "tier_caps": r.plan_line.method in TIER_CAP_METHODS,
        }  # fmt: skip
        row.update(_reported(figures, r.target))
        mine = grouped.get((r.plan_line_id, r.cell), empty)
        row["eligible"] = int(mine["eligible"].sum())
        for t in range(30, 0, -1):
            row[f"D{t}"] = int(mine["cap"].get(t, 0))
        for t in range(30, 0, -1):
            row[f"N{t}"] = int(mine["eligible"].get(t, 0))
        warnings = [warning_text(w) for w in r.warnings]
        if row["exceptions"] and r.plan_line_id in above:
            warnings.append(above[r.plan_line_id])
        row["warnings"] = "；".join(warnings)
        rows.append(row)
    return rows


def _cell_reports(allocation_run: AllocationRun) -> tuple[list[CellReport], dict[tuple[int, int], int], dict[int, str]]:
    """The run's cell reports by product and cell, with what the cycle's exceptions change per cell and
    the lines they take above their target (`_exceptions_by_cell`): the report's and the publish page's."""
    reports = list(
        CellReport.objects.filter(allocation=allocation_run)
        .select_related("plan_line__product")
        .order_by("plan_line__product__code", "cell_no")
    )
    return (reports, *_exceptions_by_cell(allocation_run, reports))


def _exceptions_by_cell(
    allocation_run: AllocationRun, reports: list[CellReport]
) -> tuple[dict[tuple[int, int], int], dict[int, str]]:
    """What the cycle's exceptions change of the run's released cartons, per plan line and cell number, so
    released after exceptions is what the quotas hold; and, per line whose quotas the exceptions take above
    its target when it may not exceed it, that in words.

    What the run held (a line computed with the cycle's exceptions keeps each held shop's cartons,
    `figures["held_by"]`) counts where the run took it: each cell's `figures["held"]`, and what the held
    shops hold beyond the whole target in the line's cell with the largest target (the first of equals). An
    exception changed since counts its change alone; one on a shop the run has no entry for and did not hold
    counts whole; either in the shop's cell in the run, else the cell the exception kept, else the largest."""
    by_cell: dict[tuple[int, int], int] = {}
    numbers = {(r.plan_line_id, r.cell): r.cell_no for r in reports}
    largest: dict[int, CellReport] = {}
    held_by: dict[int, dict[int, int]] = {}  # plan line → shop → cartons the run held
    for r in reports:
        best = largest.get(r.plan_line_id)
        if best is None or (-r.target, r.cell_no) < (-best.target, best.cell_no):
            largest[r.plan_line_id] = r
        if "held_by" in (r.figures or {}):
            held_by.setdefault(r.plan_line_id, {}).update({int(k): int(v) for k, v in r.figures["held_by"].items()})

    def add(line: int, number: int, cartons: int) -> None:
        if cartons:
            by_cell[(line, number)] = by_cell.get((line, number), 0) + cartons

    for r in reports:
        if r.plan_line_id in held_by:
            add(r.plan_line_id, r.cell_no, int(r.figures.get("held", 0)))
    for line, shops in held_by.items():  # held beyond the whole target: no cell's figure has it
        counted = sum(int(r.figures.get("held", 0)) for r in reports if r.plan_line_id == line)
        add(line, largest[line].cell_no, sum(shops.values()) - counted)
    for change in exception_changes(allocation_run):
        number, before = change.cell_no, change.before
        if number is None:
            before = held_by.get(change.plan_line, {}).get(change.retailer, 0)
            fallback = largest.get(change.plan_line)
            number = numbers.get((change.plan_line, change.cell), fallback.cell_no if fallback else None)
        if number is not None:
            add(change.plan_line, number, change.after - before)
    above: dict[int, str] = {}
    lines = {key[0] for key in by_cell}
    for line in lines:
        mine = [r for r in reports if r.plan_line_id == line]
        target = sum(r.target for r in mine)
        after = sum(r.released + by_cell.get((line, r.cell_no), 0) for r in mine)
        if after > target and not mine[0].plan_line.allow_over:
            above[line] = _(
                "After exceptions this product's quotas hold %(after)s cartons, %(over)s above its target of %(target)s."
            ) % {"after": f"{after:,}", "over": f"{after - target:,}", "target": f"{target:,}"}
    return by_cell, above


def report_glance(row: dict) -> dict:
    """A report row as a supervisor reads it at a glance: what the caps (or the rotation) released
    before the individual rules, the rules' net change (penalties, re-spread, the vulnerable bonus:
    negative when they cost cartons), the share of the target the quotas hold (released after exceptions,
    floored to 0.1 %, so 100 % only when all of it is; None without a target), the status in words and the
    per-tier caps and eligible retailers D30…D1 for the row's detail."""
    before = row["caps_released"] + row["rotation"]
    target, released = row["target"], row["released"]
    held = row.get("released_after_exceptions", released)  # a run holds its exceptions' cartons off the target
    if row["warnings"]:
        status = row["warnings"]
    elif target > 0 and held >= target:
        status = _("Fully released.")
    else:
        status = "—"
    return {
        **row,
        "before_rules": before,
        "rules_change": released - before,
        "exceptions_signed": f"{row.get('exceptions', 0):+,}",  # +65,535 / -3 cartons the exceptions change
        "released_share": (held * 1000 // target) / 10 if target > 0 else None,
        "status": status,
        "tiers": [(f"D{t}", row[f"D{t}"], row[f"N{t}"]) for t in range(30, 0, -1)],
    }


def _reported(figures: dict, target: int) -> dict:
    """A cell's reported demand against the cell's target, e.g. 1,200 cartons by 80 retailers = 150% of
    800: counted by the run over the cell's own eligible retailers (`engine.compute.reported_in`)."""
    if "reporters" not in figures:  # a run from before cells counted their reports
        return {"reported": None, "reporters": None, "reported_share": None}
    cartons, reporters = int(figures["reported"]), int(figures["reporters"])
    share = (200 * cartons + target) // (2 * target) if target and reporters else None  # half up
    return {"reported": cartons, "reporters": reporters, "reported_share": share}


def report_headers() -> dict[str, str]:
    """Column → heading in the reader's language (the spreadsheet and the CSV)."""
    headers = {
        "product_code": _("Product code"), "product_name": _("Product"), "method": _("Release method"),
        "cell": _("Cell"), "target": _("Target (cartons)"), "reported": _("Reported demand (cartons)"),
        "reporters": _("Retailers reporting"), "reported_share": _("Reported ÷ target (%)"),
        "caps_released": _("Released by the caps (cartons)"), "rotation": _("Released by rotation (cartons)"),
        "penalties": _("Taken by penalties (cartons)"), "respread": _("Re-spread (cartons)"),
        "bonus": _("Vulnerable bonus (cartons)"), "released": _("Released (cartons)"),
        "exceptions": _("Changed by exceptions (cartons)"),
        "released_after_exceptions": _("Released after exceptions (cartons)"),
        "unreleased": _("Not released (cartons)"), "rotated": _("Rotated"),
        "served": _("Retailers served by the rotation"), "eligible": _("Eligible retailers"),
    }  # fmt: skip
    for t in range(30, 0, -1):
        headers[f"D{t}"] = _("D%(tier)s cap") % {"tier": t}
    for t in range(30, 0, -1):
        headers[f"N{t}"] = _("D%(tier)s eligible") % {"tier": t}
    headers["warnings"] = _("Warnings")
    headers["price_signal"] = _("Price signal")
    return headers


def report_dataset(rows: list[dict]) -> tablib.Dataset:
    """The report as a sheet with headings in the reader's language (booleans as 是/否; a name that reads
    as a formula made inert, `core.reports.formulas`)."""
    headers = report_headers()
    columns = [c for c in headers if not rows or c in rows[0]]
    yes, no = _("yes"), _("no")

    def value(v):
        return (yes if v else no) if isinstance(v, bool) else neutralise(v)

    data = tablib.Dataset(
        *[[value(r[c]) for c in columns] for r in rows], headers=neutralise_row(headers[c] for c in columns)
    )
    data.title = _("Allocation report")
    return data


@dataclass
class LineSummary:
    """One plan line before publishing: its target and what its quotas hold (released after exceptions)."""

    product_code: str
    product_name: str
    target: int
    released: int
    allow_over: bool = False
    target_now: int = 0  # the plan line's target today (the run's `target` is the one it computed for)

    @property
    def unreleased(self) -> int:
        return max(self.target - self.released, 0)

    @property
    def over(self) -> int:
        return max(self.released - self.target, 0)


@dataclass(frozen=True)
class InactiveException:
    """An exception that gives cartons to a shop not active today: they come off the line's target (the
    run holds them) and nobody can order them."""

    product_code: str
    product_name: str
    retailer: str
    status: str  # in words
    quota: int


@dataclass
class PublishSummary:
    """What a supervisor reads before publishing: the totals, the lines that release nothing, the lines
    that leave more than LOSS_SHARE_NAMED of their target unreleased and the lines whose exceptions take
    them above their target when they may not exceed it. Released is what the quotas hold: the run's
    released with the cycle's exceptions (as the report's released after exceptions)."""

    target: int = 0
    released: int = 0
    lines: int = 0
    nothing: list[LineSummary] = field(default_factory=list)
    losing: list[LineSummary] = field(default_factory=list)
    above: list[LineSummary] = field(default_factory=list)
    planned: int = 0  # the cycle's plan lines (more than `lines`: a run of some products, or lines added since)
    retargeted: list[LineSummary] = field(default_factory=list)  # lines whose target changed since the run
    inactive: list[InactiveException] = field(default_factory=list)

    @property
    def partial(self) -> bool:
        return self.lines < self.planned

    @property
    def blocked(self) -> bool:
        """Publishing refuses the run until the cycle is computed again (`allocation_run_publish`)."""
        return bool(self.partial or self.above or self.retargeted)

    @property
    def unreleased(self) -> int:
        return max(self.target - self.released, 0)


def publish_summary(allocation_run: AllocationRun) -> PublishSummary:
    per_line: dict[int, LineSummary] = {}
    reports, excepted, _above = _cell_reports(allocation_run)
    for r in reports:
        line = per_line.setdefault(
            r.plan_line_id,
            LineSummary(
                r.plan_line.product.code, r.plan_line.product.name, 0, 0, r.plan_line.allow_over, r.plan_line.target
            ),
        )
        line.target += r.target
        line.released += r.released + excepted.get((r.plan_line_id, r.cell_no), 0)
    summary = PublishSummary(lines=len(per_line))
    for line in per_line.values():
        summary.target += line.target
        summary.released += line.released
        if line.target > 0 and line.released == 0:
            summary.nothing.append(line)
        elif line.unreleased > LOSS_SHARE_NAMED * line.target:
            summary.losing.append(line)
        if line.over and not line.allow_over:
            summary.above.append(line)
        if line.target != line.target_now:
            summary.retargeted.append(line)
    summary.losing.sort(key=lambda line: -line.unreleased)
    summary.above.sort(key=lambda line: -line.over)
    summary.planned = SupplyPlanLine.objects.filter(cycle_id=allocation_run.cycle_id).count()
    statuses = dict(RetailerStatus.choices)
    summary.inactive = [
        InactiveException(code, name, shop or license_no, str(statuses.get(status, status)), quota)
        for code, name, shop, license_no, status, quota in QuotaException.objects.filter(
            cycle_id=allocation_run.cycle_id, quota__gt=0
        )
        .exclude(retailer__status=RetailerStatus.ACTIVE)
        .order_by("product__code", "retailer__name")
        .values_list(
            "product__code", "product__name", "retailer__name", "retailer__license_no", "retailer__status", "quota"
        )
    ]
    return summary
