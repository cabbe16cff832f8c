"""Price-tag compliance (明码标价 / 明码实价) and the price index (docs/domain.md §5). Pure pandas.

`line_checks` takes one row per product seen on display: guide_price (the retail price per
carton in force on the visit day), packs_per_carton, tag_present, tag_price, price_carton and
price_pack (what was actually charged; NaN if not observed). `figures` sums them up by any
grouping (retailer, manager, department, branch, product, month); `price_index` is
Σ wᵢ·(pᵢ / gᵢ) / Σ wᵢ × 100 with wᵢ = last year's sales of product i and pᵢ / gᵢ the mean ratio over
that product's checks: one term per product, however often it was checked.

Only products actually checked are lines: a product on the visit's list that was not checked has no
line at all ("not checked", never a violation; docs/domain.md §5).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

CENT = 0.005  # prices are compared to the cent


def line_checks(lines: pd.DataFrame, *, ceiling_ratio: float = 1.10) -> pd.DataFrame:
    """Adds per line: tag_correct, observed, price_ratio (charged ÷ guide), below_guide, above_guide,
    above_ceiling (charged above guide × `ceiling_ratio`), charged_as_tagged and violation (a wrong or
    missing tag, a price other than the tag, or a price above the ceiling)."""
    guide = lines["guide_price"].astype(float)
    tag = lines["tag_price"].astype(float)
    carton = lines["price_carton"].astype(float)
    pack = lines["price_pack"].astype(float)
    packs = lines["packs_per_carton"].astype(float)
    tag_present = lines["tag_present"].astype(bool)
    tag_correct = tag_present & ((tag - guide).abs() < CENT)
    # What was charged, per carton: the carton price, else the pack price × packs.
    charged = carton.where(carton.notna(), pack * packs)
    observed = charged.notna()
    charged_as_tagged = tag_present & observed & ((charged - tag).abs() < CENT)
    pack_matches = pack.isna() | ((pack - tag / packs).abs() < CENT + 1e-9) | ~tag_present
    as_tagged = charged_as_tagged & pack_matches
    above_ceiling = observed & (charged > guide * ceiling_ratio + CENT)
    return lines.assign(
        tag_correct=tag_correct,
        observed=observed,
        price_ratio=(charged / guide).where(observed),
        below_guide=observed & (charged < guide - CENT),
        above_guide=observed & (charged > guide + CENT),
        above_ceiling=above_ceiling,
        charged_as_tagged=as_tagged,
        violation=~tag_correct | (observed & ~as_tagged) | above_ceiling,
    )


def figures(checks: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """Per group: products on display, tag rate (correct tags ÷ products on display), price-on-target
    rate (mean observed ÷ guide), counts below and above guide and above the legal ceiling, share
    charged as tagged, violations."""
    grouped = checks.groupby(by, observed=True, sort=True)
    out = grouped.agg(
        on_display=("tag_present", "size"),
        correct_tags=("tag_correct", "sum"),
        observed=("observed", "sum"),
        price_on_target=("price_ratio", "mean"),
        below_guide=("below_guide", "sum"),
        above_guide=("above_guide", "sum"),
        above_ceiling=("above_ceiling", "sum"),
        charged_as_tagged=("charged_as_tagged", "sum"),
        violations=("violation", "sum"),
    )
    out["tag_rate"] = out["correct_tags"] / out["on_display"]
    out["as_tagged_rate"] = np.where(
        out["observed"] > 0, out["charged_as_tagged"] / out["observed"].clip(lower=1), np.nan
    )
    return out


def price_index(checks: pd.DataFrame, weights: pd.Series, by: list[str]) -> pd.Series:
    """Σ wᵢ·rᵢ / Σ wᵢ × 100 per group, one term per product (docs/domain.md §5): rᵢ is the mean
    charged ÷ guide over product i's observed prices in the group, wᵢ = `weights[product]` (last
    year's cartons; products without sales weigh nothing). A product checked 9 times counts once, so
    checking scarce products more often (the inspection list's sampling) does not weigh them more."""
    keys = list(dict.fromkeys([*by, "product"]))
    seen = checks[checks["observed"]]
    per_product = seen.groupby(keys, observed=True)["price_ratio"].mean().rename("ratio").reset_index()
    per_product["w"] = per_product["product"].map(weights).fillna(0.0).astype(float)
    per_product["wr"] = per_product["w"] * per_product["ratio"]
    sums = per_product.groupby(by, observed=True)[["wr", "w"]].sum()
    return (sums["wr"] / sums["w"].where(sums["w"] > 0) * 100).rename("price_index")


def supply_signals(checks: pd.DataFrame, *, min_observed: int = 5, share: float = 0.3) -> pd.DataFrame:
    """Per product: observed prices, share below and above guide, and a signal — "over" (sold below
    guide: over-supplied) or "scarce" (sold above guide) when at least `share` of at least
    `min_observed` observations point that way (docs/domain.md §5: the allocation view shows both)."""
    seen = checks[checks["observed"]]
    out = seen.groupby("product").agg(
        observed=("observed", "size"), below=("below_guide", "mean"), above=("above_guide", "mean")
    )
    enough = out["observed"] >= min_observed
    out["signal"] = np.select(
        [enough & (out["below"] >= share) & (out["below"] >= out["above"]), enough & (out["above"] >= share)],
        ["over", "scarce"],
        default="",
    )
    return out


def standings(checks: pd.DataFrame, *, repeat_violations: int) -> pd.DataFrame:
    """Per retailer over the lines given (one window of inspections): inspections, inspections with a
    violation, lines, fully compliant lines, compliance rate (compliant ÷ lines) and whether it is a
    repeat violator (at least `repeat_violations` inspections with a violation)."""
    per_visit = checks.groupby(["retailer", "inspection"]).agg(
        violations=("violation", "sum"), lines=("violation", "size")
    )
    out = per_visit.groupby("retailer").agg(
        inspections=("lines", "size"),
        violating_inspections=("violations", lambda v: int((v > 0).sum())),
        lines=("lines", "sum"),
        violations=("violations", "sum"),
    )
    out["compliant_lines"] = out["lines"] - out["violations"]
    out["compliance_rate"] = out["compliant_lines"] / out["lines"]
    out["repeat_violator"] = out["violating_inspections"] >= repeat_violations
    return out.drop(columns="violations")
