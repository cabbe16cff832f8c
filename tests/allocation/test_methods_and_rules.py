"""Allocation end to end on the sample plan and city: methods C/D/E, rules, exceptions, explanations,
KPIs on close, the nightly job, and a failed run leaving the last good result."""

import datetime as dt

import pytest

from allocation.engine.rules import Reason, has_reason
from allocation.explanations import retailer_quota_explanations
from allocation.models import (
    AllocationPolicy,
    AllocationRun,
    BandCap,
    CellCap,
    CellReport,
    CycleKpi,
    RetailerQuotas,
    SupplyPlanLine,
)
from allocation.policy import policy_load
from allocation.selectors import active_policy, demand_shapes, quotas_frame, retailer_quotas
from allocation.services import (
    allocation_nightly,
    allocation_policy_get_or_create,
    allocation_run_create,
    allocation_run_publish,
    cycle_kpis_compute,
    line_groups,
    quota_exception_set,
)
from core.exceptions import DomainError
from core.models import AuditEntry, Run, RunStatus
from cycles.models import CycleStatus, OrderCycle
from cycles.services import cycle_get_or_create
from orders.models import Order
from retailers.models import Retailer

pytestmark = pytest.mark.django_db


def test_price_band_lines_stay_inside_their_band_total(planned):
    allocation = allocation_run_create(cycle=planned)
    band_lines = SupplyPlanLine.objects.filter(cycle=planned, method="C").select_related("product__price_band")
    assert band_lines.count() == 3
    bands = {(b.price_band, b.tier): b.cap for b in BandCap.objects.filter(allocation=allocation)}
    assert bands, "method C wrote no band totals"
    for line in band_lines:
        band = line.product.price_band.label
        for cap in CellCap.objects.filter(allocation=allocation, plan_line=line):
            assert cap.cap <= bands[(band, cap.tier)]
    # Lower tiers are cut off from the dearest band first (default: it serves D21 and up).
    lowest = {}
    for band, tier in bands:
        lowest[band] = min(lowest.get(band, 99), tier)
    dearest = max(band_lines, key=lambda line: line.product.price_band.min_wholesale_price).product.price_band.label
    assert lowest[dearest] == 21
    assert not CellCap.objects.filter(
        allocation=allocation, plan_line__product__price_band__label=dearest, tier__lt=21
    ).exists()


def test_demand_and_selected_methods(planned):
    line_d = SupplyPlanLine.objects.get(cycle=planned, product__code="91000002")
    line_e = SupplyPlanLine.objects.get(cycle=planned, product__code="91000004")
    SupplyPlanLine.objects.filter(pk=line_d.pk).update(method="D")
    SupplyPlanLine.objects.filter(pk=line_e.pk).update(method="E", dimensions=[], scope=[])
    chosen = list(Retailer.objects.filter(status="active", order_cycle_kind="weekly", tier__isnull=False)[:7])
    line_e.selected_retailers.set(chosen)
    previous = OrderCycle.objects.create(
        year=2026, month=11, week_seq=3, starts_on=dt.date(2026, 11, 16), ends_on=dt.date(2026, 11, 22),
        order_opens_on=dt.date(2026, 11, 16), order_closes_on=dt.date(2026, 11, 20),
    )  # fmt: skip
    buyers = list(Retailer.objects.filter(status="active", order_cycle_kind="weekly", tier__isnull=False)[10:40])
    for i, r in enumerate(buyers):
        Order.objects.create(
            cycle=previous, retailer=r, product=line_d.product, ordered_qty=1 + i % 3, quota=3, amount=100
        )
    allocation = allocation_run_create(cycle=planned)
    frame = quotas_frame(allocation)
    d = frame[frame["plan_line"] == line_d.pk]
    assert set(d["retailer"]) <= {r.pk for r in buyers}  # only retailers with demand
    assert 0 < d["quota"].sum() <= line_d.target
    report_d = CellReport.objects.get(allocation=allocation, plan_line=line_d)
    assert report_d.released == d["quota"].sum()
    assert any(w["code"] == "above_forecast" for w in report_d.warnings)  # 30 small buyers cannot take 5,230 cartons
    e = frame[frame["plan_line"] == line_e.pk]
    assert set(e["retailer"]) == {r.pk for r in chosen}
    assert e["quota"].sum() == line_e.target
    assert e["quota"].max() - e["quota"].min() <= 1


