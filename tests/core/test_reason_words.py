"""Reasons and errors the system writes are kept language-neutral (a `core.exceptions.Reason`: msgid and
values) and read in the language of whoever reads them (issue 19: a run failed while the worker spoke
Chinese read Chinese on an English page). A person's words stay as typed; a row written before reasons
were kept so reads as it was stored."""

import datetime as dt
import json

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import LoginLockout
from core.exceptions import InvalidInput, Reason, RowError, Verbatim
from core.lockouts import login_lockouts_release
from core.models import AuditEntry, Run, RunStatus
from core.runs import run_fail, run_mark_failed, run_start, runs_fail_stale
from tests.words import EN, ZH, shown

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("language_restored")]


def _stale_run() -> Run:
    with translation.override("zh-hans"):  # the worker speaks Chinese, as the nightly beat does
        run = run_start(job="inventory_advice", scope="2026-11-25")
        Run.objects.filter(pk=run.pk).update(heartbeat_at=timezone.now() - dt.timedelta(hours=7))
        assert runs_fail_stale() == [run.pk]
    run.refresh_from_db()
    return run


def test_a_reason_is_kept_as_its_msgid_and_values_and_read_back_in_each_language():
    kept = Reason("not answered within %(days)d working days", days=3).text()
    assert json.loads(kept) == {"msgid": "not answered within %(days)d working days", "params": {"days": 3}}
    with translation.override("en"):
        assert Reason.shown(kept) == "not answered within 3 working days"
    with translation.override("zh-hans"):
        assert Reason.shown(kept) == "3 个工作日内未答复"
        typed = Reason("Marked failed by %(user)s: %(reason)s", user=Verbatim("boss"), reason=Verbatim("Yes")).text()
        assert Reason.shown(typed) == "由 boss 标记为失败：Yes"  # a person's words never go through the catalog
    assert Reason.shown("工作进程所在服务器重启") == "工作进程所在服务器重启"  # typed, or an old row: as it is
    assert Reason.shown('{"msgid": broken') == '{"msgid": broken'
    assert Reason.shown("") == ""


def test_a_stale_runs_error_and_audit_entry_read_in_the_readers_language(client, supervisor):
    run = _stale_run()
    entry = AuditEntry.objects.get(action="run.stale", object_id=str(run.pk))
    assert "分钟" not in run.error  # kept neutral, whatever language the worker spoke
    assert "分钟" not in entry.reason
    client.force_login(supervisor)
    for language, headers, words in (
        ("en", EN, "No sign of life for 420.0 minutes: the worker running this job stopped"),
        ("zh-hans", ZH, "已有 420.0 分钟没有活动迹象"),
    ):
        listed = shown(client.get(reverse("admin:core_auditentry_changelist"), **headers).content)
        assert words in listed, language
        detail = shown(client.get(reverse("admin:core_auditentry_change", args=[entry.pk]), **headers).content)
        assert words in detail, language
        page = shown(client.get(reverse("admin:core_run_change", args=[run.pk]), **headers).content)
        assert words in page, language
        assert "msgid" not in listed + detail + page


def test_a_run_found_stale_by_the_next_start_says_so_in_each_language():
    with translation.override("zh-hans"):
        dead = run_start(job="inventory_advice")
        Run.objects.filter(pk=dead.pk).update(heartbeat_at=timezone.now() - dt.timedelta(hours=1))
        run_start(job="inventory_advice", scope="tonight")
    dead.refresh_from_db()
    with translation.override("en"):
        assert dead.error_words.endswith("start it again. Found when a new run of this job started.")
    with translation.override("zh-hans"):
        assert dead.error_words.endswith("请重新启动。在该作业的新一次运行启动时发现。")


def test_marked_failed_the_supervisors_words_stay_as_typed(client, supervisor):
    run = run_start(job="allocation", scope="2026-11-30")
    with translation.override("zh-hans"):
        run_mark_failed(run=run, reason="工作进程所在服务器重启", actor=supervisor)
    run.refresh_from_db()
    entry = AuditEntry.objects.get(action="run.mark_failed")
    assert entry.reason == "工作进程所在服务器重启"  # a person's reason: as typed
    client.force_login(supervisor)
    english = shown(client.get(reverse("admin:core_run_change", args=[run.pk]), **EN).content)
    assert f"Marked failed by {supervisor.get_username()}: 工作进程所在服务器重启" in english
    chinese = shown(client.get(reverse("admin:core_run_change", args=[run.pk]), **ZH).content)
    assert f"由 {supervisor.get_username()} 标记为失败：工作进程所在服务器重启" in chinese
    listed = shown(client.get(reverse("admin:core_auditentry_changelist"), **EN).content)
    assert "工作进程所在服务器重启" in listed


