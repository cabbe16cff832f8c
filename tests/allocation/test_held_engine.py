"""The engine holds a cycle's approved exceptions (`LineInput.held`): a held retailer is taken out of the
line's computation, its cartons come off the target first, and the others share what is left, exactly
(DOMAIN §4: approved exceptions are one of the individual rules; the line still releases the best its
target allows). Golden figures, each computed by hand."""

import numpy as np
import pandas as pd

from allocation.engine.cells import PlanLine
from allocation.engine.compute import LineInput, compute_lines
from allocation.engine.rules import Rules
from allocation.policy import Policy

POLICY = Policy(rules=Rules(vulnerable_bonus=0))


def shops(tiers: list[int], **columns) -> pd.DataFrame:
    """Active weekly shops, ids 1…n, credit AA, one county, urban unless told."""
    n = len(tiers)
    frame = {
        "tier": tiers, "status": ["active"] * n, "order_cycle_kind": ["weekly"] * n, "order_week_parity": [""] * n,
        "is_pos_supplier": [False] * n, "is_quality_customer": [False] * n, "branch_id": [1] * n,
        "market_type": ["urban"] * n, "credit_rating": ["AA"] * n, "is_vulnerable": [False] * n, **columns,
    }  # fmt: skip
    return pd.DataFrame(frame, index=np.arange(1, n + 1))


def compute(frame, *items):
    return compute_lines(frame, list(items), week_parity="odd", policy=POLICY, seed=7)


def held(**cartons) -> pd.Series:
    """held(r7=5) → retailer 7 holds 5 cartons."""
    return pd.Series(list(cartons.values()), index=[int(k[1:]) for k in cartons])


def quotas(result) -> dict[int, int]:
    return {int(k): int(v) for k, v in result.quotas["quota"].items()}


def test_a_held_retailer_leaves_the_search_and_its_cartons_come_off_the_target():
    # shops 1–3 in D10, 4–5 in D20, 6 in D30, and 7 in D20 whose exception holds 5 cartons; T = 20
    frame = shops([10, 10, 10, 20, 20, 30, 20])
    (result,), _ = compute(frame, LineInput(1, 1, "A", PlanLine(target=20), held=held(r7=5)))
    (cell,) = result.cells
    # the others search 20 − 5 = 15: S = 6·x10 + 3·(x20 − x10) + 1·(x30 − x20) (6 shops ≥ D10, 3 ≥ D20, 1 in
    # D30); caps D10 2, D20 3, D30 3: 3·2 + 2·3 + 1·3 = 15, the exact best for 15
    assert (int(cell.caps[9]), int(cell.caps[19]), int(cell.caps[29])) == (2, 3, 3)
    assert quotas(result) == {1: 2, 2: 2, 3: 2, 4: 3, 5: 3, 6: 3}  # 7 has no entry: its quota is the exception's
    assert (cell.target, cell.released, cell.figures["held"]) == (20, 15, 5)  # the plan's target is kept
    assert cell.released + 5 == 20  # with the held 5: the whole target, never above
    assert cell.warnings == []
    assert int(cell.weights.sum()) == 7  # held shops still count among the eligible
    # without the exception the same shops share all 20 (caps 2, 3, 5: 6 + 9 + 5)
    (plain,), _ = compute(frame, LineInput(1, 1, "A", PlanLine(target=20)))
    assert (plain.cells[0].released, quotas(plain)[7]) == (20, 3)


def test_held_cartons_of_a_shop_the_line_does_not_reach_come_off_the_largest_cell():
    """… the cell with the most left of its target, then the next."""
    # method B by market type, tiers D10–D30: urban 1–3 (D10), rural 4–5 (D10); shop 6 is D5, below the
    # range, and holds 3 cartons. T = 20 splits by weight 3 : 2 → urban 12, rural 8
    frame = shops([10, 10, 10, 10, 10, 5], market_type=["urban", "urban", "urban", "rural", "rural", "urban"])
    line = PlanLine(target=20, lowest_tier=10, dimensions=("market_type",))
    (result,), _ = compute(frame, LineInput(1, 1, "B", line, held=held(r6=3)))
    cells = {c.cell: c for c in result.cells}
    urban, rural = cells[("urban",)], cells[("rural",)]
    # no cell reaches shop 6: its 3 come off the largest cell, urban: 12 − 3 = 9 = 3 shops × 3
    assert (urban.target, urban.figures["held"], urban.released) == (12, 3, 9)
    assert (rural.target, rural.figures["held"], rural.released) == (8, 0, 8)  # 2 shops × 4
    assert quotas(result) == {1: 3, 2: 3, 3: 3, 4: 4, 5: 4}
    assert urban.released + rural.released + 3 == 20
    assert urban.warnings == []
    assert rural.warnings == []


def test_a_cell_the_exceptions_take_whole_gives_its_others_nothing_and_warns_nothing():
    # method B: urban 1–2, rural 3–4, all D10; T = 20 → 10 each; shop 1 (urban) holds 10 ≥ its cell's 10
    frame = shops([10, 10, 10, 10], market_type=["urban", "urban", "rural", "rural"])
    line = PlanLine(target=20, dimensions=("market_type",))
    (result,), _ = compute(frame, LineInput(1, 1, "B", line, held=held(r1=10)))
    cells = {c.cell: c for c in result.cells}
    urban, rural = cells[("urban",)], cells[("rural",)]
    # urban searches max(10 − 10, 0) = 0: shop 2 gets nothing, and nothing is missing
    assert (urban.target, urban.figures["held"], urban.released) == (10, 10, 0)
    assert urban.warnings == []  # neither "nothing released" nor "unreleased"
    assert (rural.released, quotas(result)) == (10, {3: 5, 4: 5})  # 2 shops × 5
    # held above the cell's target (12 > 10): still 0 for shop 2 and no warning; the 2 beyond urban's 10
    # come off the cell with the most left, rural: 10 − 2 = 8 = 2 shops × 4, and 12 + 8 = 20 = T
    (more,), _ = compute(frame, LineInput(1, 1, "B", line, held=held(r1=12)))
    cells = {c.cell: c for c in more.cells}
    urban, rural = cells[("urban",)], cells[("rural",)]
    assert (urban.released, urban.figures["held"], urban.warnings) == (0, 10, [])
    assert (rural.target, rural.figures["held"], rural.released, rural.warnings) == (10, 2, 8, [])
    assert quotas(more) == {3: 4, 4: 4}


