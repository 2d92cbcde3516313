"""One activity, three APIs, over HTTP: an activity made through Cirrus is listed by Peepl and
CRM.COM Back-Office v2 with the same moment, type, contact and state, and activities made through
those two are listed by Cirrus; a change through one shows in the others."""

import datetime

import pytest

from apps.core.api_keys import issue_api_key
from apps.sales.models import Activity, ActivityType
from tests.api.crmcom.conftest import BackOfficeClient
from tests.api.peepl.conftest import PeeplClient

from ..pipeline import *  # noqa: F403
from ..support import *  # noqa: F403

pytestmark = pytest.mark.django_db


@pytest.fixture
def peepl(admin_user):
    client = PeeplClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {issue_api_key(admin_user, 'peepl')[1]}")
    return client


@pytest.fixture
def backoffice(admin_user):
    client = BackOfficeClient()
    client.credentials(HTTP_API_KEY=issue_api_key(admin_user, "backoffice")[1])
    return client


def moment(text: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))


def via_cirrus(cirrus, pk) -> dict:
    item = cirrus.call("get", f"activities/{pk}").json()
    listed = {i["id"]: i for i in cirrus.call("get", "activities?per_page=50").json()["items"]}
    assert listed[pk] == item
    return {
        "start": moment(item["start"]),
        "name": item["description"],
        "type": item["type"]["name"] if item["type"] else None,
        "contact": item["primarycontact"]["id"] if item["primarycontact"] else None,
        "closed": item["closed"],
    }


def via_backoffice(backoffice, uuid) -> dict:
    listed = {i["id"]: i for i in backoffice.get("activities?size=50").json()["content"]}
    item = listed[str(uuid)]
    return {
        "start": datetime.datetime.fromtimestamp(
            item["key_dates"]["scheduled_on"]["from_date"], datetime.UTC
        ),
        "name": item["name"],
        "type": item["type"]["name"],
        "contact": item["contact"]["code"],
        "state": item["state"],
    }


def via_peepl(peepl, pk) -> dict:
    listed = {i["id"]: i for i in peepl.get("activities/").json()}
    item = listed[pk]
    return {"start": moment(item["start_date"]), "name": item["name"], "type": item["type"]}


def test_made_through_cirrus_is_listed_by_peepl_and_backoffice(cirrus, peepl, backoffice, acme, eva, user):
    meeting = ActivityType.objects.get(code="meeting")
    data = {
        "accountid": acme.pk,
        "description": "Fleet review",
        "location": "Umeå",
        "primarycontact": {"id": eva.pk},
        "result": "",
        "type": {"id": meeting.pk},
        "userid": user.pk,
        "start": "2024-05-02T07:30:00Z",
        "stop": "2024-05-02T08:15:00Z",
    }
    created = cirrus.call("post", "activities", data).json()
    pk = created["id"]
    uuid = Activity.objects.get(pk=pk).uuid
    start = moment("2024-05-02T07:30:00Z")

    assert via_cirrus(cirrus, pk) == {
        "start": start,
        "name": "Fleet review",
        "type": "Meeting",
        "contact": eva.pk,
        "closed": 0,
    }
    assert via_backoffice(backoffice, uuid) == {
        "start": start,
        "name": "Fleet review",
        "type": "Meeting",
        "contact": str(eva.pk),
        "state": "PENDING",
    }
    assert via_peepl(peepl, pk) == {"start": start, "name": "Fleet review", "type": "task"}

    # closing it through Cirrus completes it for CRM.COM; a new date moves it everywhere
    cirrus.call("put", f"activities/{pk}", {"closed": 1, "date": "2024-05-03"})
    later = via_backoffice(backoffice, uuid)
    assert later["state"] == "COMPLETED" and later["start"] == start + datetime.timedelta(days=1)
    assert via_peepl(peepl, pk)["start"] == later["start"] == via_cirrus(cirrus, pk)["start"]


def test_made_through_backoffice_is_listed_by_cirrus(cirrus, backoffice, eva):
    meeting = ActivityType.objects.get(code="meeting")
    body = {
        "name": "Call about the offer",
        "type_id": str(meeting.uuid),
        "scheduled_on": {"from_date": 1714635000},
        "linked_to": [{"type": "CONTACT", "id": str(eva.uuid)}],
    }
    response = backoffice.post("activities", body)
    assert response.status_code == 201, response.content
    uuid = response.json()["id"]
    pk = Activity.objects.get(uuid=uuid).pk
    assert via_cirrus(cirrus, pk) == {
        "start": datetime.datetime.fromtimestamp(1714635000, datetime.UTC),
        "name": "Call about the offer",
        "type": "Meeting",
        "contact": eva.pk,
        "closed": 0,
    }
    assert backoffice.put(f"activities/{uuid}", {"state": "COMPLETED"}).status_code == 200
    assert via_cirrus(cirrus, pk)["closed"] == 1
    # and a Cirrus filter finds it by its contact
    assert [i["id"] for i in cirrus.call("get", f"activities?contactid={eva.pk}").json()["items"]] == [pk]


def test_made_through_peepl_is_listed_by_cirrus(cirrus, peepl):
    body = {
        "name": "Summer party",
        "description": "In the garden",
        "start_date": "2024-06-21T18:00:00+02:00",
        "is_public": True,
        "permissions": [],
    }
    response = peepl.post("activities/external/", body, format="json")
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    assert via_cirrus(cirrus, pk) == {
        "start": moment("2024-06-21T16:00:00Z"),
        "name": "In the garden",
        "type": None,
        "contact": None,
        "closed": 0,
    }
    assert via_peepl(peepl, pk)["start"] == moment("2024-06-21T16:00:00Z")
