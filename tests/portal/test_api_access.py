"""The API: token login, the retailer's own data, and every cross-access refused (403/404)."""

import pytest
from django.urls import reverse

from allocation.models import QuotaException
from allocation.selectors import published_allocation_run, retailer_quotas
from portal.selectors import current_cycle
from retailers.models import Retailer

pytestmark = pytest.mark.django_db


def token_for(client, shop) -> str:
    response = client.post(reverse("api-token"), {"username": shop.license_no, "password": shop.password})
    assert response.status_code == 200, response.content
    return response.json()["token"]


def test_token_login_then_own_quotas(client, shop, city):
    token = token_for(client, shop)
    body = client.get(reverse("api-me-quotas"), headers={"Authorization": f"Token {token}"}).json()
    cycle = current_cycle(city)
    assert body["cycle"] == cycle.label
    assert body["published"] is True
    assert body["cartons"] == sum(q["quota"] for q in body["quotas"]) > 0
    first = body["quotas"][0]
    assert first["reasons"]
    assert float(first["margin_per_carton"]) == pytest.approx(
        float(first["retail_price"]) - float(first["wholesale_price"])
    )
    me = client.get(reverse("api-me"), headers={"Authorization": f"Token {token}"}).json()
    assert me["license_no"] == shop.license_no


def test_bad_token_login_gets_one_error_body(client, shop):
    response = client.post(reverse("api-token"), {"username": shop.license_no, "password": "wrong"})
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["status"] == 400
    assert error["code"] == "invalid"
    assert error["message"]


def test_me_quotas_of_a_named_cycle_and_bad_cycle_values(client, shop, city):
    client.force_login(shop.user)
    cycle = current_cycle(city)
    assert client.get(reverse("api-me-quotas"), {"cycle": cycle.label}).json()["cycle"] == cycle.label
    bad = client.get(reverse("api-me-quotas"), {"cycle": "next week"})
    assert bad.status_code == 400
    assert "cycle" in bad.json()["error"]["fields"]
    assert client.get(reverse("api-me-quotas"), {"cycle": "1999-01-1"}).json()["error"]["code"] == "not_found"


@pytest.mark.parametrize(
    "name",
    ["api-retailers", "api-cycles", "api-supply-plans", "api-allocation-runs", "api-quota-exceptions"],
)
def test_a_retailer_gets_403_on_every_manager_endpoint(client, shop, name):
    client.force_login(shop.user)
    response = client.get(reverse(name))
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"


def test_a_retailer_cannot_read_another_retailer(client, shop, other_shop):
    client.force_login(shop.user)
    assert client.get(reverse("api-retailer", args=[other_shop.pk])).status_code == 403
    assert client.get(reverse("retailer-tier", args=[other_shop.pk])).status_code == 404
    assert client.get(reverse("api-quotas"), {"cycle": "x", "product": "y"}).status_code == 403


def test_managers_see_only_their_retailers(client, manager1, shop, other_shop, city):
    client.force_login(manager1)
    listed = client.get(reverse("api-retailers"), {"page_size": 500}).json()
    ids = {r["id"] for r in listed["results"]}
    assert shop.pk in ids
    assert other_shop.pk not in ids
    assert listed["count"] == Retailer.objects.filter(manager=manager1).count()
    assert client.get(reverse("api-retailer", args=[other_shop.pk])).status_code == 404
    assert client.get(reverse("retailer-tier", args=[other_shop.pk])).status_code == 404
    assert client.get(reverse("api-me-quotas")).status_code == 403  # not a retailer login
    # quotas per cycle and product: only the manager's retailers
    cycle = current_cycle(city)
    line = published_allocation_run(cycle).cycle.supply_plan.select_related("product").first()
    rows = client.get(
        reverse("api-quotas"), {"cycle": cycle.label, "product": line.product.code, "page_size": 1000}
    ).json()
    assert rows["count"] > 0
    mine = set(Retailer.objects.filter(manager=manager1).values_list("pk", flat=True))
    assert {r["retailer"] for r in rows["results"]} <= mine


def test_filters_and_search_on_the_retailer_list(client, manager1, shop):
    client.force_login(manager1)
    by_tier = client.get(reverse("api-retailers"), {"tier": shop.tier}).json()
    assert by_tier["results"]
    assert all(r["tier"] == shop.tier for r in by_tier["results"])
    found = client.get(reverse("api-retailers"), {"search": shop.license_no}).json()
    assert [r["id"] for r in found["results"]] == [shop.pk]


