"""The figures page and API read the stored requests (times in Asia/Shanghai) and the signals selector
reads what customer_value needs; hand-computed, as in test_figures_engine.py."""

import datetime as dt
import io
import math

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from service_requests.admin import figures_table, shown_rows
from service_requests.models import ServiceRequest, Status
from service_requests.selectors import request_figures, request_signals

from .conftest import at

pytestmark = pytest.mark.django_db
NOW = at("2026-11-16 12:00")


def add(shop, filed, due, answered=None, resolved=None, rating=None, category="quota", manager=None):
    status = Status.RESOLVED if resolved else Status.ANSWERED if answered else Status.OPEN
    return ServiceRequest.objects.create(
        retailer=shop, manager=manager or shop.manager, category=category, text="…", status=status,
        filed_at=at(filed), due_at=at(due), answered_at=answered and at(answered),
        resolved_at=resolved and at(resolved), rating=rating,
    )  # fmt: skip


@pytest.fixture
def stored(shop_a, shop_a2, shop_b):
    # manager A's two shops: the engine test's A1–A4; manager B's: B1, B2 (see test_figures_engine.py)
    add(shop_a, "2026-11-02 09:00", "2026-11-04 09:00", "2026-11-02 14:00", "2026-11-03 10:00", 5)
    add(shop_a2, "2026-11-06 15:00", "2026-11-10 15:00", "2026-11-09 10:00", "2026-11-11 09:00", 2)
    add(shop_a, "2026-11-10 08:00", "2026-11-12 08:00", "2026-11-13 10:00")
    add(shop_a2, "2026-11-16 09:00", "2026-11-18 09:00")
    add(shop_b, "2026-11-04 10:00", "2026-11-06 10:00", "2026-11-04 12:00", "2026-11-04 12:00", 4)
    add(shop_b, "2026-11-05 10:00", "2026-11-09 10:00", "2026-11-05 14:00", "2026-11-09 10:00")
    add(shop_b, "2026-10-30 10:00", "2026-11-03 10:00")  # filed before the range: left out


def test_figures_by_manager_from_the_database(stored, supervisor):
    figures = request_figures(
        user=supervisor, level="manager", start=dt.date(2026, 11, 1), end=dt.date(2026, 11, 16), now=NOW
    )
    a, b = figures.rows  # most requests first
    assert (a.label, a.requests, a.answered, a.median_response_hours) == ("mgr_a", 4, 3, 19)  # 5, 19, 74 h
    assert (a.resolved, a.judged, a.in_time, a.open_overdue, a.rated, a.mean_rating) == (2, 3, 1, 1, 2, 3.5)
    assert (b.label, b.requests, b.median_response_hours, b.in_time_share, b.mean_rating) == ("mgr_b", 2, 3, 1.0, 4.0)
    total = figures.total
    assert (total.requests, total.median_response_hours, total.in_time, total.judged) == (6, 5, 3, 5)
    # the page: units and the total row (19 h = 0.8 working days; 1 of 3 in time = 33.3%; (5 + 2) ÷ 2 = 3.50)
    rows = shown_rows(figures_table(figures))
    assert rows[0] == ["mgr_a", "4", "3", "19.0 小时", "0.8 天", "2", "50.0%", "1", "3", "33.3%", "1", "2", "3.50 分"]
    assert rows[-1][0] == "合计"
    assert rows[-1][3] == "5.0 小时"
    assert rows[-1][9] == "60.0%"


def test_a_manager_sees_the_figures_of_their_own_retailers(stored, manager_a):
    figures = request_figures(
        user=manager_a, level="branch", start=dt.date(2026, 11, 1), end=dt.date(2026, 11, 16), now=NOW
    )
    assert [r.requests for r in figures.rows] == [4]
    assert figures.total.requests == 4


def test_the_page_groups_thousands_and_downloads_numbers(client, supervisor, shop_a):
    ServiceRequest.objects.bulk_create(
        ServiceRequest(retailer=shop_a, manager=shop_a.manager, category="price", text="…", filed_at=at("2026-11-02 09:00"),
                       due_at=at("2026-11-04 09:00"), answered_at=at("2026-11-02 10:30"), status=Status.ANSWERED)
        for _ in range(1234)
    )  # fmt: skip
    client.force_login(supervisor)
    url = reverse("admin:service_requests_figures")
    page = client.get(url, {"level": "department", "start": "2026-11-01", "end": "2026-11-16"}).content.decode()
    assert "东城市场部" in page
    assert "<td>1,234</td>" in page
    assert "1.5 小时" in page
    assert "0.1 天" in page
    assert "nan" not in page
    assert "None" not in page
    response = client.get(url, {"level": "department", "start": "2026-11-01", "end": "2026-11-16", "format": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    header = [c.value for c in sheet[2]]
    first = [c.value for c in sheet[3]]
    assert header[:4] == ["市场部", "诉求数", "已答复", "响应时间中位数（工作小时）"]
    assert first[:4] == ["东城市场部", 1234, 1234, 1.5]
    assert client.get(url, {"start": "2026-11-20", "end": "2026-11-01"}).status_code == 400


def test_request_signals_from_the_database(shop_a, shop_b):
    # shop A: quota on 20 Sep and again on 10 Nov (51 days: a repeat), the second unresolved past its due
    # (12 Nov 09:00); rated the first 4. Shop B: nothing in the window, one rating of 2 long ago.
    add(shop_a, "2026-09-20 10:00", "2026-09-22 10:00", "2026-09-21 10:00", "2026-09-21 10:00", 4)
    add(shop_a, "2026-11-10 09:00", "2026-11-12 09:00", "2026-11-10 10:00")
    add(shop_b, "2026-03-02 10:00", "2026-03-04 10:00", "2026-03-02 11:00", "2026-03-02 11:00", 2)
    # 23:30 on 16 Nov local is 15:30 UTC the same day: still "today", counted
    add(shop_b, "2026-11-16 23:30", "2026-11-18 23:30", category="delivery")
    out = request_signals(retailer_ids=[shop_a.pk, shop_b.pk, 999_999], today=dt.date(2026, 11, 16))
    assert out.loc[shop_a.pk].tolist() == [1, 2, 1, 4.0]
    assert out.loc[shop_b.pk].tolist() == [0, 1, 0, 2.0]
    assert out.loc[999_999, ["open_overdue", "complaints_90d", "repeated_90d"]].tolist() == [0, 0, 0]
    assert math.isnan(out.loc[999_999, "mean_rating"])
    many = request_signals(retailer_ids=[shop_a.pk, *range(10**6, 10**6 + 1500)], today=dt.date(2026, 11, 16))
    assert len(many) == 1501
    assert many.loc[shop_a.pk].tolist() == [1, 2, 1, 4.0]
    assert list(request_signals(retailer_ids=None, today=dt.date(2026, 11, 16)).index) == sorted([shop_a.pk, shop_b.pk])
