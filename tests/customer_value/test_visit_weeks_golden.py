"""Churn risk raises how often a shop is visited, never lowers it (walker: 杨记超市 at risk 39 with
orders down 92% was 关注 · every 4 weeks while healthy shops were 保持 · every 2 weeks)."""

import numpy as np
import pytest

from customer_value.engine.segments import Segment, visit_weeks

DEFAULTS = {Segment.KEEP: 2, Segment.DEVELOP: 1, Segment.GROW: 2, Segment.WATCH: 4}


def test_risk_raises_the_visit_frequency_with_the_default_policy():
    segment = np.array([Segment.WATCH, Segment.WATCH, Segment.WATCH, Segment.KEEP, Segment.DEVELOP, Segment.WATCH])
    risk = np.array([39, 40, 19, 80, 0, 20])
    # visit level 40: 39 ≥ 40/2 → at most the next most frequent (2); 40 ≥ 40 → the most frequent (1);
    # 19 < 20 → the segment's 4; keep at 80 → 1; develop at 0 stays 1; watch at exactly 20 → 2
    assert visit_weeks(segment, risk, every=DEFAULTS, risk_level=40).tolist() == [2, 1, 4, 1, 1, 2]


def test_a_risky_shop_is_visited_at_least_as_often_as_the_most_frequent_segment():
    weeks = visit_weeks(np.array([s for s in Segment]), np.array([40, 40, 40, 40]), every=DEFAULTS, risk_level=40)
    assert weeks.max() <= min(DEFAULTS.values())


def test_risk_never_makes_visits_rarer_and_missing_risk_is_refused():
    slow = {Segment.KEEP: 3, Segment.DEVELOP: 3, Segment.GROW: 3, Segment.WATCH: 3}
    # one frequency for every segment: the risk has nothing faster to raise it to
    assert visit_weeks(np.array([Segment.KEEP]), np.array([90]), every=slow, risk_level=40).tolist() == [3]
    with pytest.raises(ValueError, match="missing"):
        visit_weeks(np.array([Segment.KEEP]), np.array([np.nan]), every=DEFAULTS, risk_level=40)
