"""File processing in Celery, run as jobs (apps.core.jobs). Each task calls a service and is
idempotent: a task run again after its worker died, or simply run twice, leaves one correct
result (the row is locked while it is processed, thumbnails have fixed names per content)."""

import logging

from celery import shared_task
from django.core.files.storage import default_storage
from django.db import OperationalError

from apps.core.jobs import JobTask

from . import services

logger = logging.getLogger(__name__)

RETRY = {"autoretry_for": (OperationalError,), "retry_backoff": True, "max_retries": 5}


@shared_task(base=JobTask, **RETRY)
def process_file(file_id: int):
    """Record size, SHA-256 and the sniffed type of a stored file."""
    return services.process_file(file_id)


@shared_task(base=JobTask, **RETRY)
def process_picture(picture_id: int):
    """Record size, SHA-256, type and dimensions of a picture and make its thumbnails."""
    return services.process_picture(picture_id)


@shared_task(base=JobTask, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def delete_stored_files(names: list[str]) -> int:
    """Remove stored objects whose rows were deleted. Deleting a missing object is a no-op."""
    for name in names:
        default_storage.delete(name)
    return len(names)
