import datetime as dt

import pytest

from demo.services import demo_city_create
from retailers.models import Retailer
from tests.browser.conftest import staff_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_manager_logs_in_and_sees_only_own_retailers_in_chinese(live_server, desktop_page, screenshot):
    demo_city_create(retailers=200, products=20, weeks=2, seed=11, today=dt.date(2026, 11, 22))
    page = desktop_page
    staff_login(page, live_server.url, "manager1")
    page.wait_for_selector("#dashboard-cards")
    assert "零售户经营指导服务" in page.inner_text("body")
    screenshot(page, "admin-index-manager")
    page.goto(f"{live_server.url}/admin/retailers/retailer/")
    rows = page.locator("#result_list tbody tr")
    own = Retailer.objects.filter(manager__username="manager1").count()
    assert 0 < own < Retailer.objects.count()
    assert rows.count() == min(own, 50)
    assert "档位" in page.inner_text("#result_list thead")
    screenshot(page, "admin-retailers-manager")
