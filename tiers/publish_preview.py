"""What publishing a tier proposal will change, for its confirmation page (a read, nothing written);
once published, what publishing changed (`proposal_published_moves`: its tier-change rows, as written).

Compared with each retailer's tier now, as publishing compares (`services._apply_tiers`). A tier a
supervisor set by hand (an override) is named before it moves: one made after the proposal was computed
is kept by publishing (the proposal never saw it, docs/domain.md §3) and counts as staying; one made
before is undone by the re-rating, and listed so the supervisor sees it before confirming."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, F, Q
from django.db.models.functions import Abs

from core.display import person_name

from .models import ProposalStatus, TierAssessment, TierChange, TierChangeKind, TierProposal

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
class OverrideAtStake:
    """A retailer whose tier now was set by a supervisor's override, and that this proposal rates otherwise."""

    retailer_id: int
    customer_code: str
    name: str
    overridden_tier: int  # its tier now, set by the override
    proposed_tier: int
    reason: str
    approver: str
    at: object  # datetime of the override
    kept: bool  # made after the proposal was computed: publishing keeps it


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
    overrides_undone: list[OverrideAtStake] = field(default_factory=list)  # publishing moves them
    overrides_kept: list[OverrideAtStake] = field(default_factory=list)  # publishing leaves them


def overrides_kept_after(proposal: TierProposal):
    """The retailers whose tier a supervisor overrode after this proposal read the registry: publishing
    leaves them as overridden (`services._apply_tiers` skips the same ones)."""
    return TierChange.objects.filter(kind=TierChangeKind.OVERRIDE, at__gt=proposal.run.created_at).values("retailer_id")


def overrides_at_stake(*, proposal: TierProposal) -> list[OverrideAtStake]:
    """Retailers whose tier now is a supervisor's override (their latest tier change) and whose
    proposed tier differs, oldest override first. Overrides are few (set one by one by hand)."""
    overridden = TierChange.objects.filter(kind=TierChangeKind.OVERRIDE).values("retailer_id")
    latest: dict[int, TierChange] = {}
    for change in (
        TierChange.objects.filter(retailer_id__in=overridden).select_related("approver").order_by("retailer_id", "at", "pk")
    ):
        latest[change.retailer_id] = change
    by_hand = {r: c for r, c in latest.items() if c.kind == TierChangeKind.OVERRIDE}
    rows = (
        TierAssessment.objects.filter(proposal=proposal, retailer_id__in=list(by_hand))
        .exclude(tier=F("retailer__tier"))
        .values("retailer_id", "retailer__customer_code", "retailer__name", "retailer__tier", "tier")
    )
    read_at = proposal.run.created_at
    out = []
    for row in rows:
        change = by_hand[row["retailer_id"]]
        if change.new_tier != row["retailer__tier"]:  # the registry moved since (not by an override)
            continue
        approver = person_name(change.approver) if change.approver else ""
        out.append(
            OverrideAtStake(
                row["retailer_id"], row["retailer__customer_code"], row["retailer__name"], row["retailer__tier"],
                row["tier"], change.reason, approver, change.at, kept=change.at > read_at,
            )  # fmt: skip
        )
    return sorted(out, key=lambda o: (o.at, o.customer_code))


def proposal_publish_preview(*, proposal: TierProposal) -> PublishPreview:
    every = TierAssessment.objects.filter(proposal=proposal)
    rows = every.exclude(retailer_id__in=overrides_kept_after(proposal))  # those publishing may move
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
    steps = _steps(deltas)
    biggest = [
        TierMove(r["retailer_id"], r["retailer__customer_code"], r["retailer__name"], r["retailer__tier"], r["tier"])
        for r in rows.exclude(retailer__tier__isnull=True)
        .exclude(tier=F("retailer__tier"))
        .annotate(size=Abs(F("tier") - F("retailer__tier")))
        .order_by("-size", "retailer__customer_code")
        .values("retailer_id", "retailer__customer_code", "retailer__name", "retailer__tier", "tier")[:BIGGEST_SHOWN]
    ]
    stake = overrides_at_stake(proposal=proposal)
    kept = every.count() - figures["retailers"]  # overridden after the proposal was computed: they stay
    figures.update(retailers=figures["retailers"] + kept, stay=figures["stay"] + kept)
    return PublishPreview(
        **figures,
        by_steps=[StepCount(n, v["up"], v["down"]) for n, v in sorted(steps.items())],
        biggest=biggest,
        overrides_undone=[o for o in stake if not o.kept],
        overrides_kept=[o for o in stake if o.kept],
    )


def proposal_published_moves(*, proposal: TierProposal) -> PublishPreview:
    """The moves a published proposal made, as publishing wrote them (its re-rating rows in the tier
    history: old tier, new tier), never compared with the tiers now, which are its own or later ones
    (tester 2026-11-28: a published proposal's page read 升档 0, 降档 0 beside the 1,217 it moved up).
    The retailers it rated and did not move (their tier already, or an override it kept) stay."""
    if proposal.status != ProposalStatus.PUBLISHED:
        raise ValueError("only a published proposal has moves made")
    moves = TierChange.objects.filter(proposal_id=proposal.pk, kind=TierChangeKind.RERATING)
    figures = moves.aggregate(
        moved=Count("pk"),
        up=Count("pk", filter=Q(old_tier__isnull=False, new_tier__gt=F("old_tier"))),
        down=Count("pk", filter=Q(old_tier__isnull=False, new_tier__lt=F("old_tier"))),
        first_tier=Count("pk", filter=Q(old_tier__isnull=True)),
    )
    rated = TierAssessment.objects.filter(proposal=proposal)
    retailers = rated.count()
    deltas = (
        moves.exclude(old_tier__isnull=True)
        .annotate(delta=F("new_tier") - F("old_tier"))
        .values("delta")
        .annotate(n=Count("pk"))
    )
    steps = _steps(deltas)
    biggest = [
        TierMove(r["retailer_id"], r["retailer__customer_code"], r["retailer__name"], r["old_tier"], r["new_tier"])
        for r in moves.exclude(old_tier__isnull=True)
        .annotate(size=Abs(F("new_tier") - F("old_tier")))
        .order_by("-size", "retailer__customer_code")
        .values("retailer_id", "retailer__customer_code", "retailer__name", "old_tier", "new_tier")[:BIGGEST_SHOWN]
    ]
    return PublishPreview(
        retailers=retailers,
        up=figures["up"],
        down=figures["down"],
        stay=retailers - figures["moved"],
        first_tier=figures["first_tier"],
        held=rated.exclude(tier=F("raw_tier")).count(),
        by_steps=[StepCount(n, v["up"], v["down"]) for n, v in sorted(steps.items())],
        biggest=biggest,
    )


def _steps(deltas) -> dict[int, dict[str, int]]:
    """Tier steps moved (1, 2, …) → how many retailers moved up and down by that many, from rows of
    `delta` (new tier − old) and `n` (how many)."""
    steps: dict[int, dict[str, int]] = {}
    for row in deltas:
        entry = steps.setdefault(abs(row["delta"]), {"up": 0, "down": 0})
        entry["up" if row["delta"] > 0 else "down"] += row["n"]
    return steps
