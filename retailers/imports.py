"""Customer registry imports: the marketing system's export and our own layout.

A column that is absent leaves that field alone; a column that is present is
written, a blank cell clearing the field, except the tier, which a blank never
clears (tiers come from classification once it has run).
"""

from __future__ import annotations

import dataclasses
import functools
from dataclasses import dataclass

import pandas as pd
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist
from django.utils import translation
from django.utils.text import capfirst
from django.utils.translation import gettext_noop

from accounts.models import Role
from core.display import natural_key, words
from core.exceptions import Reason, RowError, Verbatim
from core.imports.base import ImportCounts, Importer, ImportPlan
from core.imports.changes import BLANK, ChangeLog, FieldChange, Shown, differences, label, number, person, plain, yes_no
from core.imports.changes import choice as choice_words
from core.imports.changes import tier as tier_words
from core.imports.columns import Column, ParsedTable, boolean, choice, code, decimal, duplicate_errors, text, tier
from core.models import AuditEntry
from cycles.models import WeekParity

from . import labels
from .models import CountyBranch, MarketDepartment, Retailer, ServiceRoute
from .services import retailers_create, retailers_update
from .validators import license_no_errors, phone_errors
from .vocabulary import (
    BusinessFormat,
    CreditRating,
    MarketType,
    OrderCycleKind,
    RetailerStatus,
    TradeArea,
    UrbanRuralCode,
    Weekday,
)

BATCH = 2000
# Why an assignment import changed a retailer's manager: its audit entries keep it as a Reason (read in the
# reader's language); its history rows keep the msgid, translated where history is shown.
ASSIGNMENT_IMPORT = Reason(gettext_noop("assignment import"))


def _choices(mapping: dict, choices) -> dict:
    """An export's spellings of a vocabulary and its labels in every language (our own export's)."""
    return {**labels.in_every_language(choices), **mapping}


def _customer_columns() -> list[Column]:
    return [
        Column("customer_code", ("CUST_CODE", "客户编码", "customer_code"), code(), required=True),
        Column("license_no", ("CUST_ID", "LICENSE_NO", "许可证号", "license_no"), code(), required=True, extra_checks=(license_no_errors,)),
        Column("branch", ("COMPANY_BRANCH", "区县局", "county_branch", "branch"), text(100), required=True),
        Column("department", ("MARKET_DEPARTMENT", "市场部", "market_department", "department"), text(100)),
        Column("route", ("SERVICE_ROUTE", "服务线路", "service_route", "route"), text(100)),
        Column("tier", ("GRADE", "档位", "tier"), tier),
        Column("order_cycle", ("ORDER_CYCLE", "订货周期", "order_cycle"), choice(labels.order_cycle_labels(), "order cycle")),
        Column("order_weekday", ("ORDER_DAY", "订货日", "order_weekday"), choice(labels.weekday_labels(), "order day")),
        Column(
            "order_week_parity",
            ("ORDER_WEEK_PARITY", "单双周", "order_week_parity"),
            choice(labels.week_parity_labels(), "odd or even weeks"),
        ),
        Column("credit_rating", ("CREDIT_LEVEL", "诚信等级", "credit_rating"), choice(labels.CREDIT_RATING, "credit rating")),
        Column("market_type", ("MARKET_TYPE", "市场类型", "market_type"), choice(_choices(labels.MARKET_TYPE, MarketType), "market type")),
        Column(
            "urban_rural_code",
            ("CLASSIFICATION_CODE", "城乡分类代码", "urban_rural_code"),
            choice(_choices(labels.URBAN_RURAL_CODE, UrbanRuralCode), "urban-rural code"),
        ),
        Column(
            "business_format",
            ("CUST_FORMAT", "业态", "business_format"),
            choice(_choices(labels.BUSINESS_FORMAT, BusinessFormat), "business format"),
        ),
        Column(
            "trade_area",
            ("BUSINESS_DISTRICT_TYPE", "商圈类型", "trade_area"),
            choice(_choices(labels.TRADE_AREA, TradeArea), "trade area"),
        ),
        Column("status", ("BUSINESS_STATUS", "经营状态", "status"), choice(_choices(labels.RETAILER_STATUS, RetailerStatus), "status")),
        Column("is_mutual_aid_group", ("IS_MUTUAL_AID_GROUP", "是否互助小组", "is_mutual_aid_group"), boolean),
        Column("integrity_group", ("GROUP_NAME", "诚信互助小组", "integrity_group"), text(100)),
        Column("is_pos_supplier", ("QUALITY_DATA_SHARE", "数据共享客户", "is_pos_supplier"), boolean),
        Column("is_quality_customer", ("优质客户", "is_quality_customer"), boolean),
        Column("name", ("CUST_NAME", "客户名称", "店名", "name"), text(200)),
        Column("owner_name", ("OWNER_NAME", "负责人", "owner_name"), text(100)),
        Column("phone", ("PHONE", "联系电话", "电话", "phone"), text(32), extra_checks=(phone_errors,)),
        Column("address", ("ADDRESS", "经营地址", "address"), text(300)),
        Column("shop_area", ("SHOP_AREA", "经营面积", "shop_area"), decimal(1, positive=True, max_digits=8)),
        Column("is_vulnerable", ("IS_VULNERABLE", "困难客户", "is_vulnerable"), boolean),
        Column("vulnerable_reason", ("VULNERABLE_REASON", "困难原因", "vulnerable_reason"), text(200)),
        Column("manager", ("MANAGER", "客户经理", "manager"), text(150)),
    ]  # fmt: skip


