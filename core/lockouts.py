"""Login lock-outs (django-axes; see `accounts.throttling`): failures are counted per login name and
client address, and AXES_FAILURE_LIMIT of them within AXES_COOLOFF_TIME pause that name from that
address. Each lock is audited when it happens (`lockout_audit`, connected in `CoreConfig.ready()`);
a supervisor lifts locks in the admin (`core.admin_lockouts`) and a manager's password reset lifts
its retailer's, both through `login_lockouts_release`, audited."""

from __future__ import annotations

import datetime as dt
from functools import reduce
from operator import or_

from axes.helpers import get_cool_off, get_failure_limit
from django.conf import settings
from django.db import transaction
from django.db.models import Case, F, IntegerField, Q, QuerySet, Sum, Value, When, Window
from django.utils import timezone

from accounts.models import LoginLockout

from .exceptions import Reason
from .models import AuditEntry

NAME_LENGTH = AuditEntry._meta.get_field("object_id").max_length


def _name(username: str | None) -> str:
    return (username or "")[:NAME_LENGTH]


def lockout_audit(sender, request, username, ip_address, **kwargs) -> None:
    """axes' `user_locked_out`: one audit entry when the failures reach the limit (axes sends the
    signal again for every attempt while the name stays locked from that address)."""
    failures = getattr(request, "axes_failures_since_start", None)
    if failures is not None and failures != get_failure_limit(request, getattr(request, "axes_credentials", None)):
        return
    AuditEntry.objects.create(
        actor=None, action="login.locked", object_type="login", object_id=_name(username),
        after={"ip": ip_address, "failures": failures, "path": getattr(request, "axes_path_info", "")},
    )  # fmt: skip


def _since(now: dt.datetime) -> dt.datetime | None:
    cool_off = get_cool_off()
    return now - cool_off if cool_off is not None else None


def login_lockouts(queryset: QuerySet | None = None, *, now: dt.datetime | None = None) -> QuerySet:
    """Lock-out rows (one per login name, address and browser, as axes keeps them), each with
    `failures`: what axes counts for its name from its address (every browser, within the cool-off)."""
    since = _since(now or timezone.now())
    counted = F("failures_since_start") if since is None else Case(
        When(attempt_time__gt=since, then=F("failures_since_start")), default=Value(0), output_field=IntegerField()
    )  # fmt: skip
    rows = LoginLockout.objects.all() if queryset is None else queryset
    return rows.annotate(failures=Window(Sum(counted), partition_by=[F("username"), F("ip_address")]))


def login_lockout_active(failures: int) -> bool:
    """Whether a name with these failures (`login_lockouts`) is paused from that address now."""
    return failures >= settings.AXES_FAILURE_LIMIT


@transaction.atomic
def login_lockouts_release(*, lockouts: QuerySet, actor, reason: str | Reason = "") -> int:
    """Forget the failures of the login names and addresses of these rows (every browser's), so each
    name logs in again from that address at once. One audit entry per name and address:
    `login.unlocked` if it was locked, else `login.failures_cleared`, with `reason` (a Reason, kept to
    be read in the reader's language). Returns how many were locked."""
    reason = reason.text() if isinstance(reason, Reason) else reason
    pairs = sorted(set(lockouts.values_list("username", "ip_address")), key=str)
    if not pairs:
        return 0
    same = reduce(or_, (Q(username=username, ip_address=ip) for username, ip in pairs))
    rows = list(login_lockouts(LoginLockout.objects.filter(same)))
    failures: dict[tuple, int] = {}
    last: dict[tuple, dt.datetime] = {}
    for row in rows:
        pair = (row.username, row.ip_address)
        failures[pair] = row.failures
        last[pair] = max(last.get(pair, row.attempt_time), row.attempt_time)
    LoginLockout.objects.filter(pk__in=[row.pk for row in rows]).delete()
    locked = [pair for pair in failures if login_lockout_active(failures[pair])]
    AuditEntry.objects.bulk_create(
        AuditEntry(
            actor=actor, action="login.unlocked" if pair in locked else "login.failures_cleared",
            object_type="login", object_id=_name(pair[0]), reason=reason,
            before={"ip": pair[1], "failures": failures[pair], "last_attempt": last[pair].isoformat()},
        )
        for pair in failures
    )  # fmt: skip
    return len(locked)
