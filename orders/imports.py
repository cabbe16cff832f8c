"""Order history import: one row per cycle × retailer × product.

Layout: CYCLE (2026-11-4) or YEAR + MONTH + WEEK_SEQ; CUST_CODE; CIG_CODE;
QTY (ordered cartons); optional QUOTA (quota in force) and AMOUNT (default:
cartons × the wholesale price in force at the cycle's start).
"""

from __future__ import annotations

import re
from decimal import Decimal

import pandas as pd
from django.utils.translation import gettext_noop

from core.db import bulk_write_frames
from core.exceptions import Reason, RowError
from core.imports.base import ImportCounts, Importer, ImportPlan
from core.imports.changes import ChangeLog, Shown, cartons, differences, label, money
from core.imports.columns import (
    Column,
    ParsedTable,
    code,
    decimal,
    integer,
    repeated_key_errors,
    text,
    unknown_code_errors,
)
from cycles.calendar import cycle_name, cycle_start
from cycles.models import OrderCycle
from cycles.services import cycle_get_or_create
from pricing.models import Product
from pricing.selectors import prices_in_force
from retailers.models import Retailer

from .models import Order
from .services import weekly_purchases_refresh

ORDER_COLUMNS = [
    Column("cycle", ("CYCLE", "订货周期", "cycle"), text(20)),
    Column("year", ("YEAR", "年份", "year"), integer(2000, 2100)),
    Column("month", ("MONTH", "月份", "month"), integer(1, 12)),
    Column("week_seq", ("WEEK_SEQ", "周次", "week_seq"), integer(1, 5)),
    Column("customer_code", ("CUST_CODE", "客户编码", "customer_code"), code(), required=True),
    Column("product_code", ("CIG_CODE", "卷烟编码", "product_code"), code(), required=True),
    Column("ordered_qty", ("QTY", "ORDER_QTY", "QTY_ORDER", "订货量", "订购量", "ordered_qty"), integer(0), required=True),
    Column("quota", ("QUOTA", "QTY_LIMIT", "限量", "定量", "quota"), integer(0)),
    Column("returned_qty", ("RETURN_QTY", "QTY_RETURN", "退货量", "returned_qty"), integer(0)),
    Column("amount", ("AMOUNT", "AMT", "金额", "amount"), decimal(2, minimum=Decimal(0), max_digits=12)),
]  # fmt: skip

_CYCLE = re.compile(r"^(\d{4})\D(\d{1,2})\D(\d)$")
COLUMNS = ["cycle", "retailer", "product", "ordered_qty", "returned_qty", "quota", "amount"]


def _cycle_starts(values: pd.DataFrame) -> pd.Series:
    """The cycle's Monday per row (NA when the row names no valid cycle)."""

    def start(row) -> object:
        if isinstance(row.cycle, str):
            match = _CYCLE.match(row.cycle)
            parts = tuple(int(g) for g in match.groups()) if match else None
        elif not pd.isna(row.year) and not pd.isna(row.month) and not pd.isna(row.week_seq):
            parts = (int(row.year), int(row.month), int(row.week_seq))
        else:
            parts = None
        return (cycle_start(*parts) if parts else None) or pd.NA

    return pd.Series([start(r) for r in values.itertuples()], index=values.index, dtype="object")


DIGESTED = ["row", "starts_on", "retailer", "product", "ordered_qty", "returned_qty", "quota", "amount"]


def _by_code(queryset, field: str) -> dict[str, tuple[int, str]]:
    return {code_: (pk, name) for code_, pk, name in queryset.values_list(field, "pk", "name")}


def _yuan(fen) -> Decimal | None:
    return None if pd.isna(fen) else Decimal(int(fen)) / 100


def _plain(values: dict) -> dict:
    """Numbers as Python numbers, a missing one as None (pandas' NA never equals anything)."""
    return {k: None if pd.isna(v) else v if isinstance(v, Decimal) else int(v) for k, v in values.items()}


ORDER_FIELDS = {
    "ordered_qty": Shown(label(Order, "ordered_qty"), cartons),
    "returned_qty": Shown(label(Order, "returned_qty"), cartons),
    "quota": Shown(label(Order, "quota"), cartons),
    "amount": Shown(label(Order, "amount"), money),
}


