"""`/healthz`: whether the database, the cache and the broker answer (for a load balancer or a monitor).

No login; the answer names each part's state and nothing else (no host, no error text: those go
to the log). The overall status:

- "ok" (200): every part answers ("in-process" for the broker when none is configured: tasks run in
  the web process);
- "degraded" (200): the database answers but the cache or the broker does not. The service still
  works: pages, logins and the API are read from the database (slower, `core.cache`), publishing
  needs no broker; only work sent to the workers (a fanned-out allocation, an admin import, the
  nightly jobs) does not start. A load balancer keeps the instance; a monitor alerts on the part
  named "unavailable";
- "unavailable" (503): the database does not answer, and nothing can be served.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from kombu import Connection

logger = logging.getLogger(__name__)

OK, DOWN, IN_PROCESS, DEGRADED = "ok", "unavailable", "in-process", "degraded"
BROKER_TIMEOUT = 2.0  # seconds


def _database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any driver error means the same to a monitor
        logger.warning("healthz: database unavailable (%s)", type(exc).__name__)
        return DOWN
    return OK


def _cache() -> str:
    cache = caches["default"]
    try:
        if hasattr(cache, "ping"):  # Redis (core.cache): asked past its breaker
            cache.ping()
        else:  # process memory
            cache.set("healthz", 1, 10)
            if cache.get("healthz") != 1:
                raise RuntimeError("cache lost a value")
    except Exception as exc:
        logger.warning("healthz: cache unavailable (%s)", type(exc).__name__)
        return DOWN
    return OK


def _broker() -> str:
    url = settings.CELERY_BROKER_URL
    if not url:
        return IN_PROCESS
    try:
        with Connection(url, connect_timeout=BROKER_TIMEOUT, transport_options={"socket_timeout": BROKER_TIMEOUT}) as conn:
            conn.ensure_connection(max_retries=0, timeout=BROKER_TIMEOUT)
    except Exception as exc:
        logger.warning("healthz: broker unavailable (%s)", type(exc).__name__)
        return DOWN
    return OK


@never_cache
@require_safe
def healthz(request):
    checks = {"database": _database(), "cache": _cache(), "broker": _broker()}
    if checks["database"] != OK:
        status = DOWN
    elif all(state in (OK, IN_PROCESS) for state in checks.values()):
        status = OK
    else:
        status = DEGRADED
    return JsonResponse({"status": status, **checks}, status=503 if status == DOWN else 200)
