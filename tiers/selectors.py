"""Why a retailer has its tier, and what it would take to move up."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Min

from core.display import person_name, tier_text
from retailers.models import Retailer

from .engine.classify import round_half_up
from .models import ProposalStatus, TierAssessment, TierChange, TierChangeKind, TierProposal
from .national import national_type_label

TOP_TIER = 30


def tier_label(tier: int | None) -> str:
    """A tier as people write it (docs/domain.md §2): D1 … D30, or — for none."""
    return tier_text(tier)


class TierSource:
    """What set the tier a retailer has now (codes; the pages word them)."""

    RERATING = "rerating"  # the last published re-rating
    OVERRIDE = "override"  # a supervisor's override with a reason, after that re-rating
    RECORDS = "records"  # the company's records (a registry import), after that re-rating


class HeldBy:
    """Why a re-rating's tier differs from the tier the score alone gives."""

    MOVE_LIMIT = "move_limit"  # at most N tiers moved per re-rating
    UPGRADES = "upgrades"  # "upgrades at least downgrades" kept a downgrade at its old tier


@dataclass(frozen=True)
class TierOverrideNote:
    """A supervisor's override as stored (tiers.models.TierChange)."""

    at: dt.datetime
    old_tier: int | None
    new_tier: int
    reason: str
    approver: str  # the supervisor by name (core.display.person_name): for staff pages, never shown to the retailer

    @property
    def old_label(self) -> str:
        return tier_label(self.old_tier)

    @property
    def new_label(self) -> str:
        return tier_label(self.new_tier)


@dataclass(frozen=True)
class TierExplanation:
    """Why a retailer has the tier it has now, from stored facts only: the last published
    re-rating's assessment and cut scores, and an override or registry change made after it.

    The cut scores and the gap are those of the tier the retailer has now (after an override
    from D5 to D13: D13's cut, and D14's as the next line), read from that re-rating's table."""

    tier: int | None  # the tier the retailer has now
    source: str  # TierSource
    override: TierOverrideNote | None  # when source is OVERRIDE
    rerated_tier: int | None  # the tier the last published re-rating gave
    held_by: str  # HeldBy, or "" (the re-rating's tier is the score's, or another source set the tier)
    score: float | None  # None: no published re-rating rated this retailer
    parts: dict[str, float]
    amount: Decimal | None  # of the cartons kept (returns deducted)
    quantity: int | None  # cartons kept: ordered − returned
    value_per_carton: Decimal | None
    raw_tier: int | None  # the tier the score alone gives (before the move limit)
    cut_score: float | None  # the re-rating's cut score of the tier the retailer has now, in its scope
    next_cut_score: float | None  # the same figure one tier up
    gap: float | None  # score still missing for the next tier (0: the score already reaches it)
    next_tier_amount: Decimal | None  # purchases of the retailer holding the next tier's line
    next_tier_quantity: int | None
    window: tuple | None
    national_type: str
    returned_quantity: int = 0  # cartons returned in the window (not counted)
    idle: bool = False  # bought nothing in the window: the lowest tier by score
    published_at: dt.datetime | None = None  # when that re-rating was published
    weights: dict[str, float] | None = None  # the scheme's weight of each score part, as the re-rating used it
    move_limit: int | None = None  # the most tiers a re-rating moves a shop, as the re-rating's scheme set it
    rerating_held_by: str = ""  # HeldBy of the re-rating's own tier, whatever set the tier now
    rerated_from: int | None = None  # the tier the shop had before that re-rating (None: a first tier)

    @property
    def window_days(self) -> tuple[dt.date, dt.date] | None:
        """The reference period as people read it: its first and its last day (`window` does not hold its
        end day, `tiers.services.window_of`), as the re-rating's start page names it."""
        if not self.window or self.window[0] is None or self.window[1] is None:
            return None
        return self.window[0], self.window[1] - dt.timedelta(days=1)

    @property
    def held_below_score(self) -> bool:
        """The score reaches a higher tier than the shop has, and the move limit is what keeps it there:
        the re-rating moved it as far as the limit allows and its tier now is that one (also when a
        supervisor set it back to it). The phone says what bound it, the last re-rating's move ("上次评定从
        D2 升到 D5（每次最多升 3 档）") and, when so, that the tier was then set by hand."""
        return bool(
            self.move_limit
            and self.rerated_from is not None
            and self.raw_tier is not None
            and self.tier is not None
            and self.raw_tier > self.tier == self.rerated_tier
            and self.rerating_held_by == HeldBy.MOVE_LIMIT
        )

    @property
    def national_type_label(self) -> str:
        return national_type_label(self.national_type)

    @property
    def not_scored(self) -> set[str]:
        """The score parts the re-rating's scheme gave no weight (credit and compliance by default):
        their 0 points say nothing of the shop (an AA shop's credit is not scored, not scored 0)."""
        return {part for part, weight in (self.weights or {}).items() if not weight}

    @property
    def rated(self) -> bool:
        return self.score is not None

    @property
    def next_tier(self) -> int | None:
        return None if self.tier is None or self.tier >= TOP_TIER else self.tier + 1

    @property
    def tier_label(self) -> str:
        return tier_label(self.tier)

    @property
    def next_label(self) -> str:
        return tier_label(self.next_tier)

    @property
    def rerated_label(self) -> str:
        return tier_label(self.rerated_tier)

    @property
    def raw_label(self) -> str:
        return tier_label(self.raw_tier)

    @property
    def rerated_from_label(self) -> str:
        return tier_label(self.rerated_from)


