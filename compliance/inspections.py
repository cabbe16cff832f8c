"""Recording a price-tag inspection: every line is checked first; one bad line and nothing is written.

A line is one product on the visit's list. Only the products marked checked become inspection lines;
an unchecked product is "not checked", never a violation (docs/domain.md §5), and an inspection with
nothing checked is refused. A line may also carry the cartons the inspector counted in stock (a
stock count, source "customer manager's count", that tonight's inventory advice starts from; kept
whether or not the tag was checked) and a photo of the tag.

Problems are `RowError`s (row = the line's position, from 1; row 0 = the whole inspection; column =
the field) whose reason is written in the active language, for the page to show beside the field.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _
from PIL import Image

from core.exceptions import AccessDenied, InvalidInput, RowError
from pricing.models import Product
from pricing.selectors import retail_prices_on
from retailers.models import Retailer
from retailers.selectors import retailers_visible_to
from stock.forms import MAX_CARTONS
from stock.models import StockCount, StockSource

from .models import Inspection, InspectionKind, InspectionLine

PRICE_FIELDS = ("tag_price", "price_carton", "price_pack")
PHOTO_MAX_BYTES = 8 * 1024 * 1024
PHOTO_FORMATS = {"JPEG": ".jpg", "PNG": ".png", "WEBP": ".webp"}  # Pillow's format → the stored extension
PRICE_MAX = Decimal("100000")
_WHOLE = re.compile(r"[+-]?[0-9]+")
NOTHING_CHECKED = "lines"  # the column of the row-0 error "nothing was checked"


def _stock(value, row: int, errors: list[RowError]) -> int | None:
    """Cartons counted: a whole number from 0 to the stock form's maximum (a count past it is a mistyped
    box, and past the database's column a server error)."""
    if value in (None, ""):
        return None
    text = str(value).strip()
    if not _WHOLE.fullmatch(text):
        errors.append(RowError(row, "stock", str(value), _("Enter a whole number of cartons.")))
        return None
    cartons = int(text) if len(text.lstrip("+-0")) <= 9 else (-1 if text.startswith("-") else MAX_CARTONS + 1)
    if cartons < 0:
        errors.append(RowError(row, "stock", str(value), _("A stock count cannot be negative.")))
    elif cartons > MAX_CARTONS:
        message = _("A stock count is at most %(n)s cartons.") % {"n": f"{MAX_CARTONS:,}"}
        errors.append(RowError(row, "stock", str(value), message))
        return None
    return cartons


def _photo(photo, row: int, errors: list[RowError]):
    """A real JPEG, PNG or WebP picture (read by Pillow, whatever its name or declared type says) of at
    most PHOTO_MAX_BYTES; stored under its own kind's extension, so no page or script is ever served
    back from an inspection's photo (tag.html, tag.svg)."""
    if photo is None:
        return None
    if photo.size > PHOTO_MAX_BYTES:
        errors.append(
            RowError(row, "photo", photo.name, _("The photo is larger than %(mb)d MB.") % {"mb": PHOTO_MAX_BYTES >> 20})
        )
        return photo
    try:
        photo.seek(0)
        with Image.open(photo) as image:
            kind = image.format
            image.verify()
    except Exception:  # Pillow raises many kinds for what is not a picture (or a damaged one)
        kind = None
    photo.seek(0)
    if kind not in PHOTO_FORMATS:
        errors.append(RowError(row, "photo", photo.name, _("This file is not a picture.")))
        return photo
    photo.name = f"{Path(photo.name).stem[:80] or 'photo'}{PHOTO_FORMATS[kind]}"
    return photo


def _price(value, row: int, column: str, errors: list[RowError]) -> Decimal | None:
    """A price in yuan; "¥", "元" and thousands separators are allowed around the number."""
    if value in (None, ""):
        return None
    text = str(value).strip().replace(",", "").replace("，", "").removeprefix("¥").removesuffix("元").strip()
    try:
        price = Decimal(text)
    except (InvalidOperation, ValueError):
        price = None
    if price is None or not price.is_finite():
        errors.append(RowError(row, column, str(value), _("Enter a price in yuan, such as 230 or 23.50.")))
        return None
    if price < 0:
        errors.append(RowError(row, column, str(value), _("A price cannot be negative.")))
    elif price > PRICE_MAX:
        errors.append(RowError(row, column, str(value), _("This price is too high to be right.")))
        return None  # 1e400 cannot even be rounded to the fen
    return price.quantize(Decimal("0.01"))


@transaction.atomic
def inspection_record(
    *, inspector, retailer: Retailer, visited_on: dt.date, kind: str, lines: list[dict], notes: str = ""
) -> Inspection:
    """`lines`: dicts with product (code), checked (default True), tag_present, tag_price, price_carton,
    price_pack and, optionally, stock (cartons counted) and photo (an uploaded image); row 1 = the first.

    An unchecked line is no inspection line: it may carry a stock count, but no price or photo (the
    tag was not looked at). At least one line must be checked. The inspector must be allowed to see
    the retailer (its customer manager, or a supervisor)."""
    if not retailers_visible_to(user=inspector).filter(pk=retailer.pk).exists():
        raise AccessDenied(f"retailer {retailer.customer_code} is not one of {inspector.get_username()}'s retailers")
    errors: list[RowError] = []
    if kind not in InspectionKind.values:
        errors.append(RowError(0, "kind", kind, _("Choose an open or a covert visit.")))
    if not any(line.get("checked", True) for line in lines):
        errors.append(
            RowError(
                0, NOTHING_CHECKED, "", _("Nothing was checked: mark at least one product's tag as there or missing.")
            )
        )
    codes = [str(line.get("product", "")).strip() for line in lines]
    products = {p.code: p for p in Product.objects.filter(code__in=codes)}
    guides = retail_prices_on(product_ids=[p.pk for p in products.values()], on=visited_on)
    seen: set[str] = set()
    clean = []
    for row, (code, line) in enumerate(zip(codes, lines, strict=True), start=1):
        checked = bool(line.get("checked", True))
        product = products.get(code)
        if product is None:
            errors.append(RowError(row, "product", code, _("Unknown product.")))
        elif code in seen:
            errors.append(RowError(row, "product", code, _("This product is listed twice.")))
        seen.add(code)
        tag_present = checked and bool(line.get("tag_present"))
        prices = {f: _price(line.get(f), row, f, errors) for f in PRICE_FIELDS}
        stock, photo = _stock(line.get("stock"), row, errors), _photo(line.get("photo"), row, errors)
        if not checked:
            if any(line.get(f) not in (None, "") for f in PRICE_FIELDS) or photo is not None:
                errors.append(
                    RowError(
                        row, "tag", "", _("Say whether the tag is there, or clear this product's prices and photo.")
                    )
                )
        elif tag_present and prices["tag_price"] is None:
            errors.append(RowError(row, "tag_price", "", _("The tag is there: enter the price on it.")))
        if checked and product is not None and product.pk not in guides:
            errors.append(
                RowError(
                    row, "product", code, _("No guide price in force on %(day)s.") % {"day": visited_on.isoformat()}
                )
            )
        clean.append((checked, product, tag_present, prices, stock, photo))
    if errors:
        raise InvalidInput(errors)
    inspection = Inspection.objects.create(
        retailer=retailer, inspector=inspector, visited_on=visited_on, kind=kind, notes=notes
    )
    for checked, product, tag_present, prices, stock, photo in clean:
        if checked:
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
