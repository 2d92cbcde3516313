"""Back-Office v2 activities and activity tags over HTTP: V1-V5, T1-T2 with their rules and errors
(acceptance examples 10-14), every list filter, sort and flag, and constant queries per list."""

import datetime

import pytest
from django.utils import timezone

from apps.core.models import AppliesTo, CustomField, CustomFieldValue, Tag
from apps.parties import services as party_services
from apps.parties.models import BusinessGroup, BusinessUnit
from apps.sales import services_crm, services_pipeline
from apps.sales.models import Activity, ActivityStateChange, ActivityType, Order, ServiceRequest
from tests.api.crmcom.conftest import NOT_A_RECORD, assert_error
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
NOT_FOUND = "CRM.EXCEPTIONS.NOTFOUNDEXCEPTION"
T0 = 1592809457


@pytest.fixture
def call():
    return ActivityType.objects.get(code="call")


@pytest.fixture
def tag(db):
    return Tag.objects.create(name="VIP", colour="#0000FF")


@pytest.fixture
def order(contact):
    address = party_services.update_address(None, contact.addresses.get(), street="Main street", city="Gent")
    return services_crm.save_reference(None, Order(number="ORD-1", contact=contact, address=address))


@pytest.fixture
def team(db):
    group = BusinessGroup.objects.create(name="Sales")
    return BusinessUnit.objects.create(name="Field team", group=group)


@pytest.fixture
def colour_field(db):
    return CustomField.objects.create(key="colour", name="Colour", applies_to=AppliesTo.ACTIVITY)


def body(contact, call, **extra):
    data = {
        "name": "Call customer",
        "type_id": str(call.uuid),
        "scheduled_on": {"from_date": T0},
        "linked_to": [{"type": "CONTACT", "id": str(contact.uuid)}],
    }
    data.update(extra)
    return data


def create(bo, contact, call, **extra) -> Activity:
    response = bo.post("activities", body(contact, call, **extra))
    assert response.status_code == 201, response.content
    assert set(response.json()) == {"id"}
    return Activity.objects.get(uuid=response.json()["id"])


# --- V1 create and V5 get (examples 10, 11) ------------------------------------------------------


def test_example_10_create_and_get(bo, contact, call):
    activity = create(bo, contact, call)
    response = bo.get(f"activities/{activity.uuid}")
    assert response.status_code == 200
    data = response.json()
    assert isinstance(data["key_dates"]["created_on"], int)
    assert data["key_dates"]["scheduled_on"] == {"from_date": T0, "to_date": None}
    assert data["contact"] == {"id": str(contact.uuid), "name": "John Smith", "code": str(contact.pk)}
    assert data["states"][0]["state"] == "PENDING" and isinstance(data["states"][0]["date"], int)
    assert data["state"] == "PENDING"
    assert data["type"] == {"id": str(call.uuid), "name": "Call", "color": "876FD5"}
    assert data["lead"] is None and data["order"] is None and data["service_request"] is None
    assert data["assign_to"] == {"user": None, "team": None}
    assert data["address"] is None and data["custom_fields"] == [] and data["description"] is None
    assert activity.kind == Activity.Kind.TASK


def test_example_11_rules_of_create(bo, contact, call):
    address = contact.addresses.get()
    both = body(contact, call, address_id=str(address.uuid), use_entity_address=True)
    assert_error(bo.post("activities", both), 400)
    no_links = body(contact, call)
    del no_links["linked_to"]
    assert_error(bo.post("activities", no_links), 400, parameters=["linked_to"])
    body_ = assert_error(bo.post("activities", body(contact, call, type_id="HGJDHGSJDHG")), 404, NOT_FOUND)
    assert body_["parameters"] == ["activity_type", "HGJDHGSJDHG"]
    assert not Activity.objects.exists()


