"""The demo city gets demand reports before its allocation runs, so a newcomer sees them on the run
report, the quota page and the admin."""

import datetime as dt

import pytest
from django.db.models import F

from allocation.models import AllocationRun
from allocation.quota_sheets import quota_sheet
from allocation.reports import report_rows
from cycles.calendar import cycle_monday
from demand.models import DemandReport
from demand.selectors import retailer_suggestions
from demo.services import (
    demo_city_create,
    demo_demand_reports_create,
    demo_first_rerating,
    demo_logins_ensure,
    demo_quotas_publish,
)
from retailers.models import Retailer

pytestmark = pytest.mark.django_db


def test_the_demo_city_reports_demand_and_the_allocation_reads_it():
    today = dt.date(2026, 11, 18)
    demo_city_create(retailers=200, products=20, weeks=6, seed=4, today=today)
    demo_first_rerating(today=today)
    assert "demand reports" in demo_demand_reports_create(today=today)
    demo_quotas_publish(today=today)
    current = cycle_monday(today)
    reports = DemandReport.objects.filter(cycle__starts_on=current)
    assert reports.exists()
    assert DemandReport.objects.filter(cycle__starts_on=current + dt.timedelta(weeks=1)).exists()
    assert not reports.filter(product__lifecycle="withdrawn").exists()
    shops = set(reports.values_list("retailer_id", flat=True))
    assert 0.25 < len(shops) / Retailer.objects.filter(status="active").count() < 0.6
    # the starting value the demo wrote is the one the form would show
    one = reports.order_by("pk").first()
    assert one.suggested == retailer_suggestions(retailer_id=one.retailer_id, cycle=one.cycle)[one.product_id]
    assert reports.exclude(cartons=F("suggested")).exists()  # some report more or less than suggested
    # the demo logins report, and see it beside their quotas
    logins = [row["username"] for row in demo_logins_ensure() if row["role"] == "retailer"]
    shop = Retailer.objects.get(license_no=logins[0])
    assert reports.filter(retailer=shop).exists()
    sheet = quota_sheet(retailer=shop, cycle=one.cycle)
    assert any(line.reported is not None for group in sheet.groups for line in group.lines)
    rows = report_rows(AllocationRun.objects.get(cycle=one.cycle, is_published=True))
    assert sum(r["reporters"] or 0 for r in rows) == reports.count()
    # a second call keeps what is there
    demo_demand_reports_create(today=today)
    assert DemandReport.objects.filter(cycle__starts_on=current).count() == reports.count()
