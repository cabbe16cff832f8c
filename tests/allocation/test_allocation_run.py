import csv

import pytest
from django.core.management import CommandError, call_command

from allocation.models import AllocationRun, CellCap, CellReport, SupplyPlanLine
from allocation.reports import report_rows
from allocation.selectors import quotas_frame, retailer_quotas
from allocation.services import allocation_run_create, allocation_run_publish
from core.exceptions import DomainError
from cycles.models import CycleStatus
from retailers.models import Retailer

pytestmark = pytest.mark.django_db


def test_run_report_and_publish(planned, supervisor, tmp_path, capsys):
    report = tmp_path / "report.csv"
    call_command("run_allocation", "--cycle", "2026-11-4", "--report", str(report))
    assert "allocation #" in capsys.readouterr().out
    planned.refresh_from_db()
    assert planned.status == CycleStatus.COMPUTED
    with report.open(encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    # Headings in the reader's language (zh-hans by default), not field names.
    assert {"卷烟编码", "投放单元", "投放量（条）", "实际投放（条）", "未投放（条）", "D30 上限", "D1 上限", "D30 户数", "提示"} <= set(rows[0])
    for row in rows:
        target, released = int(row["投放量（条）"]), int(row["实际投放（条）"])
        assert released <= target
        assert int(row["未投放（条）"]) == target - released
        # caps − penalties + re-spread + bonus = released (the figures add up)
        steps = ["按档位上限投放（条）", "轮换投放（条）", "扣减（条）", "再分配（条）", "困难户加量（条）"]
        assert sum(int(row[h]) for h in steps) == released
        caps = [int(row[f"D{t} 上限"]) for t in range(30, 0, -1)]
        assert caps == sorted(caps, reverse=True)
    codes = {r["卷烟编码"] for r in rows}
    assert codes == set(SupplyPlanLine.objects.values_list("product__code", flat=True))
    for code in codes:
        mine = [r for r in rows if r["卷烟编码"] == code]
        assert sum(int(r["实际投放（条）"]) for r in mine) > 0 or any(r["提示"] for r in mine), (
            f"{code}: nothing and no reason"
        )
    allocation = AllocationRun.objects.get()
    # The report's release is what the retailers' resolved quotas add up to.
    resolved = quotas_frame(allocation).groupby("plan_line")["quota"].sum()
    for line in SupplyPlanLine.objects.filter(cycle=planned):
        released = sum(r.released for r in CellReport.objects.filter(allocation=allocation, plan_line=line))
        assert int(resolved.get(line.pk, 0)) == released, line.product.code
    allocation_run_publish(allocation_run=allocation, approver=supervisor)
    planned.refresh_from_db()
    assert planned.status == CycleStatus.PUBLISHED
    with pytest.raises(DomainError):
        allocation_run_create(cycle=planned)  # a published cycle changes only by audited exceptions
    with pytest.raises(CommandError):
        call_command("run_allocation", "--cycle", "2026-11-4")


def test_rerun_is_idempotent(planned):
    first = report_rows(allocation_run_create(cycle=planned))
    second = report_rows(allocation_run_create(cycle=planned))
    assert first == second
    assert AllocationRun.objects.count() == 2


def test_retailer_quota_is_its_tier_cap_in_its_cell(planned, supervisor):
    allocation = allocation_run_create(cycle=planned)
    allocation_run_publish(allocation_run=allocation, approver=supervisor)
    line = SupplyPlanLine.objects.get(product__code="91000001")  # method A, tiers D5–D30
    retailer = Retailer.objects.filter(
        tier__gte=5,
        status="active",
        order_cycle_kind="weekly",
        is_vulnerable=False,
        credit_rating__in=["AAA", "AA", "A", "B"],
    ).first()
    quotas = retailer_quotas(retailer=retailer, cycle=planned)
    cap = CellCap.objects.get(allocation=allocation, plan_line=line, tier=retailer.tier).cap
    assert quotas["91000001"] == cap
    low = Retailer.objects.filter(tier__lt=5, status="active", order_cycle_kind="weekly").first()
    assert "91000001" not in retailer_quotas(retailer=low, cycle=planned)  # below the tier range
    not_tagged = Retailer.objects.filter(is_pos_supplier=False, tier__isnull=False, order_cycle_kind="weekly").first()
    assert "91000008" not in retailer_quotas(retailer=not_tagged, cycle=planned)  # tag filter


def test_dry_run_writes_nothing(planned, capsys):
    call_command("run_allocation", "--cycle", "2026-11-4", "--dry-run", "--product", "91000007")
    out = capsys.readouterr().out
    assert "91000007" in out
    assert "market_type" in out
    assert not AllocationRun.objects.exists()


def test_caps_follow_the_demand_shape_of_recent_orders():
    import datetime as dt

    from allocation.selectors import demand_shapes
    from cycles.services import cycle_get_or_create
    from orders.models import Order
    from tests.factories import ProductFactory, RetailerFactory

    product = ProductFactory()
    cycle = cycle_get_or_create(starts_on=dt.date(2026, 11, 9))
    for tier, cartons in ((1, 1), (2, 1), (3, 6)):
        for _ in range(2):
            retailer = RetailerFactory(tier=tier)
            Order.objects.create(cycle=cycle, retailer=retailer, product=product, ordered_qty=cartons, amount=100)
    shape = demand_shapes(product_ids=[product.pk], before=dt.date(2026, 11, 23))[product.pk]
    assert shape[:3].tolist() == [1.0, 1.0, 6.0]
    assert shape[3:].sum() == 0
