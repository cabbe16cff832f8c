"""Every API error reads in the request's language (tester 2026-11-27: a Chinese request got "No Retailer
matches the given query." from `get_object_or_404` and "cycle: required; product: required"). A 404 names
the record in words, a missing parameter is asked for by its label, and a field's error names the field in
words (core.api.exception_handler, core.params.required)."""

import pytest
from django.urls import reverse

from accounts.models import Role
from cycles.models import OrderCycle
from tests.factories import ProductFactory, UserFactory
from tests.words import EN, ZH

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("language_restored")]


def _error(response, status: int) -> dict:
    assert response.status_code == status, response.content
    return response.json()["error"]


@pytest.mark.parametrize(
    ("headers", "words"), [(ZH, "找不到该零售户。"), (EN, "No such retailer.")]
)  # fmt: skip
def test_a_record_not_found_is_named_in_words(client, supervisor, headers, words):
    client.force_login(supervisor)
    error = _error(client.get(reverse("api-retailer", args=[999999]), **headers), 404)
    assert error["message"] == words
    assert error["code"] == "not_found"


def test_missing_parameters_are_asked_for_by_their_labels(client, supervisor):
    client.force_login(supervisor)
    zh = _error(client.get(reverse("api-quotas"), **ZH), 400)
    assert zh["fields"] == {"cycle": ["请填写订货周期。"], "product": ["请填写卷烟编码。"]}
    assert zh["message"] == "请填写订货周期。；请填写卷烟编码。"
    assert "required" not in zh["message"]
    en = _error(client.get(reverse("api-quotas"), {"cycle": "2026-11-4"}, **EN), 400)
    assert en["fields"] == {"product": ["Product code is required."]}


def test_a_product_outside_the_plan_and_a_fields_error_read_in_chinese(client, supervisor):
    OrderCycle.objects.create(
        year=2026,
        month=11,
        week_seq=4,
        starts_on="2026-11-23",
        ends_on="2026-11-29",
        order_opens_on="2026-11-20",
        order_closes_on="2026-11-22",
    )
    product = ProductFactory(code="91000009")
    client.force_login(supervisor)
    error = _error(client.get(reverse("api-quotas"), {"cycle": "2026-11-4", "product": product.code}, **ZH), 404)
    assert error["message"] == "卷烟 91000009 不在 2026-11-4 周期的货源投放计划中。"
    refused = _error(client.post(reverse("api-quota-exceptions"), {"quota": 3}, **ZH), 400)
    assert "订货周期：" in refused["message"]  # the field in words, not "cycle:"
    assert "cycle:" not in refused["message"]
    assert "该字段是必填项" in refused["message"]


def test_refusals_of_a_role_and_a_login_without_a_shop_read_in_chinese(client):
    login = UserFactory(username="420302100077", role=Role.RETAILER, is_staff=False)
    client.force_login(login)
    assert _error(client.get(reverse("api-retailers"), **ZH), 403)["message"] == "只有客户经理和主管可以使用此功能。"
    assert _error(client.get(reverse("api-me-tier"), **ZH), 404)["message"] == "此账号没有对应的零售户。"
    assert _error(client.get(reverse("api-me-surveys"), **ZH), 404)["message"] == "此账号没有对应的零售户。"
    english = _error(client.get(reverse("api-retailers"), **EN), 403)["message"]
    assert english == "Only customer managers and supervisors may use this."
