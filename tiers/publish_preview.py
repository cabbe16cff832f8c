"""What publishing a tier proposal will change, for its confirmation page (a read, nothing written).

Compared with each retailer's tier now, as publishing compares (`services._apply_tiers`): a tier set
by an override since the proposal was computed counts from the overridden tier."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, F, Q
from django.db.models.functions import Abs

from .models import TierAssessment, TierProposal

BIGGEST_SHOWN = 10


@dataclass(frozen=True, slots=True)
class TierMove:
    retailer_id: int
    customer_code: str
    name: str
    old_tier: int | None
    new_tier: int

    @property
    def steps(self) -> int:
        return self.new_tier - (self.old_tier or 0)


@dataclass(frozen=True, slots=True)
class StepCount:
    steps: int  # tiers moved, 1 or more
    up: int
    down: int


@dataclass(frozen=True, slots=True)
class PublishPreview:
    retailers: int
    up: int
    down: int
    stay: int
    first_tier: int  # retailers with no tier yet, given their first
    held: int  # kept nearer their old tier by the move limit (or "upgrades at least downgrades")
    by_steps: list[StepCount]
    biggest: list[TierMove]


def proposal_publish_preview(*, proposal: TierProposal) -> PublishPreview:
    rows = TierAssessment.objects.filter(proposal=proposal)
    figures = rows.aggregate(
        retailers=Count("pk"),
        up=Count("pk", filter=Q(tier__gt=F("retailer__tier"))),
        down=Count("pk", filter=Q(tier__lt=F("retailer__tier"))),
        stay=Count("pk", filter=Q(tier=F("retailer__tier"))),
        first_tier=Count("pk", filter=Q(retailer__tier__isnull=True)),
        held=Count("pk", filter=~Q(tier=F("raw_tier"))),
    )
    deltas = (
        rows.exclude(retailer__tier__isnull=True)
        .exclude(tier=F("retailer__tier"))
        .annotate(delta=F("tier") - F("retailer__tier"))
        .values("delta")
        .annotate(n=Count("pk"))
    )
    steps: dict[int, dict[str, int]] = {}
    for row in deltas:
        entry = steps.setdefault(abs(row["delta"]), {"up": 0, "down": 0})
        entry["up" if row["delta"] > 0 else "down"] += row["n"]
    biggest = [
        TierMove(r["retailer_id"], r["retailer__customer_code"], r["retailer__name"], r["retailer__tier"], r["tier"])
        for r in rows.exclude(retailer__tier__isnull=True)
        .exclude(tier=F("retailer__tier"))
        .annotate(size=Abs(F("tier") - F("retailer__tier")))
        .order_by("-size", "retailer__customer_code")
        .values("retailer_id", "retailer__customer_code", "retailer__name", "retailer__tier", "tier")[:BIGGEST_SHOWN]
    ]
    return PublishPreview(
        **figures,
        by_steps=[StepCount(n, v["up"], v["down"]) for n, v in sorted(steps.items())],
        biggest=biggest,
    )

