import datetime as dt
from decimal import Decimal

import pandas as pd
import pytest
from django.core.management import call_command
from django.utils import translation

from core.exceptions import InvalidInput
from core.imports.base import import_table
from pricing.engine.classes import Band, ClassRule, price_band_of, price_class_of
from pricing.models import PriceClassRule, Product, ProductPrice
from pricing.services import products_refresh_prices

pytestmark = pytest.mark.django_db


def test_sample_products_import_with_classes_and_bands(samples, capsys):
    call_command("import_data", "products", str(samples / "products.xlsx"))
    assert Product.objects.count() == 13
    dearest = Product.objects.get(code="91000008")
    assert (dearest.name, dearest.brand) == ("红岭(精品)", "红岭")
    assert (dearest.wholesale_price, dearest.retail_price) == (Decimal("610.50"), Decimal("700.00"))
    assert dearest.price_band.label == "≥600"
    assert dearest.price_class == "I"
    cheapest = Product.objects.get(code="91000013")
    assert cheapest.price_band.label == "<109"
    assert cheapest.price_class == "III"  # 63.6 wholesale, no allocation price known
    assert ProductPrice.objects.count() == 13
    call_command("import_data", "products", str(samples / "products.xlsx"))
    assert capsys.readouterr().out.strip().splitlines()[-1] == "13 rows: 0 created, 0 updated, 13 unchanged"
    assert ProductPrice.objects.count() == 13


def test_new_price_from_a_date_keeps_history(db):
    frame = pd.DataFrame(
        {
            "CIG_CODE": ["1"],
            "CIG_NAME": ["甲(软)"],
            "WHOLESALE_PRICE": ["100"],
            "RETAIL_PRICE": ["115"],
            "EFFECTIVE_FROM": ["2026-01-01"],
        },
        index=[2],
    )
    import_table(kind="products", frame=frame)
    later = frame.assign(WHOLESALE_PRICE="120", RETAIL_PRICE="140", EFFECTIVE_FROM="2026-06-01")
    counts = import_table(kind="products", frame=later)
    assert counts.updated == 1
    product = Product.objects.get(code="1")
    assert product.prices.count() == 2
    assert product.wholesale_price == Decimal("120.00")  # in force today
    products_refresh_prices(on=dt.date(2026, 3, 1))
    product.refresh_from_db()
    assert product.wholesale_price == Decimal("100.00")


def test_bad_prices_are_named(db):
    frame = pd.DataFrame(
        {
            "CIG_CODE": ["1", "2", "3"],
            "CIG_NAME": ["a", "b", "c"],
            "WHOLESALE_PRICE": ["100", "-5", "abc"],
            "RETAIL_PRICE": ["90", "10", "10"],
        },
        index=[2, 3, 4],
    )
    with pytest.raises(InvalidInput) as caught:
        import_table(kind="products", frame=frame)
    with translation.override("en"):  # the reasons below in English
        found = {(e.row, e.column, str(e.reason)) for e in caught.value.errors}
    assert found == {
        (2, "RETAIL_PRICE", "retail price below wholesale price"),
        (3, "WHOLESALE_PRICE", "must be greater than 0"),
        (4, "WHOLESALE_PRICE", "not a number"),
    }
    assert Product.objects.count() == 0


def test_price_class_prefers_allocation_price_and_config_changes_apply(db):
    rules = [
        ClassRule("I", Decimal(100), Decimal(150)),
        ClassRule("II", Decimal(70), Decimal(105)),
        ClassRule("V", Decimal(0), Decimal(0)),
    ]
    assert price_class_of(wholesale_price=Decimal(120), allocation_price=Decimal(101), rules=rules) == "I"
    assert price_class_of(wholesale_price=Decimal(120), allocation_price=None, rules=rules) == "II"
    assert price_class_of(wholesale_price=Decimal(10), allocation_price=None, rules=rules) == "V"
    bands = [Band(1, "hi", Decimal(600)), Band(2, "lo", Decimal(109))]
    assert price_band_of(wholesale_price=Decimal(600), bands=bands) == 1
    assert price_band_of(wholesale_price=Decimal(108.99), bands=bands) is None
    frame = pd.DataFrame(
        {"CIG_CODE": ["1"], "CIG_NAME": ["a"], "WHOLESALE_PRICE": ["120"], "RETAIL_PRICE": ["140"]}, index=[2]
    )
    import_table(kind="products", frame=frame)
    assert Product.objects.get().price_class == "II"
    PriceClassRule.objects.filter(price_class="I").update(min_wholesale_price=Decimal(110))
    products_refresh_prices()
    assert Product.objects.get().price_class == "I"
