"""Satisfaction surveys in the browser: a retailer answers on a 360 px phone; the supervisor's and a
manager's results page draws the index and the importance–performance chart. Screenshots go to
artifacts/screenshots/."""

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from demo.services import demo_city_create
from demo.surveys import demo_surveys_create
from retailers.logins import retailer_login_reset
from retailers.models import Retailer
from surveys.models import Invitation, Wave, WaveStatus
from tests.browser.conftest import staff_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def surveyed_city():
    today = timezone.localdate()
    demo_city_create(retailers=600, products=10, weeks=2, seed=5, today=today)
    demo_surveys_create(today=today)
    return today


def test_a_retailer_answers_the_survey_on_a_phone(live_server, phone_page, screenshot, surveyed_city):
    manager = get_user_model().objects.get(username="manager1")
    shop = Retailer.objects.filter(manager=manager, status="active").order_by("-tier").first()
    password = retailer_login_reset(retailer=shop, actor=manager)
    wave = Wave.objects.get(status=WaveStatus.OPEN)

    page = phone_page
    page.goto(f"{live_server.url}/m/login/?next=/m/surveys/")
    page.fill("#id_username", shop.license_no)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_selector(".survey-open")
    assert wave.name in page.inner_text("main")
    screenshot(page, "retailer-phone-surveys")
    page.click(".survey-open a")
    page.wait_for_selector("#survey-form")
    assert page.locator("fieldset.q").count() == 33
    assert "卷烟供应" in page.inner_text("main")
    # leave everything out first: refused, with the marks
    page.click("#submit-survey")
    page.wait_for_selector("#errors")
    assert "33 道题尚未作答" in page.inner_text("#errors")
    fieldsets = page.locator("fieldset.q")
    for k in range(fieldsets.count()):
        score = "4" if k % 3 else "5"
        fieldsets.nth(k).locator(f"label:has(input[value='{score}'])").click()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(page, "retailer-phone-survey-form")
    page.click("#submit-survey")
    page.wait_for_selector(".survey-answered")
    text = page.inner_text("main")
    assert "谢谢您：回答已提交" in text
    assert "已填写" in text
    screenshot(page, "retailer-phone-survey-done")
    invitation = Invitation.objects.get(wave=wave, retailer=shop)
    assert invitation.answered_at is not None
    assert invitation.scores.count(5) == 11  # questions 0, 3, …, 30 of 33
    assert invitation.scores.count(4) == 22
    # once only: the page now says it was answered
    page.goto(f"{live_server.url}/m/surveys/{wave.pk}/")
    assert "每期测评只填写一次" in page.inner_text("main")


def test_the_results_page_draws_the_index_and_the_importance_performance_chart(
    live_server, desktop_page, screenshot, surveyed_city
):
    closed = Wave.objects.filter(status=WaveStatus.CLOSED).order_by("-opens_on").first()
    page = desktop_page
    staff_login(page, live_server.url, "supervisor", next_path=f"/admin/surveys/wave/{closed.pk}/results/?level=manager")
    page.wait_for_selector("#overall-index")
    overall = float(page.inner_text("#overall-index"))
    assert 40 < overall < 95
    chart = page.locator("#ipa-chart svg")
    assert chart.count() == 1
    chart_text = chart.text_content()
    assert "卷烟供应" in chart_text
    assert "重要性" in chart_text
    assert page.locator("#dimension-chart svg").count() == 1
    assert page.locator("#table-dimensions tbody tr").count() == 9  # 7 dimensions, the overall index, the overall question
    assert "重点改进" in page.inner_text("#table-dimensions")
    screenshot(page, "supervisor-survey-results")
    # a manager: their own retailers only, figures over at least 5 answers
    page.context.clear_cookies()
    staff_login(page, live_server.url, "manager1", next_path=f"/admin/surveys/wave/{closed.pk}/results/")
    page.wait_for_selector("#overall-index")
    assert "不显示任何一户的回答" in page.inner_text("#survey-results")
    screenshot(page, "manager-survey-results")
