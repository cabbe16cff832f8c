"""Where a retailer could earn more: products its peers sell at a profit that it does not stock,
and better-paying products within its quotas (structure upgrade)."""

from __future__ import annotations

import pandas as pd

from .figures import round_half_up

MISSING_COLUMNS = ["product", "peers_stocking", "share", "weekly_profit"]
UPGRADE_COLUMNS = ["product", "room", "profit_per_carton", "gain_per_carton"]


def missing_products(
    own: pd.DataFrame, peers: pd.DataFrame, *, peer_count: int, weeks: int, min_share: float = 0.3
) -> pd.DataFrame:
    """Products bought by at least `min_share` of the peers (at a profit) that this retailer did not
    buy; ranked by the average weekly profit of the peers stocking them.

    own: product (what this retailer bought in the window); peers: retailer, product, cartons,
    profit (fen) over the same `weeks`."""
    if peers.empty or peer_count == 0:
        return pd.DataFrame(columns=MISSING_COLUMNS)
    sold = peers[(peers["cartons"] > 0) & (peers["profit"] > 0)]
    per = sold.groupby("product").agg(peers_stocking=("retailer", "nunique"), profit=("profit", "sum"))
    per["share"] = per["peers_stocking"] / peer_count
    per["weekly_profit"] = round_half_up(per["profit"] / per["peers_stocking"] / weeks)
    per = per[(per["share"] >= min_share) & ~per.index.isin(set(own["product"]))]
    return per.sort_values(["weekly_profit", "share"], ascending=False).reset_index()[MISSING_COLUMNS]


def structure_upgrades(quotas: pd.DataFrame, *, current_profit_per_carton: float) -> pd.DataFrame:
    """Products with quota left this cycle whose profit per carton beats the retailer's average.

    quotas: product, quota, ordered (cartons this cycle so far), profit_per_carton (fen)."""
    room = quotas.assign(room=quotas["quota"] - quotas["ordered"])
    room = room[(room["room"] > 0) & (room["profit_per_carton"] > current_profit_per_carton)]
    room = room.assign(gain_per_carton=round_half_up(room["profit_per_carton"] - current_profit_per_carton))
    return room.sort_values("gain_per_carton", ascending=False).reset_index(drop=True)[UPGRADE_COLUMNS]
