"""What the workspace, the per-retailer report and the supervisor view read. Every reader takes
the user and goes through `retailers_visible_to`: a manager only ever sees their own retailers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd
from django.db.models import Avg, Count, F, Max, Q, Sum

from allocation.quota_sheets import quota_sheet
from compliance.engine.checks import figures as compliance_figures
from compliance.models import InspectionLine
from compliance.selectors import inspection_checks
from core.display import person_name_of
from core.reports.tables import natural_key
from cycles.models import VISIBLE_STATUSES, OrderCycle
from cycles.selectors import current_cycle, cycle_window, ordering_cycle
from orders.models import Order
from pricing.models import PriceBand, Product
from pricing.selectors import prices_in_force
from retailers.models import Retailer
from retailers.selectors import retailers_visible_to

from .engine import summary
from .engine.figures import CLASS_COLUMNS, Period
from .engine.opportunities import missing_products, structure_upgrades
from .engine.planner import Item, Plan, plan
from .models import ALERT_LABELS, ProfitAlert, ProfitFigure, ProfitRun

REPORT_WEEKS = 13  # the window for mix and opportunities
TREND_WEEKS = 26
ALERT_WEIGHT = {1: 3, 2: 3, 3: 1, 4: 2, 5: 2, 6: 2}  # how urgently each kind asks for a visit


def current_run() -> ProfitRun | None:
    return ProfitRun.objects.filter(is_current=True).first()


def latest_start(run: ProfitRun, period: Period) -> dt.date | None:
    return ProfitFigure.objects.filter(profit_run=run, period=period).aggregate(latest=Max("period_start"))["latest"]


@dataclass(frozen=True)
class VisitRisk:
    """A shop's churn risk as the app that scores it reads it (docs/domain.md §9)."""

    score: int  # 0–100
    note: str  # its reasons (and segment), in the reader's language
    listed: bool  # high enough for the visit list without an alert


# Readers of churn risk (retailer ids -> {id: VisitRisk}): the app that scores it adds one from its
# admin module, as RETAILER_LINKS is filled, so this app never names it. The visit list orders by it.
VISIT_RISKS: list[Callable[[list[int]], dict[int, VisitRisk]]] = []


@dataclass
class WorkspaceRow:
    figure: ProfitFigure
    retailer: Retailer
    alerts: list[ProfitAlert] = field(default_factory=list)
    risk: VisitRisk | None = None

    @property
    def visit_score(self) -> int:
        return sum(ALERT_WEIGHT.get(a.kind, 1) for a in self.alerts)


@dataclass
class Workspace:
    run: ProfitRun | None
    period: Period
    period_start: dt.date | None
    rows: list[WorkspaceRow]
    trend: list[tuple[dt.date, Decimal]]  # total gross profit of these retailers per week

    @property
    def total_profit(self) -> Decimal:
        return sum((r.figure.gross_profit for r in self.rows), Decimal(0))

    @property
    def total_previous(self) -> Decimal:
        return sum((r.figure.previous_profit or Decimal(0) for r in self.rows), Decimal(0))

    @property
    def visit_list(self) -> list[WorkspaceRow]:
        """Shops with an alert or a churn risk at the visit level: highest churn risk first, then the
        most urgent alerts."""
        listed = (r for r in self.rows if r.alerts or (r.risk and r.risk.listed))
        return sorted(
            listed, key=lambda r: (-(r.risk.score if r.risk else -1), -r.visit_score, r.retailer.customer_code)
        )

    def alert_counts(self) -> list[tuple[str, int]]:
        counts: dict[int, int] = {}
        for row in self.rows:
            for alert in row.alerts:
                counts[alert.kind] = counts.get(alert.kind, 0) + 1
        return [(str(ALERT_LABELS[k]), n) for k, n in sorted(counts.items())]


