"""A person's and an organisation's page: tabs, the timeline (every source, newest first,
paginated, constant queries) and "log an activity" from it."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from apps.accounts import services as account_services
from apps.core.models import ObjectChange
from apps.parties import services
from apps.parties.timeline import timeline
from apps.sales.models import Activity, ActivityType
from tests.factories import CombinationFactory, OrganisationFactory, PersonFactory

pytestmark = pytest.mark.django_db


def _activity(party, name, start, **extra):
    return Activity.objects.create(kind="task", name=name, start=start, contact=party, **extra)


def test_the_timeline_shows_every_source_newest_first(admin_user):
    person = PersonFactory()
    now = timezone.now()
    _activity(person, "Old call", now - datetime.timedelta(days=30))
    _activity(person, "Next meeting", now + datetime.timedelta(days=2))
    account = account_services.create_account(admin_user, person, currency="EUR", name="Main")
    services.add_membership(admin_user, person, combination=CombinationFactory(), start_date=now.date())
    services.update_party(admin_user, person, notes="VIP")

    events, has_next = timeline(person)

    kinds = {event.kind for event in events}
    assert {"activity", "account", "membership", "change"} <= kinds
    assert events[0].title.endswith("Next meeting")
    assert [e.time for e in events] == sorted((e.time for e in events), reverse=True)
    assert any(account.name in e.title for e in events if e.kind == "account")
    assert not has_next


def test_the_timeline_pages_at_constant_queries(admin_user):
    person = PersonFactory()
    start = timezone.now()
    for n in range(45):
        _activity(person, f"Call {n}", start - datetime.timedelta(hours=n))
    with CaptureQueriesContext(connection) as first:
        page1, more = timeline(person, 1, per_page=20)
    with CaptureQueriesContext(connection) as third:
        page3, more3 = timeline(person, 3, per_page=20)
    assert more and len(page1) == 20 and page1[0].title.endswith("Call 0")
    assert len(first) == len(third) <= 9
    titles3 = [e.title for e in page3]
    assert "Task (call, meeting, visit): Call 44" in titles3 or any("Call 44" in t for t in titles3)


@pytest.mark.parametrize("kind", ["person", "organisation"])
def test_the_party_page_has_tabs_and_the_timeline_at_pinned_queries(admin_client, kind):
    party = PersonFactory() if kind == "person" else OrganisationFactory()
    for n in range(5):
        _activity(party, f"Visit {n}", timezone.now() - datetime.timedelta(days=n))
    url = reverse(f"admin:parties_{kind}_change", args=[party.pk])
    admin_client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = admin_client.get(url)
    content = response.content.decode()
    assert response.status_code == 200
    assert 'id="dataset-timeline-group"' in content and "Visit 4" in content
    assert "Log an activity" in content
    for tab in ("Addresses", "E-mail addresses", "Phones", "Memberships", "Custom fields", "Timeline"):
        assert tab in content, tab
    assert len(queries) <= 60, len(queries)
    for n in range(20):
        _activity(party, f"More {n}", timezone.now() - datetime.timedelta(days=10 + n))
    with CaptureQueriesContext(connection) as more:
        admin_client.get(url + "?timeline=2")
    assert len(more) == len(queries)


def test_log_an_activity_from_the_timeline(admin_client, admin_user):
    person = PersonFactory()
    call, _ = ActivityType.objects.get_or_create(code="call", defaults={"name": "Call"})
    url = reverse("admin:parties_party_log_activity", args=[person.pk])
    response = admin_client.post(
        url,
        {
            "activity_type": call.pk,
            "name": "Called about renewal",
            "start": "2026-03-01T10:30",
            "state": "completed",
            "description": "Will renew",
        },
    )
    assert response.status_code == 302
    assert response["Location"].endswith(f"/parties/person/{person.pk}/change/#dataset-timeline")
    activity = Activity.objects.get(name="Called about renewal")
    assert activity.contact == person and activity.owner == admin_user and activity.state == "completed"
    assert activity.completed_at is not None
    assert ObjectChange.objects.filter(object_id=activity.pk, action="create").exists()
    page = admin_client.get(response["Location"].split("#")[0])
    assert "Call: Called about renewal" in page.content.decode()

    refused = admin_client.post(url, {"name": "", "start": "", "state": "completed"}, follow=True)
    assert "The activity was not logged" in refused.content.decode()
    assert Activity.objects.count() == 1


def test_log_an_activity_on_an_organisation_sets_the_account(admin_client):
    organisation = OrganisationFactory()
    admin_client.post(
        reverse("admin:parties_party_log_activity", args=[organisation.pk]),
        {"name": "Visit", "start": "2026-03-01T10:30", "state": "pending"},
    )
    assert Activity.objects.get(name="Visit").account == organisation
