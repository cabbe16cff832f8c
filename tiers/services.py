"""Re-rating runs, publishing and overrides. The maths is in engine.py."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict

import numpy as np
import pandas as pd
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from compliance.selectors import compliance_rates
from core.db import bulk_write_frames
from core.exceptions import AccessDenied, DomainError, Reason, Verbatim, label_reason
from core.labels import DEFAULT_POLICY_NAME
from core.models import AuditEntry, Run
from core.runs import run_start, run_tracked, tracked_run
from cycles.models import OrderCycle
from orders.models import WeeklyPurchase
from retailers.models import Retailer
from retailers.services import retailers_history_snapshot
from retailers.vocabulary import RetailerStatus

from .engine.classify import classify, round_half_up, tier_summary
from .models import (
    ClassificationScheme,
    ClassificationScope,
    NewRetailerRule,
    ProposalStatus,
    TierAssessment,
    TierChange,
    TierChangeKind,
    TierProposal,
)
from .publish_preview import overrides_at_stake
from .selectors import latest_assessment

JOB = "classify_retailers"
START_ACTION = "tiers.start"  # a re-rating a supervisor started in the admin (audited)
# Why a published re-rating wrote a retailer's history row: kept as this msgid, read in the reader's
# language on the history page (定期调档, the tier-change list's word for the kind).
RERATING_REASON = gettext_noop("Re-rating")


DEFAULT_SCHEME_NAME = DEFAULT_POLICY_NAME  # shown as 默认方案 / "Default scheme" (ClassificationScheme.worded_fields)


def active_scheme() -> ClassificationScheme:
    """The active scheme; with no scheme at all, the defaults of docs/domain.md §3 (as the migration creates)."""
    scheme = ClassificationScheme.objects.filter(is_active=True).first()
    if scheme is not None:
        return scheme
    if not ClassificationScheme.objects.exists():
        return ClassificationScheme.objects.create(name=DEFAULT_SCHEME_NAME, is_active=True)
    raise DomainError(Reason(gettext_noop("No classification scheme is active: activate one in the admin (分档方案).")))


def freeze_window_on(day: dt.date, windows: list[dict]) -> str | None:
    """The name of the freeze window `day` falls in (dates YYYY-MM-DD, or MM-DD every year)."""
    for window in windows:
        start, end = window["start"], window["end"]
        if len(start) == 5:
            start, end = f"{day.year}-{start}", f"{day.year}-{end}"
        if dt.date.fromisoformat(start) <= day <= dt.date.fromisoformat(end):
            return window.get("name", "")
    return None


def window_of(as_of: dt.date, weeks: int) -> tuple[dt.date, dt.date]:
    """The last `weeks` cycles that started before `as_of`."""
    end = as_of
    return end - dt.timedelta(weeks=weeks), end


def reference_period(*, scheme: ClassificationScheme, as_of: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """The first and the last day of the reference period a re-rating on `as_of` (today) scores: the
    purchases of the cycles starting in `window_of`'s window, which does not hold its end day."""
    start, end = window_of(as_of or timezone.localdate(), scheme.window_weeks)
    return start, end - dt.timedelta(days=1)


def _purchases(start: dt.date, end: dt.date) -> pd.DataFrame:
    """Each retailer's purchases in the window, net of returns: cartons kept (ordered − returned)
    and their amount.

    The weekly totals hold the ordered amount and the kept cartons' cost at the wholesale prices
    in force (`orders.engine.weekly.weekly_totals`), not the returned amount; the kept amount is
    that cost. A row written without prices (cost 0 while cartons were kept) falls back to the
    ordered amount in proportion to the cartons kept.
    """
    qn = connection.ops.quote_name
    kept = "(w.cartons - w.returned)"
    amount = f"CASE WHEN w.cost > 0 OR {kept} <= 0 THEN w.cost ELSE w.amount * 1.0 * {kept} / w.cartons END"
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT w.retailer_id, SUM({amount}), SUM({kept}), SUM(w.returned) "  # noqa: S608
            f"FROM {qn(WeeklyPurchase._meta.db_table)} w "
            f"JOIN {qn(OrderCycle._meta.db_table)} c ON c.id = w.cycle_id "
            "WHERE c.starts_on >= %s AND c.starts_on < %s GROUP BY w.retailer_id",
            [start, end],
        )
        rows = cursor.fetchall()
    frame = pd.DataFrame(rows, columns=["retailer_id", "amount", "quantity", "returned"])
    for column in ("amount", "quantity", "returned"):
        frame[column] = frame[column].astype(float)
    return frame


