"""An error cell in an uploaded workbook is a named row error and nothing is written.

A cell holding an error value without a formula (`<c r="B7" t="e"><v>#N/A</v></c>`, what "paste
values" of a failed VLOOKUP leaves) is read by calamine as blank: an import cleared a shop's name or
read a blank number. It is refused as a formula cell is (`core.imports.formulas`), naming its row,
its column's header and the error, found in the same byte scan of the sheet.
"""

from __future__ import annotations

import io
import re
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook, load_workbook

from allocation.models import SupplyPlanLine
from core.exceptions import InvalidInput
from core.imports.base import import_file
from core.imports.formulas import formula_errors
from core.models import Run
from retailers.models import Retailer
from tests.factories import RetailerFactory

pytestmark = pytest.mark.django_db

CUSTOMER_HEADERS = ["CUST_CODE", "CUST_ID", "COMPANY_BRANCH", "客户名称", "SHOP_AREA"]


def _sheet_xml(data: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        return book.read("xl/worksheets/sheet1.xml")


def _saved(book: Workbook, errors: dict[str, str]) -> bytes:
    """`book` with each cell of `errors` holding that error value, as Excel keeps it: no formula."""
    for ref, value in errors.items():
        cell = book.active[ref]
        cell.value = value
        cell.data_type = "e"
    out = io.BytesIO()
    book.save(out)
    data = out.getvalue()
    xml = _sheet_xml(data)
    for ref, value in errors.items():  # written as an error cell, not a formula or a string
        assert re.search(rf'<c r="{ref}" t="e"><v>{re.escape(value)}</v></c>'.encode(), xml), ref
    return data


def _customers(rows: list[list], errors: dict[str, str]) -> bytes:
    book = Workbook()
    book.active.append(CUSTOMER_HEADERS)
    for row in rows:
        book.active.append(row)
    return _saved(book, errors)


@pytest.fixture
def shops():
    first = RetailerFactory(customer_code="C1", license_no="420100000001", name="东风便利店", shop_area=Decimal("35.0"))
    second = RetailerFactory(customer_code="C2", license_no="420100000002", name="青山烟酒", shop_area=Decimal("60.0"))
    return [first, second]


def _rows(shops) -> list[list]:
    return [[s.customer_code, s.license_no, s.branch.name, s.name, float(s.shop_area)] for s in shops]


def test_customer_error_cells_are_named_and_nothing_is_written(shops, tmp_path):
    """The pasted VLOOKUP's #N/A would clear the first shop's name; #DIV/0! would blank the second's area."""
    path = tmp_path / "customers.xlsx"
    path.write_bytes(_customers(_rows(shops), {"D2": "#N/A", "E3": "#DIV/0!"}))

    with pytest.raises(InvalidInput) as refused:
        import_file(kind="customers", source=path)

    assert [(e.row, e.column, e.value) for e in refused.value.errors] == [
        (2, "客户名称", "#N/A"),
        (3, "SHOP_AREA", "#DIV/0!"),
    ]
    assert str(refused.value.errors[0]) == "第 2 行，客户名称 列 ('#N/A')：单元格是错误值，请改为实际内容"
    with translation.override("en"):
        assert (
            str(refused.value.errors[1])
            == "row 3, column SHOP_AREA ('#DIV/0!'): the cell holds an error value; enter the actual content"
        )
    assert sorted(Retailer.objects.values_list("customer_code", "name", "shop_area")) == [
        ("C1", "东风便利店", Decimal("35.0")),
        ("C2", "青山烟酒", Decimal("60.0")),
    ]
    assert Run.objects.get(job="import_customers").status == "failed"


def test_the_admin_import_lists_the_error_cell_in_chinese(client, supervisor, shops, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(supervisor)
    upload = io.BytesIO(_customers(_rows(shops), {"D3": "#REF!"}))
    upload.name = "customers.xlsx"

    page = client.post(reverse("admin:core_run_import"), {"kind": "customers", "file": upload})

    assert page.status_code == 200
    assert page.context["error_count"] == 1
    body = page.content.decode()
    assert "客户名称" in body
    assert "#REF!" in body
    assert "单元格是错误值，请改为实际内容" in body
    assert Retailer.objects.get(customer_code="C2").name == "青山烟酒"
    assert not list(Path(tmp_path, "imports").glob("*"))  # the refused upload is not kept


@pytest.fixture
def registry(samples):
    call_command("import_data", "customers", str(samples / "customers.xlsx"))
    call_command("import_data", "products", str(samples / "products.xlsx"))


def test_supply_plan_error_cell_is_named_and_the_plan_is_kept(samples, registry, tmp_path, capsys):
    """The remark 两周一访上浮100% doubles the line for biweekly retailers; an #N/A pasted over it read
    as blank and would have dropped the doubling."""
    call_command("import_data", "supply_plan", str(samples / "supply_plan.xlsx"))
    book = load_workbook(samples / "supply_plan.xlsx")
    headers = [c.value for c in book.active[1]]
    row = next(r[0].row for r in book.active.iter_rows(min_row=2) if r[headers.index("CIG_CODE")].value == "91000012")
    remarks = f"{book.active.cell(row=1, column=headers.index('BZ') + 1).column_letter}{row}"
    path = tmp_path / "supply_plan.xlsx"
    path.write_bytes(_saved(book, {remarks: "#N/A"}))
    capsys.readouterr()

    with translation.override("en"), pytest.raises(CommandError, match="1 problem"):
        call_command("import_data", "supply_plan", str(path))

    err = capsys.readouterr().err
    assert f"row {row}, column BZ ('#N/A'): the cell holds an error value; enter the actual content" in err
    assert SupplyPlanLine.objects.get(product__code="91000012").biweekly_double is True


def test_error_cells_among_formulas_in_the_sheets_order_and_without_references(tmp_path):
    """A formula whose cached value is an error is named once, as a formula; an error cell is named
    with its error; a sheet whose cells carry no references is parsed and names the same cells."""
    book = Workbook()
    book.active.append(["CIG_CODE", "CIG_NAME", "WHOLESALE_PRICE"])
    book.active.append(["91000001", "=VLOOKUP(A2,Z:Z,2,0)", 95.4])
    book.active.append(["91000002", "长河", None])
    data = _saved(book, {"C3": "#VALUE!", "A3": "#NAME?"})
    cached = _sheet_xml(data).replace(b"<f>VLOOKUP(A2,Z:Z,2,0)</f><v />", b"<f>VLOOKUP(A2,Z:Z,2,0)</f><v>#N/A</v>")
    cached = cached.replace(b'<c r="B2"', b'<c r="B2" t="e"')
    scanned, parsed = tmp_path / "scanned.xlsx", tmp_path / "parsed.xlsx"
    for path, xml in ((scanned, cached), (parsed, re.sub(rb'<c r="[A-Z]+\d+"', b"<c", cached))):
        with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(path, "w") as target:
            for item in source.infolist():
                target.writestr(item, xml if item.filename == "xl/worksheets/sheet1.xml" else source.read(item))

    for path in (scanned, parsed):
        with translation.override("en"):
            found = [
                (e.row, e.column, e.value, str(e.reason))
                for e in formula_errors(path, None, ["CIG_CODE", "CIG_NAME", "WHOLESALE_PRICE"])
            ]
        assert found == [
            (2, "CIG_NAME", "=VLOOKUP(A2,Z:Z,2,0)", "formula cells are not accepted; paste values"),
            (3, "CIG_CODE", "#NAME?", "the cell holds an error value; enter the actual content"),
            (3, "WHOLESALE_PRICE", "#VALUE!", "the cell holds an error value; enter the actual content"),
        ], path.name