@pytest.mark.parametrize(
    "change,parameter",
    [
        ({"name": ""}, "name"),
        ({"name": None}, "name"),
        ({"type_id": None}, "type_id"),
        ({"scheduled_on": {}}, "scheduled_on.from_date"),
        ({"scheduled_on": {"from_date": "soon"}}, "scheduled_on.from_date"),
        ({"scheduled_on": {"from_date": T0, "to_date": T0 - 1}}, "scheduled_on.to_date"),
        ({"scheduled_on": {"from_date": 10**15}}, "scheduled_on.from_date"),
        ({"linked_to": []}, "linked_to"),
        ({"linked_to": [{"type": "PLANET", "id": "x"}]}, "linked_to.type"),
        ({"linked_to": "CONTACT"}, "linked_to"),
        ({"use_entity_address": "sometimes"}, "use_entity_address"),
        ({"custom_fields": [{"value": "x"}]}, "custom_fields.key"),
        ({"assign_to": "me"}, "assign_to"),
    ],
)
def test_create_validates_the_body(bo, contact, call, change, parameter):
    response = bo.post("activities", body(contact, call, **change))
    assert parameter in assert_error(response, 400)["parameters"]


def test_links_rules(bo, contact, call, order):
    lead = services_pipeline.create_lead(None, title="Interest", contact=contact)
    contact_link = {"type": "CONTACT", "id": str(contact.uuid)}
    two_others = [
        contact_link,
        {"type": "LEAD", "id": str(lead.uuid)},
        {"type": "ORDER", "id": str(order.uuid)},
    ]
    assert_error(
        bo.post("activities", body(contact, call, linked_to=two_others)), 400, parameters=["linked_to"]
    )
    twice = [contact_link, contact_link]
    assert_error(bo.post("activities", body(contact, call, linked_to=twice)), 400, parameters=["linked_to"])
    unknown = [{"type": "CONTACT", "id": NOT_A_RECORD}]
    assert_error(bo.post("activities", body(contact, call, linked_to=unknown)), 404, NOT_FOUND, ["contact"])
    unknown = [contact_link, {"type": "SERVICE_REQUEST", "id": NOT_A_RECORD}]
    assert_error(
        bo.post("activities", body(contact, call, linked_to=unknown)), 404, NOT_FOUND, ["service_request"]
    )
    activity = create(bo, contact, call, linked_to=[contact_link, {"type": "LEAD", "id": str(lead.uuid)}])
    assert bo.get(f"activities/{activity.uuid}").json()["lead"] == {"id": str(lead.uuid), "title": "Interest"}


def test_only_an_order_linked_gives_the_order_contact(bo, contact, call, order):
    activity = create(bo, contact, call, linked_to=[{"type": "ORDER", "id": str(order.uuid)}])
    assert activity.contact == contact and activity.order == order
    orphan = services_crm.save_reference(None, ServiceRequest(number="SR-1"))
    response = bo.post(
        "activities", body(contact, call, linked_to=[{"type": "SERVICE_REQUEST", "id": str(orphan.uuid)}])
    )
    assert_error(response, 400, parameters=["linked_to"])


def test_addresses(bo, contact, call, order):
    own = create(bo, contact, call, address_id=str(contact.addresses.get().uuid))
    address = bo.get(f"activities/{own.uuid}").json()["address"]
    assert set(address) == {
        "address_line_1",
        "address_line_2",
        "state_province_county",
        "town_city",
        "postal_code",
        "country",
        "lat",
        "lon",
        "google_place_id",
    }
    assert address["country"] == "BEL" and address["town_city"] == "Gent"
    links = [{"type": "CONTACT", "id": str(contact.uuid)}, {"type": "ORDER", "id": str(order.uuid)}]
    entity = create(bo, contact, call, linked_to=links, use_entity_address="true")
    assert entity.address["address_line_1"] == "Main street"
    plain = create(bo, contact, call, use_entity_address=True)
    assert plain.address["country"] == "BEL"  # the contact's own address
    none = create(bo, contact, call, use_entity_address="false")
    assert none.address is None
    assert_error(
        bo.post("activities", body(contact, call, address_id=NOT_A_RECORD)), 404, NOT_FOUND, ["address"]
    )


