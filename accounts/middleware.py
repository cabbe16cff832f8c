"""Two middlewares of the login rules (`accounts.throttling`, `accounts.sessions`)."""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone

from .throttling import LoginRateThrottle, too_many_logins_page

SEEN_KEY = "_accounts_seen"
RENEW_EVERY = 60  # seconds: an idle session is saved again at most this often


class LoginRateLimitMiddleware:
    """A POST to a login form (LOGIN_RATE_LIMITED_VIEWS, URL names) is refused with 429 beyond the
    client address's login budget, before any password is checked (so it counts towards no lock-out)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method != "POST" or request.resolver_match is None:
            return None
        if request.resolver_match.view_name not in settings.LOGIN_RATE_LIMITED_VIEWS:
            return None
        throttle = LoginRateThrottle()
        if throttle.allow_request(request, None):
            return None
        return too_many_logins_page(request, throttle.wait())


class SessionIdleMiddleware:
    """A session with an idle expiry (`session.set_expiry(seconds)`: a staff login's, see
    `accounts.sessions.staff_sessions_idle`) is saved again when used, at most once a minute, so it
    ends that long after its last request rather than after the login. Must come after
    SessionMiddleware (its response is handled first)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is not None and session.accessed and not session.modified:
            if isinstance(session.get("_session_expiry"), int):
                now = int(timezone.now().timestamp())
                if now - session.get(SEEN_KEY, 0) >= RENEW_EVERY:
                    session[SEEN_KEY] = now
        return response
