"""Supply plan import: the marketing system's `cigarette_distribution_info` layout.

Every row must be understood — method, extension dimensions, each area token, tier range,
tag — or the import names what it could not read and writes nothing.
"""

from __future__ import annotations

import pandas as pd
from django.utils.translation import gettext, gettext_noop, ngettext
from django.utils.translation import gettext_lazy as _

from core.exceptions import Reason, RowError
from core.imports.base import ImportCounts, Importer, ImportPlan
from core.imports.changes import BLANK, ChangeLog, Shown, cartons, differences, label, plain, yes_no
from core.imports.changes import choice as choice_words
from core.imports.changes import tier as tier_words
from core.imports.columns import Column, ParsedTable, boolean, choice, code, integer, text, tier
from cycles.calendar import cycle_name, cycle_start
from cycles.models import OrderCycle
from cycles.services import cycle_get_or_create
from pricing.models import Product
from retailers.models import CountyBranch, MarketDepartment

from .models import FROZEN_PLAN_STATUSES, ExtensionDimension, ReleaseMethod, SupplyPlanLine
from .plan_labels import BIWEEKLY_DOUBLE, METHODS, TAGS, Place, dimensions_of, parse_area, vocabularies

PLAN_COLUMNS = [
    Column("year", ("YEAR", "年份"), integer(2000, 2100), required=True,
           description=_("the order cycle's year, e.g. 2026")),
    Column("month", ("MONTH", "月份"), integer(1, 12), required=True, description=_("its month, 1–12")),
    Column("week_seq", ("WEEK_SEQ", "周次"), integer(1, 5), required=True,
           description=_("its week in the month, 1–5 (cycle 2026-12-2: 2026, 12, 2)")),
    Column("product_code", ("CIG_CODE", "卷烟编码"), code(), required=True,
           description=_("the product's code, as in the product list")),
    Column("method", ("DELIVERY_METHOD", "投放方式"), choice(METHODS, "release method"), required=True,
           description=_("按档位统一投放 (A), 按档位扩展投放 (B), 按价位段自选投放 (C), 按需投放 (D) or 选点投放 (E)")),
    Column("etype", ("DELIVERY_ETYPE", "扩展类型"), text(50),
           description=_("method B: 档位+ one or two of 区县, 市场类型, 城乡分类代码, 业态, 市场部, 商圈类型, 诚信等级, "
                         "e.g. 档位+区县+市场类型; blank for the other methods")),
    Column("tag", ("TAG", "标签"), choice(TAGS, "tag"),
           description=_("only retailers flagged 优质数据共享客户 or 优质客户; blank = every retailer")),
    Column("target", ("ADV", "预投放量", "target"), integer(0, 100_000_000), required=True,
           description=_("the cartons to release")),
    Column("area", ("DELIVERY_AREA", "投放区域"), text(300),
           description=_("全市 or blank = the whole city; else the areas separated by 、 or ，: with one dimension "
                         "its values (东城区、南溪; 城网), with two the first with the second in brackets (东城区（城网）)")),
    Column("remarks", ("BZ", "备注"), text(300),
           description=_("free text; 两周一访加倍 (or 上浮, 翻倍) counts biweekly retailers twice")),
    Column("highest_tier", ("HIGHEST_GRADE", "最高档位"), tier, description=_("D30 … D1 or 三十档 … 一档; blank = D30")),
    Column("lowest_tier", ("LOWEST_GRADE", "最低档位"), tier, description=_("D30 … D1 or 三十档 … 一档; blank = D1")),
    Column("allow_over", ("ALLOW_OVER", "允许超量"), boolean,
           description=_("1/是 if the release may exceed the target; blank = no")),
]  # fmt: skip


def plan_vocabulary():
    """Per dimension: how plans spell its values (the registry's branches and departments included)."""
    return vocabularies(
        [Place(pk, name, short, aliases) for pk, name, short, aliases in CountyBranch.objects.values_list(
            "pk", "name", "short_name", "aliases")],
        [Place(pk, name, "", aliases) for pk, name, aliases in MarketDepartment.objects.values_list(
            "pk", "name", "aliases")],
    )  # fmt: skip


