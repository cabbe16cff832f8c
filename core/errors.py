"""The site's error answers (`handler400`, `handler403`, `handler404`, `handler500` in distribution/urls.py),
in the reader's language, never Django's bare English "Not Found":

- under the API (`/api/`), the API's own JSON error body, as `core.api.exception_handler` gives its
  views' errors: {"error": {"status", "code", "message", "fields"}} (an address no endpoint has, a
  server error);
- elsewhere (the phone pages, the admin), a short page in the phone frame's style (templates/400.html,
  403.html, 404.html, 500.html) saying what happened, with a link back to the start; a refusal raised
  with words (`PermissionDenied("…")`) shows them.

A refused query parameter is answered before these (`core.middleware.BadParameterMiddleware`)."""

from __future__ import annotations

import logging

from django.http import HttpResponse, JsonResponse
from django.template import TemplateDoesNotExist, loader
from django.utils.translation import gettext as _
from django.views.decorators.csrf import requires_csrf_token

logger = logging.getLogger(__name__)

API_PREFIX = "/api/"


def is_api(request) -> bool:
    return request.path_info.startswith(API_PREFIX)


def error_body(status: int, code: str, message: str) -> JsonResponse:
    """The API's error body (`core.api.exception_handler`'s shape), with no field named."""
    body = {"error": {"status": status, "code": code, "message": message, "fields": {}}}
    return JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})


def _words(exception) -> str:
    """The words an exception was raised with for the reader (`PermissionDenied("…")`), "" when none."""
    return str(exception.args[0]) if exception is not None and exception.args and exception.args[0] else ""


def _page(request, template: str, status: int, message: str = "") -> HttpResponse:
    try:
        body = loader.get_template(template).render({"message": message, "home": "/"}, request)
    except TemplateDoesNotExist:  # pragma: no cover - the templates ship with the project
        body = message
    return HttpResponse(body, status=status)


@requires_csrf_token
def bad_request(request, exception=None):
    if is_api(request):
        return error_body(400, "bad_request", _("The request cannot be answered as it is."))
    return _page(request, "400.html", 400)


@requires_csrf_token
def permission_denied(request, exception=None):
    words = _words(exception)
    if is_api(request):
        return error_body(403, "permission_denied", words or _("You do not have permission to perform this action."))
    return _page(request, "403.html", 403, words)


@requires_csrf_token
def page_not_found(request, exception=None):
    if is_api(request):
        return error_body(404, "not_found", _("There is nothing at this address."))
    return _page(request, "404.html", 404)


@requires_csrf_token
def server_error(request):
    """No request context (a template tag that failed may fail again) and no database: the page is
    drawn from the template with the words of the active language only."""
    if is_api(request):
        return error_body(500, "server_error", _("Something went wrong on our side. Please try again later."))
    try:
        body = loader.get_template("500.html").render({"home": "/"})
    except Exception:  # the error page must not fail in turn
        logger.exception("the 500 page could not be drawn")
        body = "<h1>500</h1>"
    return HttpResponse(body, status=500)
