"""Questionnaires, opening and closing waves, and answering once (surveys/services.py)."""

import datetime as dt

import pytest
from django.utils import timezone

from core.models import AuditEntry
from surveys.models import Invitation, Questionnaire, SampleMode, WaveStatus
from surveys.services import (
    AlreadyAnswered,
    InvalidAnswers,
    NotSampled,
    WaveNotOpen,
    WaveStateError,
    invitation_answer,
    questionnaire_copy,
    questionnaire_standard_create,
    surveys_close_due,
    wave_close,
    wave_open,
)
from tests.factories import RetailerFactory
from tests.surveys.conftest import NA, answer, make_wave

JUNE = dt.date(2026, 6, 1)


def test_standard_questionnaire_has_the_city_practice_seven_dimensions(supervisor):
    q = questionnaire_standard_create(actor=supervisor)
    dims = list(q.dimensions.order_by("position"))
    assert [d.name for d in dims] == ["卷烟供应", "订货服务", "送货服务", "客户经理", "货款结算", "投诉服务", "专管员"]
    assert [d.code for d in dims] == ["supply", "ordering", "delivery", "manager", "settlement", "complaints", "regulation"]
    assert q.items.filter(dimension__isnull=False).count() == 32
    assert q.items.filter(dimension__isnull=True).count() == 1  # the overall question
    assert q.scale == "1-5"
    assert set(q.items.filter(allow_not_applicable=True).values_list("dimension__code", flat=True)) == {"complaints"}
    copy = questionnaire_copy(questionnaire=q, actor=supervisor)
    assert copy.pk != q.pk
    assert copy.items.count() == 33
    assert sorted(copy.dimensions.values_list("code", flat=True)) == sorted(d.code for d in dims)
    assert all(i.dimension is None or i.dimension.questionnaire_id == copy.pk for i in copy.items.all())
    assert Questionnaire.objects.count() == 2


def test_opening_draws_and_records_the_sample(questionnaire, shops, supervisor, manager_a):
    RetailerFactory(manager=manager_a, status="closed")  # a closed shop is never asked
    wave = make_wave(questionnaire, opens_on=JUNE, closes_on=JUNE + dt.timedelta(days=29))
    drawn = wave_open(wave=wave, actor=supervisor, today=JUNE)
    wave.refresh_from_db()
    assert drawn == 9 == wave.invitations.count()
    assert wave.status == WaveStatus.OPEN
    # questions in order: dimension A's two, B's, then the overall question
    assert [questionnaire.items.get(pk=pk).text for pk in wave.item_ids] == ["A1", "A2", "B1", "总体"]
    a6 = Invitation.objects.get(wave=wave, retailer=shops["a6"])
    assert (a6.manager_id, a6.tier, a6.tier_band, a6.market_type, a6.business_format) == (
        manager_a.pk, 25, "D21–D30", "urban", "B",
    )  # fmt: skip
    assert a6.answered_at is None
    assert a6.scores is None
    entry = AuditEntry.objects.get(action="survey_wave_opened")
    assert entry.after["sampled"] == 9
    assert entry.actor == supervisor
    assert questionnaire.in_use
    with pytest.raises(WaveStateError):
        wave_open(wave=wave, actor=supervisor, today=JUNE)


def test_a_share_per_manager_with_a_floor(questionnaire, shops, supervisor, manager_a, manager_b):
    # manager_a 6 shops, manager_b 3: 10% with at least 4 → 4 of manager_a's, all 3 of manager_b's
    wave = make_wave(questionnaire, opens_on=JUNE, closes_on=JUNE, sample_mode=SampleMode.SHARE, sample_percent=10,
                     sample_minimum=4)  # fmt: skip
    assert wave_open(wave=wave, actor=supervisor, today=JUNE) == 7
    per_manager = {m: wave.invitations.filter(manager=m).count() for m in (manager_a, manager_b)}
    assert per_manager == {manager_a: 4, manager_b: 3}
    # manager_a's strata (tier band × market type): D1–D10 3 and D21–D30 3 → 4 × 3 / 6 = 2 each
    assert sorted(wave.invitations.filter(manager=manager_a).values_list("tier_band", flat=True)) == [
        "D1–D10", "D1–D10", "D21–D30", "D21–D30",
    ]  # fmt: skip


def test_opening_refuses_a_wave_past_its_closing_day(questionnaire, shops, supervisor):
    wave = make_wave(questionnaire, opens_on=JUNE, closes_on=JUNE)
    with pytest.raises(WaveStateError):
        wave_open(wave=wave, actor=supervisor, today=JUNE + dt.timedelta(days=1))
    assert wave.invitations.count() == 0


