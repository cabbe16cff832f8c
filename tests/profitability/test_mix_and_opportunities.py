"""The retailer report's price-class half pie reads its numbers (条 and %) in the legend, and the
opportunities are titled by how many there are (walker: "三大增收机会" over 2 items)."""

import dataclasses
import re

import pytest
from django.urls import reverse
from django.utils import translation

from profitability import admin as profit_admin
from profitability.charts import mix_parts


def test_each_class_names_its_cartons_and_share():
    # 1,200 + 600 + 0 + 200 = 2,000 cartons: 60.0%, 30.0%, 0.0%, 10.0%; 1/3 = 33.333… → 33.3 (half-up)
    with translation.override("zh-hans"):
        parts = mix_parts([("1", 1200), ("2", 600), ("3", 0), ("4", 200)])
        thirds = mix_parts([("1", 1), ("2", 2)])
    assert [label for label, _n in parts] == [
        "1类：1,200 条（60.0%）", "2类：600 条（30.0%）", "3类：0 条（0.0%）", "4类：200 条（10.0%）",
    ]  # fmt: skip
    assert [n for _label, n in parts] == [1200, 600, 0, 200]
    assert [label for label, _n in thirds] == ["1类：1 条（33.3%）", "2类：2 条（66.7%）"]


@pytest.mark.django_db
@pytest.mark.parametrize(("count", "title"), [(2, "增收机会"), (3, "前三项增收机会")])
def test_the_report_shows_the_mix_in_numbers_and_titles_the_opportunities_by_count(
    client, manager1, shop, profits, monkeypatch, count, title
):
    real = profit_admin.report_summary

    def with_opportunities(**kwargs):
        summary = real(**kwargs)
        made = [
            {"kind": "missing", "product": f"品规{i}", "value": 10.0 * i, "room": 1, "per_carton": 1.0}
            for i in range(count)
        ]
        return dataclasses.replace(summary, opportunities=made)

    monkeypatch.setattr(profit_admin, "report_summary", with_opportunities)
    monkeypatch.setattr(profit_admin, "opportunity_text", lambda o: o["product"])
    client.force_login(manager1)
    with translation.override("zh-hans"):
        page = client.get(reverse("admin:profitability_report", args=[shop.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans")
    page = page.content.decode()
    box = page[page.index('id="glance-opportunities"') :]
    box = box[: box.index("</div>")]
    assert re.search(r"<span>([^<]+)</span>", box).group(1) == title
    assert box.count("<li>") == count
    assert "三大" not in page
    mix = page[page.index('id="mix-chart"') :]  # the demo shop bought in the 13 weeks
    mix = mix[: mix.index("</svg>")]
    assert re.search(r"类：[\d,]+ 条（\d+\.\d%）", mix), "the legend gives cartons and share"