def test_only_a_supervisor_creates_exceptions_and_a_reason_is_required(client, manager1, shop, city):
    from django.contrib.auth import get_user_model

    cycle = current_cycle(city)
    code = next(iter(retailer_quotas(retailer=shop, cycle=cycle)))  # a product whose release reaches the shop
    product = cycle.supply_plan.get(product__code=code).product
    cycle.supply_plan.filter(product=product).update(allow_over=True)  # 9 cartons, whatever its target has left
    body = {"cycle": cycle.label, "product": product.code, "retailer": shop.pk, "quota": 9, "reason": "opening week"}
    client.force_login(manager1)
    assert client.post(reverse("api-quota-exceptions"), body, content_type="application/json").status_code == 403
    boss = get_user_model().objects.get(username="supervisor")
    client.force_login(boss)
    blank = client.post(reverse("api-quota-exceptions"), {**body, "reason": "  "}, content_type="application/json")
    assert blank.status_code == 400
    assert "reason" in blank.json()["error"]["fields"]
    created = client.post(reverse("api-quota-exceptions"), body, content_type="application/json")
    assert created.status_code == 201
    assert QuotaException.objects.get(retailer=shop, product=product).quota == 9
    client.force_login(manager1)
    listed = client.get(reverse("api-quota-exceptions")).json()
    assert [e["retailer"] for e in listed["results"]] == [shop.pk]
    client.force_login(shop.user)
    mine = client.get(reverse("api-me-quotas")).json()["quotas"]
    assert next(q for q in mine if q["product_code"] == product.code)["quota"] == 9


def test_anonymous_gets_401_or_403_everywhere(client):
    for name in ["api-me", "api-me-quotas", "api-retailers", "api-quota-exceptions"]:
        assert client.get(reverse(name)).status_code in (401, 403)


def test_a_password_reset_revokes_api_tokens_at_once_even_when_cached(client, shop, manager1):
    from retailers.logins import retailer_login_reset

    token = token_for(client, shop)
    headers = {"Authorization": f"Token {token}"}
    assert client.get(reverse("api-me"), headers=headers).status_code == 200  # now cached
    retailer_login_reset(retailer=shop, actor=manager1)
    assert client.get(reverse("api-me"), headers=headers).status_code in (401, 403)


def test_a_deactivated_login_is_refused_at_once(client, shop):
    client.force_login(shop.user)
    assert client.get(reverse("portal:home")).status_code == 200
    shop.user.is_active = False
    shop.user.save()
    assert client.get(reverse("portal:home")).status_code == 302  # back to the login page


def test_the_api_sheet_by_token_is_read_warm_in_one_cache_trip_and_an_exception_refreshes_it(
    client, shop, city, django_assert_max_num_queries, django_capture_on_commit_callbacks, cache_reads
):
    from django.contrib.auth import get_user_model

    from allocation.services import quota_exception_set

    token = token_for(client, shop)
    headers = {"Authorization": f"Token {token}"}
    url = reverse("api-me-quotas")
    first = client.get(url, headers=headers).json()
    cache_reads.clear()
    with django_assert_max_num_queries(0):
        assert client.get(url, headers=headers).json() == first
    assert [name for name, _keys in cache_reads] == ["get_many"]
    cycle = current_cycle(city)
    line = next(q for q in first["quotas"] if q["quota"] > 0)
    product = cycle.supply_plan.get(product__code=line["product_code"]).product
    cycle.supply_plan.filter(product=product).update(allow_over=True)  # 3 more, whatever its target has left
    boss = get_user_model().objects.get(username="supervisor")
    with django_capture_on_commit_callbacks(execute=True):
        quota_exception_set(
            cycle=cycle, product=product, retailer=shop, quota=line["quota"] + 3, reason="new shop", approver=boss
        )
    after = {q["product_code"]: q for q in client.get(url, headers=headers).json()["quotas"]}
    assert after[line["product_code"]]["quota"] == line["quota"] + 3
    assert client.get(url, headers={"Authorization": "Token not-a-token"}).status_code in (401, 403)
