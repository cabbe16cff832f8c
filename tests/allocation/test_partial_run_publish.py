"""A run of some products only (`run_allocation --product`) is not the cycle's quotas: publishing it would
leave every other product of the plan without quotas (the tester's case: one product computed, then
published, and the other lines read nothing). Publishing refuses it in words; the whole cycle publishes."""

import pytest
from django.urls import reverse
from django.utils import translation

from allocation.models import AllocationRun, SupplyPlanLine
from allocation.services import allocation_run_create, allocation_run_publish
from core.exceptions import DomainError
from cycles.models import CycleStatus
from tests.words import ZH, shown

pytestmark = pytest.mark.django_db


def test_a_run_of_one_product_is_not_published(planned, supervisor):
    lines = SupplyPlanLine.objects.filter(cycle=planned).count()
    assert lines > 1
    some = allocation_run_create(cycle=planned, product_codes=["91000001"])
    assert some.is_complete  # it finished: what it computed can be read, not published
    with translation.override("zh-hans"), pytest.raises(DomainError) as refused:
        allocation_run_publish(allocation_run=some, approver=supervisor)
    with translation.override("en"):
        assert str(refused.value) == (
            f"Allocation run #{some.pk} computed 1 of the cycle's {lines} plan lines: publishing it would leave "
            "the other products without quotas. Compute the whole cycle, then publish."
        )
    planned.refresh_from_db()
    assert planned.status != CycleStatus.PUBLISHED
    assert not AllocationRun.objects.filter(cycle=planned, is_published=True).exists()

    whole = allocation_run_create(cycle=planned)
    allocation_run_publish(allocation_run=whole, approver=supervisor)
    assert AllocationRun.objects.get(cycle=planned, is_published=True) == whole


def test_the_refusal_reads_in_chinese(planned, supervisor):
    some = allocation_run_create(cycle=planned, product_codes=["91000001"])
    lines = SupplyPlanLine.objects.filter(cycle=planned).count()
    with translation.override("zh-hans"), pytest.raises(DomainError) as refused:
        allocation_run_publish(allocation_run=some, approver=supervisor)
    with translation.override("zh-hans"):
        assert str(refused.value) == (
            f"投放计算 #{some.pk} 只计算了本周期 {lines} 个投放品规中的 1 个：发布后其他品规将没有定量。请先计算整个周期，再发布。"
        )


def test_the_publish_page_says_so_before_any_click(client, planned, supervisor):
    some = allocation_run_create(cycle=planned, product_codes=["91000001"])
    lines = SupplyPlanLine.objects.filter(cycle=planned).count()
    client.force_login(supervisor)
    page = shown(client.get(reverse("admin:allocation_allocationrun_publish", args=[some.pk]), **ZH).content)
    assert "本次计算只覆盖部分品规" in page
    assert f"本次计算只计算了本周期 {lines} 个投放品规中的 1 个（仅部分品规，或之后计划新增了品规），不能发布" in page
    assert 'id="confirm-publish"' not in page  # no button to publish it


def test_a_run_whose_plan_target_changed_since_is_not_published(client, planned, supervisor):
    """Walker 13: a plan line's target edited after the run, and publishing the older run gave no warning.
    A lower target would have published quotas above the supply; any change is named and refused."""
    run = allocation_run_create(cycle=planned)
    line = SupplyPlanLine.objects.select_related("product").get(cycle=planned, product__code="91000001")
    computed_for = line.target
    SupplyPlanLine.objects.filter(pk=line.pk).update(target=computed_for // 2)
    with pytest.raises(DomainError) as refused, translation.override("zh-hans"):
        allocation_run_publish(allocation_run=run, approver=supervisor)
    with translation.override("zh-hans"):
        assert str(refused.value) == (
            f"本次计算之后，91000001 {line.product.name} 的投放量已改变：请重新计算本周期，再发布。"
        )
    client.force_login(supervisor)
    page = shown(client.get(reverse("admin:allocation_allocationrun_publish", args=[run.pk]), **ZH).content)
    assert "发布前请重新计算" in page
    assert f"91000001 {line.product.name} {computed_for:,} 条 {computed_for // 2:,} 条" in page
    assert 'id="confirm-publish"' not in page

    again = allocation_run_create(cycle=planned)
    allocation_run_publish(allocation_run=again, approver=supervisor)
