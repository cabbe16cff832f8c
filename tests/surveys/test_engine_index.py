"""Golden tests of the survey index and importance–performance (surveys/engine/index.py), each
figure worked out by hand in the comments (docs/domain.md §9)."""

import math

import numpy as np
import pandas as pd
import pytest

from surveys.engine.index import (
    FIVE,
    OVERALL_ITEM,
    TEN,
    dimension_scores,
    group_index,
    hidden_groups,
    hide_small,
    importance,
    overall_item_scores,
    quadrants,
)

NAN = np.nan
# Items A1, A2 (dimension A), B1 (dimension B), O (the overall question), scale 1–5.
ITEMS = ["A", "A", "B", OVERALL_ITEM]
ANSWERS = np.array(
    [
        [5, 3, 5, 5],  # r1
        [4, NAN, 2, 3],  # r2: "don't know" on A2
        [1, 1, NAN, 1],  # r3: skipped B1
    ]
)
EQUAL = pd.Series({"A": 1.0, "B": 1.0})


def test_rescaling_of_both_scales():
    # 1–5: (s − 1) / 4 × 100 → 1: 0, 2: 25, 3: 50, 4: 75, 5: 100; 0–10: s × 10
    assert FIVE.rescale(np.array([1, 2, 3, 4, 5])).tolist() == [0, 25, 50, 75, 100]
    assert TEN.rescale(np.array([0, 7, 8, 10])).tolist() == [0, 70, 80, 100]


def test_dimension_scores_are_each_respondents_mean_of_its_answered_items():
    dims = dimension_scores(ANSWERS, ITEMS, ["A", "B"], FIVE)
    # r1: A = (100 + 50) / 2 = 75, B = 100; r2: A = 75 (A2 not counted), B = 25; r3: A = (0 + 0) / 2 = 0, B none
    assert dims["A"].tolist() == [75, 75, 0]
    assert dims["B"].tolist()[:2] == [100, 25]
    assert math.isnan(dims["B"].iloc[2])
    # the overall question on its own: 100, 50, 0
    assert overall_item_scores(ANSWERS, ITEMS, FIVE).tolist() == [100, 50, 0]
    assert overall_item_scores(ANSWERS[:, :3], ITEMS[:3], FIVE) is None


def test_group_index_means_respondents_and_weights_dimensions():
    dims = dimension_scores(ANSWERS, ITEMS, ["A", "B"], FIVE)
    index, counts = group_index(dims, None, EQUAL)
    # A = (75 + 75 + 0) / 3 = 50; B = (100 + 25) / 2 = 62.5 (r3 has no B); overall = (50 + 62.5) / 2 = 56.25
    assert index.loc["all", "A"] == 50
    assert index.loc["all", "B"] == 62.5
    assert index.loc["all", "overall"] == 56.25
    assert counts.loc["all"].tolist() == [3, 3, 2]  # answers, A, B
    weighted, _counts = group_index(dims, None, pd.Series({"A": 3.0, "B": 1.0}))
    # (3 × 50 + 1 × 62.5) / 4 = 212.5 / 4 = 53.125
    assert weighted.loc["all", "overall"] == 53.125


def test_group_index_by_group_and_a_group_with_a_dimension_missing():
    dims = dimension_scores(ANSWERS, ITEMS, ["A", "B"], FIVE)
    index, counts = group_index(dims, ["g1", "g1", "g2"], EQUAL)
    # g1 (r1, r2): A = 75, B = (100 + 25) / 2 = 62.5, overall = (75 + 62.5) / 2 = 68.75
    assert index.loc["g1"].tolist() == [68.75, 75, 62.5]
    # g2 (r3): A = 0, B none: the overall is A's alone (weights over the dimensions with an index) = 0
    assert index.loc["g2", "overall"] == 0
    assert math.isnan(index.loc["g2", "B"])
    assert counts.loc["g2"].tolist() == [1, 1, 0]


def test_zero_to_ten_scale_index():
    # one dimension, two items; r1: 7, 8 → 70, 80 → 75; r2: 10, 10 → 100; index = (75 + 100) / 2 = 87.5
    dims = dimension_scores(np.array([[7, 8], [10, 10]]), ["S", "S"], ["S"], TEN)
    index, _counts = group_index(dims, None, pd.Series({"S": 1.0}))
    assert index.loc["all", "S"] == 87.5
    assert index.loc["all", "overall"] == 87.5


