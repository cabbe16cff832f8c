"""The import's preview lists what the import will change, row by row, before anything is written; the
confirmation writes exactly that (or, if the file or the registry changed since, says so and asks again)."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Role
from core.models import Run, RunStatus
from cycles.services import cycle_get_or_create
from orders.models import Order
from pricing.models import Product, ProductPrice
from retailers.models import Retailer
from stock.models import StockCount, StockSource
from tests.factories import BranchFactory, ProductFactory, RetailerFactory, UserFactory
from tests.words import EN, ZH, shown

pytestmark = pytest.mark.django_db

RENAMED = "CIG_CODE,CIG_NAME,WHOLESALE_PRICE,RETAIL_PRICE\n91000002,长河(细支),163.6,190\n91000001,长河(硬红),95.4,110\n"


@pytest.fixture
def page(client, supervisor, settings, tmp_path, language_restored):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(supervisor)
    return client


@pytest.fixture
def products(db):
    ProductFactory(code="91000001", name="长河(硬红)", brand="长河", wholesale_price=Decimal("95.40"),
                   retail_price=Decimal("110.00"))  # fmt: skip
    return ProductFactory(code="91000002", name="青峰(硬红)", brand="青峰", wholesale_price=Decimal("121.00"),
                          retail_price=Decimal("140.00"))  # fmt: skip


def _upload(client, text: str, kind: str = "products", name: str = "products.csv", **headers):
    return client.post(
        reverse("admin:core_run_import"), {"kind": kind, "file": SimpleUploadedFile(name, text.encode())}, **headers
    )


def _changes(response) -> list[str]:
    """The preview's change list, one text per row shown (row, record, its changes)."""
    body = response.content.decode()
    table = re.search(r'<table id="import-changes".*?</table>', body, re.S)
    assert table, "the preview lists no changes"
    return [shown(row.encode()) for row in re.findall(r"<tbody class=\"import-change.*?</tbody>", table.group(0), re.S)]


def _writes(queries) -> list[str]:
    """The statements that wrote, but the session's own (the preview is remembered in the session)."""
    return [
        q["sql"] for q in queries
        if re.match(r"\s*(INSERT|UPDATE|DELETE|REPLACE)", q["sql"], re.I) and "usersession" not in q["sql"]
    ]  # fmt: skip


def test_a_preview_shows_a_rename_and_a_price_change_in_words_and_writes_nothing(page, products):
    with CaptureQueriesContext(connection) as queries:
        preview = _upload(page, RENAMED, **ZH)
    assert not _writes(queries.captured_queries)  # read only: not even a write rolled back
    assert "共 2 行：新增 0，更新 1，未变 1。" in shown(preview.content)
    [row] = _changes(preview)
    assert row.startswith("2 91000002 青峰(硬红)")  # the record as the registry knows it
    assert "名称 青峰(硬红) → 长河(细支)" in row
    assert "品牌 青峰 → 长河" in row
    assert "批发价 121.00 元 → 163.60 元" in row
    assert "零售指导价 140.00 元 → 190.00 元" in row
    body = preview.content.decode()
    assert re.search(r'class="[^"]*import-change-key[^"]*"[^>]*>\s*<strong>批发价', body)  # a price change stands out
    assert "批发价 1 行" in shown(preview.content)  # and is counted for the whole file
    product = Product.objects.get(code="91000002")
    assert (product.name, product.wholesale_price) == ("青峰(硬红)", Decimal("121.00"))
    assert not ProductPrice.objects.exists()
    assert not Run.objects.exists()

    english = _upload(page, RENAMED, **EN)
    [row] = _changes(english)
    assert "Name 青峰(硬红) → 长河(细支)" in row
    assert "Wholesale price 121.00 yuan → 163.60 yuan" in row
    assert "元" not in row


def test_a_new_row_is_shown_as_new_with_its_values(page, products):
    preview = _upload(page, RENAMED + "91000099,白鹭(金),1234.5,1500\n", **ZH)
    rows = _changes(preview)
    assert len(rows) == 2
    assert rows[1].startswith("4 91000099 白鹭(金) 新增")
    assert "批发价 1,234.50 元" in rows[1]
    assert "→" not in rows[1]


def test_a_large_file_shows_the_first_rows_and_counts_the_rest(page):
    lines = "".join(f"9{n:07d},品牌(规格{n}),100,120\n" for n in range(1, 131))
    preview = _upload(page, "CIG_CODE,CIG_NAME,WHOLESALE_PRICE,RETAIL_PRICE\n" + lines, **ZH)
    rows = _changes(preview)
    assert len(rows) == 50
    assert rows[0].startswith("2 90000001")
    assert rows[-1].startswith("51 90000050")
    assert "另有 80 行变更" in shown(preview.content)
    assert "another 80 changed rows" in shown(_upload(page, "CIG_CODE,CIG_NAME,WHOLESALE_PRICE,RETAIL_PRICE\n" + lines, **EN).content)


