"""Customer registry imports: the marketing system's export and our own layout.

A column that is absent leaves that field alone; a column that is present is
written, a blank cell clearing the field, except the tier, which a blank never
clears (tiers come from classification once it has run).
"""

from __future__ import annotations

import pandas as pd
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_noop

from accounts.models import Role
from core.exceptions import Reason, RowError
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

CUSTOMER_COLUMNS = [
    Column("customer_code", ("CUST_CODE", "客户编码", "customer_code"), code(), required=True),
    Column("license_no", ("CUST_ID", "LICENSE_NO", "许可证号", "license_no"), code(), required=True),
    Column("branch", ("COMPANY_BRANCH", "区县局", "county_branch", "branch"), text(100), required=True),
    Column("department", ("MARKET_DEPARTMENT", "市场部", "market_department", "department"), text(100)),
    Column("route", ("SERVICE_ROUTE", "服务线路", "service_route", "route"), text(100)),
    Column("tier", ("GRADE", "档位", "tier"), tier),
    Column("order_cycle", ("ORDER_CYCLE", "订货周期", "order_cycle"), choice(labels.ORDER_CYCLE, "order cycle")),
    Column("credit_rating", ("CREDIT_LEVEL", "诚信等级", "credit_rating"), choice(labels.CREDIT_RATING, "credit rating")),
    Column("market_type", ("MARKET_TYPE", "市场类型", "market_type"), choice(labels.MARKET_TYPE, "market type")),
    Column(
        "urban_rural_code",
        ("CLASSIFICATION_CODE", "城乡分类代码", "urban_rural_code"),
        choice(labels.URBAN_RURAL_CODE, "urban-rural code"),
    ),
    Column("business_format", ("CUST_FORMAT", "业态", "business_format"), choice(labels.BUSINESS_FORMAT, "business format")),
    Column("trade_area", ("BUSINESS_DISTRICT_TYPE", "商圈类型", "trade_area"), choice(labels.TRADE_AREA, "trade area")),
    Column("status", ("BUSINESS_STATUS", "经营状态", "status"), choice(labels.RETAILER_STATUS, "status")),
    Column("is_mutual_aid_group", ("IS_MUTUAL_AID_GROUP", "是否互助小组", "is_mutual_aid_group"), boolean),
    Column("integrity_group", ("GROUP_NAME", "诚信互助小组", "integrity_group"), text(100)),
    Column("is_pos_supplier", ("QUALITY_DATA_SHARE", "数据共享客户", "is_pos_supplier"), boolean),
    Column("is_quality_customer", ("优质客户", "is_quality_customer"), boolean),
    Column("name", ("CUST_NAME", "客户名称", "店名", "name"), text(200)),
    Column("owner_name", ("OWNER_NAME", "负责人", "owner_name"), text(100)),
    Column("phone", ("PHONE", "联系电话", "电话", "phone"), text(32)),
    Column("address", ("ADDRESS", "经营地址", "address"), text(300)),
    Column("shop_area", ("SHOP_AREA", "经营面积", "shop_area"), decimal(1, positive=True, max_digits=8)),
    Column("is_vulnerable", ("IS_VULNERABLE", "困难客户", "is_vulnerable"), boolean),
    Column("vulnerable_reason", ("VULNERABLE_REASON", "困难原因", "vulnerable_reason"), text(200)),
    Column("manager", ("MANAGER", "客户经理", "manager"), text(150)),
]

# Retailer fields written straight from a column of the same key.
PLAIN_FIELDS = [
    "license_no", "credit_rating", "market_type", "urban_rural_code", "business_format", "trade_area",
    "status", "is_mutual_aid_group", "integrity_group", "is_pos_supplier", "is_quality_customer", "name",
    "owner_name", "phone", "address", "shop_area", "is_vulnerable", "vulnerable_reason",
]  # fmt: skip
BOOLEAN_FIELDS = {"is_mutual_aid_group", "is_pos_supplier", "is_quality_customer", "is_vulnerable"}
NULLABLE_FIELDS = {"shop_area", "tier", "order_weekday", "department_id", "route_id", "manager_id"}


