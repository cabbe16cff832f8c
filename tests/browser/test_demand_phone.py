"""A retailer reports its demand for the next cycle on a 360 px phone, in Chinese: the boxes start from
its recent orders, it changes some, adds a product it does not usually order, saves, and finds its
report kept. Screenshots go to artifacts/screenshots/."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from cycles.calendar import cycle_monday
from cycles.services import cycle_get_or_create
from demand.models import DemandReport
from demand.selectors import open_demand_cycles
from demo.services import demo_city_create, demo_first_rerating, demo_quotas_publish
from retailers.logins import retailer_login_reset
from retailers.models import Retailer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_retailer_reports_demand_on_a_phone(live_server, phone_page, screenshot):
    today = timezone.localdate()
    demo_city_create(retailers=200, products=24, weeks=14, seed=5, today=today)
    demo_first_rerating(today=today)
    demo_quotas_publish(today=today)
    cycle_get_or_create(starts_on=cycle_monday(today) + dt.timedelta(weeks=2))  # always open (ordering ≥ 7 days away)
    cycle = open_demand_cycles(today=today)[0]
    manager = get_user_model().objects.get(username="manager1")
    shop = (
        Retailer.objects.filter(manager=manager, status="active", order_cycle_kind="weekly").order_by("-tier").first()
    )
    password = retailer_login_reset(retailer=shop, actor=manager)

    page = phone_page
    page.goto(f"{live_server.url}/m/login/")
    page.fill("#id_username", shop.license_no)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_selector("nav")
    page.click("nav >> text=需求填报")
    page.wait_for_selector("#demand-form")
    text = page.inner_text("main")
    assert f"{cycle.label} 周期需求填报" in text
    assert "您常订的规格" in text
    usual = page.locator("#usual .demand")
    assert usual.count() > 0
    first, second = usual.nth(0), usual.nth(1)
    first_code, second_code = first.get_attribute("data-code"), second.get_attribute("data-code")
    start = first.locator("input").input_value()
    assert start.isdigit()  # prefilled from its recent orders
    assert "平时每期订" in first.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(page, "retailer-phone-demand")

    first.locator("input").fill(str(int(start) + 3))
    second.locator("input").fill("")  # reports nothing for this one
    page.click("#others summary")
    other = page.locator("#others .demand").nth(0)
    other_code = other.get_attribute("data-code")
    other.locator("input").fill("2")
    page.click("#demand-form button[type=submit]")
    page.wait_for_selector("text=已保存")
    text = page.inner_text("main")
    assert "货源分配开始前可随时修改" in text
    assert page.locator(f'#usual .demand[data-code="{first_code}"] input').input_value() == str(int(start) + 3)
    assert page.locator(f'.demand[data-code="{other_code}"] input').input_value() == "2"
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(page, "retailer-phone-demand-saved")

    mine = dict(DemandReport.objects.filter(retailer=shop, cycle=cycle).values_list("product__code", "cartons"))
    assert mine[first_code] == int(start) + 3
    assert mine[other_code] == 2
    assert second_code not in mine