def test_importance_against_the_overall_question():
    dims = dimension_scores(ANSWERS, ITEMS, ["A", "B"], FIVE)
    table = importance(dims, overall_item_scores(ANSWERS, ITEMS, FIVE), EQUAL)
    # A: x = 75, 75, 0 (mean 50), y = 100, 50, 0 (mean 50); dx = 25, 25, −50; dy = 50, 0, −50
    # Σdx·dy = 1250 + 0 + 2500 = 3750; Σdx² = 625 + 625 + 2500 = 3750; Σdy² = 2500 + 0 + 2500 = 5000
    # r = 3750 / √(3750 × 5000) = √0.75 = 0.866025…
    assert table.loc["A", "importance"] == pytest.approx(0.8660254, abs=1e-7)
    assert table.loc["A", "pairs"] == 3
    assert table.loc["A", "performance"] == 50
    # B: only r1 and r2 have both (2 pairs < 3): no importance
    assert math.isnan(table.loc["B", "importance"])
    assert table.loc["B", "pairs"] == 2
    # A alone has both figures, so it sits on both lines: "keep"; B has no quadrant
    assert table["quadrant"].tolist() == ["keep", ""]


def test_importance_without_an_overall_question_uses_the_other_dimensions():
    answers = np.array([[5, 5, 1], [4, 3, 2], [2, 1, 3], [1, 3, NAN]])
    dims = dimension_scores(answers, ["X", "Y", "Z"], ["X", "Y", "Z"], FIVE)
    table = importance(dims, None, pd.Series({"X": 1.0, "Y": 1.0, "Z": 1.0}))
    # X = 100, 75, 25, 0; the rest = mean(Y, Z): (100 + 0) / 2 = 50, (50 + 25) / 2 = 37.5, (0 + 50) / 2 = 25, 50 (Y only)
    # x̄ = 50, ȳ = 162.5 / 4 = 40.625; dx = 50, 25, −25, −50; dy = 9.375, −3.125, −15.625, 9.375
    # Σdx·dy = 468.75 − 78.125 + 390.625 − 468.75 = 312.5; Σdx² = 6250; Σdy² = 87.890625 + 9.765625 + 244.140625 + 87.890625 = 429.6875
    # r = 312.5 / √(6250 × 429.6875) = 312.5 / 1638.764… = 0.190693…
    assert table.loc["X", "importance"] == pytest.approx(0.190693, abs=1e-6)


def test_no_spread_gives_no_importance():
    answers = np.array([[4, 5], [4, 3], [4, 1]])  # everyone gave A a 4
    dims = dimension_scores(answers[:, :1], ["A"], ["A"], FIVE)
    table = importance(dims, pd.Series(FIVE.rescale(answers[:, 1])), pd.Series({"A": 1.0}))
    assert math.isnan(table.loc["A", "importance"])
    assert table.loc["A", "performance"] == 75


def test_quadrants_against_the_mean_lines():
    table = pd.DataFrame(
        {"performance": [80, 60, 70, 90, 50], "importance": [0.6, 0.2, 0.5, 0.1, NAN]}, index=list("PQRSU")
    )
    # lines over P, Q, R, S (U has no importance): performance (80 + 60 + 70 + 90) / 4 = 75,
    # importance (0.6 + 0.2 + 0.5 + 0.1) / 4 = 0.35
    # P 80 ≥ 75, 0.6 ≥ 0.35: keep; Q 60, 0.2: secondary; R 70 < 75, 0.5 ≥ 0.35: improve; S 90, 0.1: maintain
    assert quadrants(table).tolist() == ["keep", "secondary", "improve", "maintain", ""]


@pytest.mark.parametrize(
    ("counts", "hidden"),
    [
        ([12, 3], [True, True]),  # 3 hidden alone: 15 − 12 gives it away, so 12 goes too
        ([3, 4, 20], [True, True, False]),  # 3 + 4 = 7 hidden together: enough
        ([2, 6, 7], [True, True, False]),  # 2 alone is not enough: the smallest shown (6) goes too, 8 ≥ 5
        ([2, 6, 6], [True, True, False]),  # equal sizes: the first goes
        ([5, 9], [False, False]),  # 5 is enough
        ([0, 8, 9], [False, False, False]),  # no answers: no figure, nothing to protect
        ([4], [True]),
    ],
)
def test_hidden_groups(counts, hidden):
    assert hidden_groups(pd.Series(counts, index=[f"g{i}" for i in range(len(counts))]), 5).tolist() == hidden


def test_hide_small_hides_a_thin_dimension_and_the_overall_it_could_be_worked_back_from():
    index = pd.DataFrame({"overall": [70.0, 60.0], "A": [80.0, 50.0], "B": [60.0, 70.0]}, index=["g1", "g2"])
    # g1: 7 answers, but only 3 scored B ("don't know" from the others); g2: 9 answers, 8 scored B
    counts = pd.DataFrame({"answers": [7, 9], "A": [7, 9], "B": [3, 8]}, index=["g1", "g2"])
    shown, mask = hide_small(index, counts, 5)
    # B: g1 (3) hidden; 3 < 5 alone, so g2's B (8) goes too. Overall: both hidden (a B is hidden in each)
    assert mask["B"].tolist() == [True, True]
    assert mask["overall"].tolist() == [True, True]
    assert shown["A"].tolist() == [80.0, 50.0]
    assert shown[["overall", "B"]].isna().all().all()