def test_rules_exceptions_and_explanations(planned, supervisor, manager_a):
    policy = active_policy()
    policy.retailer_ceiling = 6
    policy.save()
    allocation = allocation_run_create(cycle=planned)
    assert allocation.policy["retailer_ceiling"] == 6
    quotas = quotas_frame(allocation)
    assert has_reason(quotas["reasons"], Reason.CEILING).any()
    # The ceiling bounds the caps: 6 cartons per ordering week (12 for a biweekly retailer counted double).
    assert (quotas["quota"] <= 6 * quotas["weight"]).all()
    for report in CellReport.objects.filter(allocation=allocation):
        assert report.released <= report.target
    allocation_run_publish(allocation_run=allocation, approver=supervisor)
    row = quotas[has_reason(quotas["reasons"], Reason.CREDIT)].iloc[0]
    retailer = Retailer.objects.get(pk=row["retailer"])
    product = SupplyPlanLine.objects.get(pk=row["plan_line"]).product
    lines = retailer_quota_explanations(retailer=retailer, cycle=planned)
    mine = next(x for x in lines if x["product_code"] == product.code)
    assert mine["quota"] == row["quota"]
    assert any(f"D{row['tier']}" in r for r in mine["reasons"])
    assert any(f"{row['base']} → {row['quota']}" in r for r in mine["reasons"])  # what the penalty took

    # A published cycle changes only by an audited exception from a supervisor.
    with pytest.raises(DomainError):
        allocation_run_create(cycle=planned)
    with pytest.raises(DomainError):
        quota_exception_set(
            cycle=planned,
            product=product,
            retailer=retailer,
            quota=9,
            reason="x",
            approver=manager_a,
        )
    with pytest.raises(DomainError):
        quota_exception_set(
            cycle=planned,
            product=product,
            retailer=retailer,
            quota=9,
            reason=" ",
            approver=supervisor,
        )
    quota_exception_set(
        cycle=planned,
        product=product,
        retailer=retailer,
        quota=9,
        reason="新店开业",
        approver=supervisor,
    )
    assert retailer_quotas(retailer=retailer, cycle=planned)[product.code] == 9
    entry = AuditEntry.objects.get(action="allocation.exception")
    assert entry.reason == "新店开业"
    assert entry.after["quota"] == 9
    lines = retailer_quota_explanations(retailer=retailer, cycle=planned)
    mine = next(x for x in lines if x["product_code"] == product.code)
    assert any("新店开业" in r for r in mine["reasons"])


def test_failed_run_leaves_the_last_good_result(planned, supervisor, monkeypatch):
    good = allocation_run_create(cycle=planned)
    before = list(CellReport.objects.filter(allocation=good).values_list("plan_line", "cell", "released"))

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("allocation.run_steps._write", broken)
    with pytest.raises(RuntimeError):
        allocation_run_create(cycle=planned)
    failed = AllocationRun.objects.exclude(pk=good.pk).get()
    assert not failed.is_complete
    assert Run.objects.get(pk=failed.run_id).status == RunStatus.FAILED
    with pytest.raises(DomainError):
        allocation_run_publish(allocation_run=failed, approver=supervisor)
    assert list(CellReport.objects.filter(allocation=good).values_list("plan_line", "cell", "released")) == before
    allocation_run_publish(allocation_run=good, approver=supervisor)  # the last good run is still publishable
    assert AllocationRun.objects.get(pk=good.pk).is_published


def test_kpis_on_close_feed_the_next_demand_shape(planned, supervisor):
    allocation = allocation_run_create(cycle=planned)
    allocation_run_publish(allocation_run=allocation, approver=supervisor)
    line = SupplyPlanLine.objects.get(cycle=planned, product__code="91000001")
    quotas = quotas_frame(allocation)
    mine = quotas[quotas["plan_line"] == line.pk].head(20)
    ordering = 0
    for i, row in enumerate(mine.itertuples()):
        ordered = row.quota if i % 2 == 0 else max(row.quota - 1, 0)  # half order their whole quota
        ordering += ordered > 0
        Order.objects.create(
            cycle=planned,
            retailer_id=row.retailer,
            product_id=row.product,
            ordered_qty=ordered,
            quota=row.quota,
            amount=100,
        )
    OrderCycle.objects.filter(pk=planned.pk).update(status=CycleStatus.CLOSED)
    assert cycle_kpis_compute(cycle=planned) > 0
    assert cycle_kpis_compute(cycle=planned) == CycleKpi.objects.filter(cycle=planned).count()  # idempotent
    kpis = CycleKpi.objects.filter(cycle=planned, product=line.product)
    assert sum(k.ordering for k in kpis) == ordering
    assert sum(k.full_orders for k in kpis) >= 10
    top = max(kpis, key=lambda k: k.full_orders)
    assert 0 < top.fill_rate <= 1
    assert top.full_order_share > 0
    plain = demand_shapes(product_ids=[line.product_id], before=planned.starts_on + dt.timedelta(weeks=1))
    lifted = demand_shapes(product_ids=[line.product_id], before=planned.starts_on + dt.timedelta(weeks=1), uplift=0.5)
    t = top.tier - 1
    assert lifted[line.product_id][t] > plain[line.product_id][t]  # full orders raise the tier's demand


def test_nightly_job_computes_the_next_cycle(planned):
    counts = allocation_nightly(today=planned.starts_on - dt.timedelta(days=3))
    assert counts["runs"] == 1
    planned.refresh_from_db()
    assert planned.status == CycleStatus.COMPUTED
    again = allocation_nightly(today=planned.starts_on - dt.timedelta(days=3))
    assert again["runs"] == 1  # re-running an unpublished cycle makes a new, equal version
    first, second = AllocationRun.objects.order_by("pk")
    def released(run):  # in a fixed order: PostgreSQL returns rows in no promised order
        return list(
            CellReport.objects.filter(allocation=run).order_by("plan_line", "cell").values_list("plan_line", "cell", "released")
        )

    assert released(first) == released(second)


