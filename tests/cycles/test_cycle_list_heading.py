"""The order cycle list heads its first column in words (tester, walk 13: 订货周期 list read "Label" above
2026-12-1, an English attribute name on a Chinese page)."""

import datetime as dt

import pytest
from django.urls import reverse

from cycles.services import cycle_get_or_create
from tests.words import EN, ZH, shown

pytestmark = pytest.mark.django_db


def test_the_first_column_is_headed_order_cycle(client, supervisor):
    cycle_get_or_create(starts_on=dt.date(2026, 12, 7))
    client.force_login(supervisor)
    url = reverse("admin:cycles_ordercycle_changelist")
    zh = shown(client.get(url, **ZH).content)
    assert "Label" not in zh
    first_heading = zh.split("开始日期", 1)[0].rsplit("filter_list", 1)[1]  # the headings row, before 开始日期
    assert "订货周期" in first_heading
    en = shown(client.get(url, **EN).content)
    assert "Label" not in en
    assert "Order cycle" in en.split("Starts", 1)[0].rsplit("filter_list", 1)[1]
