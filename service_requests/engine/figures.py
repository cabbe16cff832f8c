"""Figures of requests and complaints, and each retailer's request signals (docs/domain.md §9). Pure pandas.

`request_figures` takes one row per request: the grouping column, `filed_at`, `due_at` (when the
policy's time to answer ran out: filed + N working days), `answered_at` (the first answer of its
manager or a supervisor, NaT if none), `resolved_at` (NaT while open) and `rating` (1–5, NaN if not
rated); all instants naive local times. Per group:

- requests: how many were filed;
- answered, median_response_hours: the median working hours from filing to the first answer, over the
  answered requests only (an unanswered one has no response time yet: it shows as open_overdue once
  past its time); median_response_days = the same ÷ 24 (a working day is 24 working hours, `workdays`);
- resolved, resolved_share = resolved ÷ requests;
- judged, in_time, in_time_share: a request is judged once it is resolved or its time has run out
  (due_at ≤ now); it is in time if resolved by due_at. in_time_share = in_time ÷ judged (NaN when
  nothing is judged yet: an open request still within its time counts nowhere);
- open_overdue: not resolved and past due_at;
- rated, mean_rating: the retailers' ratings of the answers (NaN when none).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from .workdays import HOURS_PER_DAY, WorkCalendar, working_hours_between

FIGURE_COLUMNS = [
    "requests", "answered", "median_response_hours", "median_response_days", "resolved", "resolved_share",
    "judged", "in_time", "in_time_share", "open_overdue", "rated", "mean_rating",
]  # fmt: skip
SIGNAL_COLUMNS = ["open_overdue", "complaints_90d", "repeated_90d", "mean_rating"]
WINDOW_DAYS = 90


def _times(frame: pd.DataFrame, column: str) -> pd.Series:
    return pd.to_datetime(frame[column])


def request_figures(requests: pd.DataFrame, *, by: str, now: dt.datetime, calendar: WorkCalendar) -> pd.DataFrame:
    """The figures above per value of `by` (sorted by it); an empty frame for no requests."""
    if requests.empty:
        return pd.DataFrame(columns=FIGURE_COLUMNS, index=pd.Index([], name=by))
    now = pd.Timestamp(now)
    filed, due = _times(requests, "filed_at"), _times(requests, "due_at")
    answered, resolved = _times(requests, "answered_at"), _times(requests, "resolved_at")
    rating = pd.to_numeric(requests["rating"], errors="coerce").astype(float)
    if ((rating < 1) | (rating > 5)).any():
        raise ValueError("a rating is from 1 to 5")
    response = pd.Series(working_hours_between(filed, answered, calendar), index=requests.index)
    is_resolved = resolved.notna()
    in_time = is_resolved & (resolved <= due)
    judged = is_resolved | (due <= now)
    work = pd.DataFrame(
        {
            "group": requests[by],
            "one": 1,
            "answered": answered.notna().astype(int),
            "response": response,
            "resolved": is_resolved.astype(int),
            "judged": judged.astype(int),
            "in_time": in_time.astype(int),
            "open_overdue": (~is_resolved & (due <= now)).astype(int),
            "rated": rating.notna().astype(int),
            "rating": rating,
        }
    )
    grouped = work.groupby("group", sort=True, dropna=False)
    out = pd.DataFrame(
        {
            "requests": grouped["one"].sum(),
            "answered": grouped["answered"].sum(),
            "median_response_hours": grouped["response"].median(),
            "resolved": grouped["resolved"].sum(),
            "judged": grouped["judged"].sum(),
            "in_time": grouped["in_time"].sum(),
            "open_overdue": grouped["open_overdue"].sum(),
            "rated": grouped["rated"].sum(),
            "mean_rating": grouped["rating"].mean(),
        }
    )
    out["median_response_days"] = out["median_response_hours"] / HOURS_PER_DAY
    out["resolved_share"] = out["resolved"] / out["requests"]
    out["in_time_share"] = (out["in_time"] / out["judged"].where(out["judged"] > 0)).astype(float)
    out.index.name = by
    return out[FIGURE_COLUMNS]


def request_signals(requests: pd.DataFrame, *, today: dt.date, retailer_ids: list[int] | None) -> pd.DataFrame:
    """Per retailer, as of `today` (requests filed after it are ignored):

    - open_overdue: requests whose time to answer had run out when today began (due_at ≤ today 00:00)
      and that were not resolved by then;
    - complaints_90d: requests filed on the 90 days up to and including today (today − 89 … today);
    - repeated_90d: of those, the ones that repeat a request of the same retailer in the same category
      filed at most 90 days (× 24 hours) before (the earlier one may lie before the window);
    - mean_rating: the mean of the retailer's ratings of answers (NaN if it rated none).

    `requests`: retailer, category, filed_at, due_at, resolved_at, rating. Indexed by `retailer_ids` in
    their order (a retailer with no request: 0, 0, 0, NaN) or, given None, by every retailer in `requests`.
    """
    start_of_today = pd.Timestamp(today)
    end_of_today = start_of_today + pd.Timedelta(days=1)
    window_start = start_of_today - pd.Timedelta(days=WINDOW_DAYS - 1)
    frame = requests.assign(
        filed_at=_times(requests, "filed_at"), due_at=_times(requests, "due_at"),
        resolved_at=_times(requests, "resolved_at"),
        rating=pd.to_numeric(requests["rating"], errors="coerce").astype(float),
    )  # fmt: skip
    frame = frame[frame["filed_at"] < end_of_today]
    frame = frame.sort_values(["retailer", "category", "filed_at"], kind="stable")
    previous = frame.groupby(["retailer", "category"], sort=False)["filed_at"].shift(1)
    repeat = (frame["filed_at"] - previous) <= pd.Timedelta(days=WINDOW_DAYS)
    recent = frame["filed_at"] >= window_start
    unresolved_then = frame["resolved_at"].isna() | (frame["resolved_at"] > start_of_today)
    work = pd.DataFrame(
        {
            "retailer": frame["retailer"],
            "open_overdue": ((frame["due_at"] <= start_of_today) & unresolved_then).astype(int),
            "complaints_90d": recent.astype(int),
            "repeated_90d": (recent & repeat.fillna(False).astype(bool)).astype(int),
            "rating": frame["rating"],
        }
    )
    grouped = work.groupby("retailer", sort=True)
    out = pd.DataFrame(
        {
            "open_overdue": grouped["open_overdue"].sum(),
            "complaints_90d": grouped["complaints_90d"].sum(),
            "repeated_90d": grouped["repeated_90d"].sum(),
            "mean_rating": grouped["rating"].mean(),
        }
    )
    if retailer_ids is not None:
        out = out.reindex(pd.Index(list(retailer_ids)))
    out.index.name = "retailer"
    for column in ("open_overdue", "complaints_90d", "repeated_90d"):
        out[column] = out[column].fillna(0).astype(np.int64)
    out["mean_rating"] = out["mean_rating"].astype(float)
    return out[SIGNAL_COLUMNS]