def test_an_unlock_reason_reads_in_each_language(client, supervisor):
    LoginLockout.objects.create(
        username="13800000001", ip_address="10.0.0.9", user_agent="phone", attempt_time=timezone.now(),
        failures_since_start=settings.AXES_FAILURE_LIMIT, get_data="", post_data="", http_accept="", path_info="/",
    )  # fmt: skip
    with translation.override("zh-hans"):
        unlocked = Reason("unlocked in the admin")
        assert login_lockouts_release(lockouts=LoginLockout.objects.all(), actor=supervisor, reason=unlocked) == 1
    entry = AuditEntry.objects.get(action="login.unlocked")
    client.force_login(supervisor)
    assert "unlocked in the admin" in shown(client.get(reverse("admin:core_auditentry_changelist"), **EN).content)
    assert "在管理后台解除锁定" in shown(
        client.get(reverse("admin:core_auditentry_change", args=[entry.pk]), **ZH).content
    )


def test_an_old_free_text_row_reads_as_it_was_stored(client, supervisor):
    entry = AuditEntry.objects.create(
        action="run.stale", object_type="run", object_id="7", reason="已有 3.0 分钟没有活动迹象"
    )
    run = Run.objects.create(job="allocation", status=RunStatus.FAILED, error="由 boss 标记为失败：旧记录")
    client.force_login(supervisor)
    detail = client.get(reverse("admin:core_auditentry_change", args=[entry.pk]), **EN)
    assert "已有 3.0 分钟没有活动迹象" in shown(detail.content)
    page = client.get(reverse("admin:core_run_change", args=[run.pk]), **EN)
    assert "由 boss 标记为失败：旧记录" in shown(page.content)


def test_a_jobs_refused_input_and_a_broker_down_read_in_each_language(client, supervisor):
    run = run_start(job="import_products", scope="products")
    problem = InvalidInput([RowError(2, "CIG_CODE", "", Reason("not a number"))] * 1234)
    with translation.override("zh-hans"):
        run_fail(run, error=problem.args[0])
    run.refresh_from_db()
    with translation.override("en"):
        assert run.error_words == "1,234 problem(s) in the input; nothing was written"
    with translation.override("zh-hans"):
        assert run.error_words == "输入中有 1,234 处问题，未写入任何数据"


def test_a_runs_step_and_stage_timings_read_in_each_language(client, supervisor):
    run = run_start(job="classify_retailers", scope="2026-11-30")
    Run.objects.filter(pk=run.pk).update(step="read and score", timings={"read and score": 1.5})
    lines = Reason("%(done)s/%(total)s lines", done=Verbatim("4"), total=Verbatim("1,300")).text()  # allocation's
    other = run_start(job="allocation", scope="2026-11-30")
    Run.objects.filter(pk=other.pk).update(step=lines)
    with translation.override("zh-hans"):
        run_mark_failed(run=Run.objects.get(pk=other.pk), reason="卡住", actor=supervisor)
    entry = AuditEntry.objects.get(action="run.mark_failed")
    assert entry.before["step"] == lines  # kept as it was
    client.force_login(supervisor)
    listed = {
        language: shown(client.get(reverse("admin:core_run_changelist"), **headers).content)
        for language, headers in (("en", EN), ("zh-hans", ZH))
    }
    assert "read and score" in listed["en"]
    assert "读取并评分" in listed["zh-hans"]
    page = shown(client.get(reverse("admin:core_run_change", args=[run.pk]), **ZH).content)
    assert "读取并评分" in page
    assert "read and score" not in page
    detail = {
        language: shown(client.get(reverse("admin:core_auditentry_change", args=[entry.pk]), **headers).content)
        for language, headers in (("en", EN), ("zh-hans", ZH))
    }
    assert "4/1,300 lines" in detail["en"]
    assert "4/1,300 条计划行" in detail["zh-hans"]
    assert "msgid" not in detail["en"] + detail["zh-hans"]


def test_an_export_of_the_audit_list_reads_the_reasons_in_words(client, supervisor):
    import io

    import openpyxl

    _stale_run()
    client.force_login(supervisor)
    response = client.post(
        reverse("admin:core_auditentry_export"),
        {"format": "1", "resource": "0", "auditentryresource_action": "on", "auditentryresource_reason": "on"},
        **EN,
    )
    assert response.status_code == 200
    rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    reasons = [row[-1] for row in rows[1:]]
    assert any(r.startswith("No sign of life for 420.0 minutes") for r in reasons), reasons
    assert not any("msgid" in r for r in reasons)
