"""A customer manager, as a new user would, opens the profitability workspace from the admin's
sidebar, follows a retailer from the visit list or the table to its report, and plans an order for
a budget. Screenshots go to artifacts/screenshots/."""

import pytest
from django.utils import timezone

from demo.services import demo_city_create, demo_first_rerating, demo_quotas_publish
from profitability.services import profit_figures_nightly
from retailers.models import Retailer
from tests.browser.conftest import staff_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_manager_opens_the_workspace_and_a_retailers_report(live_server, desktop_page, screenshot):
    today = timezone.localdate()
    demo_city_create(retailers=240, products=16, weeks=60, seed=3, today=today)
    demo_first_rerating(today=today)
    demo_quotas_publish(today=today)
    profit_figures_nightly(today=today)
    own = Retailer.objects.filter(manager__username="manager1", status="active")

    page = desktop_page
    staff_login(page, live_server.url, "manager1")
    page.click("#nav-sidebar >> text=经营分析")  # the sidebar's group, then its entry
    page.click("#nav-sidebar >> text=我的零售户经营")
    page.wait_for_selector("#table-workspace")
    assert page.inner_text("#retailer-count") == str(own.count())
    assert page.locator("#table-workspace tbody tr").count() == own.count()
    assert page.locator(".report-chart svg:visible").count() == 1  # one drawing shown (the phone one is hidden)
    assert "毛利" in page.inner_text("#table-workspace thead")
    screenshot(page, "manager-profit-workspace")

    # A weekly shop with quotas this cycle, found through the search box.
    shop = own.filter(order_cycle_kind="weekly").order_by("-tier").first()
    # no order day: its ordering stays open to the cycle's last day, whatever weekday the test runs on
    # (the planner plans within the cycle the shop can still order)
    type(shop).objects.filter(pk=shop.pk).update(order_weekday=None)
    code = shop.customer_code
    page.fill("input[name=q]", code)
    page.press("input[name=q]", "Enter")
    page.wait_for_selector("#table-workspace")
    assert page.inner_text("#retailer-count") == "1"
    page.locator("#table-workspace tbody tr a").first.click()
    page.wait_for_selector("#profit-report")
    assert code in page.inner_text("h1")
    assert page.locator("#profit-report .report-chart svg").count() >= 2
    assert "最近数据" in page.inner_text("#profit-report")
    page.fill("input[name=budget]", "3000")
    page.click("#planner button")
    page.wait_for_selector("#plan-summary")
    summary = page.inner_text("#plan-summary")
    assert "元" in summary
    assert "花费 0.00" not in summary
    screenshot(page, "manager-profit-report")
    with page.expect_download() as download:
        page.click("text=下载 PDF")
    assert download.value.suggested_filename == f"经营分析-{code}-{shop.name}.pdf"  # named in the reader's language
