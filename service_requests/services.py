"""Writing requests (docs/domain.md §9): filing, answering and resolving, the retailer's follow-up and
rating, and the escalation of unanswered requests (a nightly job). Every step checks who acts (the
retailer's own login; its customer manager as assigned now, or a supervisor) and writes an audit entry
in the same transaction."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.models import Role
from compliance.inspections import PHOTO_MAX_BYTES
from compliance.inspections import _photo as inspection_photo_check
from core.exceptions import AccessDenied, DomainError, Reason, RowError
from core.models import AuditEntry
from retailers.models import Retailer

from .models import RATING_MAX, RATING_MIN, TEXT_MAX, AuthorRole, Category, RequestMessage, ServiceRequest, Status
from .selectors import answer_due, can_answer, is_own_request, request_policy

OBJECT_TYPE = "service_request"
__all__ = ["PHOTO_MAX_BYTES", "RequestInvalid", "request_answer", "request_file", "request_follow_up",
           "request_rate", "requests_escalate"]  # fmt: skip


class RequestInvalid(DomainError):
    """The input was refused; `errors` names each field's problems, in the active language."""

    def __init__(self, errors: dict[str, list[str]]):
        self.errors = errors
        super().__init__(" ".join(m for messages in errors.values() for m in messages))


def _state(request: ServiceRequest) -> dict:
    return {
        "status": request.status,
        "escalated": request.escalated_at is not None,
        "rating": request.rating,
    }


def _audit(*, actor, action: str, request: ServiceRequest, before: dict | None, reason: Reason | None = None) -> None:
    """One audit row; the system's reason kept as a Reason (read in the reader's language)."""
    AuditEntry.objects.create(
        actor=actor, action=action, object_type=OBJECT_TYPE, object_id=str(request.pk),
        reason=reason.text() if reason is not None else "",
        before=before, after=_state(request),
    )  # fmt: skip


def _text(value, errors: dict[str, list[str]], *, empty: str = "") -> str:
    text = (value or "").strip()
    if not text:
        errors.setdefault("text", []).append(empty or _("Please write what it is about."))
    elif len(text) > TEXT_MAX:
        errors.setdefault("text", []).append(
            _("At most %(n)d characters (this one has %(len)d).") % {"n": TEXT_MAX, "len": len(text)}
        )
    return text


def _photo(photo, errors: dict[str, list[str]]):
    """The same check as an inspection's photo (`compliance.inspections`): a real JPEG, PNG or WebP
    picture, whatever its name says, of at most PHOTO_MAX_BYTES, renamed to its kind's extension."""
    if photo is None:
        return None
    problems: list[RowError] = []
    checked = inspection_photo_check(photo, 1, problems)
    if problems:
        errors.setdefault("photo", []).extend(p.reason for p in problems)
    return checked


def _locked(request: ServiceRequest) -> ServiceRequest:
    return ServiceRequest.objects.select_for_update().select_related("retailer").get(pk=request.pk)


@transaction.atomic
def request_file(*, user, category: str, text: str, photo=None, now: dt.datetime | None = None) -> ServiceRequest:
    """A retailer files a request: it goes to its customer manager's queue, due within the policy's
    working days. Only a retailer's own login files, for its own shop."""
    retailer = Retailer.objects.filter(user=user).first() if user is not None and user.is_authenticated else None
    if retailer is None or user.role != Role.RETAILER or not user.is_active:
        raise AccessDenied(_("Only a retailer's own login files a request."))
    errors: dict[str, list[str]] = {}
    if category not in Category.values:
        errors["category"] = [_("Choose what the request is about.")]
    text = _text(text, errors)
    photo = _photo(photo, errors)
    if errors:
        raise RequestInvalid(errors)
    now = now or timezone.now()
    policy = request_policy()
    request = ServiceRequest(
        retailer=retailer, manager_id=retailer.manager_id, category=category, text=text, status=Status.OPEN,
        filed_at=now, due_at=answer_due(now, policy),
    )  # fmt: skip
    if photo is not None:
        request.photo.save(photo.name, photo, save=False)
    request.save()
    _audit(
        actor=user, action="request.file", request=request, before=None,
        reason=Reason(gettext_noop("due within %(days)d working days"), days=policy.answer_within_days),
    )  # fmt: skip
    return request


