"""A quota exception on a published cycle changes a promise: the add form first shows the shop's
current quota of the product and what the exception changes, and saves only once confirmed; a
withdrawn product is neither offered nor taken (tester, 2026-11-27: it saved at once, showing
nothing, and offered 松林(硬红) … · 退市)."""

import json

import pytest
from django.urls import reverse

from allocation.models import QuotaException, SupplyPlanLine
from allocation.selectors import quotas_frame
from allocation.services import allocation_run_create, allocation_run_publish, quota_exception_set
from core.models import AuditEntry
from cycles.models import CycleStatus
from pricing.models import Lifecycle, Product
from retailers.models import Retailer
from tests.words import ZH, shown

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(planned, supervisor):
    """The sample city's first cycle published; one retailer's quota of one product in it."""
    run = allocation_run_create(cycle=planned)
    allocation_run_publish(allocation_run=run, approver=supervisor)
    planned.refresh_from_db()
    assert planned.status == CycleStatus.PUBLISHED
    row = quotas_frame(run).sort_values(["quota", "retailer"], ascending=[False, True]).iloc[0]
    # exceptions above the quota here: its line may exceed its target (allocation.services.AboveTarget)
    SupplyPlanLine.objects.filter(cycle=planned, product_id=int(row["product"])).update(allow_over=True)
    return (
        planned,
        Product.objects.get(pk=int(row["product"])),
        Retailer.objects.get(pk=int(row["retailer"])),
        int(row["quota"]),
    )


def _form(cycle, product, retailer, quota, reason="开业支持") -> dict:
    return {"cycle": cycle.pk, "product": product.pk, "retailer": retailer.pk, "quota": quota, "reason": reason}


def test_a_published_cycle_shows_the_current_quota_and_asks_before_saving(client, supervisor, published, on_friday):
    cycle, product, retailer, quota = published
    # a shop with no order day orders 2026-11-4 until its last day, Sunday 11/29: still open on Friday 11/27
    assert cycle.label == "2026-11-4"
    Retailer.objects.filter(pk=retailer.pk).update(order_weekday=None)
    client.force_login(supervisor)
    url = reverse("admin:allocation_quotaexception_add")
    response = client.post(url, _form(cycle, product, retailer, quota + 3), **ZH)
    assert response.status_code == 200
    assert not QuotaException.objects.exists()  # nothing saved yet
    page = shown(response.content)
    assert f"周期 {cycle.label} 已发布" in page
    assert "会立即显示新定量" in page
    assert "可订货至 11/29 当天结束" in page
    assert f"现有定量 {quota} 条" in page
    assert f"例外后的定量 {quota + 3} 条" in page
    assert "变动 +3" in page
    body = response.content.decode()
    assert 'value="确认修改此定量"' in body
    assert 'name="_confirmed"' in body
    assert f'name="quota" value="{quota + 3}"' in body
    assert reverse("admin:allocation_quotaexception_add") + "?" in body  # back to the form, filled in

    confirmed = client.post(url, {**_form(cycle, product, retailer, quota + 3), "_confirmed": "1"})
    assert confirmed.status_code == 302
    assert QuotaException.objects.get().quota == quota + 3
    assert AuditEntry.objects.filter(action="allocation.exception").count() == 1


def test_the_confirmation_names_the_exception_it_replaces(client, supervisor, published):
    cycle, product, retailer, quota = published
    quota_exception_set(
        cycle=cycle, product=product, retailer=retailer, quota=quota + 1, reason="先前批准", approver=supervisor
    )
    client.force_login(supervisor)
    page = shown(
        client.post(reverse("admin:allocation_quotaexception_add"), _form(cycle, product, retailer, 0), **ZH).content
    )
    assert f"现有定量 {quota + 1} 条" in page
    assert f"变动 -{quota + 1}" in page
    assert f"将取代 {supervisor.username} 批准的 {quota + 1} 条例外：先前批准" in page
    assert QuotaException.objects.get().quota == quota + 1
    client.post(
        reverse("admin:allocation_quotaexception_add"), {**_form(cycle, product, retailer, 0), "_confirmed": "1"}
    )
    assert QuotaException.objects.get().quota == 0  # replaced, not refused as a duplicate


