"""The import page says what each kind of file holds (walker 13: a supervisor could not import a supply
plan without help): the chosen kind's columns, required or not, every heading the import accepts (the
list a file missing the column is told) and what to write; and an empty template per kind that, filled
with one valid row, imports."""

from __future__ import annotations

import io
import re

import openpyxl
import pandas as pd
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from allocation.models import ReleaseMethod, SupplyPlanLine
from core.imports.base import IMPORTERS, importer_for
from core.imports.columns import accepted_headers, parse_table
from pricing.models import Product
from tests.words import ZH

pytestmark = pytest.mark.django_db


def _section(body: str, kind: str) -> str:
    return re.search(rf'<section class="import-layout" data-import-kind="{kind}".*?</section>', body, re.S).group(0)


def _rows(section: str) -> dict[str, list[str]]:
    rows = re.findall(r"<tr>\s*(.*?)</tr>", section.split("<tbody>", 1)[1], re.S)
    cells = [[re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", r, re.S)] for r in rows]
    return {c[0]: c[1:] for c in cells}


def test_the_page_lists_the_supply_plans_columns_in_words(client, supervisor):
    client.force_login(supervisor)
    body = client.get(reverse("admin:core_run_import"), {"kind": "supply_plan"}, **ZH).content.decode()
    section = _section(body, "supply_plan")
    assert " hidden" not in section.split(">", 1)[0]  # the kind asked for is shown, the others wait
    assert " hidden" in _section(body, "customers").split(">", 1)[0]
    assert "货源投放计划文件的列" in section
    rows = _rows(section)
    required = [heading for heading, (need, *_rest) in rows.items() if need == "必填"]
    assert required == ["年份", "月份", "周次", "卷烟编码", "投放方式", "预投放量"]
    target = next(c for c in importer_for("supply_plan").columns if c.key == "target")
    assert rows["预投放量"][1] == accepted_headers(target, language="zh-hans") == "ADV、预投放量"
    assert "按档位扩展投放（B）" in rows["投放方式"][2]
    assert "档位+区县+市场类型" in rows["扩展类型"][2]
    assert "D30 … D1" in rows["最高档位"][2]
    # the same accepted headings a file missing the column is told of
    missing = client.post(
        reverse("admin:core_run_import"),
        {"kind": "supply_plan", "file": SimpleUploadedFile("plan.csv", "年份,月份,周次,卷烟编码,投放方式\n".encode())},
        **ZH,
    ).content.decode()
    assert f"缺少此列（可用列名：{accepted_headers(target)}）" in missing  # ADV、预投放量、target: one list
    assert f'href="{reverse("admin:core_run_import_template", args=["supply_plan"])}"' in section


@pytest.mark.parametrize("kind", list(IMPORTERS))
def test_each_kinds_template_holds_its_headings_in_chinese_and_reads_back(client, supervisor, kind):
    client.force_login(supervisor)
    answer = client.get(reverse("admin:core_run_import_template", args=[kind]), **ZH)
    assert answer.status_code == 200
    assert answer["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "filename*=utf-8''%E5%AF%BC%E5%85%A5%E6%A8%A1%E6%9D%BF" in answer["Content-Disposition"]  # 导入模板-…
    sheet = openpyxl.load_workbook(io.BytesIO(answer.content)).active
    headings = [c.value for c in sheet[1]]
    assert sheet.max_row == 1  # headings only
    assert all(re.search(r"[\u4e00-\u9fff]", h) for h in headings), headings
    columns = importer_for(kind).columns
    assert len(headings) == len(columns)
    table = parse_table(pd.DataFrame(columns=headings), columns)
    assert table.errors == []  # every column found, none missing
    assert table.present == {c.key for c in columns}


def test_the_supply_plan_template_filled_with_one_row_imports(client, supervisor, samples):
    call_command("import_data", "customers", str(samples / "customers.xlsx"))
    call_command("import_data", "products", str(samples / "products.xlsx"))
    product = Product.objects.order_by("code").first()
    client.force_login(supervisor)
    book = openpyxl.load_workbook(
        io.BytesIO(client.get(reverse("admin:core_run_import_template", args=["supply_plan"])).content)
    )
    sheet = book.active
    row = {"年份": "2026", "月份": "12", "周次": "2", "卷烟编码": product.code, "投放方式": "按档位统一投放",
           "预投放量": "120", "最低档位": "D5"}  # fmt: skip
    sheet.append([row.get(c.value) for c in sheet[1]])
    filled = io.BytesIO()
    book.save(filled)
    url = reverse("admin:core_run_import")
    upload = SimpleUploadedFile("计划.xlsx", filled.getvalue())
    preview = client.post(url, {"kind": "supply_plan", "file": upload}, **ZH)
    assert preview.context.get("errors") is None, preview.context.get("errors")
    assert preview.context["preview"].created == 1
    done = client.post(url, {"confirm": "1", "token": preview.context["token"]}, **ZH)
    assert done.status_code == 302
    line = SupplyPlanLine.objects.get()
    assert (line.product, line.target, line.method, line.lowest_tier, line.highest_tier, line.scope) == (
        product, 120, ReleaseMethod.TIER, 5, 30, [])  # fmt: skip
    assert line.cycle.label == "2026-12-2"


def test_only_a_supervisor_downloads_a_template(client, manager_a, supervisor):
    client.force_login(manager_a)
    assert client.get(reverse("admin:core_run_import_template", args=["supply_plan"])).status_code == 403
    client.force_login(supervisor)
    assert client.get(reverse("admin:core_run_import_template", args=["nothing"])).status_code == 404


def test_the_headings_listed_are_those_a_reader_writes(client, supervisor):
    """The exports' and the Chinese headings always, our English export's to an English reader, never our
    own code names (customer_code): the file missing the column is still told every one."""
    client.force_login(supervisor)
    url = reverse("admin:core_run_import")
    zh = _rows(_section(client.get(url, **ZH).content.decode(), "customers"))
    en = _rows(_section(client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode(), "customers"))
    assert zh["客户编码"][1] == "CUST_CODE、客户编码"
    assert en["客户编码"][1] == "CUST_CODE、客户编码、Customer code"
    assert en["客户编码"][0] == "required"
    code = importer_for("customers").columns[0]
    assert "customer_code" in accepted_headers(code)
