"""Stock counts from retailers' POS data: one row per retailer × product × day.

Layout: CUST_CODE; CIG_CODE; STOCK_QTY (cartons in stock); COUNT_DATE (default: the day of
the import). A re-import of the same retailer, product and day replaces its count.
"""

from __future__ import annotations

import pandas as pd
from django.utils import timezone
from django.utils.translation import gettext_noop

from core.exceptions import Reason, RowError
from core.imports.base import ImportCounts, Importer, ImportPlan
from core.imports.changes import ChangeLog, FieldChange, Shown, cartons, label
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
    fields = {"cartons": Shown(label(StockCount, "cartons"), cartons)}

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

    def plan(self, table: ParsedTable) -> ImportPlan:
        values = table.frame
        today = timezone.localdate()
        retailers = {
            code_: (pk, f"{code_} {name}".strip())
            for code_, pk, name in Retailer.objects.filter(customer_code__in=set(values["customer_code"])).values_list(
                "customer_code", "pk", "name"
            )
        }
        products = {
            code_: (pk, f"{code_} {name}")
            for code_, pk, name in Product.objects.filter(code__in=set(values["product_code"])).values_list("code", "pk", "name")
        }  # fmt: skip
        days = values["counted_on"].fillna(today)
        existing = {
            (r, p, d): (pk, cartons_)
            for pk, r, p, d, cartons_ in StockCount.objects.filter(
                source=StockSource.POS,
                retailer__in={pk for pk, _ in retailers.values()},
                counted_on__in=set(days),
            ).values_list("pk", "retailer_id", "product_id", "counted_on", "cartons")
        }
        log = ChangeLog()
        stale, fresh = [], []  # the counts replaced; (retailer, product, day, cartons) to write
        for row, customer, product, day, count in zip(
            values.index, values["customer_code"], values["product_code"], days, values["cartons"], strict=True
        ):
            (retailer_id, shop), (product_id, cigarette) = retailers[customer], products[product]
            count = int(count)
            old = existing.get((retailer_id, product_id, day))
            if old is not None and old[1] == count:
                log.unchanged()
                continue
            record = f"{day.isoformat()} · {shop} · {cigarette}"
            if old is None:
                log.created(row, record, {"cartons": count})
            else:
                log.updated(row, record, [FieldChange("cartons", old[1], count)])
                stale.append(old[0])
            fresh.append((retailer_id, product_id, day, count))
        return log.plan((stale, fresh))

    def write(self, table: ParsedTable, plan: ImportPlan, *, actor=None) -> ImportCounts:
        stale, fresh = plan.work
        StockCount.objects.filter(pk__in=stale).delete()
        StockCount.objects.bulk_create(
            (
                StockCount(retailer_id=r, product_id=p, counted_on=d, cartons=n, source=StockSource.POS, recorded_by=actor)
                for r, p, d, n in fresh
            ),
            batch_size=2000,
        )
        return plan.counts
