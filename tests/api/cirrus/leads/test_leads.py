"""Leads (O87-O90), lead activities (O83-O86) and lead statuses (part 2 P2-123-P2-126) over
HTTP: create and read with every field, errors, partial updates, every filter and sort, mask
forms, 0/1 flags as ints, constant query counts, and part 2's acceptance example A4."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from apps.api.cirrus.leads.serializers import LeadActivitySerializer, LeadSerializer
from apps.core.models import AppliesTo, CustomField, Tag
from apps.core.services import set_custom_field_value
from apps.sales import services_pipeline
from apps.sales.models import Lead, LeadActivityType, LeadStatus, Source

from ..pipeline import *  # noqa: F403
from ..pipeline import assert_constant_queries, client_with
from ..support import *  # noqa: F403
from ..support import assert_shape

pytestmark = pytest.mark.django_db


def ids(response) -> list[int]:
    assert response.status_code == 200, response.json()
    return [item["id"] for item in response.json()["items"]]


def lead(title="Lead", **fields):
    return services_pipeline.create_lead(None, title=title, **fields)


# --- O87 create, O90 get, O89 update ----------------------------------------------------------------


def test_create_with_every_field_and_read_it_back(cirrus, user):
    tag = Tag.objects.create(name="Fair")
    source, status = Source.objects.get(name="Trade fair"), LeadStatus.objects.get(name="New")
    data = {
        "contacttitle": "CFO",
        "contactname": "Per",
        "contactsurname": "Berg",
        "contactcompany": "Beta AB",
        "contactstreet": "Storgatan 1",
        "contactcity": "Umeå",
        "contactzip": "90326",
        "contactphone": "090-12",
        "contactcellphone": "070-12",
        "contactemail": "per@beta.example",
        "contactvatno": "SE556",
        "value": 12500.5,
        "title": "Forklifts",
        "description": "Met at the fair",
        "rating": 4,
        "user": {"id": user.pk},
        "source": {"id": source.pk, "name": "ignored"},
        "status": {"id": status.pk},
        "tags": [{"id": tag.pk}],
        "created": "2000-01-01T00:00:00Z",
        "id": 999,
    }
    response = cirrus.call("post", "leads", data)
    assert response.status_code == 201, response.json()
    item = response.json()
    assert_shape(item, LeadSerializer)
    assert item["id"] != 999 and item["created"] != "2000-01-01T00:00:00Z" and item["created"].endswith("Z")
    for key in (
        "contacttitle",
        "contactname",
        "contactsurname",
        "contactcompany",
        "contactzip",
        "contactvatno",
    ):
        assert item[key] == data[key]
    assert item["value"] == 12500.5 and item["rating"] == 4
    assert item["user"]["id"] == user.pk and item["user"]["name"] == "Sven"
    assert item["source"] == {"id": source.pk, "name": "Trade fair", "default": 0}
    assert type(item["source"]["default"]) is int
    assert {k: item["status"][k] for k in ("id", "name", "sortorder")} == {
        "id": status.pk,
        "name": "New",
        "sortorder": status.sort_order,
    }
    assert item["status"]["created"].endswith("Z")
    assert item["tags"] == [{"id": tag.pk, "name": "Fair", "type": "lead"}] and item["activities"] == []
    assert cirrus.call("get", f"leads/{item['id']}").json() == item
    assert Lead.objects.get().value == Decimal("12500.50")


def test_a_lead_needs_no_field(cirrus):
    """O87: "Body, no field required"."""
    response = cirrus.call("post", "leads", {})
    assert response.status_code == 201 and response.json()["title"] in ("", None)
    assert cirrus.call("post", "leads", {"contactcompany": "Beta AB"}).status_code == 201
    assert cirrus.call("post", "leads", {"title": "Only a title"}).status_code == 201


@pytest.mark.parametrize(
    "change, field",
    [
        ({"value": "12"}, "value"),
        ({"value": 1e20}, "value"),
        ({"rating": 1.5}, "rating"),
        ({"user": {"id": 999999}}, "user"),
        ({"source": {"id": 999999}}, "source"),
        ({"status": 1}, "status"),
        ({"tags": [{"id": 999999}]}, "tags"),
        ({"contactzip": "x" * 21}, "contactzip"),
        ({"title": 5}, "title"),
    ],
)
def test_create_validation(cirrus, change, field):
    response = cirrus.call("post", "leads", {"title": "Lead", **change})
    assert response.status_code == 400 and field in response.json()["errors"], response.json()
    assert not Lead.objects.exists()


def test_partial_update(cirrus, user):
    tag, other = Tag.objects.create(name="A"), Tag.objects.create(name="B")
    created = lead("Forklifts", prospect_company="Beta AB", rating=2, tags=[tag])
    response = cirrus.call(
        "put", f"leads/{created.pk}", {"rating": 5, "user": {"id": user.pk}, "tags": [{"id": other.pk}]}
    )
    assert response.status_code == 200, response.json()
    item = response.json()
    assert (item["rating"], item["user"]["id"], item["title"], item["contactcompany"]) == (
        5,
        user.pk,
        "Forklifts",
        "Beta AB",
    )
    assert [t["name"] for t in item["tags"]] == ["B"]
    assert cirrus.call("put", f"leads/{created.pk}", {"status": {"id": 0}}).status_code == 400
    assert cirrus.call("put", "leads/999999", {"rating": 1}).status_code == 404
    assert cirrus.call("get", "leads/999999").json() == {"message": "Lead 999999 not found"}


def test_lead_shows_its_activities(cirrus, user):
    created = lead(owner=user)
    call = LeadActivityType.objects.get(name="Call")
    row = services_pipeline.create_lead_activity(None, lead=created, comment="Call back", activity_type=call)
    item = cirrus.call("get", f"leads/{created.pk}").json()
    assert [a["id"] for a in item["activities"]] == [row.pk]
    assert item["activities"][0]["lead"] == {
        "id": created.pk,
        "title": "Lead",
        "user": {"id": user.pk, "name": "Sven", "surname": "Svensson"},
    }


# --- O88 list ---------------------------------------------------------------------------------------


def test_filters(cirrus, user, admin_user):
    new, qualified = LeadStatus.objects.get(name="New"), LeadStatus.objects.get(name="Qualified")
    fair, web = Source.objects.get(name="Trade fair"), Source.objects.get(name="Website")
    a = lead("Forklifts", status=new, source=fair, rating=3, owner=user, prospect_city="Umeå")
    b = lead(
        "Pallets", status=qualified, source=web, rating=5, owner=admin_user, prospect_email="x@beta.example"
    )
    c = lead("Racks", description="Cold storage", prospect_company="Gamma AB")
    Lead.objects.filter(pk=c.pk).update(created=timezone.make_aware(datetime.datetime(2024, 3, 1, 12)))
    cases = {
        f"status={new.pk}": {a.pk},
        f"source={web.pk}": {b.pk},
        "rating=5": {b.pk},
        f"userid={user.pk}": {a.pk},
        f"userids={user.pk},{admin_user.pk}": {a.pk, b.pk},
        "created=2024-03-01": {c.pk},
        f"created={timezone.localdate().isoformat()}": {a.pk, b.pk},
        "fulltext=fork": {a.pk},
        "fulltext=beta.example": {b.pk},
        "fulltext=gamma": {c.pk},
        "fulltext=storage": {c.pk},
        "fulltext=UME": {a.pk},
    }
    for query, expected in cases.items():
        assert set(ids(cirrus.call("get", f"leads?{query}"))) == expected, query


def test_sorting(cirrus, user, admin_user):
    new, qualified = LeadStatus.objects.get(name="New"), LeadStatus.objects.get(name="Qualified")
    fair, web = Source.objects.get(name="Trade fair"), Source.objects.get(name="Website")
    first_owner, second_owner = sorted([user, admin_user], key=lambda u: u.pk)
    a = lead("A", status=qualified, source=web, owner=first_owner, value=Decimal("10"))
    b = lead("B", status=new, source=fair, owner=second_owner, value=Decimal("30"))
    c = lead("C", value=Decimal("20"))
    for pk, days in ((a.pk, 3), (b.pk, 2), (c.pk, 1)):
        Lead.objects.filter(pk=pk).update(created=timezone.now() - datetime.timedelta(days=days))
    by_status = sorted([a, b], key=lambda x: x.status_id)
    by_source = sorted([a, b], key=lambda x: x.source_id)
    expected = {
        "": [a.pk, b.pk, c.pk],  # age_desc: the oldest first
        "sorting=age_desc": [a.pk, b.pk, c.pk],
        "sorting=age_asc": [c.pk, b.pk, a.pk],
        "sorting=statusid_asc": [x.pk for x in by_status] + [c.pk],
        "sorting=statusid_desc": [x.pk for x in reversed(by_status)] + [c.pk],
        "sorting=userid_asc": [a.pk, b.pk, c.pk],
        "sorting=userid_desc": [b.pk, a.pk, c.pk],
        "sorting=sourceid_asc": [x.pk for x in by_source] + [c.pk],
        "sorting=sourceid_desc": [x.pk for x in reversed(by_source)] + [c.pk],
        "sorting=value_asc": [a.pk, c.pk, b.pk],
        "sorting=value_desc": [b.pk, c.pk, a.pk],
    }
    for query, order in expected.items():
        assert ids(cirrus.call("get", f"leads?{query}")) == order, query
    assert "sorting" in cirrus.call("get", "leads?sorting=created_asc").json()["errors"]


def test_dynamic_field_filter_and_bad_parameters(cirrus):
    field = CustomField.objects.create(key="branch", name="Branch", applies_to=AppliesTo.LEAD)
    a, b = lead("A"), lead("B")
    set_custom_field_value(None, a, field, "Mining")
    set_custom_field_value(None, b, field, "Forestry")
    assert ids(cirrus.call("get", f"leads?dynamicfield_id={field.pk}&dynamicfield_val=min%")) == [a.pk]
    for query, name in (
        ("rating=x", "rating"),
        ("created=2024-02-30", "created"),
        ("per_page=51", "per_page"),
    ):
        response = cirrus.call("get", f"leads?{query}")
        assert response.status_code == 400 and name in response.json()["errors"], query


def test_mask_forms(cirrus):
    a = lead("Forklifts", rating=3)
    assert cirrus.call("get", f"leads/{a.pk}", HTTP_X_FIELDS="{id,title}").json() == {
        "id": a.pk,
        "title": "Forklifts",
    }
    assert cirrus.call("get", "leads", HTTP_X_FIELDS="{rating}").json()["items"] == [{"rating": 3}]
    assert cirrus.call("get", "leads", HTTP_X_FIELDS="{pages,items{id}}").json() == {
        "pages": 1,
        "items": [{"id": a.pk}],
    }
    assert cirrus.call("get", "leads", HTTP_X_FIELDS="{items{id}").status_code == 400


def test_lead_list_reads_a_constant_number_of_queries(cirrus, user, django_assert_num_queries):
    tag = Tag.objects.create(name="T")

    def full():
        made = lead(owner=user, source=Source.objects.first(), status=LeadStatus.objects.first(), tags=[tag])
        services_pipeline.create_lead_activity(
            None, lead=made, comment="x", owner=user, activity_type=LeadActivityType.objects.first()
        )

    full()
    assert_constant_queries(cirrus, "leads", lambda: [full() for _ in range(49)], django_assert_num_queries)


# --- O83-O86 lead activities ------------------------------------------------------------------------


def test_lead_activity_create_read_update(cirrus, admin_user, user):
    created = lead("Forklifts", owner=user)
    call = LeadActivityType.objects.get(name="Call")
    data = {
        "type": {"id": call.pk},
        "comment": "Call back",
        "done": 0,
        "followup": "2024-05-02T10:00:00+02:00",
        "lead": {"id": created.pk},
    }
    response = cirrus.call("post", "leadactivities", data)
    assert response.status_code == 201, response.json()
    item = response.json()
    assert_shape(item, LeadActivitySerializer)
    assert item["type"] == {"id": call.pk, "name": "Call"} and item["comment"] == "Call back"
    assert item["done"] == 0 and type(item["done"]) is int
    assert item["followup"] == "2024-05-02T08:00:00Z"
    assert item["user"]["id"] == admin_user.pk  # the caller by default
    assert item["lead"]["id"] == created.pk and item["lead"]["user"]["id"] == user.pk
    assert cirrus.call("get", f"leadactivities/{item['id']}").json() == item
    by_leadid = cirrus.call(
        "post", "leadactivities", {"comment": "x", "done": 1, "leadid": created.pk, "user": {"id": user.pk}}
    )
    assert by_leadid.status_code == 201 and by_leadid.json()["user"]["id"] == user.pk
    other = lead("Other")
    updated = cirrus.call(
        "put", f"leadactivities/{item['id']}", {"comment": "Called", "done": 1, "lead": {"id": other.pk}}
    )
    assert updated.status_code == 200, updated.json()
    assert (updated.json()["comment"], updated.json()["done"], updated.json()["lead"]["id"]) == (
        "Called",
        1,
        created.pk,
    )
    missing = cirrus.call("put", f"leadactivities/{item['id']}", {"comment": "Called"})
    assert missing.status_code == 400 and set(missing.json()["errors"]) == {"done"}
    assert cirrus.call("get", "leadactivities/999999").status_code == 404


@pytest.mark.parametrize(
    "data, fields",
    [
        ({}, {"comment", "done"}),
        ({"comment": "x", "done": 0}, {"lead"}),
        ({"comment": "x", "done": True}, {"done"}),
        ({"comment": "x", "done": 0, "lead": {"id": 999999}}, {"lead"}),
        ({"comment": " ", "done": 0, "leadid": None}, {"leadid"}),
        ({"comment": "x", "done": 0, "lead": {"id": 0}, "followup": "soon"}, {"lead", "followup"}),
    ],
)
def test_lead_activity_validation(cirrus, data, fields):
    response = cirrus.call("post", "leadactivities", data)
    assert response.status_code == 400 and set(response.json()["errors"]) == fields, response.json()


def test_blank_comment_is_a_rule(cirrus):
    created = lead()
    response = cirrus.call("post", "leadactivities", {"comment": " ", "done": 0, "leadid": created.pk})
    assert response.status_code == 400 and set(response.json()["errors"]) == {"comment"}


def test_lead_activity_filters_and_sorting(cirrus, user):
    x, y = lead("X"), lead("Y")
    call, note = LeadActivityType.objects.get(name="Call"), LeadActivityType.objects.get(name="Note")
    at = timezone.make_aware
    a = services_pipeline.create_lead_activity(
        None,
        lead=x,
        comment="Call about price",
        activity_type=call,
        owner=user,
        followup=at(datetime.datetime(2024, 5, 2, 9)),
    )
    b = services_pipeline.create_lead_activity(
        None,
        lead=x,
        comment="Send brochure",
        activity_type=note,
        done=True,
        followup=at(datetime.datetime(2024, 5, 1, 9)),
    )
    c = services_pipeline.create_lead_activity(None, lead=y, comment="call again", activity_type=call)
    cases = {
        "done=1": {b.pk},
        "done=0": {a.pk, c.pk},
        f"typeid={call.pk}": {a.pk, c.pk},
        f"leadid={y.pk}": {c.pk},
        f"userid={user.pk}": {a.pk},
        "folowupdate=2024-05-02": {a.pk},
        "comment=call%": {a.pk, c.pk},
        "comment=%brochure": {b.pk},
        "comment=brochure": set(),
    }
    for query, expected in cases.items():
        assert set(ids(cirrus.call("get", f"leadactivities?{query}"))) == expected, query
    orders = {
        "": [a.pk, c.pk, b.pk],  # done_asc
        "sorting=done_desc": [b.pk, a.pk, c.pk],
        "sorting=followupdate_asc": [b.pk, a.pk, c.pk],
        "sorting=followupdate_desc": [a.pk, b.pk, c.pk],
        "sorting=created_asc": [a.pk, b.pk, c.pk],
        "sorting=created_desc": [c.pk, b.pk, a.pk],
    }
    for query, order in orders.items():
        assert ids(cirrus.call("get", f"leadactivities?{query}")) == order, query
    assert cirrus.call("get", "leadactivities?sorting=age_asc").status_code == 400
    assert cirrus.call("get", "leadactivities?folowupdate=2024-5-2").status_code == 400


def test_lead_activity_list_reads_a_constant_number_of_queries(cirrus, user, django_assert_num_queries):
    x = lead(owner=user)

    def add():
        services_pipeline.create_lead_activity(
            None, lead=x, comment="x", owner=user, activity_type=LeadActivityType.objects.first()
        )

    add()
    assert_constant_queries(
        cirrus, "leadactivities", lambda: [add() for _ in range(49)], django_assert_num_queries
    )


# --- Lead statuses (part 2 §2.21) --------------------------------------------------------------------


def test_acceptance_a4_envelope_default_sorting_paging(cirrus):
    LeadStatus.objects.all().delete()
    for order in (3, 1, 2):
        assert (
            cirrus.call("post", "leadstatus", {"name": f"Status {order}", "sortorder": order}).status_code
            == 201
        )
    first = cirrus.call("get", "leadstatus?per_page=2").json()
    assert {k: first[k] for k in ("page", "pages", "per_page", "total")} == {
        "page": 1,
        "pages": 2,
        "per_page": 2,
        "total": 3,
    }
    assert [i["sortorder"] for i in first["items"]] == [1, 2]
    assert [i["sortorder"] for i in cirrus.call("get", "leadstatus?per_page=2&page=2").json()["items"]] == [3]
    assert cirrus.call("get", "leadstatus?page=9").json()["items"] == []
    assert cirrus.call("get", "leadstatus?per_page=51").status_code == 400
    assert cirrus.call("get", "leadstatus?sorting=name_up").status_code == 400


def test_lead_status_create_update_filters(cirrus):
    created = cirrus.call("post", "leadstatus", {"name": "Nurturing", "sortorder": 7, "id": 1})
    assert created.status_code == 201
    item = created.json()
    assert set(item) == {"id", "name", "sortorder"} and (item["name"], item["sortorder"]) == ("Nurturing", 7)
    assert cirrus.call("post", "leadstatus", {"name": "X"}).json()["errors"] == {
        "sortorder": "'sortorder' is a required property"
    }
    assert "name" in cirrus.call("post", "leadstatus", {"name": "", "sortorder": 1}).json()["errors"]
    assert cirrus.call("put", f"leadstatus/{item['id']}", {"name": "X"}).json()["errors"] == {
        "sortorder": "'sortorder' is a required property"
    }
    updated = cirrus.call("put", f"leadstatus/{item['id']}", {"name": "Nurture", "sortorder": 8})
    assert updated.json() == {"id": item["id"], "name": "Nurture", "sortorder": 8}
    assert cirrus.call("get", f"leadstatus/{item['id']}").json() == updated.json()
    assert cirrus.call("get", "leadstatus/999999").status_code == 404
    assert [i["name"] for i in cirrus.call("get", "leadstatus?name=nurt%").json()["items"]] == ["Nurture"]
    assert [i["name"] for i in cirrus.call("get", "leadstatus?sortorder=8").json()["items"]] == ["Nurture"]
    names = [
        i["name"] for i in cirrus.call("get", "leadstatus?sorting=name_desc&per_page=50").json()["items"]
    ]
    assert names == sorted(names, reverse=True)
    assert cirrus.call("get", f"leadstatus/{item['id']}", HTTP_X_FIELDS="{name}").json() == {
        "name": "Nurture"
    }


def test_permissions(user):
    reader = client_with(user, "view_lead")
    assert reader.call("get", "leads").status_code == 200
    assert reader.call("post", "leads", {"title": "x"}).status_code == 403
    assert reader.call("get", "leadactivities").status_code == 403
    assert reader.call("get", "leadstatus").status_code == 403
