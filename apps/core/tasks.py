from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from .models import ObjectChange


@shared_task
def prune_change_log(retention_days: int | None = None) -> int:
    """Delete change log entries older than the retention period; returns how many went.
    Idempotent: running it again deletes nothing more."""
    days = settings.CHANGELOG_RETENTION_DAYS if retention_days is None else retention_days
    if not days:
        return 0
    deleted, _ = ObjectChange.objects.filter(time__lt=timezone.now() - timedelta(days=days)).delete()
    return deleted
