"""Report charts that read at a glance (zero baseline, units, legends only for series with data,
thousands separators, phone size) and a PDF whose Chinese and punctuation survive."""

from __future__ import annotations

import io
import os
import re

import pytest
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from core.reports.charts import bars, shares, trend
from core.reports.exports import report_pdf
from core.reports.pdf import CID_FONT, CJK_FONT, EMBEDDED_FONT
from core.reports.tables import TEXT, Table, natural_key

AMOUNTS = [324_000, 327_500, 330_250]


def y_labels(svg: str) -> list[str]:
    axis = svg[svg.index('class="axis y') :]
    axis = axis[: axis.index("</g></g>") + 8]
    return re.findall(r"<text[^>]*>([^<]+)</text>", axis)


@pytest.mark.parametrize("draw", [trend, bars])
def test_amounts_start_at_zero_with_unit_and_separators(draw):
    with translation.override("zh-hans"):
        svg = draw("毛利", ["01", "02", "03"], {"本期": AMOUNTS, "去年同期": [None, None, None]}, unit="元")
    labels = y_labels(svg)
    assert labels[0] == "0"  # the axis starts at zero, not at 324,000
    assert any(re.fullmatch(r"\d{1,3}(,\d{3})+", label) for label in labels)  # 300,000 grouped
    assert ">元<" in svg  # the unit as the axis title
    assert "本期" in svg
    assert "去年同期" not in svg  # a series without a single value has no legend entry
    assert svg.startswith('<svg width="100%"')  # as wide as its box


def test_english_labels_are_grouped_too():
    with translation.override("en"):
        svg = bars("Gross profit", ["a", "b", "c"], {"This year": AMOUNTS}, unit="yuan")
    # 0 … 330,250: 330,250 / 5 = 66,050 → step 100,000; the top gridline 400,000 is above the data
    # (pygal's own labels stopped at 320,000, below the last bar)
    assert y_labels(svg) == ["0", "100,000", "200,000", "300,000", "400,000"]


def test_phone_chart_is_drawn_narrow_with_big_letters():
    svg = trend("每周毛利", [f"{w:02d}" for w in range(26)], {"毛利": list(range(26))}, size="phone")
    assert 'viewBox="0 0 360 ' in svg  # drawn 360 wide: ~0.86x in a 308 px card
    sizes = [float(s) for s in re.findall(r"font-size:\s*([\d.]+)px", svg)]
    assert min(sizes) >= 13  # 13 x 308/360 = 11.1 px on a 360 px phone


def test_shares_leave_out_empty_parts():
    svg = shares("结构", [("一类", 10), ("二类", 0), ("三类", 5)])
    assert "一类" in svg
    assert "三类" in svg
    assert "二类" not in svg


def test_managers_sort_naturally():
    names = ["manager10 · 王", "manager2 · 李", "manager1 · 张", "manager11 · 赵"]
    assert sorted(names, key=natural_key) == ["manager1 · 张", "manager2 · 李", "manager10 · 王", "manager11 · 赵"]


def test_pdf_keeps_chinese_and_punctuation_in_a_cmap_that_maps_them():
    text = "档位 D5 · 数据截至 2026-11-16 — 毛利率 13.8％"
    pdf = report_pdf(text, "等级 · 副标题", [Table("t", "一览", ["指标", "数值"], [TEXT, TEXT], [["环比", "—"]])])
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    extracted = page.extract_text()
    for part in ("档位 D5 · 数据截至", "— 毛利率 13.8％", "等级 · 副标题", "一览", "环比"):
        assert part in extracted
    fonts = [f.get_object() for f in page["/Resources"]["/Font"].values()]
    if CJK_FONT == EMBEDDED_FONT:  # a TrueType CJK font on the machine: embedded, subset to the glyphs used
        chinese = next(f for f in fonts if "WenQuanYi" in str(f["/BaseFont"]) or "Hei" in str(f["/BaseFont"]))
        assert "/FontFile2" in chinese["/FontDescriptor"].get_object()
    else:  # reportlab's CID font, named: UniGB-UCS2-H (its default) has no U+00B7, readers drew "·" as "�"
        chinese = next(f for f in fonts if f["/BaseFont"] == "/STSong-Light")
        assert chinese["/Encoding"] == "/UniGB-UTF16-H"


def test_ci_embeds_the_chinese_font():
    # CI installs fonts-wqy-microhei (.ci/run): there every PDF must carry its Chinese font.
    if os.environ.get("CI"):
        assert CJK_FONT == EMBEDDED_FONT
    else:
        assert CJK_FONT in (EMBEDDED_FONT, CID_FONT)


@pytest.mark.django_db
def test_report_page_and_pdf_open_with_the_summary_and_charts(client, manager1, shop, profits):
    client.force_login(manager1)
    url = reverse("admin:profitability_report", args=[shop.pk])
    with translation.override("zh-hans"):
        page = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
        pdf = PdfReader(io.BytesIO(client.get(url + "?format=pdf", HTTP_ACCEPT_LANGUAGE="zh-hans").content))
    summary, charts, first_table = page.index('id="summary"'), page.index('id="trend-chart"'), page.index("<details")
    assert summary < charts < first_table  # summary, then charts, then the tables folded away
    for key in ("profit", "change", "rank", "alerts", "quota", "opportunities"):
        assert f'id="glance-{key}"' in page
    assert "<table" not in page[:first_table]
    text = "".join(p.extract_text() for p in pdf.pages)
    assert f"档位 D{shop.tier} · 数据截至" in text  # the subtitle's middle dot intact
    for words in ("一览", "环比上周", "可订剩余货源", "每周毛利", "每月毛利"):  # the summary, the charts
        assert words in text
    assert "元" in text
    assert "\ufffd" not in text
