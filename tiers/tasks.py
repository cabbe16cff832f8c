from celery import shared_task

from .services import classification_run


@shared_task(name="tiers.classify", soft_time_limit=30 * 60, time_limit=35 * 60)
def classify_task() -> int:
    """Monthly: a re-rating proposal for a supervisor to review and publish."""
    return classification_run().pk
