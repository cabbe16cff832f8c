"""Compliance figures and the price index on hand-computed cases (docs/domain.md §5)."""

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
    expected = (3 * 1.0 + 1 * 0.9 + 3 * 1.05 + 1 * 1.1) / (3 + 1 + 3 + 1) * 100
    assert index.loc["north"] == pytest.approx(expected)


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
