from __future__ import annotations

import pandas as pd
import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from core.exceptions import InvalidInput
from core.imports.base import import_table
from core.imports.reading import read_table
from core.models import Run, RunStatus
from retailers.models import CountyBranch, MarketDepartment, Retailer
from tests.factories import RetailerFactory, UserFactory

pytestmark = pytest.mark.django_db


def customers_frame(samples) -> pd.DataFrame:
    """The sample export as the importer reads it: index = spreadsheet row number."""
    return read_table(samples / "customers.xlsx")


def test_sample_export_imports_and_maps_labels(samples):
    call_command("import_data", "customers", str(samples / "customers.xlsx"))
    assert Retailer.objects.count() == 400
    first = Retailer.objects.get(customer_code="104208375770")
    assert first.tier == 19  # 十九档
    assert (first.business_format, first.market_type, first.urban_rural_code) == ("Z", "urban", "111")
    assert (first.order_cycle_kind, first.order_weekday) == ("weekly", 4)  # 周四
    assert first.trade_area == "market"  # 集贸区
    assert first.branch.short_name == "南溪"
    assert first.department.name == "石桥市场部"
    biweekly = Retailer.objects.filter(order_cycle_kind="biweekly")
    assert set(biweekly.values_list("order_week_parity", flat=True)) == {"odd", "even"}
    assert Retailer.objects.filter(order_cycle_kind="not_served").count() == 4
    blank_tier = Retailer.objects.get(customer_code="104239014957")
    assert blank_tier.tier is None  # GRADE blank: empty until known
    assert Retailer.objects.filter(is_pos_supplier=True).count() == 25
    assert CountyBranch.objects.count() == 4
    assert MarketDepartment.objects.count() == 10


def test_reimport_changes_nothing(samples, capsys):
    call_command("import_data", "customers", str(samples / "customers.xlsx"))
    before = list(Retailer.objects.order_by("pk").values())
    history = Retailer.history.count()
    call_command("import_data", "customers", str(samples / "customers.xlsx"))
    out = capsys.readouterr().out.strip().splitlines()[-1]
    assert out == "400 rows: 0 created, 0 updated, 400 unchanged"
    after = list(Retailer.objects.order_by("pk").values())
    assert [{k: v for k, v in r.items() if k != "updated_at"} for r in before] == [
        {k: v for k, v in r.items() if k != "updated_at"} for r in after
    ]
    assert Retailer.history.count() == history


def test_one_bad_row_writes_nothing_and_names_row_column_reason(samples, tmp_path, capsys):
    frame = customers_frame(samples)
    frame.loc[7, "GRADE"] = "三十一档"
    bad = tmp_path / "bad.csv"
    frame.to_csv(bad, index=False)
    with pytest.raises(CommandError, match="1 problem"):
        call_command("import_data", "customers", str(bad))
    assert "第 7 行，GRADE 列 ('三十一档')：不是档位" in capsys.readouterr().err  # in the default language
    assert Retailer.objects.count() == 0
    assert CountyBranch.objects.count() == 0
    failed = Run.objects.get(job="import_customers")
    assert failed.status == RunStatus.FAILED


def test_every_bad_row_is_reported(samples):
    frame = customers_frame(samples)
    frame.loc[3, "MARKET_TYPE"] = "郊区"
    frame.loc[4, "ORDER_CYCLE"] = "每月一次"
    frame.loc[10, "CUST_CODE"] = frame.loc[11, "CUST_CODE"]
    frame.loc[20, "COMPANY_BRANCH"] = None
    with pytest.raises(InvalidInput) as caught:
        import_table(kind="customers", frame=frame)
    with translation.override("en"):
        found = {(e.row, e.column, str(e.reason)) for e in caught.value.errors}
    assert (3, "MARKET_TYPE", "unknown market type") in found
    assert (4, "ORDER_CYCLE", "unknown order cycle") in found
    assert (11, "CUST_CODE", "repeats row 10") in found
    assert (20, "COMPANY_BRANCH", "required value is blank") in found
    assert Retailer.objects.count() == 0


