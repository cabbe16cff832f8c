"""An exception for a shop its run has no row for keeps the tier (credit rating, facts and cell) it had
when the exception was approved (tester 2026-11-27: after a tier override the staff API's `tier` and the
admin quotas page's heading followed today's tier, as `_with_exceptions` read `retailer__tier`)."""

import pytest
from django.urls import reverse
from django.utils import translation

from allocation.explanations import retailer_quota_explanations
from allocation.models import QuotaException, SupplyPlanLine
from allocation.selectors import quotas_frame
from allocation.services import allocation_run_create, allocation_run_publish, quota_exception_set
from retailers.models import Retailer
from tests.factories import RetailerFactory
from tests.words import ZH, shown
from tiers.services import tier_override

pytestmark = pytest.mark.django_db


@pytest.fixture
def new_shop_exception(planned, supervisor):
    """Cycle published; a shop opened after its run (D12, urban) given 5 cartons of a line that may go
    over its target by an exception; then its tier overridden to D20."""
    line = SupplyPlanLine.objects.filter(cycle=planned, method="A", tag_filter="").order_by("product__code").first()
    SupplyPlanLine.objects.filter(pk=line.pk).update(allow_over=True)
    run = allocation_run_create(cycle=planned)
    allocation_run_publish(allocation_run=run, approver=supervisor)
    branch = Retailer.objects.filter(status="active").first().branch
    shop = RetailerFactory(tier=12, branch=branch, credit_rating="AA")
    quota_exception_set(
        cycle=planned, product=line.product, retailer=shop, quota=5, reason="新开业", approver=supervisor
    )
    tier_override(retailer=shop, tier=20, reason="复评", approver=supervisor)
    Retailer.objects.filter(pk=shop.pk).update(credit_rating="C")
    return planned, line, run, shop


def test_the_exception_keeps_what_the_shop_was_when_approved(new_shop_exception):
    cycle, line, run, shop = new_shop_exception
    exception = QuotaException.objects.get(retailer=shop)
    assert (exception.tier, exception.credit_rating) == (12, "AA")
    row = quotas_frame(run, [shop.pk]).iloc[0]
    assert (int(row["tier"]), row["credit_rating"], int(row["quota"])) == (12, "AA", 5)


def test_the_staff_api_shows_the_tier_at_the_time_of_the_exception(client, supervisor, new_shop_exception):
    cycle, line, run, shop = new_shop_exception
    client.force_login(supervisor)
    response = client.get(
        reverse("api-quotas"), {"cycle": cycle.label, "product": line.product.code, "page_size": 1000}
    )
    assert response.status_code == 200, response.content
    mine = [r for r in response.json()["results"] if r["retailer"] == shop.pk]
    assert [(r["tier"], r["tier_now"], r["quota"]) for r in mine] == [(12, 20, 5)]


def test_the_admin_quotas_page_heads_with_the_tier_at_the_time_of_the_exception(client, supervisor, new_shop_exception):
    cycle, line, run, shop = new_shop_exception
    client.force_login(supervisor)
    url = reverse("admin:allocation_retailer_quotas", args=[shop.pk])
    page = shown(client.get(url, {"cycle": cycle.pk}, **ZH).content)
    assert "按计算时档位 D12（现为 D20）" in page
    assert "全部范围的 D12 档：此产品的定量由批准的例外设定，不按档位限量。" in page  # the same tier; no cap of 0
    with translation.override("en"):
        reasons = retailer_quota_explanations(retailer=shop, cycle=cycle, staff=True)[0]["reasons"]
    assert reasons[0] == (
        "Tier D12 in the whole scope: this product's quota is set by an approved exception, not by the tier's cap."
    )


def test_the_exception_keeps_the_shops_cell(planned, supervisor):
    """A method B line by market type: the new shop's cell is the one it was in when approved."""
    line = SupplyPlanLine.objects.get(cycle=planned, dimensions=["market_type"])
    SupplyPlanLine.objects.filter(pk=line.pk).update(allow_over=True)
    run = allocation_run_create(cycle=planned)
    allocation_run_publish(allocation_run=run, approver=supervisor)
    shop = RetailerFactory(tier=12, branch=Retailer.objects.first().branch, market_type="urban")
    quota_exception_set(
        cycle=planned, product=line.product, retailer=shop, quota=2, reason="新开业", approver=supervisor
    )
    Retailer.objects.filter(pk=shop.pk).update(market_type="rural")
    row = quotas_frame(run, [shop.pk]).iloc[0]
    assert row["cell"] == '{"market_type": "urban"}'
