"""A run's page names its repeat violators by count, never by database ids (the walker saw
"屡次违规户 18、52、55、57…")."""

import pytest
from django.urls import reverse

from allocation.models import AllocationRun
from core.models import Run, RunStatus
from cycles.services import cycle_get_or_create

pytestmark = pytest.mark.django_db


def test_the_run_page_counts_the_repeat_violators(client, supervisor):
    import datetime as dt

    cycle = cycle_get_or_create(starts_on=dt.date(2026, 11, 30))
    run = AllocationRun.objects.create(
        run=Run.objects.create(job="allocation", status=RunStatus.SUCCEEDED), cycle=cycle, is_complete=True,
        policy={"name": "标准", "violation_factor": 0.5, "repeat_violators": [18, 52, 55, 1057]},
    )  # fmt: skip
    client.force_login(supervisor)
    body = client.get(reverse("admin:allocation_allocationrun_change", args=[run.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans")
    text = body.content.decode()
    assert "4 户" in text
    assert "1057" not in text
    assert "18、52" not in text
