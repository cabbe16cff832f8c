"""Login attempts per client. Every login form (`LOGIN_RATE_LIMITED_VIEWS`, through
`accounts.middleware.LoginRateLimitMiddleware`) and the token endpoint (`LoginAttemptsApi`) share
one budget per client address: the `login` rate of DEFAULT_THROTTLE_RATES (20 a minute), whatever
login names it tries. The lock-out (django-axes) counts failures per login name *and* address, so a
stranger's failures pause that name only for the stranger's address, never from its owner's own."""

from __future__ import annotations

from math import ceil

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from rest_framework import exceptions
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle


def client_ip(request) -> str:
    """The client's address: REMOTE_ADDR, or behind TRUSTED_PROXIES reverse proxies the address the
    nearest of them saw (X-Forwarded-For counted from the right: a client can write its left part).
    Also what django-axes counts by (AXES_CLIENT_IP_CALLABLE)."""
    proxies = settings.TRUSTED_PROXIES
    if proxies:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if forwarded:
            return forwarded[-min(proxies, len(forwarded))]
    return request.META.get("REMOTE_ADDR", "")


class LoginRateThrottle(SimpleRateThrottle):
    """Login attempts per client address, at the `login` rate."""

    scope = "login"

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES[self.scope]  # read when used (tests change it)

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": client_ip(request)}


def _seconds(wait: float | None) -> int:
    return max(1, ceil(wait)) if wait is not None else 60


def too_many_logins_message(wait: float | None) -> str:
    seconds = _seconds(wait)
    return ngettext(
        "Too many login attempts from here. Try again in %(seconds)s second.",
        "Too many login attempts from here. Try again in %(seconds)s seconds.",
        seconds,
    ) % {"seconds": seconds}


def too_many_logins_page(request, wait: float | None) -> HttpResponse:
    """429 for a login form, in the page's language, with Retry-After."""
    response = render(request, "accounts/too_many_logins.html", {"message": too_many_logins_message(wait)}, status=429)
    response["Retry-After"] = str(_seconds(wait))
    return response


class LoginPaused(exceptions.APIException):
    """A login name locked out from this address (django-axes), as the API says it."""

    status_code = 429
    default_code = "locked_out"
    default_detail = _("Logging in is paused for a while. Try again later, or ask your customer manager to reset your password.")


class LoginAttemptsApi:
    """For an API view that logs in (a DRF APIView): the client address's login budget, and the
    lock-out answered as 429 (axes marks the DRF request, which its middleware never sees, so a
    locked name got the wrong-password answer). Both with the API's error body and a plain message in
    the request's language (DRF's own wait sentence is never translated)."""

    throttle_classes = [LoginRateThrottle]

    def throttled(self, request, wait):
        refused = exceptions.Throttled(detail=too_many_logins_message(wait))
        refused.wait = _seconds(wait)
        raise refused

    def handle_exception(self, exc):
        if getattr(self.request, "axes_locked_out", False):
            exc = LoginPaused()
        return super().handle_exception(exc)
