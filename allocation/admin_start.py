"""The admin's "compute quotas now": a supervisor starts a cycle's allocation run without waiting for
the night (after importing a supply plan, say). Choose the cycle (those with a plan not yet published,
the next one to be ordered first), read what will happen and confirm; the run starts as the night's
would (`allocation_run_create`, fanned out per settings), audited, and its progress page follows it
to its report. Nothing is published: publishing stays the supervisor's step on the report.

Supervisors only (a manager gets 403, GET or POST); a POST without the confirmation starts nothing."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.admin_start import run_progress_page, start_page_context, supervisor_only
from core.exceptions import DomainError
from core.models import ACTIVE_RUN_STATUSES
from cycles.models import OrderCycle
from cycles.selectors import current_cycle, next_cycle

from .models import AllocationRun
from .selectors import cycle_plan_totals, cycles_to_compute
from .services import JOB, allocation_run_create


def _cycle_words(cycle: OrderCycle, which: dict[int, str]) -> str:
    """A cycle in the choice: label, dates, status and, named as the dashboard and the exception picker
    name them (cycles.selectors: `next_cycle`, `current_cycle`), the next order cycle or today's cycle."""
    words = f"{cycle.label} ({cycle.starts_on:%Y-%m-%d} – {cycle.ends_on:%Y-%m-%d}, {cycle.get_status_display()})"
    return f"{words} · {which[cycle.pk]}" if cycle.pk in which else words


def _which(today) -> dict[int, str]:
    """The one rule for which cycle is which: the first starting after today is the next order cycle
    (even when it is published and so not offered here), the one running today is today's cycle."""
    named = {}
    today_cycle, upcoming = current_cycle(today), next_cycle(today)
    if today_cycle is not None and today_cycle.starts_on <= today:
        named[today_cycle.pk] = _("today's cycle")
    if upcoming is not None:
        named[upcoming.pk] = _("next order cycle")
    return named


def _running(cycle: OrderCycle) -> AllocationRun | None:
    """The allocation run of this cycle now computing, if any (only one at a time)."""
    return (
        AllocationRun.objects.filter(cycle=cycle, run__job=JOB, run__status__in=ACTIVE_RUN_STATUSES)
        .select_related("run")
        .order_by("-pk")
        .first()
    )


def allocation_start_view(request, admin_site, run_opts):
    """GET: the cycle to compute (a choice), then (`?cycle=`) what the run will do, to confirm;
    POST with `confirm`: start it and go to its progress page."""
    supervisor_only(request)
    today = timezone.localdate()
    cycles = cycles_to_compute(today)
    which = _which(today)
    context = start_page_context(
        request,
        admin_site,
        list_opts=run_opts,
        title=_("Compute quotas now"),
        cycles=[(c.pk, _cycle_words(c, which)) for c in cycles],
    )
    source = request.POST if request.method == "POST" else request.GET
    chosen = source.get("cycle", "")
    if not chosen:
        return TemplateResponse(request, "admin/allocation/start.html", context)
    cycle = next((c for c in cycles if str(c.pk) == chosen), None)
    if cycle is None:  # not a cycle with a plan to compute (published meanwhile, or no such cycle)
        messages.error(request, _("Choose one of the cycles listed: that cycle has no supply plan to compute."))
        return redirect("admin:allocation_allocationrun_start")
    if request.method == "POST" and "confirm" in request.POST:
        before = AllocationRun.objects.filter(cycle=cycle).order_by("-pk").values_list("pk", flat=True).first()
        try:
            allocation_run = allocation_run_create(
                cycle=cycle, actor=request.user, fan_out=settings.ALLOCATION_FAN_OUT, audited=True
            )
        except DomainError as exc:  # one already computing, the cycle published meanwhile, no broker, …
            messages.error(request, str(exc))
            started = AllocationRun.objects.filter(cycle=cycle, pk__gt=before or 0, run__actor=request.user)
            latest = started.order_by("-pk").first()
            if latest is not None:  # it started, then failed computing: its page says why
                return redirect("admin:allocation_allocationrun_progress", pk=latest.pk)
            return redirect(f"{reverse('admin:allocation_allocationrun_start')}?cycle={cycle.pk}")
        return redirect("admin:allocation_allocationrun_progress", pk=allocation_run.pk)
    totals = cycle_plan_totals(cycle)
    context.update(
        chosen=cycle,
        chosen_words=_cycle_words(cycle, which),
        lines=f"{totals.lines:,}",
        target=f"{totals.target:,}",
        running=_running(cycle),
        runs=AllocationRun.objects.filter(cycle=cycle).count(),
    )
    return TemplateResponse(request, "admin/allocation/start.html", context)


def allocation_progress_view(request, admin_site, run_opts, pk: int):
    """A started run: its progress while it computes (the page reloads itself), then its report;
    a failed run says why."""
    supervisor_only(request)
    allocation_run = get_object_or_404(AllocationRun.objects.select_related("cycle", "run"), pk=pk)
    cycle = allocation_run.cycle
    return run_progress_page(
        request,
        admin_site,
        run=allocation_run.run,
        list_opts=run_opts,
        title=_("Computing the quotas of cycle %(cycle)s") % {"cycle": cycle.label},
        template="admin/allocation/start_progress.html",
        again_url=f"{reverse('admin:allocation_allocationrun_start')}?cycle={cycle.pk}",
        done_url=reverse("admin:allocation_allocationrun_report", args=[allocation_run.pk]),
        done_words=_("The quotas of cycle %(cycle)s are computed. Nothing is published until you publish them.")
        % {"cycle": cycle.label},
    )