def workspace(*, user, period: Period = Period.WEEK, query: str = "", alert: int | None = None) -> Workspace:
    """The user's retailers with this period's figures and alerts (a manager's few hundred)."""
    run = current_run()
    start = latest_start(run, period) if run else None
    if run is None or start is None:
        return Workspace(run, period, None, [], [])
    retailers = retailers_visible_to(user=user).select_related("department")
    if query:
        retailers = retailers.filter(Q(name__icontains=query) | Q(customer_code__icontains=query) | Q(license_no=query))
    by_id = {r.pk: r for r in retailers}
    figures = ProfitFigure.objects.filter(
        profit_run=run, period=period, period_start=start, retailer_id__in=list(by_id)
    )
    alerts: dict[int, list[ProfitAlert]] = {}
    for a in ProfitAlert.objects.filter(profit_run=run, retailer_id__in=list(by_id)):
        alerts.setdefault(a.retailer_id, []).append(a)
    risks: dict[int, VisitRisk] = {}
    for reader in VISIT_RISKS:
        risks.update(reader(list(by_id)))
    rows = [
        WorkspaceRow(f, by_id[f.retailer_id], alerts.get(f.retailer_id, []), risks.get(f.retailer_id)) for f in figures
    ]
    if alert:
        rows = [r for r in rows if any(a.kind == alert for a in r.alerts)]
    rows.sort(key=lambda r: (-r.figure.gross_profit, r.retailer.customer_code))
    trend = list(
        ProfitFigure.objects.filter(
            profit_run=run,
            period=Period.WEEK,
            retailer_id__in=list(by_id),
            period_start__gt=run.latest_week - dt.timedelta(weeks=TREND_WEEKS),
        )  # fmt: skip
        .values("period_start")
        .annotate(profit=Sum("gross_profit"))
        .order_by("period_start")
        .values_list("period_start", "profit")
    )
    return Workspace(run, period, start, rows, trend)


@dataclass
class Report:
    retailer: Retailer
    run: ProfitRun | None
    latest: dict[int, ProfitFigure]  # period -> the latest figure
    weeks: list[ProfitFigure]
    months: list[ProfitFigure]
    peer_months: dict[dt.date, Decimal]  # average gross profit of same tier and format shops per month
    class_mix: list[tuple[str, int]]
    band_mix: list[dict]
    alerts: list[ProfitAlert]
    missing: list[dict]
    upgrades: list[dict]
    quota_lines: list  # the ordering cycle's quota lines (`allocation.quota_sheets.QuotaLine`), for the budget planner
    cycle: OrderCycle | None = None  # the cycle the shop orders next (`ordering_cycle`); None: none published
    ordered: dict[int, int] = field(default_factory=dict)  # product id -> cartons ordered in it so far
    quota_note: str = ""  # why there are no quota lines: see `QUOTA_NOTES`
    plan_cycle: OrderCycle | None = None  # the cycle the budget planner reads: the one the shop's phone shows
    plan_lines: list = field(default_factory=list)  # its quota lines (`planner_quotas`)

    @property
    def plan_published(self) -> bool:
        return self.plan_cycle is not None and self.plan_cycle.status in VISIBLE_STATUSES


def retailer_for_report(*, user, pk: int) -> Retailer | None:
    return retailers_visible_to(user=user).select_related("branch", "department", "manager").filter(pk=pk).first()


def retailer_report(*, retailer: Retailer, today: dt.date) -> Report:
    run = current_run()
    rows = (
        list(ProfitFigure.objects.filter(profit_run=run, retailer=retailer).order_by("period", "period_start"))
        if run
        else []
    )
    latest = {r.period: r for r in rows}
    weeks = [r for r in rows if r.period == Period.WEEK][-TREND_WEEKS:]
    months = [r for r in rows if r.period == Period.MONTH][-13:]
    recent = weeks[-REPORT_WEEKS:]
    class_mix = [
        (column.removeprefix("cartons_class_").upper(), sum(getattr(r, column) for r in recent))
        for column in CLASS_COLUMNS
    ]
    since = today - dt.timedelta(weeks=REPORT_WEEKS)
    alerts = list(ProfitAlert.objects.filter(profit_run=run, retailer=retailer)) if run else []
    cycle, quota_lines = this_cycle_quotas(retailer=retailer, today=today)
    note = "" if cycle is not None else quota_note(retailer=retailer, today=today)
    plan_cycle, plan_lines = (cycle, quota_lines) if cycle is not None else planner_quotas(retailer=retailer, today=today)
    ordered = (
        dict(Order.objects.filter(cycle=cycle, retailer=retailer).values_list("product_id", "ordered_qty"))
        if quota_lines else {}
    )  # fmt: skip
    return Report(
        retailer, run, latest, weeks, months, peer_months(run=run, retailer=retailer, months=months), class_mix, band_mix(retailer=retailer, since=since, before=today),
        alerts, peer_gaps(retailer=retailer, since=since, before=today),
        upgrades(retailer=retailer, lines=quota_lines, today=today, ordered=ordered), quota_lines, cycle, ordered,
        note, plan_cycle, plan_lines,
    )  # fmt: skip


