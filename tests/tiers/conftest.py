"""Fixtures of the tier tests."""

import datetime as dt

import pytest

from cycles.services import cycle_get_or_create
from orders.models import WeeklyPurchase
from tiers.models import ClassificationScheme
from tiers.services import classification_run, proposal_publish


@pytest.fixture
def rated_city(db, supervisor):
    """Rate a hand-made city: `name`'s scheme made the only active one (rank form over the whole
    company, share bands, a 13-week window; purchase amount weighted 40, `quantity` and
    `value_per_carton` as given, credit and compliance not; no move limit unless one is given), each
    shop's one purchase `(shop, cartons, amount)` in the cycle starting `week`, then a re-rating as of
    `as_of` published by the supervisor. Returns the shops by the same keys, read back with their tiers."""

    def make(
        name: str, purchases: dict, *, as_of: dt.date, week: dt.date, quantity: float = 0,
        value_per_carton: float = 0, move_limit: int | None = None,
    ) -> dict:  # fmt: skip
        ClassificationScheme.objects.update(is_active=False)
        ClassificationScheme.objects.create(
            name=name, is_active=True, window_weeks=13, scope="company", scoring="rank", assignment="share_bands",
            weight_amount=40, weight_quantity=quantity, weight_value_per_carton=value_per_carton, weight_credit=0,
            weight_compliance=0, move_limit=move_limit,
        )  # fmt: skip
        cycle = cycle_get_or_create(starts_on=week)
        WeeklyPurchase.objects.bulk_create(
            WeeklyPurchase(cycle=cycle, retailer=shop, cartons=cartons, returned=0, amount=amount, cost=amount, lines=1)
            for shop, cartons, amount in purchases.values()
        )
        proposal_publish(proposal=classification_run(as_of=as_of), approver=supervisor, today=as_of)
        for shop, _cartons, _amount in purchases.values():
            shop.refresh_from_db()
        return {key: shop for key, (shop, _cartons, _amount) in purchases.items()}

    return make
