"""Recording a price-tag inspection: every line is checked first; one bad line and nothing is written.

A line may also carry the cartons the inspector counted in stock (a stock count, source "customer
manager's count", that tonight's inventory advice starts from) and a photo of the tag."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.db import transaction

from core.exceptions import AccessDenied, InvalidInput, RowError
from pricing.models import Product
from pricing.selectors import retail_prices_on
from retailers.models import Retailer
from retailers.selectors import retailers_visible_to
from stock.models import StockCount, StockSource

from .models import Inspection, InspectionKind, InspectionLine

PRICE_FIELDS = ("tag_price", "price_carton", "price_pack")
PHOTO_MAX_BYTES = 8 * 1024 * 1024


def _stock(value, row: int, errors: list[RowError]) -> int | None:
    if value in (None, ""):
        return None
    try:
        cartons = int(str(value))
    except ValueError:
        errors.append(RowError(row, "stock", str(value), "not a whole number of cartons"))
        return None
    if cartons < 0:
        errors.append(RowError(row, "stock", str(value), "a stock count cannot be negative"))
    return cartons


def _photo(photo, row: int, errors: list[RowError]):
    if photo is None:
        return None
    if not (getattr(photo, "content_type", "") or "").startswith("image/"):
        errors.append(RowError(row, "photo", photo.name, "not an image"))
    elif photo.size > PHOTO_MAX_BYTES:
        errors.append(RowError(row, "photo", photo.name, f"larger than {PHOTO_MAX_BYTES // (1024 * 1024)} MB"))
    return photo


def _price(value, row: int, column: str, errors: list[RowError]) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        price = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        errors.append(RowError(row, column, str(value), "not a number"))
        return None
    if price < 0:
        errors.append(RowError(row, column, str(value), "negative price"))
    elif price > Decimal("100000"):
        errors.append(RowError(row, column, str(value), "implausibly high"))
    return price


@transaction.atomic
def inspection_record(
    *, inspector, retailer: Retailer, visited_on: dt.date, kind: str, lines: list[dict], notes: str = ""
) -> Inspection:
    """`lines`: dicts with product (code), tag_present, tag_price, price_carton, price_pack and,
    optionally, stock (cartons counted) and photo (an uploaded image); row 1 = the first.

    The inspector must be allowed to see the retailer (its customer manager, or a supervisor)."""
    if not retailers_visible_to(user=inspector).filter(pk=retailer.pk).exists():
        raise AccessDenied(f"retailer {retailer.customer_code} is not one of {inspector.get_username()}'s retailers")
    if kind not in InspectionKind.values:
        raise InvalidInput([RowError(0, "kind", kind, f"expected one of {', '.join(InspectionKind.values)}")])
    errors: list[RowError] = []
    if not lines:
        errors.append(RowError(0, "lines", "", "an inspection needs at least one product"))
    codes = [str(line.get("product", "")).strip() for line in lines]
    products = {p.code: p for p in Product.objects.filter(code__in=codes)}
    guides = retail_prices_on(product_ids=[p.pk for p in products.values()], on=visited_on)
    seen: set[str] = set()
    clean = []
    for row, (code, line) in enumerate(zip(codes, lines, strict=True), start=1):
        product = products.get(code)
        if product is None:
            errors.append(RowError(row, "product", code, "unknown product"))
        elif code in seen:
            errors.append(RowError(row, "product", code, "listed twice"))
        seen.add(code)
        tag_present = bool(line.get("tag_present"))
        prices = {f: _price(line.get(f), row, f, errors) for f in PRICE_FIELDS}
        stock, photo = _stock(line.get("stock"), row, errors), _photo(line.get("photo"), row, errors)
        if tag_present and prices["tag_price"] is None:
            errors.append(RowError(row, "tag_price", "", "the tag is there: its price is needed"))
        if product is not None and product.pk not in guides:
            errors.append(RowError(row, "product", code, f"no price in force on {visited_on}"))
        clean.append((product, tag_present, prices, stock, photo))
    if errors:
        raise InvalidInput(errors)
    inspection = Inspection.objects.create(
        retailer=retailer, inspector=inspector, visited_on=visited_on, kind=kind, notes=notes
    )
    for product, tag_present, prices, stock, photo in clean:
        line = InspectionLine(
            inspection=inspection, product=product, guide_price=guides[product.pk], tag_present=tag_present,
            tag_price=prices["tag_price"] if tag_present else None, price_carton=prices["price_carton"],
            price_pack=prices["price_pack"],
        )  # fmt: skip
        if photo is not None:
            line.photo.save(photo.name, photo, save=False)
        line.save()
        if stock is not None:
            StockCount.objects.create(
                retailer=retailer, product=product, counted_on=visited_on, cartons=stock,
                source=StockSource.MANAGER, recorded_by=inspector,
            )  # fmt: skip
    return inspection
