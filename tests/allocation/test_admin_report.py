"""The admin: a run's report (page and XLSX), publishing, a retailer's quotas with reasons, and who may see what."""

import datetime as dt
import io
import re
from html import unescape

import openpyxl
import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation

from allocation.models import AllocationRun, QuotaException, SupplyPlanLine
from allocation.reports import report_glance, report_rows
from allocation.services import allocation_run_create
from core.models import AuditEntry
from retailers.models import Retailer

pytestmark = pytest.mark.django_db


@pytest.fixture
def computed(samples, manager_a, manager_b):
    call_command("import_data", "customers", str(samples / "customers.xlsx"))
    call_command("import_data", "products", str(samples / "products.xlsx"))
    call_command("import_data", "supply_plan", str(samples / "supply_plan.xlsx"))
    retailers = list(Retailer.objects.filter(status="active", tier__gte=5).order_by("pk")[:20])
    Retailer.objects.filter(pk__in=[r.pk for r in retailers[:10]]).update(manager=manager_a)
    Retailer.objects.filter(pk__in=[r.pk for r in retailers[10:]]).update(manager=manager_b)
    return allocation_run_create(cycle=SupplyPlanLine.objects.first().cycle)


def test_report_page_xlsx_and_publish(client, supervisor, manager_a, computed):
    url = reverse("admin:allocation_allocationrun_report", args=[computed.pk])
    client.force_login(manager_a)
    assert client.get(url).status_code == 200
    assert client.post(reverse("admin:allocation_allocationrun_publish", args=[computed.pk])).status_code == 403
    client.force_login(supervisor)
    page = client.get(url)
    assert page.status_code == 200
    assert "91000001" in page.content.decode()
    xlsx = client.get(url, {"format": "xlsx"})
    book = openpyxl.load_workbook(io.BytesIO(xlsx.content))
    sheet = book.active
    headers = [c.value for c in sheet[1]]
    assert {"卷烟编码", "投放单元", "投放量（条）", "按档位上限投放（条）", "扣减（条）", "再分配（条）", "实际投放（条）",
            "未投放（条）", "D30 上限", "D1 上限", "D30 户数", "D1 户数", "提示"} <= set(headers)  # fmt: skip
    assert not any(h.isascii() and h.isidentifier() for h in headers)  # no field names
    assert sheet.title == "货源分配报告"
    assert sheet.max_row - 1 == len(computed.report.all())
    body = page.content.decode()
    assert '{"' not in body  # cells in words, not JSON
    # Publishing asks first: a GET shows what will be promised and changes nothing.
    confirm = client.get(reverse("admin:allocation_allocationrun_publish", args=[computed.pk]))
    assert confirm.status_code == 200
    assert "确认发布" in confirm.content.decode()
    assert not AllocationRun.objects.get(pk=computed.pk).is_published
    assert client.post(reverse("admin:allocation_allocationrun_publish", args=[computed.pk])).status_code == 302
    assert AllocationRun.objects.get(pk=computed.pk).is_published
    assert AuditEntry.objects.filter(action="allocation.publish").exists()


def test_retailer_quotas_page_is_scoped(client, supervisor, manager_a, manager_b, computed):
    client.force_login(supervisor)
    client.post(reverse("admin:allocation_allocationrun_publish", args=[computed.pk]))
    mine = Retailer.objects.filter(manager=manager_a).first()
    theirs = Retailer.objects.filter(manager=manager_b).first()
    client.force_login(manager_a)
    page = client.get(reverse("admin:allocation_retailer_quotas", args=[mine.pk]))
    assert page.status_code == 200
    body = page.content.decode()
    assert f"D{mine.tier}" in body
    assert client.get(reverse("admin:allocation_retailer_quotas", args=[theirs.pk])).status_code == 404


def test_exceptions_only_by_supervisors_and_audited(client, supervisor, manager_a, computed):
    retailer = Retailer.objects.filter(manager=manager_a).first()
    line = SupplyPlanLine.objects.get(product__code="91000001")
    data = {
        "cycle": line.cycle_id,
        "product": line.product_id,
        "retailer": retailer.pk,
        "quota": 7,
        "reason": "开业支持",
    }
    client.force_login(manager_a)
    assert client.post(reverse("admin:allocation_quotaexception_add"), data).status_code == 403
    client.force_login(supervisor)
    assert (
        client.post(reverse("admin:allocation_quotaexception_add"), {**data, "reason": " "}).status_code == 200
    )  # form error
    assert client.post(reverse("admin:allocation_quotaexception_add"), data).status_code == 302
    exception = QuotaException.objects.get()
    assert exception.approved_by == supervisor
    assert AuditEntry.objects.filter(action="allocation.exception", reason="开业支持").exists()