def _dims(row) -> list[str] | None:
    if row.method == ReleaseMethod.TIER_EXTENDED:
        return dimensions_of(row.etype) if isinstance(row.etype, str) else None
    return []


PLAN_KEY_FIELDS = frozenset({"target", "method", "highest_tier", "lowest_tier"})


def _scope_words(cells) -> str:
    """A line's scope: the whole city, or how many cells (the area's own words show which)."""
    if not cells:
        return gettext("the whole city")
    return ngettext("%(n)s area", "%(n)s areas", len(cells)) % {"n": len(cells)}


def _dimension_words(dims) -> str:
    labels = dict(ExtensionDimension.choices)
    return " + ".join(str(labels.get(d, d)) for d in dims) or BLANK


def _field(name: str, words=plain) -> Shown:
    return Shown(label(SupplyPlanLine, name), words, name in PLAN_KEY_FIELDS)


PLAN_FIELDS = {
    "target": _field("target", cartons),
    "method": _field("method", choice_words(ReleaseMethod.choices)),
    "dimensions": _field("dimensions", _dimension_words),
    "scope": _field("scope", _scope_words),
    "area_text": _field("area_text"),
    "highest_tier": _field("highest_tier", tier_words),
    "lowest_tier": _field("lowest_tier", tier_words),
    "tag_filter": _field("tag_filter"),
    "biweekly_double": _field("biweekly_double", yes_no),
    "allow_over": _field("allow_over", yes_no),
    "remarks": _field("remarks"),
}