def test_missing_required_column_is_named(samples):
    frame = customers_frame(samples).drop(columns=["CUST_ID"])
    with pytest.raises(InvalidInput) as caught:
        import_table(kind="customers", frame=frame)
    assert caught.value.errors[0].row == 1
    with translation.override("en"):
        assert "missing column" in str(caught.value.errors[0].reason)


def test_changed_cell_updates_one_retailer_with_history(samples):
    frame = customers_frame(samples)
    import_table(kind="customers", frame=frame)
    frame.loc[2, "CREDIT_LEVEL"] = "B"
    counts = import_table(kind="customers", frame=frame)
    assert (counts.created, counts.updated, counts.unchanged) == (0, 1, 399)
    retailer = Retailer.objects.get(customer_code=frame.loc[2, "CUST_CODE"])
    assert retailer.credit_rating == "B"
    assert retailer.history.first().credit_rating == "B"
    assert retailer.history.count() == 2


def test_license_number_cannot_move_to_another_customer(db):
    RetailerFactory(customer_code="A1", license_no="420100000101")
    frame = pd.DataFrame(
        {"CUST_CODE": ["B2"], "CUST_ID": ["420100000101"], "COMPANY_BRANCH": ["东城区烟草专卖局(营销部)"]}, index=[2]
    )
    with pytest.raises(InvalidInput) as caught:
        import_table(kind="customers", frame=frame)
    with translation.override("en"):
        assert str(caught.value.errors[0].reason) == "belongs to customer A1"
    assert str(caught.value.errors[0].reason) == "已属于客户 A1"  # zh-hans, the default


def test_our_own_layout_with_manager_and_codes(db):
    manager = UserFactory(username="zhang")
    frame = pd.DataFrame(
        {
            "customer_code": ["X1", "X2"],
            "license_no": ["420100000102", "420100000103"],
            "branch": ["北岗县烟草专卖局", "北岗县烟草专卖局"],
            "tier": ["D30", "5"],
            "order_cycle": ["O2", "N"],
            "business_format": ["S", "食杂店"],
            "manager": ["zhang", None],
        },
        index=[2, 3],
    )
    counts = import_table(kind="customers", frame=frame)
    assert counts.created == 2
    x1, x2 = Retailer.objects.order_by("customer_code")
    assert (x1.tier, x1.order_cycle_kind, x1.order_weekday, x1.order_week_parity) == (30, "biweekly", 2, "odd")
    assert x1.manager == manager
    assert x2.manager is None
    assert (x2.tier, x2.order_cycle_kind, x2.business_format) == (5, "not_served", "B")
    assert x1.branch.short_name == "北岗"


def test_unknown_manager_is_an_error(db):
    frame = pd.DataFrame(
        {"CUST_CODE": ["X1"], "CUST_ID": ["420100000102"], "COMPANY_BRANCH": ["b"], "客户经理": ["nobody"]}, index=[2]
    )
    with pytest.raises(InvalidInput) as caught:
        import_table(kind="customers", frame=frame)
    with translation.override("en"):
        shown = (caught.value.errors[0].column, str(caught.value.errors[0].reason))
    assert shown == (
        "客户经理",
        "no customer manager with this name or username",
    )


def test_dry_run_writes_nothing(samples, capsys):
    call_command("import_data", "customers", str(samples / "customers.xlsx"), "--dry-run")
    assert "dry run" in capsys.readouterr().out
    assert Retailer.objects.count() == 0


def test_assignment_import_sets_manager_and_audits(db):
    retailer = RetailerFactory(customer_code="A1")
    manager = UserFactory(username="li")
    frame = pd.DataFrame({"CUST_CODE": ["A1"], "MANAGER": ["li"]}, index=[2])
    counts = import_table(kind="assignments", frame=frame)
    assert counts.updated == 1
    retailer.refresh_from_db()
    assert retailer.manager == manager
    from core.models import AuditEntry

    entry = AuditEntry.objects.get(action="retailer.assign_manager")
    assert entry.after == {"manager_id": manager.pk}
    assert entry.before == {"manager_id": None}
    assert import_table(kind="assignments", frame=frame).unchanged == 1
