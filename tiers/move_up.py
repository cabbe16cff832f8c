"""How a retailer moves up a tier, in the tier explanation's own terms (`tiers.selectors`): which
score parts (purchase amount, purchase cartons, value per carton; credit rating and price-tag
compliance when the scheme weighs them) stand behind those of the shop holding the next tier's line,
by how many points, and what figure any one of them alone would have had to reach at the last
re-rating (`engine.move_up.figure_for_points`). The score decides, not one figure: a shop that
bought more cartons than the line's shop may still be behind it on value per carton."""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal

import numpy as np
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from core.display import grouped, plural_count, words_and
from retailers.models import Retailer

from .engine.classify import COMPONENTS
from .engine.move_up import figure_for_points
from .models import TierAssessment
from .selectors import TierExplanation, _next_line_holder, latest_assessment

FIGURES = ("amount", "quantity", "value_per_carton")  # the parts a shop's purchases move
# The parts as the tier explanation names them, at the head of a line and inside a sentence.
LABELS = {
    "amount": gettext_lazy("Purchase amount"), "quantity": gettext_lazy("Purchase cartons"),
    "value_per_carton": gettext_lazy("Value per carton"), "credit": gettext_lazy("Credit rating"),
    "compliance": gettext_lazy("Price-tag compliance"),
}  # fmt: skip
NAMES = {
    "amount": gettext_lazy("purchase amount"), "quantity": gettext_lazy("purchase cartons"),
    "value_per_carton": gettext_lazy("value per carton"), "credit": gettext_lazy("credit rating"),
    "compliance": gettext_lazy("price-tag compliance"),
}  # fmt: skip


def _shown(part: str, value) -> str:
    """A part's figure as the tier page shows it: ¥67,639.00 · 394 cartons · ¥171.67 a carton."""
    if part == "quantity":
        return ngettext("%(n)s carton", "%(n)s cartons", plural_count(value)) % {"n": grouped(int(value))}
    if part == "value_per_carton":
        return _("¥%(yuan)s a carton") % {"yuan": grouped(Decimal(value), 2)}
    return f"¥{grouped(Decimal(value), 2)}"


@dataclass(frozen=True)
class PartStep:
    """One score part of the shop against the line's shop."""

    part: str  # one of engine.classify.COMPONENTS
    points: float  # the shop's points
    line_points: float  # the line's shop's points
    figure: Decimal | int | None  # the shop's figure (None: credit, compliance)
    line_figure: Decimal | int | None
    reach: Decimal | int | None = None  # the figure that alone would have reached the line (None: not alone)

    @property
    def behind(self) -> float:
        """Points short of the line's shop (negative: ahead of it)."""
        return round(self.line_points - self.points, 2)

    @property
    def more(self) -> Decimal | int | None:
        """How much more of the figure `reach` asks for."""
        return None if self.reach is None or self.figure is None else self.reach - self.figure


