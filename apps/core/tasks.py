from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from . import counters, jobs
from .models import ObjectChange

PRUNE_BATCH = 10_000


@shared_task(acks_late=True, reject_on_worker_lost=True)
def prune_change_log(retention_days: int | None = None) -> int:
    """Delete change log entries older than the retention period; returns how many went.
    Idempotent, in batches that commit one by one: a run killed halfway kept what it deleted,
    and running it again deletes the rest."""
    days = settings.CHANGELOG_RETENTION_DAYS if retention_days is None else retention_days
    if not days:
        return 0
    old = ObjectChange.objects.filter(time__lt=timezone.now() - timedelta(days=days))
    total = 0
    while batch := list(old.order_by("pk").values_list("pk", flat=True)[:PRUNE_BATCH]):
        deleted, _ = ObjectChange.objects.filter(pk__in=batch).delete()
        total += deleted
    return total


@shared_task
def sweep_jobs() -> dict:
    """Publish the jobs that never reached the broker or lost their worker (apps.core.jobs);
    Celery beat runs it every JOBS_SWEEP_INTERVAL seconds. Idempotent: a job published twice
    runs once."""
    return jobs.sweep()


@shared_task
def compact_row_counters() -> int:
    """Fold the row counters' delta rows (apps.core.counters); Celery beat runs it every minute.
    Idempotent: the sums never change."""
    return counters.compact()
