"""Product catalogue and price list import (CIG_CODE, CIG_NAME, WHOLESALE_PRICE, RETAIL_PRICE, ...)."""

from __future__ import annotations

import re

import pandas as pd
from django.utils import timezone
from django.utils.translation import gettext_noop

from core.exceptions import Reason, RowError
from core.imports.base import ImportCounts, Importer, ImportPlan
from core.imports.changes import (
    ChangeLog,
    FieldChange,
    Shown,
    day,
    differences,
    label,
    money,
    number,
    plain,
    yes_no,
)
from core.imports.changes import choice as choice_words
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


KEY_FIELDS = frozenset({"wholesale_price", "retail_price", "allocation_price", "lifecycle"})


def _shown(name: str, words=plain) -> Shown:
    return Shown(label(Product, name), words, name in KEY_FIELDS)


def brand_of(name: str) -> str:
    """长河(硬红) → 长河."""
    return re.split(r"[(（]", name, maxsplit=1)[0].strip() or name


class ProductImporter(Importer):
    kind = "products"
    columns = PRODUCT_COLUMNS
    fields = {
        "name": _shown("name"),
        "brand": _shown("brand"),
        "packs_per_carton": _shown("packs_per_carton", number),
        "lifecycle": _shown("lifecycle", choice_words(Lifecycle.choices)),
        "is_scarce": _shown("is_scarce", yes_no),
        "wholesale_price": _shown("wholesale_price", money),
        "retail_price": _shown("retail_price", money),
        "allocation_price": _shown("allocation_price", money),
        "effective_from": Shown(label(ProductPrice, "effective_from"), day),
    }

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

    def plan(self, table: ParsedTable) -> ImportPlan:
        values, present = table.frame, table.present
        today = timezone.localdate()
        codes = list(values["code"])
        existing = {p.code: p for p in Product.objects.filter(code__in=codes)}
        prices = {(p.product_id, p.effective_from): p for p in ProductPrice.objects.filter(product__code__in=codes)}
        log = ChangeLog(key_fields=KEY_FIELDS)
        work = []  # (product or None, its fields, its price fields, effective from, price row: None | "new" | pk)
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
            dated = not pd.isna(row.effective_from)
            effective_from = row.effective_from if dated else today
            product = existing.get(row.code)
            record = f"{row.code} {row.name if product is None else product.name}"  # as the registry knows it
            if product is None:
                log.created(row.Index, record, {**fields, **price_fields, **({"effective_from": effective_from} if dated else {})})
                work.append((None, row.code, fields, price_fields, effective_from, "new"))
                continue
            changes = differences({k: getattr(product, k) for k in fields}, fields)
            price = prices.get((product.pk, effective_from))
            same_as_current = all(getattr(product, k) == v for k, v in price_fields.items())
            price_row = None
            if not dated and same_as_current:
                pass  # no date given and nothing new: keep the price list as it is
            elif price is None:  # a new entry in the price list, from its day
                price_row = "new"
                changes += differences({k: getattr(product, k) for k in price_fields}, price_fields)
                if dated:  # else from today, as a price without a date always is
                    changes.append(FieldChange("effective_from", None, effective_from))
            elif any(getattr(price, k) != v for k, v in price_fields.items()):
                price_row = price.pk
                changes += differences({k: getattr(price, k) for k in price_fields}, price_fields)
            if changes or price_row is not None:
                log.updated(row.Index, record, changes)
                work.append((product, row.code, fields, price_fields, effective_from, price_row))
            else:
                log.unchanged()
        return log.plan(work)

    def write(self, table: ParsedTable, plan: ImportPlan, *, actor=None) -> ImportCounts:
        touched = []
        for product, code_, fields, price_fields, effective_from, price_row in plan.work:
            if product is None:
                product = Product.objects.create(code=code_, **fields, **price_fields)
                ProductPrice.objects.create(product=product, effective_from=effective_from, **price_fields)
            else:
                changed = {k: v for k, v in fields.items() if getattr(product, k) != v}
                if changed:
                    Product.objects.filter(pk=product.pk).update(**changed)
                if price_row == "new":
                    ProductPrice.objects.create(product=product, effective_from=effective_from, **price_fields)
                elif price_row is not None:
                    ProductPrice.objects.filter(pk=price_row).update(**price_fields)
            touched.append(product.pk)
        if touched:
            products_refresh_prices(product_ids=touched)
        return plan.counts
