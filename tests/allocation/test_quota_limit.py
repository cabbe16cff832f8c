"""A quota exception is at most 65,535 cartons on every path (tester 2026-11-27: the admin's form took
2147483648, and 70000 only after asking to confirm; the API refused over 65,535; the service had no
limit). The service refuses it (allocation.services.QUOTA_MAX, a quota kept in two bytes); the form and
the API check the same constant first."""

import pytest
from django.urls import reverse
from django.utils import translation

from allocation.models import QuotaException, SupplyPlanLine
from allocation.services import QUOTA_MAX, allocation_run_create, allocation_run_publish, quota_exception_set
from core.exceptions import DomainError
from core.models import AuditEntry
from retailers.models import Retailer
from tests.words import ZH, shown

pytestmark = pytest.mark.django_db

TOO_MANY = [QUOTA_MAX + 1, 70_000, 2_147_483_648]


@pytest.fixture
def line(planned):
    """A product of the first cycle's plan and a retailer it reaches; the line may exceed its target (the
    largest quota is more than any target: allocation.services.AboveTarget)."""
    plan_line = SupplyPlanLine.objects.filter(cycle=planned).select_related("product", "cycle").first()
    SupplyPlanLine.objects.filter(pk=plan_line.pk).update(allow_over=True)
    reached = Retailer.objects.filter(
        status="active", order_cycle_kind="weekly", tier__gte=plan_line.lowest_tier, tier__lte=plan_line.highest_tier
    )
    return plan_line.cycle, plan_line.product, reached.order_by("pk").first()


def test_the_limit_is_two_bytes():
    assert QUOTA_MAX == 65_535


@pytest.mark.parametrize("quota", [*TOO_MANY, -1])
def test_the_service_refuses_a_quota_out_of_range(supervisor, line, quota):
    cycle, product, retailer = line
    with pytest.raises(DomainError) as refused:
        quota_exception_set(
            cycle=cycle, product=product, retailer=retailer, quota=quota, reason="开业", approver=supervisor
        )
    with translation.override("zh-hans"):  # read in the reader's language, whatever an earlier test left active
        assert str(refused.value) == "定量在 0 至 65,535 条之间。"
    with translation.override("en"):
        assert str(refused.value) == "A quota is between 0 and 65,535 cartons."
    assert not QuotaException.objects.exists()
    assert not AuditEntry.objects.filter(action="allocation.exception").exists()


def test_the_service_takes_the_largest(supervisor, line):
    cycle, product, retailer = line
    quota_exception_set(
        cycle=cycle, product=product, retailer=retailer, quota=QUOTA_MAX, reason="开业", approver=supervisor
    )
    assert QuotaException.objects.get().quota == QUOTA_MAX


def _form(cycle, product, retailer, quota) -> dict:
    return {"cycle": cycle.pk, "product": product.pk, "retailer": retailer.pk, "quota": quota, "reason": "开业支持"}


@pytest.mark.parametrize("quota", TOO_MANY)
def test_the_form_refuses_too_many_before_anything_else(client, supervisor, line, quota):
    client.force_login(supervisor)
    response = client.post(reverse("admin:allocation_quotaexception_add"), _form(*line, quota), **ZH)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["quota"] == ["定量在 0 至 65,535 条之间。"]
    assert not QuotaException.objects.exists()


def test_the_form_says_the_limit_on_a_published_cycle_instead_of_asking_to_confirm(client, supervisor, planned, line):
    allocation_run_publish(allocation_run=allocation_run_create(cycle=planned), approver=supervisor)
    client.force_login(supervisor)
    url = reverse("admin:allocation_quotaexception_add")
    response = client.post(url, _form(*line, 70_000), **ZH)
    page = shown(response.content)
    assert "定量在 0 至 65,535 条之间。" in page
    assert "确认修改此定量" not in response.content.decode()
    assert not QuotaException.objects.exists()
    confirmed = client.post(url, {**_form(*line, 70_000), "_confirmed": "1"}, **ZH)
    assert confirmed.status_code == 200
    assert not QuotaException.objects.exists()


def test_the_form_takes_the_largest(client, supervisor, line):
    client.force_login(supervisor)
    body = client.get(reverse("admin:allocation_quotaexception_add")).content.decode()
    assert 'max="65535"' in body  # the box says so before it is sent
    response = client.post(reverse("admin:allocation_quotaexception_add"), _form(*line, QUOTA_MAX))
    assert response.status_code == 302
    assert QuotaException.objects.get().quota == QUOTA_MAX


def _api(cycle, product, retailer, quota) -> dict:
    return {"cycle": cycle.label, "product": product.code, "retailer": retailer.pk, "quota": quota, "reason": "开业"}


@pytest.mark.parametrize("quota", TOO_MANY)
def test_the_api_refuses_too_many(client, supervisor, line, quota):
    client.force_login(supervisor)
    response = client.post(reverse("api-quota-exceptions"), _api(*line, quota), **ZH)
    assert response.status_code == 400, response.content
    assert "quota" in response.json()["error"]["fields"]
    assert not QuotaException.objects.exists()


def test_the_api_takes_the_largest(client, supervisor, line):
    client.force_login(supervisor)
    response = client.post(reverse("api-quota-exceptions"), _api(*line, QUOTA_MAX))
    assert response.status_code == 201, response.content
    assert QuotaException.objects.get().quota == QUOTA_MAX