def test_assignment_and_custom_fields(bo, contact, call, team, colour_field, admin_user):
    activity = create(
        bo,
        contact,
        call,
        description="About the offer",
        assign_to={"user_id": str(admin_user.pk), "team_id": str(team.uuid)},
        custom_fields=[{"key": "colour", "value": "blue"}],
    )
    data = bo.get(f"activities/{activity.uuid}").json()
    assert data["assign_to"] == {
        "user": {"id": str(admin_user.pk), "name": "admin", "username": "admin"},
        "team": {"id": str(team.uuid), "name": "Field team"},
    }
    assert data["custom_fields"] == [{"key": "colour", "value": "blue"}]
    assert data["description"] == "About the offer"
    assert_error(
        bo.post("activities", body(contact, call, assign_to={"user_id": "999999"})),
        404,
        NOT_FOUND,
        ["user", "999999"],
    )
    assert_error(
        bo.post("activities", body(contact, call, assign_to={"team_id": NOT_A_RECORD})),
        404,
        NOT_FOUND,
        ["team"],
    )
    unknown = [{"key": "size", "value": "L"}]
    assert_error(
        bo.post("activities", body(contact, call, custom_fields=unknown)), 400, parameters=["custom_fields"]
    )
    twice = [{"key": "colour", "value": "a"}, {"key": "colour", "value": "b"}]
    assert_error(
        bo.post("activities", body(contact, call, custom_fields=twice)), 400, parameters=["custom_fields"]
    )


def test_type_by_code_and_large_dates(bo, contact):
    activity = create(
        bo,
        contact,
        ActivityType.objects.get(code="email"),
        type_id="email",
        scheduled_on={"from_date": T0, "to_date": 11653396172},
    )
    assert activity.activity_type.code == "email"
    assert bo.get(f"activities/{activity.uuid}").json()["key_dates"]["scheduled_on"]["to_date"] == 11653396172


# --- V2 update (example 12) ------------------------------------------------------------------------


def test_example_12_complete_then_filter_and_contact_is_immutable(bo, contact, call):
    activity = create(bo, contact, call)
    t0 = int(timezone.now().timestamp()) - 1
    response = bo.put(f"activities/{activity.uuid}", {"state": "COMPLETED"})
    assert response.status_code == 200 and response.json() == {"id": str(activity.uuid)}
    listed = bo.get(f"activities/?states=COMPLETED&completed_on[gte]={t0}").json()
    assert [a["id"] for a in listed["content"]] == [str(activity.uuid)]
    moved = bo.put(
        f"activities/{activity.uuid}", {"linked_to": [{"type": "CONTACT", "id": str(contact.uuid)}]}
    )
    assert_error(moved, 400, parameters=["linked_to"])
    states = bo.get(f"activities/{activity.uuid}").json()["states"]
    assert [s["state"] for s in states] == ["PENDING", "COMPLETED"]


def test_update_changes_only_what_is_given(bo, contact, call, order, team, colour_field, admin_user):
    activity = create(bo, contact, call, description="d", custom_fields=[{"key": "colour", "value": "red"}])
    path = f"activities/{activity.uuid}"
    assert bo.put(path, {"name": "Renamed"}).status_code == 200
    activity.refresh_from_db()
    assert (activity.name, activity.description) == ("Renamed", "d")
    changes = {
        "description": None,
        "scheduled_on": {"from_date": T0 + 60, "to_date": T0 + 3600},
        "linked_to": [{"type": "ORDER", "id": str(order.uuid)}],
        "assign_to": {"user_id": str(admin_user.pk), "team_id": str(team.uuid)},
        "address_id": str(contact.addresses.get().uuid),
        "custom_fields": [],
        "state": "cancelled",
    }
    assert bo.put(path, changes).status_code == 200
    data = bo.get(path).json()
    assert data["description"] is None and data["state"] == "CANCELLED"
    assert data["key_dates"]["scheduled_on"] == {"from_date": T0 + 60, "to_date": T0 + 3600}
    assert data["order"] == {"id": str(order.uuid), "number": "ORD-1"} and data["contact"]["id"] == str(
        contact.uuid
    )
    assert data["assign_to"]["team"]["name"] == "Field team" and data["address"]["town_city"] == "Gent"
    assert data["custom_fields"] == []
    assert bo.put(path, {"assign_to": None, "linked_to": [], "address_id": None}).status_code == 200
    data = bo.get(path).json()
    assert (
        data["assign_to"] == {"user": None, "team": None}
        and data["order"] is None
        and data["address"] is None
    )
    # type_id and use_entity_address are not updatable: ignored
    assert bo.put(path, {"type_id": "meeting", "use_entity_address": True}).status_code == 200
    assert bo.get(path).json()["type"]["name"] == "Call"