def test_an_unpublished_cycle_saves_at_once(client, supervisor, planned):
    line = SupplyPlanLine.objects.filter(cycle=planned).select_related("product").first()
    assert planned.status not in (CycleStatus.PUBLISHED, CycleStatus.CLOSED)
    retailer = Retailer.objects.filter(status="active").first()
    client.force_login(supervisor)
    response = client.post(reverse("admin:allocation_quotaexception_add"), _form(planned, line.product, retailer, 2))
    assert response.status_code == 302
    assert QuotaException.objects.get().quota == 2


def test_a_withdrawn_product_is_not_offered_nor_taken(client, supervisor, published):
    cycle, product, retailer, _quota = published
    Product.objects.filter(pk=product.pk).update(lifecycle=Lifecycle.WITHDRAWN)
    client.force_login(supervisor)
    found = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "allocation", "model_name": "quotaexception", "field_name": "product", "term": product.code},
    )
    assert str(product.pk) not in {r["id"] for r in json.loads(found.content)["results"]}
    on_sale = SupplyPlanLine.objects.exclude(product=product).select_related("product").first().product
    found = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "allocation", "model_name": "quotaexception", "field_name": "product", "term": on_sale.code},
    )
    assert str(on_sale.pk) in {r["id"] for r in json.loads(found.content)["results"]}
    for extra in ({}, {"_confirmed": "1"}):
        response = client.post(
            reverse("admin:allocation_quotaexception_add"), {**_form(cycle, product, retailer, 1), **extra}, **ZH
        )
        assert response.status_code == 200
        assert f"{product.name} 已退市：退市品规不能新增例外。" in shown(response.content)
    assert not QuotaException.objects.exists()


def test_the_service_refuses_a_withdrawn_product_on_every_path(supervisor, published):
    """The staff API and any other caller go through `quota_exception_set`: the form's refusal is the service's."""
    from core.exceptions import DomainError

    cycle, product, retailer, _quota = published
    Product.objects.filter(pk=product.pk).update(lifecycle=Lifecycle.WITHDRAWN)
    product.refresh_from_db()
    with pytest.raises(DomainError, match="已退市"):
        quota_exception_set(cycle=cycle, product=product, retailer=retailer, quota=1, reason="r", approver=supervisor)
    assert not QuotaException.objects.exists()


def test_no_one_deletes_an_exception_not_even_a_superuser(client, supervisor, published):
    """Deleting would change a published quota with no audit entry: a new exception sets it instead."""
    from django.contrib.auth import get_user_model

    cycle, product, retailer, quota = published
    exception = quota_exception_set(
        cycle=cycle, product=product, retailer=retailer, quota=quota + 1, reason="开业", approver=supervisor
    )
    root = get_user_model().objects.create_superuser("root", password="x", role="supervisor")
    for user in (supervisor, root):
        client.force_login(user)
        url = reverse("admin:allocation_quotaexception_delete", args=[exception.pk])
        assert client.post(url, {"post": "yes"}).status_code == 403
        listed = client.post(
            reverse("admin:allocation_quotaexception_changelist"),
            {"action": "delete_selected", "_selected_action": [exception.pk], "post": "yes"},
        )
        assert listed.status_code in (200, 302)
    assert QuotaException.objects.filter(pk=exception.pk).exists()


def test_the_report_downloads_are_named_in_the_readers_language(client, supervisor, published, language_restored):
    """Tester 2026-11-27: the downloads were named profit-…, compliance-…, allocation-… on Chinese pages."""
    from urllib.parse import unquote

    from allocation.models import AllocationRun

    cycle, _product, retailer, _quota = published
    run = AllocationRun.objects.get(cycle=cycle, is_published=True)
    client.force_login(supervisor)
    for language, words in (("zh-hans", "货源投放报告"), ("en", "Allocation report")):
        answer = client.get(
            reverse("admin:allocation_allocationrun_report", args=[run.pk]), {"format": "xlsx"},
            HTTP_ACCEPT_LANGUAGE=language,
        )  # fmt: skip
        assert f"{words} {cycle.label}" in unquote(answer["Content-Disposition"])
