"""Bulk actions on selected persons and organisations: each through the services, in the change
log, idempotent; a large selection runs as a background job with progress."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from apps.core.models import Job, ObjectChange
from apps.parties import bulk
from apps.parties.models import Membership, Party
from tests.factories import (
    CombinationFactory,
    OrganisationFactory,
    PersonFactory,
    SegmentFactory,
    TagFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
PERSONS = reverse("admin:parties_person_changelist")


def _post(client, action, parties, url=PERSONS, follow=True, **values):
    data = {"action": action, "_selected_action": [p.pk for p in parties], "apply": "1", **values}
    return client.post(url, data, follow=follow)


def _messages(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_the_action_asks_for_its_values_first(admin_client):
    persons = [PersonFactory() for _ in range(3)]
    TagFactory(name="VIP")
    response = admin_client.post(PERSONS, {"action": "bulk_tag", "_selected_action": [p.pk for p in persons]})
    assert response.status_code == 200
    content = response.content.decode()
    assert "Tag: 3 persons" in content and 'name="tag"' in content


def test_tag_and_untag_three_persons(admin_client):
    persons = [PersonFactory() for _ in range(3)]
    tag = TagFactory(name="VIP")
    response = _post(admin_client, "bulk_tag", persons, tag=tag.pk)
    assert "Tag: 3 of 3 changed." in _messages(response)
    assert all(tag in p.tags.all() for p in persons)
    assert ObjectChange.objects.filter(object_id__in=[p.pk for p in persons], action="update").count() == 3
    again = _post(admin_client, "bulk_tag", persons, tag=tag.pk)
    assert "Tag: 0 of 3 changed." in _messages(again)
    _post(admin_client, "bulk_untag", persons[:2], tag=tag.pk)
    assert [tag in p.tags.all() for p in persons] == [False, False, True]


def test_add_to_a_group_with_a_start_date(admin_client):
    persons = [PersonFactory() for _ in range(2)]
    combination = CombinationFactory()
    _post(admin_client, "bulk_add_to_group", persons, combination=combination.pk, start_date="2026-01-15")
    memberships = Membership.objects.filter(combination=combination)
    assert memberships.count() == 2
    assert {m.start_date for m in memberships} == {datetime.date(2026, 1, 15)}
    assert ObjectChange.objects.filter(content_type__model="membership", action="create").count() == 2


def test_add_to_and_remove_from_a_static_segment(admin_client):
    persons = [PersonFactory() for _ in range(3)]
    segment = SegmentFactory(applies_to=Party.Kind.PERSON)
    _post(admin_client, "bulk_segment_add", persons, segment=segment.pk)
    assert set(segment.static_members.all()) == set(persons)
    _post(admin_client, "bulk_segment_remove", persons[:1], segment=segment.pk)
    assert set(segment.static_members.all()) == set(persons[1:])
    assert ObjectChange.objects.filter(content_type__model="segment").count() == 2


def test_assign_the_responsible_user_and_set_consent_on_organisations(admin_client):
    organisations = [OrganisationFactory() for _ in range(2)]
    staff = UserFactory(is_staff=True)
    url = reverse("admin:parties_organisation_changelist")
    _post(admin_client, "bulk_assign_responsible", organisations, url=url, user=staff.pk)
    assert {Party.objects.get(pk=o.pk).responsible_user for o in organisations} == {staff}
    _post(
        admin_client, "bulk_set_consent", organisations, url=url, consent="direct_marketing_consent", value=1
    )
    for organisation in organisations:
        stored = Party.objects.get(pk=organisation.pk)
        assert stored.direct_marketing_consent and stored.direct_marketing_consent_set_at is not None


def test_a_large_selection_runs_as_a_job_with_progress(
    admin_client, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(bulk, "INLINE_LIMIT", 2)
    monkeypatch.setattr(bulk, "BATCH", 2)
    persons = [PersonFactory() for _ in range(5)]
    tag = TagFactory(name="Newsletter")
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(admin_client, "bulk_tag", persons, tag=tag.pk)
    job = Job.objects.get(task="apps.parties.tasks.bulk_parties_task")
    message = _messages(response)[0]
    assert "running in the background" in message
    assert reverse("admin:core_job_change", args=[job.pk]) in message
    job.refresh_from_db()
    assert job.state == Job.State.DONE
    assert job.result["total"] == 5 and job.result["changed"] == 5
    assert all(tag in p.tags.all() for p in persons)


def test_a_refused_change_is_reported_not_raised(admin_client):
    persons = [PersonFactory() for _ in range(2)]
    organisation = OrganisationFactory()
    segment = SegmentFactory(applies_to=Party.Kind.PERSON)
    url = reverse("admin:parties_organisation_changelist")
    response = _post(admin_client, "bulk_segment_add", [organisation], url=url, segment=segment.pk)
    assert response.status_code == 200
    assert segment.static_members.count() == 0  # an organisation cannot join a segment of persons
    assert persons
