"""Product catalogue and price list import (CIG_CODE, CIG_NAME, WHOLESALE_PRICE, RETAIL_PRICE, ...)."""

from __future__ import annotations

import re

import pandas as pd
from django.utils import timezone
from django.utils.translation import gettext_noop

from core.exceptions import Reason, RowError
from core.imports.base import ImportCounts, Importer
from core.imports.columns import (
    Column,
    ParsedTable,
    boolean,
    choice,
    code,
    date,
    decimal,
    duplicate_errors,
    integer,
    text,
)

from .models import Lifecycle, Product, ProductPrice
from .services import products_refresh_prices

LIFECYCLE = {
    **{v: v for v in Lifecycle.values},
    "新品": Lifecycle.NEW,
    "在销": Lifecycle.ACTIVE,
    "正常": Lifecycle.ACTIVE,
    "退市": Lifecycle.WITHDRAWN,
    "停供": Lifecycle.WITHDRAWN,
}

PRODUCT_COLUMNS = [
    Column("code", ("CIG_CODE", "卷烟编码", "product_code", "code"), code(), required=True),
    Column("name", ("CIG_NAME", "卷烟名称", "name"), text(100), required=True),
    Column("wholesale_price", ("WHOLESALE_PRICE", "批发价", "wholesale_price"), decimal(2, positive=True), required=True),
    Column("retail_price", ("RETAIL_PRICE", "零售指导价", "建议零售价", "零售价", "retail_price"), decimal(2, positive=True), required=True),
    Column("allocation_price", ("ALLOCATION_PRICE", "调拨价", "allocation_price"), decimal(2, positive=True)),
    Column("packs_per_carton", ("PACKS_PER_CARTON", "每条包数", "packs_per_carton"), integer(1, 50)),
    Column("brand", ("BRAND", "品牌", "brand"), text(50)),
    Column("lifecycle", ("LIFECYCLE", "状态", "lifecycle"), choice(LIFECYCLE, "lifecycle")),
    Column("is_scarce", ("IS_SCARCE", "紧俏", "is_scarce"), boolean),
    Column("effective_from", ("EFFECTIVE_FROM", "生效日期", "effective_from"), date),
]  # fmt: skip


def brand_of(name: str) -> str:
    """长河(硬红) → 长河."""
    return re.split(r"[(（]", name, maxsplit=1)[0].strip() or name


class ProductImporter(Importer):
    kind = "products"
    columns = PRODUCT_COLUMNS

    def check(self, values: pd.DataFrame, headers: dict[str, str]) -> list[RowError]:
        errors = duplicate_errors(values["code"], headers["code"])
        both = values["wholesale_price"].notna() & values["retail_price"].notna()
        for row in values.index[both]:
            if values.at[row, "retail_price"] < values.at[row, "wholesale_price"]:
                errors.append(
                    RowError(
                        int(row),
                        headers["retail_price"],
                        str(values.at[row, "retail_price"]),
                        Reason(gettext_noop("retail price below wholesale price")),
                    )
                )
        return errors

    def write(self, table: ParsedTable, *, actor=None) -> ImportCounts:
        values, present = table.frame, table.present
        today = timezone.localdate()
        existing = {p.code: p for p in Product.objects.filter(code__in=list(values["code"]))}
        prices = {
            (p.product_id, p.effective_from): p
            for p in ProductPrice.objects.filter(product__code__in=list(values["code"]))
        }
        counts = ImportCounts()
        touched = []
        for row in values.itertuples():
            fields = {"name": row.name, "brand": row.brand if isinstance(row.brand, str) else brand_of(row.name)}
            for key in ("packs_per_carton", "lifecycle", "is_scarce"):
                if key in present and not pd.isna(getattr(row, key)):
                    fields[key] = getattr(row, key)
            price_fields = {
                "wholesale_price": row.wholesale_price,
                "retail_price": row.retail_price,
                "allocation_price": None if pd.isna(row.allocation_price) else row.allocation_price,
            }
            effective_from = today if pd.isna(row.effective_from) else row.effective_from
            product = existing.get(row.code)
            if product is None:
                product = Product.objects.create(code=row.code, **fields, **price_fields)
                ProductPrice.objects.create(product=product, effective_from=effective_from, **price_fields)
                counts.created += 1
                touched.append(product.pk)
                continue
            changed = {k: v for k, v in fields.items() if getattr(product, k) != v}
            price = prices.get((product.pk, effective_from))
            same_as_current = all(getattr(product, k) == v for k, v in price_fields.items())
            if pd.isna(row.effective_from) and same_as_current:
                pass  # no date given and nothing new: keep the price list as it is
            elif price is None:
                ProductPrice.objects.create(product=product, effective_from=effective_from, **price_fields)
                changed["price"] = True
            elif any(getattr(price, k) != v for k, v in price_fields.items()):
                ProductPrice.objects.filter(pk=price.pk).update(**price_fields)
                changed["price"] = True
            if changed:
                Product.objects.filter(pk=product.pk).update(**{k: v for k, v in changed.items() if k != "price"})
                counts.updated += 1
                touched.append(product.pk)
            else:
                counts.unchanged += 1
        if touched:
            products_refresh_prices(product_ids=touched)
        return counts
