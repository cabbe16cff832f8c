"""The allocation reads demand reports: method D takes a retailer's report instead of its forecast and
never gives more; the tier demand shape blends reports with orders by the policy's weight; the run
report sets reported demand against the target; the retailer's quota page shows its report beside its
quota. Figures worked by hand in the comments."""

import datetime as dt
import re
from decimal import Decimal

import numpy as np
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import Role
from allocation.models import AllocationPolicy, SupplyPlanLine
from allocation.quota_sheets import quota_sheet
from allocation.reports import report_dataset, report_headers, report_rows
from allocation.selectors import active_policy, demand_shapes, quotas_frame
from allocation.services import allocation_run_create, allocation_run_publish
from cycles.services import cycle_get_or_create
from demand.models import DemandReport
from orders.models import Order
from tests.factories import ProductFactory, RetailerFactory, UserFactory

pytestmark = pytest.mark.django_db
HISTORY = [dt.date(2026, 11, 2), dt.date(2026, 11, 9), dt.date(2026, 11, 16)]


@pytest.fixture
def scene(cycle, manager_a):
    """Three weekly D10 shops and product P on method D (target 10), product Q on method A (target 6).
    Orders of P in each of the 3 cycles before: r1 4, r2 2, r3 6. Reports for the cycle: r1 1, r3 8."""
    shops = [
        RetailerFactory(
            manager=manager_a, tier=10, user=UserFactory(username=f"L-r{i}", role=Role.RETAILER, is_staff=False)
        )
        for i in (1, 2, 3)
    ]
    p, q = ProductFactory(code="91000001", name="P"), ProductFactory(code="91000002", name="Q")
    for starts_on in HISTORY:
        past = cycle_get_or_create(starts_on=starts_on)
        for shop, qty in zip(shops, (4, 2, 6), strict=True):
            Order.objects.create(cycle=past, retailer=shop, product=p, ordered_qty=qty, amount=qty * 100)
    SupplyPlanLine.objects.create(cycle=cycle, product=p, target=10, method="D")
    SupplyPlanLine.objects.create(cycle=cycle, product=q, target=6, method="A")
    DemandReport.objects.create(cycle=cycle, retailer=shops[0], product=p, cartons=1)
    DemandReport.objects.create(cycle=cycle, retailer=shops[2], product=p, cartons=8)
    return shops, p, q


def test_method_d_takes_reports_in_place_of_the_forecast_and_never_more(cycle, scene):
    shops, p, _q = scene
    # Forecast over the policy's 4 cycles (3 with orders, none hit a quota): r1 12/4 = 3, r2 6/4 = 1.5, r3 18/4 = 4.5.
    # Demand: r1 reported 1, r2 forecast 1.5, r3 reported 8 → Σ 10.5; target 10.
    # 10/10.5: r1 0.952, r2 1.429, r3 7.619 → floors 0, 1, 7 = 8; 2 left by remainder: r1 (.952), r3 (.619)
    # → r1 1, r2 1, r3 8: every carton placed, r1 and r3 exactly what they reported.
    run = allocation_run_create(cycle=cycle)
    frame = quotas_frame(run)
    mine = frame[frame["product"] == p.pk].set_index("retailer")
    assert mine["quota"].reindex([s.pk for s in shops]).tolist() == [1, 1, 8]
    assert mine["base"].reindex([s.pk for s in shops]).tolist() == [1, 2, 8]  # the demand, half up (1.5 → 2)


