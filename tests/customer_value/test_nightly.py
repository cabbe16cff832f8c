"""The nightly job on the demo city: one row per active retailer from tonight's profitability figures,
idempotent, registered after the profitability job, and honest about the signals it could read."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pandas as pd
import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Sum

from core.models import Run
from core.nightly import run_nightly
from customer_value.models import CustomerValue, ValuePolicy, ValueRun
from customer_value.services import customer_value_nightly
from profitability.engine.figures import Period
from profitability.models import ProfitFigure, ProfitRun
from retailers.models import Retailer
from service_requests.services import request_file
from surveys.models import Dimension, Item, Questionnaire
from surveys.services import wave_close, wave_open
from tests.surveys.conftest import answer, make_wave

pytestmark = pytest.mark.django_db


def current_rows() -> pd.DataFrame:
    rows = CustomerValue.objects.filter(value_run__is_current=True).values()
    return (
        pd.DataFrame(list(rows)).drop(columns=["id", "value_run_id"]).sort_values("retailer_id").reset_index(drop=True)
    )


def test_every_active_retailer_gets_its_window_figures(values):
    active = Retailer.objects.filter(status="active")
    assert values["retailers"] == active.count() == CustomerValue.objects.count()
    assert sum(values[s] for s in ("keep", "develop", "grow", "watch")) == values["retailers"]
    run = ValueRun.objects.get(is_current=True)
    profit_run = ProfitRun.objects.get(is_current=True)
    assert run.latest_week == profit_run.latest_week
    # A shop's gross profit and cartons are the sums of its 13 weekly figures up to the latest week.
    since = profit_run.latest_week - dt.timedelta(weeks=12)
    for shop in active.order_by("pk")[:5]:
        weeks = ProfitFigure.objects.filter(
            profit_run=profit_run, retailer=shop, period=Period.WEEK, period_start__gte=since
        ).aggregate(profit=Sum("gross_profit"), cartons=Sum("cartons"))
        row = CustomerValue.objects.get(value_run=run, retailer=shop)
        assert row.gross_profit == weeks["profit"]
        assert row.cartons == weeks["cartons"]
    # the policy it applied is kept on the run, with the visit frequency on each row
    assert run.policy["visit_weeks_develop"] == 1
    assert set(CustomerValue.objects.filter(segment=2).values_list("visit_weeks", flat=True)) <= {1}
    assert ValuePolicy.objects.filter(is_active=True).count() == 1  # saved with the defaults


def test_a_second_night_is_the_same_and_two_runs_are_kept(values, city):
    first = current_rows()
    customer_value_nightly(today=city)
    second = current_rows()
    pd.testing.assert_frame_equal(first, second)
    customer_value_nightly(today=city)
    assert ValueRun.objects.count() == 2
    assert ValueRun.objects.filter(is_current=True).count() == 1
    assert CustomerValue.objects.count() == 2 * len(first)


def test_each_signal_is_counted_and_one_without_data_gives_nothing(city, profits, signals):
    shop, other = Retailer.objects.filter(status="active").order_by("pk")[:2]
    counts = customer_value_nightly(today=city)  # no request filed, no survey closed
    assert (counts["with_requests"], counts["with_satisfaction"]) == (0, 0)
    assert counts["signals_missing"] == "requests, satisfaction"
    assert counts["with_orders"] > 0
    row = CustomerValue.objects.get(value_run__is_current=True, retailer=shop)
    assert (row.points_unanswered, row.points_repeated, row.points_rating) == (0, 0, 0)
    assert row.open_overdue is None

    signals["requests"] = pd.DataFrame(
        {"open_overdue": [1], "complaints_90d": [2], "repeated_90d": [2], "mean_rating": [1.0]},
        index=pd.Index([shop.pk], name="retailer"),
    )
    signals["satisfaction"] = pd.DataFrame(
        {"index": [70.0, float("nan")], "wave_id": [1, None]}, index=[shop.pk, other.pk]
    )
    counts = customer_value_nightly(today=city)
    assert (counts["with_requests"], counts["with_satisfaction"]) == (1, 1)  # no score is no data
    assert counts["signals_missing"] == "none"
    run = ValueRun.objects.get(is_current=True)
    assert run.signals == {k: counts[f"with_{k}"] for k in ("orders", "alerts", "requests", "satisfaction")}
    assert Run.objects.filter(job="customer_value").order_by("-pk").first().counts["with_requests"] == 1
    row = CustomerValue.objects.get(value_run=run, retailer=shop)
    # 1 overdue → 15 points; 2 repeats ÷ 2 → 10; rating 1 → 10 (default weights out of 100)
    assert (row.points_unanswered, row.points_repeated, row.points_rating) == (15, 10, 10)
    assert (row.open_overdue, row.repeated, row.mean_rating) == (1, 2, 1.0)
    assert row.risk >= 35


def test_satisfaction_counts_in_the_score_but_is_not_stored(city, profits, signals):
    shop = Retailer.objects.filter(status="active").order_by("pk").first()
    customer_value_nightly(today=city)
    before = CustomerValue.objects.get(value_run__is_current=True, retailer=shop).risk
    signals["satisfaction"] = pd.DataFrame({"index": [20.0], "wave_id": [1]}, index=pd.Index([shop.pk]))
    customer_value_nightly(today=city)
    row = CustomerValue.objects.get(value_run__is_current=True, retailer=shop)
    # index 20 ≤ 40: the full signal, 15 points out of 100 (a sum of exact points, so no rounding shift)
    assert before - 1 <= row.risk - 15 <= before + 1
    assert not any("satisfaction" in f.name for f in CustomerValue._meta.fields)


def test_registered_after_the_profitability_job_and_run_by_run_nightly(city, signals):
    names = [name for name, _service in settings.NIGHTLY_JOBS]
    assert names.index("customer_value") > names.index("profit_figures")  # it reads tonight's figures
    if "surveys_close" in names:  # waves due to close tonight count in the satisfaction signal
        assert names.index("customer_value") > names.index("surveys_close")
    results = run_nightly(only=["profit_figures", "customer_value"])
    assert results["customer_value"]["retailers"] == Retailer.objects.filter(status="active").count()


def test_no_profitability_figures_yet(db, signals):
    counts = customer_value_nightly(today=dt.date(2026, 3, 25))
    assert counts["retailers"] == 0
    assert not ValueRun.objects.exists()


def test_money_is_stored_in_yuan(values):
    row = CustomerValue.objects.filter(value_run__is_current=True, cartons__gt=0).first()
    assert isinstance(row.gross_profit, Decimal)
    # the value per carton is the purchase amount ÷ cartons kept, in yuan (the demo's prices are 50–1,000 a carton)
    assert Decimal(10) < row.value_per_carton < Decimal(2000)


def test_with_the_request_and_survey_apps_as_built(city, profits, shop):
    """No stand-ins: requests filed through `service_requests` reach the score through `request_signals`."""
    filed = dt.datetime.combine(city - dt.timedelta(days=20), dt.time(10), tzinfo=dt.UTC)
    for days in (0, 3):  # the second repeats the first's category within 90 days; both past due, unanswered
        request_file(user=shop.user, category="quota", text="货不够", now=filed + dt.timedelta(days=days))
    counts = customer_value_nightly(today=city)
    assert counts["with_requests"] == 1
    row = CustomerValue.objects.get(value_run__is_current=True, retailer=shop)
    # 2 overdue ≥ 1 → 15 points; 1 repeat ÷ 2 → 5 points; not rated → 0
    assert (row.open_overdue, row.repeated, row.points_unanswered, row.points_repeated) == (2, 1, 15, 5)
    assert row.mean_rating is None


def test_a_retailers_own_survey_answers_never_reach_its_score(city, profits, manager1, manager2):
    """Survey anonymity: the satisfaction part of the churn score is the group's figure (here manager1's 5
    answers, over 5: shown on their results page), the same for every shop of manager1, so a shop that
    answered the worst moves exactly as much as one that was never asked; manager2's shops not at all."""
    supervisor_user = get_user_model().objects.get(username="supervisor")
    questionnaire = Questionnaire.objects.create(name="测评")
    dimension = Dimension.objects.create(questionnaire=questionnaire, code="s", name="供应", position=1)
    Item.objects.create(questionnaire=questionnaire, dimension=dimension, text="供应满意吗", position=1)
    wave = make_wave(questionnaire, opens_on=city, closes_on=city + dt.timedelta(days=7))
    wave_open(wave=wave, actor=supervisor_user, today=city)
    wave.refresh_from_db()
    band = Retailer.objects.filter(manager=manager1, status="active", tier__gte=11, tier__lte=20).order_by("pk")
    worst, *others = list(band[:5])
    answer(wave, worst, [1])  # 0 of 100
    for shop in others:
        answer(wave, shop, [3])  # 50: the group's index (0 + 4 × 50) / 5 = 40 → (80 − 40) ÷ 40 = 1 → 15 points
    customer_value_nightly(today=city)  # the wave still open: no survey signal yet
    before = current_rows().set_index("retailer_id")["risk"]
    wave_close(wave=wave, actor=supervisor_user)
    counts = customer_value_nightly(today=city)
    after = current_rows().set_index("retailer_id")["risk"]
    mine = list(Retailer.objects.filter(manager=manager1, status="active").values_list("pk", flat=True))
    theirs = list(Retailer.objects.filter(manager=manager2, status="active").values_list("pk", flat=True))
    assert counts["with_satisfaction"] == len(mine)  # every shop of manager1, asked or not
    moved = (after - before).reindex(mine)
    assert ((moved == 15) | (after.reindex(mine) == 100)).all()
    assert moved[worst.pk] == moved[band[5].pk] == 15  # answered 0, never asked: the same
    assert ((after - before).reindex(theirs) == 0).all()
