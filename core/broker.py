"""Is the Celery broker there? Asked before a job sends work to the workers, so a broker that is
down fails the job at once with a plain message instead of after Celery's own retries (about
20 s on Redis) with a traceback, or never (a broker that accepts connections and does not answer)."""

from __future__ import annotations

from celery import current_app
from django.conf import settings
from django.utils.translation import gettext_noop

from .exceptions import DomainError, Reason


class BrokerUnavailable(DomainError):
    """The broker did not answer: nothing was sent to the workers. Raised with a Reason, so a run it
    fails keeps the reason to be read in the reader's language (`core.runs.run_fail`)."""


def broker_unavailable_reason() -> Reason:
    return Reason(
        gettext_noop(
            "The task queue (broker) does not answer, so nothing was sent to the workers. "
            "Check that Redis is running, then start the job again."
        )
    )


def broker_check(*, timeout: float | None = None) -> None:
    """Raise BrokerUnavailable unless the broker answers within `timeout` seconds
    (BROKER_CHECK_TIMEOUT_SECONDS). Tasks run in-process (no broker): nothing to check."""
    app = current_app
    if app.conf.task_always_eager:
        return
    timeout = settings.BROKER_CHECK_TIMEOUT_SECONDS if timeout is None else timeout
    # Redis: bounded connect and reply (the defaults wait forever on a broker that hangs).
    options = {
        **(app.conf.broker_transport_options or {}),
        "socket_connect_timeout": timeout,
        "socket_timeout": timeout,
    }
    try:
        with app.connection_for_write(connect_timeout=timeout, transport_options=options) as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, interval_max=0, timeout=timeout)
    except Exception as exc:  # kombu's OperationalError, socket errors, a refused login: all "not there"
        raise BrokerUnavailable(broker_unavailable_reason()) from exc
