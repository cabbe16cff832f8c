"""A job run's time reads the same on its list and its page (tester 2026-11-27: the page read 耗时（秒）—
beside the list's 1.2, its empty per-step timings under the same label)."""

import datetime as dt
import re
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from core.models import Run, RunStatus

pytestmark = pytest.mark.django_db


def _text(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def test_the_run_page_reads_the_duration_the_list_shows(client, supervisor):
    start = timezone.now() - dt.timedelta(minutes=5)
    run = Run.objects.create(job="allocation", status=RunStatus.SUCCEEDED, started_at=start,
                             finished_at=start + dt.timedelta(seconds=1.2), actor=supervisor)  # fmt: skip
    staged = Run.objects.create(job="classify_retailers", status=RunStatus.SUCCEEDED, started_at=start,
                                finished_at=start + dt.timedelta(seconds=3), timings={"read and score": 2.5},
                                actor=supervisor)  # fmt: skip
    client.force_login(supervisor)
    listing = _text(client.get(reverse("admin:core_run_changelist")).content.decode())
    assert "1.2" in listing
    page = _text(client.get(reverse("admin:core_run_change", args=[run.pk])).content.decode())
    assert "耗时（秒） 1.2" in page
    assert "各步耗时（秒）" not in page  # no steps kept: no empty line
    page = _text(client.get(reverse("admin:core_run_change", args=[staged.pk])).content.decode())
    assert "耗时（秒） 3.0" in page
    assert "各步耗时（秒）" in page
    assert "2.5" in page
