"""What the nightly job reads and what the pages read. Every page reader takes the user and goes
through `retailers_visible_to`: a manager only ever sees their own retailers."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd
from django.db import connection
from django.db.models import Avg, Count, Q, QuerySet

from core.db import read_frame
from core.display import natural_key, person_name_of
from cycles.models import OrderCycle
from profitability.engine.figures import Period
from profitability.models import ProfitAlert, ProfitFigure, ProfitRun
from retailers.models import Retailer, RetailerStatus
from retailers.selectors import retailers_visible_to
from service_requests.selectors import request_signals
from surveys.selectors import group_satisfaction

from .engine.risk import RiskRules
from .engine.segments import Segment, SegmentRules
from .models import DEFAULT_POLICY_NAME, CustomerValue, ValuePolicy, ValueRun

HIGH_RISK = 60  # a score at or above this is "high" on the pages (the policy's visit-list level is its own)
MEDIUM_RISK = 30


def value_policy() -> ValuePolicy:
    """The active value policy; with none active, the one named "default", else an unsaved policy with
    the defaults of docs/domain.md §9 "As built" (the nightly job saves it)."""
    policy = ValuePolicy.objects.filter(is_active=True).first()
    if policy is None:
        policy = ValuePolicy.objects.filter(name=DEFAULT_POLICY_NAME).first() or ValuePolicy(
            name=DEFAULT_POLICY_NAME, is_active=not ValuePolicy.objects.exists()
        )
    return policy


def segment_rules(policy: ValuePolicy) -> SegmentRules:
    return SegmentRules(
        window_weeks=policy.window_weeks, value_cut=float(policy.value_cut), gap_cut=float(policy.gap_cut),
        trend_cut=float(policy.trend_cut), min_peers=policy.min_peers,
    )  # fmt: skip


def risk_rules(policy: ValuePolicy) -> RiskRules:
    weights = {f"weight_{s}": float(getattr(policy, f"weight_{s}")) for s in RiskRules().weights()}
    return RiskRules(recent_weeks=policy.recent_weeks, base_weeks=policy.base_weeks, **weights)


def policy_snapshot(policy: ValuePolicy) -> dict:
    """The policy's settings as the run applied them (kept on the run)."""
    return {
        f.name: (str(v) if not isinstance(v := getattr(policy, f.name), int | bool | None) else v)
        for f in ValuePolicy._meta.fields
        if f.name not in ("id",)
    }


# --- the nightly job's inputs -------------------------------------------------------------------


def profit_run() -> ProfitRun | None:
    return ProfitRun.objects.filter(is_current=True).first()


def weeks_up_to(latest: dt.date, n: int) -> list[dt.date]:
    """The first days of the `n` cycles up to and including `latest`, oldest first (the calendar's
    weeks, bought in or not)."""
    since = latest - dt.timedelta(weeks=n - 1)
    return list(
        OrderCycle.objects.filter(starts_on__gte=since, starts_on__lte=latest)
        .order_by("starts_on")
        .values_list("starts_on", flat=True)
    )


def weekly_figures(*, run: ProfitRun, weeks: list[dt.date]) -> pd.DataFrame:
    """The profitability run's weekly figures of `weeks`: retailer, starts_on, cartons, gross_profit,
    cost (fen)."""
    columns = ["retailer", "starts_on", "cartons", "gross_profit", "cost"]
    if not weeks:
        return pd.DataFrame({c: pd.Series(dtype="int64") for c in columns})
    qn = connection.ops.quote_name
    fen = ", ".join(f"CAST(ROUND(f.{c} * 100) AS BIGINT)" for c in ("gross_profit", "cost"))
    sql = (
        f"SELECT f.retailer_id, f.period_start, f.cartons, {fen} FROM {qn(ProfitFigure._meta.db_table)} f "  # noqa: S608
        "WHERE f.profit_run_id = %s AND f.period = %s AND f.period_start >= %s AND f.period_start <= %s"
    )
    return read_frame(sql, [run.pk, int(Period.WEEK), weeks[0], weeks[-1]], columns, dates=["starts_on"])


