"""A customer manager, as a new user would, records a price-tag inspection on a 360 px phone and
sees the retailer's compliance change; an empty inspection is refused and a form with a bad price
comes back as entered with the error beside it. Screenshots go to artifacts/screenshots/."""

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from compliance.models import Inspection, InspectionLine
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
        page.check(f"input[name=tag_{product.pk}][value=present]")
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


def _open_inspection(live_server, page):
    """manager1's first planned shop, its inspection page open on the phone; the shop and its products."""
    today = timezone.localdate()
    demo_city_create(retailers=120, products=20, weeks=2, seed=8, today=today)
    manager = get_user_model().objects.get(username="manager1")
    shop = inspection_list(manager=manager, on=today)[0].retailer
    products = visit_products(shop, cycle_monday(today))
    staff_login(page, live_server.url, "manager1", next_path=f"/m/inspections/{shop.pk}/")
    page.wait_for_selector(".product")
    return shop, products


def test_an_empty_inspection_is_refused_and_nothing_is_stored(live_server, phone_page, screenshot):
    page = phone_page
    shop, products = _open_inspection(live_server, page)
    before = (Inspection.objects.count(), InspectionLine.objects.count())
    for product in products:  # every product starts as "not checked"
        assert page.is_checked(f"input[name=tag_{product.pk}][value='']")
    page.click("button[type=submit]")
    page.wait_for_selector(".errors")
    assert "没有检查任何品规" in page.inner_text(".errors")
    assert page.url.endswith(f"/m/inspections/{shop.pk}/")  # still the form, not the compliance page
    assert (Inspection.objects.count(), InspectionLine.objects.count()) == before
    assert not Inspection.objects.filter(retailer=shop, visited_on=timezone.localdate()).exists()
    assert "nan" not in page.inner_text("main")
    screenshot(page, "manager-phone-inspection-empty")


def test_one_bad_price_is_shown_beside_it_and_everything_else_is_kept(live_server, phone_page, screenshot):
    page = phone_page
    shop, products = _open_inspection(live_server, page)
    before = Inspection.objects.count()
    bad, skipped = products[2], products[4]
    page.select_option("#kind", "covert")
    for product in products[:4]:  # the fifth product is left "not checked"
        page.check(f"input[name=tag_{product.pk}][value=present]")
        page.fill(f"#tag_price_{product.pk}", str(product.retail_price))
        page.fill(f"#price_carton_{product.pk}", "-5" if product == bad else str(product.retail_price))
    page.fill(f"#stock_{products[0].pk}", "6")
    page.fill("#notes", "柜台新换了位置")
    page.click("button[type=submit]")
    page.wait_for_selector(".field-error")
    assert Inspection.objects.count() == before  # nothing stored
    error = page.locator(".field-error")
    assert error.count() == 1
    assert error.get_attribute("id") == f"err_price_carton_{bad.pk}"
    assert error.inner_text() == "价格不能为负数。"
    field = page.locator(f"#price_carton_{bad.pk}").bounding_box()
    below = error.bounding_box()
    assert 0 <= below["y"] - (field["y"] + field["height"]) < 40  # right under the bad price
    text = page.inner_text("main")
    assert "row" not in text
    assert "price_carton" not in text
    # Everything else as entered.
    assert page.input_value(f"#price_carton_{bad.pk}") == "-5"
    for product in products[:4]:
        assert page.is_checked(f"input[name=tag_{product.pk}][value=present]")
        assert page.input_value(f"#tag_price_{product.pk}") == str(product.retail_price)
    assert page.is_checked(f"input[name=tag_{skipped.pk}][value='']")
    assert page.input_value(f"#stock_{products[0].pk}") == "6"
    assert page.input_value("#notes") == "柜台新换了位置"
    assert page.input_value("#kind") == "covert"
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    error.scroll_into_view_if_needed()
    screenshot(page, "manager-phone-inspection-error")
    # Correcting the one price is all it takes.
    page.fill(f"#price_carton_{bad.pk}", str(bad.retail_price))
    page.click("button[type=submit]")
    page.wait_for_selector(".tag-rate")
    inspection = Inspection.objects.get(retailer=shop, visited_on=timezone.localdate())
    assert (inspection.kind, inspection.notes, inspection.lines.count()) == ("covert", "柜台新换了位置", 4)
    assert "100%" in page.inner_text(".tag-rate")
