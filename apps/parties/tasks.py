"""Celery tasks of the parties domain, run as jobs (apps.core.jobs). Each calls a service and is
safe to run twice."""

from celery import shared_task
from django.contrib.auth import get_user_model
from django.db import OperationalError

from apps.core.jobs import JobTask

from . import merge


@shared_task(base=JobTask, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def merge_parties_task(target_id: int, source_id: int, actor_id: int | None = None) -> dict:
    """Merge party `source_id` into `target_id` (apps.parties.merge.merge_parties) as the user
    `actor_id`. One transaction: a worker killed halfway leaves both parties as they were, and
    the redelivered task completes; a repeat returns the earlier merge (`repeated: true`)."""
    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id else None
    record = merge.merge_parties(actor, target_id, source_id)
    return {
        "merge_record": record.pk,
        "target": record.target_id,
        "source": record.source_id,
        "repeated": record.repeated,
        "moved": record.moved_count,
        "dropped": len(record.dropped),
    }


@shared_task(base=JobTask, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def bulk_parties_task(operation: str, ids: list, params: dict, actor_id: int | None = None) -> dict:
    """A bulk change on many parties (apps.parties.bulk.run), as user `actor_id`, recording its
    progress on the job. Idempotent: a run started again only changes what is still to change."""
    from . import bulk

    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id else None
    progress = bulk.report_progress(self_id) if (self_id := bulk_parties_task.request.id) else None
    return bulk.run(actor, operation, ids, params, progress=progress)
