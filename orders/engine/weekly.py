"""A retailer's week summed from its order lines: what classification and profitability read."""

from __future__ import annotations

import numpy as np
import pandas as pd

from pricing.engine.classes import PRICE_CLASSES

CLASS_COLUMNS = {c: f"cartons_class_{c.lower()}" for c in PRICE_CLASSES}
COLUMNS = ["cycle", "retailer", "cartons", "amount", "lines", "returned", "sales", "cost", *CLASS_COLUMNS.values()]


def weekly_totals(lines: pd.DataFrame) -> pd.DataFrame:
    """Per cycle × retailer: ordered cartons and amount, order lines, returned cartons, and for the
    cartons kept (ordered − returned): sales at retail price, cost at wholesale price, cartons per
    price class.

    `lines`: cycle, retailer, product, ordered_qty, returned_qty, amount (fen), wholesale_fen,
    retail_fen (the prices in force that week) and price_class (I–V, or "" when unclassed).
    Money in and out is in fen (int64).
    """
    kept = lines["ordered_qty"].to_numpy(np.int64) - lines["returned_qty"].to_numpy(np.int64)
    work = pd.DataFrame(
        {
            "cycle": lines["cycle"].to_numpy(np.int64),
            "retailer": lines["retailer"].to_numpy(np.int64),
            "cartons": lines["ordered_qty"].to_numpy(np.int64),
            "amount": lines["amount"].to_numpy(np.int64),
            "lines": 1,
            "returned": lines["returned_qty"].to_numpy(np.int64),
            "sales": kept * lines["retail_fen"].to_numpy(np.int64),
            "cost": kept * lines["wholesale_fen"].to_numpy(np.int64),
        }
    )
    price_class = lines["price_class"].to_numpy()
    for value, column in CLASS_COLUMNS.items():
        work[column] = np.where(price_class == value, kept, 0)
    return work.groupby(["cycle", "retailer"], sort=False).sum().reset_index()[COLUMNS]