def test_an_unchanged_file_lists_no_changes(page, products):
    preview = _upload(page, "CIG_CODE,CIG_NAME,WHOLESALE_PRICE,RETAIL_PRICE\n91000001,长河(硬红),95.4,110\n", **ZH)
    assert "未变 1" in shown(preview.content)
    assert 'id="import-changes"' not in preview.content.decode()
    assert "导入不会改变任何数据" in shown(preview.content)


def test_the_confirmation_imports_what_was_previewed(page, products):
    preview = _upload(page, RENAMED)
    page.post(reverse("admin:core_run_import"), {"confirm": "1", "token": preview.context["token"]})
    product = Product.objects.get(code="91000002")
    assert (product.name, product.brand, product.wholesale_price) == ("长河(细支)", "长河", Decimal("163.60"))
    assert Run.objects.get().status == RunStatus.SUCCEEDED


def test_a_registry_changed_since_the_preview_is_said_and_previewed_again(page, products):
    preview = _upload(page, RENAMED, **ZH)
    Product.objects.filter(code="91000002").update(wholesale_price=Decimal("150.00"))  # someone else, meanwhile
    again = page.post(reverse("admin:core_run_import"), {"confirm": "1", "token": preview.context["token"]}, **ZH)
    assert again.status_code == 200
    assert "自预览以来，文件或系统中的数据已有变化" in shown(again.content)
    [row] = _changes(again)
    assert "批发价 150.00 元 → 163.60 元" in row  # what the import would now change
    assert not Run.objects.exists()
    assert Product.objects.get(code="91000002").name == "青峰(硬红)"  # nothing written
    page.post(reverse("admin:core_run_import"), {"confirm": "1", "token": again.context["token"]})
    assert Product.objects.get(code="91000002").wholesale_price == Decimal("163.60")


def test_a_worker_finding_the_registry_changed_writes_nothing_and_says_so(page, products, settings, monkeypatch):
    settings.IMPORT_ASYNC_ROW_THRESHOLD = 1
    sent = {}
    monkeypatch.setattr("core.admin_imports.import_file_task.delay", lambda **kw: sent.update(kw))
    preview = _upload(page, RENAMED)
    done = page.post(reverse("admin:core_run_import"), {"confirm": "1", "token": preview.context["token"]})
    Product.objects.filter(code="91000001").update(name="别的名字")  # between the confirmation and the worker
    from core.exceptions import DomainError
    from core.tasks import import_file_task

    with pytest.raises(DomainError):
        import_file_task.run(**sent)
    run = Run.objects.get()
    assert run.status == RunStatus.FAILED
    assert Product.objects.get(code="91000002").name == "青峰(硬红)"
    body = shown(page.get(done.url, **ZH).content)
    assert "自预览以来，文件或系统中的数据已有变化" in body


def test_customer_changes_name_tier_manager_and_status_in_words(page, manager_a):
    branch = BranchFactory(name="南溪县烟草专卖局(营销部)", short_name="南溪")
    manager_a.first_name = "张伟"
    manager_a.save()
    newcomer = UserFactory(username="mgr_new", role=Role.MANAGER, first_name="李芳")
    RetailerFactory(customer_code="104208375770", license_no="104208375770", name="石桥便利店", branch=branch,
                    tier=19, manager=manager_a, credit_rating="AA", status="active")  # fmt: skip
    csv = (
        "CUST_CODE,CUST_ID,COMPANY_BRANCH,GRADE,CREDIT_LEVEL,BUSINESS_STATUS,MANAGER,CUST_NAME\n"
        f"104208375770,104208375770,{branch.name},二十一档,A,歇业,{newcomer.username},石桥便利店\n"
        f"104299999999,104299999999,{branch.name},五档,AA,有效,,新开小店\n"
    )
    preview = _upload(page, csv, kind="customers", name="customers.csv", **ZH)
    changed, new = _changes(preview)
    assert changed.startswith("2 104208375770 石桥便利店")
    assert "档位 D19 → D21" in changed
    assert "客户经理 张伟 → 李芳" in changed
    assert "诚信等级 AA → A" in changed
    assert "状态 有效 → 暂停" in changed  # the choice's label, not its stored value
    body = preview.content.decode()
    for label in ("档位", "客户经理", "状态"):
        assert re.search(rf'class="[^"]*import-change-key[^"]*"[^>]*>\s*<strong>{label}', body)
    assert new.startswith("3 104299999999 新开小店 新增")
    assert "档位 D5" in new
    assert Retailer.objects.count() == 1
    english = _changes(_upload(page, csv, kind="customers", name="customers.csv", **EN))[0]
    assert "Tier D19 → D21" in english
    assert "Status Active → Suspended" in english