# The Retailer field behind a column whose key is not one (the export heads a column by its field's name).
COLUMN_FIELDS = {"order_cycle": "order_cycle_kind"}


def _headed_as_exported(columns: list[Column]) -> list[Column]:
    """Each column also under the header our own export gives it, in every language (客户编码 and
    Customer code, 城乡分类 and Urban-rural code): a file exported from the admin imports back as it is."""
    shown = []
    for column in columns:
        name = COLUMN_FIELDS.get(column.key, column.key)
        try:
            verbose = Retailer._meta.get_field(name).verbose_name
        except FieldDoesNotExist:
            shown.append(column)
            continue
        extra = []
        for language, _name in settings.LANGUAGES:
            with translation.override(language):
                extra.append(capfirst(str(verbose)))
        headers = tuple(dict.fromkeys((*column.headers, *extra)))
        shown.append(dataclasses.replace(column, headers=headers))
    return shown


@functools.cache
def customer_columns() -> list[Column]:
    """The columns of a customer file (built when a file is read: the labels in every language)."""
    return _headed_as_exported(_customer_columns())


@functools.cache
def assignment_columns() -> list[Column]:
    return _headed_as_exported(
        [
            Column("customer_code", ("CUST_CODE", "客户编码", "customer_code"), code(), required=True),
            Column("manager", ("MANAGER", "客户经理", "manager"), text(150)),
        ]
    )


# Retailer fields written straight from a column of the same key.
PLAIN_FIELDS = [
    "license_no", "credit_rating", "market_type", "urban_rural_code", "business_format", "trade_area",
    "status", "is_mutual_aid_group", "integrity_group", "is_pos_supplier", "is_quality_customer", "name",
    "owner_name", "phone", "address", "shop_area", "is_vulnerable", "vulnerable_reason",
]  # fmt: skip
BOOLEAN_FIELDS = {"is_mutual_aid_group", "is_pos_supplier", "is_quality_customer", "is_vulnerable"}
NULLABLE_FIELDS = {"shop_area", "tier", "order_weekday", "department_id", "route_id", "manager_id"}


@dataclass(frozen=True)
class ManagerNames:
    """Who a file's manager cell names: a customer manager by name (as our exports write one) when no
    other manager goes by it, else by login; a name two managers share is a row error naming their
    logins, so the file can say which."""

    found: dict[str, int]  # cell → the manager's id
    problems: dict[str, Reason]  # cell → why it names no one manager


