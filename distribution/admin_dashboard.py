"""The admin's index page: what needs each person's attention today, per role (django-unfold's
DASHBOARD_CALLBACK). Every figure is counted on what the user may see (the apps' selectors scope
by role) and links to the list it counts, filtered the same way."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from allocation.selectors import published_allocation_run, runs_awaiting_publication
from core.models import Run, RunStatus
from customer_value.selectors import HIGH_RISK, values_visible_to
from cycles.selectors import current_cycle, cycle_ordering_words, next_cycle
from retailers.selectors import retailers_visible_to
from retailers.vocabulary import RetailerStatus
from service_requests.selectors import OPEN_STATUSES, overdue_q, request_queue
from tiers.models import ProposalStatus, TierProposal


@dataclass(frozen=True)
class Card:
    title: str
    value: int | str
    unit: str
    note: str
    href: str
    tone: str = ""  # "", "warn" or "ok"


def _cycle_card(title: str, cycle, published, today: dt.date) -> Card:
    """A cycle's card: its label, its week, where its ordering stands and whether its quotas are published."""
    if cycle is None:
        return Card(title, "—", "", _("no such order cycle yet"), reverse("admin:cycles_ordercycle_changelist"), "warn")
    week = f"{cycle.starts_on:%-m/%-d} – {cycle.ends_on:%-m/%-d}"
    ordering = cycle_ordering_words(cycle=cycle, today=today)
    status = _("quotas published") if published else _("quotas not published yet")
    return Card(
        title, cycle.label, "", " · ".join((week, ordering, status)),
        reverse("admin:allocation_allocationrun_changelist") + f"?cycle__id__exact={cycle.pk}",
        "ok" if published else "warn",
    )  # fmt: skip


def _cards(user, now: dt.datetime) -> list[Card]:
    today = timezone.localdate(now)
    retailers = retailers_visible_to(user=user).filter(status=RetailerStatus.ACTIVE)
    queue = request_queue(user=user, now=now).filter(status__in=OPEN_STATUSES)
    overdue = queue.filter(overdue_q(now)).count()
    at_risk = values_visible_to(user=user).filter(risk__gte=HIGH_RISK).count()
    # Two cycles, named apart: today's by its dates (most shops' ordering in it is over by midweek)
    # and the next one, which every shop orders next and its phone shows once published.
    cycle = current_cycle(today)
    published = published_allocation_run(cycle) if cycle else None
    upcoming = next_cycle(today)
    upcoming_published = published_allocation_run(upcoming) if upcoming else None
    cards = [
        Card(
            _("Active retailers") if user.is_supervisor else _("My active retailers"),
            f"{retailers.count():,}",
            pgettext("unit", "shops"),
            _("licensed and trading"),
            reverse("admin:retailers_retailer_changelist") + f"?status__exact={RetailerStatus.ACTIVE}",
        ),
        Card(
            _("Requests waiting for an answer"),
            f"{queue.count():,}",
            pgettext("unit", "requests"),
            _("%(overdue)s past their answer time") % {"overdue": f"{overdue:,}"},
            reverse("admin:service_requests_servicerequest_changelist"),
            "warn" if overdue else "ok",
        ),
        _cycle_card(_("Today's cycle"), cycle, published, today),
        _cycle_card(_("Next order cycle"), upcoming, upcoming_published, today),
        Card(
            _("Retailers at high churn risk"),
            f"{at_risk:,}",
            pgettext("unit", "shops"),
            _("risk %(level)s points or more") % {"level": HIGH_RISK},
            reverse("admin:customer_value_customervalue_changelist") + f"?risk__gte={HIGH_RISK}",
            "warn" if at_risk else "ok",
        ),
    ]
    if user.is_supervisor:
        waiting = runs_awaiting_publication()
        if waiting:
            first = waiting[0]
            cards.append(
                Card(
                    _("Quotas computed, not yet published"),
                    first.cycle.label,
                    "",
                    _("review the report, then publish with a confirmation")
                    + (" " + _("(%(n)s more cycles)") % {"n": len(waiting) - 1} if len(waiting) > 1 else ""),
                    reverse("admin:allocation_allocationrun_report", args=[first.pk]),
                    "warn",
                )
            )
        proposals = TierProposal.objects.filter(status=ProposalStatus.PROPOSED).count()
        failed = Run.objects.filter(status=RunStatus.FAILED, created_at__gte=now - dt.timedelta(days=7)).count()
        cards += [
            Card(
                _("Tier proposals to review"),
                f"{proposals:,}",
                pgettext("unit", "proposals"),
                _("review, then publish with a confirmation"),
                reverse("admin:tiers_tierproposal_changelist") + f"?status__exact={ProposalStatus.PROPOSED}",
                "warn" if proposals else "ok",
            ),
            Card(
                _("Failed jobs in the last 7 days"),
                f"{failed:,}",
                pgettext("unit", "jobs"),
                _("the last good result stays in use"),
                reverse("admin:core_run_changelist") + f"?status__exact={RunStatus.FAILED}",
                "warn" if failed else "ok",
            ),
        ]
    return cards


def _shortcuts(user) -> list[tuple[str, str]]:
    links = [
        (_("My retailers' profitability"), reverse("admin:profitability_workspace")),
        (_("Inspect a shop"), reverse("inspections:retailers")),
        (_("Diversion alerts"), reverse("admin:inventory_diversion_alerts")),
    ]
    if user.is_supervisor:
        links += [
            (_("Customer value overview"), reverse("admin:customer_value_overview")),
            (_("Import data"), reverse("admin:core_run_import")),
            (_("Profitability overview"), reverse("admin:profitability_overview")),
        ]
    return links


def dashboard(request: HttpRequest, context: dict[str, Any]) -> dict[str, Any]:
    user = request.user
    context.update(
        title=_("Dashboard"),
        dashboard_cards=_cards(user, timezone.now()),
        dashboard_shortcuts=_shortcuts(user),
        dashboard_greeting=user.get_full_name() or user.get_username(),
    )
    return context
