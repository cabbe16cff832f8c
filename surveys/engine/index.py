"""Satisfaction indices and the importance–performance view (docs/domain.md §9). Pure numpy/pandas.

Answers come as a matrix, one row per respondent and one column per item, the score as given on the
questionnaire's scale (NaN: not answered, or "don't know" where the item allows it).

- An item score on the 0–100 scale: (s − low) / (high − low) × 100 (1–5: (s − 1) / 4 × 100; 0–10: s × 10).
- A respondent's **dimension score**: the mean of its answered items of the dimension, 0–100 (NaN if
  it answered none of them).
- A group's **dimension index**: the mean of its respondents' dimension scores (each respondent
  counts once per dimension, however many of its items it answered).
- A group's **overall index**: the weighted mean of its dimension indices (the questionnaire's
  dimension weights, equal by default), over the dimensions with an index. An "overall
  satisfaction" item, when the questionnaire has one, is not part of it: it is reported on its own
  and is what importance is measured against.
- A dimension's **importance**: the correlation (Pearson) across respondents between its dimension
  score and overall satisfaction: the overall item's score, or, without one, the weighted mean of
  the respondent's other dimension scores (so a dimension is never correlated with itself). Only
  respondents with both scores count; fewer than `MIN_PAIRS` pairs or no spread gives NaN.
- **Quadrants**: a dimension at or above the mean importance and below the mean performance (both
  over the dimensions with an importance) is where to improve first; see `QUADRANTS`.
- **Hiding small groups** (`hide_small`): a figure over fewer than `minimum` answers is hidden, and so
  is any figure it could be worked back from (see there).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

OVERALL_ITEM = ""  # the dimension code of an "overall satisfaction" item
MIN_PAIRS = 3  # a correlation needs at least this many respondents
QUADRANTS = ("keep", "improve", "secondary", "maintain")  # high/high, important/low, low/low, low importance/high


@dataclass(frozen=True)
class Scale:
    low: int
    high: int

    def rescale(self, scores: np.ndarray) -> np.ndarray:
        return (np.asarray(scores, dtype=float) - self.low) / (self.high - self.low) * 100.0


FIVE = Scale(1, 5)
TEN = Scale(0, 10)


def _row_mean(block: np.ndarray) -> np.ndarray:
    answered = ~np.isnan(block)
    count = answered.sum(axis=1)
    total = np.where(answered, block, 0.0).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(count > 0, total / np.maximum(count, 1), np.nan)


def dimension_scores(
    scores: np.ndarray, item_dimensions: Sequence[str], dimensions: Sequence[str], scale: Scale
) -> pd.DataFrame:
    """Respondents × dimensions: each respondent's mean of its answered items of the dimension, 0–100."""
    matrix = scale.rescale(np.asarray(scores, dtype=float).reshape(len(scores), len(item_dimensions)))
    columns = np.asarray(item_dimensions, dtype=object)
    out = {}
    for code in dimensions:
        block = matrix[:, columns == code]
        out[code] = _row_mean(block) if block.shape[1] else np.full(len(matrix), np.nan)
    return pd.DataFrame(out, columns=list(dimensions))


def overall_item_scores(scores: np.ndarray, item_dimensions: Sequence[str], scale: Scale) -> pd.Series | None:
    """Each respondent's overall-satisfaction item score, 0–100 (the mean if there are several);
    None when the questionnaire has no such item."""
    columns = np.asarray(item_dimensions, dtype=object) == OVERALL_ITEM
    if not columns.any():
        return None
    matrix = scale.rescale(np.asarray(scores, dtype=float).reshape(len(scores), len(item_dimensions)))
    return pd.Series(_row_mean(matrix[:, columns]))


def weighted_mean(values: pd.DataFrame, weights: pd.Series) -> pd.Series:
    """Per row, the weighted mean over its non-NaN columns (NaN if none)."""
    w = weights.reindex(values.columns).fillna(0).to_numpy(dtype=float)
    matrix = values.to_numpy(dtype=float)
    present = ~np.isnan(matrix)
    weight = (present * w).sum(axis=1)
    total = (np.where(present, matrix, 0.0) * w).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return pd.Series(np.where(weight > 0, total / np.where(weight > 0, weight, 1), np.nan), index=values.index)


