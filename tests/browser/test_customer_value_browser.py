"""A customer manager opens the customer value list (客户价值与流失预警) in the admin: their own shops,
riskiest first, each with its segment, visit frequency and reasons in Chinese, none of another
manager's; and one shop's page. Screenshots go to artifacts/screenshots/."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from customer_value.models import CustomerValue
from customer_value.services import customer_value_nightly
from demo.services import DEMO_PASSWORD, demo_city_create, demo_first_rerating, demo_quotas_publish
from profitability.services import profit_figures_nightly
from retailers.models import Retailer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_manager_opens_the_customer_value_list(live_server, desktop_page, screenshot):
    today = timezone.localdate()
    demo_city_create(retailers=240, products=16, weeks=30, seed=3, today=today)
    demo_first_rerating(today=today)
    demo_quotas_publish(today=today)
    profit_figures_nightly(today=today)
    customer_value_nightly(today=today)
    own = CustomerValue.objects.filter(value_run__is_current=True, retailer__manager__username="manager1")
    riskiest = own.select_related("retailer").order_by("-risk", "retailer__customer_code").first()
    others = Retailer.objects.filter(manager__username="manager2", status="active")

    page = desktop_page
    path = reverse("admin:customer_value_customervalue_changelist")
    page.goto(f"{live_server.url}/admin/login/?next={path}")
    page.fill("#id_username", "manager1")
    page.fill("#id_password", DEMO_PASSWORD)
    page.press("#id_password", "Enter")  # the form's button, whatever the admin theme draws it as
    page.wait_for_url(f"**{path}")
    page.goto(f"{live_server.url}{path}?all=")
    page.wait_for_selector("#result_list")
    rows = page.locator("#result_list tbody tr")
    assert rows.count() == own.count()
    first = rows.first.inner_text()
    assert riskiest.retailer.customer_code in first  # the riskiest first
    assert str(riskiest.risk) in first
    assert riskiest.get_segment_display() in first
    assert "元" in first  # money with its unit
    assert "条" in first  # cartons with theirs
    body = page.inner_text("#result_list")
    assert not any(shop.customer_code in body for shop in others)
    assert "流失风险" in page.inner_text("#result_list thead")
    screenshot(page, "manager-customer-value-list")

    rows.first.locator("a", has_text=riskiest.retailer.customer_code).click()
    page.wait_for_url(re.compile(r"/change/"))
    detail = page.inner_text("body")
    assert riskiest.retailer.name in detail
    assert riskiest.get_peer_basis_display() in detail  # its peer group in words (同档位同业态, 同档位, 无可比客户)
    screenshot(page, "manager-customer-value-detail")
