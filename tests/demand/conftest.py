import datetime as dt

import pytest

from accounts.models import Role
from cycles.services import cycle_get_or_create
from pricing.models import Lifecycle
from tests.factories import ProductFactory, RetailerFactory, UserFactory

TODAY = dt.date(2026, 11, 18)  # a Wednesday: cycle 2026-11-4 starts Monday 11-23, ordering opens Saturday 11-21


@pytest.fixture
def today():
    return TODAY


@pytest.fixture
def cycle(db):
    return cycle_get_or_create(starts_on=dt.date(2026, 11, 23))


@pytest.fixture
def products(db):
    """Three products on sale (one new) and one withdrawn, by code 90000001…90000004."""
    return [
        ProductFactory(code="90000001", name="红塔山(经典)"),
        ProductFactory(code="90000002", name="玉溪(软)"),
        ProductFactory(code="90000003", name="云烟(紫)", lifecycle=Lifecycle.NEW),
        ProductFactory(code="90000004", name="老规格", lifecycle=Lifecycle.WITHDRAWN),
    ]


def _shop(manager, name):
    user = UserFactory(username=name, role=Role.RETAILER, is_staff=False)
    return RetailerFactory(manager=manager, user=user, tier=12)


@pytest.fixture
def shop(manager_a):
    """manager_a's retailer, with a login."""
    return _shop(manager_a, "L-shop-a")


@pytest.fixture
def other_shop(manager_b):
    """manager_b's retailer, with a login."""
    return _shop(manager_b, "L-shop-b")