def _manager_names(cells: pd.Series) -> ManagerNames:
    wanted = {str(cell) for cell in cells.dropna()}
    if not wanted:
        return ManagerNames({}, {})
    managers = list(
        get_user_model().objects.filter(role=Role.MANAGER).only("pk", "username", "first_name", "last_name")
    )
    by_name: dict[str, list] = {}
    for user in managers:
        name = user.get_full_name().strip()
        if name:
            by_name.setdefault(name, []).append(user)
    by_login = {user.username: user for user in managers}
    found, problems = {}, {}
    for cell in wanted:
        named, login = by_name.get(cell, []), by_login.get(cell)
        if len(named) == 1 and login in (None, named[0]):
            found[cell] = named[0].pk
        elif len(named) != 1 and login is not None:  # no one or several by this name: a login
            found[cell] = login.pk
        elif not named:
            problems[cell] = Reason(gettext_noop("no customer manager with this name or username"))
        else:
            logins = sorted({u.username for u in (*named, login) if u is not None}, key=natural_key)
            problems[cell] = Reason(
                gettext_noop("%(n)s customer managers go by “%(name)s” (usernames %(logins)s): write the username"),
                n=len(logins), name=Verbatim(cell), logins=Verbatim(words(logins)),
            )  # fmt: skip
    return ManagerNames(found, problems)


def _manager_errors(cells: pd.Series, header: str, names: ManagerNames) -> list[RowError]:
    return [
        RowError(int(row), header, cell, names.problems[cell])
        for row, cell in cells.dropna().items()
        if cell in names.problems
    ]


class CustomerImporter(Importer):
    kind = "customers"

    @property
    def columns(self) -> list[Column]:  # type: ignore[override]
        return customer_columns()

    def parse(self, frame: pd.DataFrame) -> ParsedTable:
        table = super().parse(frame)
        if not any(e.row == 1 for e in table.errors):
            table.errors.extend(_order_cycles(table, frame))
            table.errors.sort(key=lambda e: (e.row, e.column))
        return table

    def check(self, values: pd.DataFrame, headers: dict[str, str]) -> list[RowError]:
        errors = duplicate_errors(values["customer_code"], headers["customer_code"])
        errors += duplicate_errors(values["license_no"], headers["license_no"])
        # a license number may not move to another customer code
        taken = dict(
            Retailer.objects.filter(license_no__in=set(values["license_no"].dropna())).values_list(
                "license_no", "customer_code"
            )
        )
        for row, (license_no, customer_code) in values[["license_no", "customer_code"]].dropna().iterrows():
            owner = taken.get(license_no)
            if owner is not None and owner != customer_code:
                errors.append(
                    RowError(
                        int(row),
                        headers["license_no"],
                        license_no,
                        Reason(gettext_noop("belongs to customer %(code)s"), code=owner),
                    )
                )
        errors += _manager_errors(values["manager"], headers["manager"], _manager_names(values["manager"]))
        dept_without_branch = values["route"].notna() & values["department"].isna()
        for row in values.index[dept_without_branch]:
            errors.append(
                RowError(
                    int(row),
                    headers["route"],
                    str(values.at[row, "route"]),
                    Reason(gettext_noop("a route needs a market department")),
                )
            )
        return errors

    def plan(self, table: ParsedTable) -> ImportPlan:
        values, present = table.frame, table.present
        managers = _manager_names(values["manager"]).found if "manager" in present else {}
        existing = {
            r.customer_code: r for r in Retailer.objects.filter(customer_code__in=list(values["customer_code"]))
        }
        names = _unit_names()
        log = ChangeLog(key_fields=CUSTOMER_KEY_FIELDS)
        work = []  # (retailer or None, customer code, its fields by name, the fields that change)
        for row in values.itertuples():
            fields = _fields_for(row, present, managers)
            retailer = existing.get(row.customer_code)
            name = retailer.name if retailer else fields.get("name", "")  # as the registry knows it
            record = f"{row.customer_code} {name}".strip()
            if retailer is None:
                log.created(row.Index, record, fields)
                work.append((None, row.customer_code, fields, list(fields)))
                continue
            changes = differences(_named(retailer, names), fields)
            if changes:
                log.updated(row.Index, record, changes)
                work.append((retailer, row.customer_code, fields, [c.key for c in changes]))
            else:
                log.unchanged()
        return log.plan(work)

    def write(self, table: ParsedTable, plan: ImportPlan, *, actor=None) -> ImportCounts:
        units = _org_units(table.frame)
        to_create, to_update, changed_fields = [], [], set()
        for retailer, customer_code, fields, changed in plan.work:
            stored = _stored(fields, changed, units)
            if retailer is None:
                to_create.append(Retailer(customer_code=customer_code, **stored))
                continue
            for key, value in stored.items():
                setattr(retailer, key, value)
            changed_fields.update(stored)
            to_update.append(retailer)
        reason = "customer import"
        retailers_create(retailers=to_create, actor=actor, reason=reason)
        retailers_update(retailers=to_update, fields=sorted(changed_fields), actor=actor, reason=reason)
        return plan.counts

    def shown(self, plan: ImportPlan) -> dict[str, Shown]:
        return {**CUSTOMER_FIELDS, "manager_id": _manager_shown(plan)}


