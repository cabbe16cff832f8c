"""The working-time clock of requests (docs/domain.md §9). Pure numpy/pandas.

A working day is Monday to Friday, less the company's holidays, plus the weekend days it works
instead (调休上班): both lists are the request policy's. The clock runs for the whole of every working
day (24 working hours from midnight to midnight, local time) and stops on every other day, so:

- the working hours between two instants are the hours of working days between them: a request filed
  on Friday at 15:00 and answered on Monday at 10:00 took 9 + 10 = 19 working hours;
- "within N working days" is N × 24 working hours: filed on Friday at 15:00, due within 2 working days,
  it is due on Tuesday at 15:00; filed on a Saturday, its clock starts on Monday at 00:00 and it is due
  when Tuesday ends (Wednesday 00:00).
A working day counts as 24 working hours, so working days = working hours ÷ 24.

Instants are naive local times (`datetime64`); NaT in, NaN or NaT out.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

HOURS_PER_DAY = 24.0
_MONDAY_OF_EPOCH = 3  # 1970-01-01 was a Thursday: (days since the epoch + 3) % 7 = 0 on Mondays


@dataclass(frozen=True)
class WorkCalendar:
    """Which days are working days: Monday–Friday, less `holidays`, plus `workdays` (weekend days worked)."""

    holidays: frozenset[dt.date] = field(default_factory=frozenset)
    workdays: frozenset[dt.date] = field(default_factory=frozenset)

    def is_working(self, day: dt.date) -> bool:
        if day in self.workdays:
            return True
        return day.weekday() < 5 and day not in self.holidays

    def working_mask(self, days: np.ndarray) -> np.ndarray:
        """For an array of `datetime64[D]`, True where the day is a working day."""
        weekday = (days.astype(np.int64) + _MONDAY_OF_EPOCH) % 7
        working = weekday < 5
        if self.holidays:
            working &= ~np.isin(days, np.array(sorted(self.holidays), dtype="datetime64[D]"))
        if self.workdays:
            working |= np.isin(days, np.array(sorted(self.workdays), dtype="datetime64[D]"))
        return working


@dataclass(frozen=True)
class _Days:
    """Every day from `first` on: whether it is a working day and how many working days come before it."""

    first: np.datetime64
    working: np.ndarray
    before: np.ndarray  # working days in [first, day)

    @classmethod
    def build(cls, calendar: WorkCalendar, first: np.datetime64, last: np.datetime64) -> _Days:
        days = np.arange(first, last + np.timedelta64(1, "D"), dtype="datetime64[D]")
        working = calendar.working_mask(days)
        counted = np.cumsum(working, dtype=np.int64)
        return cls(first, working, counted - working)

    def index(self, days: np.ndarray) -> np.ndarray:
        return (days - self.first).astype(np.int64)


def _instants(values) -> pd.DatetimeIndex:
    out = pd.DatetimeIndex(values)
    if out.tz is not None:
        raise ValueError("working time is counted on naive local times; convert to local time first")
    return out


def _positions(instants: pd.DatetimeIndex, table: _Days) -> np.ndarray:
    """Working hours from the table's first day to each instant (NaN for NaT)."""
    out = np.full(len(instants), np.nan)
    known = ~instants.isna()
    if not known.any():
        return out
    moments = instants[known]
    days = moments.normalize().to_numpy().astype("datetime64[D]")
    i = table.index(days)
    into_day = (moments - moments.normalize()) / pd.Timedelta(hours=1)
    out[known] = HOURS_PER_DAY * table.before[i] + np.where(table.working[i], np.asarray(into_day, dtype=float), 0.0)
    return out


def _span(*groups: pd.DatetimeIndex) -> tuple[np.datetime64, np.datetime64] | None:
    known = [g[~g.isna()] for g in groups]
    known = [g for g in known if len(g)]
    if not known:
        return None
    first = min(g.min() for g in known).normalize().to_datetime64().astype("datetime64[D]")
    last = max(g.max() for g in known).normalize().to_datetime64().astype("datetime64[D]")
    return first, last


def working_hours_between(starts, ends, calendar: WorkCalendar) -> np.ndarray:
    """Working hours from each start to its end (negative if the end comes first; NaN where either is NaT)."""
    starts, ends = _instants(starts), _instants(ends)
    if len(starts) != len(ends):
        raise ValueError("starts and ends differ in length")
    span = _span(starts, ends)
    if span is None:
        return np.full(len(starts), np.nan)
    table = _Days.build(calendar, *span)
    return _positions(ends, table) - _positions(starts, table)


def add_working_days(starts, days: int, calendar: WorkCalendar) -> pd.DatetimeIndex:
    """The instant `days` working days (× 24 working hours) after each start: the earliest instant at
    which that much working time has passed (the end of a working day, not the next working morning)."""
    if days <= 0:
        raise ValueError("a request's time to answer is at least one working day")
    starts = _instants(starts)
    span = _span(starts)
    if span is None:
        return pd.DatetimeIndex([pd.NaT] * len(starts))
    first, last = span
    margin = 2 * days + 14
    while True:
        table = _Days.build(calendar, first, last + np.timedelta64(margin, "D"))
        target = _positions(starts, table) + HOURS_PER_DAY * days
        known = ~np.isnan(target)
        # the working day on which the target falls: the j-th (from 0) with target − 24·j in (0, 24]
        j = np.ceil(target[known] / HOURS_PER_DAY).astype(np.int64) - 1
        working_days = np.flatnonzero(table.working)
        if len(j) == 0 or j.max() < len(working_days):
            break
        margin *= 2  # a long run of holidays: look further ahead
    out = np.full(len(starts), np.datetime64("NaT"), dtype="datetime64[ns]")
    day = (table.first + working_days[j]).astype("datetime64[ns]")
    hours = target[known] - HOURS_PER_DAY * j
    out[known] = day + (hours * 3_600_000_000_000).round().astype("timedelta64[ns]")
    return pd.DatetimeIndex(out)


def parse_dates(text: str) -> tuple[list[dt.date], list[str]]:
    """Dates written one per line or separated by commas, spaces or 、 (YYYY-MM-DD); the dates read and
    the pieces that are not dates."""
    pieces = [p for p in re.split(r"[\s,，、;；]+", text) if p]
    dates, bad = [], []
    for piece in pieces:
        try:
            dates.append(dt.date.fromisoformat(piece.strip()))
        except ValueError:
            bad.append(piece.strip())
    return sorted(set(dates)), bad
