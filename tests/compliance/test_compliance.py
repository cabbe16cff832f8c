"""Compliance figures and the price index (one term per product) on hand-computed cases (docs/domain.md §5)."""

import numpy as np
import pandas as pd
import pytest

from compliance.engine.checks import figures, line_checks, price_index

NAN = np.nan


@pytest.fixture
def checks():
    lines = pd.DataFrame(
        {
            "retailer": [1, 1, 1, 2, 2],
            "product": [10, 11, 12, 10, 11],
            "guide_price": [200.0, 100.0, 50.0, 200.0, 100.0],
            "packs_per_carton": [10, 10, 10, 10, 10],
            "tag_present": [True, True, False, True, True],
            "tag_price": [200.0, 90.0, NAN, 200.0, 100.0],
            "price_carton": [200.0, 90.0, 55.0, NAN, 110.0],
            "price_pack": [NAN, NAN, NAN, 21.0, NAN],
        }
    )
    return line_checks(lines)


def test_each_line_checked(checks):
    assert checks["tag_correct"].tolist() == [True, False, False, True, True]
    assert checks["below_guide"].tolist() == [False, True, False, False, False]
    assert checks["above_guide"].tolist() == [False, False, True, True, True]  # 21 a pack = 210 a carton
    assert checks["charged_as_tagged"].tolist() == [True, True, False, False, False]
    assert checks["price_ratio"].tolist() == pytest.approx([1.0, 0.9, 1.1, 1.05, 1.1])


def test_figures_per_retailer(checks):
    out = figures(checks, ["retailer"])
    one, two = out.loc[1], out.loc[2]
    assert one["on_display"] == 3
    assert one["tag_rate"] == pytest.approx(1 / 3)
    assert one["price_on_target"] == pytest.approx((1.0 + 0.9 + 1.1) / 3)
    assert (one["below_guide"], one["above_guide"]) == (1, 1)
    assert two["tag_rate"] == 1.0
    assert two["price_on_target"] == pytest.approx(1.075)
    assert two["as_tagged_rate"] == 0.0


def test_price_index_weights_by_last_years_sales(checks):
    weights = pd.Series({10: 3.0, 11: 1.0})  # product 12 sold nothing last year: it weighs nothing
    index = price_index(checks.assign(area="north"), weights, ["area"])
    # product 10: mean of 1.0 and 1.05 = 1.025; product 11: mean of 0.9 and 1.1 = 1.0
    # (3 × 1.025 + 1 × 1.0) / (3 + 1) × 100 = 4.075 / 4 × 100 = 101.875
    assert index.loc["north"] == pytest.approx(101.875)


def _observed(rows):
    """(area, product, guide, charged) rows as checked lines, tags all right."""
    frame = pd.DataFrame(rows, columns=["area", "product", "guide_price", "price_carton"])
    return line_checks(
        frame.assign(tag_present=True, tag_price=frame["guide_price"], price_pack=NAN, packs_per_carton=10)
    )


def test_price_index_counts_a_product_once_however_often_it_was_checked():
    # Product A checked 9 times at the guide (ratio 1.0), product B once at 80 for a guide of 100
    # (ratio 0.8); both sold 1 carton last year. Formula: (1 × 1.0 + 1 × 0.8) / (1 + 1) × 100 = 90.
    # Weighting each check instead gave (9 × 1.0 + 0.8) / 10 × 100 = 98.
    checks = _observed([("north", "A", 100.0, 100.0)] * 9 + [("north", "B", 100.0, 80.0)])
    index = price_index(checks, pd.Series({"A": 1.0, "B": 1.0}), ["area"])
    assert index.loc["north"] == pytest.approx(90.0)


