"""A deterministic, realistic made-up city (pure numpy/pandas; no Django).

Shapes follow docs/domain.md: ~85% convenience stores, ~74% urban, tiers by the share
bands, products over five price classes with 12–15% retail margins (~20% for
class V), weekly orders with a Spring-Festival peak, scarce products whose orders
hit the quota, and a few retailers that over-order.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pandas as pd

BRANCHES = ["东城区", "西岭市", "南溪县", "青山县", "北岗县", "河口区"]
BRANCH_SUFFIX = "烟草专卖局(营销部)"
DEPARTMENT_WORDS = ["城关", "东关", "北门", "河西", "龙潭", "石桥", "柳林", "白水", "新华", "桃园", "滨河", "学府"]
FORMATS = (["Z", "B", "S", "N", "Y", "F", "Q"], [0.85, 0.03, 0.02, 0.01, 0.04, 0.02, 0.03])
URBAN_CODES = (["111", "112", "121", "122", "123"], [0.35, 0.25, 0.25, 0.1, 0.05])
RURAL_CODES = (["210", "220", "122"], [0.45, 0.45, 0.1])
TRADE_AREAS = (
    ["residential", "market", "industrial", "entertainment", "office", "tourist", "transport", "school", "other"],
    [0.52, 0.36, 0.02, 0.02, 0.02, 0.02, 0.01, 0.02, 0.01],
)
CREDIT = (["AAA", "AA", "A", "B", "C", "D"], [0.05, 0.85, 0.06, 0.02, 0.01, 0.01])
STATUS = (["active", "suspended", "closed"], [0.97, 0.02, 0.01])
SURNAMES = list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗")
SHOP_WORDS = ["便利店", "超市", "商店", "烟酒店", "小卖部", "百货"]
VULNERABLE_REASONS = ["残疾人经营", "低保家庭", "大病家庭", "退役军人"]
# Share bands (docs/domain.md §3): tiers 26–30 hold 9%, 21–25 18%, 16–20 23%, 11–15 23%, 1–10 27%.
TIER_BANDS = [(26, 30, 0.09), (21, 25, 0.18), (16, 20, 0.23), (11, 15, 0.23), (1, 10, 0.27)]
BRAND_NAMES = ["长河", "青峰", "白鹭", "红岭", "紫云", "金叶", "松林", "黄山", "云峰", "天池", "玉溪", "雪域"]
SPEC_WORDS = ["硬红", "软蓝", "细支", "中支", "金", "冰爆", "和谐", "精品", "典藏", "软", "硬", "爆珠", "经典", "新版"]
# Wholesale price ranges per carton by price class, and each class's share of products.
CLASS_PRICES = {"I": (160, 900), "II": (105, 160), "III": (45, 105), "IV": (25, 45), "V": (12, 25)}
CLASS_SHARES = {"I": 0.45, "II": 0.25, "III": 0.2, "IV": 0.07, "V": 0.03}
# Spring Festival dates: orders peak in the weeks before, dip in the festival week.
SPRING_FESTIVAL = [
    dt.date(2024, 2, 10),
    dt.date(2025, 1, 29),
    dt.date(2026, 2, 17),
    dt.date(2027, 2, 6),
    dt.date(2028, 1, 26),
]
MANAGER_LOAD = 300  # retailers per customer manager


@dataclass
class City:
    branches: pd.DataFrame  # name, short_name
    departments: pd.DataFrame  # branch, name
    routes: pd.DataFrame  # department (index into departments), name, manager (index into managers)
    managers: pd.DataFrame  # username, name
    retailers: pd.DataFrame
    products: pd.DataFrame
    scale: np.ndarray  # latent weekly cartons per retailer
    assortment_retailer: np.ndarray  # (pairs,) retailer index of each regular (retailer, product) pair
    assortment_product: np.ndarray
    over_orderer: np.ndarray  # bool per retailer


def _pick(rng: np.random.Generator, spec: tuple[list, list], n: int) -> np.ndarray:
    values, weights = spec
    return rng.choice(np.array(values, dtype=object), size=n, p=np.array(weights) / sum(weights))


def tiers_from_scale(scale: np.ndarray) -> np.ndarray:
    """Tiers 1–30 by the share bands, larger retailers higher (rank-based, deterministic)."""
    n = len(scale)
    order = np.argsort(scale, kind="stable")  # ascending
    tiers = np.empty(n, dtype=np.int16)
    start = 0
    for low, high, share in reversed(TIER_BANDS):
        count = round(share * n) if low > 1 else n - start - round(sum(s for lo, _, s in TIER_BANDS if lo > 1) * n) + 0
        count = max(0, min(count, n - start))
        block = order[start : start + count]
        width = high - low + 1
        tiers[block] = low + (np.arange(len(block)) * width // max(len(block), 1))
        start += count
    tiers[order[start:]] = 30
    return tiers


def build_city(*, retailers: int, products: int, seed: int) -> City:
    rng = np.random.default_rng(seed)
    n, m = retailers, products

    branch_names = BRANCHES[: max(2, min(len(BRANCHES), n // 600 + 2))]
    branches = pd.DataFrame(
        {"name": [b + BRANCH_SUFFIX for b in branch_names], "short_name": [b[:-1] for b in branch_names]}
    )
    departments = pd.DataFrame(
        [
            {"branch": b, "name": f"{name[:-1]}{word}市场部"}
            for b, name in enumerate(branch_names)
            for word in DEPARTMENT_WORDS[(b * 3) % 12 : (b * 3) % 12 + 2 + (n > 20000)]
        ]
    )

    scale = rng.lognormal(mean=3.0, sigma=0.7, size=n)  # weekly cartons, median ~20
    tier = tiers_from_scale(scale)
    market = np.where(rng.random(n) < 0.74, "urban", "rural")
    urban_rural = np.where(market == "urban", _pick(rng, URBAN_CODES, n), _pick(rng, RURAL_CODES, n))
    department = rng.integers(0, len(departments), size=n)

    # routes: one per MANAGER_LOAD retailers of a department, one manager per route
    dept_sizes = np.bincount(department, minlength=len(departments))
    route_rows, route_of = [], np.empty(n, dtype=np.int64)
    for d in range(len(departments)):
        members = np.flatnonzero(department == d)
        count = max(1, round(len(members) / MANAGER_LOAD))
        first = len(route_rows)
        route_rows += [{"department": d, "name": f"{departments.at[d, 'name'][:-3]}{k + 1}线"} for k in range(count)]
        route_of[members] = first + rng.integers(0, count, size=len(members))
    routes = pd.DataFrame(route_rows)
    routes["manager"] = np.arange(len(routes))
    managers = pd.DataFrame(
        {
            "username": [f"manager{k + 1}" for k in range(len(routes))],
            "name": [f"{SURNAMES[k % len(SURNAMES)]}经理{k + 1}" for k in range(len(routes))],
        }
    )
    del dept_sizes

    cycle_kind = np.where(rng.random(n) < 0.88, "weekly", np.where(rng.random(n) < 0.85, "biweekly", "not_served"))
    weekday = rng.choice(np.arange(1, 6), size=n, p=[0.24, 0.22, 0.2, 0.24, 0.1]).astype(np.int16)
    parity = np.where(cycle_kind == "biweekly", np.where(rng.random(n) < 0.5, "odd", "even"), "")
    vulnerable = rng.random(n) < 0.03
    codes = 104200000000 + rng.choice(800_000_000, size=n, replace=False)
    licenses = 420500000000 + rng.choice(900_000_000, size=n, replace=False)
    surnames = rng.choice(np.array(SURNAMES), size=n)
    shop_words = rng.choice(np.array(SHOP_WORDS), size=n)
    retailers_df = pd.DataFrame(
        {
            "customer_code": codes.astype(str),
            "license_no": licenses.astype(str),
            "name": np.char.add(np.char.add(surnames.astype(str), "记"), shop_words.astype(str)),
            "phone": (13000000000 + rng.integers(0, 999_999_999, size=n)).astype(str),
            "shop_area": np.round(np.clip(rng.lognormal(3.2, 0.5, size=n), 5, 500), 1),
            "department": department,
            "branch": departments["branch"].to_numpy()[department],
            "route": route_of,
            "manager": routes["manager"].to_numpy()[route_of],
            "business_format": _pick(rng, FORMATS, n),
            "market_type": market,
            "urban_rural_code": urban_rural,
            "trade_area": _pick(rng, TRADE_AREAS, n),
            "tier": tier,
            "order_cycle_kind": cycle_kind,
            "order_weekday": np.where(cycle_kind == "not_served", 0, weekday),
            "order_week_parity": parity,
            "credit_rating": _pick(rng, CREDIT, n),
            "integrity_group": [
                f"{DEPARTMENT_WORDS[i % 12]}诚信互助小组{i % 4 + 1}组" for i in rng.integers(0, 48, size=n)
            ],
            "is_pos_supplier": rng.random(n) < 0.06,
            "is_vulnerable": vulnerable,
            "vulnerable_reason": np.where(vulnerable, rng.choice(np.array(VULNERABLE_REASONS), size=n), ""),
            "status": _pick(rng, STATUS, n),
        }
    )

    products_df = _products(rng, m)
    pairs_r, pairs_p = _assortments(rng, tier, products_df)
    return City(
        branches=branches,
        departments=departments,
        routes=routes,
        managers=managers,
        retailers=retailers_df,
        products=products_df,
        scale=scale,
        assortment_retailer=pairs_r,
        assortment_product=pairs_p,
        over_orderer=rng.random(n) < 0.02,
    )


def _products(rng: np.random.Generator, m: int) -> pd.DataFrame:
    classes = np.array(list(CLASS_SHARES))
    price_class = rng.choice(classes, size=m, p=list(CLASS_SHARES.values()))
    low = np.array([CLASS_PRICES[c][0] for c in price_class], dtype=float)
    high = np.array([CLASS_PRICES[c][1] for c in price_class], dtype=float)
    wholesale_guess = np.exp(rng.uniform(np.log(low), np.log(high)))
    margin = np.where(price_class == "V", rng.uniform(0.18, 0.22, m), rng.uniform(0.12, 0.15, m))
    retail = np.maximum(np.round(wholesale_guess / (1 - margin) / 10) * 10, 20)  # whole yuan per pack
    wholesale = np.round(retail * (1 - margin), 1)
    names = [
        f"{BRAND_NAMES[i % len(BRAND_NAMES)]}({SPEC_WORDS[(i // len(BRAND_NAMES)) % len(SPEC_WORDS)]}{'' if i < 168 else i // 168 + 1})"
        for i in range(m)
    ]
    lifecycle = rng.choice(np.array(["active", "new", "withdrawn"]), size=m, p=[0.92, 0.05, 0.03])
    # popularity: cheaper and older products sell more; a few hits
    popularity = rng.pareto(1.5, size=m) + 0.2
    popularity *= np.where(lifecycle == "withdrawn", 0.2, 1.0) * (100 / np.sqrt(wholesale))
    return pd.DataFrame(
        {
            "code": [str(91000001 + i) for i in range(m)],
            "name": names,
            "brand": [BRAND_NAMES[i % len(BRAND_NAMES)] for i in range(m)],
            "wholesale_price": wholesale,
            "retail_price": retail,
            "lifecycle": lifecycle,
            "is_scarce": (rng.random(m) < 0.08) & (price_class != "V") & (lifecycle != "withdrawn"),
            "popularity": popularity / popularity.sum(),
            "price_class": price_class,
        }
    )


def _assortments(rng: np.random.Generator, tier: np.ndarray, products: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Each retailer's regular products: Gumbel top-k over popularity, higher tiers leaning to dearer products."""
    n, m = len(tier), len(products)
    size = np.clip(np.round(5 + tier * 1.1 + rng.normal(0, 3, n)), 3, m).astype(np.int64)
    log_price = np.log(products["wholesale_price"].to_numpy())
    log_pop = np.log(products["popularity"].to_numpy())
    pairs_r, pairs_p = [], []
    block = max(1, 4_000_000 // m)
    for start in range(0, n, block):
        t = tier[start : start + block].astype(np.float32)
        lean = ((t - 15) / 15)[:, None] * (log_price - log_price.mean())[None, :].astype(np.float32)
        keys = log_pop[None, :].astype(np.float32) + lean + rng.gumbel(size=(len(t), m)).astype(np.float32)
        k = size[start : start + block]
        ranked = np.argsort(-keys, axis=1)
        take = np.arange(m)[None, :] < k[:, None]
        rows, cols = np.nonzero(take)
        pairs_r.append(rows + start)
        pairs_p.append(ranked[rows, cols])
    return np.concatenate(pairs_r), np.concatenate(pairs_p)


def season_factor(week_start: dt.date) -> float:
    for festival in SPRING_FESTIVAL:
        days = (festival - week_start).days
        if 0 <= days < 7:
            return 0.6  # the festival week itself
        if 7 <= days <= 35:
            return 1.7  # stocking up in the four weeks before
    return 1.0


def scarce_cap(tier: np.ndarray) -> np.ndarray:
    """The demo's historical quota for scarce products: 1 carton at the bottom, 7 at the top."""
    return 1 + (tier.astype(np.int64) - 1) // 5


def weekly_orders(city: City, *, week_starts: list[dt.date], seed: int) -> Iterator[tuple[dt.date, pd.DataFrame]]:
    """One frame per cycle: retailer, product (row indexes), ordered_qty, quota (NA unless scarce), amount_fen."""
    rng = np.random.default_rng(seed + 1)
    r = city.retailers
    active = (r["status"] == "active").to_numpy()
    kind = r["order_cycle_kind"].to_numpy()
    parity = r["order_week_parity"].to_numpy()
    tier = r["tier"].to_numpy()
    pr, pp = city.assortment_retailer, city.assortment_product
    popularity = city.products["popularity"].to_numpy()
    scarce = city.products["is_scarce"].to_numpy()
    wholesale_fen = np.round(city.products["wholesale_price"].to_numpy() * 100).astype(np.int64)
    # expected cartons of a pair: retailer scale spread over its assortment by relative popularity
    weight = popularity[pp]
    share = weight / np.bincount(pr, weights=weight, minlength=len(r))[pr]
    base = city.scale[pr] * share
    cap = scarce_cap(tier[pr])
    for week_start in week_starts:
        odd = week_start.isocalendar().week % 2 == 1
        orders_now = (
            active
            & ((kind == "weekly") | ((kind == "biweekly") & (parity == ("odd" if odd else "even"))))
            & (rng.random(len(r)) > 0.04)
        )
        biweekly_boost = np.where(kind[pr] == "biweekly", 2.0, 1.0)
        chosen = orders_now[pr] & (rng.random(len(pr)) < 0.75)
        lam = base * biweekly_boost * season_factor(week_start) / 0.75
        spike = city.over_orderer[pr] & (rng.random(len(pr)) < 0.15)
        lam = np.where(spike, lam * 2.5, lam)
        is_scarce = scarce[pp]
        lam = np.where(is_scarce, lam * 4 + 2, lam)  # demand for scarce products exceeds the quota
        qty = rng.poisson(lam) + 1
        qty = np.where(is_scarce, np.minimum(qty, cap * np.where(kind[pr] == "biweekly", 2, 1)), qty)
        idx = np.flatnonzero(chosen)
        frame = pd.DataFrame(
            {
                "retailer": pr[idx],
                "product": pp[idx],
                "ordered_qty": qty[idx].astype(np.int64),
                "quota": pd.array(np.where(is_scarce[idx], cap[idx], 0), dtype="Int64"),
                "amount_fen": qty[idx].astype(np.int64) * wholesale_fen[pp[idx]],
            }
        )
        frame.loc[~is_scarce[idx], "quota"] = pd.NA
        yield week_start, frame
