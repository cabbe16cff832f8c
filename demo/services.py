"""Write a generated demo city into the database (bulk, one run with progress)."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

import numpy as np
import pandas as pd
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import Role
from allocation.models import AllocationRun, SupplyPlanLine
from allocation.services import allocation_run_create, allocation_run_publish
from compliance.models import Inspection, InspectionKind, InspectionLine
from core.db import bulk_write, bulk_write_frames, is_postgresql
from core.db.rebuild import constraints_rebuilt_after
from core.exceptions import DomainError
from core.runs import tracked_run
from cycles.calendar import cycle_monday
from cycles.models import CycleStatus, OrderCycle
from cycles.selectors import cycle_window, next_ordering_cycle, published_cycles_ahead
from cycles.services import cycle_get_or_create
from demand.engine import suggestions
from demand.models import MAX_CARTONS, DemandReport
from demand.selectors import SUGGESTION_CYCLES
from inventory.services import SALES_WEEKS
from orders.engine.weekly import COLUMNS as WEEKLY_COLUMNS
from orders.engine.weekly import weekly_totals
from orders.models import Order, WeeklyPurchase
from pricing.models import Product, ProductPrice
from pricing.services import products_refresh_prices
from retailers.models import CountyBranch, MarketDepartment, Retailer, ServiceRoute
from retailers.services import retailers_history_snapshot
from retailers.vocabulary import OrderCycleKind
from stock.models import StockCount, StockSource
from tiers.services import classification_run, proposal_publish

from .city import build_city, weekly_orders

DEMO_PASSWORD = "demo-2026"  # noqa: S105 - printed for the demo city only
SUPERVISOR = "supervisor"
DEMO_RETAILER_LOGINS = 3
BATCH = 5000


def demo_city_create(*, retailers: int, products: int, weeks: int, seed: int, today: dt.date | None = None) -> dict:
    """Build the demo city into an empty database; returns counts and seconds per stage."""
    if Retailer.objects.exists():
        raise ValueError("the database already holds retailers; the demo city goes only into an empty one")
    today = today or timezone.localdate()
    with tracked_run(
        job="seed_demo", params={"retailers": retailers, "products": products, "weeks": weeks, "seed": seed}
    ) as run:
        run.stage("generate", 2)
        city = build_city(retailers=retailers, products=products, seed=seed)
        run.stage("registry", 10)
        with transaction.atomic():
            manager_ids = _users(city)
            retailer_ids = _registry(city, manager_ids)
            product_ids = _catalogue(city, today)
        run.count(retailers=len(retailer_ids), products=len(product_ids), managers=len(manager_ids))
        last_monday = cycle_monday(today) - dt.timedelta(weeks=1)
        week_starts = [last_monday - dt.timedelta(weeks=k) for k in range(weeks)][::-1]
        cycles = {w: cycle_get_or_create(starts_on=w).pk for w in week_starts}
        OrderCycle.objects.filter(pk__in=cycles.values()).update(status=CycleStatus.CLOSED)
        run.stage("orders", 15)
        written = 0
        columns = ["cycle", "retailer", "product", "ordered_qty", "quota", "amount"]
        prices = _week_prices(city, product_ids)
        weekly = []
        with transaction.atomic(), constraints_rebuilt_after(Order):
            for k, (week, frame) in enumerate(weekly_orders(city, week_starts=week_starts, seed=seed)):
                out = pd.DataFrame(
                    {
                        "cycle": np.full(len(frame), cycles[week], dtype=np.int64),
                        "retailer": retailer_ids[frame["retailer"].to_numpy()],
                        "product": product_ids[frame["product"].to_numpy()],
                        "ordered_qty": frame["ordered_qty"].to_numpy(),
                        "quota": frame["quota"],
                        "amount": frame["amount_fen"].to_numpy(),
                    }
                )
                # one COPY per week: progress is written between COPYs, never on a connection mid-COPY
                written += bulk_write_frames(Order, columns, [out])
                weekly.append(
                    weekly_totals(out.assign(returned_qty=0, **prices.iloc[frame["product"]].reset_index(drop=True)))
                )
                run.report(15 + int(75 * (k + 1) / len(week_starts)), f"orders {week}")
            run.stage("indexes and foreign keys", 90)
        run.stage("weekly purchases", 94)
        with transaction.atomic(), constraints_rebuilt_after(WeeklyPurchase):
            bulk_write_frames(WeeklyPurchase, WEEKLY_COLUMNS, weekly)
        run.count(orders=written, cycles=len(cycles))
        if is_postgresql():
            run.stage("analyze", 97)
            with connection.cursor() as cursor:
                cursor.execute(f"ANALYZE {Order._meta.db_table}")
    return {**run.counts, "seconds": run.timings}


def _users(city) -> dict[int, int]:
    """The supervisor and one customer manager per route; returns manager index -> user id."""
    User = get_user_model()
    password = make_password(DEMO_PASSWORD)
    if not User.objects.filter(username=SUPERVISOR).exists():
        User.objects.create(
            username=SUPERVISOR, password=password, role=Role.SUPERVISOR, is_staff=True, first_name="主管"
        )
    existing = set(User.objects.filter(username__in=list(city.managers["username"])).values_list("username", flat=True))
    User.objects.bulk_create(
        [
            User(username=row.username, first_name=row.name, password=password, role=Role.MANAGER, is_staff=True)
            for row in city.managers.itertuples()
            if row.username not in existing
        ]
    )
    ids = dict(User.objects.filter(username__in=list(city.managers["username"])).values_list("username", "pk"))
    return {i: ids[name] for i, name in enumerate(city.managers["username"])}


def _registry(city, manager_ids: dict[int, int]) -> np.ndarray:
    """Branches, departments, routes and retailers; returns retailer ids in city row order."""
    branches = [CountyBranch.objects.create(name=b.name, short_name=b.short_name) for b in city.branches.itertuples()]
    departments = [
        MarketDepartment.objects.create(branch=branches[d.branch], name=d.name) for d in city.departments.itertuples()
    ]
    routes = [
        ServiceRoute.objects.create(department=departments[r.department], name=r.name) for r in city.routes.itertuples()
    ]
    r = city.retailers
    now = timezone.now()
    branch_ids = np.array([b.pk for b in branches])[r["branch"].to_numpy()]
    department_ids = np.array([d.pk for d in departments])[r["department"].to_numpy()]
    route_ids = np.array([x.pk for x in routes])[r["route"].to_numpy()]
    manager_of = np.array([manager_ids[i] for i in range(len(manager_ids))])[r["manager"].to_numpy()]
    columns = {
        "customer_code": r["customer_code"], "license_no": r["license_no"], "name": r["name"], "owner_name": "", "owner_id_no": "", "bank_account": "",
        "phone": r["phone"], "address": "", "shop_area": r["shop_area"].map(lambda v: Decimal(str(v))),
        "branch": branch_ids, "department": department_ids, "route": route_ids, "manager": manager_of,
        "business_format": r["business_format"], "market_type": r["market_type"], "urban_rural_code": r["urban_rural_code"],
        "trade_area": r["trade_area"], "tier": r["tier"].astype(int), "order_cycle_kind": r["order_cycle_kind"],
        "order_weekday": pd.Series([int(d) or None for d in r["order_weekday"]], dtype=object), "order_week_parity": r["order_week_parity"],
        "credit_rating": r["credit_rating"], "integrity_group": r["integrity_group"], "is_mutual_aid_group": False,
        "is_pos_supplier": r["is_pos_supplier"].astype(bool), "is_quality_customer": False,
        "is_vulnerable": r["is_vulnerable"].astype(bool), "vulnerable_reason": r["vulnerable_reason"],
        "status": r["status"], "created_at": now, "updated_at": now,
    }  # fmt: skip
    values = [
        [_plain(v) for v in column] if isinstance(column, pd.Series | np.ndarray) else itertools.repeat(column)
        for column in columns.values()
    ]
    bulk_write(Retailer, list(columns), zip(*values, strict=False))  # repeat() columns are endless
    ids = dict(Retailer.objects.values_list("customer_code", "pk"))
    retailers_history_snapshot(pks=list(ids.values()), history_type="+", reason="demo city")
    return r["customer_code"].map(ids).to_numpy(dtype=np.int64)


def _week_prices(city, product_ids: np.ndarray) -> pd.DataFrame:
    """Per product row of the city: its (constant) prices in fen and its price class."""
    classes = dict(Product.objects.filter(pk__in=product_ids.tolist()).values_list("pk", "price_class"))
    return pd.DataFrame(
        {
            "wholesale_fen": np.round(city.products["wholesale_price"].to_numpy() * 100).astype(np.int64),
            "retail_fen": np.round(city.products["retail_price"].to_numpy() * 100).astype(np.int64),
            "price_class": [classes[p] for p in product_ids.tolist()],
        }
    )


def _plain(value):
    """numpy scalars to Python values for the database driver."""
    return value.item() if isinstance(value, np.generic) else value


def _catalogue(city, today: dt.date) -> np.ndarray:
    p = city.products
    Product.objects.bulk_create(
        [
            Product(
                code=row.code,
                name=row.name,
                brand=row.brand,
                lifecycle=row.lifecycle,
                is_scarce=bool(row.is_scarce),
                wholesale_price=round(float(row.wholesale_price), 2),
                retail_price=round(float(row.retail_price), 2),
            )  # fmt: skip
            for row in p.itertuples()
        ]
    )
    ids = dict(Product.objects.values_list("code", "pk"))
    start = today - dt.timedelta(days=400)
    ProductPrice.objects.bulk_create(
        [
            ProductPrice(
                product_id=ids[row.code],
                effective_from=start,
                wholesale_price=round(float(row.wholesale_price), 2),
                retail_price=round(float(row.retail_price), 2),
            )  # fmt: skip
            for row in p.itertuples()
        ]
    )
    products_refresh_prices(on=today)
    return p["code"].map(ids).to_numpy(dtype=np.int64)


def demo_first_rerating(*, today: dt.date | None = None) -> str:
    """Re-rate the demo city once and publish it as the supervisor, so explanations exist."""

    supervisor = get_user_model().objects.get(username=SUPERVISOR)
    proposal = classification_run(as_of=today)
    try:
        changed = proposal_publish(proposal=proposal, approver=supervisor, today=today)
    except DomainError as exc:  # e.g. inside a freeze window: the proposal waits in the admin
        return f"tier proposal #{proposal.pk} left for review: {exc}"
    return f"tier proposal #{proposal.pk} published: {changed} tiers changed"


DEMO_LOGIN_TIERS = (30, 15, 5)  # the retailer logins: a top, a middle and a low tier shop (nearest tier)


def _ordering_cycles(shops: list[Retailer], today: dt.date) -> dict[int, OrderCycle | None]:
    """Shop id → the published cycle it orders next on `today` (None: none left for it to order in)."""
    ahead = published_cycles_ahead(today)
    return {
        s.pk: next_ordering_cycle(
            cycles=ahead, today=today, rhythm=s.order_cycle_kind, parity=s.order_week_parity, weekday=s.order_weekday
        )
        for s in shops
    }


def demo_login_retailers(*, today: dt.date | None = None) -> list[Retailer]:
    """The shops of manager1 that get demo logins: the nearest to each of DEMO_LOGIN_TIERS, with a
    weekly and a biweekly one among them (the middle one swapped for the nearest of the missing kind),
    so a newcomer sees "how to move up" and both order rhythms. Among the shops of a rhythm, those with
    a published cycle left to order in on `today` come first (a biweekly shop in its off week has
    nothing to order), so each printed login has a cycle to order when one is published for it."""
    today = today or timezone.localdate()
    kinds = (OrderCycleKind.WEEKLY, OrderCycleKind.BIWEEKLY)
    shops = list(
        Retailer.objects.filter(manager__username="manager1", status="active", tier__isnull=False, order_cycle_kind__in=kinds)
        .order_by("pk")
    )  # fmt: skip
    ordering = _ordering_cycles(shops, today)
    can_order = {s.order_cycle_kind for s in shops if ordering[s.pk] is not None}
    shops = [s for s in shops if ordering[s.pk] is not None or s.order_cycle_kind not in can_order]
    picked: list[Retailer] = []
    for target in DEMO_LOGIN_TIERS:
        rest = [s for s in shops if s not in picked]
        if rest:
            picked.append(min(rest, key=lambda s, t=target: (abs(s.tier - t), s.pk)))
    for kind in kinds:
        if picked and kind not in {s.order_cycle_kind for s in picked}:
            swapped = picked[len(picked) // 2]
            other = [s for s in shops if s.order_cycle_kind == kind and s not in picked]
            if other:
                picked[picked.index(swapped)] = min(other, key=lambda s: (abs(s.tier - swapped.tier), s.pk))
    return picked


@transaction.atomic
def demo_logins_ensure(*, today: dt.date | None = None) -> list[dict]:
    """Give the demo login shops (`demo_login_retailers`) a login (license number + demo password); list
    all demo logins, a retailer's with its tier, order rhythm and the cycle it orders next on `today`
    (its label and last ordering day; "" and None when none is published for it)."""
    today = today or timezone.localdate()
    User = get_user_model()
    logins = []
    supervisor = User.objects.filter(username=SUPERVISOR).first()
    if supervisor is None:
        return logins
    logins.append({"role": "supervisor", "username": SUPERVISOR, "password": DEMO_PASSWORD, "url": "/admin/"})
    managers = User.objects.filter(username__in=["manager1", "manager2"]).order_by("username")
    logins += [
        {"role": "manager", "username": m.username, "password": DEMO_PASSWORD, "url": "/admin/"} for m in managers
    ]
    shops = demo_login_retailers(today=today)
    ordering = _ordering_cycles(shops, today)
    for retailer in shops:
        if retailer.user_id is None:
            user = User.objects.create(
                username=retailer.license_no, password=make_password(DEMO_PASSWORD), role=Role.RETAILER
            )
            Retailer.objects.filter(pk=retailer.pk).update(user=user)
        logins.append({
            "role": "retailer", "username": retailer.license_no, "password": DEMO_PASSWORD, "url": "/m/",
            "tier": retailer.tier, "order_cycle_kind": retailer.order_cycle_kind,
            **_ordering_note(retailer, ordering[retailer.pk]),
        })  # fmt: skip
    return logins


def _ordering_note(retailer: Retailer, cycle: OrderCycle | None) -> dict:
    if cycle is None:
        return {"cycle": "", "order_by": None}
    window = cycle_window(
        cycle=cycle, rhythm=retailer.order_cycle_kind, parity=retailer.order_week_parity, weekday=retailer.order_weekday
    )
    return {"cycle": cycle.label, "order_by": window.closes_on}


def demo_demand_reports_create(*, today: dt.date | None = None, share: float = 0.4, seed: int = 13) -> str:
    """Demand reports (docs/domain.md §9) for this week's cycle and the next, written before their
    allocation runs (call it before `demo_quotas_publish`): `share` of the active retailers, and the
    shops that get demo logins, report the products on sale they ordered in the 4 cycles before: most as
    suggested (their mean order per ordering cycle), some more, some less, and scarce products more
    than they get. Kept if the cycle has reports already."""
    today = today or timezone.localdate()
    rng = np.random.default_rng(seed)
    current = cycle_get_or_create(starts_on=cycle_monday(today))
    following = cycle_get_or_create(starts_on=current.starts_on + dt.timedelta(weeks=1))
    active = np.array(Retailer.objects.filter(status="active").order_by("pk").values_list("pk", flat=True), dtype=np.int64)
    chosen = set(active[rng.random(len(active)) < share].tolist()) | {s.pk for s in demo_login_retailers(today=today)}
    on_sale = list(Product.objects.exclude(lifecycle="withdrawn").values_list("pk", flat=True))
    scarce = set(Product.objects.filter(is_scarce=True).values_list("pk", flat=True))
    written = 0
    for cycle in (current, following):
        if DemandReport.objects.filter(cycle=cycle).exists():
            continue
        rows = Order.objects.filter(
            cycle__starts_on__gte=cycle.starts_on - dt.timedelta(weeks=SUGGESTION_CYCLES),
            cycle__starts_on__lt=cycle.starts_on,
        ).values_list("retailer_id", "cycle_id", "product_id", "ordered_qty")
        orders = pd.DataFrame(list(rows), columns=["retailer", "cycle", "product", "ordered_qty"])
        found = suggestions(orders[orders["retailer"].isin(chosen) & orders["product"].isin(on_sale)])
        base = found["suggested"].to_numpy(float)
        draw = rng.random(len(found))
        factor = np.where(draw < 0.6, 1.0, np.where(draw < 0.9, rng.uniform(1.1, 2.0, len(found)), rng.uniform(0.3, 0.9, len(found))))
        factor = np.where(found["product"].isin(scarce), rng.uniform(1.5, 3.0, len(found)), factor)
        wanted = np.clip(np.floor(base * factor + 0.5), 0, MAX_CARTONS).astype(np.int64)  # half up
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        frame = found.assign(cycle=cycle.pk, cartons=wanted, created_at=now, updated_at=now)
        columns = ["cycle", "retailer", "product", "cartons", "suggested", "created_at", "updated_at"]
        with transaction.atomic():
            written += bulk_write_frames(DemandReport, columns, [frame[columns]])
    return f"demand reports: {written:,} for cycles {current} and {following}"


DEMO_PUBLISH_AHEAD = dt.timedelta(days=1)  # the demo publishes a cycle whose ordering opens within this


def demo_quotas_publish(*, today: dt.date | None = None, seed: int = 7, next_cycle: bool = True) -> str:
    """A supply plan for this week's cycle and the next (by tier, some by tier × market type, a few
    scarce products that rotate), computed and published as the supervisor when due
    (`demo_due_quotas_publish`: this week's always, the next once its ordering opens within a day;
    never with `next_cycle=False`: its run then waits for review whatever the weekday), so the
    retailers' phone pages show quotas with reasons."""

    today = today or timezone.localdate()
    shops = Retailer.objects.filter(status="active").count()
    products = list(Product.objects.exclude(lifecycle="withdrawn").order_by("code").values_list("pk", "is_scarce"))
    rng = np.random.default_rng(seed)
    current = cycle_get_or_create(starts_on=cycle_monday(today))
    following = cycle_get_or_create(starts_on=current.starts_on + dt.timedelta(weeks=1))
    for cycle in (current, following):
        if SupplyPlanLine.objects.filter(cycle=cycle).exists():
            continue
        SupplyPlanLine.objects.bulk_create(
            SupplyPlanLine(
                cycle=cycle,
                product_id=pk,
                method="B" if k % 4 == 1 else "A",
                dimensions=["market_type"] if k % 4 == 1 else [],
                target=int(shops * (rng.uniform(0.1, 0.4) if scarce else rng.uniform(0.8, 4.0))),
                remarks="demo",
            )  # fmt: skip
            for k, (pk, scarce) in enumerate(products)
        )
    done = demo_due_quotas_publish(today=today, next_cycle=next_cycle)
    if not done:
        current.refresh_from_db(fields=["status"])
        return f"cycle {current} already {current.get_status_display()}"
    return "; ".join(done)


