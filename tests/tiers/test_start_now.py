"""A supervisor starts a re-rating now from the tier proposal list (tester 2026-11-28: only the monthly job
made one): a confirmation naming the scheme and how many retailers, then the job as the month runs it on a
run the page follows to the proposal, audited. Managers get 403; one already running refuses in words."""

import datetime as dt
import re

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from core.models import AuditEntry, Run
from core.runs import run_start
from demo.services import demo_city_create
from retailers.models import Retailer
from tests.words import EN, ZH, shown
from tiers.models import TierProposal
from tiers.services import JOB, active_scheme

pytestmark = pytest.mark.django_db
START = "admin:tiers_tierproposal_start"


@pytest.fixture
def city():
    demo_city_create(retailers=150, products=10, weeks=14, seed=3, today=dt.date(2026, 11, 22))


def _said(response) -> str:
    return " ".join(str(m) for m in get_messages(response.wsgi_request))


def test_a_supervisor_confirms_and_follows_the_run_to_the_proposal(client, supervisor, city):
    client.force_login(supervisor)
    assert reverse(START) in client.get(reverse("admin:tiers_tierproposal_changelist")).content.decode()
    before = TierProposal.objects.count()
    confirm = client.get(reverse(START)).content.decode()
    active = Retailer.objects.filter(status="active").count()
    assert f'id="start-retailers">{active:,} ' in confirm
    assert 'id="start-scheme">默认方案<' in confirm

    client.post(reverse(START))  # no confirmation: nothing starts
    assert TierProposal.objects.count() == before
    assert not Run.objects.filter(job=JOB, actor=supervisor).exists()

    started = client.post(reverse(START), {"confirm": "1"})
    run = Run.objects.get(job=JOB, actor=supervisor)
    assert started.url == reverse("admin:tiers_tierproposal_progress", args=[run.pk])
    proposal = TierProposal.objects.get(run=run)
    assert (run.status, proposal.retailers) == ("succeeded", active)
    shown = client.get(started.url)
    assert shown.url == reverse("admin:tiers_tierproposal_change", args=[proposal.pk])
    assert "在您发布此方案之前" in _said(shown)
    audit = AuditEntry.objects.get(action="tiers.start")
    assert (audit.actor, audit.object_id, audit.after["retailers"]) == (supervisor, str(run.pk), active)


def test_a_manager_gets_403_and_starts_nothing(client, manager_a, city):
    client.force_login(manager_a)
    assert client.get(reverse(START)).status_code == 403
    assert client.post(reverse(START), {"confirm": "1"}).status_code == 403
    assert not Run.objects.filter(job=JOB, actor=manager_a).exists()
    assert not AuditEntry.objects.filter(action="tiers.start").exists()
    assert reverse(START) not in client.get(reverse("admin:tiers_tierproposal_changelist")).content.decode()


def test_a_rerating_already_running_refuses_in_words(client, supervisor, city):
    running = run_start(job=JOB)  # the monthly job, say
    client.force_login(supervisor)
    page = client.get(reverse(START)).content.decode()
    assert 'id="already-running"' in page
    assert 'id="confirm-start"' not in page
    refused = client.post(reverse(START), {"confirm": "1"})
    said = _said(refused)
    assert "档位分类 已在为" in said
    assert "classify_retailers" not in said
    assert list(Run.objects.filter(job=JOB).values_list("pk", flat=True)) == [running.pk]
    assert not AuditEntry.objects.filter(action="tiers.start").exists()


def test_start_a_rerating_now_is_a_button_as_the_export_beside_it(client, supervisor):
    """It read as plain text beside the bordered 导出 (a bare `class="button"` link, which unfold does not
    style), as 立即计算定量 did: the same tab action as the export, from the one start-now list template."""
    client.force_login(supervisor)
    body = client.get(reverse("admin:tiers_tierproposal_changelist")).content.decode()
    items = re.findall(r'<li class="([^"]*)"[^>]*>\s*<a href="([^"]*)"', body)
    classes = {href.split("?")[0]: cls for cls, href in items}
    start, export = reverse(START), reverse("admin:tiers_tierproposal_export")
    assert "border" in classes[start].split()
    assert classes[start] == classes[export]
    assert "立即启动调档" in body


@pytest.mark.parametrize(
    ("weeks", "zh", "en"),
    [
        (13, "2026年8月28日 至 2026年11月26日（13 周）", "Aug. 28, 2026 to Nov. 26, 2026 (13 weeks)"),
        (4, "2026年10月30日 至 2026年11月26日（4 周）", "Oct. 30, 2026 to Nov. 26, 2026 (4 weeks)"),
    ],
)
def test_the_page_names_the_reference_period_the_run_scores(client, supervisor, on_friday, weeks, zh, en):
    """The page said which scheme and how many retailers, not which sales: the reference period, in
    words, is the window the re-rating reads (`window_of` of today and the scheme's weeks: cycles that
    start on its first day up to the day before today), and the proposal the run writes keeps the same."""
    scheme = active_scheme()
    scheme.window_weeks = weeks
    scheme.save()
    client.force_login(supervisor)

    zh_page = shown(client.get(reverse(START), **ZH).content)
    assert f"参考期（评分所用的进货） {zh}" in zh_page
    en_page = shown(client.get(reverse(START), **EN).content)
    assert f"Reference period (purchases scored) {en}" in en_page

    client.post(reverse(START), {"confirm": "1"})
    proposal = TierProposal.objects.get(run__actor=supervisor)
    first, last = proposal.window_start, proposal.window_end - dt.timedelta(days=1)  # its end is not in it
    assert f"{first.year}年{first.month}月{first.day}日 至 {last.year}年{last.month}月{last.day}日" in zh
