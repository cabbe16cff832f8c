"""Why a retailer has its tier, and what it would take to move up."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Min

from retailers.models import Retailer

from .models import ProposalStatus, TierAssessment

TOP_TIER = 30


@dataclass(frozen=True)
class TierExplanation:
    tier: int | None
    score: float
    parts: dict[str, float]
    amount: Decimal
    quantity: int
    value_per_carton: Decimal
    raw_tier: int  # the tier the score alone gives (before the move limit)
    cut_score: float | None  # lowest score that earns this tier by score
    next_cut_score: float | None  # lowest score that earns the next tier up
    gap: float | None  # score still missing for the next tier (0 when only the move limit holds it back)
    next_tier_amount: Decimal | None  # purchases of the lowest-scoring retailer one tier up
    next_tier_quantity: int | None
    window: tuple | None
    national_type: str


def latest_assessment(*, retailer: Retailer) -> TierAssessment | None:
    return (
        TierAssessment.objects.filter(retailer=retailer, proposal__status=ProposalStatus.PUBLISHED)
        .select_related("proposal")
        .order_by("-proposal__published_at")
        .first()
    )


def tier_explanation(*, retailer: Retailer) -> TierExplanation | None:
    """From the last published re-rating: score parts, cut lines, and the distance to the next tier."""
    assessment = latest_assessment(retailer=retailer)
    if assessment is None:
        return None
    peers = TierAssessment.objects.filter(proposal=assessment.proposal, scope_key=assessment.scope_key)
    # cut lines by score (raw tier): the move limit may hold a retailer away from them
    cut = peers.filter(raw_tier=assessment.tier).aggregate(m=Min("score"))["m"]
    nxt = None
    if assessment.tier < TOP_TIER:
        nxt = peers.filter(raw_tier=assessment.tier + 1).order_by("score", "retailer_id").first()
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
        cut_score=cut,
        next_cut_score=nxt.score if nxt else None,
        gap=round(max(0.0, nxt.score - assessment.score), 3) if nxt else None,
        next_tier_amount=nxt.amount if nxt else None,
        next_tier_quantity=nxt.quantity if nxt else None,
        window=(assessment.proposal.window_start, assessment.proposal.window_end),
        national_type=assessment.national_type,
    )