def test_update_rules_and_errors(bo, contact, call):
    activity = create(bo, contact, call)
    path = f"activities/{activity.uuid}"
    assert_error(bo.put(path, {"name": None}), 400, parameters=["name"])
    assert_error(bo.put(path, {"name": " "}), 400, parameters=["name"])
    assert_error(bo.put(path, {"state": "DONE"}), 400, parameters=["state"])
    assert_error(bo.put(path, {"scheduled_on": {"to_date": T0}}), 400, parameters=["scheduled_on.from_date"])
    assert_error(
        bo.put(path, {"linked_to": [{"type": "LEAD", "id": NOT_A_RECORD}]}), 404, NOT_FOUND, ["lead"]
    )
    assert_error(bo.put(path, {"address_id": NOT_A_RECORD}), 404, NOT_FOUND, ["address"])
    assert_error(
        bo.put(f"activities/{NOT_A_RECORD}", {"name": "x"}), 404, NOT_FOUND, ["activity", NOT_A_RECORD]
    )
    activity.refresh_from_db()
    assert activity.name == "Call customer" and activity.state == "pending"


def test_state_changes_are_recorded_once(bo, contact, call):
    activity = create(bo, contact, call)
    for state in ("COMPLETED", "COMPLETED", "PENDING", "COMPLETED"):
        assert bo.put(f"activities/{activity.uuid}", {"state": state}).status_code == 200
    assert list(ActivityStateChange.objects.filter(activity=activity).values_list("state", flat=True)) == [
        "pending",
        "completed",
        "pending",
        "completed",
    ]


# --- T1/T2 tags (example 13) -----------------------------------------------------------------------


def test_example_13_tags(bo, contact, call, tag):
    activity = create(bo, contact, call)
    response = bo.put(f"activities/{activity.uuid}/tags", {"tags": [str(tag.uuid)]})
    assert response.status_code == 200 and response.json() == {"id": str(activity.uuid)}
    response = bo.get(f"activities/{activity.uuid}/tags")
    assert response.json() == {"content": [{"id": str(tag.uuid), "name": "VIP", "colour": "#0000FF"}]}
    with_tags = bo.get("activities/?include_tags=true").json()["content"][0]
    assert with_tags["tags"] == [{"id": str(tag.uuid), "name": "VIP", "colour": "#0000FF"}]
    plain = bo.get("activities/").json()["content"][0]
    assert "tags" not in plain and "custom_fields" not in plain
    assert bo.put(f"activities/{activity.uuid}/tags", {"tags": []}).status_code == 200
    assert bo.get(f"activities/{activity.uuid}/tags").json() == {"content": []}


def test_tags_errors(bo, contact, call, tag):
    activity = create(bo, contact, call)
    path = f"activities/{activity.uuid}/tags"
    assert_error(bo.put(path, {}), 400, parameters=["tags"])
    assert_error(bo.put(path, {"tags": "VIP"}), 400, parameters=["tags"])
    assert_error(bo.put(path, {"tags": [str(tag.uuid), NOT_A_RECORD]}), 404, NOT_FOUND, ["tag", NOT_A_RECORD])
    assert not activity.tags.exists()
    assert_error(bo.get(f"activities/{NOT_A_RECORD}/tags"), 404, NOT_FOUND, ["activity"])


# --- V3 delete (example 14) ------------------------------------------------------------------------


def test_example_14_delete(bo, contact, call, tag, colour_field):
    activity = create(bo, contact, call, custom_fields=[{"key": "colour", "value": "red"}])
    activity.tags.add(tag)
    response = bo.delete(f"activities/{activity.uuid}")
    assert response.status_code == 204 and response.content == b""
    assert_error(bo.get(f"activities/{activity.uuid}"), 404, NOT_FOUND, ["activity"])
    assert_error(bo.delete(f"activities/{activity.uuid}"), 404, NOT_FOUND, ["activity"])
    assert not CustomFieldValue.objects.exists() and Tag.objects.filter(pk=tag.pk).exists()
    other = create(bo, contact, call)
    response = bo.delete(f"activities/{other.uuid}/")
    assert response.status_code == 204
    assert_error(bo.delete(f"activities/{other.uuid}/"), 404)


