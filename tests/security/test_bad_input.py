"""Bad input is a clear 400 or a named error, never a 500 nor silently taken (issue 18, part 6).

Query parameters: a page answers 400 with a page saying what to change, in the page's language; an
API answers 400 with its JSON error body naming the parameter. Uploads that cannot be read (a
truncated workbook, a CSV renamed .xlsx, an empty file) are named, nothing is written, and the
admin's stored upload is deleted, as the import command refuses them without a traceback.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import time
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import RequestFactory
from django.urls import reverse
from openpyxl import Workbook

from allocation.selectors import published_allocation_run
from core import params
from core.models import Run
from portal.selectors import current_cycle
from pricing.models import Product
from tests.portal import conftest as portal
from tests.words import shown

pytestmark = pytest.mark.django_db
city, manager1, shop = portal.city, portal.manager1, portal.shop  # the small demo city's fixtures


# --- the helper, on plain requests -------------------------------------------------------------


def _get(**query):
    return RequestFactory().get("/", query)


def test_params_read_good_values_and_defaults():
    assert params.integer(_get(n="+7"), "n", label="n") == 7
    assert params.integer(_get(n=" 42 "), "n", label="n") == 42
    assert params.integer(_get(), "n", label="n", default=3) == 3
    assert params.integer(_get(n=""), "n", label="n", default=3) == 3  # blank = missing
    assert params.identifier(_get(run=str(2**63 - 1)), "run", label="run") == 2**63 - 1  # the largest bigint
    assert params.date(_get(d="2026-3-1"), "d", label="d") == dt.date(2026, 3, 1)
    assert params.date(_get(d="2028-02-29"), "d", label="d") == dt.date(2028, 2, 29)  # a leap day exists
    assert params.decimal(_get(b="1,500.50"), "b", label="b") == Decimal("1500.50")
    assert params.decimal(_get(b="1，500"), "b", label="b") == Decimal("1500")  # a full-width comma
    assert params.choice(_get(f="xlsx"), "f", ["xlsx"], label="f", default="") == "xlsx"
    assert params.text(_get(q="  长河 "), "q", label="q") == "长河"


@pytest.mark.parametrize(
    ("reader", "value", "reason"),
    [
        (lambda r: params.integer(r, "v", label="Count"), "abc", "must be a whole number"),
        (lambda r: params.integer(r, "v", label="Count"), "²", "must be a whole number"),  # isdigit() says yes
        (lambda r: params.integer(r, "v", label="Count"), "1.5", "must be a whole number"),
        (lambda r: params.integer(r, "v", label="Count"), "9" * 5000, "must be at most"),  # past int()'s limit
        (lambda r: params.identifier(r, "v", label="Run"), "0", "must be between 1 and"),
        (lambda r: params.identifier(r, "v", label="Run"), "-1", "must be between 1 and"),
        (lambda r: params.identifier(r, "v", label="Run"), str(2**63), "must be between 1 and"),  # past a bigint
        (lambda r: params.date(r, "v", label="Start date"), "2026-02-30", "a day that exists"),
        (lambda r: params.date(r, "v", label="Start date"), "2026-13-01", "a day that exists"),
        (lambda r: params.date(r, "v", label="Start date"), "yesterday", "a day that exists"),
        (lambda r: params.date(r, "v", label="Start date"), "0001-01-01", "must be between 2000-01-01 and"),
        (lambda r: params.decimal(r, "v", label="Budget"), "NaN", "must be a number"),
        (lambda r: params.decimal(r, "v", label="Budget"), "Infinity", "must be a number"),
        (lambda r: params.decimal(r, "v", label="Budget"), "-inf", "must be a number"),
        (lambda r: params.decimal(r, "v", label="Budget"), "1e30", "must be a number"),
        (lambda r: params.decimal(r, "v", label="Budget", maximum=Decimal(100)), "100.01", "must be at most 100"),
        (lambda r: params.decimal(r, "v", label="Budget"), "1.005", "more than 2 decimals"),
        (lambda r: params.choice(r, "v", ["week"], label="Period", default="week"), "decade", "not one of the choices"),
        (lambda r: params.text(r, "v", label="Search"), "a\x00b", "cannot be used"),
    ],
)
def test_params_refuse_bad_values_naming_them(settings, reader, value, reason):
    settings.LANGUAGE_CODE = "en"
    with pytest.raises(params.BadParameter) as refused:
        reader(_get(v=value))
    assert refused.value.name == "v"
    assert reason in refused.value.message
    assert len(refused.value.message) < 200  # a 5,000-digit value is not repeated back whole


# --- pages ---------------------------------------------------------------------------------------


@pytest.fixture
def boss(city):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username="supervisor")


def _page_urls(shop):
    quotas = reverse("admin:allocation_retailer_quotas", args=[shop.pk])
    figures = reverse("admin:compliance_figures")
    report = reverse("admin:profitability_report", args=[shop.pk])
    workspace = reverse("admin:profitability_workspace")
    overview = reverse("admin:profitability_overview")
    diversion = reverse("admin:inventory_diversion_alerts")
    return [
        (quotas, {"cycle": "abc"}, "订货周期编号应为整数，而不是“abc”。"),
        (quotas, {"cycle": "-3"}, "订货周期编号应在 1 至"),
        (figures, {"start": "2026-02-30"}, "起始日期应为实际存在的日期"),
        (figures, {"end": "next week"}, "截止日期应为实际存在的日期"),
        (figures, {"start": "2026-03-01", "end": "2026-02-01"}, "起始日期晚于截止日期。"),
        (figures, {"level": "planet"}, "汇总方式“planet”不是可选的值。"),
        (figures, {"format": "docx"}, "下载格式“docx”不是可选的值。"),
        (report, {"budget": "NaN"}, "预算应为数字"),
        (report, {"budget": "Infinity"}, "预算应为数字"),
        (report, {"budget": "-5"}, "预算应在 0.01 至 10,000,000 之间。"),
        (report, {"budget": "99999999999"}, "预算应在 0.01 至 10,000,000 之间。"),
        (report, {"format": "exe"}, "下载格式“exe”不是可选的值。"),
        (workspace, {"alert": "²"}, "预警“²”不是可选的值。"),
        (workspace, {"period": "decade"}, "期间“decade”不是可选的值。"),
        (workspace, {"q": "a\x00b"}, "搜索含有不能使用的字符。"),
        (overview, {"level": "galaxy"}, "汇总方式“galaxy”不是可选的值。"),
        (diversion, {"format": "csv"}, "下载格式“csv”不是可选的值。"),
    ]


def test_every_bad_query_value_on_a_page_is_a_400_saying_what_to_change(client, boss, shop):
    client.force_login(boss)
    for url, query, message in _page_urls(shop):
        response = client.get(url, query)
        assert response.status_code == 400, (url, query, response.status_code)
        assert response["Content-Type"].startswith("text/html")
        assert message in response.content.decode(), (url, query)


def test_the_400_page_speaks_the_pages_language(client, boss, shop):
    client.force_login(boss)
    figures = reverse("admin:compliance_figures")
    english = client.get(figures, {"start": "2026-02-30"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Start date must be a day that exists, written year-month-day such as 2026-03-01, not “2026-02-30”." in english
    assert f'href="{figures}"' in english  # back to the page with its usual settings


def test_a_bad_budget_is_named_beside_the_box_and_good_values_still_work(client, boss, shop, city):
    client.force_login(boss)
    report = reverse("admin:profitability_report", args=[shop.pk])
    refused = client.get(report, {"budget": "NaN"})
    assert refused.status_code == 400
    page = refused.content.decode()
    assert 'class="errornote">预算应为数字，例如 1500 或 1500.50，而不是“NaN”。' in page
    assert 'name="budget" min="1" step="1" value="NaN"' in page  # the box keeps what was typed
    assert client.get(report, {"budget": "3000"}).status_code == 200
    figures = reverse("admin:compliance_figures")
    assert client.get(figures, {"start": "2026-01-01", "end": "2026-03-01", "level": "product"}).status_code == 200
    cycle = current_cycle(city)
    quotas = reverse("admin:allocation_retailer_quotas", args=[shop.pk])
    assert client.get(quotas, {"cycle": cycle.pk}).status_code == 200
    assert client.get(quotas, {"cycle": 10**15}).status_code == 404  # well formed, no such cycle


def test_phone_pages_refuse_a_search_or_tag_option_they_cannot_use(client, manager1, shop):
    client.force_login(manager1)
    assert client.get(reverse("inspections:retailers"), {"q": "x\x00"}).status_code == 400
    assert client.get(reverse("inspections:retailers"), {"q": "长河"}).status_code == 200
    client.force_login(shop.user)
    assert client.get(reverse("portal:prices"), {"q": "\x00"}).status_code == 400
    refused = client.get(reverse("portal:tag_sheet"), {"format": "doc"})
    assert refused.status_code == 400
    assert "下载格式“doc”不是可选的值。" in refused.content.decode()
    assert client.get(reverse("portal:tag_sheet"), {"all": "1"}).status_code == 200


# --- the API -----------------------------------------------------------------------------------


def _api_error(response, field):
    assert response.status_code == 400, (response.status_code, response.content[:200])
    assert response["Content-Type"] == "application/json"
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert list(error["fields"]) == [field]
    return error["fields"][field][0]


def test_every_bad_query_value_on_the_api_is_a_400_in_json(client, boss, city):
    client.force_login(boss)
    cycle = current_cycle(city)
    line = published_allocation_run(cycle).cycle.supply_plan.select_related("product").first()
    quotas = reverse("api-quotas")
    good = {"cycle": cycle.label, "product": line.product.code}
    assert client.get(quotas, good).status_code == 200
    assert _api_error(client.get(quotas, {**good, "run": "abc"}), "run") == "投放计算编号应为整数，而不是“abc”。"
    assert _api_error(client.get(quotas, {**good, "run": "0"}), "run").startswith("投放计算编号应在 1 至")
    assert client.get(quotas, {**good, "run": str(published_allocation_run(cycle).pk)}).status_code == 200
    for bad in ("abc", "²", "9" * 30, "2026-13-9"):
        message = _api_error(client.get(quotas, {**good, "cycle": bad}), "cycle")
        assert message.startswith("订货周期应写作“年-月-周”，例如 2026-11-4，或填写周期编号")
    assert client.get(quotas, {**good, "cycle": "1999-01-1"}).json()["error"]["code"] == "not_found"
    # the filters of the lists: django-filter's own messages, in the same body
    assert _api_error(client.get(reverse("api-cycles"), {"starts_on__gte": "2026-02-30"}), "starts_on__gte")
    assert _api_error(client.get(reverse("api-allocation-runs"), {"cycle": "abc"}), "cycle")
    assert _api_error(client.get(reverse("api-supply-plans"), {"cycle": "abc"}), "cycle")
    english = client.get(quotas, {**good, "run": "abc"}, HTTP_ACCEPT_LANGUAGE="en").json()
    assert english["error"]["fields"]["run"] == ["Allocation run number must be a whole number, not “abc”."]
    # ids and tiers are whole numbers within bounds: 10²³ overflowed SQLite (a 500), 1.5 read as 1
    for url, field in (
        ("api-customer-values", "manager"), ("api-customer-values", "retailer"), ("api-quota-exceptions", "retailer"),
        ("api-demand-reports", "retailer"), ("api-supply-plans", "cycle"), ("api-retailers", "tier"),
    ):  # fmt: skip
        for bad in ("9" * 23, "-" + "9" * 23, "1.5", "0"):
            assert _api_error(client.get(reverse(url), {field: bad}), field)
    assert _api_error(client.get(reverse("api-retailers"), {"tier_min": "31"}), "tier_min")
    assert client.get(reverse("api-customer-values"), {"retailer": "1"}).status_code == 200


def test_a_retailers_quotas_refuse_a_bad_cycle_in_json(client, shop):
    token = client.post(reverse("api-token"), {"username": shop.license_no, "password": shop.password}).json()["token"]
    response = client.get(reverse("api-me-quotas"), {"cycle": "abc"}, HTTP_AUTHORIZATION=f"Token {token}")
    assert "订货周期应写作" in _api_error(response, "cycle")


# --- uploads -----------------------------------------------------------------------------------


def _products_xlsx() -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(["code", "name", "wholesale_price", "retail_price"])
    sheet.append(["P1", "长河(硬红)", "88.00", "100.00"])
    sheet.append(["P2", "江南(软蓝)", "176.00", "200.00"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


BAD_FILES = [
    # name, bytes, what the message must say (zh-hans, the default language)
    ("truncated.xlsx", _products_xlsx()[:900], "无法读取 truncated.xlsx：工作簿已损坏或不完整。未写入任何数据。"),
    ("renamed.xlsx", b"code,name,wholesale_price,retail_price\nP1,x,1,2\n", "无法读取 renamed.xlsx：它不是 Excel 工作簿"),
    ("empty.xlsx", b"", "无法读取 empty.xlsx：文件是空的。未写入任何数据。"),
    ("empty.csv", b"", "无法读取 empty.csv：文件是空的。未写入任何数据。"),
    ("latin1.csv", "code,name\nP1,Caf\xe9\n".encode("latin-1"), "它不是 UTF-8 文本"),
    ("book.csv", _products_xlsx(), "无法读取 book.csv：它是 Excel 工作簿，请使用 .xlsx 扩展名。"),
]


@pytest.mark.parametrize(("name", "data", "message"), BAD_FILES, ids=[f[0] for f in BAD_FILES])
def test_the_command_names_an_unreadable_file_and_writes_nothing(tmp_path, settings, name, data, message):
    settings.MEDIA_ROOT = tmp_path / "media"
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(CommandError) as refused:
        call_command("import_data", "products", str(path))
    assert message in str(refused.value)
    assert not Product.objects.exists()
    assert not (tmp_path / "media").exists()  # the command stores nothing of its own
    assert path.read_bytes() == data  # and leaves the operator's file alone
    run = Run.objects.get(job="import_products")
    assert run.status == "failed"
    assert message in run.error_words  # kept language-neutral, read in the reader's language


def test_the_command_still_imports_a_good_workbook(tmp_path):
    path = tmp_path / "products.xlsx"
    path.write_bytes(_products_xlsx())
    call_command("import_data", "products", str(path))
    assert sorted(Product.objects.values_list("code", flat=True)) == ["P1", "P2"]


def _uploads(settings):
    folder = settings.MEDIA_ROOT / "imports"
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


@pytest.fixture
def admin_import(client, supervisor, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(supervisor)
    url = reverse("admin:core_run_import")

    def upload(name: str, data: bytes, kind: str = "products"):
        return client.post(url, {"kind": kind, "file": SimpleUploadedFile(name, data)})

    return upload


@pytest.mark.parametrize(("name", "data", "message"), BAD_FILES[:2], ids=[f[0] for f in BAD_FILES[:2]])
def test_the_admin_names_an_unreadable_upload_writes_nothing_and_keeps_no_file(
    admin_import, settings, name, data, message
):
    response = admin_import(name, data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Product.objects.exists()
    assert _uploads(settings) == []


def test_the_admin_refuses_an_empty_upload_by_name(admin_import, settings):
    response = admin_import("empty.xlsx", b"")
    assert response.status_code == 200
    assert "无法读取 empty.xlsx：文件是空的。未写入任何数据。" in response.content.decode()  # before anything is stored
    assert not Product.objects.exists()
    assert _uploads(settings) == []


def test_a_good_upload_is_kept_only_until_confirmed_and_old_previews_are_swept(client, admin_import, settings):
    stale = settings.MEDIA_ROOT / "imports" / "0b7c4c4e-1f3e-4a57-9c53-3f8f3c1a2b4d.xlsx"
    stale.parent.mkdir(parents=True)
    stale.write_bytes(b"left by a preview never confirmed")
    two_days_ago = time.time() - 2 * 24 * 3600
    os.utime(stale, (two_days_ago, two_days_ago))
    preview = admin_import("products.xlsx", _products_xlsx())
    assert "共 2 行：新增 2，更新 0，未变 0。" in preview.content.decode()
    assert not Product.objects.exists()  # a preview is a dry run
    kept = _uploads(settings)
    assert len(kept) == 1  # the stale one is gone, the preview's is kept
    assert kept[0] != stale.name
    token = kept[0].removesuffix(".xlsx")
    confirmed = client.post(
        reverse("admin:core_run_import"),
        {"confirm": "1", "token": token, "kind": "products", "filename": "products.xlsx"},
    )
    assert confirmed.status_code == 302
    assert Product.objects.count() == 2
    assert _uploads(settings) == []


def test_a_confirmation_that_fails_still_deletes_the_upload(client, admin_import, settings):
    from core.runs import run_start

    admin_import("products.xlsx", _products_xlsx())
    (token_file,) = _uploads(settings)
    run_start(job="import_products")  # another import of products under way: this one is refused
    response = client.post(
        reverse("admin:core_run_import"),
        {"confirm": "1", "token": token_file.removesuffix(".xlsx"), "kind": "products", "filename": "p.xlsx"},
    )
    assert response.status_code == 302
    assert response.url == reverse("admin:core_run_import")
    assert not Product.objects.exists()
    assert _uploads(settings) == []


def test_the_confirmation_imports_what_was_previewed_whatever_is_posted_back(client, admin_import, settings):
    """The kind and file name come from the session that previewed the upload, not from the form."""
    admin_import("products.xlsx", _products_xlsx())
    (token_file,) = _uploads(settings)
    response = client.post(
        reverse("admin:core_run_import"),
        {"confirm": "1", "token": token_file.removesuffix(".xlsx"), "kind": "customers", "filename": "../x.csv"},
    )
    assert response.status_code == 302
    assert Product.objects.count() == 2
    assert list(Run.objects.values_list("job", "params")) == [("import_products", {"file": "products.xlsx"})]


def test_another_session_cannot_confirm_a_preview(client, admin_import, settings):
    """A token confirms only in the session that made the preview (and only once)."""
    from django.test import Client

    from accounts.models import Role
    from tests.factories import UserFactory

    admin_import("products.xlsx", _products_xlsx())
    (token_file,) = _uploads(settings)
    token = token_file.removesuffix(".xlsx")
    other = Client()
    other.force_login(UserFactory(username="boss2", role=Role.SUPERVISOR))
    refused = other.post(reverse("admin:core_run_import"), {"confirm": "1", "token": token})
    assert refused.url == reverse("admin:core_run_import")
    assert not Product.objects.exists()
    assert _uploads(settings) == [token_file]  # still the first session's to confirm
    assert client.post(reverse("admin:core_run_import"), {"confirm": "1", "token": token}).status_code == 302
    assert Product.objects.count() == 2
    again = client.post(reverse("admin:core_run_import"), {"confirm": "1", "token": token})
    assert again.url == reverse("admin:core_run_import")


# --- numbers and days past what a column holds (tester 2026-11-28) -------------------------------

HUGE = "99999999999999999999"  # past a 64-bit column


def _date_fields(model) -> list[str]:
    from django.db import models

    return [f.name for f in model._meta.concrete_fields if isinstance(f, models.DateField)]


def test_a_list_filtered_by_a_day_past_the_calendar_says_the_filter_is_wrong(client, boss):
    """`?at__gte=0001-01-01` on the audit log (and every list with a date: 17 of them) was a 500
    "date value out of range": the day, made a moment in Shanghai, is before the first one UTC can write."""
    from django.contrib import admin

    client.force_login(boss)
    tried = 0
    for model in admin.site._registry:
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        for name in _date_fields(model):
            for lookup, day in ((f"{name}__gte", "0001-01-01"), (f"{name}__lt", "0001-01-01"), (name, "0001-01-01")):
                response = client.get(url, {lookup: day})
                assert response.status_code in (200, 302, 403), (url, lookup, response.status_code)
                if response.status_code == 302:
                    assert response["Location"].endswith("?e=1"), (url, lookup, response["Location"])
                tried += 1
    assert tried > 40
    audit = reverse("admin:core_auditentry_changelist")
    assert client.get(audit, {"at__gte": "0001-01-01"})["Location"].endswith("?e=1")
    assert client.get(audit, {"at__gte": "2026-01-01"}).status_code == 200  # a real day still filters


def test_a_survey_id_past_the_column_is_a_missing_survey(client, shop):
    client.force_login(shop.user)
    assert client.get(reverse("surveys:answer", args=[HUGE])).status_code == 404
    assert client.post(reverse("surveys:answer", args=[HUGE]), {}).status_code == 404
    api = reverse("api-me-survey", args=[HUGE])
    for response in (client.get(api), client.post(api, {"answers": []}, content_type="application/json")):
        assert response.status_code == 404
        assert response.json()["error"]["message"] == "您不在本次测评的受访名单中。"


def test_a_stock_count_past_any_shop_is_refused_beside_its_box(client, manager1, shop, city):
    from compliance.models import Inspection
    from compliance.planning import visit_products
    from cycles.calendar import cycle_monday
    from stock.models import StockCount
    from tests.compliance.test_inspection_pages import _field_error, form_for

    client.force_login(manager1)
    products = visit_products(shop, cycle_monday(city))
    first = products[0]
    url = reverse("inspections:inspect", args=[shop.pk])
    counts = StockCount.objects.count()
    for bad in (HUGE, "9" * 5000, "10001"):
        response = client.post(url, form_for(products, **{f"stock_{first.pk}": bad}))
        assert response.status_code == 200, bad[:30]
        assert _field_error(response.content.decode(), "stock", first.pk) == "库存条数最多为 10,000 条。"
    assert (Inspection.objects.count(), StockCount.objects.count()) == (0, counts)
    assert client.post(url, form_for(products, **{f"stock_{first.pk}": "10000"})).status_code == 302


def _orders_csv(**cells) -> bytes:
    row = {"CYCLE": "2026-11-4", "CUST_CODE": "C1", "CIG_CODE": "P1", "QTY": "5", "QUOTA": "", **cells}
    return (",".join(row) + "\n" + ",".join(row.values()) + "\n").encode()


@pytest.mark.parametrize(
    ("cells", "column", "reason"),
    [
        ({"QTY": "99999999999999999999999"}, "QTY", "大于 2,147,483,647"),
        ({"QUOTA": "1e30"}, "QUOTA", "大于 2,147,483,647"),
        ({"QTY": "2147483648"}, "QTY", "大于 2,147,483,647"),
        ({"QTY": "inf"}, "QTY", "不是数字"),
    ],
)
def test_an_import_names_a_number_past_its_column_by_row_and_column(admin_import, cells, column, reason):
    """The orders preview was a 500 ("cannot safely cast non-equivalent float64 to int64")."""
    response = admin_import("orders.csv", _orders_csv(**cells), kind="orders")
    assert response.status_code == 200
    page = shown(response.content)
    assert f"2 {column} {cells[column]} {reason}" in page  # row, column, value, reason


def test_every_integer_column_of_every_importer_has_a_maximum():
    """Each column of each importer reads a number past any column as a row error or as text, never
    as a number the database cannot hold, and never with a cast error."""
    import numbers

    import pandas as pd
    from django.conf import settings

    from core.imports.base import importer_for
    from core.imports.columns import INTEGER_MAX, parse_table

    for kind in settings.IMPORTERS:
        for column in importer_for(kind).columns:
            for bad in (HUGE, "1e30", "-1e30", "2147483648"):
                frame = pd.DataFrame({column.headers[0]: [bad]}, index=[2]).astype(object)
                parsed = parse_table(frame, [column])
                value = parsed.frame.at[2, column.key]
                if isinstance(value, numbers.Integral):
                    assert -INTEGER_MAX <= value <= INTEGER_MAX, (kind, column.key, bad)
                    assert not parsed.errors
                if parsed.errors:
                    assert (parsed.errors[0].row, parsed.errors[0].column) == (2, column.headers[0])


# --- the API's errors in words, in the reader's language (tester 2026-11-28) ---------------------

ZH, EN = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}, {"HTTP_ACCEPT_LANGUAGE": "en"}


def _refused(response, status: int = 400) -> dict:
    assert response.status_code == status, (response.status_code, response.content[:300])
    assert response["Content-Type"] == "application/json"
    return response.json()["error"]


@pytest.fixture
def language_kept():
    from django.utils import translation

    yield
    translation.activate("zh-hans")


def test_a_bad_line_is_named_by_its_place_and_its_fields_label(client, shop, language_kept):
    """`lines：{0: {'cartons': [ErrorDetail(string='请填写合法的整数值。', code='invalid')]}}` before."""
    client.force_login(shop.user)
    url = reverse("api-me-demand")
    line = {"product_code": "91000095", "cartons": "NaN"}
    error = _refused(client.post(url, {"lines": [line]}, content_type="application/json", **ZH))
    assert error["message"] == "第 1 行 · 条数：请填写合法的整数值。"
    assert error["fields"] == {"lines.0.cartons": ["请填写合法的整数值。"]}
    two = [{"product_code": "91000095", "cartons": 1}, {"cartons": 5}]
    error = _refused(client.post(url, {"lines": two}, content_type="application/json", **ZH))
    assert error["message"] == "第 2 行 · 卷烟编码：该字段是必填项。"
    error = _refused(client.post(url, {}, content_type="application/json", **ZH))
    assert error["message"] == "上报的品规：该字段是必填项。"
    english = _refused(client.post(url, {"lines": [line]}, content_type="application/json", **EN))
    assert english["message"] == "Line 1 · Cartons: A valid integer is required."
    for body in (error, english):
        assert "ErrorDetail" not in body["message"]
        assert "{" not in body["message"]


def test_a_field_is_named_by_its_label_never_its_code(client, shop, language_kept):
    client.force_login(shop.user)
    error = _refused(client.post(reverse("api-requests"), {}, content_type="application/json", **ZH))
    assert error["message"] == "类别：该字段是必填项。；诉求内容：该字段是必填项。"
    assert set(error["fields"]) == {"category", "text"}  # for a program, the fields' names


def test_a_body_that_cannot_be_read_is_named_in_the_readers_language(client, shop, language_kept):
    client.force_login(shop.user)
    url = reverse("api-me-demand")
    error = _refused(client.post(url, "{lines", content_type="application/json", **ZH))
    assert error["message"] == "请求正文不是有效的 JSON。"
    assert error["code"] == "parse_error"
    english = _refused(client.post(url, "{lines", content_type="application/json", **EN))
    assert english["message"] == "The request's body is not valid JSON."
    error = _refused(client.post(url, "null", content_type="application/json", **ZH))
    assert error["message"] == "未收到任何数据：请求正文为空或为 null。"
    assert "No data provided" not in str(error)


def test_an_unknown_token_is_refused_in_the_readers_language(client, language_kept):
    me = reverse("api-me")
    error = _refused(client.get(me, HTTP_AUTHORIZATION="Token 0123456789abcdef", **ZH), 403)
    assert error["message"] == "登录令牌无效或已注销，请重新登录。"
    english = _refused(client.get(me, HTTP_AUTHORIZATION="Token 0123456789abcdef", **EN), 403)
    assert english["message"] == "Invalid token."


def test_a_list_filter_and_a_grouping_are_named_by_their_labels(client, boss, language_kept):
    from surveys.models import Questionnaire, WaveStatus
    from tests.surveys.conftest import make_wave

    client.force_login(boss)
    error = _refused(client.get(reverse("api-cycles"), {"starts_on__gte": "2026-02-30"}, **ZH))
    assert error["message"].startswith("开始日期 不小于：")
    assert list(error["fields"]) == ["starts_on__gte"]
    error = _refused(client.get(reverse("api-requests"), {"status": "x"}, **ZH))
    assert error["message"].startswith("状态：")
    wave = make_wave(
        Questionnaire.objects.create(name="测评问卷"), opens_on=dt.date(2026, 1, 5), closes_on=dt.date(2026, 1, 20),
        status=WaveStatus.CLOSED,
    )  # fmt: skip
    results = reverse("api-survey-wave-results", args=[wave.pk])
    assert _refused(client.get(results, {"level": "x"}, **ZH))["message"] == "汇总方式“x”不是可选的值。"
    assert _refused(client.get(results, {"level": "x"}, **EN))["message"] == "Grouping “x” is not one of the choices."


# --- a license number and a phone, the same on every path (tester 2026-11-28) ---------------------


@pytest.mark.parametrize(
    ("value", "good"),
    [("420864576998", True), ("manager2", False), ("42086457699", False), ("4208645769981", False),
     ("420864576998 ", False), ("４２０８６４５７６９９８", False), ("", False)],
)  # fmt: skip
def test_a_license_number_is_12_digits(value, good):
    from django.core.exceptions import ValidationError

    from retailers.validators import validate_license_no

    if good:
        validate_license_no(value)
    else:
        with pytest.raises(ValidationError):
            validate_license_no(value)


@pytest.mark.parametrize(
    ("value", "good"),
    [("13800000000", True), ("138 0000 0000", True), ("0731-8888 1234", True), ("+86 138-0000-0000", True),
     ("(0731) 88881234", True), ("", True), ("+1+1", False), ("1", False), ("abc", False), ("138 0000 000a", False),
     ("++8613800000000", False), ("1" * 21, False)],
)  # fmt: skip
def test_a_phone_is_digits_with_an_optional_plus_and_separators(value, good):
    from django.core.exceptions import ValidationError

    from retailers.validators import validate_phone

    if good:
        validate_phone(value)
    else:
        with pytest.raises(ValidationError):
            validate_phone(value)


def test_the_retailer_form_refuses_a_license_number_and_a_phone_that_are_not(client, supervisor):
    from retailers.models import Retailer
    from tests.factories import RetailerFactory
    from tests.security.test_bad_ids import _form_data

    shop = RetailerFactory(license_no="420100000201", phone="13800000000")
    client.force_login(supervisor)
    url = reverse("admin:retailers_retailer_change", args=[shop.pk])
    data = _form_data(client.get(url).context["adminform"].form)
    refused = client.post(url, {**data, "license_no": "manager2", "phone": "+1+1"}, **ZH)
    assert refused.status_code == 200
    errors = refused.context["adminform"].form.errors
    assert errors["license_no"] == ["许可证号为 12 位数字，例如 420864576998。"]
    assert errors["phone"][0].startswith("联系电话应由数字组成")
    assert Retailer.objects.get(pk=shop.pk).license_no == "420100000201"
    assert client.post(url, {**data, "license_no": "420100000202", "phone": "0731-8888 1234"}).status_code == 302
    assert Retailer.objects.get(pk=shop.pk).license_no == "420100000202"


def test_the_customer_import_refuses_them_by_row_and_column(admin_import):
    data = "客户编码,许可证号,区县局,联系电话\nC1,manager2,城关区烟草专卖局,13800000000\nC2,420100000301,城关区烟草专卖局,+1+1\n"
    page = shown(admin_import("customers.csv", data.encode(), kind="customers").content)
    assert "2 许可证号 manager2 不是许可证号（应为 12 位数字）" in page
    assert "3 联系电话 +1+1 不是电话号码" in page
    from retailers.models import Retailer

    assert not Retailer.objects.exists()


@pytest.mark.parametrize("word", ["N/A", "NA", "null", "None", "nan", "无", "abc"])
def test_a_word_in_a_number_column_is_not_a_number_not_a_blank(admin_import, word):
    page = shown(admin_import("orders.csv", _orders_csv(QTY=word), kind="orders").content)
    assert f"2 QTY {word} 不是数字" in page
    assert "必填项为空" not in page