def test_the_run_report_sets_reported_demand_against_the_target(client, supervisor, cycle, scene):
    _shops, p, q = scene
    DemandReport.objects.create(cycle=cycle, retailer=scene[0][1], product=q, cartons=0)  # wants none: still a report
    run = allocation_run_create(cycle=cycle)
    rows = {r["product_code"]: r for r in report_rows(run)}
    # P: 1 + 8 = 9 cartons by 2 retailers against 10 → 90%; Q: 0 cartons by 1 retailer against 6 → 0%
    assert (rows["91000001"]["reported"], rows["91000001"]["reporters"], rows["91000001"]["reported_share"]) == (
        9,
        2,
        90,
    )
    assert (rows["91000002"]["reported"], rows["91000002"]["reporters"], rows["91000002"]["reported_share"]) == (
        0,
        1,
        0,
    )
    headers = report_headers()
    assert list(headers)[4:8] == ["target", "reported", "reporters", "reported_share"]
    sheet = report_dataset(list(rows.values()))
    assert sheet.headers[4:8] == [str(headers[k]) for k in ("target", "reported", "reporters", "reported_share")]
    client.force_login(supervisor)
    page = client.get(reverse("admin:allocation_allocationrun_report", args=[run.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans")
    text = " ".join(page.content.decode().split())
    assert "2 户填报 9 条 · 占目标 10 条的 90%" in text  # 9 of the line's target of 10 cartons
    assert re.search(r"1 户填报 0 条 · 占目标 [\d,]+ 条的 0%", text)


def test_a_product_nobody_reported_shows_no_share(cycle, scene):
    DemandReport.objects.all().delete()
    rows = {r["product_code"]: r for r in report_rows(allocation_run_create(cycle=cycle))}
    assert (rows["91000001"]["reported"], rows["91000001"]["reporters"], rows["91000001"]["reported_share"]) == (
        0,
        0,
        None,
    )


def test_the_quota_page_shows_the_report_beside_the_quota(client, cycle, scene, supervisor):
    shops, p, q = scene
    allocation_run_publish(allocation_run=allocation_run_create(cycle=cycle), approver=supervisor)
    cycle.refresh_from_db()
    sheet = quota_sheet(retailer=shops[2], cycle=cycle)
    lines = {line.product.code: line for group in sheet.groups for line in group.lines}
    assert (lines["91000001"].quota, lines["91000001"].reported) == (8, 8)
    assert lines["91000002"].reported is None
    client.force_login(shops[2].user)
    page = client.get(reverse("portal:cycle", args=[cycle.starts_on]), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "您填报需求 8 条" in page
    assert page.count("您填报需求") == 1  # only the product it reported


def thirty(values: dict[int, float]) -> list[float]:
    out = np.zeros(30)
    for tier, v in values.items():
        out[tier - 1] = v
    return out.tolist()


def test_the_tier_shape_blends_reports_with_orders(cycle):
    # Orders in one of the 4 cycles before: D1 two shops 1 each → 1 per ordering shop; D3 two shops 6 each → 6.
    # Reports for the cycle: a D3 shop 3 and another D3 shop 4 (one of them never ordered) → 3.5; a D5 shop 2.
    # weight 0.5, per cycle (orders ÷ 4): D1 0.25 (orders only); D3 0.5 × 1.5 + 0.5 × 3.5 = 2.5; D5 2 (reports only).
    product = ProductFactory()
    past = cycle_get_or_create(starts_on=dt.date(2026, 11, 9))
    for tier, cartons in ((1, 1), (1, 1), (3, 6), (3, 6)):
        Order.objects.create(
            cycle=past, retailer=RetailerFactory(tier=tier), product=product, ordered_qty=cartons, amount=1
        )
    for tier, cartons in ((3, 3), (3, 4), (5, 2)):
        DemandReport.objects.create(cycle=cycle, retailer=RetailerFactory(tier=tier), product=product, cartons=cartons)
    args = {"product_ids": [product.pk], "before": cycle.starts_on, "weeks": 4, "cycle_id": cycle.pk}
    assert demand_shapes(**args, reported_weight=0.5)[product.pk].tolist() == thirty({1: 0.25, 3: 2.5, 5: 2.0})
    assert demand_shapes(**args, reported_weight=0.0)[product.pk].tolist() == thirty({1: 1.0, 3: 6.0})  # orders only
    assert demand_shapes(**args, reported_weight=1.0)[product.pk].tolist() == thirty({1: 0.25, 3: 3.5, 5: 2.0})


def test_a_product_only_reported_gets_its_shape_from_the_reports(cycle):
    product = ProductFactory()
    DemandReport.objects.create(cycle=cycle, retailer=RetailerFactory(tier=2), product=product, cartons=5)
    shape = demand_shapes(product_ids=[product.pk], before=cycle.starts_on, cycle_id=cycle.pk, reported_weight=0.5)
    assert shape[product.pk].tolist() == thirty({2: 5.0})


def test_the_policy_weight_reaches_the_run(cycle, scene):
    policy = active_policy()
    policy.reported_demand_weight = Decimal("0.25")
    policy.save()
    run = allocation_run_create(cycle=cycle)
    assert run.policy["reported_demand_weight"] == 0.25
    AllocationPolicy.objects.update(reported_demand_weight=Decimal("1.5"))  # a weight above 1 is refused
    with pytest.raises(ValidationError) as raised:
        AllocationPolicy.objects.get().full_clean()
    assert set(raised.value.message_dict) == {"reported_demand_weight"}


def test_each_cell_sets_its_own_retailers_reports_against_its_own_target(cycle, scene):
    shops, _p, q = scene
    # Q on method B by market type, tiers D10–D30: r1 and r3 urban, r2 rural (all D10) → weights 2 : 1, target 12
    # split by share of eligible retailers: urban 8, rural 4. A D5 shop outside the tier range reports too.
    # Reports: r1 1 (urban), r2 3 (rural), the D5 shop 7 (not eligible: counted nowhere), r3 none.
    # urban: 1 carton by 1 retailer, 1 × 100 / 8 = 12.5 → 13 (half up, not 12); rural: 3 by 1, 3 × 100 / 4 = 75.
    # (Set against the line, the product's 11 cartons by 3 would read 92% on the first cell and nothing on the other.)
    SupplyPlanLine.objects.filter(product=q).update(method="B", dimensions=["market_type"], target=12, lowest_tier=10)
    Retailer = type(shops[0])
    Retailer.objects.filter(pk=shops[1].pk).update(market_type="rural")
    outside = RetailerFactory(tier=5)
    DemandReport.objects.create(cycle=cycle, retailer=shops[0], product=q, cartons=1)
    DemandReport.objects.create(cycle=cycle, retailer=shops[1], product=q, cartons=3)
    DemandReport.objects.create(cycle=cycle, retailer=outside, product=q, cartons=7)
    rows = [r for r in report_rows(allocation_run_create(cycle=cycle)) if r["product_code"] == "91000002"]
    by_target = {r["target"]: (r["eligible"], r["reported"], r["reporters"], r["reported_share"]) for r in rows}
    assert by_target == {8: (2, 1, 1, 13), 4: (1, 3, 1, 75)}


def test_a_method_d_line_counts_only_the_reports_in_its_scope(cycle, scene):
    shops, p, _q = scene
    # P's line (method D, target 10) limited to D10 and above; a D5 shop's report of 20 is outside it:
    # inside, r1 1 + r3 8 = 9 by 2 → 90%, and the D5 shop gets nothing.
    SupplyPlanLine.objects.filter(product=p).update(lowest_tier=10)
    outside = RetailerFactory(tier=5)
    DemandReport.objects.create(cycle=cycle, retailer=outside, product=p, cartons=20)
    run = allocation_run_create(cycle=cycle)
    row = next(r for r in report_rows(run) if r["product_code"] == "91000001")
    assert (row["reported"], row["reporters"], row["reported_share"]) == (9, 2, 90)
    assert outside.pk not in set(quotas_frame(run)["retailer"])