def latest_assessment(*, retailer: Retailer) -> TierAssessment | None:
    return (
        TierAssessment.objects.filter(retailer=retailer, proposal__status=ProposalStatus.PUBLISHED)
        .select_related("proposal")
        .order_by("-proposal__published_at")
        .first()
    )


def proposal_cut_scores(*, proposal: TierProposal, scope_key: str) -> dict[int, float | None]:
    """Cut score per tier as the proposal's table shows it (the lowest score the run placed in
    each tier by score). A proposal stored before the table kept its cuts per scope: the same
    figure from its assessments."""
    rows = proposal.summary or []
    if rows and "cuts" in rows[0]:
        return {int(row["tier"]): row["cuts"].get(scope_key) for row in rows}
    found = (
        TierAssessment.objects.filter(proposal=proposal, scope_key=scope_key)
        .exclude(old_tier__isnull=True, quantity=0)  # new retailers given a starting tier, not ranked
        .values("raw_tier")
        .annotate(cut=Min("score"))
        .values_list("raw_tier", "cut")
    )
    return dict(found)


def _override_after(*, retailer: Retailer, since: dt.datetime | None) -> TierChange | None:
    """The retailer's last override, if it came after the re-rating published at `since`."""
    changes = TierChange.objects.filter(retailer=retailer, kind=TierChangeKind.OVERRIDE).select_related("approver")
    if since is not None:
        changes = changes.filter(at__gt=since)
    return changes.order_by("-at", "-pk").first()


def _held_by(assessment: TierAssessment) -> str:
    if assessment.raw_tier == assessment.tier:
        return ""
    snapshot = assessment.proposal.scheme_snapshot or {}
    # a downgrade the move limit allows still moves the retailer down; only that rule keeps it put
    if snapshot.get("upgrades_cover_downgrades") and assessment.raw_tier < assessment.tier == assessment.old_tier:
        return HeldBy.UPGRADES
    return HeldBy.MOVE_LIMIT


def _next_line_holder(assessment: TierAssessment, next_tier: int, next_cut: float) -> TierAssessment | None:
    """The retailer holding the next tier's line: the lowest score placed at that tier or above
    (the cut score is that score)."""
    return (
        TierAssessment.objects.filter(
            proposal=assessment.proposal, scope_key=assessment.scope_key, raw_tier__gte=next_tier,
            score__gte=next_cut - 1e-6,
        )
        .exclude(old_tier__isnull=True, quantity=0)  # new retailers given a starting tier, not ranked
        .order_by("score", "retailer_id")
        .first()
    )  # fmt: skip


def tier_explanation(*, retailer: Retailer) -> TierExplanation | None:
    """Why the retailer has its tier now: the last published re-rating (score parts, the cut lines of
    the tier it has now and of the next), and a supervisor's override made after it (when, why,
    by whom). None when neither exists."""
    assessment = latest_assessment(retailer=retailer)
    published_at = assessment.proposal.published_at if assessment else None
    change = _override_after(retailer=retailer, since=published_at)
    if assessment is None and change is None:
        return None
    tier = retailer.tier
    override = None
    if change is not None and change.new_tier == tier:
        source = TierSource.OVERRIDE
        approver = change.approver
        override = TierOverrideNote(
            at=change.at, old_tier=change.old_tier, new_tier=change.new_tier, reason=change.reason,
            approver=person_name(approver) if approver else "",
        )  # fmt: skip
    elif assessment is not None and assessment.tier == tier:
        source = TierSource.RERATING
    else:
        source = TierSource.RECORDS
    if assessment is None:
        return TierExplanation(
            tier=tier, source=source, override=override, rerated_tier=None, held_by="", score=None, parts={},
            amount=None, quantity=None, value_per_carton=None, raw_tier=None, cut_score=None, next_cut_score=None,
            gap=None, next_tier_amount=None, next_tier_quantity=None, window=None, national_type="",
        )  # fmt: skip
    cuts = proposal_cut_scores(proposal=assessment.proposal, scope_key=assessment.scope_key)
    next_tier = tier + 1 if tier is not None and tier < TOP_TIER else None
    next_cut = cuts.get(next_tier) if next_tier is not None else None
    holder = _next_line_holder(assessment, next_tier, next_cut) if next_cut is not None else None
    return TierExplanation(
        tier=tier,
        source=source,
        override=override,
        rerated_tier=assessment.tier,
        held_by=_held_by(assessment) if source == TierSource.RERATING else "",
        score=assessment.score,
        parts={
            "amount": assessment.score_amount,
            "quantity": assessment.score_quantity,
            "value_per_carton": assessment.score_value_per_carton,
            "credit": assessment.score_credit,
            "compliance": assessment.score_compliance,
        },
        amount=assessment.amount,
        quantity=assessment.quantity,
        value_per_carton=assessment.value_per_carton,
        raw_tier=assessment.raw_tier,
        cut_score=cuts.get(tier) if tier is not None else None,
        next_cut_score=next_cut,
        gap=float(round_half_up(max(0.0, next_cut - assessment.score), 4)) if next_cut is not None else None,
        next_tier_amount=holder.amount if holder else None,
        next_tier_quantity=holder.quantity if holder else None,
        window=(assessment.proposal.window_start, assessment.proposal.window_end),
        national_type=assessment.national_type,
        returned_quantity=assessment.returned_quantity,
        idle=assessment.quantity == 0 and assessment.old_tier is not None,
        published_at=published_at,
        weights=dict((assessment.proposal.scheme_snapshot or {}).get("weights") or {}),
        move_limit=(assessment.proposal.scheme_snapshot or {}).get("move_limit"),
        rerating_held_by=_held_by(assessment),
        rerated_from=assessment.old_tier,
    )
