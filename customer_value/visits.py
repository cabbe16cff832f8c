"""The manager's visit list reads each shop's churn risk from here (`profitability.selectors.VISIT_RISKS`,
filled by this app's admin module): tonight's score, its reasons, the segment and how often to visit."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.display import words
from profitability.selectors import VisitRisk

from .models import SEGMENT_LABELS, CustomerValue
from .reasons import reasons
from .selectors import current_run

SHOWN = [
    "risk", "segment", "visit_weeks", "points_orders", "points_alerts", "points_unanswered", "points_repeated",
    "points_rating", "orders_change", "no_orders", "idle_weeks", "profit_fall", "open_overdue", "repeated", "mean_rating",
]  # fmt: skip


def visit_every(weeks: int) -> str:
    return ngettext("visit every week", "visit every %(n)s weeks", weeks) % {"n": weeks}


def visit_risks(retailer_ids: list[int]) -> dict[int, VisitRisk]:
    """Per shop of `retailer_ids` scored tonight: its churn risk, a note in the reader's language, and
    whether the risk alone (the policy's visit level) puts it on the visit list."""
    run = current_run()
    if run is None or not retailer_ids:
        return {}
    level = int(run.policy.get("visit_list_risk", 40))
    segments = {int(k): str(v) for k, v in SEGMENT_LABELS.items()}
    every: dict[int, str] = {}
    rows = CustomerValue.objects.filter(value_run=run, retailer_id__in=retailer_ids).only("retailer", *SHOWN)
    out = {}
    for row in rows:
        why = words(reasons(row, run.policy))
        if why:
            note = _("churn risk %(risk)s: %(reasons)s") % {"risk": row.risk, "reasons": why}
        else:
            note = _("churn risk %(risk)s") % {"risk": row.risk}
        weeks = every.setdefault(row.visit_weeks, visit_every(row.visit_weeks))
        out[row.retailer_id] = VisitRisk(row.risk, f"{note} · {segments[row.segment]} · {weeks}", row.risk >= level)
    return out
