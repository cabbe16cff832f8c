"""Profitability figures per retailer and period (docs/domain.md §7).

Input is one row per retailer and week (the weekly purchase totals); every retailer gets a row
for every period, zero when it bought nothing, so ranks and averages count idle shops too.
The work is done on retailer × period matrices: a week column sums into its month, quarter and
year columns, the previous period is the column to the left, the same period last year the
column whose start is one year earlier.
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
    """
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
    peers = _peer_groups(retailers)
    out = [_period_figures(period, matrices, calendar, ids, peers, retailers, keep_from) for period in periods]
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
    previous = np.full(profit.shape, np.nan)
    previous[:, 1:] = profit[:, :-1]
    label_dates = [d.astype(object) for d in labels]
    index_of = {d: i for i, d in enumerate(label_dates)}
    year_ago = np.full(profit.shape, np.nan)
    for i, d in enumerate(label_dates):
        j = index_of.get(_year_before(period, d))
        if j is not None:
            year_ago[:, i] = profit[:, j]
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
        frame["value_per_carton"] = np.where(cartons > 0, np.round(frame["cost"] / np.maximum(cartons, 1)), np.nan)
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
    frame["next_tier_gap"] = np.round(above - frame["gross_profit"].to_numpy())
