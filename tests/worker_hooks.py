"""Loaded into the test suite's Celery workers (`celery worker --include tests.worker_hooks`).

A transactional test flushes the database after it runs, and the content types come back with
new ids; a worker that lives across tests must not keep the old ids it cached."""

from celery.signals import task_prerun
from django.contrib.contenttypes.models import ContentType


@task_prerun.connect
def forget_content_types(**kwargs):
    ContentType.objects.clear_cache()