def test_policy_is_versioned(db):
    policy = allocation_policy_get_or_create()
    policy.vulnerable_bonus = 2
    policy.save()
    assert AllocationPolicy.objects.count() == 1
    assert policy.history.count() == 2


def test_rotation_is_stored_per_cell_and_serves_others_next_cycle(planned, supervisor):
    """A product too scarce for one carton per eligible retailer rotates: the run stores each
    retailer's result and whom the cell served, and the next cycle serves those left out first."""
    line = SupplyPlanLine.objects.get(cycle=planned, product__code="91000001")
    SupplyPlanLine.objects.filter(pk=line.pk).update(target=5, method="A", dimensions=[], cell_ratios={})
    SupplyPlanLine.objects.filter(cycle=planned).exclude(pk=line.pk).delete()  # a plan of this line alone: publishable
    first = allocation_run_create(cycle=planned, product_codes=["91000001"])
    report = CellReport.objects.get(allocation=first, plan_line=line)
    assert report.rotated
    quotas = quotas_frame(first, include_unserved=True)
    mine = quotas[quotas["plan_line"] == line.pk]
    assert has_reason(mine["reasons"], Reason.ROTATION).all()
    served = set(mine.loc[mine["quota"] > 0, "retailer"])
    assert len(served) > 0
    assert mine["quota"].sum() == report.released == 5
    assert len(mine) > len(served)  # the others are listed with 0 and can read why
    assert RetailerQuotas.objects.filter(allocation=first).count() == len(mine)
    allocation_run_publish(allocation_run=first, approver=supervisor)

    following = cycle_get_or_create(starts_on=planned.starts_on + dt.timedelta(weeks=1))
    SupplyPlanLine.objects.create(
        cycle=following, product=line.product, target=5, method="A", highest_tier=line.highest_tier,
        lowest_tier=line.lowest_tier,
    )  # fmt: skip
    second = allocation_run_create(cycle=following)
    again = quotas_frame(second)
    served_again = set(again.loc[again["quota"] > 0, "retailer"])
    assert served_again
    assert not served & served_again


def test_line_groups_keep_each_price_band_together(planned):
    lines = {line.pk: line for line in SupplyPlanLine.objects.filter(cycle=planned).select_related("product")}
    groups = line_groups(planned, size=2)
    assert sorted(pk for group in groups for pk in group) == sorted(lines)
    band_of_group = {}
    for i, group in enumerate(groups):
        for pk in group:
            if lines[pk].method == "C":
                band_of_group.setdefault(lines[pk].product.price_band_id, set()).add(i)
    assert band_of_group
    assert all(len(found) == 1 for found in band_of_group.values())
    assert all(len(group) <= 2 for group in groups if not any(lines[pk].method == "C" for pk in group))


def test_quotas_of_one_line_equal_the_full_resolution_of_that_line(planned, supervisor):
    allocation = allocation_run_create(cycle=planned)
    allocation_run_publish(allocation_run=allocation, approver=supervisor)
    full = quotas_frame(allocation)
    line = SupplyPlanLine.objects.get(pk=int(full["plan_line"].iloc[0]))
    retailer = Retailer.objects.get(pk=int(full.loc[full["plan_line"] == line.pk, "retailer"].iloc[0]))
    quota_exception_set(
        cycle=planned, product=line.product, retailer=retailer, quota=7, reason="opening", approver=supervisor
    )
    full = quotas_frame(allocation)
    expected = full[full["plan_line"] == line.pk].sort_values("retailer").reset_index(drop=True)
    one = quotas_frame(allocation, plan_line_ids=[line.pk]).sort_values("retailer").reset_index(drop=True)
    assert one.equals(expected)
    assert int(one.loc[one["retailer"] == retailer.pk, "quota"].iloc[0]) == 7


def test_price_bands_are_ranked_once_each_whatever_their_number_of_products(planned):
    """Ranks 0, 1, … per band, dearest first (each band's cut-off tier reads its rank); a band with
    two products in the plan once took two ranks and fell past the cut-off list (all tiers served)."""
    from allocation.selectors import line_inputs
    from pricing.models import Product

    c_lines = list(SupplyPlanLine.objects.filter(cycle=planned, method="C").select_related("product__price_band"))
    banded = [line for line in c_lines if line.product.price_band_id]
    assert len(banded) >= 2
    # Put two of the plan's method C products in one band: the same number of distinct bands or fewer.
    Product.objects.filter(pk=banded[1].product_id).update(price_band=banded[0].product.price_band)
    lines = list(SupplyPlanLine.objects.filter(cycle=planned).select_related("product__price_band"))
    inputs = [i for i in line_inputs(lines, cycle=planned, policy=policy_load({})) if i.method == "C" and i.price_band[:1] != "#"]
    bands = {i.price_band for i in inputs}
    assert sorted({i.band_rank for i in inputs}) == list(range(len(bands)))
    assert inputs[0].band_rank == next(i.band_rank for i in inputs if i.price_band == inputs[0].price_band)
