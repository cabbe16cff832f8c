"""A retailer's quota sheet for a cycle: its quotas grouped by price band, each with prices,
margin, the reasons behind it and the demand the retailer reported (what the phone page, the API
and the profit report show)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from cycles.models import VISIBLE_STATUSES, OrderCycle
from demand.selectors import retailer_reports
from pricing.models import Product, price_band_words
from retailers.models import Retailer

from .explanations import QuotaTier, retailer_quota_explanations, retailer_quota_tier
from .models import AllocationRun
from .selectors import published_allocation_run


def published_allocation_run_id(cycle: OrderCycle) -> int | None:
    """The id of the cycle's published allocation run (`AllocationRun`), once retailers may see it."""
    if cycle.status not in VISIBLE_STATUSES:
        return None
    return AllocationRun.objects.filter(cycle=cycle, is_published=True).values_list("pk", flat=True).first()


@dataclass
class QuotaLine:
    product: Product
    quota: int
    reasons: list[str]
    margin: Decimal  # per carton, at the guide price
    reported: int | None = None  # cartons the retailer reported wanting (demand report), None if it did not

    @property
    def margin_rate(self) -> Decimal:
        return (self.margin / self.product.retail_price * 100).quantize(Decimal("0.1"))


@dataclass
class BandGroup:
    label: str
    lines: list[QuotaLine] = field(default_factory=list)

    @property
    def words(self) -> str:
        """The band as the sheet shows it: with its unit ("≥600 元/条")."""
        return price_band_words(self.label)

    @property
    def cartons(self) -> int:
        return sum(line.quota for line in self.lines)


@dataclass
class QuotaSheet:
    cycle: OrderCycle
    published: bool
    groups: list[BandGroup]
    tier: QuotaTier | None = None  # the tier the published run used (stored) and today's; None: not published

    @property
    def tier_words(self) -> str:
        """Said to the retailer only when its tier moved since the quotas were computed."""
        return self.tier.words() if self.tier is not None and self.tier.changed else ""

    @property
    def cartons(self) -> int:
        return sum(g.cartons for g in self.groups)

    @property
    def products(self) -> int:
        return sum(1 for g in self.groups for line in g.lines if line.quota > 0)


def quota_sheet(*, retailer: Retailer, cycle: OrderCycle) -> QuotaSheet:
    """The cycle's quotas grouped by price band (dearest first), each with prices, margin and reasons."""
    published = cycle.status in VISIBLE_STATUSES
    groups: dict[str, BandGroup] = {}
    order: dict[str, Decimal] = {}
    allocation_run = published_allocation_run(cycle) if published else None
    tier = retailer_quota_tier(retailer=retailer, allocation_run=allocation_run) if allocation_run else None
    if allocation_run is not None:
        reported = retailer_reports(retailer_id=retailer.pk, cycle_id=cycle.pk)  # closed since the first run
        for item in retailer_quota_explanations(retailer=retailer, cycle=cycle, allocation_run=allocation_run):
            product = item["product"]
            band = product.price_band
            label = band.label if band else "—"
            order[label] = band.min_wholesale_price if band else Decimal(0)
            groups.setdefault(label, BandGroup(label)).lines.append(
                QuotaLine(product, item["quota"], item["reasons"], product.margin_per_carton, reported.get(product.pk))
            )
    ranked = sorted(groups.values(), key=lambda g: order[g.label], reverse=True)
    for group in ranked:
        group.lines.sort(key=lambda line: (-line.product.wholesale_price, line.product.code))
    return QuotaSheet(cycle, published, ranked, tier)