def _managers_by_username(names: pd.Series) -> dict[str, int]:
    wanted = set(names.dropna())
    users = get_user_model().objects.filter(username__in=wanted, role=Role.MANAGER)
    return dict(users.values_list("username", "pk"))


class CustomerImporter(Importer):
    kind = "customers"
    columns = CUSTOMER_COLUMNS

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
                errors.append(RowError(int(row), headers["license_no"], license_no, Reason(gettext_noop("belongs to customer %(code)s"), code=owner)))
        if values["manager"].notna().any():
            known = _managers_by_username(values["manager"])
            for row, name in values["manager"].dropna().items():
                if name not in known:
                    errors.append(RowError(int(row), headers["manager"], name, Reason(gettext_noop("no customer manager with this username"))))
        dept_without_branch = values["route"].notna() & values["department"].isna()
        for row in values.index[dept_without_branch]:
            errors.append(RowError(int(row), headers["route"], str(values.at[row, "route"]), Reason(gettext_noop("a route needs a market department"))))
        return errors

    def plan(self, table: ParsedTable) -> ImportPlan:
        values, present = table.frame, table.present
        managers = _managers_by_username(values["manager"]) if "manager" in present else {}
        existing = {r.customer_code: r for r in Retailer.objects.filter(customer_code__in=list(values["customer_code"]))}
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
    if "order_cycle" in present:
        kind, day, parity = (OrderCycleKind.WEEKLY, None, "") if _blank(row.order_cycle) else row.order_cycle
        fields["order_cycle"] = (str(kind), day, str(parity))
    if "manager" in present:
        fields["manager_id"] = None if _blank(row.manager) else managers[row.manager]
    return fields


def _unit_names() -> dict:
    """Each org unit's id → its name as `_fields_for` writes it."""
    branches = dict(CountyBranch.objects.values_list("pk", "name"))
    departments = {
        pk: (branches[branch], name) for pk, branch, name in MarketDepartment.objects.values_list("pk", "branch", "name")
    }
    routes = {
        pk: (*departments[dept], name) for pk, dept, name in ServiceRoute.objects.values_list("pk", "department", "name")
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


ASSIGNMENT_COLUMNS = [
    Column("customer_code", ("CUST_CODE", "客户编码", "customer_code"), code(), required=True),
    Column("manager", ("MANAGER", "客户经理", "manager"), text(150)),
]


class AssignmentImporter(Importer):
    """Assign retailers to customer managers (blank manager = unassign)."""

    kind = "assignments"
    columns = ASSIGNMENT_COLUMNS

    def check(self, values: pd.DataFrame, headers: dict[str, str]) -> list[RowError]:
        errors = duplicate_errors(values["customer_code"], headers["customer_code"])
        known_codes = set(
            Retailer.objects.filter(customer_code__in=set(values["customer_code"].dropna())).values_list(
                "customer_code", flat=True
            )
        )
        for row, customer in values["customer_code"].dropna().items():
            if customer not in known_codes:
                errors.append(RowError(int(row), headers["customer_code"], customer, Reason(gettext_noop("no retailer with this customer code"))))
        known = _managers_by_username(values["manager"])
        for row, name in values["manager"].dropna().items():
            if name not in known:
                errors.append(RowError(int(row), headers["manager"], name, Reason(gettext_noop("no customer manager with this username"))))
        return errors

    def plan(self, table: ParsedTable) -> ImportPlan:
        values = table.frame
        managers = _managers_by_username(values["manager"])
        retailers = {r.customer_code: r for r in Retailer.objects.filter(customer_code__in=list(values["customer_code"]))}
        log = ChangeLog(key_fields=frozenset({"manager_id"}))
        work = []  # (retailer, its new manager's id)
        for row, code_, name in values[["customer_code", "manager"]].itertuples(name=None):
            retailer = retailers[code_]
            new = None if _blank(name) else managers[name]
            if retailer.manager_id != new:
                log.updated(row, f"{code_} {retailer.name}".strip(), [FieldChange("manager_id", retailer.manager_id, new)])
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
