"""The demo city gets requests in every state, some overdue and escalated (issue 20, item 5)."""

import datetime as dt
import time

import pytest
from django.contrib.auth import get_user_model

from core.models import AuditEntry
from demo.requests import demo_requests_create
from demo.services import DEMO_RETAILER_LOGINS, demo_city_create, demo_login_retailers
from service_requests.models import ServiceRequest, Status
from service_requests.selectors import overdue_q, request_figures, request_signals

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 18)  # a Wednesday


def test_demo_requests(policy):
    demo_city_create(retailers=400, products=12, weeks=2, seed=4, today=TODAY)
    started = time.perf_counter()
    message = demo_requests_create(today=TODAY)
    seconds = time.perf_counter() - started
    assert seconds < 10, message
    requests = ServiceRequest.objects.all()
    assert requests.count() >= 20
    now = dt.datetime.combine(TODAY, dt.time(12), dt.UTC)
    assert requests.filter(overdue_q(now)).exists()
    assert requests.filter(escalated_at__isnull=False).exists()
    assert all(r.answered_at is None for r in requests.filter(escalated_at__isnull=False))
    assert {Status.OPEN, Status.ANSWERED, Status.RESOLVED} <= set(requests.values_list("status", flat=True))
    assert requests.filter(rating__isnull=False).exists()
    # the demo login shops (a top, a middle and a low tier of manager1's): the first resolved and rated,
    # answered, filed today; the others resolved and rated, filed today
    logins = demo_login_retailers()
    assert len(logins) == DEMO_RETAILER_LOGINS
    for k, shop in enumerate(logins):
        mine = list(requests.filter(retailer=shop).order_by("filed_at"))
        assert len(mine) == (3 if k == 0 else 2)
        assert (mine[0].status, mine[0].rating is not None) == (Status.RESOLVED, True)
        assert (mine[-1].answered_at, mine[-1].status) == (None, Status.OPEN)
        assert mine[-1].filed_at.date() >= TODAY - dt.timedelta(days=1)
        if k == 0:
            assert mine[1].answered_at is not None
            assert mine[1].messages.filter(role="manager").exists()
            assert (mine[1].resolved_at, mine[1].escalated_at) == (None, None)
    # each step audited at its own time; figures and signals read them
    filed = AuditEntry.objects.filter(action="request.file").order_by("at").first()
    assert filed.at == ServiceRequest.objects.get(pk=int(filed.object_id)).filed_at
    supervisor = get_user_model().objects.get(username="supervisor")
    figures = request_figures(user=supervisor, level="manager", start=TODAY - dt.timedelta(days=60), end=TODAY)
    assert figures.total.requests == requests.count()
    assert figures.total.in_time_share is not None
    assert 0 < figures.total.in_time_share < 1
    assert request_signals(retailer_ids=None, today=TODAY)["complaints_90d"].sum() == requests.count()
    assert demo_requests_create(today=TODAY) == "requests exist: none added"
    assert DEMO_RETAILER_LOGINS == 3

