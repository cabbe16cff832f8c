"""Issue 20 target on PostgreSQL: the nightly customer value segments and churn risk for 50,000
retailers under 30 s; and the manager's workspace (400 retailers) with its visit list ordered by risk.

    .venv/bin/python bench/customer_value.py [--retailers 50000] [--weeks 52] [--manager-size 400]

With --keep, the database stays; a later --reuse measures on it with no setup in its process, so
the peak memory printed is the job's and the page's own.

Setup (not timed): bench/profit.py's city (the demo registry and `weeks` of weekly purchase totals),
tonight's profitability figures and alerts (the job before this one), requests from 10% of the
retailers in the last 120 days (a fifth of them a second request in the same category; some answered,
resolved or rated, the rest overdue), and a closed wave of the standard survey drawn at 10% of each
manager's retailers, 85% of them answered. Timed: the `customer_value` job as the nightly run calls
it (read the weekly figures and alerts, the request and survey signals, segments, risk, COPY, swap),
with the job's own stage timings; a second night; the workspace page.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import time

import numpy as np
from _common import Stages, database_exists, fresh_database, peak_mb
from profit import AS_OF
from profit import setup as profit_setup


def signals_setup(retailers: int, seed: int = 11) -> None:
    from django.db import transaction
    from django.utils import timezone

    from accounts.models import User
    from retailers.models import Retailer
    from service_requests.models import Category, ServiceRequest, Status
    from surveys.models import Invitation, SampleMode, Wave
    from surveys.services import questionnaire_standard_create, wave_close, wave_open

    started = time.perf_counter()
    rng = np.random.default_rng(seed)
    shops = list(Retailer.objects.filter(status="active").values_list("pk", "manager_id"))
    asking = rng.choice(len(shops), size=len(shops) // 10, replace=False)
    now = timezone.make_aware(dt.datetime.combine(AS_OF, dt.time(9)))
    categories = list(Category.values)
    rows = []
    for i in asking:
        retailer, manager = shops[i]
        category = categories[int(rng.integers(len(categories)))]
        for k in range(2 if rng.random() < 0.2 else 1):
            filed = now - dt.timedelta(days=int(rng.integers(3, 120)) - 10 * k, hours=int(rng.integers(0, 8)))
            done = rng.random() < 0.7
            rows.append(
                ServiceRequest(
                    retailer_id=retailer,
                    manager_id=manager,
                    category=category,
                    text="货源不够",
                    filed_at=filed,
                    due_at=filed + dt.timedelta(days=2),
                    status=Status.RESOLVED if done else Status.OPEN,
                    answered_at=filed + dt.timedelta(days=1) if done else None,
                    resolved_at=filed + dt.timedelta(days=1) if done else None,
                    rating=int(rng.integers(1, 6)) if done and rng.random() < 0.6 else None,
                )  # fmt: skip
            )
    ServiceRequest.objects.bulk_create(rows, batch_size=5000)
    boss = User.objects.get(username="boss")
    with transaction.atomic():
        questionnaire = questionnaire_standard_create(actor=boss)
        wave = Wave.objects.create(
            name="bench", questionnaire=questionnaire, opens_on=AS_OF - dt.timedelta(days=60),
            closes_on=AS_OF - dt.timedelta(days=30), sample_mode=SampleMode.SHARE, sample_percent=10,
            sample_minimum=10, seed=5, created_by=boss,
        )  # fmt: skip
        drawn = wave_open(wave=wave, actor=boss, today=wave.opens_on)
        wave.refresh_from_db()
        answered = []
        for invitation in Invitation.objects.filter(wave=wave):
            if rng.random() < 0.85:
                invitation.scores = [int(s) for s in rng.integers(1, 6, size=len(wave.item_ids))]
                invitation.answered_at = timezone.make_aware(dt.datetime.combine(wave.opens_on, dt.time(10)))
                answered.append(invitation)
        Invitation.objects.bulk_update(answered, ["scores", "answered_at"], batch_size=2000)
        wave_close(wave=wave, actor=boss, reason="bench")
    print(
        f"setup: {len(rows):,} requests from {len(asking):,} retailers; survey {len(answered):,} answers of "
        f"{drawn:,} drawn in {time.perf_counter() - started:.1f} s (not timed below)",
        flush=True,
    )


def setup(retailers: int, weeks: int, manager_size: int) -> None:
    from django.db import connection

    from profitability.services import profit_figures_nightly

    profit_setup(retailers, weeks, manager_size)
    started = time.perf_counter()
    profit_figures_nightly(today=AS_OF)
    print(f"setup: profitability figures and alerts in {time.perf_counter() - started:.1f} s (not timed below)")
    signals_setup(retailers)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def measure(retailers: int, manager_size: int) -> None:
    from django.core.management import call_command
    from django.test import Client

    from accounts.models import User
    from core.models import Run
    from customer_value.models import CustomerValue
    from customer_value.services import customer_value_nightly

    stages = Stages(f"nightly customer value segments and churn risk, {retailers:,} retailers, PostgreSQL")
    with stages.stage("customer_value job (read, signals, segments, risk, COPY, swap)") as box:
        counts = customer_value_nightly(today=AS_OF)
        box["rows"] = counts["retailers"]
    run = Run.objects.filter(job="customer_value").order_by("-pk").first()
    print(f"  job stages (s): {run.timings}", flush=True)
    print(f"  counts: {counts}", flush=True)
    with stages.stage("second night (same rows, two nights kept)") as box:
        box["rows"] = customer_value_nightly(today=AS_OF)["retailers"]
    run = Run.objects.filter(job="customer_value").order_by("-pk").first()
    print(f"  job stages (s): {run.timings}", flush=True)
    print(f"  rows kept: {CustomerValue.objects.count():,}", flush=True)

    call_command("collectstatic", "--no-input", verbosity=0)
    manager = User.objects.get(username="m0")
    client = Client(SERVER_NAME="127.0.0.1")
    client.force_login(manager)
    url = "/admin/profitability/profitrun/workspace/"
    first = client.get(url).content.decode()
    if f'id="retailer-count">{manager_size}<' not in first or 'id="visit-list"' not in first:
        raise SystemExit(f"the workspace did not show the manager's {manager_size} retailers and a visit list")
    from profitability.selectors import VISIT_RISKS

    readers = list(VISIT_RISKS)
    times: dict[bool, list[float]] = {True: [], False: []}
    for k in range(40):  # alternating: with the churn risk, and without it (the visit list as before)
        with_risk = k % 2 == 0
        VISIT_RISKS[:] = readers if with_risk else []
        started = time.perf_counter()
        client.get(url)
        times[with_risk].append(time.perf_counter() - started)
    VISIT_RISKS[:] = readers
    for with_risk, label in ((True, "with its visit list by churn risk"), (False, "without the churn risk")):
        t = times[with_risk]
        print(
            f"workspace page {label}, {manager_size} retailers: median {statistics.median(t) * 1000:.0f} ms, "
            f"max {max(t) * 1000:.0f} ms over {len(t)} renders (in process, PostgreSQL), peak {peak_mb():,.0f} MB",
            flush=True,
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--retailers", type=int, default=50_000)
    parser.add_argument("--weeks", type=int, default=52)
    parser.add_argument("--manager-size", type=int, default=400)
    parser.add_argument("--keep", action="store_true", help="keep the database for a later --reuse")
    parser.add_argument(
        "--reuse", action="store_true", help="measure on the database a --keep run left (no setup in this process)"
    )
    args = parser.parse_args()
    name = f"bench_value_{args.retailers}"
    reused = args.reuse and database_exists(name)
    with fresh_database(name, keep=args.keep, reuse=args.reuse):
        if not reused:
            setup(args.retailers, args.weeks, args.manager_size)
        measure(args.retailers, args.manager_size)


if __name__ == "__main__":
    main()