def test_methods_d_and_e_leave_held_retailers_out_and_share_what_is_left():
    frame = shops([10, 10, 10, 10, 10])
    # E: shops 1–4 selected, shop 1 holds 3, T = 11 → 8 for 2, 3, 4: 8 / 3 = 2.67 each, floors 2 + 2 + 2 = 6,
    # the 2 left one each by the shuffle among equals
    (chosen,), _ = compute(
        frame, LineInput(1, 1, "E", PlanLine(target=11), selected=frozenset({1, 2, 3, 4}), held=held(r1=3))
    )
    assert quotas(chosen) == {2: 3, 3: 3, 4: 2}
    (cell,) = chosen.cells
    assert (cell.target, cell.released, cell.figures["held"], cell.warnings) == (11, 8, 3, [])
    # D: demand 5, 4, 2, 2, 0; shop 2 holds 6, T = 10 → 4 for the others' demand 5 + 2 + 2 = 9:
    # 4 × 5/9 = 2.22, 4 × 2/9 = 0.89, 0.89 → floors 2, 0, 0, the 2 left to the largest remainders
    forecast = pd.Series([5.0, 4.0, 2.0, 2.0, 0.0], index=[1, 2, 3, 4, 5])
    (demand,), _ = compute(frame, LineInput(1, 1, "D", PlanLine(target=10), forecast=forecast, held=held(r2=6)))
    assert quotas(demand) == {1: 2, 3: 1, 4: 1}
    (cell,) = demand.cells
    assert (cell.target, cell.released, cell.figures["held"], cell.warnings) == (10, 4, 6, [])
    # every selected shop held: nothing to share and nothing to warn of
    (all_held,), _ = compute(
        frame, LineInput(1, 1, "E", PlanLine(target=4), selected=frozenset({1, 2}), held=held(r1=2, r2=2))
    )
    assert (all_held.cells[0].released, all_held.cells[0].warnings, quotas(all_held)) == (0, [], {})


def test_method_c_band_total_and_the_product_line_take_the_held_cartons_off():
    # one band (the dearest: tiers below D21 cut), shops 1–4 in D25, 5–6 in D28. Product 1: T = 30, shop 1
    # holds 6; product 2: T = 20
    frame = shops([25, 25, 25, 25, 28, 28])
    items = [
        LineInput(1, 1, "C", PlanLine(target=30), price_band="≥600", band_rank=0, held=held(r1=6)),
        LineInput(2, 2, "C", PlanLine(target=20), price_band="≥600", band_rank=0),
    ]
    results, (band,) = compute(frame, *items)
    # the band's total: (30 − 6) + 20 = 44 over 6 shops ≥ D25, 2 ≥ D28: 4·7 + 2·8 = 44 (D21–D27 7, D28–D30 8)
    assert (band.lowest_tier, band.caps.target, band.caps.released) == (21, 44, 44)
    assert band.caps.caps.tolist() == [7, 7, 7, 7, 7, 7, 7, 8, 8, 8]
    one, two = results
    # product 1: 24 over shops 2–4 (D25) and 5–6 (D28), within the band's 7 / 8: 3·4 + 2·6 = 24
    assert quotas(one) == {2: 4, 3: 4, 4: 4, 5: 6, 6: 6}
    assert (one.cells[0].target, one.cells[0].released, one.cells[0].figures["held"]) == (30, 24, 6)
    # product 2: 20 over all six: 4·3 + 2·4 = 20
    assert quotas(two) == {1: 3, 2: 3, 3: 3, 4: 3, 5: 4, 6: 4}
    assert "held" not in two.cells[0].figures


def test_held_cartons_no_cell_holds_come_off_the_largest_then_the_next():
    # method B by market type, tiers D10–D30: urban 1–2, rural 3–4 (D10); shop 5 (D5, unreached) holds 14.
    # T = 20 → 10 each; 14 off rural (the first of equals, cells in key order): 10, the 4 left off urban:
    # 10 − 4 = 6 = 2 shops × 3
    frame = shops([10, 10, 10, 10, 5], market_type=["urban", "urban", "rural", "rural", "urban"])
    line = PlanLine(target=20, lowest_tier=10, dimensions=("market_type",))
    (result,), _ = compute(frame, LineInput(1, 1, "B", line, held=held(r5=14)))
    cells = {c.cell: c for c in result.cells}
    urban, rural = cells[("urban",)], cells[("rural",)]
    assert (rural.figures["held"], rural.released, urban.figures["held"], urban.released) == (10, 0, 4, 6)
    assert quotas(result) == {1: 3, 2: 3}  # 6 + 14 = 20
    # held above the whole target (25 > 20): nothing for anyone, and the cells hold their 20
    (over,), _ = compute(frame, LineInput(1, 1, "B", line, held=held(r5=25)))
    assert [(c.figures["held"], c.released, c.warnings) for c in over.cells] == [(10, 0, []), (10, 0, [])]
