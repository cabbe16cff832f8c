"""The beat's pages (周期性任务, django-celery-beat) in words, in each language: an entry by the words the
settings give it, never its code ("classify_monthly"), a task by its words, a crontab described in the
reader's language with its time zone ("在 01:30（北京时间）"), never "30 1 * * * (m/h/dM/MY/d)"; the
headings translated ("Scheduler", "Crontab translation", "Human readable" were English)."""

from __future__ import annotations

import re

import pytest
from django_celery_beat.models import CrontabSchedule, PeriodicTask

from core.schedules import schedules_sync
from tests.words import EN, ZH, shown

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("language_restored")]

CODES = ("classify_monthly", "runs_fail_stale", "requests_escalate", "core.nightly", "tiers.classify", "(m/h/dM/MY/d)")


@pytest.fixture
def entries(supervisor):
    schedules_sync()
    return PeriodicTask.objects.get(name="nightly")


def _no_codes(text: str) -> None:
    for code in CODES:
        assert code not in text
    assert not re.search(r"\bnightly\b", text)


def test_the_periodic_tasks_list_reads_in_words(client, supervisor, entries):
    client.force_login(supervisor)
    zh = shown(client.get("/admin/django_celery_beat/periodictask/", **ZH).content)
    en = shown(client.get("/admin/django_celery_beat/periodictask/", **EN).content)
    for words in ("夜间作业", "每月档位分类", "将失去响应的作业运行标记为失败", "在 01:30（北京时间）", "每分钟（北京时间）", " 时间表 ", "按任务"):
        assert words in zh
    for words in ("Nightly jobs", "Monthly tier classification", "At 01:30 (Beijing time)", "Every minute (Beijing time)"):
        assert words in en
    assert "Scheduler" not in zh
    assert "Scheduler" not in en
    assert "Task Name" not in zh
    _no_codes(zh)
    _no_codes(en)


def test_a_periodic_task_page_offers_tasks_and_crontabs_in_words(client, supervisor, entries):
    client.force_login(supervisor)
    url = f"/admin/django_celery_beat/periodictask/{entries.pk}/change/"
    zh_page = client.get(url, **ZH).content.decode()
    en_page = client.get(url, **EN).content.decode()
    zh, en = shown(zh_page.encode()), shown(en_page.encode())
    for words in ("时间表说明 在 01:30（北京时间）", "检查后台进程是否响应", "档位分类", " 时间表 ", " 参数 "):
        assert words in zh
    for words in ("Schedule in words At 01:30 (Beijing time)", "Check that a worker answers", "Tier classification"):
        assert words in en
    assert "Crontab translation" not in zh
    assert "Arguments" not in zh
    assert 'value="夜间作业"' in zh_page  # the name, in words; saved back as its code
    _no_codes(zh)
    _no_codes(en)


def test_an_entry_named_in_words_is_saved_by_its_code(entries):
    from core.admin_libraries import PeriodicTaskWordsForm

    form = PeriodicTaskWordsForm(instance=entries)
    data = {name: form[name].value() for name in form.fields}
    data = {k: v for k, v in data.items() if v is not None}
    assert data["name"] == "夜间作业"
    bound = PeriodicTaskWordsForm(data=data, instance=entries)
    assert bound.is_valid(), bound.errors
    assert bound.save().name == "nightly"


def test_the_crontabs_list_describes_each_in_words(client, supervisor, entries):
    client.force_login(supervisor)
    crontab = CrontabSchedule.objects.get(minute="30", hour="1")
    zh = shown(client.get("/admin/django_celery_beat/crontabschedule/", **ZH).content)
    en = shown(client.get("/admin/django_celery_beat/crontabschedule/", **EN).content)
    page = shown(client.get(f"/admin/django_celery_beat/crontabschedule/{crontab.pk}/change/", **ZH).content)
    assert "在 01:30（北京时间）" in zh
    assert "在 03:00, 每月的 1 号（北京时间）" in zh
    assert "At 01:30 (Beijing time)" in en
    assert "Human readable" not in zh
    assert "Human readable" not in en
    assert "时间表说明 在 01:30（北京时间）" in page
    assert "夜间作业" in page  # the entries using it, in words
    _no_codes(zh)