def _retailers() -> pd.DataFrame:
    rows = Retailer.objects.filter(status=RetailerStatus.ACTIVE).values_list(
        "pk", "tier", "credit_rating", "market_type", "business_format", "branch_id"
    )
    frame = pd.DataFrame(
        list(rows), columns=["retailer_id", "old_tier", "credit_rating", "market_type", "business_format", "branch_id"]
    )
    frame["old_tier"] = frame["old_tier"].fillna(0).astype(int)
    return frame


def _scope_keys(frame: pd.DataFrame, scope: str) -> pd.Series | None:
    if scope == ClassificationScope.MARKET_TYPE:
        return frame["market_type"].fillna("").astype(str)
    if scope == ClassificationScope.BRANCH:
        return frame["branch_id"].astype(str)
    return None


def initial_tiers(new: pd.DataFrame, rated: pd.DataFrame, scheme: ClassificationScheme) -> np.ndarray:
    """Tiers for retailers with neither a tier nor purchases: the median of similar retailers
    (branch, market type, format), else of all, rounded half-up (a median of 12.5 gives 13)."""
    if scheme.new_retailer_rule == NewRetailerRule.FIXED or rated.empty:
        return np.full(len(new), scheme.new_retailer_tier, dtype=np.int16)
    keys = ["branch_id", "market_type", "business_format"]
    fallback = float(round_half_up(np.median(rated["tier"])))
    medians = rated.groupby(keys, dropna=False)["tier"].median().rename("median").reset_index()
    merged = new[keys].merge(medians, on=keys, how="left")
    return round_half_up(merged["median"].fillna(fallback).to_numpy(dtype=float)).astype(np.int16)


def classification_compute(*, as_of: dt.date, scheme: ClassificationScheme) -> pd.DataFrame:
    """Every active retailer's assessment (no writes)."""
    start, end = window_of(as_of, scheme.window_weeks)
    retailers = _retailers()
    frame = retailers.merge(_purchases(start, end), on="retailer_id", how="left")
    # no weekly row in the window: bought nothing (not unknown)
    frame[["amount", "quantity", "returned"]] = frame[["amount", "quantity", "returned"]].fillna(0.0)
    # Price-tag compliance over the inspection window; never inspected counts as compliant.
    frame["compliance"] = frame["retailer_id"].map(compliance_rates()).astype(float)
    has_data = (frame["quantity"] > 0) | (frame["old_tier"] > 0)
    ranked = frame[has_data].reset_index(drop=True)
    scope = _scope_keys(ranked, scheme.scope)
    result = classify(ranked, scheme.to_engine(), scope=scope)
    result["returned"] = ranked["returned"].to_numpy()
    result["scope_key"] = "" if scope is None else scope.to_numpy()
    result["is_new"] = result["old_tier"] == 0
    result["ranked"] = True
    new = frame[~has_data].reset_index(drop=True)
    if not new.empty:
        rated = ranked.assign(tier=result["tier"].to_numpy())
        extra = pd.DataFrame(
            {
                "retailer_id": new["retailer_id"], "amount": 0.0, "quantity": 0.0, "value_per_carton": 0.0,
                **{f"score_{c}": 0.0 for c in ("amount", "quantity", "value_per_carton", "credit", "compliance")},
                "score": 0.0, "idle": False, "old_tier": 0, "raw_tier": initial_tiers(new, rated, scheme),
                "national_type": "", "returned": new["returned"].to_numpy(),
                "scope_key": "" if _scope_keys(new, scheme.scope) is None else _scope_keys(new, scheme.scope),
                "is_new": True, "ranked": False,
            }
        )  # fmt: skip
        extra["tier"] = extra["raw_tier"]
        result = pd.concat([result, extra], ignore_index=True)
    return result