def _org_units(values: pd.DataFrame) -> dict:
    """Branches, departments and routes named in the file, created when missing."""
    branches = {b.name: b for b in CountyBranch.objects.all()}
    for name in values["branch"].dropna().unique():
        if name not in branches:
            branches[name] = CountyBranch.objects.create(name=name, short_name=labels.branch_short_name(name))
    departments = {(d.branch_id, d.name): d for d in MarketDepartment.objects.all()}
    routes = {(r.department_id, r.name): r for r in ServiceRoute.objects.all()}
    pairs = values[["branch", "department", "route"]].dropna(subset=["department"]).drop_duplicates()
    for branch_name, dept_name, route_name in pairs.itertuples(index=False):
        branch = branches[branch_name]
        dept = departments.get((branch.pk, dept_name))
        if dept is None:
            dept = departments[(branch.pk, dept_name)] = MarketDepartment.objects.create(branch=branch, name=dept_name)
        if isinstance(route_name, str) and (dept.pk, route_name) not in routes:
            routes[(dept.pk, route_name)] = ServiceRoute.objects.create(department=dept, name=route_name)
    return {"branches": branches, "departments": departments, "routes": routes}


def _blank(value) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and value != value)


def _fields_for(row, present: set[str], managers: dict[str, int]) -> dict:
    """A row's fields as the plan compares them: the org units by name (branch; (branch, department);
    (branch, department, route)), the order cycle as (kind, weekday, parity); a manager by id."""
    fields: dict = {}
    for key in PLAIN_FIELDS:
        if key not in present:
            continue
        value = getattr(row, key)
        if _blank(value):
            value = None if key in NULLABLE_FIELDS else (False if key in BOOLEAN_FIELDS else "")
            if key == "status":
                value = RetailerStatus.ACTIVE
        fields[key] = value
    fields["branch"] = row.branch
    if "department" in present:
        department = None if _blank(row.department) else (row.branch, row.department)
        fields["department"] = department
        if "route" in present:
            fields["route"] = None if department is None or _blank(row.route) else (*department, row.route)
    if "tier" in present and not _blank(row.tier):
        fields["tier"] = int(row.tier)
    if "order_cycle" in present:  # (kind, day, weeks) from its columns (`_order_cycles`)
        kind, day, parity = row.order_cycle
        fields["order_cycle"] = (str(kind), day, str(parity))
    if "manager" in present:
        fields["manager_id"] = None if _blank(row.manager) else managers[row.manager]
    return fields