def _open(questionnaire, supervisor, **fields):
    wave = make_wave(questionnaire, opens_on=JUNE, closes_on=JUNE + dt.timedelta(days=9), **fields)
    wave_open(wave=wave, actor=supervisor, today=JUNE)
    wave.refresh_from_db()
    return wave


def test_a_retailer_answers_once(questionnaire, shops, supervisor):
    wave = _open(questionnaire, supervisor)
    invitation = answer(wave, shops["a1"], [5, 4, NA, 3])
    invitation.refresh_from_db()
    assert invitation.scores == [5, 4, None, 3]
    assert invitation.answered_at is not None
    entry = AuditEntry.objects.get(action="survey_answered")
    assert entry.object_id == str(wave.pk)
    assert entry.after is None
    with pytest.raises(AlreadyAnswered):
        answer(wave, shops["a1"], [1, 1, 1, 1])
    invitation.refresh_from_db()
    assert invitation.scores == [5, 4, None, 3]


@pytest.mark.parametrize(
    ("scores", "bad"),
    [
        ([5, 4, 3, NA], 3),  # the overall question does not allow "don't know"
        ([6, 4, 3, 3], 0),  # off the scale
        ([0, 4, 3, 3], 0),
        ([True, 4, 3, 3], 0),  # not a number
    ],
)
def test_bad_answers_are_refused_and_nothing_is_written(questionnaire, shops, supervisor, scores, bad):
    wave = _open(questionnaire, supervisor)
    with pytest.raises(InvalidAnswers) as caught:
        answer(wave, shops["a1"], scores)
    assert list(caught.value.errors) == [wave.item_ids[bad]]
    assert Invitation.objects.get(wave=wave, retailer=shops["a1"]).answered_at is None


def test_missing_and_unknown_questions_are_refused(questionnaire, shops, supervisor):
    wave = _open(questionnaire, supervisor)
    now = timezone.make_aware(dt.datetime.combine(dt.date(2026, 6, 2), dt.time(9)))
    with pytest.raises(InvalidAnswers) as caught:
        invitation_answer(wave_id=wave.pk, retailer=shops["a1"], answers={wave.item_ids[0]: 3}, actor=None, now=now)
    assert sorted(caught.value.errors) == sorted(wave.item_ids[1:])
    answers = {**dict.fromkeys(wave.item_ids, 3), 999_999: 3}
    with pytest.raises(InvalidAnswers) as caught:
        invitation_answer(wave_id=wave.pk, retailer=shops["a1"], answers=answers, actor=None, now=now)
    assert list(caught.value.errors) == [999_999]


def test_only_sampled_retailers_and_only_while_open(questionnaire, shops, supervisor, manager_a):
    wave = _open(questionnaire, supervisor, sample_mode=SampleMode.SHARE, sample_percent=10, sample_minimum=1)
    drawn = set(wave.invitations.values_list("retailer_id", flat=True))
    outsider = next(r for r in shops.values() if r.pk not in drawn)
    insider = next(r for r in shops.values() if r.pk in drawn)
    full = dict.fromkeys(wave.item_ids, 3)

    def at(day):
        return timezone.make_aware(dt.datetime.combine(day, dt.time(12)))

    with pytest.raises(NotSampled):
        invitation_answer(wave_id=wave.pk, retailer=outsider, answers=full, actor=None, now=at(JUNE))
    with pytest.raises(WaveNotOpen):  # before it opens
        invitation_answer(wave_id=wave.pk, retailer=insider, answers=full, actor=None, now=at(JUNE - dt.timedelta(days=1)))
    with pytest.raises(WaveNotOpen):  # after its last day
        invitation_answer(wave_id=wave.pk, retailer=insider, answers=full, actor=None, now=at(wave.closes_on + dt.timedelta(days=1)))
    invitation_answer(wave_id=wave.pk, retailer=insider, answers=full, actor=None, now=at(wave.closes_on))  # the last day


def test_closing_by_hand_and_nightly(questionnaire, shops, supervisor):
    wave = _open(questionnaire, supervisor)
    assert surveys_close_due(today=wave.closes_on) == {"waves_closed": 0}
    assert surveys_close_due(today=wave.closes_on + dt.timedelta(days=1)) == {"waves_closed": 1}
    wave.refresh_from_db()
    assert wave.status == WaveStatus.CLOSED
    assert wave.closed_at is not None
    with pytest.raises(WaveStateError):
        wave_close(wave=wave, actor=supervisor)
    with pytest.raises(WaveNotOpen):
        answer(wave, shops["a1"], [3, 3, 3, 3])
    draft = make_wave(questionnaire, opens_on=JUNE, closes_on=JUNE)
    with pytest.raises(WaveStateError):
        wave_close(wave=draft, actor=supervisor)
