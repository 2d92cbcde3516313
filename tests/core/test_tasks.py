from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from apps.core.models import ObjectChange
from apps.core.tasks import prune_change_log
from apps.parties.models import Party


def _entry(days_old):
    return ObjectChange.objects.create(
        action="create",
        content_type=ContentType.objects.get_for_model(Party),
        object_id=1,
        object_repr="x",
        time=timezone.now() - timedelta(days=days_old),
    )


@pytest.mark.django_db
def test_prune_change_log_keeps_recent_entries_and_is_idempotent(settings):
    old, recent = _entry(400), _entry(10)
    settings.CHANGELOG_RETENTION_DAYS = 365
    assert prune_change_log() == 1
    assert list(ObjectChange.objects.values_list("pk", flat=True)) == [recent.pk]
    assert prune_change_log() == 0
    assert not ObjectChange.objects.filter(pk=old.pk).exists()


@pytest.mark.django_db
def test_prune_change_log_keeps_everything_without_retention(settings):
    _entry(4000)
    settings.CHANGELOG_RETENTION_DAYS = 0
    assert prune_change_log() == 0
    assert ObjectChange.objects.count() == 1


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_prune_change_log_runs_on_a_real_worker():
    _entry(400)
    _entry(1)
    assert prune_change_log.delay(30).get(timeout=60) == 1
    assert ObjectChange.objects.count() == 1
