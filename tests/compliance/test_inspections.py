"""Recording an inspection: a bad line names row, column and reason, and nothing is written."""

import datetime as dt

import pytest

from compliance.engine.checks import figures
from compliance.inspections import inspection_record
from compliance.models import Inspection, InspectionLine
from compliance.selectors import inspection_checks
from core.exceptions import AccessDenied, InvalidInput
from pricing.models import Product, ProductPrice

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 11, 20)


@pytest.fixture
def products(db):
    made = []
    for code, price in [("P1", 200), ("P2", 100)]:
        product = Product.objects.create(code=code, name=code, wholesale_price=price * 0.88, retail_price=price)
        ProductPrice.objects.create(
            product=product, effective_from=dt.date(2026, 1, 1), wholesale_price=price * 0.8, retail_price=price - 10
        )
        ProductPrice.objects.create(
            product=product, effective_from=dt.date(2026, 11, 1), wholesale_price=price * 0.88, retail_price=price
        )
        made.append(product)
    return made


def test_recorded_lines_take_the_guide_price_in_force_that_day(manager_a, retailer_of_a, products):
    inspection = inspection_record(
        inspector=manager_a, retailer=retailer_of_a, visited_on=DAY, kind="open",
        lines=[
            {"product": "P1", "tag_present": True, "tag_price": "200", "price_carton": "200"},
            {"product": "P2", "tag_present": False, "price_pack": "11.50"},
        ],
    )  # fmt: skip
    lines = {line.product.code: line for line in inspection.lines.select_related("product")}
    assert lines["P1"].guide_price == 200
    assert lines["P2"].tag_price is None
    old = inspection_record(
        inspector=manager_a, retailer=retailer_of_a, visited_on=dt.date(2026, 10, 1), kind="covert",
        lines=[{"product": "P1", "tag_present": True, "tag_price": "190", "price_carton": "190"}],
    )  # fmt: skip
    assert old.lines.get().guide_price == 190  # the price list of that day


def test_a_bad_inspection_names_each_problem_and_writes_nothing(manager_a, retailer_of_a, products):
    with pytest.raises(InvalidInput) as caught:
        inspection_record(
            inspector=manager_a, retailer=retailer_of_a, visited_on=DAY, kind="open",
            lines=[
                {"product": "P1", "tag_present": True, "tag_price": "200", "price_carton": "200"},
                {"product": "NOPE", "tag_present": False},
                {"product": "P2", "tag_present": True, "tag_price": "-5"},
                {"product": "P2", "tag_present": True},
            ],
        )  # fmt: skip
    problems = {(e.row, e.column, e.reason) for e in caught.value.errors}
    assert (2, "product", "unknown product") in problems
    assert (3, "tag_price", "negative price") in problems
    assert (4, "product", "listed twice") in problems
    assert (4, "tag_price", "the tag is there: its price is needed") in problems
    assert not Inspection.objects.exists()
    assert not InspectionLine.objects.exists()


def test_only_the_retailers_own_manager_inspects(manager_b, retailer_of_a, products):
    with pytest.raises(AccessDenied):
        inspection_record(inspector=manager_b, retailer=retailer_of_a, visited_on=DAY, kind="open",
                          lines=[{"product": "P1", "tag_present": False}])  # fmt: skip
    assert not Inspection.objects.exists()


def test_the_retailers_compliance_follows_its_inspections(manager_a, retailer_of_a, products):
    inspection_record(
        inspector=manager_a, retailer=retailer_of_a, visited_on=DAY, kind="open",
        lines=[
            {"product": "P1", "tag_present": True, "tag_price": "200", "price_carton": "200"},
            {"product": "P2", "tag_present": True, "tag_price": "95", "price_carton": "95"},
        ],
    )  # fmt: skip
    out = figures(inspection_checks(InspectionLine.objects.all()), ["retailer"]).loc[retailer_of_a.pk]
    assert out["tag_rate"] == 0.5
    assert out["below_guide"] == 1


def test_a_visit_also_records_stock_counts_and_tag_photos(manager_a, retailer_of_a, products, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from stock.models import StockCount, StockSource

    settings.MEDIA_ROOT = tmp_path
    photo = SimpleUploadedFile("tag.jpg", b"\xff\xd8\xff\xe0 fake jpeg", content_type="image/jpeg")
    inspection = inspection_record(
        inspector=manager_a, retailer=retailer_of_a, visited_on=DAY, kind="open",
        lines=[
            {"product": "P1", "tag_present": True, "tag_price": "200", "stock": "7", "photo": photo},
            {"product": "P2", "tag_present": False, "stock": ""},
        ],
    )  # fmt: skip
    count = StockCount.objects.get()
    assert (count.retailer, count.product.code, count.cartons, count.counted_on) == (retailer_of_a, "P1", 7, DAY)
    assert (count.source, count.recorded_by) == (StockSource.MANAGER, manager_a)
    line = inspection.lines.get(product__code="P1")
    assert line.photo.name.startswith("inspections/")
    assert (tmp_path / line.photo.name).read_bytes() == b"\xff\xd8\xff\xe0 fake jpeg"


def test_a_bad_stock_count_or_photo_writes_nothing(manager_a, retailer_of_a, products, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from stock.models import StockCount

    settings.MEDIA_ROOT = tmp_path
    with pytest.raises(InvalidInput) as caught:
        inspection_record(
            inspector=manager_a, retailer=retailer_of_a, visited_on=DAY, kind="open",
            lines=[
                {"product": "P1", "tag_present": False, "stock": "-2"},
                {"product": "P2", "tag_present": False, "stock": "3",
                 "photo": SimpleUploadedFile("notes.txt", b"hello", content_type="text/plain")},
            ],
        )  # fmt: skip
    problems = {(e.row, e.column, e.reason) for e in caught.value.errors}
    assert (1, "stock", "a stock count cannot be negative") in problems
    assert (2, "photo", "not an image") in problems
    assert not Inspection.objects.exists()
    assert not StockCount.objects.exists()
    assert not list(tmp_path.rglob("*.*"))
