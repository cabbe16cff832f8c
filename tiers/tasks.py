from celery import shared_task

from core.runs import retry_after_worker_lost

from .services import classification_run


# A retry after a lost worker waits past the stale window, so the dead attempt's run no longer refuses it.
@shared_task(
    name="tiers.classify", soft_time_limit=30 * 60, time_limit=35 * 60, default_retry_delay=retry_after_worker_lost()
)
def classify_task() -> int:
    """Monthly: a re-rating proposal for a supervisor to review and publish."""
    return classification_run().pk
