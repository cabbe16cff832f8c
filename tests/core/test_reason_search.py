"""The audit log's and the run list's search find a system reason by the words it reads with in the
reader's language (issue 19): the column keeps the reason as JSON with its English msgid, so 分钟 finds
"No sign of life for %(minutes)s minutes…" on a Chinese page, as "minutes" does on an English one."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from core.exceptions import Reason
from core.models import AuditEntry, Run, RunStatus
from core.runs import run_start, runs_fail_stale
from tests.words import EN, ZH

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("language_restored")]


@pytest.fixture
def kept(supervisor):
    """A run failed as stale (its error and audit entry kept as Reasons), a person's reason, another run."""
    with translation.override("zh-hans"):
        stale = run_start(job="inventory_advice", scope="2026-11-25")
        Run.objects.filter(pk=stale.pk).update(heartbeat_at=timezone.now() - dt.timedelta(hours=7))
        assert runs_fail_stale() == [stale.pk]
    typed = AuditEntry.objects.create(
        actor=supervisor, action="run.mark_failed", object_type="run", object_id="99", reason="工作进程所在服务器重启"
    )
    published = AuditEntry.objects.create(
        action="run.stale", object_type="run", object_id="98",
        reason=Reason("%(status)s", status=Reason("Published")).text(),  # a label kept inside a reason
    )  # fmt: skip
    other = Run.objects.create(job="allocation", scope="2026-11-26", status=RunStatus.FAILED, error="boom")
    return {
        "stale": AuditEntry.objects.get(action="run.stale", object_id=str(stale.pk)),
        "typed": typed,
        "published": published,
        "run": stale,
        "other": other,
    }


def _found(client, name: str, term: str, headers: dict) -> set[int]:
    response = client.get(reverse(name), {"q": term}, **headers)
    assert response.status_code == 200
    return {row.pk for row in response.context["cl"].result_list}


def test_the_audit_search_finds_a_system_reason_by_its_chinese_words(client, supervisor, kept):
    client.force_login(supervisor)
    assert "分钟" not in kept["stale"].reason  # kept as its English msgid
    assert _found(client, "admin:core_auditentry_changelist", "分钟", ZH) == {kept["stale"].pk}
    assert _found(client, "admin:core_auditentry_changelist", "没有活动迹象 420.0", ZH) == {kept["stale"].pk}
    assert _found(client, "admin:core_auditentry_changelist", "已发布", ZH) == {kept["published"].pk}
    assert _found(client, "admin:core_auditentry_changelist", "服务器重启", ZH) == {kept["typed"].pk}  # as typed
    assert _found(client, "admin:core_auditentry_changelist", "99", ZH) == {kept["typed"].pk}  # the rest as before


def test_the_audit_search_finds_a_system_reason_by_its_english_words(client, supervisor, kept):
    client.force_login(supervisor)
    assert _found(client, "admin:core_auditentry_changelist", "minutes", EN) == {kept["stale"].pk}
    assert _found(client, "admin:core_auditentry_changelist", "published", EN) == {kept["published"].pk}
    assert _found(client, "admin:core_auditentry_changelist", "分钟", EN) == set()  # not what an English page reads
    assert _found(client, "admin:core_auditentry_changelist", "服务器重启", EN) == {kept["typed"].pk}


def test_the_run_search_finds_an_error_by_its_words_in_each_language(client, supervisor, kept):
    client.force_login(supervisor)
    assert _found(client, "admin:core_run_changelist", "分钟", ZH) == {kept["run"].pk}
    assert _found(client, "admin:core_run_changelist", "minutes", EN) == {kept["run"].pk}
    assert _found(client, "admin:core_run_changelist", "boom", ZH) == {kept["other"].pk}
    assert _found(client, "admin:core_run_changelist", "2026-11-26", EN) == {kept["other"].pk}
