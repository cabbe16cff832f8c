"""The national 42-type of a retailer (docs/domain.md §2: market type × business format × scale, a code
like CZ1) in words."""

from __future__ import annotations

from django.utils.translation import gettext, pgettext_lazy

from retailers.vocabulary import BusinessFormat, MarketType

NATIONAL_MARKETS = {"C": MarketType.URBAN, "N": MarketType.RURAL}
NATIONAL_SCALES = {
    "1": pgettext_lazy("national type scale", "large"),
    "2": pgettext_lazy("national type scale", "medium"),
    "3": pgettext_lazy("national type scale", "small"),
}


def national_type_label(code: str) -> str:
    """The national 42-type (docs/domain.md §2: market × format × scale, e.g. CZ1) in words:
    城网 · 便利店 · 大型; a code it cannot read as it is, none as —."""
    if not code:
        return "—"
    market, business_format, scale = NATIONAL_MARKETS.get(code[:1]), code[1:2], NATIONAL_SCALES.get(code[2:])
    if len(code) != 3 or market is None or scale is None or business_format not in BusinessFormat.values:
        return code
    return gettext("%(market)s · %(format)s · %(scale)s") % {
        "market": market.label, "format": BusinessFormat(business_format).label, "scale": scale,
    }  # fmt: skip
