"""How supply-plan exports spell methods, dimensions and areas (docs/domain.md §8), and parsing them."""

from __future__ import annotations

import re
from collections.abc import Mapping

from core.imports.columns import normalise_label
from retailers import labels

from .models import ExtensionDimension, ReleaseMethod

METHODS = {
    **{m.value: m.value for m in ReleaseMethod},
    "按档位投放": ReleaseMethod.TIER,
    "按档位统一投放": ReleaseMethod.TIER,
    "按档位扩展投放": ReleaseMethod.TIER_EXTENDED,
    "按档位拓展投放": ReleaseMethod.TIER_EXTENDED,
    "按价位段自选投放": ReleaseMethod.PRICE_BAND,
    "按价位段投放": ReleaseMethod.PRICE_BAND,
    "按需投放": ReleaseMethod.DEMAND,
    "选点投放": ReleaseMethod.SELECTED,
}

DIMENSION_WORDS = {
    "区县": ExtensionDimension.COUNTY,
    "市场类型": ExtensionDimension.MARKET_TYPE,
    "城乡分类代码": ExtensionDimension.URBAN_RURAL_CODE,
    "城乡分类": ExtensionDimension.URBAN_RURAL_CODE,
    "业态": ExtensionDimension.BUSINESS_FORMAT,
    "市场部": ExtensionDimension.MARKET_DEPARTMENT,
    "商圈类型": ExtensionDimension.TRADE_AREA,
    "商圈": ExtensionDimension.TRADE_AREA,
    "诚信等级": ExtensionDimension.CREDIT_RATING,
    "诚信互助小组": ExtensionDimension.INTEGRITY_GROUP,
    "互助小组": ExtensionDimension.INTEGRITY_GROUP,
}

TAGS = {"优质数据共享客户": "pos_supplier", "POS数据共享客户": "pos_supplier", "优质客户": "quality_customer"}
WHOLE_CITY = {"全市", "全部", "全区域", ""}
SEPARATORS = re.compile(r"--|[，,、.；;]")
PAIR = re.compile(r"^(.+?)[(（](.+?)[)）]$")
BIWEEKLY_DOUBLE = re.compile(r"两周一访.*(上浮|翻倍|加倍)")


def dimensions_of(etype: str) -> list[str] | None:
    """档位+区县+市场类型 → [county, market_type]; None when a part is unknown."""
    parts = [p for p in re.split(r"[+＋]", etype.strip()) if p and p != "档位"]
    dims = [DIMENSION_WORDS.get(p) for p in parts]
    return None if any(d is None for d in dims) else [str(d) for d in dims]


def vocabularies(branches: Mapping[str, int], departments: Mapping[str, int]) -> dict[str, dict[str, object]]:
    """Per dimension: folded spelling → stored value (branch and department ids from the registry)."""
    county: dict[str, object] = {}
    for name, pk in branches.items():
        short = labels.branch_short_name(name)
        for spelling in {name, short, *(short + s for s in labels.PLACE_SUFFIXES)}:
            county[normalise_label(spelling)] = pk
    fold = lambda m: {normalise_label(k): v for k, v in m.items()}  # noqa: E731
    return {
        ExtensionDimension.COUNTY: county,
        ExtensionDimension.MARKET_TYPE: fold(labels.MARKET_TYPE),
        ExtensionDimension.URBAN_RURAL_CODE: fold(labels.URBAN_RURAL_CODE),
        ExtensionDimension.BUSINESS_FORMAT: fold(labels.BUSINESS_FORMAT),
        ExtensionDimension.MARKET_DEPARTMENT: fold(departments),
        ExtensionDimension.TRADE_AREA: fold(labels.TRADE_AREA),
        ExtensionDimension.CREDIT_RATING: fold(labels.CREDIT_RATING),
    }


def parse_area(text: str, dims: list[str], vocab: dict[str, dict[str, object]]) -> tuple[list[dict], list[str]]:
    """Cells named by an area text, and the tokens that could not be understood.

    `东城区（城网）、青山（农网）` with [county, market_type] → two cells of two values each.
    """
    if normalise_label(text) in {normalise_label(w) for w in WHOLE_CITY}:
        return [], []
    cells, unknown = [], []
    for token in (t.strip() for t in SEPARATORS.split(text)):
        if not token:
            continue
        parts = [token]
        if len(dims) == 2:
            match = PAIR.match(token)
            parts = [match.group(1), match.group(2)] if match else [token]
        if len(parts) != len(dims):
            unknown.append(token)
            continue
        cell = {}
        for dim, part in zip(dims, parts, strict=True):
            value = vocab.get(dim, {}).get(normalise_label(part))
            if value is None:
                unknown.append(part)
                break
            cell[dim] = value
        else:
            cells.append(cell)
    return cells, unknown
