"""The manager's visit list reads each shop's churn risk from here (`profitability.selectors.VISIT_RISKS`,
filled by this app's admin module): tonight's score, its reasons, the segment and how often to visit."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from profitability.selectors import VisitRisk

from .models import CustomerValue
from .reasons import reasons
from .selectors import current_run


def visit_every(weeks: int) -> str:
    return ngettext("visit every week", "visit every %(n)s weeks", weeks) % {"n": weeks}


def visit_risks(retailer_ids: list[int]) -> dict[int, VisitRisk]:
    """Per shop of `retailer_ids` scored tonight: its churn risk, a note in the reader's language, and
    whether the risk alone (the policy's visit level) puts it on the visit list."""
    run = current_run()
    if run is None or not retailer_ids:
        return {}
    level = int(run.policy.get("visit_list_risk", 40))
    out = {}
    for row in CustomerValue.objects.filter(value_run=run, retailer_id__in=retailer_ids):
        why = "、".join(reasons(row, run.policy))
        if why:
            note = _("churn risk %(risk)s: %(reasons)s") % {"risk": row.risk, "reasons": why}
        else:
            note = _("churn risk %(risk)s") % {"risk": row.risk}
        note += f" · {row.get_segment_display()} · {visit_every(row.visit_weeks)}"
        out[row.retailer_id] = VisitRisk(row.risk, note, row.risk >= level)
    return out
