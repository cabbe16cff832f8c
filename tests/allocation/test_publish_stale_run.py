"""Publishing a run computed from a registry that has moved since warns (walker: run #2 of 2026-11-5 was
computed before tier proposal #2 changed 109 tiers, and its confirmation showed only totals): it says how
many retailers and why, offers to recompute, and a publish anyway is recorded in the audit entry."""

import datetime as dt

import pytest
from django.urls import reverse

from allocation.freshness import run_freshness
from allocation.models import AllocationRun, CellReport, RetailerQuotas, SupplyPlanLine
from allocation.services import allocation_run_create, allocation_run_publish
from core.models import AuditEntry
from cycles.services import cycle_get_or_create
from retailers.models import Retailer
from tiers.services import tier_override

pytestmark = pytest.mark.django_db


def test_a_fresh_run_publishes_without_a_warning(planned, supervisor, client):
    run = allocation_run_create(cycle=planned)
    assert not run_freshness(run).stale
    client.force_login(supervisor)
    body = client.get(reverse("admin:allocation_allocationrun_publish", args=[run.pk])).content.decode()
    assert 'id="registry-changed"' not in body
    client.post(reverse("admin:allocation_allocationrun_publish", args=[run.pk]))
    audit = AuditEntry.objects.get(action="allocation.publish")
    assert "registry_changed_since_run" not in audit.after


def test_tiers_changed_since_the_run_are_warned_recompute_offered_and_publish_anyway_audited(
    planned, supervisor, client
):
    run = allocation_run_create(cycle=planned)
    used = RetailerQuotas.objects.filter(allocation=run).values_list("retailer_id", "tier")[:2]
    (first, tier1), (second, tier2) = used
    tier_override(retailer=Retailer.objects.get(pk=first), tier=30 if tier1 < 30 else 1, reason="核实", approver=supervisor)
    Retailer.objects.filter(pk=second).update(status="closed")
    found = run_freshness(run)
    assert (found.retailers, found.tier, found.status) == (2, 1, 1)

    client.force_login(supervisor)
    url = reverse("admin:allocation_allocationrun_publish", args=[run.pk])
    body = client.get(url).content.decode()
    assert 'id="registry-changed"' in body
    assert "本次计算之后，已有 2 户零售户的档案发生变化" in body
    assert "档位已变" in body
    assert "已不再正常经营" in body
    assert reverse("admin:allocation_allocationrun_recompute", args=[run.pk]) in body
    assert "仍按本次计算结果发布" in body

    client.post(url)  # publishing anyway stays possible
    run.refresh_from_db()
    assert run.is_published
    audit = AuditEntry.objects.get(action="allocation.publish")
    changed = audit.after["registry_changed_since_run"]
    assert (changed["retailers"], changed["tier"], changed["no_longer_active"]) == (2, 1, 1)


def test_recompute_starts_a_new_run_from_todays_registry(planned, supervisor, client):
    run = allocation_run_create(cycle=planned)
    retailer_id, tier = RetailerQuotas.objects.filter(allocation=run).values_list("retailer_id", "tier").first()
    tier_override(retailer=Retailer.objects.get(pk=retailer_id), tier=30 if tier < 30 else 1, reason="核实", approver=supervisor)
    client.force_login(supervisor)
    done = client.post(reverse("admin:allocation_allocationrun_recompute", args=[run.pk]))
    fresh = AllocationRun.objects.exclude(pk=run.pk).get(cycle=planned)
    assert done.status_code == 302
    assert done["Location"] == reverse("admin:allocation_allocationrun_report", args=[fresh.pk])
    assert fresh.is_complete
    assert not run_freshness(fresh).stale


def test_an_earlier_cycle_published_after_a_rotating_run_is_warned(planned, supervisor):
    line = SupplyPlanLine.objects.get(cycle=planned, product__code="91000001")
    SupplyPlanLine.objects.filter(pk=line.pk).update(target=5, method="A", dimensions=[], cell_ratios={})
    SupplyPlanLine.objects.filter(cycle=planned).exclude(pk=line.pk).delete()  # a plan of this line alone: publishable
    first = allocation_run_create(cycle=planned, product_codes=["91000001"])
    following = cycle_get_or_create(starts_on=planned.starts_on + dt.timedelta(weeks=1))
    SupplyPlanLine.objects.create(
        cycle=following, product=line.product, target=5, method="A", highest_tier=line.highest_tier,
        lowest_tier=line.lowest_tier,
    )  # fmt: skip
    early = allocation_run_create(cycle=following)  # before the first cycle is published: no rotation history
    allocation_run_publish(allocation_run=first, approver=supervisor)
    assert run_freshness(early).earlier_published == [planned.label]
    assert run_freshness(early).stale
    assert allocation_run_create(cycle=following)
    assert not run_freshness(
        AllocationRun.objects.filter(cycle=following).order_by("-pk").first()
    ).earlier_published


def test_a_retailer_now_in_another_cell_is_counted(planned):
    run = allocation_run_create(cycle=planned)
    keyed = CellReport.objects.filter(allocation=run, cell__contains="market_type").first()
    assert keyed is not None  # the sample plan extends lines by market type
    member = RetailerQuotas.objects.filter(allocation=run).values_list("retailer_id", flat=True).first()
    retailer = Retailer.objects.get(pk=member)
    other = "rural" if retailer.market_type != "rural" else "urban"
    Retailer.objects.filter(pk=member).update(market_type=other)
    found = run_freshness(run)
    assert found.cell == 1
    assert found.retailers == 1
