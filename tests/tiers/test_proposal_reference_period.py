"""A tier proposal's page names its reference period as the start page named it: first and last day and
the weeks (tester, walk 13: 立即启动调档 said 2026年8月28日 至 2026年11月26日 and the proposal it made then
read 参考期结束 2026年11月27日, the window's end, which it does not hold)."""

import datetime as dt

import pytest
from django.urls import reverse

from tests.words import EN, ZH, shown
from tiers.models import TierProposal

pytestmark = pytest.mark.django_db


@pytest.fixture
def city():
    from demo.services import demo_city_create

    demo_city_create(retailers=60, products=6, weeks=14, seed=3, today=dt.date(2026, 11, 22))


def test_the_proposal_names_the_period_the_start_page_named(client, supervisor, city, on_friday):
    client.force_login(supervisor)
    client.post(reverse("admin:tiers_tierproposal_start"), {"confirm": "1"})
    proposal = TierProposal.objects.get(run__actor=supervisor)
    page = reverse("admin:tiers_tierproposal_change", args=[proposal.pk])
    zh = shown(client.get(page, **ZH).content)
    assert "参考期（评分所用的进货） 2026年8月28日 至 2026年11月26日（13 周）" in zh
    assert "2026年11月27日" not in zh.split("各档汇总")[0].replace("基准日 2026年11月27日", "")
    en = shown(client.get(page, **EN).content)
    assert "Reference period (purchases scored) Aug. 28, 2026 to Nov. 26, 2026 (13 weeks)" in en
