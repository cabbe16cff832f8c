"""Profitability figures per retailer and period (docs/domain.md §7).

Input is one row per retailer and week (the weekly purchase totals); every retailer gets a row
for every period, zero when it bought nothing, so ranks and averages count idle shops too.
The work is done on retailer × period matrices: a week column sums into its month, quarter and
year columns, the previous period is the column to the left, the same period last year the
column whose start is one year earlier.

A change is only computed against a complete base: a previous period or a year-before period that
begins before the records do (the first week any shop bought in) gives NaN, not a change against
part of a period. The latest period, still under way, is compared like for like: with as many
weeks of its base period as it has itself (month to date against the same weeks a month or a year
before). Rounding to the fen is half-up (halves away from zero), as a person rounds.
"""

from __future__ import annotations

import datetime as dt
from enum import IntEnum

import numpy as np
import pandas as pd

CASE_CARTONS = 250
CLASS_COLUMNS = ["cartons_class_i", "cartons_class_ii", "cartons_class_iii", "cartons_class_iv", "cartons_class_v"]
MEASURES = ["cartons", "sales", "cost", *CLASS_COLUMNS]
OUTPUT = [
    "retailer", "period", "period_start", *MEASURES, "gross_profit", "margin", "value_per_carton",
    "previous_profit", "last_year_profit", "peer_rank", "peer_count", "percentile", "next_tier_gap",
]  # fmt: skip


class Period(IntEnum):
    WEEK = 1
    MONTH = 2
    QUARTER = 3
    YEAR = 4


