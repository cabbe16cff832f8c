"""The 42-type national code with a missing purchase quantity: handled at the engine's boundary
(no code for that shop, left out of its group's ranking) instead of crashing the whole run."""

import numpy as np
import pandas as pd

from tiers.engine.classify import national_type


def test_a_missing_quantity_gives_no_code_and_is_left_out_of_the_ranking():
    frame = pd.DataFrame(
        {
            "market_type": ["urban"] * 4 + ["rural"] + ["urban"],
            "business_format": ["Z"] * 4 + ["B"] + ["S"],
            "quantity": [30.0, np.nan, 20.0, 10.0, np.nan, 0.0],
        }
    )
    codes = national_type(frame["market_type"], frame["business_format"], frame["quantity"])
    # urban Z: 3 known quantities 30 > 20 > 10, ranks 1, 2, 3 of 3; scale = 1 + 3 × (rank − 1) // 3 = 1, 2, 3.
    # (Counting the NaN shop in the group, size 4, would have made 20 → 1 + 3 × 1 // 4 = 1, not 2.)
    # The NaN shops get "" (unknown scale); a shop that bought nothing (0) is known: alone in urban S, CS1.
    assert codes.tolist() == ["CZ1", "", "CZ2", "CZ3", "", "CS1"]


def test_every_quantity_missing_gives_blank_codes():
    frame = pd.DataFrame({"market_type": ["urban", "rural"], "business_format": ["Z", "Z"], "quantity": [np.nan] * 2})
    assert national_type(frame["market_type"], frame["business_format"], frame["quantity"]).tolist() == ["", ""]
