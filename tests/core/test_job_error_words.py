"""An error a job fails with is kept on its run language-neutral (issue 19): a refusal raised inside a job
(a run of the same job under way, a cycle already published, a file that cannot be read) is raised as a
`DomainError(Reason(...))`, so the run's page and `Run.error_words` read it in the reader's language,
whatever language the worker spoke. `str(exc)` still reads in the language of whoever shows it."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import translation

from allocation.services import allocation_run_start
from core.exceptions import DomainError, RunOverlap, reason_of
from core.imports.base import import_file
from core.imports.reading import UnreadableFile
from core.models import Run, RunStatus
from core.nightly import NightlyJob, run_nightly_job
from core.runs import run_start
from cycles.models import CycleStatus, OrderCycle
from cycles.services import cycle_get_or_create
from tests.words import EN, ZH, shown

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("language_restored")]

MONDAY = dt.date(2026, 11, 30)


def refused_by_a_run_under_way() -> dict:
    """A nightly job's service that starts a job already running (RunOverlap inside the nightly job)."""
    run_start(job="allocation", scope="2026-12-1")
    return {}


def refused_by_a_published_cycle() -> dict:
    """A nightly job's service asking for a run of a cycle already published."""
    allocation_run_start(cycle=OrderCycle.objects.get(starts_on=MONDAY))
    return {}


def _nightly_failed(service: str, language: str) -> Run:
    job = NightlyJob("allocation_nightly", f"{__name__}.{service}")
    with translation.override(language), pytest.raises(DomainError):  # the worker speaks `language`
        run_nightly_job(job)
    run = Run.objects.get(job="allocation_nightly")
    assert run.status == RunStatus.FAILED
    assert run.error.startswith('{"msgid"')  # kept as its msgid and values, in no one language
    return run


def _read(client, run: Run) -> dict[str, str]:
    with translation.override("en"):
        english = run.error_words
    with translation.override("zh-hans"):
        chinese = run.error_words
    pages = {
        language: shown(client.get(reverse("admin:core_run_change", args=[run.pk]), **headers).content)
        for language, headers in (("en", EN), ("zh-hans", ZH))
    }
    assert english in pages["en"]
    assert chinese in pages["zh-hans"]
    return {"en": english, "zh-hans": chinese}


@pytest.mark.parametrize("worker", ["zh-hans", "en"])
def test_a_nightly_job_refused_by_a_run_under_way_reads_in_each_language(client, supervisor, worker):
    running = run_start(job="allocation", scope="2026-12-1")
    run = _nightly_failed("refused_by_a_run_under_way", worker)
    client.force_login(supervisor)
    words = _read(client, run)
    assert words["en"].startswith(f"Allocation is already running for 2026-12-1 (run #{running.pk}, last sign of life")
    assert words["zh-hans"].startswith(f"货源投放 已在为 2026-12-1 运行（运行 #{running.pk}，最近活动在")
    assert "运行" not in words["en"]


@pytest.mark.parametrize("worker", ["zh-hans", "en"])
def test_a_nightly_job_refused_by_a_published_cycle_reads_in_each_language(client, supervisor, worker):
    cycle = cycle_get_or_create(starts_on=MONDAY)
    OrderCycle.objects.filter(pk=cycle.pk).update(status=CycleStatus.PUBLISHED)
    run = _nightly_failed("refused_by_a_published_cycle", worker)
    client.force_login(supervisor)
    words = _read(client, run)
    assert words["en"] == f"Cycle {cycle.label} is Published: it changes only by audited exceptions."
    with translation.override("zh-hans"):
        assert "已发布" in words["zh-hans"]
        assert words["zh-hans"] != words["en"]


@pytest.mark.parametrize("worker", ["zh-hans", "en"])
def test_an_import_of_an_unreadable_file_reads_in_each_language(client, supervisor, tmp_path, worker):
    empty = tmp_path / "products.csv"
    empty.write_bytes(b"")
    with translation.override(worker), pytest.raises(UnreadableFile):
        import_file(kind="products", source=empty, name="products.csv")
    run = Run.objects.get(job="import_products")
    client.force_login(supervisor)
    words = _read(client, run)
    assert words["en"] == "products.csv cannot be read: the file is empty. Nothing was written."
    assert "products.csv" in words["zh-hans"]
    assert "empty" not in words["zh-hans"]


def test_the_refusal_still_reads_in_the_language_of_whoever_shows_it():
    cycle = cycle_get_or_create(starts_on=MONDAY)
    OrderCycle.objects.filter(pk=cycle.pk).update(status=CycleStatus.PUBLISHED)
    with pytest.raises(DomainError) as refused:
        allocation_run_start(cycle=cycle)
    assert reason_of(refused.value) is not None
    with translation.override("en"):
        english = str(refused.value)
    with translation.override("zh-hans"):
        chinese = str(refused.value)
    assert english.startswith(f"Cycle {cycle.label} is Published")
    assert "已发布" in chinese
    run_start(job="allocation", scope="x")
    with pytest.raises(RunOverlap) as overlap:
        run_start(job="allocation", scope="x")
    with translation.override("zh-hans"):
        assert str(overlap.value).startswith("货源投放 已在为 x 运行")