def period_start(period: Period, starts_on: dt.date, year: int, month: int) -> dt.date:
    """The first day of the period a cycle belongs to; months follow the cycle's own name
    (YEAR-MONTH-WEEK), as the marketing system counts them."""
    if period is Period.WEEK:
        return starts_on
    if period is Period.MONTH:
        return dt.date(year, month, 1)
    if period is Period.QUARTER:
        return dt.date(year, 3 * ((month - 1) // 3) + 1, 1)
    return dt.date(year, 1, 1)


def round_half_up(values) -> np.ndarray:
    """Round to whole units, halves away from zero (2.5 → 3, −2.5 → −3), not to even as np.round does."""
    values = np.asarray(values, dtype=np.float64)
    return np.sign(values) * np.floor(np.abs(values) + 0.5)


def _first_monday(period: Period, start: dt.date) -> dt.date:
    """The first cycle of a period: cycle k of a month starts its k-th Monday (cycles.calendar)."""
    return start if period is Period.WEEK else start + dt.timedelta(days=(7 - start.weekday()) % 7)


def _year_before(period: Period, start: dt.date) -> dt.date:
    if period is Period.WEEK:
        return start - dt.timedelta(weeks=52)
    return start.replace(year=start.year - 1)


def figures(
    weekly: pd.DataFrame,
    calendar: pd.DataFrame,
    retailers: pd.DataFrame,
    *,
    keep_from: dt.date,
    periods: tuple[Period, ...] = tuple(Period),
) -> pd.DataFrame:
    """Figures per retailer × period for the periods that have a week on or after `keep_from`.

    weekly: retailer, starts_on, and MEASURES (sales and cost in fen), one row per retailer and week.
    calendar: starts_on, year, month of every cycle read (weeks nobody bought in included), oldest
        first; it should reach a year before `keep_from` for the year-on-year change.
    retailers: retailer, tier, business_format (the peers are the same tier and format).
    Missing (NaN) measures are refused: a week a shop did not buy in has zeros or no row.
    """
    missing = weekly[["retailer", "starts_on", *MEASURES]].isna().any(axis=1)
    if missing.any():
        raise ValueError(
            f"figures: {int(missing.sum())} weekly rows have a missing retailer, week or measure "
            f"(retailers {sorted(set(weekly.loc[missing, 'retailer'].dropna().astype(int)))[:5]}); "
            "give a week without purchases zeros or no row"
        )
    calendar = calendar.sort_values("starts_on").reset_index(drop=True)
    ids = retailers["retailer"].to_numpy(np.int64)
    row_of = pd.Series(np.arange(len(ids)), index=ids)
    col_of = pd.Series(np.arange(len(calendar)), index=pd.to_datetime(calendar["starts_on"]))
    known = weekly["retailer"].isin(row_of.index).to_numpy()
    rows = row_of.reindex(weekly["retailer"].to_numpy()[known]).to_numpy()
    cols = col_of.reindex(pd.to_datetime(weekly["starts_on"]).to_numpy()[known]).to_numpy()
    inside = ~np.isnan(cols.astype(float))
    rows, cols = rows[inside], cols[inside].astype(np.int64)
    matrices = {}
    for name in MEASURES:
        m = np.zeros((len(ids), len(calendar)), dtype=np.int64)
        np.add.at(m, (rows, cols), weekly[name].to_numpy(np.int64)[known][inside])
        matrices[name] = m
    # the records begin with the first week any shop (known or not) bought in
    weeks_bought = col_of.reindex(pd.to_datetime(weekly["starts_on"]).to_numpy()).dropna()
    records_from = pd.Timestamp(calendar["starts_on"].iloc[int(weeks_bought.min())]).date() if len(weeks_bought) else None
    peers = _peer_groups(retailers)
    out = [
        _period_figures(period, matrices, calendar, ids, peers, retailers, keep_from, records_from)
        for period in periods
    ]
    return pd.concat(out, ignore_index=True)[OUTPUT]


def _peer_groups(retailers: pd.DataFrame) -> np.ndarray:
    keys = retailers["tier"].fillna(0).astype(np.int64).astype(str) + "/" + retailers["business_format"].fillna("")
    return pd.factorize(keys)[0]


def _period_figures(
    period: Period,
    weekly: dict[str, np.ndarray],
    calendar: pd.DataFrame,
    ids: np.ndarray,
    peers: np.ndarray,
    retailers: pd.DataFrame,
    keep_from: dt.date,
    records_from: dt.date | None,
) -> pd.DataFrame:
    starts = [
        period_start(period, s, int(y), int(m))
        for s, y, m in zip(calendar["starts_on"], calendar["year"], calendar["month"], strict=True)
    ]
    labels, first = np.unique(np.array(starts, dtype="datetime64[D]"), return_index=True)
    order = np.argsort(first)
    labels, first = labels[order], first[order]  # contiguous runs of weeks, oldest first
    m = {name: np.add.reduceat(matrix, first, axis=1) for name, matrix in weekly.items()}
    profit = m["sales"] - m["cost"]
    weekly_profit = weekly["sales"] - weekly["cost"]
    label_dates = [d.astype(object) for d in labels]
    index_of = {d: i for i, d in enumerate(label_dates)}
    weeks_in = np.diff(np.r_[first, len(calendar)])
    complete = np.array([records_from is not None and _first_monday(period, d) >= records_from for d in label_dates])
    after_last = pd.Timestamp(calendar["starts_on"].iloc[-1]).date() + dt.timedelta(weeks=1)
    under_way = period_start(period, after_last, after_last.year, after_last.month) == label_dates[-1]

    def base(j: int | None, i: int) -> np.ndarray:
        """Period j's profit as the base of period i: NaN unless j is complete; the same number of
        weeks as i when i is the period still under way."""
        if j is None or j < 0 or not complete[j]:
            return np.full(len(ids), np.nan)
        if i == len(label_dates) - 1 and under_way:
            n = min(weeks_in[i], weeks_in[j])
            return weekly_profit[:, first[j] : first[j] + n].sum(axis=1).astype(np.float64)
        return profit[:, j].astype(np.float64)

    previous = np.column_stack([base(i - 1, i) for i in range(len(label_dates))])
    year_ago = np.column_stack([base(index_of.get(_year_before(period, d)), i) for i, d in enumerate(label_dates)])
    last_week = np.r_[first[1:], len(calendar)] - 1
    keep = np.flatnonzero(pd.to_datetime(calendar["starts_on"]).to_numpy()[last_week] >= np.datetime64(keep_from))
    n, k = len(ids), len(keep)
    frame = pd.DataFrame(
        {
            "retailer": np.tile(ids, k),
            "period": int(period),
            "period_start": np.repeat(labels[keep], n),
            **{name: matrix[:, keep].T.ravel() for name, matrix in m.items()},
            "gross_profit": profit[:, keep].T.ravel(),
            "previous_profit": previous[:, keep].T.ravel(),
            "last_year_profit": year_ago[:, keep].T.ravel(),
        }
    )
    sales = frame["sales"].to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        frame["margin"] = np.where(sales > 0, frame["gross_profit"] / sales, np.nan)
        cartons = frame["cartons"].to_numpy()
        frame["value_per_carton"] = np.where(cartons > 0, round_half_up(frame["cost"] / np.maximum(cartons, 1)), np.nan)
    _peer_standing(frame, np.tile(peers, k), np.tile(retailers["tier"].fillna(0).to_numpy(np.int64), k),
                   np.tile(retailers["business_format"].fillna("").to_numpy(), k))  # fmt: skip
    return frame


def _peer_standing(frame: pd.DataFrame, peer: np.ndarray, tier: np.ndarray, business_format: np.ndarray) -> None:
    """Rank (1 = most profit) and percentile among same tier and format, and the gap to the average
    profit of the next tier up (same format) in the same period."""
    groups = frame.assign(_peer=peer).groupby(["period_start", "_peer"], sort=False)["gross_profit"]
    frame["peer_rank"] = groups.rank(method="min", ascending=False).astype(np.int64)
    frame["peer_count"] = groups.transform("size").astype(np.int64)
    frame["percentile"] = groups.rank(method="max", pct=True)
    means = (
        pd.DataFrame(
            {"period_start": frame["period_start"], "tier": tier, "fmt": business_format, "p": frame["gross_profit"]}
        )  # fmt: skip
        .groupby(["period_start", "tier", "fmt"])["p"]
        .mean()
    )
    nxt = pd.MultiIndex.from_arrays([frame["period_start"], tier + 1, business_format])
    above = means.reindex(nxt).to_numpy(dtype=np.float64, copy=True)
    above[tier <= 0] = np.nan
    frame["next_tier_gap"] = round_half_up(above - frame["gross_profit"].to_numpy())
