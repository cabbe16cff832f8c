"""Alerts for a customer manager (docs/domain.md §7): falling profit, no orders, vulnerable retailers,
order anomalies (against the shop's own recent cycles and against same-tier peers) and one owner
identity behind several shops. Thresholds are configurable (`AlertRules`).

Each alert's value and reference are in the unit a person reads them in (`UNITS`): yuan for profit
(the input is in fen), cartons for orders, weeks for idleness, shops for a shared identity.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

import numpy as np
import pandas as pd

COLUMNS = ["retailer", "kind", "value", "reference"]


class AlertKind(IntEnum):
    FALLING_PROFIT = 1
    NO_ORDERS = 2
    VULNERABLE = 3
    ORDER_SPIKE = 4
    PEER_OUTLIER = 5
    SHARED_IDENTITY = 6


UNITS = {
    AlertKind.FALLING_PROFIT: "yuan",  # value: the last N weeks' gross profit; reference: the N weeks before
    AlertKind.NO_ORDERS: "weeks",  # value: weeks since the last order (NaN: none on record); reference: the rule's N
    AlertKind.VULNERABLE: "",
    AlertKind.ORDER_SPIKE: "cartons",  # value: last cycle's order; reference: the average of the shop's last orders
    AlertKind.PEER_OUTLIER: "cartons",  # value: last cycle's order; reference: the peers' average
    AlertKind.SHARED_IDENTITY: "shops",  # value: how many shops share the phone, ID card or account
}


@dataclass(frozen=True)
class AlertRules:
    falling_weeks: int = 4  # compare the last N weeks' profit with the N before
    falling_drop: float = 0.25  # alert when it fell by more than this share
    idle_cycles: int = 4  # no orders in this many cycles (covers two order days of a biweekly shop)
    spike_ratio: float = 2.2  # last cycle's cartons ≥ this × the average of the cycles before
    spike_window: int = 3
    peer_sigma: float = 3.0  # outside mean ± this many standard deviations of same-tier peers
    min_peers: int = 10


def alerts(weekly: pd.DataFrame, weeks: list, retailers: pd.DataFrame, rules: AlertRules) -> pd.DataFrame:
    """One row per alert: retailer, kind, value (what was seen) and reference (what it is compared with),
    in the units of `UNITS`.

    weekly: retailer, starts_on, cartons, sales, cost (fen) for at least the last
        max(2 × falling_weeks, idle_cycles, spike_window + 1) complete cycles; rows of earlier cycles
        may be given too and are used only to date each shop's last order (how long it has been idle);
    weeks: the alert window's cycles' first days, oldest first (the last is the latest complete cycle);
    retailers: retailer, tier, business_format, is_vulnerable, phone, owner_id_no, bank_account, and
        optionally order_cycle_kind ("not_served" shops get no quota, so no "no orders" alert).
    Missing (NaN) cartons, sales or cost are refused: a week a shop did not buy in has no row, or zeros.
    """
    missing = weekly[["retailer", "starts_on", "cartons", "sales", "cost"]].isna().any(axis=1)
    if missing.any():
        raise ValueError(
            f"alerts: {int(missing.sum())} weekly rows have no retailer, week, cartons, sales or cost "
            f"(retailers {sorted(set(weekly.loc[missing, 'retailer'].dropna().astype(int)))[:5]}); "
            "give a week without purchases zeros or no row"
        )
    ids = retailers["retailer"].to_numpy(np.int64)
    position = pd.Series(np.arange(len(weeks)), index=pd.to_datetime(pd.Series(weeks)))
    w = weekly[weekly["retailer"].isin(ids)]
    weeks_since = _weeks_since_order(ids, w, weeks[-1]) if len(weeks) else np.full(len(ids), np.nan)
    col = position.reindex(pd.to_datetime(w["starts_on"]).to_numpy()).to_numpy()
    w = w[~np.isnan(col.astype(float))]
    col = col[~np.isnan(col.astype(float))].astype(np.int64)
    row = pd.Series(np.arange(len(ids)), index=ids).reindex(w["retailer"].to_numpy()).to_numpy()
    cartons = np.zeros((len(ids), len(weeks)), dtype=np.int64)
    profit = np.zeros((len(ids), len(weeks)), dtype=np.int64)
    np.add.at(cartons, (row, col), w["cartons"].to_numpy(np.int64))
    np.add.at(profit, (row, col), (w["sales"] - w["cost"]).to_numpy(np.int64))
    found = [
        _falling(ids, profit, rules),
        _idle(ids, cartons, weeks_since, _served(retailers), rules),
        _vulnerable(retailers),
        _spikes(ids, cartons, rules),
        _peer_outliers(ids, cartons, retailers, rules),
        _shared_identity(retailers),
    ]
    found = [f for f in found if len(f)]
    return pd.concat(found, ignore_index=True)[COLUMNS] if found else pd.DataFrame(columns=COLUMNS)


def _frame(ids: np.ndarray, kind: AlertKind, value, reference) -> pd.DataFrame:
    return pd.DataFrame({"retailer": ids, "kind": int(kind), "value": value, "reference": reference})


def _falling(ids: np.ndarray, profit: np.ndarray, rules: AlertRules) -> pd.DataFrame:
    n = rules.falling_weeks
    if profit.shape[1] < 2 * n:
        return _frame(ids[:0], AlertKind.FALLING_PROFIT, [], [])
    recent = profit[:, -n:].sum(axis=1).astype(float)
    before = profit[:, -2 * n : -n].sum(axis=1).astype(float)
    hit = (before > 0) & (recent < before * (1 - rules.falling_drop))
    return _frame(ids[hit], AlertKind.FALLING_PROFIT, recent[hit] / 100, before[hit] / 100)  # fen -> yuan


def _weeks_since_order(ids: np.ndarray, weekly: pd.DataFrame, latest) -> np.ndarray:
    """Per shop, the weeks from its last order (cartons kept > 0) to the latest complete cycle:
    0 if it ordered in the latest, NaN if `weekly` holds no order of it at all."""
    ordered = weekly[(weekly["cartons"] > 0) & (pd.to_datetime(weekly["starts_on"]) <= pd.Timestamp(latest))]
    last = pd.to_datetime(ordered["starts_on"]).groupby(ordered["retailer"].to_numpy()).max()
    days = (pd.Timestamp(latest) - last.reindex(ids)).dt.days
    return (days // 7).to_numpy(dtype=float, na_value=np.nan)


def _served(retailers: pd.DataFrame) -> np.ndarray:
    if "order_cycle_kind" not in retailers:
        return np.ones(len(retailers), dtype=bool)
    return (retailers["order_cycle_kind"] != "not_served").to_numpy(dtype=bool)


def _idle(
    ids: np.ndarray, cartons: np.ndarray, weeks_since: np.ndarray, served: np.ndarray, rules: AlertRules
) -> pd.DataFrame:
    """No order in the last `idle_cycles` cycles. It holds for as long as the shop stays idle (closed
    shops are not given; shops not served, 不访销, cannot order): a shop silent for the whole window,
    or with no order on record, is flagged too. Value: the weeks since its last order (NaN when none
    is on record); reference: the rule's N."""
    k = rules.idle_cycles
    if cartons.shape[1] < k:
        return _frame(ids[:0], AlertKind.NO_ORDERS, [], [])
    hit = (cartons[:, -k:].sum(axis=1) == 0) & served
    return _frame(ids[hit], AlertKind.NO_ORDERS, weeks_since[hit], float(k))


