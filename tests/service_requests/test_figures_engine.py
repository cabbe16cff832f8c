"""The figures per manager and the per-retailer signals, hand-computed (docs/domain.md §9).
November 2026: Mon 2 … Fri 6, Sat 7, Sun 8, Mon 9 … Fri 13, Mon 16. Default calendar (no holidays)."""

import datetime as dt
import math

import pandas as pd
import pytest

from service_requests.engine.figures import FIGURE_COLUMNS, SIGNAL_COLUMNS, request_figures, request_signals
from service_requests.engine.workdays import WorkCalendar

T = pd.Timestamp
NaT = pd.NaT
NOW = T("2026-11-16 12:00")  # Monday noon


def frame(rows):
    return pd.DataFrame(rows, columns=["manager", "filed_at", "due_at", "answered_at", "resolved_at", "rating"])


REQUESTS = frame([
    # A1: answered after 5 h (Mon 09→14), resolved Tue, before its due Wed 09:00: in time; rated 5
    ("A", T("2026-11-02 09:00"), T("2026-11-04 09:00"), T("2026-11-02 14:00"), T("2026-11-03 10:00"), 5),
    # A2: Fri 15:00 → Mon 10:00 = 9 + 10 = 19 h; due Tue 15:00, resolved Wed 09:00: late; rated 2
    ("A", T("2026-11-06 15:00"), T("2026-11-10 15:00"), T("2026-11-09 10:00"), T("2026-11-11 09:00"), 2),
    # A3: Tue 08:00 → Fri 10:00 = 16 + 24 + 24 + 10 = 74 h; due Thu 08:00, not resolved: judged, late, overdue
    ("A", T("2026-11-10 08:00"), T("2026-11-12 08:00"), T("2026-11-13 10:00"), NaT, None),
    # A4: filed this morning, due Wed: not answered, still within its time: judged nowhere
    ("A", T("2026-11-16 09:00"), T("2026-11-18 09:00"), NaT, NaT, None),
    # B1: 2 h, resolved at once: in time; rated 4
    ("B", T("2026-11-04 10:00"), T("2026-11-06 10:00"), T("2026-11-04 12:00"), T("2026-11-04 12:00"), 4),
    # B2: 4 h; due Mon 09 10:00 (Thu 14 h + Fri 24 h + Mon 10 h), resolved exactly then: in time
    ("B", T("2026-11-05 10:00"), T("2026-11-09 10:00"), T("2026-11-05 14:00"), T("2026-11-09 10:00"), None),
    # C1: filed this morning, nothing yet: no response time, nothing judged, no rating
    ("C", T("2026-11-16 10:00"), T("2026-11-18 10:00"), NaT, NaT, None),
])  # fmt: skip


def test_figures_by_manager():
    out = request_figures(REQUESTS, by="manager", now=NOW, calendar=WorkCalendar())
    assert list(out.columns) == FIGURE_COLUMNS
    assert list(out.index) == ["A", "B", "C"]
    a, b, c = out.loc["A"], out.loc["B"], out.loc["C"]
    # A: 4 requests, 3 answered; response hours 5, 19, 74 → median 19 h = 19 ÷ 24 = 0.7917 working days
    assert (a.requests, a.answered) == (4, 3)
    assert a.median_response_hours == 19
    assert a.median_response_days == pytest.approx(19 / 24)
    # resolved A1, A2 = 2 of 4 = 50%; judged A1, A2 (resolved) + A3 (past due) = 3; in time A1 only = 1/3
    assert (a.resolved, a.resolved_share, a.judged, a.in_time) == (2, 0.5, 3, 1)
    assert a.in_time_share == pytest.approx(1 / 3)
    assert a.open_overdue == 1  # A3
    assert (a.rated, a.mean_rating) == (2, 3.5)  # (5 + 2) ÷ 2
    # B: response 2 h and 4 h → median of an even count = (2 + 4) ÷ 2 = 3 h = 0.125 days
    assert (b.requests, b.answered, b.median_response_hours, b.median_response_days) == (2, 2, 3, 0.125)
    assert (b.resolved, b.resolved_share, b.judged, b.in_time, b.in_time_share) == (2, 1.0, 2, 2, 1.0)
    assert (b.open_overdue, b.rated, b.mean_rating) == (0, 1, 4.0)
    # C: nothing answered, nothing judged, nothing rated
    assert (c.requests, c.answered, c.resolved, c.judged, c.open_overdue, c.rated) == (1, 0, 0, 0, 0, 0)
    assert math.isnan(c.median_response_hours)
    assert math.isnan(c.in_time_share)
    assert math.isnan(c.mean_rating)
    assert c.resolved_share == 0


