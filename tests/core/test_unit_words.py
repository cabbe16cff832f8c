"""Figures with their units and dates as people write them (tester 2026-11-27), in each language: a price
band of figures with its unit ("≥600" read bare), a report's month as 2025年11月 / November 2025 (it read
"2025-11-01"), a price tag's price with thousands separators (¥1,050.00, it read ¥1050.00), and an admin
export named in the reader's language with the local date (零售户-2026-11-27.xlsx, it was
Retailer-2026-11-26.xlsx: the class name and the UTC date)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from urllib.parse import unquote

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from pricing.models import PriceBand
from tests.factories import ProductFactory, RetailerFactory
from tests.words import EN, ZH, shown

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("language_restored")]


def test_a_price_band_of_figures_reads_with_its_unit():
    from pricing.models import price_band_words

    with translation.override("zh-hans"):
        assert price_band_words("≥600") == "≥600 元/条"
        assert price_band_words("290–400") == "290–400 元/条"
        assert price_band_words("600元以上") == "600元以上"  # says its unit already
        assert price_band_words("—") == "—"
        assert str(PriceBand(label="<109", min_wholesale_price=0)) == "<109 元/条"
    with translation.override("en"):
        assert price_band_words("≥600") == "≥600 yuan per carton"


def test_the_phone_quota_sheet_heads_a_band_with_its_unit():
    from allocation.quota_sheets import BandGroup

    with translation.override("zh-hans"):
        assert BandGroup("≥600").words == "≥600 元/条"


def test_the_products_list_shows_the_band_with_its_unit(client, supervisor):
    band = PriceBand.objects.create(label="≥9000", min_wholesale_price=Decimal(9000))
    ProductFactory(price_band=band, wholesale_price=Decimal("9100.00"))
    client.force_login(supervisor)
    zh = shown(client.get("/admin/pricing/product/", **ZH).content)
    en = shown(client.get("/admin/pricing/product/", **EN).content)
    assert "≥9000 元/条" in zh
    assert "≥9000 yuan per carton" in en


def test_a_report_month_reads_as_a_month():
    from core.reports.tables import MONTH, display

    with translation.override("zh-hans"):
        assert display(dt.date(2025, 11, 1), MONTH) == "2025年11月"
    with translation.override("en"):
        assert display(dt.date(2025, 11, 1), MONTH) == "November 2025"


def test_the_profit_report_months_and_bands(client, supervisor):
    from profitability.tables import _mix, _months

    month = type("F", (), {"period_start": dt.date(2025, 11, 1), "cartons": 3, "sales": 1, "gross_profit": 1,
                           "margin": 0.1, "last_year_profit": None})  # fmt: skip
    report = type("R", (), {"months": [month], "peer_months": {}, "class_mix": [],
                            "band_mix": [{"band": "290–400", "cartons": 5, "sales": 10, "profit": 2}]})  # fmt: skip
    with translation.override("zh-hans"):
        assert _months(report).formatted()[0][0] == "2025年11月"
        assert _mix(report).formatted()[0][0] == "290–400 元/条"
    with translation.override("en"):
        assert _months(report).formatted()[0][0] == "November 2025"


def test_the_price_tag_sheet_groups_its_prices(client, manager_a, retailer_of_a):
    ProductFactory(retail_price=Decimal("1050.00"), packs_per_carton=10)
    client.force_login(manager_a)
    url = reverse("inspections:tag_sheet", args=[retailer_of_a.pk]) + "?all=1"
    zh = shown(client.get(url, **ZH).content)
    en = shown(client.get(url, **EN).content)
    assert "¥1,050.00 / 条" in zh
    assert "¥105.00 / 包" in zh
    assert "¥1,050.00 / carton" in en
    pdf = client.get(url + "&format=pdf", **ZH)
    assert pdf.content.startswith(b"%PDF")


def test_an_export_is_named_in_the_readers_language_with_the_local_date(client, supervisor, settings):
    RetailerFactory(customer_code="C-1")
    client.force_login(supervisor)
    url = reverse("admin:retailers_retailer_export")
    fields = {"retailerresource_customer_code": "on"}
    day = timezone.localdate().isoformat()
    zh = client.post(url, {"format": "1", "resource": "0", **fields}, **ZH)
    en = client.post(url, {"format": "1", "resource": "0", **fields}, **EN)
    assert unquote(zh["Content-Disposition"]) == f"attachment; filename*=utf-8''零售户-{day}.xlsx"
    assert en["Content-Disposition"] == f'attachment; filename="Retailers-{day}.xlsx"'


def test_the_export_date_is_the_local_one_late_at_night(client, supervisor, monkeypatch):
    """At 07:30 in Shanghai it is still yesterday in UTC: the file is named by the local date."""
    morning = dt.datetime(2026, 11, 27, 7, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    monkeypatch.setattr(timezone, "now", lambda: morning.astimezone(dt.UTC))
    RetailerFactory(customer_code="C-1")
    client.force_login(supervisor)
    url = reverse("admin:retailers_retailer_export")
    response = client.post(url, {"format": "1", "resource": "0", "retailerresource_customer_code": "on"}, **EN)
    assert response["Content-Disposition"] == 'attachment; filename="Retailers-2026-11-27.xlsx"'