def test_report_shows_what_inspections_say_about_supply(client, supervisor, manager_a, computed):
    from compliance.models import Inspection, InspectionLine

    line = SupplyPlanLine.objects.filter(cycle=computed.cycle).select_related("product").first()
    shop = Retailer.objects.filter(manager=manager_a).first()
    visited = computed.cycle.starts_on - dt.timedelta(days=3)
    guide = line.product.retail_price
    for charged in [guide - 10] * 4 + [guide] * 2:  # 4 of 6 sold below guide
        inspection = Inspection.objects.create(retailer=shop, inspector=manager_a, visited_on=visited)
        InspectionLine.objects.create(
            inspection=inspection, product=line.product, guide_price=guide, tag_present=True, tag_price=guide,
            price_carton=charged,
        )  # fmt: skip
    client.force_login(supervisor)
    page = client.get(reverse("admin:allocation_allocationrun_report", args=[computed.pk]), {"q": line.product.code})
    assert "6 次检查中 67% 低于指导价：可能供过于求" in page.content.decode()
    xlsx = client.get(
        reverse("admin:allocation_allocationrun_report", args=[computed.pk]), {"q": line.product.code, "format": "xlsx"}
    )
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    headers = [c.value for c in sheet[1]]
    assert "价格信号" in headers
    assert "供过于求" in sheet.cell(row=2, column=headers.index("价格信号") + 1).value


def test_a_published_cycles_plan_no_longer_changes(client, supervisor, computed, samples):
    """The plan is what the promised quotas were computed from: after publishing, its lines cannot be
    edited or deleted in the admin and a plan import naming that cycle is refused, nothing written."""
    from core.exceptions import InvalidInput
    from core.imports.base import import_table
    from core.imports.reading import read_table

    client.force_login(supervisor)
    line = SupplyPlanLine.objects.filter(cycle=computed.cycle).first()
    change = reverse("admin:allocation_supplyplanline_change", args=[line.pk])
    assert client.get(change).status_code == 200
    client.post(reverse("admin:allocation_allocationrun_publish", args=[computed.pk]))
    page = client.get(change)
    assert b'name="target"' not in page.content  # read-only now
    data = {"cycle": line.cycle_id, "product": line.product_id, "target": line.target + 100, "method": line.method}
    assert client.post(change, data).status_code == 403
    assert (
        client.post(reverse("admin:allocation_supplyplanline_delete", args=[line.pk]), {"post": "yes"}).status_code
        == 403
    )
    frame = read_table(samples / "supply_plan.xlsx")
    frame.loc[2, "ADV"] = "1"
    with pytest.raises(InvalidInput) as caught:
        import_table(kind="supply_plan", frame=frame)
    with translation.override("en"):
        assert any("published" in str(e.reason) for e in caught.value.errors)
    assert any("已发布" in str(e.reason) for e in caught.value.errors)  # in the reader's language
    line.refresh_from_db()
    assert SupplyPlanLine.objects.get(pk=line.pk).target == line.target


def _texts(html: str, tag: str) -> list[str]:
    """The text of each `tag` element in `html` (tags stripped, spaces collapsed)."""
    found = re.findall(rf"<{tag}\b[^>]*>(.*?)</{tag}>", html, re.S)
    return [" ".join(unescape(re.sub(r"<[^>]+>", " ", f)).split()) for f in found]


