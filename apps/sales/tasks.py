from celery import shared_task

from . import services_challenges


@shared_task
def settle_finished_challenges() -> int:
    """Decide the challenges whose period is over (hourly); how many. Safe to run again."""
    return services_challenges.settle_finished_challenges()
