"""Who sees and sets which demand reports, per role: a retailer only its own (page and API), a customer
manager only their retailers' (admin and API), a supervisor all; the page in the reader's language."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from cycles.calendar import cycle_monday
from cycles.services import cycle_get_or_create
from demand.models import DemandReport
from orders.models import Order

pytestmark = pytest.mark.django_db


@pytest.fixture
def open_cycle(db):
    """The cycle two weeks ahead of the real today: open for reports (ordering opens in ≥ 7 days)."""
    return cycle_get_or_create(starts_on=cycle_monday(timezone.localdate()) + dt.timedelta(weeks=2))


@pytest.fixture
def reports(shop, other_shop, open_cycle, products):
    DemandReport.objects.create(cycle=open_cycle, retailer=shop, product=products[0], cartons=5)
    DemandReport.objects.create(cycle=open_cycle, retailer=other_shop, product=products[0], cartons=9)


def api(user):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def test_the_retailer_sees_its_own_form_prefilled_in_chinese(client, shop, open_cycle, products):
    last = open_cycle.starts_on - dt.timedelta(weeks=3)  # a past cycle (not open itself)
    Order.objects.create(
        cycle=cycle_get_or_create(starts_on=last), retailer=shop, product=products[1], ordered_qty=6, amount=600
    )
    client.force_login(shop.user)
    page = client.get(reverse("demand:report"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert f"{open_cycle.label} 周期需求填报" in page
    assert "您常订的规格" in page
    assert f'name="cartons_{products[1].pk}" value="6"' in page  # 6 cartons in its 1 ordering cycle
    assert f'name="cartons_{products[0].pk}"' in page  # on sale, blank
    assert f'name="cartons_{products[3].pk}"' not in page  # withdrawn


def test_the_retailer_saves_and_reads_back_only_its_own(client, shop, other_shop, open_cycle, products, reports):
    client.force_login(shop.user)
    response = client.post(
        reverse("demand:report"), {f"cartons_{products[0].pk}": "7", f"cartons_{products[1].pk}": "0"},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )  # fmt: skip
    assert response.status_code == 302
    assert dict(DemandReport.objects.filter(retailer=shop).values_list("product__code", "cartons")) == {
        "90000001": 7, "90000002": 0,
    }  # fmt: skip
    assert DemandReport.objects.get(retailer=other_shop).cartons == 9  # untouched
    page = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "已保存 2 种规格的需求" in page
    assert 'value="9"' not in page


def test_a_bad_value_comes_back_with_the_error_and_saves_nothing(client, shop, open_cycle, products):
    client.force_login(shop.user)
    response = client.post(
        reverse("demand:report"), {f"cartons_{products[0].pk}": "-2", f"cartons_{products[1].pk}": "1.5"},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )  # fmt: skip
    assert response.status_code == 200
    assert not DemandReport.objects.exists()
    assert "大于或等于0" in response.content.decode() or "大于等于 0" in response.content.decode()


def test_no_open_cycle_says_so_and_shows_the_last_report(client, shop, products):
    closed = cycle_get_or_create(starts_on=cycle_monday(timezone.localdate()))  # ordering has opened
    DemandReport.objects.create(cycle=closed, retailer=shop, product=products[2], cartons=3)
    client.force_login(shop.user)
    page = client.get(reverse("demand:report"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "目前没有可填报需求的周期" in page
    assert f"您在 {closed.label} 周期的填报" in page
    assert "云烟(紫)" in page


@pytest.mark.parametrize("who", ["manager_a", "supervisor"])
def test_staff_go_to_the_admin_and_strangers_are_refused(client, request, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("demand:report"))["Location"] == reverse("admin:index")


def test_anonymous_goes_to_login(client):
    response = client.get(reverse("demand:report"))
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_a_retailer_login_without_a_shop_is_refused(client, db):
    from accounts.models import Role
    from tests.factories import UserFactory

    client.force_login(UserFactory(role=Role.RETAILER, is_staff=False))
    assert client.get(reverse("demand:report")).status_code == 403


def test_api_the_retailer_reads_and_sets_its_own(shop, other_shop, open_cycle, products, reports):
    client = api(shop.user)
    got = client.get("/api/v1/me/demand/").json()
    assert (got["cycle"], got["is_open"]) == (open_cycle.label, True)
    mine = {line["product_code"]: line["reported"] for line in got["lines"]}
    assert mine == {"90000001": 5, "90000002": None, "90000003": None}
    posted = client.post(
        "/api/v1/me/demand/",
        {"cycle": open_cycle.label, "lines": [{"product_code": "90000002", "cartons": 4},
                                               {"product_code": "90000001", "cartons": None}]},
        format="json",
    )  # fmt: skip
    assert posted.status_code == 200
    assert {line["product_code"]: line["reported"] for line in posted.json()["lines"]} == {
        "90000001": None, "90000002": 4, "90000003": None,
    }  # fmt: skip
    assert DemandReport.objects.get(retailer=other_shop).cartons == 9


@pytest.mark.parametrize(
    ("lines", "status"),
    [
        ([{"product_code": "90000001", "cartons": -1}], 400),
        ([{"product_code": "90000001", "cartons": 2.5}], 400),
        ([{"product_code": "nope", "cartons": 1}], 400),
        ([{"product_code": "90000004", "cartons": 1}], 400),  # withdrawn
        ([{"product_code": "90000001", "cartons": 1}, {"product_code": "90000001", "cartons": 2}], 400),
        ([], 400),
    ],
)
def test_api_refuses_bad_reports(shop, open_cycle, products, lines, status):
    response = api(shop.user).post("/api/v1/me/demand/", {"lines": lines}, format="json")
    assert response.status_code == status
    assert "error" in response.json()
    assert not DemandReport.objects.exists()


def test_api_a_closed_cycle_is_read_but_refuses_changes(shop, products):
    closed = cycle_get_or_create(starts_on=cycle_monday(timezone.localdate()))
    client = api(shop.user)
    got = client.get(f"/api/v1/me/demand/?cycle={closed.label}", HTTP_ACCEPT_LANGUAGE="zh-hans").json()
    assert got["is_open"] is False
    assert got["closed_because"] == "ordering"
    assert "订货已开始" in got["message"]
    response = client.post(
        "/api/v1/me/demand/", {"cycle": closed.label, "lines": [{"product_code": "90000001", "cartons": 1}]},
        format="json",
    )  # fmt: skip
    assert response.status_code == 400


@pytest.mark.parametrize("who", ["manager_a", "supervisor", None])
def test_api_me_demand_is_for_retailers_only(request, who, products):
    user = request.getfixturevalue(who) if who else None
    assert api(user).get("/api/v1/me/demand/").status_code in (401, 403)


def test_api_list_a_manager_sees_only_their_retailers(manager_a, manager_b, supervisor, shop, other_shop, reports):
    def shops(user):
        return sorted(row["retailer"] for row in api(user).get("/api/v1/demand-reports/").json()["results"])

    assert shops(manager_a) == [shop.pk]
    assert shops(manager_b) == [other_shop.pk]
    assert shops(supervisor) == sorted([shop.pk, other_shop.pk])
    assert api(shop.user).get("/api/v1/demand-reports/").status_code == 403
    assert api(None).get("/api/v1/demand-reports/").status_code in (401, 403)


def test_api_list_filters_by_cycle_and_product(supervisor, open_cycle, reports):
    rows = api(supervisor).get(f"/api/v1/demand-reports/?cycle={open_cycle.label}&product=90000001").json()["results"]
    assert [(r["cycle"], r["product_code"], r["cartons"]) for r in rows] == [
        (open_cycle.label, "90000001", 5), (open_cycle.label, "90000001", 9),
    ]  # fmt: skip
    assert api(supervisor).get("/api/v1/demand-reports/?cycle=2020-1-1").status_code == 404


def test_admin_a_manager_lists_only_their_retailers_and_nobody_edits(
    client, manager_a, supervisor, shop, other_shop, reports
):
    url = reverse("admin:demand_demandreport_changelist")
    client.force_login(manager_a)
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert shop.customer_code in page
    assert other_shop.customer_code not in page
    mine = DemandReport.objects.get(retailer=shop)
    theirs = DemandReport.objects.get(retailer=other_shop)
    assert client.get(reverse("admin:demand_demandreport_change", args=[theirs.pk])).status_code in (302, 404)
    client.force_login(supervisor)
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert shop.customer_code in page
    assert other_shop.customer_code in page
    response = client.post(reverse("admin:demand_demandreport_change", args=[mine.pk]), {"cartons": 1})
    assert response.status_code == 403
    assert DemandReport.objects.get(pk=mine.pk).cartons == 5
    assert client.get(reverse("admin:demand_demandreport_add")).status_code == 403
    assert client.get(url, {"q": shop.customer_code}).status_code == 200
