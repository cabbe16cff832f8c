"""A retailer, as a new user would, on a 360 px phone: logs in with its license number and reads
this cycle's quotas with their reasons, in Chinese. Screenshots go to artifacts/screenshots/."""

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from demo.services import demo_city_create, demo_first_rerating, demo_quotas_publish
from retailers.logins import retailer_login_reset
from retailers.models import Retailer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_retailer_logs_in_on_a_phone_and_reads_its_quotas(live_server, phone_page, screenshot):
    today = timezone.localdate()
    demo_city_create(retailers=200, products=24, weeks=14, seed=5, today=today)
    demo_first_rerating(today=today)
    demo_quotas_publish(today=today)
    manager = get_user_model().objects.get(username="manager1")
    shop = (
        Retailer.objects.filter(manager=manager, status="active", order_cycle_kind="weekly").order_by("-tier").first()
    )
    password = retailer_login_reset(retailer=shop, actor=manager)

    page = phone_page
    page.goto(f"{live_server.url}/")
    page.wait_for_selector("#id_username")
    assert "用许可证号登录" in page.inner_text("main")
    screenshot(page, "retailer-phone-login")
    page.fill("#id_username", shop.license_no)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_selector(".quota")
    text = page.inner_text("main")
    assert "可订规格数" in text
    assert "档限量" in text  # each quota says why: the cap of the shop's tier
    assert f"D{shop.tier}" in text
    assert "您每条可赚" in text
    assert page.locator(".quota").count() > 0
    # Nothing wider than the phone: no sideways scrolling.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(page, "retailer-phone-quotas")

    page.click("text=我的档位")
    page.wait_for_selector("text=您的档位依据")
    screenshot(page, "retailer-phone-tier")
    page.click("text=价格表")
    page.wait_for_selector("table")
    screenshot(page, "retailer-phone-prices")
