"""Who may see and do what, per role, on every page and endpoint of requests: a retailer only its own;
a customer manager only their retailers' (reading and writing, through every form and endpoint); a
supervisor all. Anonymous visitors are sent to log in."""

import csv
import io

import pytest
from django.urls import reverse

from service_requests.models import ServiceRequest, Status
from service_requests.services import request_answer, request_file

from .conftest import png

pytestmark = pytest.mark.django_db


@pytest.fixture
def req_a(shop_a):
    return request_file(user=shop_a.login, category="price", text="隔壁店卖得比指导价低。", photo=png())


@pytest.fixture
def req_b(shop_b):
    return request_file(user=shop_b.login, category="delivery", text="送货晚了两天。", photo=png())


def phone_urls(req):
    return [
        reverse("service_requests:list"), reverse("service_requests:new"),
        reverse("service_requests:detail", args=[req.pk]), reverse("service_requests:photo", args=[req.pk]),
    ]  # fmt: skip


# ---- phone pages -------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_log_in(client, req_a):
    for url in phone_urls(req_a):
        response = client.get(url)
        assert (response.status_code, "/m/login/" in response["Location"]) == (302, True), url


def test_a_retailer_sees_only_its_own_requests(client, shop_a, req_a, req_b):
    client.force_login(shop_a.login)
    page = client.get(reverse("service_requests:list")).content.decode()
    assert "隔壁店卖得比指导价低。" in page
    assert "送货晚了两天。" not in page
    assert client.get(reverse("service_requests:detail", args=[req_a.pk])).status_code == 200
    photo = client.get(reverse("service_requests:photo", args=[req_a.pk]))
    assert (photo.status_code, photo["Content-Type"], photo["X-Content-Type-Options"]) == (200, "image/png", "nosniff")
    assert client.get(reverse("service_requests:detail", args=[req_b.pk])).status_code == 404
    assert client.get(reverse("service_requests:photo", args=[req_b.pk])).status_code == 404


def test_a_retailer_cannot_reply_to_or_rate_another_shops_request(client, shop_a, req_b, manager_b):
    request_answer(actor=manager_b, service_request=req_b, text="明天补送。")
    client.force_login(shop_a.login)
    url = reverse("service_requests:detail", args=[req_b.pk])
    assert client.post(url, {"action": "reply", "reply-text": "插一句"}).status_code == 404
    assert client.post(url, {"action": "rate", "rate-rating": "1"}).status_code == 404
    req_b.refresh_from_db()
    assert (req_b.rating, req_b.messages.count(), req_b.status) == (None, 1, Status.ANSWERED)


def test_staff_on_the_phone_pages_go_to_their_queue_and_see_photos_of_their_scope(
    client, manager_a, supervisor, req_a, req_b
):
    client.force_login(manager_a)
    for url in phone_urls(req_a)[:3]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == reverse("admin:service_requests_servicerequest_changelist")
    assert client.post(reverse("service_requests:new"), {"category": "quota", "text": "经理代填"}).status_code == 302
    assert ServiceRequest.objects.count() == 2  # nothing filed by the manager
    assert client.get(reverse("service_requests:photo", args=[req_a.pk])).status_code == 200
    assert client.get(reverse("service_requests:photo", args=[req_b.pk])).status_code == 404
    client.force_login(supervisor)
    assert client.get(reverse("service_requests:photo", args=[req_b.pk])).status_code == 200


# ---- admin -------------------------------------------------------------------------------------

CHANGELIST = "admin:service_requests_servicerequest_changelist"
CHANGE = "admin:service_requests_servicerequest_change"
FIGURES = "admin:service_requests_figures"


def test_the_queue_holds_a_managers_own_retailers_and_everything_for_a_supervisor(
    client, manager_a, supervisor, req_a, req_b
):
    client.force_login(manager_a)
    page = client.get(reverse(CHANGELIST)).content.decode()
    assert f"#{req_a.pk}<" in page
    assert f"#{req_b.pk}<" not in page
    assert client.get(reverse(CHANGE, args=[req_a.pk])).status_code == 200
    assert client.get(reverse(CHANGE, args=[req_b.pk])).status_code == 404
    client.force_login(supervisor)
    page = client.get(reverse(CHANGELIST)).content.decode()
    assert f"#{req_a.pk}<" in page
    assert f"#{req_b.pk}<" in page
    assert client.get(reverse(CHANGE, args=[req_b.pk])).status_code == 200