class OrderImporter(Importer):
    kind = "orders"
    columns = ORDER_COLUMNS
    fields = ORDER_FIELDS

    def check(self, values: pd.DataFrame, headers: dict[str, str]) -> list[RowError]:
        errors: list[RowError] = []
        starts = _cycle_starts(values)
        for row in values.index[starts.isna()]:
            shown = values.at[row, "cycle"] if isinstance(values.at[row, "cycle"], str) else ""
            errors.append(
                RowError(
                    int(row),
                    headers["cycle"],
                    str(shown),
                    Reason(gettext_noop("no such order cycle (use 2026-11-4 or YEAR, MONTH, WEEK_SEQ)")),
                )
            )
        retailers = set(
            Retailer.objects.filter(customer_code__in=set(values["customer_code"].dropna())).values_list(
                "customer_code", flat=True
            )
        )
        products = set(
            Product.objects.filter(code__in=set(values["product_code"].dropna())).values_list("code", flat=True)
        )
        errors += unknown_code_errors(
            values["customer_code"], headers["customer_code"], retailers, Reason(gettext_noop("no retailer with this customer code"))
        )
        errors += unknown_code_errors(
            values["product_code"], headers["product_code"], products, Reason(gettext_noop("no product with this code"))
        )
        over = (
            values["returned_qty"].notna()
            & values["ordered_qty"].notna()
            & (values["returned_qty"] > values["ordered_qty"])
        )
        errors.extend(
            RowError(
                int(row),
                headers["returned_qty"],
                str(values.at[row, "returned_qty"]),
                Reason(gettext_noop("more cartons returned than ordered")),
            )
            for row in values.index[over]
        )
        keys = pd.DataFrame({"s": starts, "c": values["customer_code"], "p": values["product_code"]})
        errors += repeated_key_errors(keys, headers["product_code"], "p", gettext_noop("same cycle, retailer, product"))
        return errors  # fmt: skip

    def plan(self, table: ParsedTable) -> ImportPlan:
        values = table.frame
        starts = _cycle_starts(values)
        cycles = dict(OrderCycle.objects.filter(starts_on__in=set(starts)).values_list("pk", "starts_on"))
        retailers = _by_code(Retailer.objects.filter(customer_code__in=set(values["customer_code"])), "customer_code")
        products = _by_code(Product.objects.filter(code__in=set(values["product_code"])), "code")
        frame = pd.DataFrame(
            {
                "row": values.index,
                "starts_on": starts.to_numpy(),
                "retailer": values["customer_code"].map(lambda c: retailers[c][0]).astype("int64").to_numpy(),
                "product": values["product_code"].map(lambda c: products[c][0]).astype("int64").to_numpy(),
                "ordered_qty": values["ordered_qty"].astype("int64").to_numpy(),
                "returned_qty": values["returned_qty"].fillna(0).astype("int64").to_numpy(),
                "quota": values["quota"].astype("Int64").to_numpy(),
            }
        )
        given = values["amount"].map(lambda v: pd.NA if pd.isna(v) else int(v * 100)).astype("Int64").to_numpy()
        in_force = prices_in_force(pd.DataFrame({"product": frame["product"], "starts_on": pd.to_datetime(frame["starts_on"])}))
        frame["amount"] = pd.Series(given).fillna(frame["ordered_qty"] * in_force["wholesale_fen"]).astype("int64")

        existing = pd.DataFrame(
            Order.objects.filter(cycle__in=list(cycles), retailer__in=set(frame["retailer"])).values_list(
                "pk", "cycle_id", "retailer_id", "product_id", "ordered_qty", "returned_qty", "quota", "amount"
            ),
            columns=["pk", "cycle", "retailer", "product", "old_qty", "old_returned", "old_quota", "old_amount"],
        )
        existing["starts_on"] = existing.pop("cycle").map(cycles)
        merged = frame.merge(existing, on=["starts_on", "retailer", "product"], how="left")
        is_new = merged["pk"].isna()
        old_amount_fen = merged["old_amount"].map(lambda v: pd.NA if pd.isna(v) else int(v * 100)).astype("Int64")
        same = (
            ~is_new
            & (merged["old_qty"] == merged["ordered_qty"])
            & (merged["old_returned"] == merged["returned_qty"])
            & (merged["old_quota"].astype("Int64").fillna(-1) == merged["quota"].fillna(-1))
            & (old_amount_fen == merged["amount"])
        ).fillna(False)
        changed = ~is_new & ~same
        merged["old_amount_fen"] = old_amount_fen

        log = ChangeLog()
        log.count(created=int(is_new.sum()), updated=int(changed.sum()), unchanged=int(same.sum()))
        writes = merged.loc[is_new | changed, [*DIGESTED, "pk"]]
        log.hash(pd.util.hash_pandas_object(writes.astype("string"), index=False).to_numpy().tobytes())
        names = {pk: f"{code_} {name}".strip() for code_, (pk, name) in retailers.items()}
        product_names = {pk: f"{code_} {name}" for code_, (pk, name) in products.items()}
        for line in writes.head(log.shown).itertuples():
            y, m, w = cycle_name(line.starts_on)
            record = f"{y}-{m:02d}-{w} · {names[line.retailer]} · {product_names[line.product]}"
            new = _plain({"ordered_qty": line.ordered_qty, "returned_qty": line.returned_qty, "quota": line.quota,
                          "amount": _yuan(line.amount)})  # fmt: skip
            if pd.isna(line.pk):
                log.created(line.row, record, new, counted=False)
            else:
                old = merged.loc[line.Index]
                before = {"ordered_qty": old["old_qty"], "returned_qty": old["old_returned"],
                          "quota": old["old_quota"], "amount": _yuan(old["old_amount_fen"])}  # fmt: skip
                log.updated(line.row, record, differences(_plain(before), new), counted=False)
        return log.plan((merged, is_new, changed))

    def write(self, table: ParsedTable, plan: ImportPlan, *, actor=None) -> ImportCounts:
        merged, is_new, changed = plan.work
        cycles = {s: cycle_get_or_create(starts_on=s) for s in merged["starts_on"].unique()}
        merged = merged.assign(cycle=merged["starts_on"].map(lambda s: cycles[s].pk).astype("int64"))
        stale = merged.loc[changed, "pk"].astype("int64").tolist()
        for i in range(0, len(stale), 5000):
            Order.objects.filter(pk__in=stale[i : i + 5000]).delete()
        rows = merged.loc[is_new | changed, COLUMNS].reset_index(drop=True)
        bulk_write_frames(Order, COLUMNS, [rows])
        weekly_purchases_refresh(cycle_ids=[c.pk for c in cycles.values()])
        return plan.counts
