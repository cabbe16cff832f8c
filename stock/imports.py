"""Stock counts from retailers' POS data: one row per retailer × product × day.

Layout: CUST_CODE; CIG_CODE; STOCK_QTY (cartons in stock); COUNT_DATE (default: the day of
the import). A re-import of the same retailer, product and day replaces its count.
"""

from __future__ import annotations

import pandas as pd
from django.utils import timezone
from django.utils.translation import gettext_noop

from core.exceptions import Reason, RowError
from core.imports.base import ImportCounts, Importer
from core.imports.columns import Column, ParsedTable, code, date, integer, repeated_key_errors, unknown_code_errors
from pricing.models import Product
from retailers.models import Retailer

from .models import StockCount, StockSource

STOCK_COLUMNS = [
    Column("customer_code", ("CUST_CODE", "客户编码", "customer_code"), code(), required=True),
    Column("product_code", ("CIG_CODE", "卷烟编码", "product_code"), code(), required=True),
    Column("cartons", ("STOCK_QTY", "QTY_STOCK", "库存量", "库存", "cartons"), integer(0, 100_000), required=True),
    Column("counted_on", ("COUNT_DATE", "STOCK_DATE", "盘点日期", "库存日期", "counted_on"), date),
]  # fmt: skip


class StockImporter(Importer):
    kind = "stock"
    columns = STOCK_COLUMNS

    def check(self, values: pd.DataFrame, headers: dict[str, str]) -> list[RowError]:
        today = timezone.localdate()
        retailers = set(
            Retailer.objects.filter(customer_code__in=set(values["customer_code"].dropna())).values_list(
                "customer_code", flat=True
            )
        )
        products = set(
            Product.objects.filter(code__in=set(values["product_code"].dropna())).values_list("code", flat=True)
        )
        errors = unknown_code_errors(
            values["customer_code"], headers["customer_code"], retailers, Reason(gettext_noop("no retailer with this customer code"))
        )
        errors += unknown_code_errors(
            values["product_code"], headers["product_code"], products, Reason(gettext_noop("no product with this code"))
        )
        days = values["counted_on"].fillna(today)
        errors += [
            RowError(int(row), headers["counted_on"], str(day), Reason(gettext_noop("a count cannot be in the future")))
            for row, day in days.items()
            if day > today
        ]
        keys = pd.DataFrame({"c": values["customer_code"], "p": values["product_code"], "d": days})
        return errors + repeated_key_errors(keys, headers["product_code"], "p", gettext_noop("same retailer, product, day"))

    def write(self, table: ParsedTable, *, actor=None) -> ImportCounts:
        values = table.frame
        today = timezone.localdate()
        retailer_ids = dict(
            Retailer.objects.filter(customer_code__in=set(values["customer_code"])).values_list("customer_code", "pk")
        )
        product_ids = dict(Product.objects.filter(code__in=set(values["product_code"])).values_list("code", "pk"))
        rows = pd.DataFrame(
            {
                "retailer": values["customer_code"].map(retailer_ids).astype("int64"),
                "product": values["product_code"].map(product_ids).astype("int64"),
                "counted_on": values["counted_on"].fillna(today),
                "cartons": values["cartons"].astype("int64"),
            }
        )
        existing = {
            (r, p, d): (pk, cartons)
            for pk, r, p, d, cartons in StockCount.objects.filter(
                source=StockSource.POS, retailer__in=set(rows["retailer"]), counted_on__in=set(rows["counted_on"])
            ).values_list("pk", "retailer_id", "product_id", "counted_on", "cartons")
        }
        counts = ImportCounts()
        stale, fresh = [], []
        for row in rows.itertuples(index=False):
            old = existing.get((row.retailer, row.product, row.counted_on))
            if old is not None and old[1] == row.cartons:
                counts.unchanged += 1
                continue
            if old is None:
                counts.created += 1
            else:
                counts.updated += 1
                stale.append(old[0])
            fresh.append(
                StockCount(
                    retailer_id=row.retailer,
                    product_id=row.product,
                    counted_on=row.counted_on,
                    cartons=row.cartons,
                    source=StockSource.POS,
                    recorded_by=actor,
                )  # fmt: skip
            )
        StockCount.objects.filter(pk__in=stale).delete()
        StockCount.objects.bulk_create(fresh, batch_size=2000)
        return counts
