"""A quota exception names who approved it by name (tester 2026-11-27: the admin's quotas page read
"supervisor 批准的例外"): the approver's full name, the login only when no name is recorded."""

import pytest
from django.urls import reverse
from django.utils import translation

from allocation.explanations import retailer_quota_explanations
from allocation.models import SupplyPlanLine
from allocation.selectors import quotas_frame
from allocation.services import allocation_run_create, allocation_run_publish, quota_exception_set
from pricing.models import Product
from retailers.models import Retailer
from tests.words import ZH, shown

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("language_restored")]


@pytest.fixture
def exception(planned, supervisor):
    supervisor.first_name = "李明"
    supervisor.save()
    run = allocation_run_create(cycle=planned)
    allocation_run_publish(allocation_run=run, approver=supervisor)
    row = quotas_frame(run).sort_values(["quota", "retailer"], ascending=[False, True]).iloc[0]
    product, retailer = Product.objects.get(pk=int(row["product"])), Retailer.objects.get(pk=int(row["retailer"]))
    SupplyPlanLine.objects.filter(cycle=planned, product=product).update(allow_over=True)  # one more than the target
    quota_exception_set(
        cycle=planned, product=product, retailer=retailer, quota=int(row["quota"]) + 1, reason="开业支持",
        approver=supervisor,
    )  # fmt: skip
    return planned, product, retailer


def test_the_quota_reasons_name_the_approver_by_name(client, supervisor, exception):
    cycle, product, retailer = exception
    with translation.override("zh-hans"):
        lines = retailer_quota_explanations(cycle=cycle, retailer=retailer, staff=True)
    reasons = next(line["reasons"] for line in lines if line["product"] == product)
    assert "李明 批准的例外：开业支持" in reasons
    assert not any("boss" in reason for reason in reasons)

    client.force_login(supervisor)
    page = shown(client.post(
        reverse("admin:allocation_quotaexception_add"),
        {"cycle": cycle.pk, "product": product.pk, "retailer": retailer.pk, "quota": 0, "reason": "再调"}, **ZH,
    ).content)  # fmt: skip
    assert "将取代 李明 批准的" in page
