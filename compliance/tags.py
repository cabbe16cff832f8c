"""The price-tag sheet of one shop (明码标价): a tag per product it sells, with the guide retail
price per carton and per pack in force on the day, as print-ready HTML or PDF."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from decimal import Decimal

from django.shortcuts import render
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from core import params
from core.display import grouped
from core.reports.exports import download
from core.reports.pdf import CJK_FONT
from orders.models import Order
from pricing.models import Lifecycle, Product
from pricing.selectors import retail_prices_on
from retailers.models import Retailer

SOLD_WEEKS = 8  # a shop sells what it ordered in this many weeks
COLUMNS, ROWS = 3, 8  # tags per A4 page


@dataclass(frozen=True)
class Tag:
    code: str
    name: str
    carton: Decimal
    pack: Decimal
    price_class: str


def tag_products(retailer: Retailer, on: dt.date, *, every_product: bool = False) -> list[Product]:
    """What the shop sells (ordered in the last SOLD_WEEKS weeks); every product on sale when it
    ordered nothing yet or when asked."""
    if every_product:
        return list(_on_sale())
    return shops_products([retailer.pk], on)[retailer.pk]


def shops_products(retailer_ids: list[int], on: dt.date) -> dict[int, list[Product]]:
    """`tag_products` of several shops, in two queries."""
    on_sale = list(_on_sale())
    sold: dict[int, set[int]] = {r: set() for r in retailer_ids}
    recent = Order.objects.filter(retailer__in=retailer_ids, cycle__starts_on__gte=on - dt.timedelta(weeks=SOLD_WEEKS))
    for retailer_id, product_id in recent.values_list("retailer_id", "product_id").distinct():
        sold[retailer_id].add(product_id)
    return {r: [p for p in on_sale if p.pk in sold[r]] or on_sale for r in retailer_ids}


def _on_sale():
    return Product.objects.exclude(lifecycle=Lifecycle.WITHDRAWN).order_by("price_band__min_wholesale_price", "code")


def tags_on(products: list[Product], on: dt.date) -> list[Tag]:
    """Each product's tag with the guide retail price in force on `on` (the current price when the
    price list holds no dated price for it)."""
    dated = retail_prices_on(product_ids=[p.pk for p in products], on=on)
    tags = []
    for p in products:
        carton = dated.get(p.pk, p.retail_price)
        pack = (carton / p.packs_per_carton).quantize(Decimal("0.01"))
        tags.append(Tag(p.code, p.name, carton, pack, p.price_class))
    return sorted(tags, key=lambda t: (-t.carton, t.code))


def tag_sheet_pdf(retailer: Retailer, tags: list[Tag], on: dt.date) -> bytes:
    """Tags on A4, COLUMNS × ROWS a page, with cutting lines."""
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=A4)
    canvas.setTitle(f"{retailer.customer_code} {_('Price tags')}")
    width, height = A4
    margin = 10 * mm
    cell_w, cell_h = (width - 2 * margin) / COLUMNS, (height - 2 * margin - 8 * mm) / ROWS
    per_page = COLUMNS * ROWS
    for start in range(0, max(len(tags), 1), per_page):
        canvas.setFont(CJK_FONT, 9)
        canvas.drawString(
            margin, height - margin,
            f"{retailer.name} {retailer.customer_code} · {_('Price tags')} · {on.isoformat()}",
        )  # fmt: skip
        for k, tag in enumerate(tags[start : start + per_page]):
            col, row = k % COLUMNS, k // COLUMNS
            x = margin + col * cell_w
            y = height - margin - 8 * mm - (row + 1) * cell_h
            canvas.setStrokeColor(colors.grey)
            canvas.setDash(2, 2)
            canvas.rect(x, y, cell_w, cell_h)
            canvas.setDash()
            canvas.setFont(CJK_FONT, 13)
            canvas.drawString(x + 4 * mm, y + cell_h - 8 * mm, tag.name[:14])
            canvas.setFont(CJK_FONT, 8)
            canvas.drawString(
                x + 4 * mm, y + cell_h - 12.5 * mm, f"{tag.code} · {_('Class %(c)s') % {'c': tag.price_class}}"
            )
            canvas.setFont(CJK_FONT, 16)
            canvas.drawString(x + 4 * mm, y + 9 * mm, f"¥{grouped(tag.pack, 2)} / {_('pack')}")
            canvas.setFont(CJK_FONT, 10)
            canvas.drawString(x + 4 * mm, y + 3.5 * mm, f"¥{grouped(tag.carton, 2)} / {_('carton')}")
        canvas.showPage()
    canvas.save()
    return out.getvalue()


def tag_sheet_response(request, retailer: Retailer, *, on: dt.date, back_url: str):
    """The sheet as HTML, or as PDF with ?format=pdf; ?all=1 for every product on sale."""
    every_product = params.choice(request, "all", ["1"], label=_("Every product"), default="") == "1"
    download_as = params.choice(request, "format", ["pdf"], label=_("Download format"), default="")
    tags = tags_on(tag_products(retailer, on, every_product=every_product), on)
    if download_as == "pdf":
        return download(
            tag_sheet_pdf(retailer, tags, on), "application/pdf", f"price-tags-{retailer.customer_code}-{on}.pdf"
        )
    context = {"retailer": retailer, "tags": tags, "on": on, "every_product": every_product, "back_url": back_url}
    return render(request, "compliance/tag_sheet.html", context)