def test_a_retailer_and_a_visitor_never_reach_the_admin(client, shop_a, req_a):
    for user in (None, shop_a.login):
        if user:
            client.force_login(user)
        for url in (reverse(CHANGELIST), reverse(CHANGE, args=[req_a.pk]), reverse(FIGURES)):
            response = client.get(url)
            assert (response.status_code, "/admin/login/" in response["Location"]) == (302, True), url
        response = client.post(reverse(CHANGE, args=[req_a.pk]), {"text": "冒充", "resolve": "1"})
        assert response.status_code == 302
    req_a.refresh_from_db()
    assert (req_a.status, req_a.messages.count()) == (Status.OPEN, 0)


def test_a_manager_answers_own_and_cannot_answer_another_managers_retailer(client, manager_a, req_a, req_b):
    client.force_login(manager_a)
    response = client.post(reverse(CHANGE, args=[req_b.pk]), {"text": "越权答复", "resolve": "1"})
    assert response.status_code == 404
    req_b.refresh_from_db()
    assert (req_b.status, req_b.messages.count(), req_b.answered_at) == (Status.OPEN, 0, None)
    response = client.post(reverse(CHANGE, args=[req_a.pk]), {"text": "已核实，按规定处理。", "resolve": "1"})
    assert response.status_code == 302
    req_a.refresh_from_db()
    assert req_a.status == Status.RESOLVED
    assert req_a.messages.get().text == "已核实，按规定处理。"
    # resolved: no form any more, and a late POST is refused
    page = client.get(reverse(CHANGE, args=[req_a.pk])).content.decode()
    assert 'id="answer-form"' not in page
    assert client.post(reverse(CHANGE, args=[req_a.pk]), {"text": "再答一次"}).status_code == 403


def test_the_change_form_cannot_edit_add_or_delete(client, supervisor, req_a):
    client.force_login(supervisor)
    assert client.get(reverse("admin:service_requests_servicerequest_add")).status_code == 403
    assert client.post(reverse("admin:service_requests_servicerequest_delete", args=[req_a.pk]), {"post": "yes"}).status_code == 403
    assert ServiceRequest.objects.filter(pk=req_a.pk).exists()


def test_figures_per_role(client, manager_a, supervisor, shop_a, shop_b, req_a, req_b):
    client.force_login(manager_a)
    page = client.get(reverse(FIGURES), {"level": "department"}).content.decode()
    assert "东城市场部" in page
    assert "西城市场部" not in page
    client.force_login(supervisor)
    page = client.get(reverse(FIGURES), {"level": "department"}).content.decode()
    assert "东城市场部" in page
    assert "西城市场部" in page


def test_the_policy_is_the_supervisors(client, manager_a, supervisor, policy):
    url = reverse("admin:service_requests_requestpolicy_change", args=[policy.pk])
    client.force_login(manager_a)
    assert client.post(url, {"answer_within_days": "9", "holidays": "", "extra_workdays": ""}).status_code == 403
    client.force_login(supervisor)
    response = client.post(url, {"answer_within_days": "3", "holidays": "2026-10-01\n国庆", "extra_workdays": ""})
    assert response.status_code == 200
    assert "国庆" in response.content.decode()
    response = client.post(url, {"answer_within_days": "3", "holidays": "2026-10-01\n2026-10-02", "extra_workdays": ""})
    assert response.status_code == 302
    policy.refresh_from_db()
    assert policy.answer_within_days == 3
    assert policy.history.count() >= 1


# ---- API ---------------------------------------------------------------------------------------


def api(client, user):
    client.force_login(user)
    return client


def test_api_lists_and_details_per_role(client, shop_a, manager_a, supervisor, req_a, req_b):
    ids = lambda response: sorted(r["id"] for r in response.json()["results"])  # noqa: E731
    assert client.get("/api/v1/requests/").status_code in (401, 403)
    assert ids(api(client, shop_a.login).get("/api/v1/requests/")) == [req_a.pk]
    assert client.get(f"/api/v1/requests/{req_b.pk}/").status_code == 404
    assert ids(api(client, manager_a).get("/api/v1/requests/")) == [req_a.pk]
    assert client.get(f"/api/v1/requests/{req_b.pk}/").status_code == 404
    detail = client.get(f"/api/v1/requests/{req_a.pk}/").json()
    assert (detail["status"], detail["category_label"], detail["messages"]) == ("open", "价格", [])
    assert ids(api(client, supervisor).get("/api/v1/requests/")) == [req_a.pk, req_b.pk]
    assert ids(client.get("/api/v1/requests/", {"category": "delivery"})) == [req_b.pk]