ASSESSMENT_COLUMNS = [
    "proposal", "retailer", "scope_key", "amount", "quantity", "value_per_carton", "score_amount", "score_quantity",
    "score_value_per_carton", "score_credit", "score_compliance", "score", "old_tier", "raw_tier", "tier",
    "national_type", "is_new", "returned_quantity",
]  # fmt: skip


@transaction.atomic
def classification_request(*, actor, as_of: dt.date | None = None) -> Run:
    """A supervisor starts a re-rating now from the admin, not waiting for the month's job: the job run
    opens queued (RunOverlap if a re-rating is already running), audited (`tiers.start`), for
    `classify_task` to take (`classification_run(run=...)`); the page follows the run's progress."""
    if not getattr(actor, "is_supervisor", False):
        raise AccessDenied(Reason(gettext_noop("Only a supervisor starts a re-rating.")))
    as_of = as_of or timezone.localdate()
    scheme = active_scheme()
    run = run_start(job=JOB, actor=actor, params={"as_of": as_of.isoformat(), "scheme": scheme.pk}, queued=True)
    AuditEntry.objects.create(
        actor=actor, action=START_ACTION, object_type="run", object_id=str(run.pk),
        after={"scheme": scheme.name, "as_of": as_of.isoformat(), "retailers": classified_retailers()},
    )  # fmt: skip
    return run


def classified_retailers() -> int:
    """How many retailers a re-rating now would rate: the active ones."""
    return Retailer.objects.filter(status=RetailerStatus.ACTIVE).count()


def classification_run(
    *, as_of: dt.date | None = None, actor=None, dry_run: bool = False, run: Run | None = None
) -> TierProposal | pd.DataFrame:
    """A re-rating: compute every retailer's tier and store it as a proposal to publish.

    With dry_run, returns the per-tier summary and writes nothing (no Run either). `run`: the job run
    a page already opened (`classification_request`), whose date and scheme it keeps; else one opens now.
    """
    if run is None:
        as_of = as_of or timezone.localdate()
        scheme = active_scheme()
        if dry_run:
            return tier_summary(classification_compute(as_of=as_of, scheme=scheme), scheme.assignment)
        tracked = tracked_run(job=JOB, actor=actor, params={"as_of": as_of.isoformat(), "scheme": scheme.pk})
    else:
        tracked = run_tracked(run)
    with tracked as tracker:
        if run is not None:  # as the page that opened the run confirmed them (a failure here fails the run)
            params = run.params or {}
            as_of = dt.date.fromisoformat(params["as_of"]) if params.get("as_of") else timezone.localdate()
            scheme = ClassificationScheme.objects.filter(pk=params.get("scheme")).first() or active_scheme()
        tracker.stage("read and score", 10)
        result = classification_compute(as_of=as_of, scheme=scheme)
        summary = tier_summary(result, scheme.assignment)
        tracker.stage("write proposal", 60)
        start, end = window_of(as_of, scheme.window_weeks)
        rated = result["old_tier"] > 0
        with transaction.atomic():
            proposal = TierProposal.objects.create(
                run=tracker.run, scheme=scheme, scheme_snapshot=asdict(scheme.to_engine()), as_of=as_of,
                window_start=start, window_end=end, summary=_summary_rows(summary), retailers=len(result),
                ups=int((rated & (result["tier"] > result["old_tier"])).sum()),
                downs=int((rated & (result["tier"] < result["old_tier"])).sum()),
            )  # fmt: skip
            bulk_write_frames(TierAssessment, ASSESSMENT_COLUMNS, [_assessment_frame(result, proposal.pk)])
            if connection.vendor == "postgresql":  # fresh statistics for the publish joins
                with connection.cursor() as cursor:
                    cursor.execute(f"ANALYZE {connection.ops.quote_name(TierAssessment._meta.db_table)}")
        tracker.count(retailers=len(result), ups=proposal.ups, downs=proposal.downs, proposal=proposal.pk)
    return proposal


def _figure(value) -> float | None:
    """A score as the assessments store it (4 decimals, half-up), or None."""
    return None if pd.isna(value) else float(round_half_up(float(value), 4))


