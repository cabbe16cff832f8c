"""The workspace, the per-retailer report (page, XLSX, PDF), the overview and the retailer's own
page: each shows only what its user may see, and the exports match the page."""

from __future__ import annotations

import io
import re
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook
from pypdf import PdfReader

from core.reports.tables import MONEY, display
from profitability.engine.figures import Period
from profitability.engine.planner import plan
from profitability.models import ProfitFigure
from profitability.selectors import budget_plan
from retailers.models import Retailer

pytestmark = pytest.mark.django_db
WORKSPACE = "admin:profitability_workspace"
OVERVIEW = "admin:profitability_overview"


def report_url(retailer, **query):
    url = reverse("admin:profitability_report", args=[retailer.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def test_workspace_lists_only_the_managers_own_retailers(client, manager1, manager2, profits):
    client.force_login(manager1)
    page = client.get(reverse(WORKSPACE)).content.decode()
    own = Retailer.objects.filter(manager=manager1, status="active")
    others = Retailer.objects.filter(manager=manager2, status="active")
    assert f'id="retailer-count">{own.count()}<' in page
    for retailer in own[:5]:
        assert retailer.customer_code in page
    for retailer in others:
        assert retailer.customer_code not in page
    sheet = load_workbook(io.BytesIO(client.get(reverse(WORKSPACE) + "?format=xlsx").content)).active
    codes = {row[0] for row in sheet.iter_rows(min_row=3, values_only=True)}
    assert codes == set(own.values_list("customer_code", flat=True))


def test_workspace_filters_by_alert_and_search(client, manager1, profits):
    client.force_login(manager1)
    retailer = Retailer.objects.filter(manager=manager1, status="active").first()
    page = client.get(reverse(WORKSPACE), {"q": retailer.customer_code}).content.decode()
    assert 'id="retailer-count">1<' in page
    vulnerable = Retailer.objects.filter(manager=manager1, status="active", is_vulnerable=True)
    page = client.get(reverse(WORKSPACE), {"alert": 3}).content.decode()
    assert f'id="retailer-count">{vulnerable.count()}<' in page


def test_report_of_another_managers_retailer_is_not_found(client, manager1, other_shop, profits):
    client.force_login(manager1)
    for query in ({}, {"format": "xlsx"}, {"format": "pdf"}, {"budget": "1000"}):
        assert client.get(report_url(other_shop, **query)).status_code == 404


def test_a_retailer_cannot_open_manager_pages(client, shop, other_shop, profits):
    client.force_login(shop.user)
    for url in (reverse(WORKSPACE), reverse(OVERVIEW), report_url(shop), report_url(other_shop)):
        response = client.get(url)
        assert response.status_code == 302
        assert "/admin/login/" in response["Location"]


def test_overview_is_for_supervisors(client, manager1, profits):
    client.force_login(manager1)
    assert client.get(reverse(OVERVIEW)).status_code == 403
    supervisor = get_user_model().objects.get(username="supervisor")
    client.force_login(supervisor)
    for level in ("manager", "department", "branch"):
        page = client.get(reverse(OVERVIEW), {"level": level, "period": "month"})
        assert page.status_code == 200
    run_total = sum(
        f.gross_profit
        for f in ProfitFigure.objects.filter(profit_run__is_current=True, period=Period.MONTH).order_by(
            "-period_start"
        )[:1]
    )
    assert run_total is not None
    sheet = load_workbook(
        io.BytesIO(client.get(reverse(OVERVIEW), {"level": "branch", "format": "xlsx"}).content)
    ).active
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    latest = ProfitFigure.objects.filter(profit_run__is_current=True, period=Period.WEEK).latest("period_start")
    week_total = sum(
        ProfitFigure.objects.filter(
            profit_run__is_current=True, period=Period.WEEK, period_start=latest.period_start
        ).values_list("gross_profit", flat=True)
    )
    assert sum(r[1] for r in rows) == Retailer.objects.filter(status="active").count()
    assert round(sum(Decimal(str(r[3])) for r in rows), 2) == week_total


def test_report_xlsx_and_pdf_match_the_page(client, manager1, shop, profits):
    client.force_login(manager1)
    page = client.get(report_url(shop)).content.decode()
    month = (
        ProfitFigure.objects.filter(profit_run__is_current=True, retailer=shop, period=Period.MONTH)
        .order_by("-period_start")
        .first()
    )
    shown = display(month.gross_profit, MONEY)
    assert shown in page
    assert "<svg" in page  # the charts
    book = load_workbook(io.BytesIO(client.get(report_url(shop, format="xlsx")).content))
    assert book.worksheets[0].title == "一览"  # the summary the page opens with, then the tables
    summary = list(book.worksheets[1].iter_rows(min_row=3, values_only=True))
    month_row = next(r for r in summary if r[1].date() == month.period_start)
    assert Decimal(str(month_row[5])) == month.gross_profit
    months = list(book.worksheets[2].iter_rows(min_row=3, values_only=True))
    peers = ProfitFigure.objects.filter(
        profit_run__is_current=True, period=Period.MONTH, period_start=month.period_start,
        retailer__tier=shop.tier, retailer__business_format=shop.business_format,
    ).values_list("gross_profit", flat=True)  # fmt: skip
    peer_average = (sum(peers) / len(peers)).quantize(Decimal("0.01"))
    assert Decimal(str(months[-1][6])).quantize(Decimal("0.01")) == peer_average
    assert display(peer_average, MONEY) in page
    pdf = PdfReader(io.BytesIO(client.get(report_url(shop, format="pdf")).content))
    text = "".join(p.extract_text() for p in pdf.pages)
    assert shown in text
    assert re.search(re.escape(display(month.sales, MONEY)), text)


def test_budget_planner_on_the_report_page(client, manager1, shop, profits, city):
    client.force_login(manager1)
    expected, items, _products = budget_plan(retailer=shop, today=city, budget=Decimal(3000))
    assert items, "the demo plan gave this shop no quota"
    assert expected.cost <= 300000
    assert expected.profit == plan(items, 300000).profit
    page = client.get(report_url(shop, budget="3000")).content.decode()
    assert display(Decimal(expected.profit) / 100, MONEY) in page.replace(",", ",")
    assert client.get(report_url(shop, budget="abc")).status_code == 400  # named beside the box, not a crash


def test_retailer_sees_its_own_profit_on_the_phone(client, shop, profits):
    client.force_login(shop.user)
    page = client.get(reverse("portal:profit")).content.decode()
    week = (
        ProfitFigure.objects.filter(profit_run__is_current=True, retailer=shop, period=Period.WEEK)
        .order_by("-period_start")
        .first()
    )
    assert "毛利" in page
    with translation.override("zh-hans"):
        assert f"¥{floatformat(week.gross_profit, '2g')}" in page
    assert 'viewBox="0 0 360 ' in page  # the weekly chart drawn for a phone card, its letters readable there
    assert len(page) < 80_000