def test_price_index_takes_each_products_mean_then_weighs_it_by_cartons():
    checks = _observed(
        [
            ("north", "A", 100.0, 100.0), ("north", "A", 100.0, 110.0), ("north", "A", 100.0, 120.0),
            ("north", "B", 200.0, 190.0),
            ("north", "C", 50.0, NAN),  # checked, price not observed: no term
            ("north", "D", 100.0, 150.0),  # no cartons last year: weighs nothing
            ("south", "D", 100.0, 150.0),  # only a product without sales: no index
        ]
    )  # fmt: skip
    weights = pd.Series({"A": 2.0, "B": 3.0, "C": 5.0})
    index = price_index(checks, weights, ["area"])
    # A: mean(1.0, 1.1, 1.2) = 1.1, 2 cartons; B: 190 / 200 = 0.95, 3 cartons
    # (2 × 1.1 + 3 × 0.95) / (2 + 3) × 100 = (2.2 + 2.85) / 5 × 100 = 101
    assert index.loc["north"] == pytest.approx(101.0)
    assert np.isnan(index.loc["south"])
    by_product = price_index(checks, weights, ["product"])  # one product per group: its mean × 100
    assert by_product.loc["A"] == pytest.approx(110.0)
    assert by_product.loc["B"] == pytest.approx(95.0)
    assert "C" not in by_product.index  # no price observed
    # Per area and product (the figures page's product level within an area)
    both = price_index(checks, weights, ["area", "product"])
    assert both.loc[("north", "A")] == pytest.approx(110.0)


def test_price_index_of_nothing_observed_is_empty():
    checks = _observed([("north", "A", 100.0, NAN)])
    assert price_index(checks, pd.Series({"A": 1.0}), ["area"]).empty


def test_the_scarce_products_oversampling_does_not_lean_an_areas_index():
    """The inspection list picks scarce products 3 times as likely (docs/domain.md §5). 40 products
    of 1 carton each; 5 scarce sell at 110 for a guide of 100, 35 at the guide. The index of every
    product: (5 × 1.1 + 35 × 1.0) / 40 × 100 = 40.5 / 40 × 100 = 101.25. A manager's month is 20
    shops × 4 weeks = 80 visits of 5 products."""
    from compliance.engine.sampling import sample_products

    ids = list(range(40))
    scarce = [i < 5 for i in ids]
    picked = [p for visit in range(80) for p in sample_products(ids, scarce, 5, seed=visit)]
    rows = [("area", p, 100.0, 110.0 if scarce[p] else 100.0) for p in picked]
    checks = _observed(rows)
    # The sample does lean to scarce products: about 3 × 5 / (3 × 5 + 35) = 30% of checks, not 12.5%.
    share = sum(scarce[p] for p in picked) / len(picked)
    assert 0.25 < share < 0.35
    # Weighting each check would give 100 + 10 × share ≈ 103, not 101.25.
    assert checks["price_ratio"].mean() * 100 > 102.5
    # One term per product: every product was checked at least once in the month, so the index is
    # exactly the index of all 40 products.
    assert set(picked) == set(ids)
    index = price_index(checks, pd.Series(1.0, index=ids), ["area"])
    assert index.loc["area"] == pytest.approx(101.25)


def test_supply_signals_need_enough_observations():
    from compliance.engine.checks import supply_signals

    # product 1: 3 of 6 sold below guide → over-supplied; product 2: 2 of 6 above guide → scarce;
    # product 3: all above, but only 4 observations → no signal yet
    prices = {1: [90.0] * 3 + [100.0] * 3, 2: [120.0] * 2 + [100.0] * 4, 3: [130.0] * 4}
    rows = [{"product": p, "guide_price": 100.0, "price_carton": c} for p, charged in prices.items() for c in charged]
    lines = pd.DataFrame(rows).assign(packs_per_carton=10, tag_present=True, tag_price=100.0, price_pack=np.nan)
    out = supply_signals(line_checks(lines))
    assert out.loc[1, "signal"] == "over"
    assert out.loc[2, "signal"] == "scarce"
    assert out.loc[3, "signal"] == ""
    assert out.loc[1, "below"] == pytest.approx(0.5)
