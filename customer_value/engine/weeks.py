"""Weekly rows as a retailer × week matrix (both engines read them this way)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd


def refuse_missing(frame: pd.DataFrame, columns: Sequence[str], what: str) -> None:
    """Missing (NaN) values are refused with the retailers they belong to: a week a shop did not
    buy in has zeros or no row, never a blank."""
    missing = frame[list(columns)].isna().any(axis=1)
    if missing.any():
        shops = sorted(set(frame.loc[missing, "retailer"].dropna().astype(np.int64)))[:5]
        raise ValueError(
            f"{what}: {int(missing.sum())} weekly rows have a missing {', '.join(columns)} "
            f"(retailers {shops}); give a week without purchases zeros or no row"
        )


def matrix(weekly: pd.DataFrame, column: str, ids: np.ndarray, weeks: Sequence) -> np.ndarray:
    """Retailer × week sums of `column` (rows in `ids` order, columns in `weeks` order); rows of
    other retailers or weeks are left out, a missing row is 0."""
    out = np.zeros((len(ids), len(weeks)), dtype=np.float64)
    if not len(weekly) or not len(ids) or not len(weeks):
        return out
    row_of = pd.Series(np.arange(len(ids)), index=pd.Index(ids))
    col_of = pd.Series(np.arange(len(weeks)), index=pd.to_datetime(pd.Series(list(weeks))))
    rows = row_of.reindex(weekly["retailer"].to_numpy()).to_numpy(dtype=np.float64)
    cols = col_of.reindex(pd.to_datetime(weekly["starts_on"]).to_numpy()).to_numpy(dtype=np.float64)
    keep = ~np.isnan(rows) & ~np.isnan(cols)
    np.add.at(
        out, (rows[keep].astype(np.int64), cols[keep].astype(np.int64)), weekly[column].to_numpy(np.float64)[keep]
    )
    return out
