"""Requests and complaints in a real browser (issue 20): a retailer files one on a 360 px phone with a
photo; its customer manager answers it in the admin; the retailer reads the answer and rates it. An
unanswered one escalates when the nightly job runs past its time (the job is called with a shifted
`now`) and the supervisor's queue lists it first. Screenshots go to artifacts/screenshots/."""

import datetime as dt
import io

import pytest
from django.utils import timezone
from PIL import Image

from accounts.models import Role
from demo.services import DEMO_PASSWORD
from service_requests.models import RequestPolicy, ServiceRequest, Status
from service_requests.services import request_file, requests_escalate
from tests.browser.conftest import staff_login
from tests.factories import DepartmentFactory, RetailerFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def user(username, role, **extra):
    person = UserFactory(username=username, role=role, **extra)
    person.set_password(DEMO_PASSWORD)
    person.save()
    return person


@pytest.fixture
def people():
    RequestPolicy.objects.update_or_create(pk=1, defaults={"answer_within_days": 2, "holidays": "", "extra_workdays": ""})
    manager = user("wang", Role.MANAGER, first_name="王经理")
    other = user("li", Role.MANAGER, first_name="李经理")
    supervisor = user("zhuguan", Role.SUPERVISOR, first_name="主管")
    shop = RetailerFactory(manager=manager, name="幸福便利店", department=DepartmentFactory(name="东城市场部"))
    shop.user = user(shop.license_no, Role.RETAILER, is_staff=False)
    shop.save(update_fields=["user"])
    other_shop = RetailerFactory(manager=other, name="平安烟酒店")
    other_shop.user = user(other_shop.license_no, Role.RETAILER, is_staff=False)
    other_shop.save(update_fields=["user"])
    return {"manager": manager, "supervisor": supervisor, "shop": shop, "other_shop": other_shop}


def phone_login(page, base_url, license_no):
    page.goto(f"{base_url}/m/login/")
    page.fill("#id_username", license_no)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()


def png_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (30, 120, 200)).save(out, "PNG")
    return out.getvalue()


def test_a_retailer_files_a_request_its_manager_answers_and_the_retailer_rates(
    live_server, phone_page, desktop_page, screenshot, people
):
    shop = people["shop"]
    page = phone_page
    phone_login(page, live_server.url, shop.license_no)
    page.goto(f"{live_server.url}/m/requests/")
    page.wait_for_selector("#new-request")
    assert "还没有诉求" in page.inner_text("main")
    page.click("#new-request")
    page.wait_for_selector("textarea")
    page.click("button[type=submit]")  # empty: refused, each problem beside its field
    page.wait_for_selector(".field-error")
    assert "请选择诉求类别。" in page.inner_text("main")
    assert "请写明诉求内容。" in page.inner_text("main")
    page.select_option("#id_category", "quota")
    page.fill("#id_text", "这周的紧俏烟限量太少了，能不能多给两条？")
    page.set_input_files("#id_photo", files=[{"name": "shelf.png", "mimeType": "image/png", "buffer": png_bytes()}])
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(page, "retailer-phone-request-new")
    page.click("button[type=submit]")
    page.wait_for_selector("#request")
    text = page.inner_text("main")
    assert "诉求已发送给您的客户经理。" in text
    assert "待答复" in text
    assert "货源定量" in text
    for _ in range(50):  # until the photo has loaded, or failed to (a string wait_for_function is eval: CSP refuses it)
        if page.evaluate("document.querySelector('.photo img').complete"):
            break
        page.wait_for_timeout(100)
    assert page.evaluate("document.querySelector('.photo img').naturalWidth") == 40  # the photo is served back
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(page, "retailer-phone-request-filed")
    filed = ServiceRequest.objects.get()
    assert (filed.retailer, filed.manager, filed.status) == (shop, people["manager"], Status.OPEN)

    admin = desktop_page
    staff_login(admin, live_server.url, "wang", next_path="/admin/service_requests/servicerequest/")
    admin.wait_for_selector("#result_list")
    assert admin.locator("#result_list tbody tr").count() == 1
    assert "待答复" in admin.inner_text("#result_list")
    admin.click(f"#result_list a[href$='/{filed.pk}/change/']")
    admin.wait_for_selector("#answer-form")
    assert "这周的紧俏烟限量太少了" in admin.inner_text("#request-answer")
    admin.fill("#answer-form textarea", "已向营销中心反映，下周按档位上浮一条。")
    screenshot(admin, "manager-admin-request-answer")
    admin.click("#answer-form input[name=reply]")
    admin.wait_for_selector("#result_list")
    assert "已答复" in admin.inner_text("#result_list")

    page.reload()
    page.wait_for_selector("#rate")
    text = page.inner_text("main")
    assert "已向营销中心反映，下周按档位上浮一条。" in text
    assert "已答复" in text
    page.check("#rate input[value='5']")
    page.click("#rate button[type=submit]")
    page.wait_for_selector("#rated")
    assert "★★★★★" in page.inner_text("#rated")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(page, "retailer-phone-request-rated")
    filed.refresh_from_db()
    assert (filed.status, filed.rating) == (Status.ANSWERED, 5)


def test_an_unanswered_request_escalates_and_the_supervisor_sees_it_first(
    live_server, phone_page, desktop_page, screenshot, people
):
    shop, other_shop = people["shop"], people["other_shop"]
    late = request_file(user=shop.user, category="delivery", text="这次送来的货少了一条，请核实。")
    # time shifted: the nightly job runs 5 days on, past the 2 working days (whatever weekday today is)
    assert requests_escalate(now=timezone.now() + dt.timedelta(days=5)) == {"escalated": 1}
    newer = request_file(user=other_shop.user, category="price", text="隔壁店的价格比指导价低。")
    late.refresh_from_db()
    assert late.escalated_at is not None
    assert late.status == Status.OPEN
    assert newer.filed_at > late.filed_at

    admin = desktop_page
    staff_login(admin, live_server.url, "zhuguan", next_path="/admin/service_requests/servicerequest/")
    admin.wait_for_selector("#result_list")
    rows = admin.locator("#result_list tbody tr")
    assert rows.count() == 2
    assert f"#{late.pk}" in rows.nth(0).inner_text()
    assert "已升级" in rows.nth(0).inner_text()
    assert f"#{newer.pk}" in rows.nth(1).inner_text()
    screenshot(admin, "supervisor-admin-requests-escalated-first")
    admin.goto(f"{live_server.url}/admin/service_requests/servicerequest/?escalated=yes")
    assert admin.locator("#result_list tbody tr").count() == 1
    admin.goto(f"{live_server.url}/admin/service_requests/servicerequest/{late.pk}/change/")
    admin.wait_for_selector("#request-steps")
    steps = admin.inner_text("#request-steps")
    assert "超时升级至营销中心" in steps
    assert "夜间作业" in steps

    page = phone_page
    phone_login(page, live_server.url, shop.license_no)
    page.goto(f"{live_server.url}/m/requests/")
    page.wait_for_selector(".request")
    assert "已转营销中心" in page.inner_text(".request")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(page, "retailer-phone-request-escalated")
