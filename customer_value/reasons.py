"""A retailer's churn-risk reasons in the reader's language, from its stored row (the signals with
the most points, `engine.risk.top_reasons`). The survey's part of the score is not named: it is the
satisfaction of the retailer's group (its manager's answers in its tier band), which the manager reads
on the survey results page, never the retailer's own answers."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .engine.risk import top_reasons
from .models import CustomerValue


def _pct(share: float) -> str:
    return f"{abs(share) * 100:.0f}%"


def reason_text(row: CustomerValue, signal: str, policy: dict) -> str:
    if signal == "orders":
        return _("orders down %(fall)s (last %(recent)s weeks against the %(base)s before)") % {
            "fall": _pct(row.orders_change or 0), "recent": policy.get("recent_weeks", 4),
            "base": policy.get("base_weeks", 12),
        }  # fmt: skip
    if signal == "alerts":
        if row.no_orders:
            if row.idle_weeks is None:
                return _("no order on record")
            weeks = int(row.idle_weeks)
            return ngettext("no orders for %(weeks)s week", "no orders for %(weeks)s weeks", weeks) % {"weeks": weeks}
        return _("gross profit falling (%(fall)s)") % {"fall": _pct(row.profit_fall or 0)}
    if signal == "unanswered":
        n = row.open_overdue or 0
        return ngettext("%(n)s request not answered in time", "%(n)s requests not answered in time", n) % {"n": n}
    if signal == "repeated":
        n = row.repeated or 0
        return ngettext("%(n)s repeated request in 90 days", "%(n)s repeated requests in 90 days", n) % {"n": n}
    if signal == "rating":
        return _("answers rated %(rating)s of 5") % {"rating": f"{row.mean_rating or 0:.1f}"}
    raise ValueError(f"no reason text for {signal}")


def reasons(row: CustomerValue, policy: dict, n: int = 3) -> list[str]:
    points = {
        "orders": row.points_orders, "alerts": row.points_alerts, "unanswered": row.points_unanswered,
        "repeated": row.points_repeated, "rating": row.points_rating,
    }  # fmt: skip
    return [reason_text(row, signal, policy) for signal in top_reasons(points, n)]
