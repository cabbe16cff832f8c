"""The admin's "start now" pages, shared: a supervisor starts a job without waiting for its schedule
(allocation's "compute quotas now", tiers' "start a re-rating now"), from a button on the job's list, on a
confirmation page, then follows the run on a progress page that reloads itself until the run ends: to
its result when it succeeded, saying why when it failed.

Each app keeps what differs: the job, what it asks before starting, its URLs and its words (a thin
template over `admin/core/run/start_progress.html`). Supervisors only: a manager gets 403 on every page."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.text import capfirst

from .models import ACTIVE_RUN_STATUSES, Run, RunStatus

REFRESH_SECONDS = 2  # the progress page reloads itself this often while the run works


def supervisor_only(request) -> None:
    if not request.user.is_supervisor:
        raise PermissionDenied


def start_page_context(request, admin_site, *, list_opts, title: str, **context) -> dict:
    """The context of a start-now page: the admin's, its title and the way back to the job's list
    (`list_url`, `list_name`: the breadcrumbs of `admin/core/run/start_base.html`). No `opts` unless the
    caller passes them: with them django-unfold's header names the model instead of the page's title."""
    return {
        **admin_site.each_context(request),
        "title": title,
        "list_url": reverse(f"admin:{list_opts.app_label}_{list_opts.model_name}_changelist"),
        "list_name": capfirst(list_opts.verbose_name_plural),
        **context,
    }


def run_progress_page(
    request,
    admin_site,
    *,
    run: Run,
    list_opts,
    title: str,
    template: str,
    again_url: str,
    done_url: str | None,
    done_words: str,
    **context,
):
    """A started run's page. Succeeded with a result (`done_url`): say `done_words` and go there. Else its
    status and progress (reloading itself while the run works), or, ended without a result, why, with
    a link to start again (`again_url`). `template` extends `admin/core/run/start_progress.html`."""
    if run.status == RunStatus.SUCCEEDED and done_url is not None:
        messages.success(request, done_words)
        return redirect(done_url)
    running = run.status in ACTIVE_RUN_STATUSES
    context = start_page_context(
        request,
        admin_site,
        list_opts=list_opts,
        title=title,
        run=run,
        running=running,
        refresh_seconds=REFRESH_SECONDS if running else None,
        error=run.error_words,
        again_url=again_url,
        **context,
    )
    return TemplateResponse(request, template, context)


class StartNowListAdmin:
    """A list whose job a supervisor may start now: `start_now` = (URL name of its start page, the
    button's words, its unfold icon), shown to supervisors beside the list's tools as the same bordered
    button as the export beside it (`admin/core/run/start_now_change_list.html`)."""

    change_list_template = "admin/core/run/start_now_change_list.html"
    start_now: tuple[str, str, str]

    def changelist_view(self, request, extra_context=None):
        if request.user.is_supervisor:
            url_name, title, icon = self.start_now
            extra_context = {
                "start_now": {"link": reverse(url_name), "title": title, "icon": icon},
                **(extra_context or {}),
            }
        return super().changelist_view(request, extra_context)
