"""Repeated price-tag violations: the standing job, and what allocation and the tier score read from it."""

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from django.utils import timezone, translation

from allocation.engine.rules import Reason, Rules, penalties_of
from allocation.explanations import retailer_quota_explanations
from allocation.models import AllocationPolicy
from allocation.quota_cache import retailer_quota_rows
from allocation.selectors import published_allocation_run
from allocation.services import allocation_run_create
from compliance.engine.checks import line_checks, standings
from compliance.inspections import inspection_record
from compliance.models import CompliancePolicy, ComplianceStanding
from compliance.planning import visit_products
from compliance.selectors import compliance_policy, compliance_rates, repeat_violator_ids
from compliance.services import compliance_standing_refresh
from cycles.models import CycleStatus, OrderCycle

NAN = np.nan


def _lines(rows):
    frame = pd.DataFrame(
        rows, columns=["retailer", "inspection", "guide_price", "tag_present", "tag_price", "price_carton"]
    )
    return line_checks(frame.assign(price_pack=NAN, packs_per_carton=10), ceiling_ratio=1.10)


def test_violations_and_the_legal_ceiling_per_line():
    checks = _lines(
        [
            (1, 1, 100.0, True, 100.0, 100.0),  # right tag, charged as tagged
            (1, 1, 100.0, True, 110.0, 110.0),  # wrong tag
            (1, 2, 100.0, False, NAN, NAN),  # no tag
            (2, 3, 100.0, True, 100.0, 111.0),  # charged above the tag and above the 110 ceiling
            (2, 3, 100.0, True, 100.0, 110.0),  # charged above the tag, at the ceiling
            (2, 4, 100.0, True, 100.0, NAN),  # right tag, price not observed
        ]
    )
    assert checks["violation"].tolist() == [False, True, True, True, True, False]
    assert checks["above_ceiling"].tolist() == [False, False, False, True, False, False]


def test_standings_count_inspections_with_a_violation():
    checks = _lines(
        [
            (1, 1, 100.0, True, 100.0, 100.0),
            (1, 1, 100.0, False, NAN, NAN),
            (1, 2, 100.0, True, 90.0, 90.0),
            (2, 3, 100.0, True, 100.0, 100.0),
            (2, 4, 100.0, False, NAN, NAN),
            (2, 4, 100.0, True, 100.0, 100.0),
        ]
    )
    out = standings(checks, repeat_violations=2)
    assert out.loc[1, ["inspections", "violating_inspections", "lines", "compliant_lines"]].tolist() == [2, 2, 3, 1]
    assert out.loc[1, "compliance_rate"] == pytest.approx(1 / 3)
    assert bool(out.loc[1, "repeat_violator"]) is True
    assert out.loc[2, ["inspections", "violating_inspections", "compliant_lines"]].tolist() == [2, 1, 2]
    assert bool(out.loc[2, "repeat_violator"]) is False


def test_penalties_multiply_credit_and_violation_factors():
    rules = Rules(credit_factors={"C": 0.8}, violation_factor=0.5, repeat_violators=frozenset({2, 3}))
    factor, reasons = penalties_of(np.array([1, 2, 3]), pd.Series(["C", "AA", "C"]), rules)
    assert factor.tolist() == pytest.approx([0.8, 0.5, 0.4])
    assert reasons.tolist() == [Reason.CREDIT, Reason.VIOLATION, Reason.CREDIT | Reason.VIOLATION]


def _violate(manager, retailer, day):
    products = visit_products(retailer, day)
    inspection_record(
        inspector=manager, retailer=retailer, visited_on=day, kind="open",
        lines=[{"product": p.code, "tag_present": False} for p in products],
    )  # fmt: skip


@pytest.mark.django_db
def test_a_repeat_violator_gets_reduced_quotas_with_the_reason(city, manager1, shop):
    today = city
    cycle = OrderCycle.objects.filter(ends_on__gte=today).order_by("starts_on").first()
    before = {
        r["plan_line"]: r for r in retailer_quota_rows(allocation_run=published_allocation_run(cycle), retailer_id=shop.pk)
    }
    _violate(manager1, shop, today - dt.timedelta(days=14))
    compliance_standing_refresh(today=today)
    assert repeat_violator_ids() == []  # one inspection with a violation is not yet a repeat
    _violate(manager1, shop, today - dt.timedelta(days=7))
    counts = compliance_standing_refresh(today=today)
    assert counts == {"retailers": 1, "repeat_violators": 1}
    assert compliance_standing_refresh(today=today) == counts  # a re-run gives the same standing
    assert ComplianceStanding.objects.get().compliance_rate == 0.0
    assert repeat_violator_ids() == [shop.pk]
    AllocationPolicy.objects.update(violation_factor="0.5")
    OrderCycle.objects.filter(pk=cycle.pk).update(status=CycleStatus.COMPUTED)  # let the cycle be recomputed
    allocation = allocation_run_create(cycle=cycle)
    assert allocation.policy["repeat_violators"] == [shop.pk]
    after = {r["plan_line"]: r for r in retailer_quota_rows(allocation_run=allocation, retailer_id=shop.pk)}
    plain = [k for k, r in before.items() if r["reasons"] == 0 and r["quota"] >= 2 and k in after]
    assert plain, "the shop should have tier-cap quotas of at least 2 cartons"
    for k in plain:
        assert after[k]["quota"] == before[k]["quota"] // 2
        assert Reason.VIOLATION in Reason(int(after[k]["reasons"]))
    with translation.override("en"):
        explained = retailer_quota_explanations(retailer=shop, cycle=cycle, allocation_run=allocation)
    reasons = [r for item in explained for r in item["reasons"]]
    assert any("price-tag violations in recent inspections: quota × 0.5" in r for r in reasons)


@pytest.mark.django_db
def test_the_standing_window_and_threshold_come_from_the_policy(city, manager1, shop):
    today = city
    _violate(manager1, shop, today - dt.timedelta(weeks=20))  # outside the 13-week window
    _violate(manager1, shop, today - dt.timedelta(days=3))
    compliance_standing_refresh(today=today)
    assert ComplianceStanding.objects.get().inspections == 1
    CompliancePolicy.objects.update_or_create(pk=1, defaults={"window_weeks": 26})
    compliance_standing_refresh(today=today)
    assert repeat_violator_ids() == [shop.pk]
    assert compliance_rates().to_dict() == {shop.pk: 0.0}


@pytest.mark.django_db
def test_the_tier_score_reads_the_compliance_rate(city, manager1, shop):
    from tiers.services import active_scheme, classification_compute

    _violate(manager1, shop, city - dt.timedelta(days=3))
    compliance_standing_refresh(today=city)
    scheme = active_scheme()
    scheme.weight_compliance = 10
    result = classification_compute(as_of=timezone.localdate(), scheme=scheme).set_index("retailer_id")
    others = result.drop(index=shop.pk)["score_compliance"]
    assert (others == others.max()).all()  # never inspected counts as fully compliant
    assert result.loc[shop.pk, "score_compliance"] < others.min()


@pytest.mark.django_db
def test_the_policy_selector_only_reads(django_assert_num_queries):
    CompliancePolicy.objects.all().delete()
    with django_assert_num_queries(1):
        policy = compliance_policy()
    assert policy.pk is None
    assert (policy.retailers_per_week, policy.products_per_visit, policy.window_weeks, policy.repeat_violations) == (
        20, 5, 13, 2,
    )  # fmt: skip
    assert not CompliancePolicy.objects.exists()