@transaction.atomic
def request_answer(
    *, actor, service_request: ServiceRequest, text: str, resolve: bool = False, now: dt.datetime | None = None
) -> ServiceRequest:
    """The retailer's customer manager (as assigned now) or a supervisor answers and, with `resolve`,
    resolves it. An answer needs text, except to resolve a request already answered. A resolved
    request takes no more answers."""
    if not can_answer(user=actor, service_request=service_request):
        raise AccessDenied(_("Only the retailer's customer manager or a supervisor answers its requests."))
    request = _locked(service_request)
    if request.status == Status.RESOLVED:
        raise RequestInvalid({"text": [_("This request is already resolved.")]})
    errors: dict[str, list[str]] = {}
    text = (text or "").strip()
    if text or not (resolve and request.answered_at is not None):
        text = _text(text, errors, empty=_("Please write the answer."))
    if errors:
        raise RequestInvalid(errors)
    now = now or timezone.now()
    before = _state(request)
    if text:
        RequestMessage.objects.create(
            request=request, author=actor, text=text, at=now,
            role=AuthorRole.SUPERVISOR if actor.is_supervisor else AuthorRole.MANAGER,
        )  # fmt: skip
        if request.answered_at is None:
            request.answered_at = now
    if resolve:
        request.status, request.resolved_at = Status.RESOLVED, now
    else:
        request.status = Status.ANSWERED
    request.save(update_fields=["status", "answered_at", "resolved_at"])
    if text:
        _audit(actor=actor, action="request.answer", request=request, before=before)
    if resolve:
        _audit(actor=actor, action="request.resolve", request=request, before=before)
    return request


@transaction.atomic
def request_follow_up(*, user, service_request: ServiceRequest, text: str, now: dt.datetime | None = None):
    """The retailer replies to the answer (or adds to its request): it waits for its manager again.
    A resolved request is closed: the retailer rates it, or files a new one."""
    if not is_own_request(user=user, service_request=service_request):
        raise AccessDenied(_("Only the retailer that filed a request replies to it."))
    request = _locked(service_request)
    if request.status == Status.RESOLVED:
        raise RequestInvalid({"text": [_("This request is resolved: file a new one if something is still wrong.")]})
    errors: dict[str, list[str]] = {}
    text = _text(text, errors, empty=_("Please write your reply."))
    if errors:
        raise RequestInvalid(errors)
    now = now or timezone.now()
    before = _state(request)
    RequestMessage.objects.create(request=request, author=user, role=AuthorRole.RETAILER, text=text, at=now)
    request.status = Status.OPEN
    request.save(update_fields=["status"])
    _audit(actor=user, action="request.follow_up", request=request, before=before)
    return request


@transaction.atomic
def request_rate(*, user, service_request: ServiceRequest, rating, now: dt.datetime | None = None):
    """The retailer rates the answer, 1 (poor) to 5 (very good), once it has been answered; once."""
    if not is_own_request(user=user, service_request=service_request):
        raise AccessDenied(_("Only the retailer that filed a request rates its answer."))
    request = _locked(service_request)
    if request.answered_at is None:
        raise RequestInvalid({"rating": [_("There is no answer to rate yet.")]})
    if request.rating is not None:
        raise RequestInvalid({"rating": [_("This answer has already been rated.")]})
    try:
        value = int(str(rating))
    except (TypeError, ValueError):
        value = None
    if value is None or not RATING_MIN <= value <= RATING_MAX:
        raise RequestInvalid({"rating": [_("Choose from 1 to 5 stars.")]})
    before = _state(request)
    request.rating, request.rated_at = value, now or timezone.now()
    request.save(update_fields=["rating", "rated_at"])
    _audit(actor=user, action="request.rate", request=request, before=before)
    return request


def requests_escalate(*, now: dt.datetime | None = None) -> dict:
    """Nightly (`NIGHTLY_JOBS`): every request still unanswered past its time is escalated to the
    supervisors (they see it first in their queue), once, audited. Re-running escalates nothing new."""
    now = now or timezone.now()
    with transaction.atomic():
        due = list(
            ServiceRequest.objects.select_for_update()
            .filter(status=Status.OPEN, answered_at__isnull=True, escalated_at__isnull=True, due_at__lte=now)
            .order_by("pk")
        )
        days = request_policy().answer_within_days
        reason = Reason(gettext_noop("not answered within %(days)d working days"), days=days)
        for request in due:
            before = _state(request)
            request.escalated_at = now
            _audit(actor=None, action="request.escalate", request=request, before=before, reason=reason)
        ServiceRequest.objects.filter(pk__in=[r.pk for r in due]).update(escalated_at=now)
    return {"escalated": len(due)}
