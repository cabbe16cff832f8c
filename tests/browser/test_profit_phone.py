"""A retailer reads its profit page on a 360 px phone: the weekly chart fills the card, its labels
are at least 11 px on screen, and nothing scrolls sideways. Screenshot in artifacts/screenshots/."""

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from demo.services import demo_city_create, demo_first_rerating, demo_quotas_publish
from profitability.services import profit_figures_nightly
from retailers.logins import retailer_login_reset
from retailers.models import Retailer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

MEASURE = """() => {
  const svg = document.querySelector('.chart svg');
  const box = svg.getBoundingClientRect();
  const scale = box.width / svg.viewBox.baseVal.width;
  const sizes = [...svg.querySelectorAll('text')].filter(t => t.textContent.trim() && t.getClientRects().length)
    .map(t => parseFloat(getComputedStyle(t).fontSize) * scale);
  return {width: box.width, smallest: Math.min(...sizes), labels: sizes.length,
          scroll: document.documentElement.scrollWidth, viewport: window.innerWidth};
}"""


def test_profit_chart_reads_on_a_360_px_phone(live_server, phone_page, screenshot):
    today = timezone.localdate()
    demo_city_create(retailers=120, products=16, weeks=20, seed=3, today=today)
    demo_first_rerating(today=today)
    demo_quotas_publish(today=today)
    profit_figures_nightly(today=today)
    manager = get_user_model().objects.get(username="manager1")
    shop = Retailer.objects.filter(manager=manager, status="active").order_by("-tier").first()
    password = retailer_login_reset(retailer=shop, actor=manager)

    page = phone_page
    page.goto(f"{live_server.url}/")
    page.wait_for_selector("#id_username")
    page.fill("#id_username", shop.license_no)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_selector("main")
    page.goto(f"{live_server.url}/m/profit/")
    page.wait_for_selector(".chart svg")
    seen = page.evaluate(MEASURE)
    assert seen["width"] > 280  # the card's width, not a thumbnail (it was 308 x 111 with ~4 px letters)
    assert seen["labels"] > 5
    assert seen["smallest"] >= 11
    assert seen["scroll"] <= seen["viewport"]  # no sideways scroll
    assert "元" in page.inner_text(".chart")
    screenshot(page, "retailer-phone-profit")
