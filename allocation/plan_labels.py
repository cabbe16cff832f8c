"""How supply-plan exports spell methods, dimensions and areas (docs/domain.md §8), and parsing them."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

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


ALIAS_SEPARATORS = re.compile(r"[，,、;；\s]+")


@dataclass(frozen=True)
class Place:
    """A branch or department as plans may write it: its name, short name and aliases."""

    pk: int
    name: str
    short_name: str = ""
    aliases: str = ""

    def spellings(self) -> set[str]:
        short = labels.branch_short_name(self.name)
        names = {self.name, short, *(short + s for s in labels.PLACE_SUFFIXES), self.short_name}
        names |= set(ALIAS_SEPARATORS.split(self.aliases))
        return {normalise_label(n) for n in names if n}


class PlaceNames:
    """Folded spelling → a place: an exact spelling (name, short name, alias) first, else any
    unique prefix of one of them ("丹江" for 丹江口市烟草专卖局(营销部)). A prefix shared by several
    places is ambiguous: `get` returns None and `ambiguous` names the candidates."""

    def __init__(self, places: Iterable[Place]):
        self.places = list(places)
        self.exact: dict[str, int | None] = {}
        for place in self.places:
            for spelling in place.spellings():
                known = self.exact.get(spelling, place.pk)
                self.exact[spelling] = place.pk if known == place.pk else None  # two places, one spelling: ambiguous

    def candidates(self, key: str) -> list[Place]:
        if key in self.exact:
            pk = self.exact[key]
            return [p for p in self.places if p.pk == pk] if pk is not None else self._sharing(key, exact=True)
        return self._sharing(key, exact=False)

    def _sharing(self, key: str, *, exact: bool) -> list[Place]:
        return [
            p for p in self.places
            if any((s == key) if exact else s.startswith(key) for s in p.spellings())
        ]  # fmt: skip

    def get(self, key: str, default=None):
        found = self.candidates(key) if key else []
        return found[0].pk if len(found) == 1 else default

    def ambiguous(self, key: str) -> list[str]:
        found = self.candidates(key) if key else []
        return [p.name for p in found] if len(found) > 1 else []


def vocabularies(branches: Iterable[Place], departments: Iterable[Place]) -> dict[str, Mapping[str, object]]:
    """Per dimension: folded spelling → stored value (branch and department ids from the registry)."""
    fold = lambda m: {normalise_label(k): v for k, v in m.items()}  # noqa: E731
    return {
        ExtensionDimension.COUNTY: PlaceNames(branches),
        ExtensionDimension.MARKET_TYPE: fold(labels.MARKET_TYPE),
        ExtensionDimension.URBAN_RURAL_CODE: fold(labels.URBAN_RURAL_CODE),
        ExtensionDimension.BUSINESS_FORMAT: fold(labels.BUSINESS_FORMAT),
        ExtensionDimension.MARKET_DEPARTMENT: PlaceNames(departments),
        ExtensionDimension.TRADE_AREA: fold(labels.TRADE_AREA),
        ExtensionDimension.CREDIT_RATING: fold(labels.CREDIT_RATING),
    }


def parse_area(text: str, dims: list[str], vocab: dict[str, Mapping[str, object]]) -> tuple[list[dict], list[str]]:
    """Cells named by an area text, and the tokens that could not be understood (an ambiguous
    place prefix reads "token: name1 / name2").

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
            names = vocab.get(dim, {})
            value = names.get(normalise_label(part))
            if value is None:
                several = names.ambiguous(normalise_label(part)) if isinstance(names, PlaceNames) else []
                unknown.append(f"{part}: {' / '.join(several)}" if several else part)
                break
            cell[dim] = value
        else:
            cells.append(cell)
    return cells, unknown