def _summary_rows(summary: pd.DataFrame) -> list[dict]:
    """The per-tier table as stored on the proposal. `cuts` maps each scope key ("" for the whole
    company) to the tier's cut score, the figure the retailer page reads back."""
    cut_columns = {c.split(":", 1)[1] if ":" in c else "": c for c in summary.columns if c.startswith("cut_score")}
    rows = []
    for tier, row in summary.iterrows():
        cuts = {key: _figure(row[column]) for key, column in cut_columns.items()}
        rows.append(
            {
                "tier": int(tier), "cut_score": cuts[""] if "" in cuts else None, "cuts": cuts,
                "before": int(row["before"]), "after": int(row["after"]), "ups": int(row["ups"]),
                "downs": int(row["downs"]), "held": int(row["held"]), "empty": str(row["empty"]),
                "distinct": int(row["distinct"]), "ranked": int(row["ranked"]),
            }
        )  # fmt: skip
    return rows


def _assessment_frame(result: pd.DataFrame, proposal_id: int) -> pd.DataFrame:
    """Assessment rows for bulk_write_frames (money as integer fen, rounded half-up)."""
    parts = {
        f"score_{c}": round_half_up(result[f"score_{c}"].to_numpy(dtype=float), 4)
        for c in ("amount", "quantity", "value_per_carton", "credit", "compliance")
    }
    return pd.DataFrame(
        {
            "proposal": proposal_id, "retailer": result["retailer_id"].astype("int64"), "scope_key": result["scope_key"].astype(str),
            "amount": round_half_up(result["amount"].to_numpy(dtype=float) * 100).astype(np.int64),
            "quantity": result["quantity"].astype("int64"),
            "value_per_carton": round_half_up(result["value_per_carton"].to_numpy(dtype=float) * 100).astype(np.int64),
            **parts, "score": round_half_up(result["score"].to_numpy(dtype=float), 4),
            "old_tier": result["old_tier"].astype("Int64").where(result["old_tier"] > 0, pd.NA),
            "raw_tier": result["raw_tier"].astype("int64"), "tier": result["tier"].astype("int64"),
            "national_type": result["national_type"].astype(str), "is_new": result["is_new"].astype(bool),
            "returned_quantity": result["returned"].astype("int64"),
        }
    )  # fmt: skip


def proposal_publish(*, proposal: TierProposal, approver, today: dt.date | None = None) -> int:
    """Apply a proposal's tiers in one short durable transaction; returns how many tiers changed."""
    if not approver.is_supervisor:
        raise AccessDenied(Reason(gettext_noop("Only a supervisor publishes tiers.")))
    today = today or timezone.localdate()
    frozen = freeze_window_on(today, proposal.scheme.freeze_windows)
    if frozen is not None:
        raise DomainError(
            Reason(
                gettext_noop("Tiers are frozen today (%(window)s): publish after the window."), window=Verbatim(frozen)
            )
        )
    with transaction.atomic(durable=True):
        locked = TierProposal.objects.select_for_update().get(pk=proposal.pk)
        if locked.status != ProposalStatus.PROPOSED:
            raise DomainError(
                Reason(
                    gettext_noop("This proposal is %(status)s: only a proposed one can be published."),
                    status=label_reason(ProposalStatus(locked.status).label),
                )
            )
        stake = overrides_at_stake(proposal=locked)  # before the tiers move: what the confirmation listed
        changed = _apply_tiers(locked, approver)
        locked.status = ProposalStatus.PUBLISHED
        locked.published_at = timezone.now()
        locked.published_by = approver
        locked.save(update_fields=["status", "published_at", "published_by"])
        TierProposal.objects.filter(status=ProposalStatus.PROPOSED).exclude(pk=locked.pk).update(
            status=ProposalStatus.SUPERSEDED
        )
        AuditEntry.objects.create(
            actor=approver, action="tiers.publish", object_type="tier_proposal", object_id=str(locked.pk),
            after={"changed": changed, "retailers": locked.retailers,
                   "overrides_undone": [o.customer_code for o in stake if not o.kept],
                   "overrides_kept": [o.customer_code for o in stake if o.kept]},
        )  # fmt: skip
    proposal.refresh_from_db()
    return changed


