"""A list filter on a field of fixed choices offers only the choices the user's own rows have (issue 19):
a customer manager whose retailers are all urban is not offered "Rural network"; a supervisor is offered
the values of every row, by their labels, in the choices' order. A table of a row per retailer and
product (orders) offers a supervisor every choice without scanning it."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from cycles.services import cycle_get_or_create
from orders.models import Order
from pricing.models import PriceClass
from tests.factories import ProductFactory, RetailerFactory
from tests.words import EN

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("language_restored")]

RETAILERS = "admin:retailers_retailer_changelist"


@pytest.fixture
def shops(manager_a, manager_b):
    ours = [
        RetailerFactory(manager=manager_a, market_type="urban", business_format="S", credit_rating="AA"),
        RetailerFactory(manager=manager_a, market_type="urban", business_format="Z", credit_rating="AA"),
    ]
    theirs = RetailerFactory(
        manager=manager_b, market_type="rural", business_format="B", credit_rating="C", order_cycle_kind="biweekly",
        order_week_parity="odd",
    )  # fmt: skip
    return ours, theirs


def _offered(client, name: str, path: str, query: dict | None = None) -> list[str]:
    """The choices a list's filter on `path` offers, by their words, in the order shown ("All" left out)."""
    response = client.get(reverse(name), query or {}, **EN)
    assert response.status_code == 200
    changelist = response.context["cl"]
    spec = next((s for s in changelist.filter_specs if getattr(s, "field_path", None) == path), None)
    if spec is None or not spec.has_output():
        return []
    return [str(choice["display"]) for choice in spec.choices(changelist)][1:]


def test_a_manager_is_offered_only_the_choices_of_their_own_retailers(client, manager_a, shops):
    client.force_login(manager_a)
    assert _offered(client, RETAILERS, "market_type") == ["Urban network"]
    assert _offered(client, RETAILERS, "business_format") == ["Convenience store", "Supermarket"]  # choices' order
    assert _offered(client, RETAILERS, "credit_rating") == ["AA"]
    assert _offered(client, RETAILERS, "order_cycle_kind") == ["Weekly"]
    page = client.get(reverse(RETAILERS), **EN).content.decode()
    assert "Rural network" not in page
    assert "Shopping mall" not in page
    # a choice asked for in the address stays offered, shown chosen (it finds nothing of theirs)
    asked = _offered(client, RETAILERS, "market_type", {"market_type__exact": "rural"})
    assert asked == ["Urban network", "Rural network"]


def test_a_supervisor_is_offered_the_values_of_every_row(client, supervisor, shops):
    client.force_login(supervisor)
    assert _offered(client, RETAILERS, "market_type") == ["Urban network", "Rural network"]
    assert _offered(client, RETAILERS, "business_format") == ["Convenience store", "Grocery", "Supermarket"]
    assert _offered(client, RETAILERS, "credit_rating") == ["AA", "C"]
    assert _offered(client, RETAILERS, "order_cycle_kind") == ["Weekly", "Biweekly"]


def test_a_big_tables_filter_offers_a_supervisor_every_choice_and_a_manager_their_own(
    client, supervisor, manager_a, shops
):
    ours, theirs = shops
    cycle = cycle_get_or_create(starts_on=dt.date(2026, 11, 2))
    for shop, price_class in ((ours[0], PriceClass.II), (theirs, PriceClass.IV)):
        product = ProductFactory(price_class=price_class)
        Order.objects.create(cycle=cycle, retailer=shop, product=product, ordered_qty=3, amount=Decimal("300.00"))
    orders = "admin:orders_order_changelist"
    client.force_login(manager_a)
    assert _offered(client, orders, "product__price_class") == ["Class II"]
    client.force_login(supervisor)  # every choice, without scanning the orders
    assert _offered(client, orders, "product__price_class") == [str(label) for _value, label in PriceClass.choices]