CYCLE_KEYS = ("order_cycle", "order_weekday", "order_week_parity")


def _order_cycles(table: ParsedTable, frame: pd.DataFrame) -> list[RowError]:
    """Each row's order cycle as (kind, day, weeks), from whichever of its three columns the file has:
    one cell (周四, 单周周四, 不访销) or, as our export writes it, the kind (每周, 两周一访) with the day (周四)
    and the weeks (单周) in their own columns. A kind with no day column keeps the day the shop has; a
    biweekly cycle with no weeks column keeps the weeks it has. A day or weeks contradicting the cycle's
    cell, or a biweekly cycle with no weeks, is a row error. Sets `order_cycle` of the table's rows and
    marks it present when any of the three columns is."""
    present = [key for key in CYCLE_KEYS if key in table.present]
    if not present:
        return []
    values, headers = table.frame, table.headers
    bad = {(e.row, e.column) for e in table.errors}
    now = {
        code_: (kind, day, parity)
        for code_, kind, day, parity in Retailer.objects.filter(
            customer_code__in=set(values["customer_code"].dropna())
        ).values_list("customer_code", "order_cycle_kind", "order_weekday", "order_week_parity")
    }
    errors, cycles = [], {}

    def raw(row, key) -> str:  # a cell as the file wrote it
        return (
            "" if key not in table.present or _blank(frame.at[row, headers[key]]) else str(frame.at[row, headers[key]])
        )

    for row in values.index:
        if any((int(row), headers[key]) in bad for key in present):
            cycles[row] = pd.NA
            continue
        current = now.get(values.at[row, "customer_code"])
        cell = values.at[row, "order_cycle"]
        if "order_cycle" not in table.present:
            kind, day, parity = (current[0] if current else OrderCycleKind.WEEKLY), None, None
        elif _blank(cell):  # a blank cycle: weekly, with no day unless its column names one
            kind, day, parity = OrderCycleKind.WEEKLY, None, ""
        else:
            kind, day, parity = cell
        column_day, column_parity = values.at[row, "order_weekday"], values.at[row, "order_week_parity"]
        column_day = None if _blank(column_day) else int(column_day)
        column_parity = "" if _blank(column_parity) else str(column_parity)
        kind_only = parity is None  # the cell names the kind alone (每周), not its day
        if day is not None:
            if column_day not in (None, day):
                reason = Reason(
                    gettext_noop("does not match the order cycle “%(cycle)s”"), cycle=Verbatim(raw(row, "order_cycle"))
                )
                errors.append(RowError(int(row), headers["order_weekday"], raw(row, "order_weekday"), reason))
        elif "order_weekday" in table.present:
            day = column_day
        elif kind_only and kind != OrderCycleKind.NOT_SERVED and current:
            day = current[1]
        if kind == OrderCycleKind.BIWEEKLY:
            if parity:
                if column_parity not in ("", parity):
                    reason = Reason(
                        gettext_noop("does not match the order cycle “%(cycle)s”"),
                        cycle=Verbatim(raw(row, "order_cycle")),
                    )
                    errors.append(
                        RowError(int(row), headers["order_week_parity"], raw(row, "order_week_parity"), reason)
                    )
            elif column_parity:
                parity = column_parity
            elif "order_week_parity" not in table.present and current and current[2]:
                parity = current[2]
            else:
                key = "order_week_parity" if "order_week_parity" in table.present else "order_cycle"
                reason = Reason(gettext_noop("a biweekly order cycle needs odd or even weeks"))
                errors.append(RowError(int(row), headers[key], raw(row, "order_cycle"), reason))
        elif column_parity:
            if kind == OrderCycleKind.WEEKLY:  # weekly: no odd or even weeks
                cycle = raw(row, "order_cycle") or str(OrderCycleKind(kind).label)
                reason = Reason(gettext_noop("does not match the order cycle “%(cycle)s”"), cycle=Verbatim(cycle))
                errors.append(RowError(int(row), headers["order_week_parity"], raw(row, "order_week_parity"), reason))
            parity = column_parity
        else:
            parity = ""
        cycles[row] = (str(kind), day, str(parity or ""))
    values["order_cycle"] = pd.Series(cycles, dtype="object")
    table.present.add("order_cycle")
    return errors