def demo_due_quotas_publish(*, today: dt.date | None = None, next_cycle: bool = True) -> list[str]:
    """What the supervisor has done by `today` in a demo city: every cycle not ended, with a supply
    plan and its quotas not yet published, whose ordering has opened or opens within
    DEMO_PUBLISH_AHEAD (it opens the Saturday before the cycle: by Friday evening the next week's
    quotas are out) is published as the supervisor: its latest computed run (the nightly job's),
    else one computed now. One line per cycle published. `next_cycle=False`: only a cycle under way.

    Only the demo calls this (seed_demo, `manage.py demo_week`): in production publishing stays the
    supervisor's decision, and the nightly job only computes."""
    today = today or timezone.localdate()
    supervisor = get_user_model().objects.get(username=SUPERVISOR)
    due = (
        OrderCycle.objects.filter(
            ends_on__gte=today, order_opens_on__lte=today + DEMO_PUBLISH_AHEAD,
            status__in=[CycleStatus.DRAFT, CycleStatus.COMPUTED], supply_plan__isnull=False,
        )
        .distinct().order_by("starts_on")
    )  # fmt: skip
    if not next_cycle:
        due = due.filter(starts_on__lte=today)
    done = []
    for cycle in due:
        allocation_run = AllocationRun.objects.filter(cycle=cycle, is_complete=True).order_by("-created_at", "-pk").first()
        how = "published"
        if allocation_run is None:
            allocation_run = allocation_run_create(cycle=cycle, actor=supervisor)
            how = "computed and published"
        allocation_run_publish(allocation_run=allocation_run, approver=supervisor)
        done.append(f"cycle {cycle}: quotas {how} (allocation run #{allocation_run.pk})")
    return done


