"""Golden tests for demand reports' arithmetic (demand/engine.py), worked by hand in the comments."""

import numpy as np
import pandas as pd

from demand.engine import blended_shape, suggested_cartons, suggestions


def orders(rows):
    return pd.DataFrame(rows, columns=["cycle", "product", "ordered_qty"])


def test_suggestion_is_the_mean_per_cycle_the_shop_ordered_in_rounded_half_up():
    # Cycles 1, 2 and 4 have orders (cycle 3 none at all): 3 ordering cycles.
    # product 10: 2 + 3 + 0 = 5 → 5 / 3 = 1.67 → 2
    # product 11: 4 + 4 + 4 = 12 → 12 / 3 = 4
    # product 12: ordered once, 1 carton → 1 / 3 = 0.33 → 0 (offered as 0: it orders less than half a carton a cycle)
    # product 13: one line of 0 cartons (a quota it did not take) → nothing ordered → absent
    frame = orders([
        (1, 10, 2), (2, 10, 3), (4, 10, 0),
        (1, 11, 4), (2, 11, 4), (4, 11, 4),
        (4, 12, 1),
        (2, 13, 0),
    ])  # fmt: skip
    assert suggested_cartons(frame) == {10: 2, 11: 4, 12: 0}


def test_suggestion_half_up_and_the_biweekly_shop_is_not_halved():
    # A biweekly shop orders in cycles 1 and 3 only: 2 ordering cycles, not 4.
    # product 10: 3 + 2 = 5 → 5 / 2 = 2.5 → 3 (half up, not to even: 2)
    # product 11: 7 + 0 → 7 / 2 = 3.5 → 4
    frame = orders([(1, 10, 3), (3, 10, 2), (1, 11, 7)])
    assert suggested_cartons(frame) == {10: 3, 11: 4}


def test_no_orders_no_suggestion():
    assert suggested_cartons(orders([])) == {}
    assert suggested_cartons(orders([(1, 10, 0)])) == {}  # only zero lines: no ordering cycle


def thirty(values: dict[int, float]) -> np.ndarray:
    out = np.zeros(30)
    for tier, v in values.items():
        out[tier - 1] = v
    return out


def test_shape_blends_reports_with_orders_per_cycle():
    # Orders over 4 cycles, per ordering retailer: D1 8, D2 12, D3 20 → per cycle 2, 3, 5.
    # Reports: D2 3 retailers, 15 cartons → 5 each; D3 1 retailer, 3 cartons → 3; D4 2 retailers, 8 → 4.
    # weight 0.5:
    #   D1 orders only → 2
    #   D2 both → 0.5 × 3 + 0.5 × 5 = 4
    #   D3 both → 0.5 × 5 + 0.5 × 3 = 4
    #   D4 reports only → 4
    #   D5… neither → 0
    ordered = thirty({1: 8, 2: 12, 3: 20})
    sums = thirty({2: 15, 3: 3, 4: 8})
    reporters = thirty({2: 3, 3: 1, 4: 2}).astype(int)
    shape = blended_shape(ordered, sums, reporters, weight=0.5, weeks=4)
    assert shape[:5].tolist() == [2.0, 4.0, 4.0, 4.0, 0.0]
    assert shape[5:].sum() == 0


def test_shape_weight_one_takes_reports_where_there_are_any():
    # weight 1: D2 = 5 (reports), D3 = 3 (reports), D1 = 2 (orders, nothing reported)
    ordered = thirty({1: 8, 2: 12, 3: 20})
    shape = blended_shape(ordered, thirty({2: 15, 3: 3}), thirty({2: 3, 3: 1}).astype(int), weight=1.0, weeks=4)
    assert shape[:3].tolist() == [2.0, 5.0, 3.0]


def test_shape_without_weight_or_reports_is_the_orders_own():
    ordered = thirty({1: 8, 2: 12})
    assert blended_shape(ordered, thirty({2: 15}), thirty({2: 3}).astype(int), weight=0.0, weeks=4) is ordered
    assert blended_shape(ordered, np.zeros(30), np.zeros(30, dtype=int), weight=0.5, weeks=4) is ordered
    assert blended_shape(None, np.zeros(30), np.zeros(30, dtype=int), weight=0.5, weeks=4) is None


def test_shape_from_reports_alone():
    # No recent orders: D7 2 retailers, 9 cartons → 4.5; a report of 0 counts as a retailer wanting none.
    # D8: 2 retailers, 0 + 6 = 6 → 3.
    shape = blended_shape(None, thirty({7: 9, 8: 6}), thirty({7: 2, 8: 2}).astype(int), weight=0.3, weeks=4)
    assert shape[6:8].tolist() == [4.5, 3.0]
    assert shape.sum() == 7.5


def test_suggestions_for_many_retailers_at_once():
    # Retailer 1 ordered in cycles 1 and 2: product 10 3 + 4 = 7 → 7 / 2 = 3.5 → 4; product 11 1 → 0.5 → 1.
    # Retailer 2 ordered in cycle 1 only (its cycle-2 line is 0): product 10 5 → 5; product 12 0 → absent.
    frame = pd.DataFrame(
        [(1, 1, 10, 3), (1, 2, 10, 4), (1, 2, 11, 1), (2, 1, 10, 5), (2, 2, 12, 0)],
        columns=["retailer", "cycle", "product", "ordered_qty"],
    )
    found = suggestions(frame).sort_values(["retailer", "product"])
    assert found.values.tolist() == [[1, 10, 4], [1, 11, 1], [2, 10, 5]]
    assert suggestions(frame.iloc[:0]).empty