def group_index(
    dims: pd.DataFrame, groups: pd.Series | Sequence | None, weights: pd.Series
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per group: the index table (`overall`, then one column per dimension, 0–100) and the count
    table (`answers`: respondents, then per dimension the respondents with a score). `groups` None:
    one group, labelled "all"."""
    keys = pd.Series("all", index=dims.index) if groups is None else pd.Series(np.asarray(groups), index=dims.index)
    grouped = dims.groupby(keys, sort=True)
    means = grouped.mean()
    counts = grouped.count()
    index = pd.concat([weighted_mean(means, weights).rename("overall"), means], axis=1)
    count_table = pd.concat([grouped.size().rename("answers"), counts], axis=1)
    return index, count_table


def _pearson(x: np.ndarray, y: np.ndarray) -> tuple[float, int]:
    both = ~(np.isnan(x) | np.isnan(y))
    n = int(both.sum())
    if n < MIN_PAIRS:
        return np.nan, n
    dx = x[both] - x[both].mean()
    dy = y[both] - y[both].mean()
    denominator = np.sqrt((dx * dx).sum() * (dy * dy).sum())
    if denominator <= 1e-12:
        return np.nan, n
    return float((dx * dy).sum() / denominator), n


def importance(dims: pd.DataFrame, overall: pd.Series | None, weights: pd.Series) -> pd.DataFrame:
    """Per dimension: `performance` (its index over all respondents, 0–100), `importance` (the
    correlation of its score with overall satisfaction), `pairs` (respondents with both) and
    `quadrant` (see `quadrants`)."""
    rows = {}
    use_item = overall is not None and overall.notna().any()
    for code in dims.columns:
        if use_item:
            target = np.asarray(overall, dtype=float)
        else:
            target = weighted_mean(dims.drop(columns=[code]), weights).to_numpy(dtype=float)
        r, pairs = _pearson(dims[code].to_numpy(dtype=float), target)
        rows[code] = {"performance": float(dims[code].mean()) if dims[code].notna().any() else np.nan,
                      "importance": r, "pairs": pairs}  # fmt: skip
    table = pd.DataFrame.from_dict(rows, orient="index", columns=["performance", "importance", "pairs"])
    table["pairs"] = table["pairs"].astype(int)
    table["quadrant"] = quadrants(table)
    return table


def quadrants(table: pd.DataFrame) -> pd.Series:
    """"keep" (important, well done), "improve" (important, done below the rest: first to fix),
    "secondary" (less important, done below the rest), "maintain" (less important, done well).
    The lines are the mean performance and the mean importance of the dimensions that have both;
    a value on a line counts as high. "" where importance or performance is NaN."""
    known = table["importance"].notna() & table["performance"].notna()
    out = pd.Series("", index=table.index, dtype=object)
    if not known.any():
        return out
    x_line = table.loc[known, "performance"].mean()
    y_line = table.loc[known, "importance"].mean()
    high_x = table["performance"] >= x_line - 1e-9
    high_y = table["importance"] >= y_line - 1e-12
    out[known & high_y & high_x] = "keep"
    out[known & high_y & ~high_x] = "improve"
    out[known & ~high_y & ~high_x] = "secondary"
    out[known & ~high_y & high_x] = "maintain"
    return out


def hidden_groups(counts: pd.Series, minimum: int) -> pd.Series:
    """Which groups of one breakdown to hide: those with 1 to `minimum` − 1 answers, and then, while
    the hidden groups hold fewer than `minimum` answers together, the smallest shown group too (the
    first in order among equals): otherwise the total less the shown groups gives the hidden ones.
    A group with no answers has no figure and hides nothing."""
    counts = counts.fillna(0).astype(int)
    hidden = (counts > 0) & (counts < minimum)
    total = int(counts[hidden].sum())
    while 0 < total < minimum:
        candidates = counts[~hidden & (counts > 0)]
        if candidates.empty:
            break
        smallest = candidates.idxmin()
        hidden[smallest] = True
        total += int(counts[smallest])
    return hidden


def hide_small(index: pd.DataFrame, counts: pd.DataFrame, minimum: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """`index` with each figure a manager may not see set to NaN, and the mask of those figures.

    A dimension's figure is hidden where fewer than `minimum` respondents scored it, and across the
    groups of the breakdown as `hidden_groups` says (the total of the breakdown is shown elsewhere).
    A group's overall index is hidden where the group has fewer than `minimum` answers (likewise
    across groups) or any of its dimensions is hidden: the overall is a weighted mean of the
    dimensions, so the hidden one could be worked back from it."""
    mask = pd.DataFrame(False, index=index.index, columns=index.columns)
    dims = [c for c in index.columns if c != "overall"]
    for code in dims:
        mask[code] = hidden_groups(counts[code], minimum)
    mask["overall"] = hidden_groups(counts["answers"], minimum) | mask[dims].any(axis=1)
    return index.mask(mask), mask
