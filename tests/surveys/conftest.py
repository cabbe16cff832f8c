"""Small survey worlds built by hand: a questionnaire of two dimensions, two managers' retailers."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone, translation

from accounts.models import Role
from surveys.models import Dimension, Item, Questionnaire, SampleMode, Wave, WaveStatus
from surveys.services import invitation_answer, wave_close, wave_open
from tests.factories import RetailerFactory, UserFactory

NA = None  # "don't know"


@pytest.fixture(autouse=True)
def _default_language(settings):
    """Each test in the default language (zh-hans), and none leaves another one active: a page read
    in English through the test client keeps English active in this thread after the request."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def questionnaire(db):
    """A (2 questions) and B (1 question, "don't know" allowed), then the overall question; scale 1–5."""
    q = Questionnaire.objects.create(name="测试问卷")
    a = Dimension.objects.create(questionnaire=q, code="a", name="维度A", position=1)
    b = Dimension.objects.create(questionnaire=q, code="b", name="维度B", position=2)
    Item.objects.create(questionnaire=q, dimension=a, text="A1", position=1)
    Item.objects.create(questionnaire=q, dimension=a, text="A2", position=2)
    Item.objects.create(questionnaire=q, dimension=b, text="B1", position=1, allow_not_applicable=True)
    Item.objects.create(questionnaire=q, dimension=None, text="总体", position=1)
    return q


@pytest.fixture
def shops(manager_a, manager_b):
    """manager_a: a1–a6 (a1–a3 tier 5, a4–a6 tier 25; a6 a grocery), manager_b: b1–b3 (tier 15); all urban."""
    out = {}
    for i, tier in enumerate([5, 5, 5, 25, 25, 25], start=1):
        out[f"a{i}"] = RetailerFactory(manager=manager_a, tier=tier, business_format="B" if i == 6 else "Z")
    for i in range(1, 4):
        out[f"b{i}"] = RetailerFactory(manager=manager_b, tier=15)
    return out


def give_login(retailer):
    user = UserFactory(username=retailer.license_no, role=Role.RETAILER, is_staff=False)
    retailer.user = user
    retailer.save(update_fields=["user"])
    return user


def make_wave(questionnaire, *, opens_on: dt.date, closes_on: dt.date, name: str = "测评", **fields) -> Wave:
    return Wave.objects.create(
        name=name, questionnaire=questionnaire, opens_on=opens_on, closes_on=closes_on,
        sample_mode=fields.pop("sample_mode", SampleMode.ALL), seed=fields.pop("seed", 7), **fields,
    )  # fmt: skip


def answer(wave: Wave, retailer, scores: list, *, actor=None):
    """`scores` in the wave's question order (A1, A2, B1, overall here)."""
    now = timezone.make_aware(dt.datetime.combine(wave.opens_on, dt.time(10)))
    return invitation_answer(
        wave_id=wave.pk, retailer=retailer, answers=dict(zip(wave.item_ids, scores, strict=True)), actor=actor, now=now
    )


@pytest.fixture
def answered_waves(questionnaire, shops, supervisor):
    """A previous wave (January) and the current one (June), both asked of everyone and closed.

    Previous: a1–a5 all 3s, a6 all 5s, b1 all 1s. Current (A1, A2, B1, overall):
    a1 5 5 5 5 · a2 4 4 4 4 · a3 3 3 3 3 · a4 2 4 3 4 · a5 1 1 1 1 · b1 5 3 – 4 · b2 2 2 2 2 (a6, b3 silent)."""
    previous = make_wave(questionnaire, opens_on=dt.date(2026, 1, 5), closes_on=dt.date(2026, 1, 31), name="上半年前")
    wave_open(wave=previous, actor=supervisor, today=dt.date(2026, 1, 5))
    previous.refresh_from_db()
    for key in ("a1", "a2", "a3", "a4", "a5"):
        answer(previous, shops[key], [3, 3, 3, 3])
    answer(previous, shops["a6"], [5, 5, 5, 5])
    answer(previous, shops["b1"], [1, 1, 1, 1])
    wave_close(wave=previous, actor=supervisor)
    current = make_wave(questionnaire, opens_on=dt.date(2026, 6, 1), closes_on=dt.date(2026, 6, 30), name="2026年")
    wave_open(wave=current, actor=supervisor, today=dt.date(2026, 6, 1))
    current.refresh_from_db()
    for key, scores in {
        "a1": [5, 5, 5, 5], "a2": [4, 4, 4, 4], "a3": [3, 3, 3, 3], "a4": [2, 4, 3, 4], "a5": [1, 1, 1, 1],
        "b1": [5, 3, NA, 4], "b2": [2, 2, 2, 2],
    }.items():  # fmt: skip
        answer(current, shops[key], scores)
    wave_close(wave=current, actor=supervisor)
    current.refresh_from_db()
    previous.refresh_from_db()
    assert current.status == previous.status == WaveStatus.CLOSED
    return previous, current
