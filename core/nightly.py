"""The nightly jobs, in the order they must run. Each is a service taking no arguments.

Apps add their jobs here as they gain them; `manage.py run_nightly` and the beat
entry `nightly` run them all, each as its own tracked Run.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module

from .runs import tracked_run


@dataclass(frozen=True)
class NightlyJob:
    name: str
    service: str  # dotted path to a callable returning a dict of counts

    def load(self) -> Callable[[], dict]:
        module, attr = self.service.rsplit(".", 1)
        return getattr(import_module(module), attr)


NIGHTLY_JOBS: list[NightlyJob] = [
    NightlyJob("cycles_roll", "orders.services.cycles_roll"),
    NightlyJob("compliance_standing", "pricing.services.compliance_standing_refresh"),
    NightlyJob("allocation_nightly", "allocation.services.allocation_nightly"),
    NightlyJob("inventory_advice", "inventory.services.inventory_advice_nightly"),
    NightlyJob("profit_figures", "profitability.services.profit_figures_nightly"),
]


def run_nightly_job(job: NightlyJob, *, actor=None) -> dict:
    with tracked_run(job=job.name, actor=actor) as run:
        run.stage(job.name, 1)
        counts = job.load()()
        run.count(**counts)
    return counts


def run_nightly(*, actor=None, only: list[str] | None = None) -> dict[str, dict]:
    """Run every nightly job (or the named ones) in order; stop at the first failure."""
    results = {}
    for job in NIGHTLY_JOBS:
        if only and job.name not in only:
            continue
        results[job.name] = run_nightly_job(job, actor=actor)
    return results