def test_api_filing_is_for_retailers(client, shop_a, manager_a):
    response = api(client, manager_a).post("/api/v1/requests/", {"category": "quota", "text": "经理代填"})
    assert response.status_code == 403
    response = api(client, shop_a.login).post("/api/v1/requests/", {"category": "product", "text": "想要新品", "photo": png()})
    assert response.status_code == 201, response.content
    assert response.json()["photo_url"].endswith("/photo/")
    bad = client.post("/api/v1/requests/", {"category": "product", "text": " "}, content_type="application/json")
    assert bad.status_code == 400
    assert "text" in bad.json()["error"]["fields"]


def test_api_writes_only_within_scope(client, shop_a, manager_a, manager_b, req_a, req_b):
    # a manager cannot answer another manager's retailer's request
    response = api(client, manager_a).post(
        f"/api/v1/requests/{req_b.pk}/replies/", {"text": "越权", "resolve": True}, content_type="application/json"
    )
    assert response.status_code == 404
    req_b.refresh_from_db()
    assert (req_b.status, req_b.messages.count()) == (Status.OPEN, 0)
    response = client.post(f"/api/v1/requests/{req_a.pk}/replies/", {"text": "已处理"}, content_type="application/json")
    assert response.status_code == 201
    assert response.json()["status"] == "answered"
    # the retailer: follows up its own, cannot resolve, cannot touch another's, rates its own once
    client.force_login(shop_a.login)
    refused = client.post(f"/api/v1/requests/{req_a.pk}/replies/", {"text": "好", "resolve": True}, content_type="application/json")
    assert refused.status_code == 403
    assert client.post(f"/api/v1/requests/{req_b.pk}/replies/", {"text": "插话"}, content_type="application/json").status_code == 404
    assert client.post(f"/api/v1/requests/{req_b.pk}/rating/", {"rating": 1}, content_type="application/json").status_code == 404
    response = client.post(f"/api/v1/requests/{req_a.pk}/rating/", {"rating": 5}, content_type="application/json")
    assert response.status_code == 200
    assert response.json()["rating"] == 5
    assert client.post(f"/api/v1/requests/{req_a.pk}/rating/", {"rating": 4}, content_type="application/json").status_code == 400
    # a manager never rates
    api(client, manager_a)
    assert client.post(f"/api/v1/requests/{req_a.pk}/rating/", {"rating": 1}, content_type="application/json").status_code == 403


def test_api_figures_are_for_staff_within_scope(client, shop_a, manager_a, supervisor, req_a, req_b):
    assert api(client, shop_a.login).get("/api/v1/requests/figures/").status_code == 403
    body = api(client, manager_a).get("/api/v1/requests/figures/", {"level": "department"}).json()
    assert [r["label"] for r in body["rows"]] == ["东城市场部"]
    assert body["total"]["requests"] == 1
    body = api(client, supervisor).get("/api/v1/requests/figures/", {"level": "department"}).json()
    assert sorted(r["label"] for r in body["rows"]) == ["东城市场部", "西城市场部"]
    assert api(client, supervisor).get("/api/v1/requests/figures/", {"level": "route"}).status_code == 400


def test_the_export_holds_a_managers_own_retailers_with_labels(client, manager_a, shop_a, shop_b, req_a, req_b):
    client.force_login(manager_a)
    fields = ("id", "retailer_code", "category", "status", "text")
    response = client.post(
        reverse("admin:service_requests_servicerequest_export"),
        {"format": "0", "resource": "0", **{f"servicerequestresource_{f}": "on" for f in fields}},
    )
    assert response.status_code == 200
    body = response.content.decode("utf-8-sig")
    assert shop_a.customer_code in body
    assert shop_b.customer_code not in body
    assert "价格" in body
    assert "待答复" in body
    assert ",price," not in body


def test_a_formula_in_a_request_is_exported_as_text(client, manager_a, shop_a):
    request_file(user=shop_a.login, category="other", text='=HYPERLINK("http://evil.example/","点我")')
    client.force_login(manager_a)
    response = client.post(
        reverse("admin:service_requests_servicerequest_export"),
        {"format": "0", "resource": "0", "servicerequestresource_text": "on"},
    )
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [row[0] for row in rows[1:]] == ['\'=HYPERLINK("http://evil.example/","点我")']  # behind an apostrophe
