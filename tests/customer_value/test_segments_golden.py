"""Value segments on frames small enough to check on paper (docs/domain.md §9 "As built")."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from customer_value.engine.segments import PeerBasis, Segment, SegmentRules, State, value_segments

WEEKS = [dt.date(2026, 3, 2) + dt.timedelta(weeks=k) for k in range(4)]  # w0, w1 (before) · w2, w3 (window)
RULES = SegmentRules(window_weeks=2, value_cut=0.5, gap_cut=0.25, trend_cut=0.10, min_peers=2)


def weekly(rows: list[tuple[str, int, int, int, int]], ids: dict[str, int]) -> pd.DataFrame:
    """(shop, week, cartons, gross profit fen, cost fen)"""
    return pd.DataFrame(
        [(ids[s], pd.Timestamp(WEEKS[w]), c, p, k) for s, w, c, p, k in rows],
        columns=["retailer", "starts_on", "cartons", "gross_profit", "cost"],
    )


@pytest.fixture
def city():
    ids = {name: i + 1 for i, name in enumerate("ABCDEFG")}
    retailers = pd.DataFrame(
        {
            "retailer": list(ids.values()),
            "tier": [5, 5, 5, 5, np.nan, 5, 5],  # E has no tier
            "business_format": ["Z", "Z", "Z", "B", "Z", "Z", "Z"],  # D alone in its format
        }
    )
    rows = (
        [("A", 0, 10, 1000, 10000), ("A", 1, 10, 1000, 10000), ("A", 2, 10, 1500, 10000), ("A", 3, 10, 1500, 10000)]
        + [("B", w, 20, 2000, 30000) for w in range(4)]
        + [("C", w, 5, 500, 5000) for w in range(4)]
        + [("D", w, 30, 3000, 30000) for w in range(4)]
        + [("E", w, 1, 100, 1000) for w in range(4)]
        + [("F", 0, 8, 800, 8000)]  # idle: bought before the window only
        + [("G", 3, 7, 700, 7000)]  # new: first purchase in the window's last week
    )
    out = value_segments(weekly(rows, ids), retailers, WEEKS, RULES).set_index("retailer")
    return {name: out.loc[i] for name, i in ids.items()}


def test_current_value(city):
    # A: window w2 + w3 = 1500 + 1500 = 3000 fen, 20 cartons, cost 20000 ÷ 20 = 1000 fen a carton
    assert (city["A"]["gross_profit"], city["A"]["cartons"], city["A"]["value_per_carton"]) == (3000, 20, 1000)
    # B: 2 × 2000 = 4000 fen; 60000 ÷ 40 = 1500 fen a carton
    assert (city["B"]["value"], city["B"]["value_per_carton"]) == (4000, 1500)
    # G bought in w3 only: 1 week of history, valued 700 × 2 weeks ÷ 1 week = 1400 fen; its profit stays 700
    assert city["G"]["state"] == State.NEW
    assert (city["G"]["history_weeks"], city["G"]["gross_profit"], city["G"]["value"]) == (1, 700, 1400)
    # F bought nothing in the window: idle, value 0, no value per carton
    assert city["F"]["state"] == State.IDLE
    assert (city["F"]["value"], city["F"]["cartons"], city["F"]["history_weeks"]) == (0, 0, 0)
    assert np.isnan(city["F"]["value_per_carton"])


def test_value_percentile_counts_the_retailers_strictly_below(city):
    # values: F 0 < E 200 < C 1000 < G 1400 < A 3000 < B 4000 < D 6000; n = 7
    expected = {"F": 0, "E": 1, "C": 2, "G": 3, "A": 4, "B": 5, "D": 6}
    for name, below in expected.items():
        assert city[name]["value_percentile"] == pytest.approx(below / 7 * 100)
    # high value: percentile ≥ 50 → A (57.1), B (71.4), D (85.7); G (42.9) is not
    assert [n for n in "ABCDEFG" if city[n]["high_value"]] == ["A", "B", "D"]


def test_peer_gap_against_tier_and_format_or_the_tier(city):
    # tier 5 format Z: A 3000, B 4000, C 1000, F 0, G 1400 → sorted 0, 1000, 1400, 3000, 4000: median 1400
    c = city["C"]
    assert (c["peer_basis"], c["peer_count"], c["peer_median"]) == (PeerBasis.TIER_FORMAT, 5, 1400)
    # C: 1400 − 1000 = 400 fen; 400 ÷ 1400 = 0.2857 ≥ 0.25
    assert (c["peer_gap"], c["gap_share"]) == (400, pytest.approx(400 / 1400))
    assert (city["A"]["peer_gap"], city["A"]["gap_share"]) == (0, 0)  # above its peers: no gap
    # D is alone in format B (1 < 2 peers): the whole tier 5, 0, 1000, 1400, 3000, 4000, 6000 → (1400 + 3000) ÷ 2
    d = city["D"]
    assert (d["peer_basis"], d["peer_count"], d["peer_median"], d["peer_gap"]) == (PeerBasis.TIER, 6, 2200, 0)
    # E has no tier: no peers, no gap
    e = city["E"]
    assert e["peer_basis"] == PeerBasis.NONE
    assert np.isnan(e["peer_median"])
    assert np.isnan(e["gap_share"])


def test_trend_and_segments(city):
    # A: window 3000 ÷ base (w0 + w1) 2000 − 1 = +50% ≥ 10% → high potential
    assert city["A"]["trend"] == pytest.approx(0.5)
    assert city["B"]["trend"] == 0
    assert np.isnan(city["G"]["trend"])
    assert np.isnan(city["F"]["trend"])
    expected = {
        "A": Segment.DEVELOP,  # high value, rising
        "B": Segment.KEEP,  # high value, above its peers, flat
        "C": Segment.GROW,  # low value, 28.6% below its peers
        "D": Segment.KEEP,  # high value, above its tier
        "E": Segment.WATCH,  # low value, no peers, flat
        "F": Segment.WATCH,  # idle (its gap share is 1400 ÷ 1400 = 1, but it bought nothing)
        "G": Segment.WATCH,  # low value (42.9), at its peers' median, new: no trend
    }
    assert {n: Segment(int(city[n]["segment"])) for n in expected} == expected
    assert city["F"]["gap_share"] == 1


def test_ties_share_one_percentile():
    retailers = pd.DataFrame({"retailer": [1, 2, 3, 4], "tier": [1, 1, 1, 1], "business_format": ["Z"] * 4})
    rows = [(1, 0, 1, 0, 100), (2, 0, 1, 500, 100), (3, 0, 1, 500, 100), (4, 0, 1, 900, 100)]
    frame = pd.DataFrame(
        [(r, pd.Timestamp(WEEKS[2]), c, p, k) for r, _w, c, p, k in rows],
        columns=["retailer", "starts_on", "cartons", "gross_profit", "cost"],
    )
    # only the window's two weeks read, bought in the first: nobody is new, nobody has a trend
    out = value_segments(frame, retailers, WEEKS[2:], RULES).set_index("retailer")
    assert (out["state"] == State.REGULAR).all()
    assert out["trend"].isna().all()
    # values 0, 500, 500, 900: strictly below 0, 1, 1, 3 of 4 → 0, 25, 25, 75
    assert list(out["value_percentile"]) == [0, 25, 25, 75]
    # median of 0, 500, 500, 900 = 500; shop 1: 500 ÷ 500 = 1 ≥ 0.25 → grow; 2 and 3 at the median → watch
    assert list(out["segment"]) == [Segment.GROW, Segment.WATCH, Segment.WATCH, Segment.KEEP]


def test_short_history_and_no_rows():
    # One week read (less than the 2-week window): everyone has the whole of it; no trend, nobody new.
    retailers = pd.DataFrame({"retailer": [1, 2], "tier": [3, 3], "business_format": ["Z", "Z"]})
    frame = pd.DataFrame(
        {"retailer": [1], "starts_on": [pd.Timestamp(WEEKS[0])], "cartons": [4], "gross_profit": [400], "cost": [4000]}
    )
    out = value_segments(frame, retailers, WEEKS[:1], RULES).set_index("retailer")
    assert out.loc[1, "state"] == State.REGULAR
    assert out.loc[1, "history_weeks"] == 1
    assert out.loc[2, "state"] == State.IDLE
    assert out["trend"].isna().all()
    # no retailers: an empty frame with the columns
    empty = value_segments(frame, retailers.iloc[:0], WEEKS, RULES)
    assert empty.empty
    assert "segment" in empty.columns


def test_missing_values_are_refused_with_the_retailer():
    retailers = pd.DataFrame({"retailer": [7], "tier": [3], "business_format": ["Z"]})
    frame = pd.DataFrame(
        {"retailer": [7], "starts_on": [pd.Timestamp(WEEKS[3])], "cartons": [4], "gross_profit": [np.nan], "cost": [1]}
    )
    with pytest.raises(ValueError, match=r"retailers \[7\]"):
        value_segments(frame, retailers, WEEKS, RULES)


def test_rules_are_checked():
    with pytest.raises(ValueError, match="value_cut"):
        SegmentRules(value_cut=1.5)
    with pytest.raises(ValueError, match="at least 1"):
        SegmentRules(window_weeks=0)
