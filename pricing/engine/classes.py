"""Price class and price band of a product from configured thresholds (pure)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

# The price classes, dearest first (docs/domain.md §5); `pricing.models.PriceClass` labels them.
PRICE_CLASSES = ("I", "II", "III", "IV", "V")


@dataclass(frozen=True, slots=True)
class ClassRule:
    price_class: str
    min_allocation_price: Decimal
    min_wholesale_price: Decimal


@dataclass(frozen=True, slots=True)
class Band:
    id: int
    label: str
    min_wholesale_price: Decimal


def price_class_of(*, wholesale_price: Decimal, allocation_price: Decimal | None, rules: Sequence[ClassRule]) -> str:
    """The highest class whose lower bound the price reaches (allocation price when known)."""
    if allocation_price is not None:
        ordered = sorted(rules, key=lambda r: r.min_allocation_price, reverse=True)
        return next((r.price_class for r in ordered if allocation_price >= r.min_allocation_price), "")
    ordered = sorted(rules, key=lambda r: r.min_wholesale_price, reverse=True)
    return next((r.price_class for r in ordered if wholesale_price >= r.min_wholesale_price), "")


def price_band_of(*, wholesale_price: Decimal, bands: Sequence[Band]) -> int | None:
    ordered = sorted(bands, key=lambda b: b.min_wholesale_price, reverse=True)
    return next((b.id for b in ordered if wholesale_price >= b.min_wholesale_price), None)