def _unit_names() -> dict:
    """Each org unit's id → its name as `_fields_for` writes it."""
    branches = dict(CountyBranch.objects.values_list("pk", "name"))
    departments = {
        pk: (branches[branch], name)
        for pk, branch, name in MarketDepartment.objects.values_list("pk", "branch", "name")
    }
    routes = {
        pk: (*departments[dept], name)
        for pk, dept, name in ServiceRoute.objects.values_list("pk", "department", "name")
    }
    return {"branches": branches, "departments": departments, "routes": routes}


def _named(retailer: Retailer, names: dict) -> dict:
    """A retailer's fields as `_fields_for` writes them."""
    fields = {key: getattr(retailer, key) for key in PLAIN_FIELDS}
    fields.update(
        branch=names["branches"].get(retailer.branch_id),
        department=names["departments"].get(retailer.department_id),
        route=names["routes"].get(retailer.route_id),
        tier=retailer.tier,
        order_cycle=(retailer.order_cycle_kind, retailer.order_weekday, retailer.order_week_parity),
        manager_id=retailer.manager_id,
    )
    return fields


def _stored(fields: dict, keys: list[str], units: dict) -> dict:
    """The model fields behind `keys` of a row's `fields` (the org units' ids: `units` holds every one the
    file names, created if missing)."""
    stored: dict = {}
    branch = units["branches"][fields["branch"]]
    for key in keys:
        value = fields[key]
        if key == "branch":
            stored["branch_id"] = branch.pk
        elif key == "department":
            stored["department_id"] = None if value is None else units["departments"][(branch.pk, value[1])].pk
        elif key == "route":
            if value is None:
                stored["route_id"] = None
            else:
                department = units["departments"][(branch.pk, value[1])]
                stored["route_id"] = units["routes"][(department.pk, value[2])].pk
        elif key == "order_cycle":
            stored.update(order_cycle_kind=value[0], order_weekday=value[1], order_week_parity=value[2])
        else:
            stored[key] = value
    return stored


def _cycle_words(value) -> str:
    """(weekly, 4, "") → 每周 · 周四; (biweekly, 4, odd) → 两周一访 · 单周 · 周四; (not_served, …) → 不访销."""
    if not value:
        return BLANK
    kind, day, parity = value
    parts = [OrderCycleKind(kind).label if kind in OrderCycleKind.values else kind]
    if kind != OrderCycleKind.NOT_SERVED:
        if parity in WeekParity.values:
            parts.append(WeekParity(parity).label)
        if day in Weekday.values:
            parts.append(Weekday(day).label)
    return " · ".join(str(p) for p in parts)


def _last(value) -> str:
    """An org unit named as (branch, …, name): its own name."""
    return BLANK if not value else str(value[-1])


def _manager_shown(plan: ImportPlan) -> Shown:
    ids = {c.old for r in plan.changes for c in r.fields if c.key == "manager_id"}
    ids |= {c.new for r in plan.changes for c in r.fields if c.key == "manager_id"}
    users = get_user_model().objects.in_bulk([i for i in ids if i is not None])
    return Shown(label(Retailer, "manager"), person(users), key=True)


CUSTOMER_KEY_FIELDS = frozenset({"tier", "manager_id", "status"})


def _field(name: str, words=plain) -> Shown:
    return Shown(label(Retailer, name), words, name in CUSTOMER_KEY_FIELDS)