def profit_alerts(*, run: ProfitRun) -> pd.DataFrame:
    rows = ProfitAlert.objects.filter(profit_run=run).values_list("retailer_id", "kind", "value", "reference")
    frame = pd.DataFrame(list(rows), columns=["retailer", "kind", "value", "reference"])
    return frame.astype({"value": "float64", "reference": "float64"})


def active_retailers() -> pd.DataFrame:
    rows = (
        Retailer.objects.filter(status=RetailerStatus.ACTIVE)
        .order_by("pk")
        .values_list("pk", "tier", "business_format")
    )
    return pd.DataFrame(list(rows), columns=["retailer", "tier", "business_format"])


def request_frame(*, today: dt.date) -> pd.DataFrame:
    """The request signals of every retailer that filed one (`service_requests.selectors.request_signals`)."""
    return request_signals(retailer_ids=None, today=today)


def satisfaction_frame() -> pd.DataFrame:
    """Every retailer's group satisfaction (`surveys.selectors.group_satisfaction`: its manager's answers
    in its tier band, or all their answers, over at least 5 answers as that manager's results page shows
    them; NaN if none). Never its own answers: its manager would work them back from its churn score."""
    return group_satisfaction(retailer_ids=None)


# --- the pages ----------------------------------------------------------------------------------


def current_run() -> ValueRun | None:
    return ValueRun.objects.filter(is_current=True).first()


def values_visible_to(*, user) -> QuerySet[CustomerValue]:
    """Tonight's rows of the retailers the user may see (none before the first night)."""
    run = current_run()
    if run is None:
        return CustomerValue.objects.none()
    visible = retailers_visible_to(user=user)
    rows = CustomerValue.objects.filter(value_run=run)
    return rows if user.is_supervisor else rows.filter(retailer__in=visible)


@dataclass
class ManagerFigures:
    manager_id: int | None
    label: str
    retailers: int
    segments: dict[int, int] = field(default_factory=dict)  # segment -> retailers
    mean_risk: float | None = None
    high_risk: int = 0

    def share(self, segment: int) -> float | None:
        return self.segments.get(segment, 0) / self.retailers if self.retailers else None

    @property
    def high_share(self) -> float | None:
        return self.high_risk / self.retailers if self.retailers else None


def overview_by_manager(*, user) -> tuple[ValueRun | None, list[ManagerFigures]]:
    """Per customer manager: retailers, the share of each segment, the mean churn risk and the shops
    at high risk (a supervisor's view; others get their own shops only)."""
    run = current_run()
    rows = values_visible_to(user=user)
    if run is None:
        return None, []
    per = (
        rows.values(
            "retailer__manager", "retailer__manager__username", "retailer__manager__first_name",
            "retailer__manager__last_name",
        )  # fmt: skip
        .annotate(
            n=Count("id"),
            mean_risk=Avg("risk"),
            high=Count("id", filter=Q(risk__gte=HIGH_RISK)),
            **{f"s{int(s)}": Count("id", filter=Q(segment=int(s))) for s in Segment},
        )  # fmt: skip
        .order_by()
    )
    out = []
    for r in per:
        label = person_name_of(
            r["retailer__manager__username"], r["retailer__manager__first_name"], r["retailer__manager__last_name"]
        )  # 王经理1, not manager1 · 王经理1
        out.append(
            ManagerFigures(
                r["retailer__manager"],
                label or "—",
                r["n"],
                {int(s): r[f"s{int(s)}"] for s in Segment},
                r["mean_risk"],
                r["high"],
            )  # fmt: skip
        )
    return run, sorted(out, key=lambda m: (m.label == "—", natural_key(m.label)))  # 王经理2 before 王经理10
