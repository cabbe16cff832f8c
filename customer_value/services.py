"""The nightly customer value job: every active retailer's value, segment, visit frequency and churn
risk, from tonight's profitability figures and alerts, its requests and its group's satisfaction
(never its own survey answers), written as a new ValueRun that becomes current only when complete
(docs/domain.md §9 "As built")."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from core.db import bulk_write_frames
from core.exceptions import Reason
from core.nightly import keeps_own_run
from core.runs import result_make_current, results_prune, tracked_run
from profitability.engine.figures import round_half_up

from .engine.risk import churn_risk
from .engine.segments import Segment, value_segments, visit_weeks
from .models import DEFAULT_POLICY_NAME, CustomerValue, ValuePolicy, ValueRun
from .selectors import (
    active_retailers,
    policy_snapshot,
    profit_alerts,
    profit_run,
    request_frame,
    risk_rules,
    satisfaction_frame,
    segment_rules,
    value_policy,
    weekly_figures,
    weeks_up_to,
)

JOB = "customer_value"
KEEP_RUNS = 2
MONEY = ["gross_profit", "value", "value_per_carton", "peer_median", "peer_gap"]  # fen in the frame
COLUMNS = [
    "value_run", "retailer", "segment", "visit_weeks", "state", "history_weeks", "cartons", "gross_profit", "value",
    "value_per_carton", "value_percentile", "peer_basis", "peer_count", "peer_median", "peer_gap", "gap_share",
    "trend", "risk", "points_orders", "points_alerts", "points_unanswered", "points_repeated", "points_rating",
    "orders_change", "idle_weeks", "no_orders", "profit_fall", "open_overdue", "repeated", "mean_rating",
]  # fmt: skip


def value_policy_get_or_create() -> ValuePolicy:
    """The active value policy, saved with the defaults of docs/domain.md §9 when there is none yet."""
    policy = value_policy()
    if policy.pk is None:
        policy = ValuePolicy.objects.get_or_create(name=DEFAULT_POLICY_NAME, defaults={"is_active": policy.is_active})[
            0
        ]
    return policy


@keeps_own_run
def customer_value_nightly(*, today: dt.date | None = None) -> dict:
    """Segments and churn risk for every active retailer, from the current profitability run.

    The counts say how many retailers each signal has something on (`with_requests`, …;
    `signals_missing` names those with none: their part of the score is 0 tonight), and so does the
    run (`ValueRun.signals`), which the pages show."""
    today = today or timezone.localdate()
    policy = value_policy_get_or_create()
    seg_rules, rules = segment_rules(policy), risk_rules(policy)
    with tracked_run(job=JOB, scope=today.isoformat()) as run:
        run.stage("read", 5)
        figures_run = profit_run()
        if figures_run is None or figures_run.latest_week is None:
            note = Reason(gettext_noop("No profitability figures yet: nothing to segment."))
            counts = {"retailers": 0, "note": note.text()}  # read in the reader's language
            run.count(**counts)
            return counts
        n_weeks = max(2 * seg_rules.window_weeks, rules.recent_weeks + rules.base_weeks)
        weeks = weeks_up_to(figures_run.latest_week, n_weeks)
        weekly = weekly_figures(run=figures_run, weeks=weeks)
        retailers = active_retailers()
        alerts = profit_alerts(run=figures_run)
        run.stage("signals", 25)
        requests = request_frame(today=today)
        satisfaction = satisfaction_frame()
        signals = _signals(weekly, alerts, requests, satisfaction, retailers)
        run.count(weekly_rows=len(weekly), retailers=len(retailers), weeks=len(weeks))
        run.stage("segments", 40)
        segments = value_segments(weekly, retailers, weeks, seg_rules)
        run.stage("risk", 55)
        risk = churn_risk(weekly, weeks, retailers, alerts, requests, satisfaction, rules)
        table = _table(segments, risk, policy)
        run.stage("write", 70)
        with transaction.atomic():
            value_run = ValueRun.objects.create(
                run=run.run, as_of=today, latest_week=figures_run.latest_week, policy=policy_snapshot(policy),
                signals=signals,
            )  # fmt: skip
            written = bulk_write_frames(CustomerValue, COLUMNS, [table.assign(value_run=value_run.pk)])
            result_make_current(ValueRun, value_run.pk)
        run.stage("tidy", 95)
        results_prune(ValueRun, keep=KEEP_RUNS)
        counts = {
            "retailers": written,
            **{Segment(s).name.lower(): int((table["segment"] == s).sum()) for s in Segment},
            "risk_at_visit_level": int((table["risk"] >= policy.visit_list_risk).sum()),
            **{f"with_{k}": v for k, v in signals.items()},
            "signals_missing": ", ".join(k for k, v in signals.items() if not v) or "none",
        }
        run.count(**counts)
    return counts


def _signals(weekly, alerts, requests, satisfaction, retailers) -> dict[str, int]:
    """Per source of the churn risk, how many of tonight's retailers it has something on: a source with
    none (no request filed, no survey closed) adds nothing to anyone's score, and the run says so."""
    ids = set(retailers["retailer"])
    answered = satisfaction["index"].dropna()
    return {
        "orders": len(ids & set(weekly.loc[weekly["cartons"] > 0, "retailer"])),
        "alerts": len(ids & set(alerts["retailer"])),
        "requests": len(ids & set(requests.index[requests.fillna(0).ne(0).any(axis=1)])),
        "satisfaction": len(ids & set(answered.index)),
    }


def _table(segments: pd.DataFrame, risk: pd.DataFrame, policy: ValuePolicy) -> pd.DataFrame:
    """The engines' rows joined per retailer, with the visit frequency (the segment's, raised by churn
    risk: `engine.segments.visit_weeks`) and money in fen."""
    table = segments.merge(risk, on="retailer", how="inner", validate="one_to_one")
    table["visit_weeks"] = visit_weeks(
        table["segment"].to_numpy(), table["risk"].to_numpy(), every=policy.visit_weeks(), risk_level=policy.visit_list_risk
    )  # fmt: skip
    for name in MONEY:
        table[name] = round_half_up(table[name].astype(np.float64))
    for name in ("open_overdue", "repeated"):  # counts, NULL where there is no request data
        table[name] = table[name].round().astype("Int64")
    return table
