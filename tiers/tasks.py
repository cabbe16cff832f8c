from celery import shared_task

from core.models import Run
from core.runs import retry_after_worker_lost

from .services import classification_run


# A retry after a lost worker waits past the stale window, so the dead attempt's run no longer refuses it.
@shared_task(
    name="tiers.classify", soft_time_limit=30 * 60, time_limit=35 * 60, default_retry_delay=retry_after_worker_lost()
)
def classify_task(run_id: int | None = None) -> int:
    """Monthly: a re-rating proposal for a supervisor to review and publish. `run_id`: the job run the
    admin's "start a re-rating now" opened (queued), so its page follows this run's progress."""
    if run_id is None:
        return classification_run().pk
    run = Run.objects.select_related("actor").get(pk=run_id)
    return classification_run(run=run, actor=run.actor).pk
