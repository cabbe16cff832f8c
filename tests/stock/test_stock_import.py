"""Stock counts from POS data: every row checked first, a re-import replaces the day's count, and
tonight's advice starts from the imported count."""

import datetime as dt

import pandas as pd
import pytest
from django.utils import timezone, translation

from core.exceptions import InvalidInput
from core.imports.base import import_table
from inventory.services import advice_inputs
from stock.models import StockCount, StockSource
from tests.factories import ProductFactory, RetailerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def shops():
    return RetailerFactory(customer_code="R1"), ProductFactory(code="P1"), ProductFactory(code="P2")


def test_pos_counts_are_imported_and_reimported_idempotently(shops):
    retailer, p1, p2 = shops
    day = timezone.localdate() - dt.timedelta(days=1)
    frame = pd.DataFrame(
        {
            "CUST_CODE": ["R1", "R1"],
            "CIG_CODE": ["P1", "P2"],
            "库存量": ["7", "0"],
            "COUNT_DATE": [day.isoformat(), None],
        },
        index=[2, 3],
    )
    counts = import_table(kind="stock", frame=frame)
    assert (counts.created, counts.updated, counts.unchanged) == (2, 0, 0)
    first = StockCount.objects.get(product=p1)
    assert (first.cartons, first.counted_on, first.source) == (7, day, StockSource.POS)
    assert StockCount.objects.get(product=p2).counted_on == timezone.localdate()  # no date: the day of the import
    assert import_table(kind="stock", frame=frame).unchanged == 2
    frame.loc[2, "库存量"] = "5"
    counts = import_table(kind="stock", frame=frame)
    assert (counts.created, counts.updated, counts.unchanged) == (0, 1, 1)
    assert list(StockCount.objects.filter(product=p1).values_list("cartons", flat=True)) == [5]
    inputs = advice_inputs(today=timezone.localdate()).set_index(["retailer", "product"])
    assert inputs.loc[(retailer.pk, p1.pk), "stock"] == 5  # yesterday's POS count, carried one day
    assert inputs.loc[(retailer.pk, p1.pk), "count_age_days"] == 1
    assert inputs.loc[(retailer.pk, p2.pk), "stock"] == 0  # today's POS count
    assert not inputs.loc[(retailer.pk, p2.pk), "stock_is_estimate"]


def test_bad_stock_rows_name_row_column_and_reason_and_write_nothing(shops):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    frame = pd.DataFrame(
        {
            "CUST_CODE": ["R1", "NOPE", "R1", "R1", "R1"],
            "CIG_CODE": ["P1", "P1", "P9", "P2", "P1"],
            "STOCK_QTY": ["3", "1", "1", "-2", "4"],
            "COUNT_DATE": [None, None, None, tomorrow.isoformat(), None],
        },
        index=[2, 3, 4, 5, 6],
    )
    with pytest.raises(InvalidInput) as caught:
        import_table(kind="stock", frame=frame)
    with translation.override("en"):  # the reasons below in English
        found = {(e.row, e.column, str(e.reason)) for e in caught.value.errors}
    assert (3, "CUST_CODE", "no retailer with this customer code") in found
    assert (4, "CIG_CODE", "no product with this code") in found
    assert (5, "STOCK_QTY", "below 0") in found
    assert (5, "COUNT_DATE", "a count cannot be in the future") in found
    assert (6, "CIG_CODE", "repeats row 2 (same retailer, product, day)") in found
    assert not StockCount.objects.exists()
