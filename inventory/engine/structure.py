"""Structure advice (docs/domain.md §6): how a shop's mix of price classes compares with its peers of
the same tier and business format. Pure pandas."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .advice import AdviceInputError

CLASSES = ("I", "II", "III", "IV", "V")


@dataclass(frozen=True)
class StructureGap:
    price_class: str
    own_share: float
    peer_share: float

    @property
    def below_peers(self) -> bool:
        return self.own_share < self.peer_share


def shares(cartons: pd.DataFrame) -> pd.DataFrame:
    """Rows of cartons per class (columns CLASSES) as shares of each row's total; empty rows dropped.
    A NaN, infinite or negative carton count is refused (AdviceInputError), never read as a share."""
    values = cartons[list(CLASSES)].apply(pd.to_numeric, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    bad = ~np.isfinite(values) | (values < 0)
    if bad.any():
        row, col = (int(i) for i in np.argwhere(bad)[0])
        raise AdviceInputError(
            f"class {CLASSES[col]} cartons: {int(bad.sum())} value(s) not a number ≥ 0 "
            f"(first in row {row + 1}: {values[row, col]})"
        )
    total = cartons[list(CLASSES)].sum(axis=1)
    return cartons.loc[total > 0, list(CLASSES)].div(total[total > 0], axis=0)


def structure_gaps(own: pd.Series, peers: pd.DataFrame, *, min_gap: float = 0.10) -> list[StructureGap]:
    """Classes where the shop's share of cartons differs from the peers' average share by at least
    `min_gap` (shares of each peer averaged, so a big peer does not outweigh the rest); largest gap first."""
    mine = shares(own.to_frame().T)
    theirs = shares(peers)
    if mine.empty or theirs.empty:
        return []
    mine_row, average = mine.iloc[0], theirs.mean()
    gaps = [
        StructureGap(c, float(mine_row[c]), float(average[c]))
        for c in CLASSES
        if abs(mine_row[c] - average[c]) >= min_gap
    ]
    return sorted(gaps, key=lambda g: -abs(g.own_share - g.peer_share))
