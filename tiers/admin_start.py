"""The admin's "start a re-rating now": a supervisor starts a tier re-rating without waiting for the
month's job. The page says which scheme, how many retailers and which reference period (the days
whose purchases it scores, as the run picks them: `reference_period`), to confirm; the run opens queued and
audited (`classification_request`), `classify_task` computes it as the monthly job does (on a worker,
or here when there is no broker), and the progress page follows the run to the proposal, which is
published only by the supervisor, from its own page.

Supervisors only (a manager gets 403, GET or POST); a POST without the confirmation starts nothing."""

from __future__ import annotations

import logging

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from core.admin_start import run_progress_page, start_page_context, supervisor_only
from core.broker import broker_check
from core.exceptions import DomainError
from core.models import ACTIVE_RUN_STATUSES, Run
from core.runs import run_error, run_fail

from .models import TierProposal
from .services import JOB, active_scheme, classification_request, classified_retailers, reference_period
from .tasks import classify_task

log = logging.getLogger(__name__)


def classification_start_view(request, admin_site, opts):
    """GET: the scheme, the retailers and the reference period a re-rating now would rate, to confirm;
    POST with `confirm`: start it and go to its progress page."""
    supervisor_only(request)
    if request.method == "POST" and "confirm" in request.POST:
        try:
            run = classification_request(actor=request.user)
        except DomainError as exc:  # a re-rating already running, no active scheme
            messages.error(request, str(exc))
            return redirect("admin:tiers_tierproposal_start")
        try:
            broker_check()
            classify_task.delay(run_id=run.pk)  # here, at once, when there is no broker (eager)
        except Exception as exc:  # no broker, or (no broker: run here) the re-rating failed: its page says why
            log.warning("re-rating run %s did not complete: %s", run.pk, exc)
            if Run.objects.filter(pk=run.pk, status__in=ACTIVE_RUN_STATUSES).exists():
                run_fail(run, error=run_error(exc))
        return redirect("admin:tiers_tierproposal_progress", pk=run.pk)
    context = start_page_context(
        request,
        admin_site,
        list_opts=opts,
        opts=opts,  # unfold's header names the model (its app › tier proposals), as it always has here
        title=_("Start a re-rating now"),
        running=Run.objects.filter(job=JOB, status__in=ACTIVE_RUN_STATUSES).order_by("-pk").first(),
    )
    try:
        scheme = active_scheme()
    except DomainError as exc:  # no active scheme: say so, offer nothing
        context["no_scheme"] = str(exc)
    else:
        first, last = reference_period(scheme=scheme)
        context.update(
            scheme=scheme, retailers=f"{classified_retailers():,}", period_first=first, period_last=last,
            period_weeks=scheme.window_weeks,
        )  # fmt: skip
    return TemplateResponse(request, "admin/tiers/tierproposal/start.html", context)


def classification_progress_view(request, admin_site, opts, pk: int):
    """A started re-rating: its progress while it runs (the page reloads itself), then its proposal;
    a failed one says why."""
    supervisor_only(request)
    run = get_object_or_404(Run.objects.filter(job=JOB), pk=pk)
    proposal = TierProposal.objects.filter(run=run).first()
    return run_progress_page(
        request,
        admin_site,
        run=run,
        list_opts=opts,
        opts=opts,  # unfold's header names the model (its app › tier proposals), as it always has here
        title=_("Re-rating the retailers"),
        template="admin/tiers/tierproposal/start_progress.html",
        again_url=reverse("admin:tiers_tierproposal_start"),
        done_url=None if proposal is None else reverse("admin:tiers_tierproposal_change", args=[proposal.pk]),
        done_words=_("The re-rating is computed. No tier changes until you publish this proposal."),
    )
