"""The run report and its publish confirmation say what their figures are (tester, 2026-11-27): a
rotated scarce line reads as a rotation with the shops it served, not as caps of 0 in every tier; the
reported demand's share says it is of the target; the shops without quotas edited since the run are
named, with links, not only counted."""

import re

import pytest
from django.urls import reverse

from allocation.models import CellReport, SupplyPlanLine
from allocation.reports import report_rows
from allocation.services import allocation_run_create
from retailers.models import Retailer
from tests.factories import RetailerFactory
from tests.words import ZH, shown

pytestmark = pytest.mark.django_db


@pytest.fixture
def rotated(planned):
    """A run of the sample city's first cycle in which one line is too scarce for one carton each."""
    line = SupplyPlanLine.objects.filter(cycle=planned, method="A").select_related("product").first()
    SupplyPlanLine.objects.filter(pk=line.pk).update(target=5)
    run = allocation_run_create(cycle=planned)
    return run, line


def _detail(body: str, code: str) -> str:
    """The detail row of the report's first row of product `code`."""
    row = body.split(f"<td>{code} ", 1)[1]
    return row.split('<tr class="row-detail">', 1)[1].split("</details>", 1)[0]


def test_a_rotated_line_reads_as_a_rotation_with_the_shops_served(client, supervisor, rotated):
    run, line = rotated
    row = next(r for r in report_rows(run) if r["product_code"] == line.product.code)
    assert row["rotated"]
    assert row["released"] == 5
    assert row["served"] == 5  # one carton each
    client.force_login(supervisor)
    body = client.get(reverse("admin:allocation_allocationrun_report", args=[run.pk]), {"q": line.product.code}, **ZH)
    detail = _detail(body.content.decode(), line.product.code)
    text = shown(detail.encode())
    assert f"轮换供应，不按档位限量：本周期 {row['eligible']:,} 户符合条件的零售户中供应 5 户" in text
    assert "轮换供应户数 5" in text
    caps = detail.split("每户上限（条）", 1)[1].split("</tr>", 1)[0]
    assert not re.search(r"<td>0</td>", caps)  # no cap of 0 per tier


def test_a_line_by_tier_still_shows_its_caps(client, supervisor, rotated):
    run, line = rotated
    other = next(r for r in report_rows(run) if not r["rotated"] and r["tier_caps"] and r["released"] > 0)
    client.force_login(supervisor)
    body = client.get(reverse("admin:allocation_allocationrun_report", args=[run.pk]), {"q": other["product_code"]}, **ZH)
    detail = _detail(body.content.decode(), other["product_code"])
    caps = detail.split("每户上限（条）", 1)[1].split("</tr>", 1)[0]
    assert re.findall(r"<td>([\d,]+)</td>", caps) == [f"{other[f'D{t}']:,}" for t in range(30, 0, -1)]
    assert "轮换供应" not in shown(detail.encode())


def test_the_reported_share_says_it_is_of_the_target(client, supervisor, rotated):
    run, line = rotated
    cell = CellReport.objects.filter(allocation=run).exclude(plan_line=line).select_related("plan_line__product").first()
    CellReport.objects.filter(pk=cell.pk).update(
        target=2500, figures={**cell.figures, "reported": 180, "reporters": 153}
    )
    client.force_login(supervisor)
    code = cell.plan_line.product.code
    body = client.get(reverse("admin:allocation_allocationrun_report", args=[run.pk]), {"q": code}, **ZH)
    assert "153 户填报 180 条 · 占目标 2,500 条的 7%" in shown(_detail(body.content.decode(), code).encode())


def test_the_publish_confirmation_names_the_shops_without_quotas_edited_since(client, supervisor, rotated):
    run, _line = rotated
    one = RetailerFactory(status="active", name="新开张便利店")
    client.force_login(supervisor)
    url = reverse("admin:allocation_allocationrun_publish", args=[run.pk])
    body = client.get(url, **ZH).content.decode()
    joined = body.split('id="joined"', 1)[1].split("</tr>", 1)[0]
    assert f'href="{reverse("admin:retailers_retailer_change", args=[one.pk])}"' in joined
    assert "新开张便利店" in joined
    assert "等" not in shown(joined.encode())

    more = [RetailerFactory(status="active") for _ in range(6)]
    body = client.get(url, **ZH).content.decode()
    joined = body.split('id="joined"', 1)[1].split("</tr>", 1)[0]
    assert len(re.findall(r'<a href="/admin/retailers/retailer/\d+/change/">', joined)) == 5
    assert "等 7 户" in shown(joined.encode())
    assert Retailer.objects.filter(pk__in=[r.pk for r in more]).count() == 6
