"""Why a retailer has its tier, and what it would take to move up."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Min

from retailers.models import Retailer

from .engine.classify import round_half_up
from .models import ProposalStatus, TierAssessment, TierProposal

TOP_TIER = 30


@dataclass(frozen=True)
class TierExplanation:
    tier: int | None
    score: float
    parts: dict[str, float]
    amount: Decimal  # of the cartons kept (returns deducted)
    quantity: int  # cartons kept: ordered − returned
    value_per_carton: Decimal
    raw_tier: int  # the tier the score alone gives (before the move limit)
    cut_score: float | None  # the proposal's cut score of the retailer's tier, in its scope
    next_cut_score: float | None  # the same figure one tier up
    gap: float | None  # score still missing for the next tier (0 when only the move limit holds it back)
    next_tier_amount: Decimal | None  # purchases of the lowest-scoring retailer one tier up
    next_tier_quantity: int | None
    window: tuple | None
    national_type: str
    returned_quantity: int = 0  # cartons returned in the window (not counted)
    idle: bool = False  # bought nothing in the window: the lowest tier by score


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


def tier_explanation(*, retailer: Retailer) -> TierExplanation | None:
    """From the last published re-rating: score parts, cut lines, and the distance to the next tier."""
    assessment = latest_assessment(retailer=retailer)
    if assessment is None:
        return None
    cuts = proposal_cut_scores(proposal=assessment.proposal, scope_key=assessment.scope_key)
    next_cut = cuts.get(assessment.tier + 1) if assessment.tier < TOP_TIER else None
    holder = None
    if next_cut is not None:  # the retailer holding that line: lowest score placed one tier up
        holder = (
            TierAssessment.objects.filter(
                proposal=assessment.proposal, scope_key=assessment.scope_key, raw_tier=assessment.tier + 1
            )
            .exclude(old_tier__isnull=True, quantity=0)  # new retailers given a starting tier, not ranked
            .order_by("score", "retailer_id")
            .first()
        )
    return TierExplanation(
        tier=retailer.tier,
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
        cut_score=cuts.get(assessment.tier),
        next_cut_score=next_cut,
        gap=float(round_half_up(max(0.0, next_cut - assessment.score), 4)) if next_cut is not None else None,
        next_tier_amount=holder.amount if holder else None,
        next_tier_quantity=holder.quantity if holder else None,
        window=(assessment.proposal.window_start, assessment.proposal.window_end),
        national_type=assessment.national_type,
        returned_quantity=assessment.returned_quantity,
        idle=assessment.quantity == 0 and assessment.old_tier is not None,
    )