def peer_months(*, run: ProfitRun | None, retailer: Retailer, months: list[ProfitFigure]) -> dict[dt.date, Decimal]:
    if run is None or not months:
        return {}
    peers = Retailer.objects.filter(tier=retailer.tier, business_format=retailer.business_format)
    rows = (
        ProfitFigure.objects.filter(
            profit_run=run, period=Period.MONTH, period_start__in=[m.period_start for m in months], retailer__in=peers
        )
        .values("period_start")
        .annotate(average=Avg("gross_profit"))
        .values_list("period_start", "average")
    )
    return {start: Decimal(average).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP) for start, average in rows}


def _lines(retailer_ids, since: dt.date, before: dt.date) -> pd.DataFrame:
    rows = Order.objects.filter(
        retailer_id__in=retailer_ids, cycle__starts_on__gte=since, cycle__starts_on__lt=before
    ).values_list("retailer_id", "product_id", "cycle__starts_on", F("ordered_qty") - F("returned_qty"))
    lines = pd.DataFrame(list(rows), columns=["retailer", "product", "starts_on", "cartons"])
    if lines.empty:
        return lines.assign(profit=0, sales=0)
    prices = prices_in_force(lines)
    lines["sales"] = lines["cartons"] * prices["retail_fen"]
    lines["profit"] = lines["cartons"] * (prices["retail_fen"] - prices["wholesale_fen"])
    return lines


def band_mix(*, retailer: Retailer, since: dt.date, before: dt.date) -> list[dict]:
    """Cartons, sales and profit per price band over the window, dearest band first."""
    lines = _lines([retailer.pk], since, before)
    if lines.empty:
        return []
    band_of = dict(Product.objects.filter(pk__in=set(lines["product"])).values_list("pk", "price_band_id"))
    labels = {b.pk: (b.label, b.min_wholesale_price) for b in PriceBand.objects.all()}
    lines["band"] = lines["product"].map(band_of)
    out = []
    for band, group in lines.groupby(lines["band"].fillna(0)):
        label, floor = labels.get(int(band), ("—", Decimal(0)))
        out.append({"band": label, "floor": floor, "cartons": int(group["cartons"].sum()),
                    "sales": Decimal(int(group["sales"].sum())) / 100, "profit": Decimal(int(group["profit"].sum())) / 100})  # fmt: skip
    return sorted(out, key=lambda r: r["floor"], reverse=True)


def peer_gaps(*, retailer: Retailer, since: dt.date, before: dt.date, limit: int = 8) -> list[dict]:
    """Products most same-tier, same-format shops sell at a profit that this one did not buy."""
    peers = Retailer.objects.filter(
        tier=retailer.tier, business_format=retailer.business_format, status=retailer.status
    ).exclude(pk=retailer.pk)
    peer_ids = list(peers.values_list("pk", flat=True))
    lines = _lines([*peer_ids, retailer.pk], since, before)
    if lines.empty:
        return []
    own = lines[lines["retailer"] == retailer.pk]
    found = missing_products(own, lines[lines["retailer"] != retailer.pk], peer_count=len(peer_ids), weeks=REPORT_WEEKS)
    products = Product.objects.in_bulk(list(found["product"][:limit]))
    return [
        {"product": products[int(r.product)], "share": r.share, "weekly_profit": Decimal(int(r.weekly_profit)) / 100}
        for r in found.head(limit).itertuples()
    ]


def shop_ordering_cycle(*, retailer: Retailer, today: dt.date) -> OrderCycle | None:
    """The published cycle the shop orders next: its ordering window open or yet to open on `today`."""
    return ordering_cycle(
        today=today, rhythm=retailer.order_cycle_kind, parity=retailer.order_week_parity, weekday=retailer.order_weekday
    )


# Why a shop has no published cycle left to order in: today's cycle is not published, the shop does
# not order in it (a biweekly shop's off week), it is not served at all, or its ordering in it is over.
QUOTA_NOTES = ("unpublished", "off_week", "not_served", "closed")


def quota_note(*, retailer: Retailer, today: dt.date) -> str:
    """One of QUOTA_NOTES, for a shop with no published cycle left to order in."""
    cycle = current_cycle(today)
    if cycle is None:
        return "unpublished"
    window = cycle_window(
        cycle=cycle, rhythm=retailer.order_cycle_kind, parity=retailer.order_week_parity, weekday=retailer.order_weekday
    )
    if not window.orders_this_cycle:
        return "not_served" if retailer.order_cycle_kind == "not_served" else "off_week"
    return "closed" if cycle.status in VISIBLE_STATUSES and window.closes_on < today else "unpublished"


