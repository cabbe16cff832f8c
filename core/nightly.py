"""The nightly jobs, in the order they must run. Each is a service taking no arguments.

Apps add their jobs to `NIGHTLY_JOBS` in the project's settings as they gain them;
`manage.py run_nightly` and the beat entry `nightly` run them all, each as its own tracked Run: the
chain opens one for a job, unless its service keeps its own (`keeps_own_run`: one dated by the night),
so each job of a night is one row in the job runs list, not two.
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


def keeps_own_run(service: Callable[..., dict]) -> Callable[..., dict]:
    """Mark a nightly service that runs as its own Run of its job (`tracked_run(job=…, scope=the night's
    date)`): the chain opens none around it. (Two runs of one job for one night read as the job run twice.)"""
    service.keeps_own_run = True  # type: ignore[attr-defined]
    return service


def run_nightly_job(job: NightlyJob, *, actor=None) -> dict:
    service = job.load()
    if getattr(service, "keeps_own_run", False):  # its own run records its counts, timings or failure
        return service()
    with tracked_run(job=job.name, actor=actor) as run:
        run.stage(job.name, 1)
        counts = service()
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
