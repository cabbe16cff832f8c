"""The demo city's satisfaction surveys (docs/domain.md §9): two closed waves of the standard
questionnaire a year apart-ish (10% of each manager's retailers, at least 10; most of them answered),
so the results, the change on the previous wave and the importance–performance chart show
something, and one wave open now to every retailer, so a demo retailer login can answer on its phone.

The answers come from a small model: each respondent has a general mood, each dimension its own
level (supply and complaint handling lowest) and its own weight in the overall question (supply and
the customer manager weigh most), each customer manager a small effect on their own dimension; one
respondent in five says "don't know" to the complaint questions."""

from __future__ import annotations

import datetime as dt

import numpy as np
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from core.exceptions import Reason
from surveys.models import Invitation, Item, SampleMode, Wave
from surveys.services import questionnaire_standard_create, wave_close, wave_open

from .services import SUPERVISOR

# per dimension code: mean score on 1–5, weight in the overall question
LEVELS = {"supply": 3.6, "ordering": 4.3, "delivery": 4.4, "manager": 4.1, "settlement": 4.5, "complaints": 3.8,
          "regulation": 4.1}  # fmt: skip
WEIGHTS = {"supply": 0.35, "ordering": 0.1, "delivery": 0.08, "manager": 0.25, "settlement": 0.04, "complaints": 0.12,
           "regulation": 0.06}  # fmt: skip
RESPONSE_RATE = 0.85


def _half_year(day: dt.date) -> str:
    return f"{day.year}年{'上' if day.month <= 6 else '下'}半年零售客户满意度测评"


def _answer_closed_wave(wave: Wave, rng: np.random.Generator, *, lift: float) -> int:
    """Scores for most of the wave's drawn retailers (the model above), written as they were answered."""
    items = {i.pk: i for i in Item.objects.filter(pk__in=wave.item_ids).select_related("dimension")}
    codes = [items[pk].dimension.code if items[pk].dimension else "" for pk in wave.item_ids]
    allow_na = np.array([items[pk].allow_not_applicable for pk in wave.item_ids])
    invitations = list(wave.invitations.order_by("pk"))
    managers = sorted({i.manager_id or 0 for i in invitations})
    manager_effect = dict(zip(managers, rng.normal(0, 0.35, len(managers)), strict=True))
    answered = []
    for invitation in invitations:
        if rng.random() > RESPONSE_RATE:
            continue
        mood = rng.normal(0, 0.45)
        level = {
            code: mean + lift + mood + rng.normal(0, 0.45) + (manager_effect[invitation.manager_id or 0] if code == "manager" else 0)
            for code, mean in LEVELS.items()
        }  # fmt: skip
        overall = 4.0 + lift + sum(w * (level[c] - LEVELS[c] - lift) for c, w in WEIGHTS.items()) * 2.2 + rng.normal(0, 0.3)
        wants_na = rng.random() < 0.2
        scores = []
        for code, na in zip(codes, allow_na, strict=True):
            if na and wants_na:
                scores.append(None)
                continue
            raw = overall if code == "" else level[code] + rng.normal(0, 0.35)
            scores.append(int(np.clip(np.rint(raw), 1, 5)))
        day = wave.opens_on + dt.timedelta(days=int(rng.integers(0, (wave.closes_on - wave.opens_on).days + 1)))
        invitation.scores = scores
        invitation.answered_at = timezone.make_aware(dt.datetime.combine(day, dt.time(int(rng.integers(8, 21)))))
        answered.append(invitation)
    Invitation.objects.bulk_update(answered, ["scores", "answered_at"], batch_size=1000)
    return len(answered)


@transaction.atomic
def demo_surveys_create(*, today: dt.date | None = None, seed: int = 17) -> str:
    """The standard questionnaire, two closed waves with answers and one open wave."""
    today = today or timezone.localdate()
    if Wave.objects.exists():
        return "survey waves exist: none added"
    supervisor = get_user_model().objects.get(username=SUPERVISOR)
    rng = np.random.default_rng(seed)
    questionnaire = questionnaire_standard_create(actor=supervisor)
    counts = []
    for opens_on, lift in ((today - dt.timedelta(days=330), 0.0), (today - dt.timedelta(days=150), 0.08)):
        wave = Wave.objects.create(
            name=_half_year(opens_on), questionnaire=questionnaire, opens_on=opens_on,
            closes_on=opens_on + dt.timedelta(days=30), sample_mode=SampleMode.SHARE, sample_percent=10,
            sample_minimum=10, seed=int(rng.integers(1, 1_000_000)), created_by=supervisor,
        )  # fmt: skip
        drawn = wave_open(wave=wave, actor=supervisor, today=opens_on)
        wave.refresh_from_db()
        counts.append((drawn, _answer_closed_wave(wave, rng, lift=lift)))
        wave_close(wave=wave, actor=supervisor, reason=Reason(gettext_noop("demo city")))
    current = Wave.objects.create(
        name=_half_year(today), questionnaire=questionnaire, opens_on=today - dt.timedelta(days=3),
        closes_on=today + dt.timedelta(days=27), sample_mode=SampleMode.ALL, seed=int(rng.integers(1, 1_000_000)),
        created_by=supervisor,
    )  # fmt: skip
    open_to = wave_open(wave=current, actor=supervisor, today=today)
    closed = "; ".join(f"{answered} answers of {drawn} drawn" for drawn, answered in counts)
    return f"survey waves: 2 closed ({closed}), 1 open to {open_to} retailers"
