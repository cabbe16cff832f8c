"""The policy a run applies, in one shape (`engine.compute.Policy`): built once at the run's start from the active
`AllocationPolicy` row and the repeat violators of that moment (`policy_from_model`), stored with
the run as JSON (`policy_dump`) and read back from it (`policy_load`) by every group the run
computes, in process or on a worker, and by every read of its quotas and their reasons.

A policy edit or a new compliance standing after the run started changes nothing in that run.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from .engine.compute import Policy
from .engine.rules import Rules
from .models import AllocationPolicy


def policy_from_model(policy: AllocationPolicy, *, repeat_violators: Iterable[int]) -> Policy:
    """The policy row as a run applies it, with the repeat violators of the run's start."""
    return Policy(
        name=policy.name,
        rules=Rules(
            vulnerable_bonus=int(policy.vulnerable_bonus),
            credit_factors={str(k): float(v) for k, v in (policy.credit_factors or {}).items()},
            ceiling=policy.retailer_ceiling,
            respread=bool(policy.respread_penalties),
            violation_factor=float(policy.violation_factor),
            repeat_violators=frozenset(int(i) for i in repeat_violators),
        ),
        max_step=policy.max_step,
        default_top_ratio=float(policy.default_top_ratio),
        band_cut_tiers=tuple(int(t) for t in (policy.band_cut_tiers or ())),
        demand_weeks=int(policy.demand_weeks),
        full_order_uplift=float(policy.full_order_uplift),
        reported_demand_weight=float(policy.reported_demand_weight),
    )


def policy_dump(policy: Policy) -> dict:
    """The policy as the run keeps it (`AllocationRun.policy`): flat, named as the policy's fields."""
    rules = policy.rules
    return {
        "name": policy.name, "vulnerable_bonus": rules.vulnerable_bonus, "credit_factors": dict(rules.credit_factors),
        "retailer_ceiling": rules.ceiling, "respread_penalties": rules.respread, "max_step": policy.max_step,
        "default_top_ratio": policy.default_top_ratio, "demand_weeks": policy.demand_weeks,
        "full_order_uplift": policy.full_order_uplift, "band_cut_tiers": list(policy.band_cut_tiers),
        "violation_factor": rules.violation_factor, "repeat_violators": sorted(rules.repeat_violators),
        "reported_demand_weight": policy.reported_demand_weight,
    }  # fmt: skip


def policy_load(data: Mapping | None) -> Policy:
    """The policy a run kept. Keys it lacks (runs stored before they existed) take the defaults:
    runs from before repeat violators counted none, runs from before demand reports blended none."""
    data = data or {}
    default = Policy()

    def get(key: str, fallback):
        return data[key] if key in data else fallback

    ceiling, max_step = get("retailer_ceiling", default.rules.ceiling), get("max_step", default.max_step)
    return Policy(
        name=str(get("name", default.name)),
        rules=Rules(
            vulnerable_bonus=int(get("vulnerable_bonus", default.rules.vulnerable_bonus)),
            credit_factors={
                str(k): float(v) for k, v in (get("credit_factors", default.rules.credit_factors) or {}).items()
            },
            ceiling=None if ceiling is None else int(ceiling),
            respread=bool(get("respread_penalties", default.rules.respread)),
            violation_factor=float(get("violation_factor", default.rules.violation_factor)),
            repeat_violators=frozenset(int(i) for i in (get("repeat_violators", ()) or ())),
        ),
        max_step=None if max_step is None else int(max_step),
        default_top_ratio=float(get("default_top_ratio", default.default_top_ratio)),
        band_cut_tiers=tuple(int(t) for t in (get("band_cut_tiers", default.band_cut_tiers) or ())),
        demand_weeks=int(get("demand_weeks", default.demand_weeks)),
        full_order_uplift=float(get("full_order_uplift", default.full_order_uplift)),
        reported_demand_weight=float(get("reported_demand_weight", default.reported_demand_weight)),
    )
