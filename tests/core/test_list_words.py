"""Admin list columns and filters in words (issue 19, core.admin_lists and core.display): a tier as D30,
a customer manager by full name (sorted 2 before 10), figures with thousands separators and units."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.utils import translation

from accounts.models import Role
from core.display import CARTONS, PERCENT, POINTS, YUAN, figure, natural_key, person_name, tier_text
from cycles.services import cycle_get_or_create
from orders.models import Order
from tests.core.test_no_codes import visible_text
from tests.factories import ProductFactory, RetailerFactory, UserFactory


@pytest.mark.parametrize(
    ("value", "unit", "zh", "en"),
    [
        (1234, CARTONS, "1,234 条", "1,234 cartons"),
        (Decimal("12345.6"), YUAN, "12,345.60 元", "12,345.60 yuan"),
        (0.125, PERCENT, "12.5%", "12.5%"),
        (1234567.891, "number", "1,234,567.89", "1,234,567.89"),
        (3.0, CARTONS, "3 条", "3 cartons"),
        (72, POINTS, "72 分", "72 points"),
        (None, YUAN, "—", "—"),
    ],
)
def test_figure_golden(value, unit, zh, en):
    with translation.override("zh-hans"):
        assert figure(value, unit) == zh
    with translation.override("en"):
        assert figure(value, unit) == en


def test_tier_person_and_natural_order(db):
    assert (tier_text(30), tier_text(None)) == ("D30", "—")
    named = UserFactory(username="mgr_x", first_name="张伟")
    assert person_name(named) == "张伟"
    assert person_name(UserFactory(username="nameless")) == "nameless"
    assert sorted(["经理10", "经理2", "经理1"], key=natural_key) == ["经理1", "经理2", "经理10"]


@pytest.fixture
def lists(db):
    boss = UserFactory(username="boss", role=Role.SUPERVISOR, is_superuser=True)
    managers = [UserFactory(username=f"manager{n}", first_name=f"经理{n}") for n in (10, 2)]
    shops = [RetailerFactory(tier=30, manager=managers[0]), RetailerFactory(tier=7, manager=managers[1])]
    cycle = cycle_get_or_create(starts_on=dt.date(2026, 11, 2))
    Order.objects.create(
        cycle=cycle,
        retailer=shops[0],
        product=ProductFactory(),
        ordered_qty=1234,
        quota=2000,
        amount=Decimal("12345.60"),
    )
    return boss


def _page(client, url):
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200
    return visible_text(response.content.decode())


def test_retailer_list_shows_tiers_and_managers_in_words(client, lists):
    client.force_login(lists)
    nodes = _page(client, "/admin/retailers/retailer/")
    assert "D30" in nodes
    assert "D7" in nodes
    assert "30" not in nodes
    assert "7" not in nodes
    assert not [n for n in nodes if re.search(r"\bmanager\d+\b", n)]  # never a login
    assert "经理2" in nodes
    assert "经理10" in nodes
    filters = nodes[len(nodes) - 1 - nodes[::-1].index("D30") - 1 :]  # the filters follow the rows
    assert filters.index("D7") < filters.index("D30")  # tiers in tier order
    assert filters.index("经理2") < filters.index("经理10")  # people in natural order


def test_order_list_shows_figures_with_units(client, lists):
    client.force_login(lists)
    nodes = _page(client, "/admin/orders/order/")
    assert "1,234 条" in nodes
    assert "2,000 条" in nodes
    assert "12,345.60 元" in nodes
    assert not [n for n in nodes if n in {"1234", "12345.60", "12345.6"}]
