"""Error answers in the reader's language, never Django's bare English "Not Found" (tester 2026-11-28,
DEBUG off): the API answers its own JSON error body, the phone and admin pages a short page in the phone
frame's style with a link back (core.errors; templates/400.html … 500.html). A refusal raised with words
shows them; a retailer's login name already taken is said on the login page, not a blank 403."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client, RequestFactory
from django.urls import reverse

from accounts.models import Role
from core import errors
from tests.factories import RetailerFactory, UserFactory
from tests.words import EN, ZH, shown

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("language_restored")]


@pytest.fixture
def language_restored():
    from django.utils import translation

    yield
    translation.activate("zh-hans")


def _page(response, status: int) -> str:
    assert response.status_code == status, response.status_code
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert 'href="/"' in page  # back to the start
    return shown(response.content)


def test_a_page_not_found_reads_in_the_readers_language(client):
    page = _page(client.get("/m/nosuch/", **ZH), 404)
    assert "没有这个页面" in page
    assert "返回首页" in page
    assert "Not Found" not in page
    assert "There is no such page" in _page(client.get("/m/nosuch/", **EN), 404)


def test_the_admins_page_not_found_reads_in_the_readers_language(client, supervisor):
    client.force_login(supervisor)
    assert "没有这个页面" in _page(client.get("/admin/nosuch/", **ZH), 404)


def test_the_api_answers_an_unknown_address_in_its_json_error_body(client, supervisor):
    for user in (None, supervisor):
        if user is not None:
            client.force_login(user)
        response = client.get("/api/v1/nosuch/", **ZH)
        assert response.status_code == 404
        assert response["Content-Type"] == "application/json"
        assert response.json() == {
            "error": {"status": 404, "code": "not_found", "message": "此地址没有内容：请检查接口路径。", "fields": {}}
        }
    english = client.get("/api/v1/nosuch/", **EN).json()["error"]["message"]
    assert english == "There is nothing at this address."


def test_a_refusal_page_shows_the_words_it_was_raised_with():
    request = RequestFactory().get("/m/inspections/1/")
    page = _page(errors.permission_denied(request, PermissionDenied("这家零售户不归您服务。")), 403)
    assert "这家零售户不归您服务。" in page
    assert "您无权打开此页面" in page
    plain = _page(errors.permission_denied(request, PermissionDenied()), 403)
    assert "您无权打开此页面" in plain
    api = errors.permission_denied(RequestFactory().get("/api/v1/me/"), PermissionDenied("不可以。"))
    assert api.status_code == 403
    assert b'"message": "\xe4\xb8\x8d\xe5\x8f\xaf\xe4\xbb\xa5\xe3\x80\x82"' in api.content


def test_a_retailer_opening_a_managers_page_gets_the_refusal_page(client):
    shop = RetailerFactory(license_no="420100000077")
    shop.user = UserFactory(username=shop.license_no, role=Role.RETAILER, is_staff=False)
    shop.save(update_fields=["user"])
    client.force_login(shop.user)
    assert "您无权打开此页面" in _page(client.get(reverse("inspections:retailers"), **ZH), 403)


def test_a_server_error_is_a_page_or_the_apis_body_in_the_readers_language(monkeypatch, supervisor):
    from cycles import apis as cycle_apis

    def broken(*args, **kwargs):
        raise RuntimeError("a fault")

    monkeypatch.setattr(cycle_apis.OrderCycleListApi, "get", broken)
    client = Client(raise_request_exception=False)
    client.force_login(supervisor)
    response = client.get(reverse("api-cycles"), **ZH)
    assert response.status_code == 500
    assert response.json()["error"] == {
        "status": 500, "code": "server_error", "message": "系统出错了，请稍后再试。", "fields": {},
    }  # fmt: skip
    monkeypatch.setattr("portal.views.redirect", broken)  # the front door fails
    page = _page(client.get(reverse("entry"), **ZH), 500)
    assert "系统出错了" in page
    assert "Server Error" not in page
    assert "Something went wrong on our side" in _page(client.get(reverse("entry"), **EN), 500)


def test_a_login_name_taken_is_said_on_the_login_page(client, supervisor):
    shop = RetailerFactory(license_no="420100000088")
    UserFactory(username="420100000088", role=Role.RETAILER)  # the name its login would take
    client.force_login(supervisor)
    url = reverse("admin:retailers_retailer_login_reset", args=[shop.pk])
    response = client.post(url, **ZH)
    assert response.status_code == 200
    assert "登录名 420100000088 已被其他用户占用。" in response.content.decode()
    shop.refresh_from_db()
    assert shop.user_id is None
