"""The advice in plain words (Chinese, the default language): what to do, and where the stock
figure comes from."""

import datetime as dt

import pytest
from django.utils import translation

from inventory.engine.advice import Status
from inventory.models import InventoryAdvice
from inventory.selectors import advice_message, one_decimal, stock_basis

AS_OF = dt.date(2026, 11, 25)


@pytest.fixture(autouse=True)
def chinese():
    with translation.override("zh-hans"):
        yield


def row(**fields):
    defaults = {
        "status": Status.HEALTHY, "stock": 5, "stock_is_estimate": True, "weekly_sales": 4.0, "suggested_order": 5,
        "weeks_of_cover": 1.25, "counted_cartons": None, "count_age_days": None, "count_source": None,
        "delivered_since": None, "sold_since": None,
    }  # fmt: skip
    return InventoryAdvice(**{**defaults, **fields})


def test_unknown_stock_asks_for_a_count_and_never_says_short():
    text = advice_message(row(status=Status.UNKNOWN, stock=None, weekly_sales=8.0, suggested_order=8))
    assert text.startswith("库存未知：近期没有盘点。")
    assert "每周期订 8 条（约一周的销量）" in text
    assert "缺货" not in text
    assert "卖得快" not in text
    # 0.25 a week: rounded down to 0, no order until counted
    slow = advice_message(row(status=Status.UNKNOWN, stock=None, weekly_sales=0.25, suggested_order=0))
    assert "每周约卖 0.3 条：盘点之前无需订货" in slow  # 0.25 → 0.3 half-up
    # 6 a week but a quota of 1: the page must not call 1 carton "a week's sales"
    clipped = advice_message(row(status=Status.UNKNOWN, stock=None, weekly_sales=6.0, suggested_order=1))
    assert "盘点之前，订 1 条：限量只有这么多" in clipped
    assert "没有它的限量" in advice_message(row(status=Status.UNKNOWN, stock=None, weekly_sales=6.0, suggested_order=0))


def test_short_on_a_carried_estimate_says_so_and_a_slow_seller_is_not_selling_fast():
    estimate = advice_message(row(status=Status.SHORT, stock=3, weekly_sales=8.0, suggested_order=17))
    assert estimate == "按估算卖得快、快断货了：请看一下货架，建议订 17 条。"
    counted = advice_message(row(status=Status.SHORT, stock=0, stock_is_estimate=False, suggested_order=3))
    assert counted == "卖得快、快断货了：建议订 3 条。"
    slow = advice_message(row(status=Status.HEALTHY, stock=0, weekly_sales=0.25, suggested_order=1))
    assert slow == "卖得慢（每周约 0.3 条）：订 1 条就够了。"


def test_over_stocked_weeks_round_half_up():
    # 18 cartons at 4 a week = 4.5 weeks of cover → "5 周" ("%.0f" alone rounds half to even: "4 周")
    assert "库存约够卖 5 周" in advice_message(row(status=Status.OVER, stock=18, weeks_of_cover=4.5, suggested_order=0))


def test_the_basis_of_a_carried_forward_stock():
    # counted 6 ten days ago (11-15, by the manager), 8 delivered since, 4 a week × 10/7 = 5.71 sold → 8
    carried = row(
        stock=8, weekly_sales=4.0, counted_cartons=6, count_age_days=10, count_source=2, delivered_since=8,
        sold_since=40 / 7,
    )  # fmt: skip
    assert stock_basis(carried, AS_OF) == (
        "估算：10 天前（11月15日，客户经理盘点）盘点 6 条，此后到货 8 条，按每周 4 条估计卖出约 5.7 条。"
    )
    # counted 0 fourteen days ago by the retailer, nothing delivered, 0.5 sold: 0 − 0.5 is kept at 0
    floor = row(
        stock=0, weekly_sales=0.25, counted_cartons=0, count_age_days=14, count_source=3, delivered_since=0,
        sold_since=0.5,
    )  # fmt: skip
    assert stock_basis(floor, AS_OF).endswith("估计卖出约 0.5 条。 （库存不计负数。）")
    today = row(stock=5, stock_is_estimate=False, counted_cartons=5, count_age_days=0, count_source=1)
    assert stock_basis(today, AS_OF) == "今天盘点：5 条（POS 数据）。"
    assert stock_basis(row(status=Status.UNKNOWN, stock=None), AS_OF) == ""


def test_one_decimal_rounds_half_up():
    assert [one_decimal(x) for x in (0.25, 0.35, 1.05, 2.0, 0.04)] == [0.3, 0.4, 1.1, 2.0, 0.0]