def this_cycle_quotas(*, retailer: Retailer, today: dt.date) -> tuple[OrderCycle | None, list]:
    """The quota lines (portal's quota sheet) of the cycle the shop orders next (`shop_ordering_cycle`):
    the quota it can still order; (None, []) when no published cycle is left for it to order in."""
    cycle = shop_ordering_cycle(retailer=retailer, today=today)
    if cycle is None:
        return None, []
    sheet = quota_sheet(retailer=retailer, cycle=cycle)
    return cycle, [line for group in sheet.groups for line in group.lines if line.quota > 0]


def planner_quotas(*, retailer: Retailer, today: dt.date) -> tuple[OrderCycle | None, list]:
    """The cycle the budget planner reads and its quota lines (quota > 0) as the run stored them: the
    cycle the shop's phone shows (`portal.selectors.home_cycle`), i.e. the published cycle it orders
    next, else today's cycle (its quotas once published, even with the shop's ordering in it over).
    (None, []) when no cycle is planned."""
    cycle = shop_ordering_cycle(retailer=retailer, today=today) or current_cycle(today)
    if cycle is None:
        return None, []
    sheet = quota_sheet(retailer=retailer, cycle=cycle)
    return cycle, [line for group in sheet.groups for line in group.lines if line.quota > 0]


def upgrades(*, retailer: Retailer, lines: list, today: dt.date, ordered: dict[int, int]) -> list[dict]:
    """Products with quota left this cycle (`lines`, less what is `ordered`) paying more per carton
    than the shop's average over the last 13 weeks."""
    if not lines:
        return []
    past = _lines([retailer.pk], today - dt.timedelta(weeks=REPORT_WEEKS), today)
    average = float(past["profit"].sum() / past["cartons"].sum()) if len(past) and past["cartons"].sum() > 0 else 0.0
    quotas = pd.DataFrame(
        {
            "product": [line.product.pk for line in lines],
            "quota": [line.quota for line in lines],
            "ordered": [ordered.get(line.product.pk, 0) for line in lines],
            "profit_per_carton": [int(line.margin * 100) for line in lines],
        }
    )
    found = structure_upgrades(quotas, current_profit_per_carton=average)
    products = {line.product.pk: line.product for line in lines}
    return [
        {"product": products[int(r.product)], "room": int(r.room), "gain": Decimal(int(r.gain_per_carton)) / 100}
        for r in found.itertuples()
    ]


@dataclass(frozen=True)
class ReportSummary:
    """What the report opens with: this week's profit and its change, the shop's rank among its
    customer manager's shops (its market department's when it has no manager), its alerts, the
    three opportunities worth the most and the quota it has left in the current cycle."""

    week: ProfitFigure | None  # the latest week's figures; None before the first night with orders
    rank: int | None
    rank_of: int
    rank_among: str  # "manager" or "department"
    alerts: list[str]
    opportunities: list[dict]  # {"kind", "product", "value" (yuan), "room", "per_carton" (yuan)}
    quota: int  # cartons of quota published for the cycle the shop orders next (0: none published)
    quota_left: int | None  # None when there is no such cycle (`quota_note` says why)
    quota_cycle: str = ""  # that cycle's name, e.g. 2026-11-5
    quota_note: str = ""  # see QUOTA_NOTES

    @property
    def change(self) -> float | None:
        return self.week.change if self.week else None


def report_summary(*, report: Report) -> ReportSummary:
    week = report.latest.get(int(Period.WEEK))
    rank, rank_of, among = None, 0, "manager" if report.retailer.manager_id else "department"
    if week is not None:
        scope = {"retailer__manager": report.retailer.manager_id} if among == "manager" else {
            "retailer__department": report.retailer.department_id}  # fmt: skip
        profits = ProfitFigure.objects.filter(
            profit_run=report.run, period=Period.WEEK, period_start=week.period_start, **scope
        ).values_list("gross_profit", flat=True)
        rank, rank_of = summary.rank(week.gross_profit, profits)
    products = {m["product"].pk: m["product"] for m in report.missing} | {
        u["product"].pk: u["product"] for u in report.upgrades}  # fmt: skip
    top = summary.top_opportunities(
        upgrades=[(u["product"].pk, u["room"], int(u["gain"] * 100)) for u in report.upgrades],
        missing=[(m["product"].pk, int(m["weekly_profit"] * 100)) for m in report.missing],
    )
    quotas = {line.product.pk: line.quota for line in report.quota_lines}
    return ReportSummary(
        week, rank, rank_of, among, [str(ALERT_LABELS[a.kind]) for a in report.alerts],
        [{"kind": o.kind, "product": products[o.product], "value": Decimal(o.value) / 100, "room": o.room,
          "per_carton": Decimal(o.per_carton) / 100} for o in top],
        sum(quotas.values()), summary.quota_left(quotas, report.ordered) if quotas else None,
        report.cycle.label if report.cycle is not None else "", report.quota_note,
    )  # fmt: skip


