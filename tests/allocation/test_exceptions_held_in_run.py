"""A run computed after exceptions were approved holds them (DOMAIN §4, per-retailer quota: approved
exceptions are one of the individual rules, and the line still releases the best its target allows,
never above it): the shops an exception sets are taken out of the line's computation, their cartons
come off the target first, the other retailers share what is left, exactly. Read back (`quotas_frame`,
exceptions on top) the line holds held + released ≤ T; the run report and the publish confirmation
count the same.

The night's job (`allocation_nightly`) re-runs a computed, unpublished cycle, so an exception approved
between two runs meets the second. Every figure below is hand computed."""

import datetime as dt

import pytest
from django.urls import reverse

from allocation.models import CellReport, SupplyPlanLine
from allocation.reports import publish_summary, report_glance, report_rows
from allocation.selectors import quotas_frame
from allocation.services import allocation_nightly, allocation_run_create, quota_exception_set
from cycles.services import cycle_get_or_create
from tests.factories import BranchFactory, ProductFactory, RetailerFactory
from tests.words import EN, ZH, shown

pytestmark = pytest.mark.django_db


@pytest.fixture
def cycle():
    return cycle_get_or_create(starts_on=dt.date(2026, 11, 30))


def _line(cycle, target: int) -> SupplyPlanLine:
    """Method A over the whole city, every tier: one cell."""
    return SupplyPlanLine.objects.create(cycle=cycle, product=ProductFactory(), target=target, method="A")


def _shops(tiers: list[int]) -> list:
    branch = BranchFactory()
    return [RetailerFactory(branch=branch, tier=t) for t in tiers]


def _rerun(cycle):
    """What the night does: a fresh run of the next cycle to order (computed, not published)."""
    assert allocation_nightly(today=cycle.starts_on - dt.timedelta(days=1))["runs"] == 1
    return cycle.allocation_runs.order_by("-created_at", "-pk").first()


def _held_total(run, line) -> dict[int, int]:
    frame = quotas_frame(run, plan_line_ids=[line.pk])
    return dict(zip(frame["retailer"].tolist(), frame["quota"].tolist(), strict=True))


def _row(run, line) -> dict:
    (row,) = [r for r in report_rows(run) if r["product_code"] == line.product.code]
    return row


def test_an_exception_raised_before_a_rerun_is_held_and_the_line_stays_within_its_target(cycle, supervisor):
    a, b, c, d = _shops([10, 10, 10, 10])
    line = _line(cycle, 10)
    first = allocation_run_create(cycle=cycle)
    # 4 shops in D10, T = 10: the cap 2 releases 4 × 2 = 8 (3 would be 12 > 10); 2 left
    assert _held_total(first, line) == {a.pk: 2, b.pk: 2, c.pk: 2, d.pk: 2}
    # the 2 left go to shop a: 2 + 2 = 4, the others keep 6, 6 + 4 = 10
    quota_exception_set(cycle=cycle, product=line.product, retailer=a, quota=4, reason="开业支持", approver=supervisor)
    (e,) = _shops([10])  # a shop opens before the night
    run = _rerun(cycle)
    # held: a 4 → 10 − 4 = 6 left for b, c, d, e (4 shops in D10): cap 1 releases 4 (2 would be 8 > 6);
    # after exceptions 4 + 4 = 8 ≤ 10, the best a target of 10 allows with a holding 4
    # (before the fix: the run gave the 5 shops 2 each, 10, and a's 4 on top read 8 + 4 = 12 > 10)
    quotas = _held_total(run, line)
    assert quotas == {a.pk: 4, b.pk: 1, c.pk: 1, d.pk: 1, e.pk: 1}
    assert sum(quotas.values()) == 8
    row = _row(run, line)
    assert (row["target"], row["released"], row["exceptions"], row["released_after_exceptions"]) == (10, 4, 4, 8)
    assert row["unreleased"] == 2  # 10 − 8
    assert report_glance(row)["released_share"] == 80.0  # 8 of 10 held by the quotas
    summary = publish_summary(run)
    assert (summary.target, summary.released, summary.unreleased) == (10, 8, 2)
    assert [line_.product_code for line_ in summary.losing] == [line.product.code]  # 2 > 1 % of 10
    assert summary.above == []


