"""Reading requests: who may see which (the retailers they may see, `retailers.selectors`), the policy
and its working-day calendar, the figures by manager, department or branch, and each retailer's
request signals for the churn score (`request_signals`, read by customer_value)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pandas as pd
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone

from accounts.models import Role
from retailers.models import CountyBranch, MarketDepartment
from retailers.selectors import scope_to_visible_retailers

from .engine import figures as engine
from .engine.workdays import WorkCalendar, add_working_days, parse_dates
from .models import RequestPolicy, ServiceRequest, Status

LEVELS = ("manager", "department", "branch")
LOCAL = ZoneInfo(settings.TIME_ZONE)
OPEN_STATUSES = (Status.OPEN, Status.ANSWERED)
IN_LIST_MAX = 1000  # ids in one SQL IN list (SQLite takes at most 32,766 parameters)


def request_policy() -> RequestPolicy:
    """The company's policy (an unsaved row with the defaults of docs/domain.md §9 if there is none)."""
    return RequestPolicy.objects.order_by("pk").first() or RequestPolicy()


def work_calendar(policy: RequestPolicy | None = None) -> WorkCalendar:
    policy = policy or request_policy()
    holidays, _bad = parse_dates(policy.holidays)
    workdays, _bad = parse_dates(policy.extra_workdays)
    return WorkCalendar(holidays=frozenset(holidays), workdays=frozenset(workdays))


def local_naive(moment: dt.datetime) -> dt.datetime:
    return timezone.localtime(moment, LOCAL).replace(tzinfo=None)


def local_naive_series(values) -> pd.Series:
    """Aware instants (None → NaT) as naive local times, what the engine counts working time on."""
    return pd.to_datetime(pd.Series(values, dtype="object"), utc=True).dt.tz_convert(LOCAL).dt.tz_localize(None)


def answer_due(filed_at: dt.datetime, policy: RequestPolicy | None = None) -> dt.datetime:
    """When a request filed at `filed_at` must be answered by: the policy's working days later."""
    policy = policy or request_policy()
    due = add_working_days([local_naive(filed_at)], policy.answer_within_days, work_calendar(policy))[0]
    return due.to_pydatetime().replace(tzinfo=LOCAL)


def overdue_q(now: dt.datetime) -> Q:
    """Not resolved and past the time to answer."""
    return Q(status__in=OPEN_STATUSES, due_at__lte=now)


def requests_visible_to(*, user) -> QuerySet[ServiceRequest]:
    """Supervisors: all; a customer manager: their retailers' (as assigned now); a retailer: its own."""
    return scope_to_visible_retailers(ServiceRequest.objects.all(), user=user)


def request_visible_to(*, user, pk: int) -> ServiceRequest | None:
    return requests_visible_to(user=user).select_related("retailer", "manager").filter(pk=pk).first()


def request_queue(*, user, now: dt.datetime | None = None) -> QuerySet[ServiceRequest]:
    """The requests `user` may see, those needing action first: escalated and unresolved (first for
    a supervisor, who answers escalations), then overdue, then awaiting an answer (soonest due
    first), then the rest, newest first."""
    now = now or timezone.now()
    needs = [When(overdue_q(now), then=Value(2)), When(status=Status.OPEN, then=Value(3))]
    if user.is_supervisor:
        needs.insert(0, When(escalated_at__isnull=False, status__in=OPEN_STATUSES, then=Value(1)))
    return requests_visible_to(user=user).annotate(
        urgency=Case(*needs, default=Value(9), output_field=IntegerField())
    )


def retailer_requests(*, retailer) -> QuerySet[ServiceRequest]:
    return ServiceRequest.objects.filter(retailer=retailer).order_by("-filed_at", "-pk")