def test_figures_over_everyone():
    out = request_figures(REQUESTS.assign(all=1), by="all", now=NOW, calendar=WorkCalendar()).loc[1]
    # 7 requests; answered 5: hours 2, 4, 5, 19, 74 → median 5 h
    assert (out.requests, out.answered, out.median_response_hours) == (7, 5, 5)
    # resolved A1, A2, B1, B2 = 4/7; judged 3 (A) + 2 (B) = 5; in time A1, B1, B2 = 3 → 3/5 = 60%
    assert (out.resolved, out.judged, out.in_time) == (4, 5, 3)
    assert out.resolved_share == pytest.approx(4 / 7)
    assert out.in_time_share == pytest.approx(0.6)
    # ratings 5, 2, 4 → 11 ÷ 3 = 3.667
    assert (out.rated, out.mean_rating) == (3, pytest.approx(11 / 3))


def test_a_weekend_answer_counts_no_working_time_and_a_holiday_moves_nothing_judged():
    # Filed Fri 23:00, answered Sat 11:00: 1 working hour (Fri 23 → 24)
    rows = frame([("A", T("2026-11-06 23:00"), T("2026-11-10 23:00"), T("2026-11-07 11:00"), NaT, None)])
    out = request_figures(rows, by="manager", now=NOW, calendar=WorkCalendar())
    assert out.loc["A"].median_response_hours == 1
    # Monday 9 a holiday: Fri 23 → 24 = 1 h, Mon 0, Tue 00 → 10 = 10 h: 11 h
    rows = frame([("A", T("2026-11-06 23:00"), T("2026-11-11 23:00"), T("2026-11-10 10:00"), NaT, None)])
    holiday = WorkCalendar(holidays=frozenset({dt.date(2026, 11, 9)}))
    assert request_figures(rows, by="manager", now=NOW, calendar=holiday).loc["A"].median_response_hours == 11


def test_no_requests_and_bad_ratings():
    empty = request_figures(frame([]), by="manager", now=NOW, calendar=WorkCalendar())
    assert empty.empty
    assert list(empty.columns) == FIGURE_COLUMNS
    bad = frame([("A", T("2026-11-02 09:00"), T("2026-11-04 09:00"), T("2026-11-02 10:00"), NaT, 6)])
    with pytest.raises(ValueError, match="1 to 5"):
        request_figures(bad, by="manager", now=NOW, calendar=WorkCalendar())


