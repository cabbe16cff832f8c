"""The nightly jobs, in the order they must run. Each is a service taking no arguments.

Apps add their jobs to `NIGHTLY_JOBS` in the project's settings as they gain them;
`manage.py run_nightly` and the beat entry `nightly` run them all, each as its own tracked Run.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module

from django.conf import settings

from .runs import tracked_run


@dataclass(frozen=True)
class NightlyJob:
    name: str
    service: str  # dotted path to a callable returning a dict of counts

    def load(self) -> Callable[[], dict]:
        module, attr = self.service.rsplit(".", 1)
        return getattr(import_module(module), attr)


# In the order they must run; the project's settings name them (core imports no app above it).
NIGHTLY_JOBS: list[NightlyJob] = [NightlyJob(name, service) for name, service in settings.NIGHTLY_JOBS]


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