def _apply_tiers(proposal: TierProposal, approver) -> int:
    qn = connection.ops.quote_name
    differs = "IS DISTINCT FROM" if connection.vendor == "postgresql" else "IS NOT"
    retailers, assessments, changes = (
        qn(Retailer._meta.db_table),
        qn(TierAssessment._meta.db_table),
        qn(TierChange._meta.db_table),
    )
    now = timezone.now()
    # A supervisor's override made after the proposal read the registry is kept: the proposal never saw
    # it (docs/domain.md §3; the confirmation lists it, `publish_preview.overrides_at_stake`).
    kept = (
        f"NOT EXISTS (SELECT 1 FROM {changes} o WHERE o.retailer_id = a.retailer_id "  # noqa: S608
        "AND o.kind = %s AND o.at > %s)"
    )
    kept_params = [TierChangeKind.OVERRIDE, connection.ops.adapt_datetimefield_value(proposal.run.created_at)]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {changes} (retailer_id, kind, old_tier, new_tier, score, assessment_id, proposal_id, reason, approver_id, at) "  # noqa: S608
            f"SELECT a.retailer_id, %s, r.tier, a.tier, a.score, a.id, a.proposal_id, '', %s, %s "
            f"FROM {assessments} a JOIN {retailers} r ON r.id = a.retailer_id "
            f"WHERE a.proposal_id = %s AND r.tier {differs} a.tier AND {kept}",
            [TierChangeKind.RERATING, approver.pk, now, proposal.pk, *kept_params],
        )
        cursor.execute(
            f"UPDATE {retailers} SET tier = a.tier, updated_at = %s FROM {assessments} a "  # noqa: S608
            f"WHERE a.proposal_id = %s AND a.retailer_id = {retailers}.id AND {retailers}.tier {differs} a.tier "
            f"AND {kept}",
            [now, proposal.pk, *kept_params],
        )
        changed = cursor.rowcount
    # Tier history lives in TierChange (with score and approver). The registry's row history gets a row
    # for each retailer whose tier moved, by the approver with the re-rating as its reason, so the next
    # edit's row there shows only its own change (tester 2026-11-27: a manager's save of the shop area
    # read 档位 2 → 4). Only the moved rows are copied, by the database (copying all 450,000 wide rows
    # doubled publishing time).
    moved = TierChange.objects.filter(proposal_id=proposal.pk, kind=TierChangeKind.RERATING)
    retailers_history_snapshot(
        pks=list(moved.values_list("retailer_id", flat=True)), history_type="~", actor=approver, reason=RERATING_REASON
    )
    return changed


@transaction.atomic
def tier_override(*, retailer: Retailer, tier: int, reason: str, approver) -> TierChange:
    """A supervisor sets one retailer's tier by hand, with a reason (history and audit). The tier it has
    already is no change: refused, with no tier-change row and no audit entry (tester 2026-11-27: D4 → D4,
    twice, wrote two of each)."""
    if not approver.is_supervisor:
        raise AccessDenied(Reason(gettext_noop("Only a supervisor overrides a tier.")))
    if not reason.strip():
        raise DomainError(Reason(gettext_noop("A tier override needs a reason.")))
    if not 1 <= tier <= 30:
        raise DomainError(Reason(gettext_noop("A tier is between D1 and D30.")))
    old = Retailer.objects.select_for_update().values_list("tier", flat=True).get(pk=retailer.pk)
    if old == tier:
        raise DomainError(
            Reason(gettext_noop("The retailer is already in tier %(tier)s: no change."), tier=Verbatim(f"D{tier}"))
        )
    # the published assessment in force, kept with the override: what the explanation was then
    rated = latest_assessment(retailer=retailer)
    change = TierChange.objects.create(
        retailer=retailer,
        kind=TierChangeKind.OVERRIDE,
        old_tier=old,
        new_tier=tier,
        score=rated.score if rated else None,
        assessment=rated,
        reason=reason.strip(),
        approver=approver,
    )
    Retailer.objects.filter(pk=retailer.pk).update(tier=tier, updated_at=timezone.now())
    retailer.tier = tier
    # the registry's history too, by the supervisor with the reason: not picked up by the next edit
    retailers_history_snapshot(pks=[retailer.pk], history_type="~", actor=approver, reason=reason.strip())
    AuditEntry.objects.create(
        actor=approver, action="tier.override", object_type="retailer", object_id=str(retailer.pk),
        reason=reason.strip(), before={"tier": old}, after={"tier": tier},
    )  # fmt: skip
    return change
