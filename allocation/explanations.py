"""A retailer's quotas in words it can read: the cap of its tier in its cell, then each rule that applied.

Everything comes from what the run stored (its tier, credit rating and facts at the time, the cap,
the quota): a later change to the registry changes none of it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.formats import date_format
from django.utils.translation import gettext, gettext_noop, ngettext

from core.display import person_name
from cycles.models import OrderCycle
from pricing.models import price_band_words
from retailers.models import Retailer
from retailers.vocabulary import CreditRating

from .engine.rules import Reason
from .models import AllocationRun, BandCap, CellReport, QuotaException, RetailerQuotas, SupplyPlanLine
from .policy import Policy, policy_load
from .quota_cache import retailer_quota_rows
from .reports import cell_text
from .selectors import published_allocation_run

# The reasons that speak to the retailer ("you"), as staff pages word them ("the shop").
STAFF_VOICE = {
    "By demand: what you reported for this cycle (or, without a report, your recent orders), never more than you reported, shared within the week's supply.": gettext_noop(
        "By demand: what the shop reported for this cycle (or, without a report, its recent orders), never more than it reported, shared within the week's supply."
    ),
    "You last received it in the cycle of %(day)s.": gettext_noop("The shop last received it in the cycle of %(day)s."),
    "You have not received it in the last 26 weeks.": gettext_noop("The shop has not received it in the last 26 weeks."),
    "You are served this cycle.": gettext_noop("The shop is served this cycle."),
    "You are not served this cycle. Each rotation serves first those who have waited longest, higher tiers first among them; your turn comes after those ahead of you.": gettext_noop(
        "The shop is not served this cycle. Each rotation serves first those who have waited longest, higher tiers first among them; its turn comes after those ahead of it."
    ),
    "You order every other week: your cap is doubled.": gettext_noop("The shop orders every other week: its cap is doubled."),
    "Your tier's cap includes cartons freed by other retailers' penalties.": gettext_noop(
        "The shop's tier cap includes cartons freed by other retailers' penalties."
    ),
}  # fmt: skip


def quota_reasons(
    row: dict,
    *,
    retailer: Retailer,
    line: SupplyPlanLine,
    policy: Policy,
    band_total: int | None,
    exception: QuotaException | None,
    staff: bool = False,
    band: str = "",
) -> list[str]:
    """The reasons behind one quota, in order (`policy`: the one the run applied; `band` and `band_total`:
    method C's band as the run computed the line in it, and its total for the shop's tier); `staff`:
    worded about the shop for a customer manager or supervisor, not to the retailer."""
    codes = Reason(int(row["reasons"]))

    def _(msgid: str) -> str:  # noqa: N802 - gettext, in the reader's voice
        return gettext(STAFF_VOICE.get(msgid, msgid) if staff else msgid)

    out: list[str] = []
    if line.method == "D":
        out.append(
            _(
                "By demand: what you reported for this cycle (or, without a report, your recent orders), never more than you reported, shared within the week's supply."
            )
        )
    elif line.method == "E":
        out.append(_("Selected retailer: this product goes to chosen retailers only."))
    elif Reason.ROTATION in codes:
        out.append(
            _(
                "Scarce product: not even one carton for every retailer, so it rotates; retailers served longest ago come first."
            )
        )
        if row["last_served"] > 0:
            out.append(
                _("You last received it in the cycle of %(day)s.")
                % {"day": date_format(dt.date.fromordinal(int(row["last_served"])), "SHORT_DATE_FORMAT")}
            )
        else:
            out.append(_("You have not received it in the last 26 weeks."))
        if row["quota"] > 0:
            out.append(_("You are served this cycle."))
        else:
            # Never "first next time": among those who waited as long, higher tiers come first, so a
            # low tier may wait several cycles (the engine's order, engine/rules.py _rotation).
            out.append(
                _(
                    "You are not served this cycle. Each rotation serves first those who have waited longest, "
                    "higher tiers first among them; your turn comes after those ahead of you."
                )
            )
    elif codes == Reason.EXCEPTION and int(row["cap"]) == 0:
        # a shop the run left out of the line (an exception held it, or it was added after the run):
        # no cap of its tier applied, the exception set its quota
        out.append(
            _(
                "Tier D%(tier)s in %(cell)s: this product's quota is set by an approved exception, not by the tier's cap."
            )
            % {"tier": row["tier"], "cell": cell_text(row["cell"])}
        )
    else:
        out.append(
            ngettext(
                "Tier D%(tier)s cap in %(cell)s: %(cap)s carton.",
                "Tier D%(tier)s cap in %(cell)s: %(cap)s cartons.",
                int(row["cap"]),
            )
            % {"tier": row["tier"], "cell": cell_text(row["cell"]), "cap": row["cap"]}
        )
        if row["weight"] == 2:
            out.append(_("You order every other week: your cap is doubled."))
    rating = row.get("credit_rating") or ""
    if Reason.CREDIT in codes:
        factor = policy.rules.credit_factors.get(rating)
        label = CreditRating(rating).label if rating in CreditRating.values else rating
        out.append(
            _("Credit rating %(rating)s: quota × %(factor)s, rounded down.") % {"rating": label, "factor": factor}
        )
    if Reason.VIOLATION in codes:
        out.append(
            _("Repeated price-tag violations in recent inspections: quota × %(factor)s, rounded down.")
            % {"factor": policy.rules.violation_factor}
        )
    lost = int(row.get("base", 0)) - int(row["quota"])
    if (Reason.CREDIT in codes or Reason.VIOLATION in codes) and lost > 0 and Reason.EXCEPTION not in codes:
        out.append(
            (
                ngettext(
                    "%(base)s → %(quota)s: %(n)s carton less, which goes to the other retailers of its cell.",
                    "%(base)s → %(quota)s: %(n)s cartons less, which go to the other retailers of its cell.",
                    lost,
                )
                if staff
                else ngettext(
                    "%(base)s → %(quota)s: %(n)s carton less, which goes to the other retailers of your cell.",
                    "%(base)s → %(quota)s: %(n)s cartons less, which go to the other retailers of your cell.",
                    lost,
                )
            )
            % {"base": row["base"], "quota": row["quota"], "n": lost}
        )
    if Reason.RESPREAD in codes:
        out.append(_("Your tier's cap includes cartons freed by other retailers' penalties."))
    if Reason.CEILING in codes:
        out.append(
            _("Ceiling: at most %(n)s cartons of one product per retailer and ordering week.")
            % {"n": policy.rules.ceiling}
        )
    if Reason.VULNERABLE in codes:
        out.append(
            _("Vulnerable retailer: %(n)s extra carton(s) while supply allows.") % {"n": policy.rules.vulnerable_bonus}
        )
    if band_total is not None:
        out.append(
            _("Price band %(band)s: choose freely up to %(n)s cartons across the band's products, at most %(most)s of this one.")
            % {"band": price_band_words(band), "n": band_total,
               "most": row["quota"]}
        )  # fmt: skip
    if exception is not None:
        out.append(
            _("Exception approved by %(who)s: %(reason)s")
            % {"who": person_name(exception.approved_by), "reason": exception.reason}  # by name, not login
        )
    return out


@dataclass(frozen=True)
class QuotaTier:
    """The tier a run computed a retailer's quotas with (`used`, as stored; None when the run has no
    row for it) and its tier in today's registry (`now`). A published quota keeps the tier it was
    computed with: where the two differ, the reader is told so, never shown today's tier as the one used."""

    used: int | None
    now: int | None

    @property
    def changed(self) -> bool:
        return self.used is not None and self.used != self.now

    @property
    def shown(self) -> int | None:
        """The tier to name beside the quotas: the one they were computed with (today's when the run has none)."""
        return self.used if self.used is not None else self.now

    def words(self, *, staff: bool = False) -> str:
        """E.g. "Tier D11." or, the registry having moved since, "Tier D11 as computed (now D12): …"."""
        now = f"D{self.now}" if self.now else "—"
        if not self.changed:
            return gettext("Tier D%(tier)s.") % {"tier": self.shown if self.shown is not None else "—"}
        if staff:
            text = gettext(
                "Tier D%(used)s as computed (now %(now)s): a published quota keeps the tier it was computed with."
            )
        else:
            text = gettext(
                "Your quotas were computed with tier D%(used)s (your tier now: %(now)s); published quotas do not change."
            )
        return text % {"used": self.used, "now": now}