def test_assignment_changes_name_the_managers(page, manager_a, manager_b):
    RetailerFactory(customer_code="C1", name="甲店", manager=manager_a)
    preview = _upload(page, f"CUST_CODE,MANAGER\nC1,{manager_b.username}\n", kind="assignments", name="a.csv", **ZH)
    [row] = _changes(preview)
    assert row.startswith("2 C1 甲店")
    assert f"客户经理 {manager_a.username} → {manager_b.username}" in row  # no full name: the login


def test_supply_plan_changes_show_the_cycle_product_and_target(page, products):
    cycle = cycle_get_or_create(starts_on=dt.date(2026, 11, 23))
    from allocation.models import SupplyPlanLine

    SupplyPlanLine.objects.create(cycle=cycle, product=products, target=5000, method="A")
    csv = (
        "YEAR,MONTH,WEEK_SEQ,CIG_CODE,DELIVERY_METHOD,ADV,DELIVERY_AREA,HIGHEST_GRADE,LOWEST_GRADE\n"
        f"{cycle.year},{cycle.month},{cycle.week_seq},91000002,按档位投放,5230,全市,D30,D3\n"
    )
    [row] = _changes(_upload(page, csv, kind="supply_plan", name="plan.csv", **ZH))
    assert f"{cycle.label} · 91000002 青峰(硬红)" in row
    assert "预投放量（条） 5,000 条 → 5,230 条" in row
    assert "最低档位 D1 → D3" in row
    assert not SupplyPlanLine.objects.filter(target=5230).exists()


def test_order_and_stock_changes_show_retailer_product_and_quantities(page, products):
    retailer = RetailerFactory(customer_code="C1", name="甲店")
    cycle = cycle_get_or_create(starts_on=dt.date(2026, 11, 23))
    Order.objects.create(cycle=cycle, retailer=retailer, product=products, ordered_qty=3, amount=Decimal("363.00"))
    csv = f"CYCLE,CUST_CODE,CIG_CODE,QTY\n{cycle.year}-{cycle.month}-{cycle.week_seq},C1,91000002,5\n"
    [row] = _changes(_upload(page, csv, kind="orders", name="orders.csv", **ZH))
    assert f"{cycle.label} · C1 甲店 · 91000002 青峰(硬红)" in row
    assert "3 条 → 5 条" in row
    assert "363.00 元 → 605.00 元" in row
    assert Order.objects.get().ordered_qty == 3

    day = dt.date(2026, 1, 5)
    StockCount.objects.create(retailer=retailer, product=products, counted_on=day, cartons=7, source=StockSource.POS)
    csv = f"CUST_CODE,CIG_CODE,STOCK_QTY,COUNT_DATE\nC1,91000002,9,{day}\nC1,91000001,2,{day}\n"
    changed, new = _changes(_upload(page, csv, kind="stock", name="stock.csv", **ZH))
    assert "2026-01-05 · C1 甲店 · 91000002 青峰(硬红)" in changed
    assert "7 条 → 9 条" in changed
    assert "新增" in new
    assert StockCount.objects.get().cartons == 7


def test_each_kind_writes_exactly_its_plan_so_the_same_file_plans_nothing_after(samples, tmp_path):
    """Every kind the flow offers: the preview of a file counts what its import then writes (the counts
    match), and once written, the same file's preview finds nothing left to change."""
    from core.imports.base import IMPORTERS, import_file, import_preview

    retailer = RetailerFactory(customer_code="C1")
    ProductFactory(code="91000001", name="长河(硬红)")
    manager = UserFactory(username="mgr_x", role=Role.MANAGER)
    (tmp_path / "orders.csv").write_text("CYCLE,CUST_CODE,CIG_CODE,QTY,QUOTA\n2026-11-4,C1,91000001,3,5\n", "utf-8")
    (tmp_path / "stock.csv").write_text("CUST_CODE,CIG_CODE,STOCK_QTY,COUNT_DATE\nC1,91000001,4,2026-01-05\n", "utf-8")
    (tmp_path / "assignments.csv").write_text(f"CUST_CODE,MANAGER\nC1,{manager.username}\n", "utf-8")
    files = {
        "products": samples / "products.xlsx",
        "customers": samples / "customers.xlsx",
        "supply_plan": samples / "supply_plan.xlsx",
        "orders": tmp_path / "orders.csv",
        "stock": tmp_path / "stock.csv",
        "assignments": tmp_path / "assignments.csv",
    }
    assert set(files) == set(IMPORTERS)
    for kind, path in files.items():
        plan, _ = import_preview(kind=kind, source=path)
        assert plan.changed, kind
        counts = import_file(kind=kind, source=path, expected=plan.digest)
        assert counts.as_dict() == plan.counts.as_dict(), kind
        again, words = import_preview(kind=kind, source=path)
        assert (again.changed, words["rows"]) == (0, []), kind
    assert Retailer.objects.get(pk=retailer.pk).manager == manager
