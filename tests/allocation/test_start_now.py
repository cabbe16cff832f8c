"""A supervisor computes a cycle's quotas now from the admin (tester 2026-11-28: after importing a supply
plan they had to wait for the night; only an existing run's publish page offered a recompute): a button on
the run and supply plan lists, a cycle choice, a confirmation saying what will happen, then the run as the
night starts it, audited, followed to its report. Managers get 403; a run already computing refuses in words."""

import re

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from allocation.models import AllocationRun, SupplyPlanLine
from allocation.services import allocation_run_start
from core.models import AuditEntry

pytestmark = pytest.mark.django_db
START = "admin:allocation_allocationrun_start"


def _said(response) -> str:
    return " ".join(str(m) for m in get_messages(response.wsgi_request))


def test_a_supervisor_chooses_confirms_and_gets_the_report(client, supervisor, planned):
    client.force_login(supervisor)
    for listed in ("admin:allocation_allocationrun_changelist", "admin:allocation_supplyplanline_changelist"):
        assert reverse(START) in client.get(reverse(listed)).content.decode()
    choose = client.get(reverse(START)).content.decode()
    assert f'<option value="{planned.pk}">{planned.label}' in choose

    confirm = client.get(reverse(START), {"cycle": planned.pk}).content.decode()
    lines = SupplyPlanLine.objects.filter(cycle=planned)
    target = sum(lines.values_list("target", flat=True))
    assert f'id="start-lines">{lines.count():,}<' in confirm
    assert f'id="start-target">{target:,} 条<' in confirm
    assert "不会公布任何内容" in confirm

    client.post(reverse(START), {"cycle": planned.pk})  # no confirmation: nothing starts
    assert not AllocationRun.objects.exists()

    started = client.post(reverse(START), {"cycle": planned.pk, "confirm": "1"})
    run = AllocationRun.objects.get()
    assert started.url == reverse("admin:allocation_allocationrun_progress", args=[run.pk])
    assert (run.cycle, run.run.actor, run.is_complete, run.is_published) == (planned, supervisor, True, False)
    progress = client.get(started.url)
    assert progress.url == reverse("admin:allocation_allocationrun_report", args=[run.pk])
    assert "在您发布之前，不会公布任何定量" in _said(progress)
    audit = AuditEntry.objects.get(action="allocation.start")
    assert (audit.actor, audit.object_id, audit.after["cycle"]) == (supervisor, str(run.pk), planned.label)
    assert audit.after["lines"] == lines.count()
    log = client.get(reverse("admin:core_auditentry_changelist")).content.decode()
    assert "手动启动货源投放计算" in log
    assert ">allocation.start<" not in log


def test_a_manager_gets_403_and_starts_nothing(client, manager_a, planned):
    client.force_login(manager_a)
    assert client.get(reverse(START)).status_code == 403
    assert client.get(reverse(START), {"cycle": planned.pk}).status_code == 403
    assert client.post(reverse(START), {"cycle": planned.pk, "confirm": "1"}).status_code == 403
    assert not AllocationRun.objects.exists()
    assert not AuditEntry.objects.filter(action="allocation.start").exists()
    assert reverse(START) not in client.get(reverse("admin:allocation_allocationrun_changelist")).content.decode()


def test_a_run_already_computing_refuses_in_words(client, supervisor, planned):
    computing = allocation_run_start(cycle=planned)  # as a worker would hold it
    client.force_login(supervisor)
    confirm = client.get(reverse(START), {"cycle": planned.pk}).content.decode()
    assert 'id="already-running"' in confirm
    assert 'id="confirm-start"' not in confirm
    refused = client.post(reverse(START), {"cycle": planned.pk, "confirm": "1"})
    said = _said(refused)
    assert "货源投放 已在为" in said
    assert planned.label in said
    assert "allocation" not in said
    assert list(AllocationRun.objects.values_list("pk", flat=True)) == [computing.pk]
    assert not AuditEntry.objects.filter(action="allocation.start").exists()


def test_the_empty_kpi_list_says_when_kpis_appear(client, supervisor):
    client.force_login(supervisor)
    body = client.get(reverse("admin:allocation_cyclekpi_changelist")).content.decode()
    assert 'id="kpi-empty"' in body
    assert "订货周期结束后的当晚会自动出现" in body
    assert "Create a new item" not in body
    assert "新建" not in body


def test_the_cycle_choice_names_cycles_as_the_dashboard_does(client, supervisor, on_friday):
    """Tester: on Friday 2026-11-27 the choice called 2026-12-1 下一个订货周期 (the first cycle ahead with a
    plan to compute) while the dashboard and the exception picker call 2026-11-5 the next order cycle."""
    import datetime as dt

    from cycles.models import CycleStatus, OrderCycle
    from cycles.services import cycle_get_or_create
    from tests.factories import ProductFactory
    from tests.words import ZH

    made = {
        label: cycle_get_or_create(starts_on=starts)
        for label, starts in (("11-4", dt.date(2026, 11, 23)), ("11-5", dt.date(2026, 11, 30)), ("12-1", dt.date(2026, 12, 7)))
    }  # fmt: skip
    OrderCycle.objects.filter(pk=made["11-5"].pk).update(status=CycleStatus.PUBLISHED)
    product = ProductFactory()
    for label in ("11-4", "11-5", "12-1"):
        SupplyPlanLine.objects.create(cycle=made[label], product=product, target=100, method="A")
    client.force_login(supervisor)
    cards = {card.title: card for card in client.get(reverse("admin:index"), **ZH).context["dashboard_cards"]}
    assert cards["下一订货周期"].value == "2026-11-5"

    choose = client.get(reverse(START), **ZH).content.decode()
    assert "下一个订货周期" not in choose
    options = dict(re.findall(r'<option value="\d+">(\S+) ([^<]*)</option>', choose))
    assert options["2026-12-1"].startswith("(2026-12-07 – 2026-12-13, ")
    assert "订货周期" not in options["2026-12-1"]  # a later cycle, not the next order cycle
    assert "· 今天所在周期" in choose  # 2026-11-4, running today, named as the dashboard names it
    assert "2026-11-5 (" not in choose  # published: nothing to compute
    # when the next order cycle has a plan to compute, it is named so, as on the dashboard
    OrderCycle.objects.filter(pk=made["11-5"].pk).update(status=CycleStatus.DRAFT)
    choose = client.get(reverse(START), **ZH).content.decode()
    assert "2026-11-5 (2026-11-30 – 2026-12-06, " in choose
    assert choose.index("2026-11-5 (") < choose.index("2026-12-1 (")
    confirm = client.get(reverse(START), {"cycle": made["11-5"].pk}, **ZH).content.decode()
    assert "· 下一订货周期" in confirm
