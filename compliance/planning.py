"""The week's inspection list per customer manager: `retailers_per_week` of their shops, each with
`products_per_visit` of its products, scarce ones weighted up (the compliance policy's sampling plan).

The list is drawn from seeds of the manager and the week, and weighted from the inspections before
the week began (`shop_weights`), so it stays the same all week; a visit is done once an inspection
of the shop is recorded that week."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from cycles.calendar import cycle_monday
from pricing.models import Product
from retailers.models import Retailer
from retailers.vocabulary import RetailerStatus
from stock.selectors import products_to_count

from .engine.checks import standings
from .engine.sampling import RECENT_WEEKS, retailer_weights, sample_products, weighted_sample
from .models import CompliancePolicy, Inspection, InspectionLine
from .selectors import compliance_policy, inspection_checks
from .tags import shops_products, tag_products


@dataclass
class PlannedVisit:
    retailer: Retailer
    products: list[Product]
    done: bool
    to_count: list[Product] = field(default_factory=list)  # stock unknown: count on this visit


def shops_to_count(retailer_ids: list[int], on: dt.date) -> dict[int, list[Product]]:
    """Per shop, the products whose stock is unknown (`stock.selectors.products_to_count`), by code."""
    needed = products_to_count(retailer_ids=retailer_ids, today=on)
    products = Product.objects.in_bulk({p for ids in needed.values() for p in ids})
    return {r: sorted((products[p] for p in ids), key=lambda p: p.code) for r, ids in needed.items()}


def visit_products(
    retailer: Retailer, week_start: dt.date, policy: CompliancePolicy | None = None, sold: list[Product] | None = None
) -> list[Product]:
    """The products to check in this shop this week: from what it sells (`sold`, else
    `tags.tag_products`: what it ordered lately, else every product on sale)."""
    policy = policy or compliance_policy()
    candidates = tag_products(retailer, week_start) if sold is None else sold
    chosen = set(
        sample_products(
            [p.pk for p in candidates],
            [p.is_scarce for p in candidates],
            policy.products_per_visit,
            seed=retailer.pk * 100_003 + week_start.toordinal(),
            scarce_weight=float(policy.scarce_weight),
        )
    )
    return sorted((p for p in candidates if p.pk in chosen), key=lambda p: p.code)


def shop_weights(shops: list[int], week_start: dt.date, policy: CompliancePolicy) -> list[float]:
    """Each shop's weight in the week's draw (`sampling.retailer_weights`), from the inspections
    before the week only: repeat violators as the standing counts them, and shops visited lately."""
    before = InspectionLine.objects.filter(
        inspection__retailer__in=shops,
        inspection__visited_on__gte=week_start - dt.timedelta(weeks=max(policy.window_weeks, RECENT_WEEKS)),
        inspection__visited_on__lt=week_start,
    )
    checks = inspection_checks(before, policy=policy)
    if checks.empty:
        return retailer_weights(shops, set(), set())
    in_window = checks[checks["visited_on"] >= week_start - dt.timedelta(weeks=policy.window_weeks)]
    standing = standings(in_window, repeat_violations=policy.repeat_violations) if not in_window.empty else None
    violators = set() if standing is None else set(standing.index[standing["repeat_violator"]])
    recent = set(checks.loc[checks["visited_on"] >= week_start - dt.timedelta(weeks=RECENT_WEEKS), "retailer"])
    return retailer_weights(shops, violators, recent)


def inspection_list(*, manager, on: dt.date) -> list[PlannedVisit]:
    """The manager's inspection list for the week holding `on`."""
    policy = compliance_policy()
    week_start = cycle_monday(on)
    shops = list(Retailer.objects.filter(manager=manager, status=RetailerStatus.ACTIVE).values_list("pk", flat=True))
    chosen = weighted_sample(
        shops, shop_weights(shops, week_start, policy), policy.retailers_per_week,
        seed=manager.pk * 7_919 + week_start.toordinal(),
    )  # fmt: skip
    done = set(
        Inspection.objects.filter(
            retailer__in=chosen, visited_on__gte=week_start, visited_on__lt=week_start + dt.timedelta(weeks=1)
        ).values_list("retailer_id", flat=True)
    )
    retailers = Retailer.objects.filter(pk__in=chosen).order_by("route__name", "customer_code")
    sold = shops_products(chosen, week_start)
    to_count = shops_to_count(chosen, on)
    return [
        PlannedVisit(r, visit_products(r, week_start, policy, sold[r.pk]), r.pk in done, to_count[r.pk])
        for r in retailers
    ]
