"""Has the registry moved since a run was computed? What a supervisor reads before publishing it
(issue 19 item 5: a run computed before a tier proposal was published still shows the old tiers).

A run stores, per retailer, the registry facts it used (`RetailerQuotas`: tier, credit rating,
vulnerable / repeat violator / biweekly bits, and per line the cell it fell in). Compared with the
registry now, per retailer: its tier, credit rating, those facts, its status (no longer active) and
the cells it fell in; and retailers active now that the run did not know (new or reactivated since,
edited after the run started). A rotation also read which retailers earlier cycles served: an earlier
cycle published after the run started means its rotation history was incomplete. Reads only."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field

import numpy as np
import pandas as pd

from compliance.selectors import repeat_violator_ids
from retailers.models import Retailer

from .engine.cells import DIMENSION_COLUMNS
from .models import AllocationRun, CellReport, RetailerQuotas
from .selectors import registry_frame

SHOWN = 10  # retailers named on the page
JOINED_SHOWN = 5  # retailers without quotas in the run named (and linked) on the page, then "and N more"


@dataclass
class RunFreshness:
    """How many retailers' registry facts differ from what the run used, by kind (a retailer may count
    under several kinds; `retailers` counts each once), and the earlier cycles published since."""

    retailers: int = 0
    tier: int = 0
    credit: int = 0
    facts: int = 0  # vulnerable, repeat violator, order rhythm
    status: int = 0  # no longer active
    cell: int = 0
    joined: int = 0  # active now, no quota row in the run, edited since it started (new, reactivated, re-tiered)
    earlier_published: list[str] = field(default_factory=list)  # cycle labels (the run rotated)
    examples: list[str] = field(default_factory=list)  # a few retailers, "name (D14 → D15)"
    joined_examples: list[tuple[int, str]] = field(default_factory=list)  # a few of `joined`: (id, name)

    @property
    def stale(self) -> bool:
        return bool(self.retailers or self.earlier_published)

    def audit(self) -> dict:
        """What the audit entry of a publish keeps of it."""
        names = {"retailers": "retailers", "tier": "tier", "credit": "credit_rating", "facts": "registry_facts",
                 "status": "no_longer_active", "cell": "cell", "joined": "joined_since_run",
                 "earlier_published": "earlier_cycles_published_since_run"}  # fmt: skip
        return {names[k]: v for k, v in asdict(self).items() if k in names}


def run_freshness(allocation_run: AllocationRun) -> RunFreshness:
    rows = list(
        RetailerQuotas.objects.filter(allocation=allocation_run).values_list(
            "retailer_id", "tier", "credit_rating", "facts", "entries"
        )
    )
    out = RunFreshness()
    stored = pd.DataFrame([r[:4] for r in rows], columns=["retailer", "tier", "credit_rating", "facts"])
    stored = stored.drop_duplicates("retailer").set_index("retailer")
    now = registry_frame()
    known = now.reindex(stored.index)
    changed = pd.Series(False, index=stored.index)
    moved_tier = stored["tier"].fillna(0).astype(np.int64) != known["tier"].fillna(0).astype(np.int64)
    moved_credit = stored["credit_rating"].fillna("").astype(str) != known["credit_rating"].astype(object).fillna("").astype(str)
    Fact = RetailerQuotas.Fact
    violators = np.isin(stored.index.to_numpy(np.int64), np.asarray(repeat_violator_ids(), dtype=np.int64))
    bits_now = (
        np.where(known["is_vulnerable"].fillna(False).to_numpy(bool), int(Fact.VULNERABLE), 0)
        | np.where(violators, int(Fact.REPEAT_VIOLATOR), 0)
        | np.where((known["order_cycle_kind"].astype(object) == "biweekly").to_numpy(bool), int(Fact.BIWEEKLY), 0)
    )
    moved_facts = pd.Series(stored["facts"].to_numpy(np.int64) != bits_now, index=stored.index)
    gone = known["status"].astype(object).ne("active")
    moved_cell = _cells_moved(allocation_run, rows, now)
    moved_cell = pd.Series(stored.index.isin(moved_cell), index=stored.index)
    for name, mask in (("tier", moved_tier), ("credit", moved_credit), ("facts", moved_facts), ("status", gone),
                       ("cell", moved_cell)):  # fmt: skip
        setattr(out, name, int(mask.sum()))
        changed |= mask
    joined = list(
        Retailer.objects.filter(status="active", updated_at__gt=allocation_run.created_at)
        .exclude(pk__in=stored.index.tolist())
        .order_by("name", "pk")
        .values_list("pk", "name")
    )
    out.joined = len(joined)
    out.joined_examples = [(pk, name or str(pk)) for pk, name in joined[:JOINED_SHOWN]]
    out.retailers = int(changed.sum()) + out.joined
    for retailer_id in stored.index[(changed & moved_tier).to_numpy()][:SHOWN]:
        out.examples.append(
            f"{_name(retailer_id)} (D{int(stored.at[retailer_id, 'tier'] or 0)} → D{int(known.at[retailer_id, 'tier'] or 0)})"
        )
    if CellReport.objects.filter(allocation=allocation_run, rotated=True).exists():
        earlier = AllocationRun.objects.filter(
            is_published=True, published_at__gt=allocation_run.created_at,
            cycle__starts_on__lt=allocation_run.cycle.starts_on,
        ).select_related("cycle").order_by("cycle__starts_on")  # fmt: skip
        out.earlier_published = [r.cycle.label for r in earlier]
    return out


def _name(retailer_id: int) -> str:
    return str(Retailer.objects.filter(pk=retailer_id).values_list("name", flat=True).first() or retailer_id)


def _cells_moved(allocation_run: AllocationRun, rows: list[tuple], now: pd.DataFrame) -> set[int]:
    """Retailers whose registry values of a line's cell dimensions differ from the cell the run put them in."""
    keys = {
        (line, number): json.loads(cell)
        for line, number, cell in CellReport.objects.filter(allocation=allocation_run)
        .exclude(cell="")
        .values_list("plan_line_id", "cell_no", "cell")
    }
    if not keys or not rows:
        return set()
    # Only the lines split into cells, three narrow columns (a province run holds millions of entries).
    size = RetailerQuotas.ENTRY.itemsize
    blobs = [bytes(r[4]) for r in rows]
    counts = np.fromiter((len(b) // size for b in blobs), dtype=np.int64, count=len(blobs))
    packed = np.frombuffer(b"".join(blobs), dtype=RetailerQuotas.ENTRY)
    del blobs
    keep = np.isin(packed["plan_line"], np.fromiter({line for line, _ in keys}, dtype=np.int64))
    entries = pd.DataFrame({
        "retailer": np.repeat(np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows)), counts)[keep],
        "plan_line": packed["plan_line"][keep].astype(np.int64), "cell": packed["cell"][keep].astype(np.int64),
    })  # fmt: skip
    expected = pd.DataFrame(
        [(line, number, DIMENSION_COLUMNS[d], str(v)) for (line, number), cell in keys.items()
         for d, v in cell.items() if d in DIMENSION_COLUMNS],
        columns=["plan_line", "cell", "column", "value"],
    )  # fmt: skip
    both = entries.merge(expected, on=["plan_line", "cell"])
    moved: set[int] = set()
    for column, group in both.groupby("column"):
        values = now[column].astype(object).map(str).reindex(group["retailer"].to_numpy()).to_numpy()
        moved.update(group.loc[values != group["value"].to_numpy(), "retailer"].tolist())
    return moved
