"""A job run's page and the runs list in words, in each language: every count a job writes by a label
(never its key: "Ups", "Weekly rows"), a coded value in words ("none" → 无), the run's scope under a
heading that fits every job; and one night's job is one row in the list, not its chain's run beside it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.utils import translation

from core.models import Run, RunStatus
from core.nightly import NIGHTLY_JOBS, run_nightly
from tests.words import EN, ZH, shown

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("language_restored")]

RUNS = {
    "customer_value": {
        "weekly_rows": 75556, "retailers": 2906, "risk_at_visit_level": 0, "with_orders": 2869,
        "with_requests": 155, "signals_missing": "none",
    },
    "classify_retailers": {"retailers": 2906, "ups": 1217, "downs": 1101, "proposal": 1},
    "allocation": {"lines": 118, "cells": 148, "target": 786046, "released": 786046},
}  # fmt: skip
WORDS = {
    "customer_value": (
        ["读取的周数据行数 75,556", "流失风险达到拜访线的零售户 0", "有订货数据的零售户 2,869", "无数据的信号 无"],
        ["Weekly rows read 75,556", "Risk at the visit-list level or above 0", "With order figures 2,869",
         "Signals with no data none"],
    ),
    "classify_retailers": (
        ["升档户数 1,217", "降档户数 1,101", "调档方案编号 1", "分类方案编号 3"],
        ["Retailers moving up 1,217", "Retailers moving down 1,101", "Tier proposal no. 1", "Classification scheme no. 3"],
    ),
    "allocation": (
        ["货源计划行数 118", "投放单元数 148", "投放量（条） 786,046"],
        ["Supply plan lines 118", "Allocation cells 148", "Target (cartons) 786,046"],
    ),
}  # fmt: skip
KEYS_SHOWN = ["Weekly rows", "Risk at visit level", "With orders", "Ups", "Downs", "Proposal", "Lines", "Cells", "none"]


@pytest.mark.parametrize("job", RUNS)
def test_a_run_page_names_every_count_in_each_language(client, supervisor, job):
    run = Run.objects.create(
        job=job, status=RunStatus.SUCCEEDED, counts=RUNS[job], params={"scheme": 3} if job == "classify_retailers" else {}
    )
    client.force_login(supervisor)
    zh = shown(client.get(f"/admin/core/run/{run.pk}/change/", **ZH).content)
    en = shown(client.get(f"/admin/core/run/{run.pk}/change/", **EN).content)
    for words in WORDS[job][0]:
        assert words in zh
    for words in WORDS[job][1]:
        assert words in en
    for key in KEYS_SHOWN:
        assert f" {key} " not in zh


def test_the_missing_signals_read_as_words():
    run = Run.objects.create(job="customer_value", counts={"signals_missing": "requests, satisfaction"})
    from core.labels import run_counts_words

    with translation.override("zh-hans"):
        assert "无数据的信号</dt><dd>客户诉求、满意度测评" in run_counts_words(run.job, run.counts)
    with translation.override("en"):
        assert "Signals with no data</dt><dd>requests and complaints、satisfaction survey" in run_counts_words(
            run.job, run.counts
        )


def test_every_count_key_of_the_nightly_jobs_has_a_label():
    """Every key the nightly jobs count (on an empty city: the paths with nothing to do too) reads in
    Chinese, by a label of the settings or the catalog."""
    from core.labels import count_label

    run_nightly()
    keys = {(run.job, key) for run in Run.objects.all() for key in run.counts}
    assert keys
    words = settings.RUN_COUNT_LABELS["*"]
    for job, key in keys:
        with translation.override("zh-hans"):
            label = count_label(job, key)
        assert any("\u4e00" <= ch <= "\u9fff" for ch in label), (job, key, label)
        assert key in words or key in settings.RUN_COUNT_LABELS.get(job, {}) or label != key.replace("_", " ")


def test_one_night_is_one_run_per_job(client, supervisor):
    """A job whose service keeps its own run (dated by the night) is not wrapped in a second, undated
    run of the same job: the list shows each nightly job once."""
    run_nightly()
    per_job = {job.name: Run.objects.filter(job=job.name).count() for job in NIGHTLY_JOBS}
    assert per_job == {job.name: 1 for job in NIGHTLY_JOBS}
    dated = Run.objects.get(job="customer_value")
    assert dated.scope  # the night's date
    client.force_login(supervisor)
    zh = shown(client.get("/admin/core/run/", **ZH).content)
    en = shown(client.get("/admin/core/run/", **EN).content)
    day = dt.date.fromisoformat(dated.scope)
    assert " 范围 " in zh
    assert "投放范围" not in zh
    assert f"{day.year}年{day.month}月{day.day}日" in zh
    assert " Scope " in en