CUSTOMER_FIELDS = {
    "name": _field("name"),
    "license_no": _field("license_no"),
    "branch": _field("branch"),
    "department": _field("department", _last),
    "route": _field("route", _last),
    "tier": _field("tier", tier_words),
    "order_cycle": Shown(label(Retailer, "order_cycle_kind"), _cycle_words),
    "credit_rating": _field("credit_rating", choice_words(CreditRating.choices)),
    "market_type": _field("market_type", choice_words(MarketType.choices)),
    "urban_rural_code": _field("urban_rural_code", choice_words(UrbanRuralCode.choices)),
    "business_format": _field("business_format", choice_words(BusinessFormat.choices)),
    "trade_area": _field("trade_area", choice_words(TradeArea.choices)),
    "status": _field("status", choice_words(RetailerStatus.choices)),
    "is_mutual_aid_group": _field("is_mutual_aid_group", yes_no),
    "integrity_group": _field("integrity_group"),
    "is_pos_supplier": _field("is_pos_supplier", yes_no),
    "is_quality_customer": _field("is_quality_customer", yes_no),
    "owner_name": _field("owner_name"),
    "phone": _field("phone"),
    "address": _field("address"),
    "shop_area": _field("shop_area", number),
    "is_vulnerable": _field("is_vulnerable", yes_no),
    "vulnerable_reason": _field("vulnerable_reason"),
    "manager_id": _field("manager"),
}


class AssignmentImporter(Importer):
    """Assign retailers to customer managers (blank manager = unassign)."""

    kind = "assignments"

    @property
    def columns(self) -> list[Column]:  # type: ignore[override]
        return assignment_columns()

    def check(self, values: pd.DataFrame, headers: dict[str, str]) -> list[RowError]:
        errors = duplicate_errors(values["customer_code"], headers["customer_code"])
        known_codes = set(
            Retailer.objects.filter(customer_code__in=set(values["customer_code"].dropna())).values_list(
                "customer_code", flat=True
            )
        )
        for row, customer in values["customer_code"].dropna().items():
            if customer not in known_codes:
                errors.append(
                    RowError(
                        int(row),
                        headers["customer_code"],
                        customer,
                        Reason(gettext_noop("no retailer with this customer code")),
                    )
                )
        errors += _manager_errors(values["manager"], headers["manager"], _manager_names(values["manager"]))
        return errors

    def plan(self, table: ParsedTable) -> ImportPlan:
        values = table.frame
        managers = _manager_names(values["manager"]).found
        retailers = {
            r.customer_code: r for r in Retailer.objects.filter(customer_code__in=list(values["customer_code"]))
        }
        log = ChangeLog(key_fields=frozenset({"manager_id"}))
        work = []  # (retailer, its new manager's id)
        for row, code_, name in values[["customer_code", "manager"]].itertuples(name=None):
            retailer = retailers[code_]
            new = None if _blank(name) else managers[name]
            if retailer.manager_id != new:
                log.updated(
                    row, f"{code_} {retailer.name}".strip(), [FieldChange("manager_id", retailer.manager_id, new)]
                )
                work.append((retailer, new))
            else:
                log.unchanged()
        return log.plan(work)

    def write(self, table: ParsedTable, plan: ImportPlan, *, actor=None) -> ImportCounts:
        changed, audits = [], []
        for retailer, new in plan.work:
            audits.append(
                AuditEntry(
                    actor=actor, action="retailer.assign_manager", object_type="retailer",
                    object_id=str(retailer.pk), reason=ASSIGNMENT_IMPORT.text(),
                    before={"manager_id": retailer.manager_id}, after={"manager_id": new},
                )
            )  # fmt: skip
            retailer.manager_id = new
            changed.append(retailer)
        retailers_update(retailers=changed, fields=["manager"], actor=actor, reason=ASSIGNMENT_IMPORT.msgid)
        AuditEntry.objects.bulk_create(audits, batch_size=BATCH)
        return plan.counts

    def shown(self, plan: ImportPlan) -> dict[str, Shown]:
        return {"manager_id": _manager_shown(plan)}