def demo_inspections_create(
    *, today: dt.date | None = None, weeks: int = 8, per_week: int = 10, products_per_visit: int = 5, seed: int = 11
) -> str:
    """Price-tag inspections over the last `weeks` weeks: each manager visits `per_week` of their
    shops a week and checks a few products. Most shops comply; some miss tags or sell scarce
    products above the guide price and plentiful ones below it, so the compliance figures,
    signals and standings have something to show. Recent visits also counted stock
    (`_demo_stock_counts`)."""

    today = today or timezone.localdate()
    if Inspection.objects.exists():
        return "inspections exist: none added"
    rng = np.random.default_rng(seed)
    products = pd.DataFrame(
        list(Product.objects.exclude(lifecycle="withdrawn").values_list("pk", "retail_price", "is_scarce")),
        columns=["pk", "price", "scarce"],
    )
    weights = np.where(products["scarce"], 3.0, 1.0)
    shops = pd.DataFrame(
        list(Retailer.objects.filter(status="active", manager__isnull=False).values_list("pk", "manager_id")),
        columns=["pk", "manager"],
    )
    visits = []
    for week in range(weeks, 0, -1):
        monday = cycle_monday(today) - dt.timedelta(weeks=week)
        for manager, group in shops.groupby("manager"):
            for retailer in rng.choice(group["pk"].to_numpy(), size=min(per_week, len(group)), replace=False):
                day = monday + dt.timedelta(days=int(rng.integers(0, 5)))
                kind = InspectionKind.COVERT if rng.random() < 0.2 else InspectionKind.OPEN
                visits.append(
                    Inspection(retailer_id=int(retailer), inspector_id=int(manager), visited_on=day, kind=kind)
                )
    Inspection.objects.bulk_create(visits, batch_size=BATCH)
    lines = []
    for visit in Inspection.objects.all():
        chosen = rng.choice(
            len(products), size=min(products_per_visit, len(products)), replace=False, p=weights / weights.sum()
        )
        for k in chosen:
            guide = Decimal(products.at[k, "price"])
            tagged = rng.random() < 0.9
            ratio = (
                rng.choice([1.0, 1.05, 1.1], p=[0.7, 0.2, 0.1])
                if products.at[k, "scarce"]
                else rng.choice([1.0, 0.95], p=[0.9, 0.1])
            )
            charged = (guide * Decimal(str(ratio))).quantize(Decimal("0.01"))
            lines.append(
                InspectionLine(
                    inspection=visit,
                    product_id=int(products.at[k, "pk"]),
                    guide_price=guide,
                    tag_present=tagged,
                    tag_price=(guide if rng.random() < 0.95 else guide + 10) if tagged else None,
                    price_carton=charged,
                )  # fmt: skip
            )
    InspectionLine.objects.bulk_create(lines, batch_size=BATCH)
    counts = _demo_stock_counts(lines, today, rng)
    return f"{len(visits)} demo inspections with {len(lines)} products checked and {counts} stock counts"