class SupplyPlanImporter(Importer):
    kind = "supply_plan"
    columns = PLAN_COLUMNS
    fields = PLAN_FIELDS

    def check(self, values: pd.DataFrame, headers: dict[str, str]) -> list[RowError]:
        errors: list[RowError] = []
        products = set(
            Product.objects.filter(code__in=set(values["product_code"].dropna())).values_list("code", flat=True)
        )
        vocab = plan_vocabulary()
        frozen = set(OrderCycle.objects.filter(status__in=FROZEN_PLAN_STATUSES).values_list("starts_on", flat=True))
        seen: dict[tuple, int] = {}
        for row in values.itertuples():
            n = int(row.Index)
            if not any(pd.isna(v) for v in (row.year, row.month, row.week_seq)):
                starts = cycle_start(int(row.year), int(row.month), int(row.week_seq))
                if starts is None:
                    errors.append(
                        RowError(n, headers["week_seq"], str(row.week_seq), Reason(gettext_noop("no such order cycle in that month")))
                    )
                elif starts in frozen:
                    errors.append(
                        RowError(n, headers["week_seq"], str(row.week_seq), Reason(gettext_noop("this cycle's quotas are published: its plan no longer changes")))
                    )
                key = (row.year, row.month, row.week_seq, row.product_code)
                if key in seen:
                    errors.append(
                        RowError(
                            n,
                            headers["product_code"],
                            str(row.product_code),
                            Reason(gettext_noop("repeats row %(row)s (same cycle and product)"), row=seen[key]),
                        )
                    )
                seen.setdefault(key, n)
            if isinstance(row.product_code, str) and row.product_code not in products:
                errors.append(RowError(n, headers["product_code"], row.product_code, Reason(gettext_noop("no product with this code"))))
            if isinstance(row.method, str):
                dims = _dims(row)
                if dims is None:
                    errors.append(
                        RowError(
                            n,
                            headers["etype"],
                            str(row.etype if isinstance(row.etype, str) else ""),
                            Reason(gettext_noop("unknown or missing extension (档位+区县, 档位+市场类型, …)")),
                        )
                    )
                elif dims or (isinstance(row.area, str) and row.area not in ("全市",)):
                    _, unknown = parse_area(
                        row.area if isinstance(row.area, str) else "", dims or guess_dimensions(row.area, vocab), vocab
                    )
                    what = row.etype if isinstance(row.etype, str) else Reason(gettext_noop("the whole city"))
                    errors.extend(
                        RowError(n, headers["area"], token, Reason(gettext_noop("ambiguous place: could be %(places)s"), places=token.split(": ", 1)[1]))
                        if ": " in token
                        else RowError(n, headers["area"], token, Reason(gettext_noop("unknown area for %(what)s"), what=what))
                        for token in unknown
                    )
            if not pd.isna(row.highest_tier) and not pd.isna(row.lowest_tier) and row.lowest_tier > row.highest_tier:
                errors.append(
                    RowError(n, headers["lowest_tier"], str(row.lowest_tier), Reason(gettext_noop("lowest tier above highest tier")))
                )
        return errors  # fmt: skip

    def plan(self, table: ParsedTable) -> ImportPlan:
        values = table.frame
        vocab = plan_vocabulary()
        products = {
            code_: (pk, name)
            for code_, pk, name in Product.objects.filter(code__in=set(values["product_code"])).values_list("code", "pk", "name")
        }  # fmt: skip
        starts = {
            row.Index: cycle_start(int(row.year), int(row.month), int(row.week_seq)) for row in values.itertuples()
        }
        cycles = dict(OrderCycle.objects.filter(starts_on__in=set(starts.values())).values_list("starts_on", "pk"))
        lines = {
            (line.cycle_id, line.product_id): line
            for line in SupplyPlanLine.objects.filter(cycle__in=cycles.values(), product__in=[p for p, _ in products.values()])
        }  # fmt: skip
        log = ChangeLog(key_fields=PLAN_KEY_FIELDS)
        work = []  # (cycle's Monday, product id, the line or None, its fields)
        for row in values.itertuples():
            dims = _dims(row) or []
            area = row.area if isinstance(row.area, str) else ""
            if not dims and area and area != "全市":
                dims = guess_dimensions(area, vocab)
            cells, _ = parse_area(area, dims, vocab)
            remarks = row.remarks if isinstance(row.remarks, str) else ""
            fields = {
                "target": int(row.target), "method": row.method, "dimensions": dims, "scope": cells, "area_text": area,
                "highest_tier": 30 if pd.isna(row.highest_tier) else int(row.highest_tier),
                "lowest_tier": 1 if pd.isna(row.lowest_tier) else int(row.lowest_tier),
                "tag_filter": row.tag if isinstance(row.tag, str) else "",
                "biweekly_double": bool(BIWEEKLY_DOUBLE.search(remarks)),
                "allow_over": bool(row.allow_over) if not pd.isna(row.allow_over) else False, "remarks": remarks,
            }  # fmt: skip
            product_id, name = products[row.product_code]
            starts_on = starts[row.Index]
            year, month, week_seq = cycle_name(starts_on)
            record = f"{year}-{month:02d}-{week_seq} · {row.product_code} {name}"
            line = lines.get((cycles.get(starts_on), product_id))
            if line is None:
                log.created(row.Index, record, fields)
                work.append((starts_on, product_id, None, fields))
                continue
            changes = differences({k: getattr(line, k) for k in fields}, fields)
            if changes:
                log.updated(row.Index, record, changes)
                work.append((starts_on, product_id, line, fields))
            else:
                log.unchanged()
        return log.plan(work)

    def write(self, table: ParsedTable, plan: ImportPlan, *, actor=None) -> ImportCounts:
        for starts_on, product_id, line, fields in plan.work:
            if line is None:
                SupplyPlanLine.objects.create(cycle=cycle_get_or_create(starts_on=starts_on), product_id=product_id, **fields)
            else:
                SupplyPlanLine.objects.filter(pk=line.pk).update(**fields)
        return plan.counts


def guess_dimensions(area, vocab) -> list[str]:
    """An area without an extension type (e.g. method A limited to 城网): the one dimension naming every token."""
    if not isinstance(area, str):
        return []
    for dim in vocab:
        cells, unknown = parse_area(area, [dim], vocab)
        if cells and not unknown:
            return [dim]
    return ["county"]
