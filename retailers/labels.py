"""How the marketing system's exports spell our vocabularies (docs/domain.md §2, §8).

Each map takes every known spelling (Chinese label, national code, our own code)
to the stored value. Matching folds full-width brackets, spaces and case.
"""

from django.conf import settings
from django.utils import translation

from cycles.models import WeekParity

from .vocabulary import (
    BusinessFormat,
    CreditRating,
    MarketType,
    OrderCycleKind,
    RetailerStatus,
    TradeArea,
    UrbanRuralCode,
    Weekday,
)


def _with_own_codes(mapping: dict[str, str], choices) -> dict[str, str]:
    return {**{value: value for value in choices.values}, **mapping}


BUSINESS_FORMAT = _with_own_codes(
    {
        "便利店": BusinessFormat.CONVENIENCE,
        "食杂店": BusinessFormat.GROCERY,
        "超市": BusinessFormat.SUPERMARKET,
        "商场": BusinessFormat.MALL,
        "烟酒商店": BusinessFormat.TOBACCO_SHOP,
        "烟酒店": BusinessFormat.TOBACCO_SHOP,
        "烟草专业店": BusinessFormat.TOBACCO_SHOP,
        "烟草专卖店": BusinessFormat.TOBACCO_SHOP,
        "娱乐服务类": BusinessFormat.ENTERTAINMENT,
        "娱乐服务": BusinessFormat.ENTERTAINMENT,
        "其他": BusinessFormat.OTHER,
        "其它": BusinessFormat.OTHER,
    },
    BusinessFormat,
)

MARKET_TYPE = _with_own_codes(
    {"城网": MarketType.URBAN, "农网": MarketType.RURAL, "城镇": MarketType.URBAN, "农村": MarketType.RURAL},
    MarketType,
)

URBAN_RURAL_CODE = _with_own_codes(
    {
        "主城区": UrbanRuralCode.CITY_CORE,
        "城乡结合区": UrbanRuralCode.URBAN_FRINGE,
        "镇中心区": UrbanRuralCode.TOWN_CENTRE,
        "镇乡结合区": UrbanRuralCode.TOWN_FRINGE,
        "特殊区域": UrbanRuralCode.SPECIAL,
        "乡中心区": UrbanRuralCode.TOWNSHIP_CENTRE,
        "村庄": UrbanRuralCode.VILLAGE,
    },
    UrbanRuralCode,
)

TRADE_AREA = _with_own_codes(
    {
        "居民区": TradeArea.RESIDENTIAL,
        "集贸区": TradeArea.MARKET,
        "工业区": TradeArea.INDUSTRIAL,
        "商业娱乐区": TradeArea.ENTERTAINMENT,
        "办公区": TradeArea.OFFICE,
        "旅游景区": TradeArea.TOURIST,
        "交通枢纽区": TradeArea.TRANSPORT,
        "院校学区": TradeArea.SCHOOL,
        "其他": TradeArea.OTHER,
        "其它": TradeArea.OTHER,
    },
    TradeArea,
)

CREDIT_RATING = {**{v: v for v in CreditRating.values}, **{f"{v}级": v for v in CreditRating.values}}

RETAILER_STATUS = _with_own_codes(
    {
        "有效": RetailerStatus.ACTIVE,
        "正常": RetailerStatus.ACTIVE,
        "暂停": RetailerStatus.SUSPENDED,
        "歇业": RetailerStatus.SUSPENDED,
        "停业": RetailerStatus.SUSPENDED,
        "注销": RetailerStatus.CLOSED,
        "无效": RetailerStatus.CLOSED,
        "失效": RetailerStatus.CLOSED,
    },
    RetailerStatus,
)

WEEKDAYS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "日": 7, "天": 7}


def _order_cycles() -> dict[str, tuple[str, int | None, str]]:
    """周四 → weekly Thursday; 单周周四 → biweekly odd weeks; 不访销 → not served.

    Our own layout: W4 (weekly Thursday), O4 / E4 (odd / even weeks), N (not served).
    """
    cycles: dict[str, tuple[str, int | None, str]] = {
        "不访销": (OrderCycleKind.NOT_SERVED, None, ""),
        "N": (OrderCycleKind.NOT_SERVED, None, ""),
    }
    for word, day in WEEKDAYS.items():
        for prefix in ("周", "星期"):
            cycles[f"{prefix}{word}"] = (OrderCycleKind.WEEKLY, day, "")
            cycles[f"单周{prefix}{word}"] = (OrderCycleKind.BIWEEKLY, day, WeekParity.ODD)
            cycles[f"双周{prefix}{word}"] = (OrderCycleKind.BIWEEKLY, day, WeekParity.EVEN)
        cycles[f"W{day}"] = (OrderCycleKind.WEEKLY, day, "")
        cycles[f"O{day}"] = (OrderCycleKind.BIWEEKLY, day, WeekParity.ODD)
        cycles[f"E{day}"] = (OrderCycleKind.BIWEEKLY, day, WeekParity.EVEN)
    return cycles


ORDER_CYCLE = _order_cycles()


def in_every_language(choices) -> dict[str, object]:
    """Each choice's label in every language of the site (城网 and Urban network → urban): what our own
    exports write, in whichever language the person who exported read the admin. Read when a file is
    imported (the catalogs are loaded then), never at import time of this module."""
    labels: dict[str, object] = {}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            labels.update({str(label): value for value, label in choices.choices})
    return labels


def order_cycle_labels() -> dict[str, tuple[str, int | None, str | None]]:
    """The order cycle as written in one cell (周四, 单周周四, 不访销, W4) or as our export writes it: the
    kind's label alone (每周, 两周一访, Weekly), its day and odd/even weeks in their own columns. A kind
    alone is (kind, None, None): its weeks are not named (None), its day and weeks come from their columns."""
    kinds = {label: (kind, None, None) for label, kind in in_every_language(OrderCycleKind).items()}
    return {**kinds, **ORDER_CYCLE}


def weekday_labels() -> dict[str, int]:
    """An order day: 周四, 星期四, 四, Thursday, 4."""
    days: dict[str, int] = {**{str(day): day for day in Weekday.values}, **in_every_language(Weekday)}
    for word, day in WEEKDAYS.items():
        days.update({word: day, f"周{word}": day, f"星期{word}": day})
    return days


def week_parity_labels() -> dict[str, str]:
    """Odd or even weeks: 单周, 单, Odd weeks, odd."""
    return _with_own_codes({"单": WeekParity.ODD, "双": WeekParity.EVEN, **in_every_language(WeekParity)}, WeekParity)


BRANCH_SUFFIXES = ("烟草专卖局(营销部)", "烟草专卖局", "烟草公司", "营销部", "分公司")
PLACE_SUFFIXES = ("县", "市", "区")


def branch_short_name(name: str) -> str:
    """南溪县烟草专卖局(营销部) → 南溪 (how supply plans name areas)."""
    short = name.replace("（", "(").replace("）", ")")
    for suffix in BRANCH_SUFFIXES:
        short = short.removesuffix(suffix)
    for suffix in PLACE_SUFFIXES:
        if len(short) > 2:
            short = short.removesuffix(suffix)
    return short or name