def test_an_exception_lowering_a_quota_frees_its_cartons_for_the_others_at_the_rerun(cycle, supervisor):
    shops = _shops([10, 10, 10, 20, 20])
    low, high = shops[0], shops[3]
    line = _line(cycle, 13)
    first = allocation_run_create(cycle=cycle)
    # 5 shops at D10 or above, 2 at D20: S = 5·x10 + 2·(x20 − x10); 13 = 5·1 + 2·4: caps D10 1, D20 5
    assert sorted(_held_total(first, line).values()) == [1, 1, 1, 5, 5]
    quota_exception_set(cycle=cycle, product=line.product, retailer=high, quota=0, reason="违规", approver=supervisor)
    run = _rerun(cycle)
    # held: high 0 → 13 − 0 = 13 for the other four (3 in D10, 1 in D20): S = 4·x10 + 1·(x20 − x10) reaches
    # 13 exactly, so the line releases its whole target again
    # (before the fix: the same caps again, high's 5 replaced by 0, read 3 + 5 = 8, 5 cartons lost)
    quotas = _held_total(run, line)
    assert high.pk not in quotas
    assert sum(quotas.values()) == 13
    assert quotas[low.pk] >= 1
    row = _row(run, line)
    assert (row["target"], row["released"], row["exceptions"], row["released_after_exceptions"]) == (13, 13, 0, 13)
    assert row["unreleased"] == 0
    summary = publish_summary(run)
    assert (summary.target, summary.released, summary.unreleased) == (13, 13, 0)
    assert summary.losing == []
    assert summary.above == []


def test_exceptions_above_a_lowered_target_are_named_before_publishing(cycle, supervisor, client):
    a, b = _shops([10, 10])
    line = _line(cycle, 10)
    allocation_run_create(cycle=cycle)  # 2 shops in D10, T = 10: cap 5, 10
    quota_exception_set(cycle=cycle, product=line.product, retailer=a, quota=5, reason="开业支持", approver=supervisor)
    SupplyPlanLine.objects.filter(pk=line.pk).update(target=3)  # the plan lowered after the exception
    run = _rerun(cycle)
    # held: a 5 > T 3 → nothing left for b (max(3 − 5, 0) = 0): the line holds 5, 2 above its target
    assert _held_total(run, line) == {a.pk: 5}
    row = _row(run, line)
    assert (row["released"], row["exceptions"], row["released_after_exceptions"], row["unreleased"]) == (0, 5, 5, 0)
    assert CellReport.objects.get(allocation=run, plan_line=line).warnings == []  # b's 0 is not "nothing released"
    summary = publish_summary(run)
    assert (summary.target, summary.released, summary.unreleased) == (3, 5, 0)
    assert [(x.product_code, x.target, x.released, x.over) for x in summary.above] == [(line.product.code, 3, 5, 2)]
    client.force_login(supervisor)
    url = reverse("admin:allocation_allocationrun_publish", args=[run.pk])
    body = shown(client.get(url, **EN).content)
    assert "1 line holds more than its target after exceptions" in body
    body = shown(client.get(url, **ZH).content)
    assert "1 个品规经例外调整后超出投放量" in body


def test_an_exception_to_a_shop_suspended_since_is_named_before_publishing(client, cycle, supervisor):
    """The tester's case: an exception of 5 approved, then the shop suspended, then the night's re-run.
    The run holds the 5 (they come off the target) but nobody can order them: the publish confirmation
    names the exception so the supervisor sets it to 0 and computes again (then the 5 go to the others)."""
    line = _line(cycle, 10)
    shops = _shops([10, 10, 10, 10, 10])
    quota_exception_set(
        cycle=cycle, product=line.product, retailer=shops[0], quota=5, reason="开业", approver=supervisor
    )
    shops[0].status = "suspended"
    shops[0].save(update_fields=["status"])
    run = allocation_run_create(cycle=cycle)
    summary = publish_summary(run)
    assert [(e.retailer, e.quota) for e in summary.inactive] == [(shops[0].name, 5)]
    client.force_login(supervisor)
    page = shown(client.get(reverse("admin:allocation_allocationrun_publish", args=[run.pk]), **ZH).content)
    assert "1 个例外把卷烟给了非正常营业的零售户" in page
    assert "请把这些例外改为 0，再重新计算。" in page
    assert f"{shops[0].name} 暂停 5 条" in page  # the shop, its status in words, the cartons

    quota_exception_set(
        cycle=cycle, product=line.product, retailer=shops[0], quota=0, reason="已暂停", approver=supervisor
    )
    again = allocation_run_create(cycle=cycle)
    assert publish_summary(again).inactive == []
    # 4 active D10 shops share 10: caps 2 each = 8 (3 each = 12 > 10); the suspended shop's 0 holds nothing
    assert int(quotas_frame(again)["quota"].sum()) == 8
