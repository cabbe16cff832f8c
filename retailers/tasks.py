from celery import shared_task

from .classification.services import classification_run


@shared_task(name="retailers.classify", soft_time_limit=30 * 60, time_limit=35 * 60)
def classify_task() -> int:
    """Monthly: a re-rating proposal for a supervisor to review and publish."""
    return classification_run().pk