def budget_plan(
    *, retailer: Retailer, today: dt.date, budget: Decimal, lines: list | None = None
) -> tuple[Plan, list[Item], dict]:
    """The most profitable order within the quotas of the cycle the shop's phone shows (`planner_quotas`)
    for a budget (yuan); `lines` are that cycle's quota lines when the caller has them already."""
    if lines is None:
        _, lines = planner_quotas(retailer=retailer, today=today)
    bands = {line.product.pk: (line.product.price_band.label if line.product.price_band else "—") for line in lines}
    items = [
        Item(line.product.pk, line.quota, int(line.product.wholesale_price * 100), int(line.margin * 100), bands[line.product.pk])
        for line in lines
    ]  # fmt: skip
    return plan(items, int(budget * 100)), items, {line.product.pk: line.product for line in lines}


@dataclass
class GroupFigures:
    key: str
    label: str
    retailers: int
    sales: Decimal
    gross_profit: Decimal
    previous_profit: Decimal
    last_year_profit: Decimal
    tag_rate: float | None = None

    @property
    def change(self) -> float | None:
        return float(self.gross_profit / self.previous_profit - 1) if self.previous_profit > 0 else None

    @property
    def change_year(self) -> float | None:
        return float(self.gross_profit / self.last_year_profit - 1) if self.last_year_profit > 0 else None

    @property
    def margin(self) -> float | None:
        return float(self.gross_profit / self.sales) if self.sales > 0 else None


LEVELS = {
    "manager": ("retailer__manager", "retailer__manager__username", "retailer__manager__first_name"),  # by name
    "department": ("retailer__department", "retailer__department__name", "retailer__department__branch__short_name"),
    "branch": ("retailer__branch", "retailer__branch__name", "retailer__branch__short_name"),
}


def overview(
    *, user, level: str, period: Period, today: dt.date
) -> tuple[ProfitRun | None, dt.date | None, list[GroupFigures]]:
    """The figures summed by manager, market department or branch (a supervisor's view)."""
    run = current_run()
    start = latest_start(run, period) if run else None
    if start is None:
        return run, None, []
    key, name, extra = LEVELS[level]
    people = ("retailer__manager__last_name",) if level == "manager" else ()  # a manager by name, not login
    rows = (
        ProfitFigure.objects.filter(profit_run=run, period=period, period_start=start)
        .filter(retailer__in=retailers_visible_to(user=user))
        .values(key, name, extra, *people)
        .annotate(
            n=Count("id"),
            sales=Sum("sales"),
            profit=Sum("gross_profit"),
            previous=Sum("previous_profit"),
            year=Sum("last_year_profit"),
        )  # fmt: skip
        .order_by(name)
    )
    tag_rates = _tag_rates(key.removeprefix("retailer__"), today) if level == "manager" else {}
    groups = [
        GroupFigures(
            str(r[key] or ""), _group_label(r, name, extra, level), r["n"], r["sales"] or 0,
            r["profit"] or 0, r["previous"] or 0, r["year"] or 0, tag_rates.get(r[key]),
        )
        for r in rows
    ]  # fmt: skip
    return run, start, sorted(groups, key=lambda g: natural_key(g.label))


def _group_label(row: dict, name: str, extra: str, level: str) -> str:
    """A manager by name (王经理1; the login only when no name is recorded), a department or branch by
    its name and its branch's short name."""
    if level == "manager":
        return person_name_of(row[name], row[extra], row["retailer__manager__last_name"]) if row["retailer__manager"] else "—"
    return " · ".join(str(v) for v in (row[name], row[extra]) if v) or "—"


def _tag_rates(field_name: str, today: dt.date) -> dict:
    """Correct tags ÷ products checked over the last 13 weeks, per manager (their KPI)."""
    lines = InspectionLine.objects.filter(inspection__visited_on__gt=today - dt.timedelta(weeks=13))
    checks = inspection_checks(lines, areas=True)
    if checks.empty:
        return {}
    return compliance_figures(checks.dropna(subset=[field_name]), by=[field_name])["tag_rate"].to_dict()