def can_answer(*, user, service_request: ServiceRequest) -> bool:
    """A supervisor, or the customer manager of the request's retailer (as assigned now)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if not (user.is_supervisor or user.role == Role.MANAGER):
        return False
    return requests_visible_to(user=user).filter(pk=service_request.pk).exists()


def is_own_request(*, user, service_request: ServiceRequest) -> bool:
    """The retailer login that filed it (its shop's login)."""
    return bool(
        user is not None and user.is_authenticated and user.is_active and user.role == Role.RETAILER
        and service_request.retailer.user_id == user.pk
    )  # fmt: skip


# ---- figures ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class FigureRow:
    label: str
    requests: int
    answered: int
    median_response_hours: float | None
    median_response_days: float | None
    resolved: int
    resolved_share: float | None
    judged: int
    in_time: int
    in_time_share: float | None
    open_overdue: int
    rated: int
    mean_rating: float | None


@dataclass(frozen=True)
class RequestFigures:
    level: str
    start: dt.date
    end: dt.date
    now: dt.datetime
    rows: list[FigureRow]
    total: FigureRow | None


_LEVEL_FIELD = {"manager": "manager_id", "department": "retailer__department_id", "branch": "retailer__branch_id"}
NONE_LABEL = {"manager": "—", "department": "—", "branch": "—"}


def _labels(level: str, keys: list) -> dict:
    keys = [k for k in keys if k is not None and k == k]
    if level == "manager":
        return {u.pk: u.get_full_name() or u.get_username() for u in get_user_model().objects.filter(pk__in=keys)}
    model = {"department": MarketDepartment, "branch": CountyBranch}[level]
    return dict(model.objects.filter(pk__in=keys).values_list("pk", "name"))


def _none(value):
    return None if value is None or value != value else float(value)


def _row(label: str, values) -> FigureRow:
    return FigureRow(
        label=label, requests=int(values["requests"]), answered=int(values["answered"]),
        median_response_hours=_none(values["median_response_hours"]),
        median_response_days=_none(values["median_response_days"]),
        resolved=int(values["resolved"]), resolved_share=_none(values["resolved_share"]),
        judged=int(values["judged"]), in_time=int(values["in_time"]), in_time_share=_none(values["in_time_share"]),
        open_overdue=int(values["open_overdue"]), rated=int(values["rated"]), mean_rating=_none(values["mean_rating"]),
    )  # fmt: skip


def requests_frame(queryset: QuerySet[ServiceRequest], *, extra: dict[str, str] | None = None) -> pd.DataFrame:
    """The engine's input: one row per request, instants as naive local times."""
    fields = {"filed_at": "filed_at", "due_at": "due_at", "answered_at": "answered_at",
              "resolved_at": "resolved_at", "rating": "rating", **(extra or {})}  # fmt: skip
    rows = list(queryset.values_list(*fields.values()))
    frame = pd.DataFrame(rows, columns=list(fields), dtype="object")
    for column in ("filed_at", "due_at", "answered_at", "resolved_at"):
        frame[column] = local_naive_series(frame[column]).to_numpy()
    frame["rating"] = pd.to_numeric(frame["rating"], errors="coerce").astype(float)
    return frame


def request_figures(
    *, user, level: str, start: dt.date, end: dt.date, now: dt.datetime | None = None
) -> RequestFigures:
    """Requests filed from `start` to `end` (local dates, both included) of the retailers `user` may
    see, by the manager they went to, the retailer's market department or its county branch, as of `now`."""
    if level not in LEVELS:
        raise ValueError(f"unknown level {level!r}")
    now = now or timezone.now()
    since = dt.datetime.combine(start, dt.time(), LOCAL)
    until = dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), LOCAL)
    queryset = requests_visible_to(user=user).filter(filed_at__gte=since, filed_at__lt=until)
    frame = requests_frame(queryset, extra={"group": _LEVEL_FIELD[level]})
    calendar = work_calendar()
    if frame.empty:
        return RequestFigures(level, start, end, now, [], None)
    frame["group"] = frame["group"].map(lambda k: -1 if k is None else int(k))
    table = engine.request_figures(frame, by="group", now=local_naive(now), calendar=calendar)
    labels = _labels(level, [k for k in table.index if k != -1])
    rows = [_row(labels.get(key, NONE_LABEL[level]) if key != -1 else NONE_LABEL[level], values)
            for key, values in table.iterrows()]  # fmt: skip
    rows.sort(key=lambda r: (-r.requests, r.label))
    total = engine.request_figures(frame.assign(group=0), by="group", now=local_naive(now), calendar=calendar)
    return RequestFigures(level, start, end, now, rows, _row("", total.iloc[0]))


# ---- signals for the churn score --------------------------------------------------------------


def request_signals(*, retailer_ids: list[int] | None, today: dt.date) -> pd.DataFrame:
    """Per retailer, indexed by retailer id (in `retailer_ids`' order; None: every retailer that filed a
    request): open_overdue (int: requests past their time to answer and not resolved, as today began),
    complaints_90d (int: requests filed in the 90 days up to and including today), repeated_90d (int:
    of those, repeats of a request in the same category filed within 90 days before), mean_rating
    (float or NaN: the retailer's ratings of answers). Reads only what it needs: the requests filed in
    the 90 days before the window (repeats) and every request that is open or rated."""
    start_of_today = dt.datetime.combine(today, dt.time(), LOCAL)
    window_start = start_of_today - dt.timedelta(days=engine.WINDOW_DAYS - 1)
    queryset = ServiceRequest.objects.filter(filed_at__lt=start_of_today + dt.timedelta(days=1)).filter(
        Q(filed_at__gte=window_start - dt.timedelta(days=engine.WINDOW_DAYS))
        | Q(status__in=OPEN_STATUSES)
        | Q(resolved_at__gt=start_of_today)
        | Q(rating__isnull=False)
    )
    if retailer_ids is not None and len(retailer_ids) <= IN_LIST_MAX:
        queryset = queryset.filter(retailer_id__in=list(retailer_ids))  # more: read all, the engine keeps the asked
    frame = requests_frame(queryset, extra={"retailer": "retailer_id", "category": "category"})
    frame["retailer"] = frame["retailer"].astype("int64")
    return engine.request_signals(frame, today=today, retailer_ids=retailer_ids)
