"""The nightly profitability job: figures per retailer and period and the managers' alerts, from
the weekly purchase totals, written as a new ProfitRun that becomes current only when complete."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
from django.db import connection, transaction
from django.utils import timezone

from core.db import bulk_write_frames, read_frame
from core.nightly import keeps_own_run
from core.runs import result_make_current, results_prune, tracked_run
from cycles.calendar import cycle_monday
from cycles.models import OrderCycle
from orders.models import WeeklyPurchase
from retailers.models import Retailer, RetailerStatus

from .engine.alerts import COLUMNS as ALERT_COLUMNS
from .engine.alerts import AlertRules, alerts
from .engine.figures import MEASURES, OUTPUT, figures, round_half_up
from .models import ProfitAlert, ProfitFigure, ProfitRun

JOB = "profit_figures"
KEEP_WEEKS = 52  # figures are kept for the periods that touch the last 52 complete weeks
KEEP_RUNS = 2
MONEY = ["sales", "cost", "gross_profit", "value_per_carton", "previous_profit", "last_year_profit", "next_tier_gap"]


def weekly_frame(*, since: dt.date, before: dt.date) -> pd.DataFrame:
    """Weekly purchase totals (money in fen) of the cycles starting in [since, before)."""
    qn = connection.ops.quote_name
    fen = ", ".join(f"CAST(ROUND(w.{c} * 100) AS BIGINT)" for c in ("sales", "cost"))
    # cartons kept: what was ordered less what was returned
    counts = ", ".join(
        "w.cartons - w.returned" if c == "cartons" else f"w.{c}" for c in MEASURES if c not in ("sales", "cost")
    )
    sql = (
        f"SELECT w.retailer_id, c.starts_on, {fen}, {counts} FROM {qn(WeeklyPurchase._meta.db_table)} w "  # noqa: S608
        f"JOIN {qn(OrderCycle._meta.db_table)} c ON c.id = w.cycle_id WHERE c.starts_on >= %s AND c.starts_on < %s"
    )
    columns = ["retailer", "starts_on", "sales", "cost", *[c for c in MEASURES if c not in ("sales", "cost")]]
    return read_frame(sql, [since, before], columns, dates=["starts_on"])


def week_calendar(*, since: dt.date, before: dt.date) -> pd.DataFrame:
    """Every cycle's first day, year and month in [since, before), oldest first."""
    rows = OrderCycle.objects.filter(starts_on__gte=since, starts_on__lt=before).order_by("starts_on")
    return pd.DataFrame(list(rows.values_list("starts_on", "year", "month")), columns=["starts_on", "year", "month"])


def retailer_frame() -> pd.DataFrame:
    fields = ["pk", "tier", "business_format", "is_vulnerable", "phone", "owner_id_no", "bank_account", "order_cycle_kind"]
    rows = Retailer.objects.filter(status=RetailerStatus.ACTIVE).order_by("pk").values_list(*fields)
    return pd.DataFrame(list(rows), columns=["retailer", *fields[1:]])


@keeps_own_run
def profit_figures_nightly(*, today: dt.date | None = None, rules: AlertRules | None = None) -> dict:
    """Figures for every active retailer and period of the last year, and tonight's alerts."""
    today = today or timezone.localdate()
    rules = rules or AlertRules()
    this_cycle = cycle_monday(today)  # ordering is still under way: figures stop at the week before
    keep_from = this_cycle - dt.timedelta(weeks=KEEP_WEEKS)
    since = dt.date(keep_from.year - 1, 1, 1)  # a year before the oldest kept period starts
    with tracked_run(job=JOB, scope=today.isoformat()) as run:
        run.stage("read", 5)
        calendar = week_calendar(since=since, before=this_cycle)
        weekly = weekly_frame(since=since, before=this_cycle)
        retailers = retailer_frame()
        run.count(weekly_rows=len(weekly), retailers=len(retailers), weeks=len(calendar))
        run.stage("figures", 30)
        table = figures(weekly, calendar, retailers, keep_from=keep_from) if len(calendar) else None
        run.stage("alerts", 55)
        recent = list(
            calendar["starts_on"].iloc[-max(2 * rules.falling_weeks, rules.idle_cycles, rules.spike_window + 1) :]
        )
        # the whole read goes in: rows before the window date an idle shop's last order
        found = alerts(weekly, recent, retailers, rules) if recent else None
        run.stage("write", 60)
        with transaction.atomic():
            profit_run = ProfitRun.objects.create(
                run=run.run, as_of=today, latest_week=calendar["starts_on"].iloc[-1] if len(calendar) else None
            )
            written = _write_figures(table, profit_run.pk) if table is not None else 0
            if found is not None and len(found):
                bulk_write_frames(ProfitAlert, ["profit_run", *ALERT_COLUMNS], [found.assign(profit_run=profit_run.pk)])
            result_make_current(ProfitRun, profit_run.pk)
        run.stage("tidy", 95)
        results_prune(ProfitRun, keep=KEEP_RUNS)
        counts = {"figures": written, "alerts": 0 if found is None else len(found)}
        run.count(**counts)
    return counts


def _write_figures(table: pd.DataFrame, profit_run: int, chunk: int = 500_000) -> int:
    out = table.assign(profit_run=profit_run)
    for name in MONEY:  # fen are the frame's minor units; NaN stays NULL
        out[name] = round_half_up(out[name].astype(np.float64))
    columns = ["profit_run", *OUTPUT]
    return bulk_write_frames(ProfitFigure, columns, (out.iloc[i : i + chunk] for i in range(0, len(out), chunk)))
