"""Thin Celery task: the escalation, for a beat entry more frequent than the nightly run."""

from __future__ import annotations

from celery import shared_task

from .services import requests_escalate


@shared_task(name="service_requests.escalate", soft_time_limit=5 * 60, time_limit=6 * 60, max_retries=0)
def requests_escalate_task() -> dict:
    """Escalate the requests unanswered past their time (idempotent: each is escalated once)."""
    return requests_escalate()