def test_the_report_reads_at_a_glance_with_each_rules_cartons_and_tiers_in_its_detail(client, supervisor, computed):
    """Issue 19: the main table has the few columns a supervisor reads (it fit no screen with 44); every
    figure the page showed before is still in the row's detail: each rule's cartons, the method, the caps
    and eligible retailers per tier D30…D1."""
    client.force_login(supervisor)
    body = client.get(reverse("admin:allocation_allocationrun_report", args=[computed.pk])).content.decode()
    table = body.split('id="allocation-lines"', 1)[1]
    assert _texts(table.split("</thead>", 1)[0], "th") == [
        "卷烟", "投放单元", "投放量（条）", "规则前投放（条）", "规则增减（条）", "实际投放（条）", "占投放量", "状态",
    ]  # fmt: skip
    rows = report_rows(computed)
    shown = table.split('<tr class="glance')[1:]
    assert len(shown) == len(rows) > 0
    for row, html in zip(rows, shown, strict=True):
        glance, detail = html.split('<tr class="row-detail">', 1)
        before = row["caps_released"] + row["rotation"]
        change = row["released"] - before
        share = f"{row['released'] * 1000 // row['target'] / 10:g}%" if row["target"] else "—"
        assert _texts(glance, "td")[:7] == [
            f"{row['product_code']} {row['product_name']}", row["cell"], f"{row['target']:,}", f"{before:,}",
            f"+{change:,}" if change > 0 else f"{change:,}", f"{row['released']:,}", share,
        ]  # fmt: skip
        assert _texts(glance, "td")[7].startswith(row["warnings"] or ("全部投放。" if share == "100%" else "—"))
        figures = dict(zip(_texts(detail, "dt"), _texts(detail, "dd"), strict=True))
        assert figures["投放方式"] == row["method"]
        for key, heading in (("caps_released", "按档位上限投放（条）"), ("rotation", "轮换投放（条）"),
                             ("penalties", "扣减（条）"), ("respread", "再分配（条）"), ("bonus", "困难户加量（条）"),
                             ("released", "实际投放（条）"), ("unreleased", "未投放（条）")):  # fmt: skip
            assert figures[heading] == f"{row[key]:,}"
        tiers = detail.split('class="report-table tier-grid"', 1)[1].split("</table>", 1)[0]
        assert _texts(tiers, "th")[1:31] == [f"D{t}" for t in range(30, 0, -1)]
        caps = [f"{row[f'D{t}']:,}" for t in range(30, 0, -1)]
        eligible = [f"{row[f'N{t}']:,}" for t in range(30, 0, -1)]
        if row["rotated"] or not row["tier_caps"]:  # no tier caps: said in words, not as 30 caps of 0
            assert _texts(tiers, "td")[1:] == eligible
            assert ("轮换供应" if row["rotated"] else "不按档位限量") in _texts(tiers, "td")[0]
        else:
            assert _texts(tiers, "td") == caps + eligible
    assert "style=" not in table.split("</table>", 1)[0]  # classes only (core/admin_pages.css)


def test_the_glance_figures_balance_and_the_share_says_100_only_when_all_is_released():
    row = {"caps_released": 370, "rotation": 0, "penalties": -74, "respread": 70, "bonus": 3, "released": 369,
           "target": 400, "warnings": "", **{f"D{t}": 31 - t for t in range(1, 31)}, **{f"N{t}": t for t in range(1, 31)}}  # fmt: skip
    seen = report_glance(row)
    assert (seen["before_rules"], seen["rules_change"], seen["released_share"]) == (370, -1, 92.2)
    assert seen["status"] == "—"  # short of the target without a warning: no word of praise
    assert seen["tiers"][0] == ("D30", 1, 30)
    assert seen["tiers"][-1] == ("D1", 30, 1)
    assert report_glance({**row, "released": 3999, "target": 4000})["released_share"] == 99.9  # never rounded up to 100
    assert report_glance({**row, "released": 400})["status"] == "全部投放。"
    assert report_glance({**row, "warnings": "投放量为 0 条。", "target": 0})["released_share"] is None
    rotated = {**row, "caps_released": 0, "rotation": 12, "penalties": 0, "respread": 0, "bonus": 0, "released": 12}
    assert (report_glance(rotated)["before_rules"], report_glance(rotated)["rules_change"]) == (12, 0)


def test_the_publish_page_of_a_published_run_says_when_and_by_whom(client, supervisor, computed):
    """Tester: on a published run the page still asked 发布这些定量？ and ended with 未完成或已发布, no link back."""
    from tests.words import EN, ZH, shown

    supervisor.first_name, supervisor.last_name = "", "张主任"
    supervisor.save()
    client.force_login(supervisor)
    url = reverse("admin:allocation_allocationrun_publish", args=[computed.pk])
    assert client.post(url).status_code == 302
    computed.refresh_from_db()
    at = timezone.localtime(computed.published_at).strftime("%Y-%m-%d %H:%M")
    page = client.get(url, **ZH)
    text = shown(page.content)
    assert "定量已发布" in text
    assert "发布这些定量？" not in text
    assert "未完成或已发布" not in text
    assert f"已于 {at} 由张主任发布" in text
    body = page.content.decode()
    assert 'id="confirm-publish"' not in body  # no offer to publish again
    assert 'id="recompute"' not in body
    assert reverse("admin:allocation_allocationrun_report", args=[computed.pk]) in body  # back to the report
    summary_target = sum(r.target for r in computed.report.all())
    assert f"{summary_target:,} 条" in text  # its totals
    english = shown(client.get(url, **EN).content)
    assert f"These quotas were published on {at} by 张主任" in english
    assert "Publish these quotas?" not in english
