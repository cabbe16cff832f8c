"""The retailer's request pages on its phone (`/m/requests/`): its own requests only. The photo of a
request is served to whoever may see the request (its retailer, its manager, a supervisor)."""

from __future__ import annotations

import mimetypes
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exceptions import AccessDenied
from retailers.phone import retailer_page

from .forms import FileRequestForm, RatingForm, ReplyForm
from .models import Status
from .selectors import request_policy, request_visible_to, retailer_requests
from .services import RequestInvalid, request_file, request_follow_up, request_rate


def _errors_to(form, exc: RequestInvalid) -> None:
    for field, problems in exc.errors.items():
        for message in problems:
            form.add_error(field if field in form.fields else None, message)


@retailer_page(staff_to="admin:service_requests_servicerequest_changelist")
def request_list(request, retailer):
    context = {
        "retailer": retailer, "nav": "requests", "requests": retailer_requests(retailer=retailer)[:100],
        "now": timezone.now(), "Status": Status, "days": request_policy().answer_within_days,
    }  # fmt: skip
    return render(request, "service_requests/list.html", context)


@retailer_page(staff_to="admin:service_requests_servicerequest_changelist")
def request_new(request, retailer):
    form = FileRequestForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            filed = request_file(
                user=request.user, category=form.cleaned_data["category"], text=form.cleaned_data["text"],
                photo=form.cleaned_data.get("photo"),
            )  # fmt: skip
        except RequestInvalid as exc:
            _errors_to(form, exc)
        else:
            messages.success(request, _("Your request was sent to your customer manager."))
            return redirect("service_requests:detail", pk=filed.pk)
    if request.method == "POST" and request.FILES.get("photo") and form.errors and "photo" not in form.errors:
        form.add_error("photo", _("Nothing was sent: please choose the photo again."))
    context = {"retailer": retailer, "nav": "requests", "form": form, "days": request_policy().answer_within_days}
    return render(request, "service_requests/new.html", context)


@retailer_page(staff_to="admin:service_requests_servicerequest_changelist")
def request_detail(request, retailer, pk: int):
    filed = get_object_or_404(retailer_requests(retailer=retailer), pk=pk)
    action = request.POST.get("action") if request.method == "POST" else None
    reply_form = ReplyForm(request.POST if action == "reply" else None, prefix="reply")
    rating_form = RatingForm(request.POST if action == "rate" else None, prefix="rate")
    bound = {"reply": reply_form, "rate": rating_form}.get(action)
    if bound is not None and bound.is_valid():
        try:
            if action == "reply":
                request_follow_up(user=request.user, service_request=filed, text=bound.cleaned_data["text"])
                messages.success(request, _("Your reply was sent."))
            else:
                request_rate(user=request.user, service_request=filed, rating=bound.cleaned_data["rating"])
                messages.success(request, _("Thank you for rating the answer."))
        except RequestInvalid as exc:
            _errors_to(bound, exc)
        except AccessDenied as exc:
            raise PermissionDenied from exc
        else:
            return redirect("service_requests:detail", pk=filed.pk)
    filed.refresh_from_db()
    context = {
        "retailer": retailer, "nav": "requests", "item": filed, "thread": filed.messages.all(),
        "reply_form": reply_form, "rating_form": rating_form, "now": timezone.now(), "Status": Status,
        "can_reply": filed.status != Status.RESOLVED,
        "can_rate": filed.answered_at is not None and filed.rating is None, "stars": "★" * (filed.rating or 0),
    }  # fmt: skip
    return render(request, "service_requests/detail.html", context)


@login_required
def request_photo(request, pk: int):
    """The request's photo, for its retailer, its customer manager or a supervisor; 404 for anyone else.
    Stored under its picture kind's extension (checked on upload), sent as that kind and never sniffed."""
    filed = request_visible_to(user=request.user, pk=pk)
    if filed is None or not filed.photo:
        raise Http404
    kind = mimetypes.guess_type(filed.photo.name)[0]
    if kind not in ("image/jpeg", "image/png", "image/webp"):
        raise Http404
    response = FileResponse(filed.photo.open("rb"), content_type=kind, filename=Path(filed.photo.name).name)
    response["Content-Disposition"] = "inline"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    return response
