"""Insight exports in Celery, run as jobs (apps.core.jobs). The export writer is safe to run
again: each run takes the export under a new run id and only the latest run may finish it; the
file has a fixed name per export, so a run redelivered after its worker died, or simply run
twice, leaves one file."""

from celery import shared_task
from django.core.files.storage import default_storage
from django.db import OperationalError

from apps.core.jobs import JobTask

from . import exports


@shared_task(base=JobTask, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def export_insight(export_id: int):
    """Write an insight export's file, recording progress on the export as it goes."""
    return exports.run_export(export_id)


@shared_task(base=JobTask, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def delete_files(names: list[str]) -> int:
    """Remove the stored files of deleted exports. Deleting a missing file is a no-op."""
    for name in names:
        default_storage.delete(name)
    return len(names)


@shared_task(base=JobTask, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def export_list(export_id: int):
    """Write a back-office list export's file (apps.insights.list_exports), with progress."""
    from . import list_exports

    return list_exports.run_list_export(export_id)
