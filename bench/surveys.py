"""Issue 20 target on PostgreSQL: the survey results for 20,000 answers under 2 s.

    .venv/bin/python bench/surveys.py [--answers 20000] [--retailers 25000]

Setup (not timed): the demo city's registry (`retailers`, one customer manager per ~300), the
standard questionnaire (7 dimensions, 32 questions and the overall question) and a previous wave,
closed, with `answers` answers (the results compare with it). Timed: opening the current wave (the
sample: every active retailer, written by COPY); then, with `answers` answers in it and closed, the
results as the selector computes them (all five groupings, the previous wave, importance), the
supervisor's results page (index, the dimension and importance–performance charts, the table by
manager), the XLSX of every grouping, and a customer manager's page (their retailers only).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import time

import numpy as np
from _common import Stages, fresh_database, peak_mb

OPENS = dt.date(2026, 6, 1)


def _write_answers(wave, answers: int, seed: int) -> None:
    """Replace the wave's invitations by the same rows, `answers` of them answered (COPY)."""
    from django.db import transaction
    from django.utils import timezone

    from core.db import bulk_write
    from surveys.models import Invitation

    columns = ["wave", "retailer", "manager", "branch", "department", "tier", "tier_band", "market_type",
               "business_format", "answered_at", "scores"]  # fmt: skip
    rows = list(Invitation.objects.filter(wave=wave).order_by("pk").values_list(*[f"{c}_id" if c in
                {"wave", "retailer", "manager", "branch", "department"} else c for c in columns[:9]]))  # fmt: skip
    rng = np.random.default_rng(seed)
    mood = rng.normal(0, 0.6, len(rows))
    levels = rng.normal(0, 0.5, (len(rows), 7)) + np.array([3.6, 4.3, 4.4, 4.1, 4.5, 3.8, 4.1]) + mood[:, None]
    per_item = np.repeat(levels, [5, 5, 5, 5, 4, 4, 4], axis=1) + rng.normal(0, 0.35, (len(rows), 32))
    overall = levels @ np.array([0.35, 0.1, 0.08, 0.25, 0.04, 0.12, 0.06]) + rng.normal(0, 0.3, len(rows))
    scores = np.clip(np.rint(np.column_stack([per_item, overall])), 1, 5).astype(int)
    at = timezone.make_aware(dt.datetime.combine(wave.opens_on, dt.time(10)))
    with transaction.atomic():
        Invitation.objects.filter(wave=wave).delete()
        bulk_write(
            Invitation, columns,
            ((*row, at, json.dumps(scores[k].tolist())) if k < answers else (*row, None, None)
             for k, row in enumerate(rows)),
        )  # fmt: skip


def setup(retailers: int, answers: int):
    from django.db import connection, transaction

    from accounts.models import Role, User
    from demo.city import build_city
    from demo.services import _registry
    from surveys.models import SampleMode, Wave
    from surveys.services import questionnaire_standard_create, wave_close, wave_open

    started = time.perf_counter()
    city = build_city(retailers=retailers, products=5, seed=7)
    managers = {
        i: User.objects.create(username=f"m{i}", role=Role.MANAGER, is_staff=True).pk for i in range(len(city.managers))
    }
    boss = User.objects.create(username="boss", role=Role.SUPERVISOR, is_staff=True)
    with transaction.atomic():
        _registry(city, managers)
    questionnaire = questionnaire_standard_create(actor=boss)
    previous = Wave.objects.create(name="上期", questionnaire=questionnaire, opens_on=OPENS - dt.timedelta(days=180),
                                   closes_on=OPENS - dt.timedelta(days=150), sample_mode=SampleMode.ALL, seed=1)  # fmt: skip
    wave_open(wave=previous, actor=boss, today=previous.opens_on)
    previous.refresh_from_db()
    _write_answers(previous, answers, seed=1)
    wave_close(wave=previous, actor=boss)
    current = Wave.objects.create(name="本期", questionnaire=questionnaire, opens_on=OPENS,
                                  closes_on=OPENS + dt.timedelta(days=30), sample_mode=SampleMode.ALL, seed=2)  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"setup: {retailers:,} retailers, {len(city.managers)} managers, a previous wave with {answers:,} answers "
          f"in {time.perf_counter() - started:.1f} s (not timed below)", flush=True)  # fmt: skip
    return boss, current


def measure(boss, wave, answers: int) -> None:
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from accounts.models import User
    from surveys.selectors import LEVELS, wave_results
    from surveys.services import wave_close, wave_open

    stages = Stages(f"survey results, {answers:,} answers, PostgreSQL")
    with stages.stage("open a wave: draw the sample (everyone) and COPY it") as box:
        box["rows"] = wave_open(wave=wave, actor=boss, today=OPENS)
    wave.refresh_from_db()
    _write_answers(wave, answers, seed=2)  # not timed: the answers come in over weeks
    wave_close(wave=wave, actor=boss)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    with stages.stage("results: 5 groupings, previous wave, importance", rows=answers):
        results = wave_results(wave=wave, user=boss, levels=LEVELS)
    if results.answered != answers or results.total.overall is None:
        raise SystemExit(f"the results read {results.answered} answers, not {answers}")
    print(f"  overall {results.total.overall:.1f}, change {results.total.overall_change:+.1f}, "
          f"quadrants {[(p.code, p.quadrant) for p in results.ipa]}", flush=True)  # fmt: skip

    call_command("collectstatic", "--no-input", verbosity=0)  # the admin's CSS, as in production
    client = Client(SERVER_NAME="127.0.0.1")
    client.force_login(boss)
    url = f"/admin/surveys/wave/{wave.pk}/results/"
    with stages.stage("supervisor's results page (first render)", rows=answers):
        page = client.get(url, {"level": "manager"})
    if page.status_code != 200 or 'id="ipa-chart"' not in page.content.decode():
        raise SystemExit(f"the results page did not render ({page.status_code})")
    times = []
    for _ in range(5):
        started = time.perf_counter()
        client.get(url, {"level": "manager"})
        times.append(time.perf_counter() - started)
    print(f"  results page, {answers:,} answers: median {statistics.median(times):.2f} s, max {max(times):.2f} s "
          f"over {len(times)} renders (in process), peak {peak_mb():,.0f} MB", flush=True)  # fmt: skip
    with stages.stage("XLSX of every grouping", rows=answers):
        xlsx = client.get(url, {"format": "xlsx"})
    if xlsx.status_code != 200:
        raise SystemExit("the XLSX did not download")
    manager = User.objects.get(username="m0")
    client.force_login(manager)
    with stages.stage("a customer manager's results page", rows=None):
        mine = client.get(url, {"level": "tier_band"})
    if mine.status_code != 200:
        raise SystemExit(f"the manager's page did not render ({mine.status_code})")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--answers", type=int, default=20_000)
    parser.add_argument("--retailers", type=int, default=25_000)
    args = parser.parse_args()
    if args.answers > args.retailers:
        raise SystemExit("more answers than retailers")
    with fresh_database(f"bench_surveys_{args.answers}"):
        boss, wave = setup(args.retailers, args.answers)
        measure(boss, wave, args.answers)


if __name__ == "__main__":
    main()