SIGNALS = pd.DataFrame(
    [
        # retailer 1 — quota on 1 Jul (before the window), again 20 Sep (81 days later: a repeat), again
        # 10 Nov (51 days after 20 Sep: a repeat, and unresolved past its due Thu 12 Nov: overdue)
        (1, "quota", T("2026-07-01 10:00"), T("2026-07-03 10:00"), T("2026-07-02 10:00"), 2),
        (1, "quota", T("2026-09-20 10:00"), T("2026-09-22 10:00"), T("2026-09-21 10:00"), 4),
        (1, "quota", T("2026-11-10 09:00"), T("2026-11-12 09:00"), NaT, None),
        (1, "price", T("2026-11-16 08:00"), T("2026-11-18 08:00"), NaT, None),  # today, due later: not overdue
        (1, "delivery", T("2026-11-17 09:00"), T("2026-11-19 09:00"), NaT, None),  # after today: ignored
        # retailer 2 — 18 Aug: the day before the window (16 Nov − 89 days = 19 Aug); resolved only this
        # morning, after today began: it was open and overdue then. 16 Nov 10:00 is exactly 90 days later:
        # 13 (Aug 18→31) + 30 + 31 + 16 = 90 → a repeat (at most 90 days)
        (2, "service", T("2026-08-18 10:00"), T("2026-08-20 10:00"), T("2026-11-16 10:00"), None),
        (2, "service", T("2026-11-16 10:00"), T("2026-11-18 10:00"), NaT, None),
        # retailer 4 — due exactly as today began (overdue: due ≤ 00:00); another resolved exactly then (not)
        (4, "quota", T("2026-11-12 10:00"), T("2026-11-16 00:00"), NaT, None),
        (4, "price", T("2026-11-12 11:00"), T("2026-11-14 00:00"), T("2026-11-16 00:00"), None),
    ],
    columns=["retailer", "category", "filed_at", "due_at", "resolved_at", "rating"],
)


def test_signals_per_retailer():
    out = request_signals(SIGNALS, today=dt.date(2026, 11, 16), retailer_ids=[3, 1, 2, 4])
    assert list(out.columns) == SIGNAL_COLUMNS
    assert list(out.index) == [3, 1, 2, 4]
    assert out.index.name == "retailer"
    assert [str(out[c].dtype) for c in SIGNAL_COLUMNS] == ["int64", "int64", "int64", "float64"]
    # retailer 3 filed nothing
    assert out.loc[3, ["open_overdue", "complaints_90d", "repeated_90d"]].tolist() == [0, 0, 0]
    assert math.isnan(out.loc[3, "mean_rating"])
    # retailer 1: overdue the 10 Nov quota; in the window 20 Sep, 10 Nov, 16 Nov = 3; repeats 20 Sep, 10 Nov = 2;
    # ratings 2 and 4 → 3.0
    assert out.loc[1].tolist() == [1, 3, 2, 3.0]
    # retailer 2: the 18 Aug one overdue; in the window only 16 Nov (1), a repeat (1); no rating
    assert out.loc[2, ["open_overdue", "complaints_90d", "repeated_90d"]].tolist() == [1, 1, 1]
    assert math.isnan(out.loc[2, "mean_rating"])
    # retailer 4: one overdue (due at 00:00), two in the window, different categories: no repeat
    assert out.loc[4, ["open_overdue", "complaints_90d", "repeated_90d"]].tolist() == [1, 2, 0]


def test_signals_for_every_retailer_that_filed_and_for_none():
    everyone = request_signals(SIGNALS, today=dt.date(2026, 11, 16), retailer_ids=None)
    assert list(everyone.index) == [1, 2, 4]
    # the day before (15 Nov; window 18 Aug … 15 Nov): retailer 1 has 20 Sep and 10 Nov in the window, both
    # repeats, and 10 Nov already overdue (due 12 Nov 09:00); retailer 2's 18 Aug request is now inside the
    # window (1), repeats nothing, and is overdue; its 16 Nov one is not filed yet
    before = request_signals(SIGNALS, today=dt.date(2026, 11, 15), retailer_ids=[1, 2])
    assert before.loc[1, ["open_overdue", "complaints_90d", "repeated_90d"]].tolist() == [1, 2, 2]
    assert before.loc[2, ["open_overdue", "complaints_90d", "repeated_90d"]].tolist() == [1, 1, 0]
    none = request_signals(SIGNALS.iloc[0:0], today=dt.date(2026, 11, 16), retailer_ids=[7])
    assert none.loc[7, ["open_overdue", "complaints_90d", "repeated_90d"]].tolist() == [0, 0, 0]
    assert request_signals(SIGNALS.iloc[0:0], today=dt.date(2026, 11, 16), retailer_ids=None).empty
