"""The admin import: upload → preview (no run) → confirm (one run) → progress page (a bar, refreshed while it runs)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.imports.base import import_run_start
from core.models import Run, RunStatus
from core.runs import run_progress
from pricing.models import Product

pytestmark = pytest.mark.django_db

GOOD = "CIG_CODE,CIG_NAME,WHOLESALE_PRICE,RETAIL_PRICE\nP1,甲,100,120\nP2,乙,200,240\n"


@pytest.fixture
def page(client, supervisor, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(supervisor)
    return client


def _upload(client, text: str, name: str = "products.csv"):
    return client.post(
        reverse("admin:core_run_import"), {"kind": "products", "file": SimpleUploadedFile(name, text.encode())}
    )


def test_the_import_is_in_the_sidebar_and_its_steps_are_shown(page):
    index = page.get(reverse("admin:index")).content.decode()
    assert reverse("admin:core_run_import") in index
    body = page.get(reverse("admin:core_run_import")).content.decode()
    assert 'aria-current="step">1 · 上传' in body
    assert "2 · 预览" in body


def test_a_preview_is_no_run_and_the_confirmation_is_one(page):
    preview = _upload(page, GOOD)
    body = preview.content.decode()
    assert 'aria-current="step">2 · 预览' in body
    assert "共 2 行：新增 2，更新 0，未变 0。" in body
    assert not Run.objects.exists()
    assert not Product.objects.exists()
    done = page.post(reverse("admin:core_run_import"), {"confirm": "1", "token": preview.context["token"]})
    run = Run.objects.get()
    assert (run.job, run.status, run.actor.username) == ("import_products", RunStatus.SUCCEEDED, "boss")
    assert done.url == reverse("admin:core_run_import_progress", args=[run.pk])
    assert Product.objects.count() == 2


def test_the_progress_page_shows_a_bar_and_refreshes_while_the_import_runs(page):
    run = import_run_start(kind="products", name="big.xlsx")
    run_progress(run, progress=30, step="validate and write")
    body = page.get(reverse("admin:core_run_import_progress", args=[run.pk])).content.decode()
    assert '<progress id="import-progress" max="100" value="30"' in body
    assert '<meta http-equiv="refresh" content="2">' in body
    assert "正在检查并写入各行" in body
    assert "<script>" not in body.split("</head>")[0].split("refresh")[-1]  # no inline script for it (CSP)


def test_a_row_gone_bad_between_preview_and_confirmation_writes_nothing_and_is_listed(page, settings):
    preview = _upload(page, GOOD)
    token = preview.context["token"]
    # the stored upload changes behind the preview: the confirmation checks every row again
    path = next((settings.MEDIA_ROOT / "imports").iterdir())
    path.write_text(GOOD + "P3,丙,x,10\n", encoding="utf-8")
    done = page.post(reverse("admin:core_run_import"), {"confirm": "1", "token": token})
    run = Run.objects.get()
    assert run.status == RunStatus.FAILED
    assert done.url == reverse("admin:core_run_import_progress", args=[run.pk])
    assert not Product.objects.filter(code__in=["P1", "P2", "P3"]).exists()
    body = page.get(done.url).content.decode()
    assert "发现 1 个问题，未写入任何数据。" in body
    assert "WHOLESALE_PRICE" in body
    assert ">4<" in body  # the spreadsheet row
    assert "不是数字" in body  # the reason kept on the run, in the reader's language
    english = page.get(done.url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "not a number" in english
    assert "不是数字" not in english
    admin_page = page.get(reverse("admin:core_run_change", args=[run.pk])).content.decode()
    assert "第 4 行，WHOLESALE_PRICE 列 (&#x27;x&#x27;)：不是数字" in admin_page  # the run's own page too
    assert "msgid" not in admin_page


def test_a_preview_names_bad_rows_in_the_readers_language(page):
    body = _upload(page, GOOD + "P3,丙,x,10\n").content.decode()
    assert "不是数字" in body
    assert "not a number" not in body


def test_a_manager_may_not_import_nor_see_an_import(client, manager_a):
    run = import_run_start(kind="products", name="p.csv")
    client.force_login(manager_a)
    assert client.get(reverse("admin:core_run_import")).status_code == 403
    assert client.get(reverse("admin:core_run_import_progress", args=[run.pk])).status_code == 403


def test_a_large_file_goes_to_the_worker_with_the_run_the_page_shows(page, settings, monkeypatch):
    settings.IMPORT_ASYNC_ROW_THRESHOLD = 1
    sent = {}
    monkeypatch.setattr("core.admin_imports.import_file_task.delay", lambda **kw: sent.update(kw))
    preview = _upload(page, GOOD)
    done = page.post(reverse("admin:core_run_import"), {"confirm": "1", "token": preview.context["token"]})
    run = Run.objects.get()
    assert run.status == RunStatus.PENDING  # queued: running once a worker takes it
    assert sent["run_id"] == run.pk
    assert done.url == reverse("admin:core_run_import_progress", args=[run.pk])
    from core.tasks import import_file_task

    assert import_file_task.run(**sent) == {"rows": 2, "created": 2, "updated": 0, "unchanged": 0}
    run.refresh_from_db()
    assert (run.status, run.progress) == (RunStatus.SUCCEEDED, 100)
    assert Run.objects.count() == 1