def test_peepl_activities_are_not_crmcom_activities(bo):
    from apps.sales import services

    event = services.create_activity(None, kind="external", name="Open day", start=timezone.now())
    assert_error(bo.get(f"activities/{event.uuid}"), 404)
    assert bo.get("activities").json()["paging"]["total"] == 0


# --- V4 list -----------------------------------------------------------------------------------------


@pytest.fixture
def listed(bo, contact, other_contact, call, tag, order, team, colour_field, admin_user):
    meeting = ActivityType.objects.get(code="meeting")
    lead = services_pipeline.create_lead(None, title="Lead", contact=contact)
    request = services_crm.save_reference(None, ServiceRequest(number="SR-9", contact=other_contact))
    a = create(
        bo,
        contact,
        call,
        name="Alpha call",
        description="about invoices",
        scheduled_on={"from_date": T0 + 30},
    )
    b = create(
        bo,
        contact,
        meeting,
        name="Bravo meeting",
        scheduled_on={"from_date": T0 + 10},
        linked_to=[{"type": "CONTACT", "id": str(contact.uuid)}, {"type": "LEAD", "id": str(lead.uuid)}],
        assign_to={"user_id": str(admin_user.pk), "team_id": str(team.uuid)},
        custom_fields=[{"key": "colour", "value": "green"}],
    )
    c = create(
        bo,
        other_contact,
        call,
        name="Charlie call",
        scheduled_on={"from_date": T0 + 20},
        linked_to=[{"type": "SERVICE_REQUEST", "id": str(request.uuid)}],
    )
    d = create(bo, contact, call, name="Delta", linked_to=[{"type": "ORDER", "id": str(order.uuid)}])
    bo.put(f"activities/{b.uuid}/tags", {"tags": [str(tag.uuid)]})
    bo.put(f"activities/{c.uuid}", {"state": "COMPLETED"})
    return {"a": a, "b": b, "c": c, "d": d, "lead": lead, "request": request, "order": order}


def names(bo, query=""):
    response = bo.get(f"activities?{query}")
    assert response.status_code == 200, response.content
    return [item["name"] for item in response.json()["content"]]


def test_list_filters(bo, listed, contact, other_contact, call, tag, team, admin_user):
    assert names(bo) == ["Delta", "Charlie call", "Bravo meeting", "Alpha call"]
    assert names(bo, "search_value=CALL") == ["Charlie call", "Alpha call"]
    assert names(bo, "search_value=invoices") == ["Alpha call"]
    assert names(bo, "types=meeting") == ["Bravo meeting"]
    assert names(bo, f"types={call.uuid}") == ["Delta", "Charlie call", "Alpha call"]
    assert names(bo, f"contact_id={other_contact.uuid}") == ["Charlie call"]
    assert names(bo, f"contact_id={other_contact.pk}") == ["Charlie call"]
    assert names(bo, f"lead_id={listed['lead'].uuid}") == ["Bravo meeting"]
    assert names(bo, f"order_id={listed['order'].uuid}") == ["Delta"]
    assert names(bo, f"service_request_id={listed['request'].uuid}") == ["Charlie call"]
    assert names(bo, "states=COMPLETED") == ["Charlie call"]
    assert names(bo, "states=PENDING,CANCELLED") == ["Delta", "Bravo meeting", "Alpha call"]
    assert names(bo, f"tag_ids={tag.uuid},{NOT_A_RECORD}") == ["Bravo meeting"]
    assert names(bo, f"assign_to_user_id={admin_user.pk}") == ["Bravo meeting"]
    assert names(bo, f"assign_to_team_id={team.uuid}") == ["Bravo meeting"]
    assert names(bo, "custom_fields=colour;green") == ["Bravo meeting"]
    assert names(bo, "custom_fields=colour;red") == []
    assert names(bo, "custom_fields=size;green") == []
    assert names(bo, "contact_id=nobody") == []
    assert names(bo, "types=meeting&states=PENDING&search_value=bravo") == ["Bravo meeting"]
    assert names(bo, "types=meeting&states=COMPLETED") == []


