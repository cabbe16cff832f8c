"""A retailer export imports back unchanged (tester 2026-11-28: three retailers exported from the admin list
and uploaded as they were gave six errors, 每周 / 两周一访 无法识别的订货周期 and 周经理10 没有此用户名的客户经理).
The import reads what the export writes: its headers, the labels of every choice column in either language,
the order cycle, day and odd/even weeks as three columns, a manager by name (unique) or login; the preview of
an unchanged export changes nothing."""

from __future__ import annotations

import io
from decimal import Decimal

import pandas as pd
import pytest
from django.urls import reverse
from django.utils import translation

from core.exceptions import InvalidInput
from core.imports.base import import_table
from retailers.admin import RetailerResource
from retailers.models import Retailer
from tests.factories import BranchFactory, DepartmentFactory, RetailerFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def three(manager_a, manager_b):
    manager_a.first_name, manager_b.first_name = "周经理10", "周经理2"
    manager_a.save()
    manager_b.save()
    branch = BranchFactory(name="东城区烟草专卖局(营销部)")
    department = DepartmentFactory(branch=branch, name="东城城关市场部")
    common = {"branch": branch, "department": department}
    return [
        RetailerFactory(
            **common, manager=manager_a, tier=5, order_cycle_kind="weekly", order_weekday=1, business_format="S",
            market_type="urban", urban_rural_code="111", trade_area="market", integrity_group="学府诚信互助小组4组", credit_rating="AA",
        ),
        RetailerFactory(
            **common, manager=manager_b, tier=15, order_cycle_kind="biweekly", order_weekday=3, order_week_parity="odd",
            business_format="B", market_type="rural", urban_rural_code="220", trade_area="residential",
            is_vulnerable=True, vulnerable_reason="残疾人", is_pos_supplier=True, shop_area=Decimal("35.5"),
        ),
        RetailerFactory(
            **common, manager=None, tier=30, order_cycle_kind="not_served", business_format="Y", market_type="urban",
            urban_rural_code="112", trade_area="other", status="suspended", credit_rating="B",
        ),
    ]  # fmt: skip


def _export(client, language: str, file_format: str) -> bytes:
    """The admin list's export of every field, as the supervisor downloads it in `language`."""
    fields = {f"retailerresource_{name}": "on" for name in RetailerResource._meta.fields}
    client.cookies["django_language"] = language
    url = reverse("admin:retailers_retailer_export")
    page = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
    formats = {str(label).lower(): value for value, label in page.context["form"].fields["format"].choices}
    response = client.post(
        url, {"format": formats[file_format], "resource": "0", **fields}, HTTP_ACCEPT_LANGUAGE=language
    )
    assert response.status_code == 200
    return response.content


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("file_format", ["xlsx", "csv"])
def test_an_unchanged_export_previews_as_no_change(client, supervisor, three, language, file_format, language_restored):
    client.force_login(supervisor)
    content = _export(client, language, file_format)
    upload = io.BytesIO(content)
    upload.name = f"零售户.{file_format}"
    before = list(Retailer.objects.order_by("pk").values())
    page = client.post(
        reverse("admin:core_run_import"), {"kind": "customers", "file": upload}, HTTP_ACCEPT_LANGUAGE=language
    )
    assert not page.context.get("errors"), [str(e) for e in page.context.get("errors")]
    preview = page.context["preview"]
    assert (preview.created, preview.updated, preview.unchanged) == (0, 0, 3)
    assert list(Retailer.objects.order_by("pk").values()) == before


def _row(retailer, **cells) -> pd.DataFrame:
    frame = pd.DataFrame(
        [{"客户编码": retailer.customer_code, "许可证号": retailer.license_no, "区县局": retailer.branch.name, **cells}]
    )
    frame.index = [2]
    return frame


def test_the_order_cycle_reads_from_its_three_columns(three):
    weekly, biweekly, not_served = three
    counts = import_table(kind="customers", frame=_row(weekly, 订货周期="两周一访", 订货日="周五", 单双周="双周"))
    assert counts.updated == 1
    weekly.refresh_from_db()
    assert (weekly.order_cycle_kind, weekly.order_weekday, weekly.order_week_parity) == ("biweekly", 5, "even")
    # the old single cell still reads; a kind with no day column keeps the day the shop has
    import_table(kind="customers", frame=_row(biweekly, ORDER_CYCLE="Weekly"))
    biweekly.refresh_from_db()
    assert (biweekly.order_cycle_kind, biweekly.order_weekday, biweekly.order_week_parity) == ("weekly", 3, "")
    import_table(kind="customers", frame=_row(not_served, 订货周期="单周周二"))
    not_served.refresh_from_db()
    assert (not_served.order_cycle_kind, not_served.order_weekday, not_served.order_week_parity) == (
        "biweekly",
        2,
        "odd",
    )


def test_a_contradicting_day_or_a_biweekly_cycle_without_weeks_is_named(three):
    weekly, _biweekly, not_served = three
    frame = pd.concat(
        [
            _row(weekly, 订货周期="周四", 订货日="周五", 单双周=None),
            _row(not_served, 订货周期="两周一访", 订货日="周一", 单双周=None),
        ]
    )
    frame.index = [2, 3]
    with pytest.raises(InvalidInput) as caught, translation.override("zh-hans"):
        import_table(kind="customers", frame=frame)
    with translation.override("zh-hans"):
        found = {(e.row, e.column, str(e.reason)) for e in caught.value.errors}
    assert found == {
        (2, "订货日", "与订货周期“周四”不符"),
        (3, "单双周", "两周一访须写明单周或双周"),
    }, found


def test_a_manager_by_name_when_unique_else_by_login_and_an_ambiguous_name_is_named(three, manager_a, manager_b):
    weekly, biweekly, _ = three
    import_table(kind="customers", frame=_row(weekly, 客户经理="周经理2"))
    weekly.refresh_from_db()
    assert weekly.manager == manager_b
    import_table(kind="customers", frame=_row(weekly, 客户经理="mgr_a"))  # a login
    weekly.refresh_from_db()
    assert weekly.manager == manager_a
    UserFactory(username="mgr_c", first_name="周经理2")  # now two managers share the name
    with pytest.raises(InvalidInput) as caught:
        import_table(kind="customers", frame=_row(biweekly, 客户经理="周经理2"))
    with translation.override("zh-hans"):
        assert [str(e.reason) for e in caught.value.errors] == [
            "有 2 位客户经理名为“周经理2”（用户名 mgr_b、mgr_c），请写用户名"
        ]
    import_table(kind="customers", frame=_row(biweekly, 客户经理="mgr_c"))
    biweekly.refresh_from_db()
    assert biweekly.manager.username == "mgr_c"
    with pytest.raises(InvalidInput) as caught:
        import_table(kind="customers", frame=_row(biweekly, 客户经理="李四"))
    with translation.override("zh-hans"):
        assert [str(e.reason) for e in caught.value.errors] == ["没有此姓名或用户名的客户经理"]


def test_an_assignment_file_names_a_manager_by_name_too(three, manager_b):
    weekly = three[0]
    frame = pd.DataFrame([{"客户编码": weekly.customer_code, "客户经理": "周经理2"}], index=[2])
    assert import_table(kind="assignments", frame=frame).updated == 1
    weekly.refresh_from_db()
    assert weekly.manager == manager_b
