"""A page's refused query parameter becomes a 400 page that says what to change (the API's
views answer their own JSON error body first, `core.api.exception_handler`); the
Content-Security-Policy header on every response."""

from __future__ import annotations

from csp.constants import HEADER
from csp.middleware import CSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.template.response import TemplateResponse

from .params import BadParameter


class BadParameterMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, BadParameter):
            return None
        response = TemplateResponse(
            request, "core/bad_parameter.html", {"message": exception.message, "back": request.path}, status=400
        )
        return response.render()


class ContentSecurityPolicyMiddleware:
    """The Content-Security-Policy of the settings (django-csp's `CONTENT_SECURITY_POLICY`) on every
    response, its header built once per process: django-csp's own middleware builds it for each
    response (~130 µs here, a quarter of a cached API request). A response that asks for its own
    policy (django-csp's decorators) or a report-only policy goes django-csp's way; nonces are not
    offered (no page has an inline script).

    The admin's pages (django-unfold) run Alpine.js, which compiles its `x-on`/`x-bind` attributes
    with the Function constructor: under `ADMIN_PATH_PREFIX` the policy adds the settings'
    `CONTENT_SECURITY_POLICY_ADMIN_UPDATE` (`'unsafe-eval'` for scripts, still our own files only).
    The retailers' phone pages and the API keep the strict policy."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.library = CSPMiddleware(get_response)
        # id of the settings' policy, header, the admin's header, excluded prefixes
        self._built: tuple[int, str, str, tuple[str, ...]] | None = None

    def _policy(self, path: str) -> tuple[str, tuple[str, ...]]:
        policy = getattr(settings, "CONTENT_SECURITY_POLICY", None)
        if self._built is None or self._built[0] != id(policy):
            excluded = tuple((policy or {}).get("EXCLUDE_URL_PREFIXES") or ())
            admin_update = getattr(settings, "CONTENT_SECURITY_POLICY_ADMIN_UPDATE", None)
            admin_header = build_policy(update=admin_update) if admin_update else build_policy()
            self._built = (id(policy), build_policy(), admin_header, excluded)
        admin = path.startswith(getattr(settings, "ADMIN_PATH_PREFIX", "/admin/"))
        return self._built[2] if admin else self._built[1], self._built[3]

    def __call__(self, request):
        response = self.get_response(request)
        if settings.DEBUG and response.status_code in (404, 500):  # Django's debug pages, as django-csp
            return response
        if getattr(settings, "CONTENT_SECURITY_POLICY_REPORT_ONLY", None) or any(
            getattr(response, name, None) is not None for name in _PER_RESPONSE
        ):
            return self.library.process_response(request, response)
        header, excluded = self._policy(request.path_info)
        if header and HEADER not in response and not (excluded and request.path_info.startswith(excluded)):
            response[HEADER] = header
        return response


_PER_RESPONSE = ("_csp_config", "_csp_update", "_csp_replace", "_csp_exempt", "_csp_exempt_ro")
