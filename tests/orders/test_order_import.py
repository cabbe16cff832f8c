import datetime as dt
from decimal import Decimal

import pandas as pd
import pytest
from django.utils import translation

from core.exceptions import InvalidInput
from core.imports.base import import_table
from cycles.models import OrderCycle
from orders.models import Order
from pricing.models import ProductPrice
from tests.factories import ProductFactory, RetailerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalog():
    retailer = RetailerFactory(customer_code="R1")
    product = ProductFactory(code="P1", wholesale_price=Decimal("100.00"))
    ProductPrice.objects.create(
        product=product,
        effective_from=dt.date(2026, 1, 1),
        wholesale_price=Decimal("90.00"),
        retail_price=Decimal("105"),
    )
    ProductPrice.objects.create(
        product=product,
        effective_from=dt.date(2026, 11, 1),
        wholesale_price=Decimal("100.00"),
        retail_price=Decimal("115"),
    )
    return retailer, product


def test_orders_import_idempotent_with_amount_at_the_price_in_force(catalog):
    frame = pd.DataFrame(
        {
            "CYCLE": ["2026-10-2", None],
            "YEAR": [None, "2026"],
            "MONTH": [None, "11"],
            "WEEK_SEQ": [None, "4"],
            "CUST_CODE": ["R1", "R1"],
            "CIG_CODE": ["P1", "P1"],
            "QTY": ["3", "2"],
            "QUOTA": ["5", None],
        },
        index=[2, 3],
    )
    counts = import_table(kind="orders", frame=frame)
    assert (counts.created, counts.updated, counts.unchanged) == (2, 0, 0)
    october = Order.objects.get(cycle__month=10)
    november = Order.objects.get(cycle__month=11)
    assert (october.ordered_qty, october.quota, october.amount) == (3, 5, Decimal("270.00"))  # 3 × 90 in October
    assert (november.quota, november.amount) == (None, Decimal("200.00"))  # 2 × 100 after the price change
    assert OrderCycle.objects.count() == 2
    counts = import_table(kind="orders", frame=frame)
    assert (counts.created, counts.updated, counts.unchanged) == (0, 0, 2)
    frame.loc[3, "QTY"] = "4"
    counts = import_table(kind="orders", frame=frame)
    assert (counts.created, counts.updated, counts.unchanged) == (0, 1, 1)
    assert Order.objects.count() == 2
    assert Order.objects.get(cycle__month=11).ordered_qty == 4


def test_bad_order_rows_write_nothing(catalog):
    frame = pd.DataFrame(
        {
            "CYCLE": ["2026-12-5", "2026-11-4", "2026-11-4", "2026-11-4"],
            "CUST_CODE": ["R1", "NOPE", "R1", "R1"],
            "CIG_CODE": ["P1", "P1", "P1", "P1"],
            "QTY": ["1", "1", "-1", "2"],
        },
        index=[2, 3, 4, 5],
    )
    with pytest.raises(InvalidInput) as caught:
        import_table(kind="orders", frame=frame)
    with translation.override("en"):  # the reasons below in English
        found = {(e.row, e.column, str(e.reason)) for e in caught.value.errors}
    assert (2, "CYCLE", "no such order cycle (use 2026-11-4 or YEAR, MONTH, WEEK_SEQ)") in found
    assert (3, "CUST_CODE", "no retailer with this customer code") in found
    assert (4, "QTY", "below 0") in found
    assert (5, "CIG_CODE", "repeats row 4 (same cycle, retailer, product)") in found
    assert Order.objects.count() == 0
    assert OrderCycle.objects.count() == 0
