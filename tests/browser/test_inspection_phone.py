"""A customer manager, as a new user would, records a price-tag inspection on a 360 px phone and
sees the retailer's compliance change. Screenshots go to artifacts/screenshots/."""

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from compliance.planning import inspection_list, visit_products
from cycles.calendar import cycle_monday
from demo.services import demo_city_create
from tests.browser.conftest import staff_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_manager_records_an_inspection_on_a_phone(live_server, phone_page, screenshot):
    today = timezone.localdate()
    demo_city_create(retailers=120, products=20, weeks=2, seed=8, today=today)
    manager = get_user_model().objects.get(username="manager1")
    planned = inspection_list(manager=manager, on=today)
    shop = planned[-1].retailer
    products = visit_products(shop, cycle_monday(today))
    assert [p.pk for p in products] == [p.pk for p in planned[-1].products]

    page = phone_page
    staff_login(page, live_server.url, "manager1", next_path="/m/inspections/")
    page.wait_for_selector("text=本周检查名单")
    assert "已检查 0 / 20 户" in page.inner_text("main")
    screenshot(page, "manager-phone-inspection-list")
    page.click(f".card:first-of-type a[href='/m/inspections/{shop.pk}/']")
    page.wait_for_selector(".product")
    assert page.locator(".product").count() == len(products) == 5
    for i, product in enumerate(products):
        page.check(f"input[name=tag_present_{product.pk}]")
        page.fill(f"#tag_price_{product.pk}", str(product.retail_price))
        charged = product.retail_price + (10 if i == 0 else 0)  # one product sold above the guide price
        page.fill(f"#price_carton_{product.pk}", str(charged))
    screenshot(page, "manager-phone-inspection")
    page.click("button[type=submit]")
    page.wait_for_selector(".tag-rate")
    text = page.inner_text("main")
    assert "100%" in page.inner_text(".tag-rate")
    assert "高于指导价" in text
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(page, "manager-phone-compliance")
    page.click(f"a[href='/m/inspections/{shop.pk}/tags/']")
    page.wait_for_selector(".tag")
    assert page.locator(".tag").count() > 0
    screenshot(page, "manager-phone-price-tags")
    page.goto(f"{live_server.url}/m/inspections/")
    assert "已检查 1 / 20 户" in page.inner_text("main")