def _vulnerable(retailers: pd.DataFrame) -> pd.DataFrame:
    ids = retailers.loc[retailers["is_vulnerable"].astype(bool), "retailer"].to_numpy(np.int64)
    return _frame(ids, AlertKind.VULNERABLE, np.nan, np.nan)


def _spikes(ids: np.ndarray, cartons: np.ndarray, rules: AlertRules) -> pd.DataFrame:
    """Last cycle's order against the shop's own last `spike_window` orders before it (cycles it did
    not order in are skipped, so a biweekly shop is compared with its own order weeks)."""
    k = rules.spike_window
    if cartons.shape[1] < 2:
        return _frame(ids[:0], AlertKind.ORDER_SPIKE, [], [])
    last = cartons[:, -1].astype(float)
    before = cartons[:, :-1]
    ordered = before > 0
    recent = ordered & (np.cumsum(ordered[:, ::-1], axis=1)[:, ::-1] <= k)  # the last k orders
    n = recent.sum(axis=1)
    average = np.where(n == k, (before * recent).sum(axis=1) / np.maximum(n, 1), np.nan)
    hit = (n == k) & (last > 0) & (last >= rules.spike_ratio * np.nan_to_num(average))
    return _frame(ids[hit], AlertKind.ORDER_SPIKE, last[hit], average[hit])


def _peer_outliers(ids: np.ndarray, cartons: np.ndarray, retailers: pd.DataFrame, rules: AlertRules) -> pd.DataFrame:
    """Last cycle's order against the orders of same tier and format peers that ordered in it."""
    if cartons.shape[1] == 0:
        return _frame(ids[:0], AlertKind.PEER_OUTLIER, [], [])
    last = pd.Series(cartons[:, -1].astype(float))
    ordered = last > 0
    keys = [retailers["tier"].fillna(0).to_numpy(), retailers["business_format"].fillna("").to_numpy()]
    groups = last.where(ordered).groupby(keys)
    mean, std, size = groups.transform("mean"), groups.transform("std", ddof=0), groups.transform("count")
    # Leave the shop itself out of its peers' mean and spread, or one huge order hides itself.
    others_mean = (mean * size - last) / (size - 1).where(size > 1)
    others_sq = ((std**2 + mean**2) * size - last**2) / (size - 1).where(size > 1)
    others_std = np.sqrt((others_sq - others_mean**2).clip(lower=0))
    hit = ordered & (size > rules.min_peers) & (others_std > 0)
    hit &= (last - others_mean).abs() > rules.peer_sigma * others_std
    hit = hit.fillna(False).to_numpy(dtype=bool)
    return _frame(ids[hit], AlertKind.PEER_OUTLIER, last.to_numpy()[hit], others_mean.to_numpy()[hit])


def _shared_identity(retailers: pd.DataFrame) -> pd.DataFrame:
    """Shops sharing a non-blank phone, ID card or bank account; value = how many shops share it."""
    found = []
    for column in ("owner_id_no", "bank_account", "phone"):
        values = retailers[column].fillna("").astype(str).str.strip()
        counts = values[values != ""].map(values[values != ""].value_counts())
        shared = counts[counts > 1]
        found.append(pd.DataFrame({"retailer": retailers.loc[shared.index, "retailer"], "n": shared}))
    joined = pd.concat(found)
    if joined.empty:
        return _frame(np.array([], dtype=np.int64), AlertKind.SHARED_IDENTITY, [], [])
    most = joined.groupby("retailer")["n"].max()
    return _frame(most.index.to_numpy(np.int64), AlertKind.SHARED_IDENTITY, most.to_numpy(float), np.nan)