def _demo_stock_counts(lines: list, today: dt.date, rng: np.random.Generator, weeks: int = 4) -> int:
    """At the last `weeks` weeks' visits the manager also counted the checked products' stock:
    mostly 0.3–3 weeks of the shop's sales, one count in seven 9–16 weeks (over-stocked, a
    diversion alert), so tonight's advice has counts to start from and something to flag."""

    since = today - dt.timedelta(weeks=weeks)
    recent = [line for line in lines if line.inspection.visited_on >= since]
    if not recent:
        return 0
    sales_from = cycle_monday(today) - dt.timedelta(weeks=SALES_WEEKS)
    sold = Order.objects.filter(
        retailer__in={line.inspection.retailer_id for line in recent},
        cycle__starts_on__gte=sales_from, cycle__starts_on__lt=cycle_monday(today),
    ).values_list("retailer_id", "product_id", "ordered_qty")  # fmt: skip
    weekly = pd.DataFrame(list(sold), columns=["r", "p", "q"]).groupby(["r", "p"])["q"].sum().div(SALES_WEEKS)
    cover = np.where(rng.random(len(recent)) < 1 / 7, rng.uniform(9, 16, len(recent)), rng.uniform(0.3, 3, len(recent)))
    counts = [
        StockCount(
            retailer_id=line.inspection.retailer_id,
            product_id=line.product_id,
            counted_on=line.inspection.visited_on,
            cartons=round(max(float(weekly.get((line.inspection.retailer_id, line.product_id), 0.0)), 0.5) * c),
            source=StockSource.MANAGER,
            recorded_by_id=line.inspection.inspector_id,
        )  # fmt: skip
        for line, c in zip(recent, cover, strict=True)
    ]
    StockCount.objects.bulk_create(counts, batch_size=BATCH)
    return len(counts)
