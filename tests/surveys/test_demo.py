"""The demo city's surveys: two closed waves with answers and one open to every retailer."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model

from demo.services import demo_city_create
from demo.surveys import demo_surveys_create
from retailers.models import Retailer
from surveys.models import Wave, WaveStatus
from surveys.selectors import wave_results

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 25)


def test_demo_surveys(supervisor):
    demo_city_create(retailers=600, products=10, weeks=2, seed=5, today=TODAY)
    message = demo_surveys_create(today=TODAY)
    assert message.startswith("survey waves: 2 closed")
    waves = list(Wave.objects.order_by("opens_on"))
    assert [w.status for w in waves] == [WaveStatus.CLOSED, WaveStatus.CLOSED, WaveStatus.OPEN]
    assert waves[2].opens_on <= TODAY <= waves[2].closes_on
    assert waves[2].invitations.count() == Retailer.objects.filter(status="active").count()  # everyone active
    boss = get_user_model().objects.get(username="supervisor")
    results = wave_results(wave=waves[1], user=boss, levels=["manager", "tier_band"])
    assert results.previous == waves[0]
    assert results.answered > 0.7 * results.sampled
    assert 40 < results.total.overall < 95
    assert results.total.overall_change is not None
    assert all(p.importance is not None for p in results.ipa)
    # The demo's scores spread: some dimensions done above the mean, some below. Which quadrants
    # exactly depends on the draw (ids differ between SQLite and PostgreSQL), so only that is held.
    found = {p.quadrant for p in results.ipa}
    assert found <= {"keep", "improve", "secondary", "maintain"}
    assert found & {"keep", "maintain"}
    assert found & {"improve", "secondary"}
    manager1 = get_user_model().objects.get(username="manager1")
    mine = wave_results(wave=waves[1], user=manager1, levels=["tier_band"])
    assert mine.answered >= 5
    assert mine.total.overall is not None
    assert demo_surveys_create(today=TODAY) == "survey waves exist: none added"

