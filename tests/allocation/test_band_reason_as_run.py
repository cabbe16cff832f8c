"""Method C: a published quota's price-band reason reads the band the run computed the line in (kept with
the run's rows, `CellReport.price_band`), never the product's band today (code reading 2026-11-27: the
reason looked the run's band totals up by the product's current band label, so renaming the band or a
price change moving the product to another band dropped or changed it on a published quota)."""

import pytest
from django.utils import translation

from allocation.explanations import retailer_quota_explanations
from allocation.models import CellReport, SupplyPlanLine
from allocation.selectors import quotas_frame
from allocation.services import allocation_run_create, allocation_run_publish
from pricing.models import PriceBand, Product
from retailers.models import Retailer

pytestmark = pytest.mark.django_db

CODE = "91000010"  # method C, band 220–263; 91000011 is method C too, in band 109–130


@pytest.fixture
def published(planned, supervisor):
    run = allocation_run_create(cycle=planned)
    allocation_run_publish(allocation_run=run, approver=supervisor)
    line = SupplyPlanLine.objects.select_related("product__price_band").get(cycle=planned, product__code=CODE)
    row = quotas_frame(run, plan_line_ids=[line.pk]).sort_values(["quota", "retailer"], ascending=[False, True]).iloc[0]
    return planned, run, line, Retailer.objects.get(pk=int(row["retailer"]))


def _band_reason(cycle, shop) -> list[str]:
    with translation.override("en"):
        items = retailer_quota_explanations(retailer=shop, cycle=cycle)
    reasons = next(item["reasons"] for item in items if item["product_code"] == CODE)
    return [r for r in reasons if r.startswith("Price band")]


def test_the_run_keeps_the_band_it_computed_the_line_in(published):
    cycle, run, line, shop = published
    assert CellReport.objects.get(allocation=run, plan_line=line).price_band == line.product.price_band.label


def test_renaming_the_band_changes_no_published_reason(published):
    cycle, run, line, shop = published
    before = _band_reason(cycle, shop)
    assert len(before) == 1
    assert before[0].startswith(f"Price band {line.product.price_band.label} yuan per carton: choose freely up to ")
    PriceBand.objects.filter(pk=line.product.price_band_id).update(label="220至263元")
    assert _band_reason(cycle, shop) == before


def test_a_price_moving_the_product_to_another_band_changes_no_published_reason(published):
    cycle, run, line, shop = published
    before = _band_reason(cycle, shop)
    other = Product.objects.get(code="91000011").price_band  # another method C band, with its own totals in the run
    assert other.pk != line.product.price_band_id
    Product.objects.filter(pk=line.product.pk).update(price_band=other)
    assert _band_reason(cycle, shop) == before
