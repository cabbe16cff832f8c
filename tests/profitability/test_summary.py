"""The figures the retailer report opens with: golden cases for the arithmetic (pure engine) and the
selector's edge cases (no previous week, no orders, no published quota) in the page's own words."""

from __future__ import annotations

import dataclasses

import pytest
from django.utils import translation

from profitability.engine.summary import Opportunity, quota_left, rank, top_opportunities
from profitability.models import ProfitFigure
from profitability.selectors import report_summary, retailer_report
from profitability.tables import glance, summary_table
from retailers.models import Retailer


def test_rank_is_competition_ranking_highest_first():
    # 100, 80, 80, 50: 80 has one value above it -> rank 2 (shared), 50 has three above -> rank 4
    assert rank(80, [100, 80, 80, 50]) == (2, 4)
    assert rank(50, [100, 80, 80, 50]) == (4, 4)
    assert rank(100, [100, 80, 80, 50]) == (1, 4)
    assert rank(7, [7]) == (1, 1)  # alone in its group


def test_quota_left_never_goes_below_zero_per_product():
    # product 1: 10 - 4 = 6; product 2: 5 - 9 -> 0 (the 4 over do not eat product 1's room);
    # product 3: 3 - 0 = 3 -> 6 + 0 + 3 = 9
    assert quota_left({1: 10, 2: 5, 3: 3}, {1: 4, 2: 9}) == 9
    assert quota_left({1: 10}, {}) == 10  # no order yet
    assert quota_left({}, {1: 4}) == 0  # nothing published


def test_top_three_opportunities_by_value_one_per_product():
    upgrades = [(11, 5, 1_000), (12, 2, 3_000), (13, 0, 9_999), (14, 4, 0)]  # product, room, gain per carton (fen)
    missing = [(21, 6_000), (11, 7_000), (22, 4_000), (23, 0)]  # product, weekly profit (fen)
    # upgrade 11: 5 x 1,000 = 5,000; upgrade 12: 2 x 3,000 = 6,000; 13 has no room, 14 no gain
    # missing 21: 6,000 (ties upgrade 12: the upgrade first); missing 11: 7,000 (beats its upgrade, named once)
    top = top_opportunities(upgrades=upgrades, missing=missing)
    assert [(o.kind, o.product, o.value) for o in top] == [
        ("missing", 11, 7_000), ("upgrade", 12, 6_000), ("missing", 21, 6_000),
    ]  # fmt: skip
    assert top[1] == Opportunity("upgrade", 12, 6_000, room=2, per_carton=3_000)
    assert top_opportunities(upgrades=[], missing=[]) == []


@pytest.fixture
def report(shop, profits, city):
    return retailer_report(retailer=shop, today=city)


@pytest.mark.django_db
def test_summary_reads_the_week_the_managers_rank_and_the_quota_left(report, shop):
    summary = report_summary(report=report)
    week = ProfitFigure.objects.filter(profit_run__is_current=True, retailer=shop, period=1).latest("period_start")
    assert summary.week == week
    same_manager = ProfitFigure.objects.filter(
        profit_run__is_current=True, period=1, period_start=week.period_start, retailer__manager=shop.manager
    )
    assert summary.rank == same_manager.filter(gross_profit__gt=week.gross_profit).count() + 1
    assert summary.rank_of == same_manager.count()
    assert summary.rank_of > 1
    assert report.quota_lines, "the demo published no quota for this shop"
    quotas = {line.product.pk: line.quota for line in report.quota_lines}
    assert summary.quota == sum(quotas.values())
    assert summary.quota_left == sum(max(q - report.ordered.get(p, 0), 0) for p, q in quotas.items())
    assert len(summary.opportunities) <= 3
    values = [o["value"] for o in summary.opportunities]
    assert values == sorted(values, reverse=True)
    with translation.override("zh-hans"):
        shown = dict((key, value) for key, _label, value in glance(summary))
    assert shown["profit"] == f"{week.gross_profit:,.2f} 元"
    assert shown["rank"] == f"第 {summary.rank} 名 / 共 {summary.rank_of} 户"
    assert shown["quota"] == f"{summary.quota_left:,} / {summary.quota:,} 条（{report.cycle.label} 期）"


@pytest.mark.django_db
def test_summary_edge_cases_in_words(report):
    # no previous week: no change to show, said in words
    report.latest[1].previous_profit = None
    no_previous = report_summary(report=report)
    assert no_previous.change is None
    # no orders: no figure at all, hence no profit and no rank
    nothing = report_summary(report=dataclasses.replace(report, latest={}, missing=[], upgrades=[]))
    assert (nothing.week, nothing.rank, nothing.opportunities) == (None, None, [])
    # no published quota this cycle
    unpublished = report_summary(
        report=dataclasses.replace(report, quota_lines=[], ordered={}, cycle=None, quota_note="unpublished")
    )
    assert (unpublished.quota, unpublished.quota_left) == (0, None)
    with translation.override("zh-hans"):
        assert dict((k, v) for k, _l, v in glance(no_previous))["change"] == "无上周数据可比"
        words = dict((k, v) for k, _l, v in glance(nothing))
        assert words["profit"] == "尚无数据"
        assert words["rank"] == "—"
        assert dict((k, v) for k, _l, v in glance(unpublished))["quota"] == "本期货源尚未发布"
        table = summary_table(nothing)
    assert table.title == "一览"
    assert len(table.rows) == 5  # no opportunity rows


@pytest.mark.django_db
def test_a_shop_without_a_manager_ranks_in_its_department(report, shop):
    Retailer.objects.filter(pk=shop.pk).update(manager=None)
    shop.refresh_from_db()
    summary = report_summary(report=dataclasses.replace(report, retailer=shop))
    week = summary.week
    department = ProfitFigure.objects.filter(
        profit_run__is_current=True, period=1, period_start=week.period_start, retailer__department=shop.department
    )
    assert summary.rank_among == "department"
    assert summary.rank_of == department.count()
    assert summary.rank == department.filter(gross_profit__gt=week.gross_profit).count() + 1