@dataclass(frozen=True)
class MoveUp:
    next_label: str  # the next tier, D16
    gap: float  # points short of its line
    weeks: int  # the re-rating's window, in weeks
    parts: tuple[PartStep, ...]  # every weighed part, the most behind first

    @property
    def behind(self) -> list[PartStep]:
        return [p for p in self.parts if p.behind > 0]

    @property
    def ahead(self) -> list[PartStep]:
        return [p for p in self.parts if p.behind < 0]

    @property
    def reachable(self) -> list[PartStep]:
        """The parts any one of which alone would have reached the line."""
        return [p for p in self.parts if p.reach is not None and p.more and p.more > 0]

    line_value_per_carton: Decimal | None = None  # the line's shop's, for the page's table

    def part(self, name: str) -> PartStep | None:
        return next((p for p in self.parts if p.part == name), None)

    def comparison(self) -> list[str]:
        """Each weighed part, the shop's against the line's shop's, with the points between them."""
        out = []
        for p in self.parts:
            values = {"part": LABELS[p.part], "points": grouped(abs(p.behind), 2)}
            if p.figure is not None:
                values.update(yours=_shown(p.part, p.figure), line=_shown(p.part, p.line_figure))
                if p.behind > 0:
                    out.append(_("%(part)s: yours %(yours)s, its %(line)s: %(points)s pts behind.") % values)
                elif p.behind < 0:
                    out.append(_("%(part)s: yours %(yours)s, its %(line)s: %(points)s pts ahead.") % values)
                else:
                    out.append(_("%(part)s: yours %(yours)s, its %(line)s: the same points.") % values)
            elif p.behind > 0:
                out.append(_("%(part)s: %(points)s pts behind.") % values)
            elif p.behind < 0:
                out.append(_("%(part)s: %(points)s pts ahead.") % values)
        return out

    def verdict(self) -> str:
        """When the shop is ahead on some part (more cartons than the line's shop, say): the score
        decides, and which parts are behind."""
        behind, ahead = self.behind, self.ahead
        if not behind or not ahead:
            return ""
        values = {"parts": words_and(NAMES[p.part] for p in behind)}
        cartons = self.part("quantity")
        if cartons is not None and cartons.figure is not None and cartons.figure > cartons.line_figure:
            values.update(yours=_shown("quantity", cartons.figure), line=_shown("quantity", cartons.line_figure))
            return ngettext(
                "You bought more cartons than that shop (%(yours)s against %(line)s), but the tier follows the whole score, not the cartons alone: your %(parts)s is behind.",
                "You bought more cartons than that shop (%(yours)s against %(line)s), but the tier follows the whole score, not the cartons alone: your %(parts)s are behind.",
                len(behind),
            ) % values  # fmt: skip
        values["ahead"] = words_and(NAMES[p.part] for p in ahead)
        return ngettext(
            "You are ahead of that shop on %(ahead)s, but the tier follows the whole score: your %(parts)s is behind.",
            "You are ahead of that shop on %(ahead)s, but the tier follows the whole score: your %(parts)s are behind.",
            len(behind),
        ) % values  # fmt: skip

    def ways(self) -> list[str]:
        """What any one part alone would have had to reach at the last re-rating, and how."""
        out = []
        for p in self.reachable:
            values = {"figure": _shown(p.part, p.reach), "more": _shown(p.part, p.more), "weeks": self.weeks}
            if p.part == "amount":
                out.append(_("Purchases of %(figure)s in the same %(weeks)s weeks (%(more)s more).") % values)
            elif p.part == "quantity":
                out.append(_("%(figure)s in the same %(weeks)s weeks (%(more)s more), at the same value per carton.") % values)
            else:
                out.append(
                    _("A value per carton of %(figure)s (%(more)s more): more of the dearer products among the same cartons.")
                    % values
                )  # fmt: skip
        for p in self.behind:
            if p.part == "compliance":
                out.append(_("Every price tag posted, at the guide price, at each inspection: price-tag compliance counts in the score."))
            elif p.part == "credit":
                out.append(_("A better credit rating: it counts in the score."))
        return out


def _rounded_up(value: float, part: str) -> Decimal | int:
    if part == "quantity":
        return int(math.ceil(value - 1e-9))
    places = Decimal("1") if part == "amount" else Decimal("0.01")
    return Decimal(str(value)).quantize(places, rounding=ROUND_CEILING)


def tier_move_up(*, retailer: Retailer, explanation: TierExplanation | None) -> MoveUp | None:
    """The shop's score parts against the shop holding the next tier's line, from the last published
    re-rating; None when there is no such line (top tier, an empty next tier, no rating)."""
    if explanation is None or not explanation.rated or explanation.next_cut_score is None:
        return None
    assessment = latest_assessment(retailer=retailer)
    if assessment is None:
        return None
    holder = _next_line_holder(assessment, explanation.next_tier, explanation.next_cut_score)
    if holder is None:
        return None
    snapshot = assessment.proposal.scheme_snapshot or {}
    weights = {part: float(w) for part, w in (snapshot.get("weights") or {}).items()}
    scoring = snapshot.get("scoring", "rank")
    ranked = (
        TierAssessment.objects.filter(proposal=assessment.proposal, scope_key=assessment.scope_key)
        .exclude(old_tier__isnull=True, quantity=0)  # new retailers given a starting tier, not ranked
        .exclude(pk=assessment.pk)
    )
    others = {}
    if any(weights.get(part) for part in FIGURES) and explanation.gap:
        rows = np.array(list(ranked.values_list(*FIGURES)), dtype=float).reshape(-1, len(FIGURES))
        others = {part: rows[:, k] for k, part in enumerate(FIGURES)}
    parts = []
    for part in COMPONENTS:
        weight = weights.get(part, 0.0)
        if not weight:
            continue
        mine, line = getattr(assessment, f"score_{part}"), getattr(holder, f"score_{part}")
        reach = None
        if part in others:
            needed = figure_for_points(others[part], weight, scoring, mine + explanation.gap)
            reach = None if needed is None else _rounded_up(needed, part)
        parts.append(
            PartStep(
                part=part, points=mine, line_points=line,
                figure=getattr(assessment, part) if part in FIGURES else None,
                line_figure=getattr(holder, part) if part in FIGURES else None, reach=reach,
            )
        )  # fmt: skip
    window = explanation.window or (None, None)
    weeks = round((window[1] - window[0]).days / 7) if window[0] and window[1] else 0
    ordered = tuple(sorted(parts, key=lambda p: (-p.behind, COMPONENTS.index(p.part))))
    return MoveUp(
        next_label=explanation.next_label, gap=explanation.gap or 0.0, weeks=weeks, parts=ordered,
        line_value_per_carton=holder.value_per_carton,
    )  # fmt: skip