def retailer_quota_tier(*, retailer: Retailer, allocation_run: AllocationRun) -> QuotaTier:
    """The tier `allocation_run` computed the retailer's quotas with, and its tier now. A shop the run
    has no row for holds quotas only by exceptions: the tier the latest of them kept when approved."""
    used = (
        RetailerQuotas.objects.filter(allocation=allocation_run, retailer_id=retailer.pk)
        .values_list("tier", flat=True)
        .first()
    )  # what the run wrote (one indexed row); a retailer the run did not know has none
    if used is None:
        used = (
            QuotaException.objects.filter(cycle_id=allocation_run.cycle_id, retailer_id=retailer.pk, tier__isnull=False)
            .order_by("-created_at", "-pk")
            .values_list("tier", flat=True)
            .first()
        )
    return QuotaTier(used=int(used) if used else None, now=retailer.tier)


def retailer_quota_explanations(
    *, retailer: Retailer, cycle: OrderCycle, allocation_run: AllocationRun | None = None, staff: bool = False
) -> list[dict]:
    """Per product: the product, its code and name, the release method, the quota and the reasons,
    for the cycle's published run (or the given run), as that run applied its policy."""
    allocation_run = allocation_run or published_allocation_run(cycle)
    if allocation_run is None:
        return []
    rows = retailer_quota_rows(allocation_run=allocation_run, retailer_id=retailer.pk)
    if not rows:
        return []
    lines = {
        line.pk: line
        for line in SupplyPlanLine.objects.filter(pk__in=[r["plan_line"] for r in rows]).select_related(
            "product__price_band"
        )
    }
    exceptions = {
        e.product_id: e
        for e in QuotaException.objects.filter(cycle=cycle, retailer=retailer).select_related("approved_by")
    }
    bands = {
        (b.price_band, b.tier): b.cap
        for b in BandCap.objects.filter(allocation=allocation_run, tier__in={int(r["tier"]) for r in rows})
    }
    # the band each method C line was computed in, as the run kept it (never the product's band today)
    band_of = dict(
        CellReport.objects.filter(allocation=allocation_run, plan_line_id__in=list(lines))
        .exclude(price_band="")
        .values_list("plan_line_id", "price_band")
    )
    policy = policy_load(allocation_run.policy)
    out = []
    for row in rows:
        line = lines.get(row["plan_line"])
        if line is None:  # a line deleted from a published plan by hand (the admin refuses it)
            continue
        band = band_of.get(line.pk, "") if line.method == "C" else ""
        band = "" if band.startswith("#") else band  # a product without a band was a band of its own: no band to name
        band_total = bands.get((band, row["tier"])) if band else None
        out.append(
            {
                "product": line.product,
                "product_code": line.product.code,
                "product_name": line.product.name,
                "method": line.method,
                "quota": int(row["quota"]),
                "reasons": quota_reasons(
                    row,
                    retailer=retailer,
                    line=line,
                    policy=policy,
                    band_total=band_total,
                    exception=exceptions.get(row["product"]),
                    staff=staff,
                    band=band,
                ),
            }
        )
    return out


def retailer_product_quota(*, retailer: Retailer, cycle: OrderCycle, product) -> dict | None:
    """The retailer's published quota of one product in the cycle (an exception included), worded for
    staff as on its quotas page; None when it has none (no published run, or nothing of the product)."""
    items = retailer_quota_explanations(retailer=retailer, cycle=cycle, staff=True)
    return next((item for item in items if item["product"].pk == product.pk), None)
