"""Classification runs on a handful of shops: returns deducted from purchases, idle shops at the
bottom, starting tiers rounded half-up; and the proposal's cut scores as the retailer page shows
them (docs/domain.md §3)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from cycles.services import cycle_get_or_create
from demo.services import demo_city_create
from orders.models import WeeklyPurchase
from tests.factories import BranchFactory, RetailerFactory
from tiers.models import ClassificationScheme, TierAssessment
from tiers.selectors import tier_explanation
from tiers.services import classification_run, proposal_publish

pytestmark = pytest.mark.django_db
AS_OF = dt.date(2026, 11, 22)  # a Sunday, not in a freeze window
MONDAY = dt.date(2026, 11, 9)  # a cycle inside the 13-week window


def scheme(**fields) -> ClassificationScheme:
    ClassificationScheme.objects.update(is_active=False)
    values = {
        "is_active": True, "window_weeks": 13, "scope": "company", "scoring": "rank", "assignment": "share_bands",
        "weight_amount": 40, "weight_quantity": 0, "weight_value_per_carton": 0, "weight_credit": 0,
        "weight_compliance": 0, "move_limit": None, "upgrades_cover_downgrades": False, **fields,
    }  # fmt: skip
    return ClassificationScheme.objects.update_or_create(name="tests: amount only", defaults=values)[0]


def week(retailer, *, cartons, returned, amount, cost):
    WeeklyPurchase.objects.create(
        cycle=cycle_get_or_create(starts_on=MONDAY), retailer=retailer, cartons=cartons, returned=returned,
        amount=Decimal(amount), cost=Decimal(cost), lines=1,
    )  # fmt: skip


def test_returns_are_deducted_and_idle_shops_fall_to_d1():
    scheme()
    order_big_and_return, steady, unpriced = (
        RetailerFactory(tier=10),
        RetailerFactory(tier=10),
        RetailerFactory(tier=10),
    )
    idle = RetailerFactory(tier=12)
    # Ordered 100 cartons at 200 yuan (20,000) and returned 60: kept 40, worth 40 × 200 = 8,000
    # (the weekly row's cost: the kept cartons at the wholesale price).
    week(order_big_and_return, cartons=100, returned=60, amount="20000.00", cost="8000.00")
    week(steady, cartons=50, returned=0, amount="10000.00", cost="10000.00")
    # A row written without prices (cost 0): the ordered 1,000 yuan × 6 kept / 10 ordered = 600.
    week(unpriced, cartons=10, returned=4, amount="1000.00", cost="0")
    proposal = classification_run(as_of=AS_OF)
    got = {a.retailer_id: a for a in TierAssessment.objects.filter(proposal=proposal)}
    big, keep, low, none = (got[r.pk] for r in (order_big_and_return, steady, unpriced, idle))
    assert (big.amount, big.quantity, big.returned_quantity, big.value_per_carton) == (
        Decimal("8000.00"),
        40,
        60,
        Decimal("200.00"),
    )
    assert (low.amount, low.quantity, low.returned_quantity) == (Decimal("600.00"), 6, 4)
    assert (none.amount, none.quantity) == (Decimal("0.00"), 0)
    # Amount ranks of N = 4: steady 1, order-big-and-return 2, unpriced 3, idle 4;
    # (2 − rank/4) × 40 = 70, 60, 50, 40.
    assert [keep.score, big.score, low.score, none.score] == [70.0, 60.0, 50.0, 40.0]
    # Bands of 4: 0.36 / 0.72 / 0.92 / 0.92 / 1.08 → floors 0 0 0 0 1, the 3 left to .92, .92, .72:
    # one shop each in D10 (1–10), D15 (11–15), D20 (16–20), D25 (21–25). The idle shop goes to
    # D1 and the others keep their places: 2nd lowest D15, 3rd D20, top D25.
    assert [none.tier, low.tier, big.tier, keep.tier] == [1, 15, 20, 25]


def test_a_new_shop_starts_at_the_median_tier_of_similar_shops_rounded_half_up():
    scheme(move_limit=3)
    branch = BranchFactory()
    smaller, bigger = RetailerFactory(branch=branch, tier=13), RetailerFactory(branch=branch, tier=12)
    newcomer = RetailerFactory(branch=branch, tier=None)
    week(smaller, cartons=10, returned=0, amount="1000.00", cost="1000.00")
    week(bigger, cartons=20, returned=0, amount="2000.00", cost="2000.00")
    proposal = classification_run(as_of=AS_OF)
    tiers = dict(TierAssessment.objects.filter(proposal=proposal).values_list("retailer_id", "tier"))
    # Bands of 2: 0.18 / 0.36 / 0.46 / 0.46 / 0.54 → the 2 to .54 (D1–10 → D10) and the first .46
    # (D16–20 → D20). Move limit 3: smaller 13 → 10; bigger 12 → 15 (not 20).
    assert (tiers[smaller.pk], tiers[bigger.pk]) == (10, 15)
    # median(10, 15) = 12.5 → 13 (half-up; np.round gives 12)
    assert tiers[newcomer.pk] == 13


@pytest.fixture
def published(supervisor):
    demo_city_create(retailers=400, products=25, weeks=14, seed=9, today=AS_OF)
    proposal = classification_run(as_of=AS_OF)
    proposal_publish(proposal=proposal, approver=supervisor, today=AS_OF)
    proposal.refresh_from_db()
    return proposal


def test_the_retailer_page_shows_the_proposals_cut_score(published):
    cuts = {row["tier"]: row["cuts"][""] for row in published.summary}
    shown = [cuts[t] for t in range(1, 31) if cuts[t] is not None]
    assert all(low < high for low, high in zip(shown, shown[1:], strict=False)), "cut scores must rise with the tier"
    assessments = TierAssessment.objects.filter(proposal=published).select_related("retailer")
    for tier in range(1, 31):
        placed = [a.score for a in assessments if a.raw_tier == tier and not (a.old_tier is None and a.quantity == 0)]
        assert cuts[tier] == (min(placed) if placed else None)
        one = next((a for a in assessments if a.tier == tier), None)
        if one is not None:
            explanation = tier_explanation(retailer=one.retailer)
            assert explanation.cut_score == cuts[tier]
            assert explanation.next_cut_score == (cuts.get(tier + 1) if tier < 30 else None)


def test_the_proposal_page_names_an_empty_tier_and_why(client, supervisor):
    # 35 shops buying the same: one group of ties, all in D17 (see test_ties_and_cuts); the other
    # 29 tiers are empty and the page says the ties force it.
    scheme()
    for _ in range(35):
        week(RetailerFactory(tier=None), cartons=10, returned=0, amount="2000.00", cost="2000.00")
    proposal = classification_run(as_of=AS_OF)
    assert set(TierAssessment.objects.filter(proposal=proposal).values_list("tier", flat=True)) == {17}
    client.force_login(supervisor)
    body = client.get(reverse("admin:tiers_tierproposal_change", args=[proposal.pk])).content.decode()
    assert body.count("空档：分数相同的零售户同档，这 35 户只有 1 个不同的分数。") == 29
    assert "分数线" in body
