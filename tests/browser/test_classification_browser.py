import datetime as dt

import pytest

from demo.services import demo_city_create
from retailers.models import Retailer
from tests.browser.conftest import staff_login
from tiers.services import classification_run

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_supervisor_publishes_a_rerating_and_reads_an_explanation(live_server, desktop_page, screenshot):
    demo_city_create(retailers=300, products=20, weeks=14, seed=4, today=dt.date(2026, 11, 22))
    proposal = classification_run(as_of=dt.date(2026, 11, 22))
    page = desktop_page
    staff_login(page, live_server.url, "supervisor")
    page.goto(f"{live_server.url}/admin/tiers/tierproposal/{proposal.pk}/change/")
    assert "各档汇总" in page.content()
    screenshot(page, "tier-proposal")
    page.click("#publish-tiers")  # asks first: what will change
    page.wait_for_selector("#publish-confirm")
    assert "升档" in page.inner_text("#moves-up")
    page.click("#confirm-publish")
    page.wait_for_selector("text=已发布")
    moved = Retailer.objects.filter(tier_changes__proposal=proposal).first()
    page.goto(f"{live_server.url}/admin/retailers/retailer/{moved.pk}/change/")
    explanation = page.inner_text("#tier-explanation")
    assert "得分" in explanation
    assert "的分数线" in explanation  # the proposal's cut score of its tier
    screenshot(page, "retailer-tier-explanation")
