"""Recording an inspection: only the products checked are lines; a bad line names row, column and
reason (in the active language), and nothing is written."""

import datetime as dt
import io

import pytest
from django.utils import translation
from PIL import Image

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
    with translation.override("en"), pytest.raises(InvalidInput) as caught:
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
    assert (2, "product", "Unknown product.") in problems
    assert (3, "tag_price", "A price cannot be negative.") in problems
    assert (4, "product", "This product is listed twice.") in problems
    assert (4, "tag_price", "The tag is there: enter the price on it.") in problems
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
    jpeg = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(jpeg, "JPEG")  # a real picture: the photo is read, not trusted
    photo = SimpleUploadedFile("tag.jpg", jpeg.getvalue(), content_type="image/jpeg")
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
    assert (tmp_path / line.photo.name).read_bytes() == jpeg.getvalue()


def test_a_bad_stock_count_or_photo_writes_nothing(manager_a, retailer_of_a, products, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from stock.models import StockCount

    settings.MEDIA_ROOT = tmp_path
    with translation.override("en"), pytest.raises(InvalidInput) as caught:
        inspection_record(
            inspector=manager_a, retailer=retailer_of_a, visited_on=DAY, kind="open",
            lines=[
                {"product": "P1", "tag_present": False, "stock": "-2"},
                {"product": "P2", "tag_present": False, "stock": "3",
                 "photo": SimpleUploadedFile("notes.txt", b"hello", content_type="text/plain")},
            ],
        )  # fmt: skip
    problems = {(e.row, e.column, e.reason) for e in caught.value.errors}
    assert (1, "stock", "A stock count cannot be negative.") in problems
    assert (2, "photo", "This file is not a picture.") in problems
    assert not Inspection.objects.exists()
    assert not StockCount.objects.exists()
    assert not list(tmp_path.rglob("*.*"))


# Golden cases: a visit's list of five products P1–P5, each with a guide price of 100 yuan a carton.


@pytest.fixture
def five(db):
    made = []
    for n in range(1, 6):
        product = Product.objects.create(code=f"P{n}", name=f"P{n}", wholesale_price=88, retail_price=100)
        ProductPrice.objects.create(
            product=product, effective_from=dt.date(2026, 1, 1), wholesale_price=88, retail_price=100
        )
        made.append(product)
    return made


def _not_checked(*codes):
    return [{"product": c, "checked": False, "tag_present": False} for c in codes]


def test_a_blank_inspection_is_refused_and_stores_nothing(manager_a, retailer_of_a, five):
    from compliance.selectors import repeat_violator_ids
    from compliance.services import compliance_standing_refresh
    from stock.models import StockCount

    # Nothing checked on the list of five (before: 5 violations, a 0% tag rate, "nan"; two such visits
    # made a repeat violator). Twice, so a repeat could not slip in either.
    for day in (DAY, DAY + dt.timedelta(days=7)):
        with translation.override("en"), pytest.raises(InvalidInput) as caught:
            inspection_record(
                inspector=manager_a, retailer=retailer_of_a, visited_on=day, kind="open",
                lines=_not_checked("P1", "P2", "P3", "P4", "P5"),
            )  # fmt: skip
        assert [(e.row, e.column) for e in caught.value.errors] == [(0, "lines")]
        assert "Nothing was checked" in caught.value.errors[0].reason
    with pytest.raises(InvalidInput):
        inspection_record(inspector=manager_a, retailer=retailer_of_a, visited_on=DAY, kind="open", lines=[])
    # A stock count alone is no inspection either: refused, and the count is not kept.
    with pytest.raises(InvalidInput):
        inspection_record(
            inspector=manager_a, retailer=retailer_of_a, visited_on=DAY, kind="open",
            lines=[{**_not_checked("P1")[0], "stock": "4"}],
        )  # fmt: skip
    assert (Inspection.objects.count(), InspectionLine.objects.count(), StockCount.objects.count()) == (0, 0, 0)
    assert compliance_standing_refresh(today=DAY + dt.timedelta(days=7)) == {"retailers": 0, "repeat_violators": 0}
    assert repeat_violator_ids() == []


def test_a_partial_inspection_records_only_what_was_checked(manager_a, retailer_of_a, five):
    from compliance.models import ComplianceStanding
    from compliance.selectors import repeat_violator_ids
    from compliance.services import compliance_standing_refresh
    from stock.models import StockCount

    # Visit 1 checks 2 of 5: P1 right tag, charged 100; P2 no tag, charged 110 (a violation: no tag).
    # P3 not checked but its stock counted (7 cartons); P4, P5 not checked.
    first = inspection_record(
        inspector=manager_a, retailer=retailer_of_a, visited_on=DAY, kind="open",
        lines=[
            {"product": "P1", "checked": True, "tag_present": True, "tag_price": "100", "price_carton": "100"},
            {"product": "P2", "checked": True, "tag_present": False, "price_carton": "110"},
            {**_not_checked("P3")[0], "stock": "7"},
            *_not_checked("P4", "P5"),
        ],
    )  # fmt: skip
    assert sorted(first.lines.values_list("product__code", flat=True)) == ["P1", "P2"]
    assert StockCount.objects.get().cartons == 7  # a count is kept whether or not the tag was checked
    out = figures(inspection_checks(InspectionLine.objects.all()), ["retailer"]).loc[retailer_of_a.pk]
    # on display 2 (not 5); correct tags 1 → tag rate 1/2 = 0.5; violations 1 (P2's missing tag);
    # price on target (100/100 + 110/100) / 2 = (1.0 + 1.1) / 2 = 1.05; above guide 1 (P2).
    assert (out["on_display"], out["correct_tags"], out["violations"], out["above_guide"]) == (2, 1, 1, 1)
    assert out["tag_rate"] == 0.5
    assert out["price_on_target"] == pytest.approx(1.05)

    # Visit 2 checks 1 of 5, all right; the four others not checked, which is no violation.
    inspection_record(
        inspector=manager_a, retailer=retailer_of_a, visited_on=DAY + dt.timedelta(days=7), kind="covert",
        lines=[
            *_not_checked("P1", "P2", "P3", "P4"),
            {"product": "P5", "tag_present": True, "tag_price": "100", "price_carton": "100"},
        ],
    )  # fmt: skip
    compliance_standing_refresh(today=DAY + dt.timedelta(days=7))
    standing = ComplianceStanding.objects.get(retailer=retailer_of_a)
    # inspections 2; with a violation 1 (visit 1) < 2 → not a repeat violator (before: 2, as every
    # unticked product was a violation). Lines 2 + 1 = 3, compliant 1 + 1 = 2 → rate 2/3.
    assert (standing.inspections, standing.violating_inspections, standing.lines, standing.compliant_lines) == (
        2, 1, 3, 2,
    )  # fmt: skip
    assert standing.compliance_rate == pytest.approx(2 / 3)
    assert standing.repeat_violator is False
    assert repeat_violator_ids() == []


def test_an_inspection_with_errors_names_each_field_in_the_pages_language(manager_a, retailer_of_a, five):
    lines = [
        {"product": "P1", "tag_present": True, "tag_price": "100", "price_carton": "-5"},  # negative
        {"product": "P2", "checked": False, "price_carton": "230"},  # a price, but the tag not looked at
        {"product": "P3", "tag_present": True, "tag_price": ""},  # tag there, its price missing
        {"product": "P4", "tag_present": False, "price_pack": "abc"},  # not a number
        {"product": "P5", "tag_present": False, "price_carton": "nan", "price_pack": "¥1,050.5元"},  # NaN is no price
    ]
    with pytest.raises(InvalidInput) as caught:
        inspection_record(inspector=manager_a, retailer=retailer_of_a, visited_on=DAY, kind="open", lines=lines)
    problems = {(e.row, e.column): e.reason for e in caught.value.errors}
    assert problems == {
        (1, "price_carton"): "价格不能为负数。",
        (2, "tag"): "请选择“有价签”或“无价签”，或清空该品规的价格和照片。",
        (3, "tag_price"): "有价签：请填写价签上的价格。",
        (4, "price_pack"): "请输入以元为单位的价格，例如 230 或 23.50。",
        (5, "price_carton"): "请输入以元为单位的价格，例如 230 或 23.50。",
    }  # "¥1,050.5元" is read as 1050.50 yuan: no problem of its own (too high for a pack, but a price)
    with translation.override("en"), pytest.raises(InvalidInput) as caught:
        inspection_record(inspector=manager_a, retailer=retailer_of_a, visited_on=DAY, kind="sneaky", lines=lines)
    english = {(e.row, e.column): e.reason for e in caught.value.errors}
    assert english[(1, "price_carton")] == "A price cannot be negative."
    assert english[(0, "kind")] == "Choose an open or a covert visit."
    assert not Inspection.objects.exists()
    assert not InspectionLine.objects.exists()
