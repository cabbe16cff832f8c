"""Why a wave was closed (its closing day passed; a supervisor closed it) is kept language-neutral on its
audit entry and read in the reader's language (issue 19)."""

import datetime as dt

import pytest
from django.utils import translation

from core.models import AuditEntry
from surveys.models import WaveStatus
from surveys.services import surveys_close_due

from .conftest import make_wave

pytestmark = pytest.mark.django_db


def test_a_wave_closed_by_its_day_reads_in_each_language(questionnaire):
    wave = make_wave(
        questionnaire, opens_on=dt.date(2026, 6, 1), closes_on=dt.date(2026, 6, 10), status=WaveStatus.OPEN
    )
    assert surveys_close_due(today=dt.date(2026, 6, 11)) == {"waves_closed": 1}
    entry = AuditEntry.objects.get(action="survey_wave_closed", object_id=str(wave.pk))
    with translation.override("en"):
        assert entry.reason_words == "closing day passed"
    with translation.override("zh-hans"):
        assert entry.reason_words == "已过截止日期"