def test_list_date_filters(bo, listed):
    created = {a.name: int(a.created.timestamp()) for a in Activity.objects.all()}
    first, last = min(created.values()), max(created.values())
    assert len(names(bo, f"created_on[gte]={first}&created_on[lte]={last}")) == 4
    assert names(bo, f"created_on[gt]={last}") == []
    assert names(bo, f"created_on[lt]={first}") == []
    now = int(timezone.now().timestamp())
    assert names(bo, f"completed_on[gte]={now - 60}&completed_on[lt]={now + 60}") == ["Charlie call"]
    assert names(bo, f"completed_on[gt]={now + 60}") == []


@pytest.mark.parametrize(
    "query,parameter",
    [
        ("states=DONE", "states"),
        ("created_on[gte]=yesterday", "created_on[gte]"),
        ("completed_on[lt]=1.5", "completed_on[lt]"),
        ("include_tags=sure", "include_tags"),
        ("include_custom_fields=2", "include_custom_fields"),
        ("custom_fields=colour", "custom_fields"),
        ("sort=DATE", "sort"),
        ("size=0", "size"),
    ],
)
def test_bad_list_parameters_are_400(bo, query, parameter):
    assert assert_error(bo.get(f"activities?{query}"), 400)["parameters"] == [parameter]


def test_list_sorts_and_flags(bo, listed):
    assert names(bo, "sort=NAME&order=ASC") == ["Alpha call", "Bravo meeting", "Charlie call", "Delta"]
    assert names(bo, "sort=SCHEDULED_DATE&order=ASC") == [
        "Delta",
        "Bravo meeting",
        "Charlie call",
        "Alpha call",
    ]
    assert names(bo, "sort=UPDATED_DATE&order=DESC")[0] == "Charlie call"
    assert names(bo, "size=2&page=2") == ["Bravo meeting", "Alpha call"]
    item = next(
        i
        for i in bo.get("activities?include_custom_fields=true&include_tags=true").json()["content"]
        if i["name"] == "Bravo meeting"
    )
    assert item["custom_fields"] == [{"key": "colour", "value": "green"}] and item["tags"][0]["name"] == "VIP"
    assert set(item) >= {
        "id",
        "name",
        "description",
        "state",
        "key_dates",
        "type",
        "contact",
        "lead",
        "service_request",
        "order",
        "assign_to",
    }
    assert item["lead"]["title"] == "Lead" and item["assign_to"]["user"]["username"] == "admin"


def test_list_runs_constant_queries(
    bo, contact, call, tag, colour_field, team, admin_user, count_queries, django_assert_max_num_queries
):
    path = "activities?include_tags=true&include_custom_fields=true"
    extra = {
        "assign_to": {"user_id": str(admin_user.pk), "team_id": str(team.uuid)},
        "custom_fields": [{"key": "colour", "value": "x"}],
    }
    first = create(bo, contact, call, **extra)
    first.tags.add(tag)
    one = count_queries(bo, path)
    for n in range(8):
        activity = create(bo, contact, call, name=f"n{n}", **extra)
        activity.tags.add(tag)
    assert count_queries(bo, path) == one
    with django_assert_max_num_queries(one):
        assert len(bo.get(path).json()["content"]) == 9
    assert count_queries(bo, "activities") <= one - 2


def test_detail_runs_constant_queries(bo, contact, call, colour_field, count_queries):
    activity = create(bo, contact, call, custom_fields=[{"key": "colour", "value": "x"}])
    one = count_queries(bo, f"activities/{activity.uuid}")
    for state in ("COMPLETED", "PENDING", "CANCELLED"):
        bo.put(f"activities/{activity.uuid}", {"state": state})
    assert count_queries(bo, f"activities/{activity.uuid}") == one


def test_a_user_needs_activity_permissions(contact, call):
    from django.contrib.auth.models import Permission

    from tests.api.crmcom.conftest import client_for

    user = UserFactory()
    user.user_permissions.add(Permission.objects.get(codename="view_activity"))
    client = client_for(user)
    assert client.get("activities").status_code == 200
    assert_error(client.post("activities", body(contact, call)), 403)
    assert not Activity.objects.exists()


def test_scheduled_dates_survive_a_round_trip(bo, contact, call):
    activity = create(bo, contact, call, scheduled_on={"from_date": T0, "to_date": T0 + 1800})
    assert activity.start == datetime.datetime.fromtimestamp(T0, tz=datetime.UTC)
    assert activity.end - activity.start == datetime.timedelta(minutes=30)
