"""Activities over HTTP (O17-O29): create and read with every field, required fields and errors,
partial updates, every filter and sort of O18 and O19, X-Fields mask forms, 0/1 flags as ints,
activity types and their questions, progression states, follow/unfollow, constant query counts,
and the spec's acceptance example 10."""

import datetime

import pytest
from django.utils import timezone

from apps.api.cirrus.activities.serializers import ActivitySerializer, ActivityTypeSerializer
from apps.core.models import AppliesTo, CustomField, Tag
from apps.core.services import set_custom_field_value
from apps.parties import services_accounts
from apps.sales import services, services_crm
from apps.sales.models import (
    Activity,
    ActivityPriority,
    ActivityType,
    ActivityTypeQuestion,
    ContactAttempt,
    ProgressionState,
)

from ..pipeline import *  # noqa: F403
from ..pipeline import assert_constant_queries, client_with, make_opportunity
from ..support import *  # noqa: F403
from ..support import assert_shape

pytestmark = pytest.mark.django_db


def local(day: str, time: str = "00:00") -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.fromisoformat(f"{day}T{time}"))


def body(acme, eva, owner, **extra):
    data = {
        "accountid": acme.pk,
        "description": "Visit about the fleet",
        "location": "Umeå office",
        "primarycontact": {"id": eva.pk},
        "result": "",
        "type": {"id": ActivityType.objects.get(code="meeting").pk},
        "userid": owner.pk,
        "date": "2024-05-02",
        "starttime": "09:30",
        "stoptime": "10:15",
    }
    data.update(extra)
    return data


def activity(acme=None, eva=None, name="Call", start="2024-05-02T09:00", **fields):
    return services_crm.create_crm_activity(
        None,
        name=name,
        start=timezone.make_aware(datetime.datetime.fromisoformat(start)),
        account=acme,
        contact=eva,
        activity_type=fields.pop("activity_type", ActivityType.objects.get(code="call")),
        **fields,
    )


def ids(response) -> list[int]:
    assert response.status_code == 200, response.json()
    return [item["id"] for item in response.json()["items"]]


# --- O17 create, O29 get ------------------------------------------------------------------------


def test_create_with_every_field_and_read_it_back(cirrus, acme, eva, user, admin_user):
    meeting = ActivityType.objects.get(code="meeting")
    question = meeting.questions.order_by("sort_order").first()
    guest = services_accounts.create_contact(None, organisation=acme, first_name="Ola", last_name="Berg")
    deal = make_opportunity(acme, eva, owner=user)
    tag = Tag.objects.create(name="Fleet")
    data = body(
        acme,
        eva,
        user,
        closed=1,
        contactattempts=[{"note": "No answer"}],
        extrasexternalid=77,
        invitedusers=[{"id": admin_user.pk}],
        invitedcontacts=[{"id": guest.pk}],
        priority={"id": ActivityPriority.objects.get(name="High").pk},
        progressionstate={"id": ProgressionState.objects.get(name="Planned").pk},
        opportunity={"id": deal.pk},
        reminder={"text": "Bring samples", "min": 30, "done": 0},
        answers=[{"questionid": question.pk, "answer": "Yes"}],
        externalkey="EXT-1",
        tags=[{"id": tag.pk}],
        id=999,
        files=[{"id": 1}],
    )
    data["user"] = [{"id": 1}]  # read-only on create

    response = cirrus.call("post", "activities", data)

    assert response.status_code == 201, response.json()
    item = response.json()
    assert_shape(item, ActivitySerializer)
    assert item["id"] != 999 and item["accountid"] == acme.pk
    assert item["account"]["name"] == "Acme AB" and item["account"]["coordinates"]["latitude"] == "63.82"
    assert item["description"] == "Visit about the fleet" and item["location"] == "Umeå office"
    assert (item["date"], item["starttime"], item["stoptime"]) == ("2024-05-02", "09:30", "10:15")
    assert item["start"] == local("2024-05-02", "09:30").astimezone(datetime.UTC).strftime(
        "%Y-%m-%dT%H:%M:%SZ"
    )
    assert item["stop"].endswith("Z") and item["result"] is None
    assert item["closed"] == 1 and type(item["closed"]) is int
    assert item["type"] == {"id": meeting.pk, "name": "Meeting"}
    assert item["userid"] == user.pk and [u["id"] for u in item["user"]] == [user.pk]
    assert item["primarycontact"] == {
        "id": eva.pk,
        "name": "Eva",
        "surname": "Ek",
        "email": "eva@acme.example",
        "phone": "090-1",
        "cellphone": None,
        "title": None,
    }
    assert [u["id"] for u in item["invitedusers"]] == [admin_user.pk]
    assert [c["id"] for c in item["invitedcontacts"]] == [guest.pk]
    assert item["priority"] == {"id": ActivityPriority.objects.get(name="High").pk, "description": "High"}
    assert item["progressionstate"]["name"] == "Planned"
    assert item["opportunity"]["id"] == deal.pk and item["opportunity"]["estimatedenddate"] == "2030-01-31"
    assert item["opportunity"]["user"]["id"] == user.pk and item["opportunity"]["account"]["id"] == acme.pk
    assert item["reminder"] == {"text": "Bring samples", "min": 30, "done": 0}
    assert type(item["reminder"]["done"]) is int
    assert item["answers"] == [{"questionid": question.pk, "answer": "Yes"}]
    assert item["externalkey"] == "EXT-1" and item["extrasexternalid"] == 77
    assert item["tags"] == [{"id": tag.pk, "name": "Fleet", "type": "activity"}]
    attempt = item["contactattempts"][0]
    assert attempt["note"] == "No answer" and attempt["user"]["id"] == admin_user.pk
    assert attempt["timestamp"].endswith("Z")
    assert item["files"] == [] and item["followers"] == []
    assert cirrus.call("get", f"activities/{item['id']}").json() == item
    stored = Activity.objects.get(pk=item["id"])
    assert stored.kind == Activity.Kind.TASK and stored.state == Activity.State.COMPLETED
    assert (
        stored.name == "Visit about the fleet" and ContactAttempt.objects.filter(activity=stored).count() == 1
    )


def test_create_with_start_and_stop_or_the_date_fields(cirrus, acme, eva, user):
    data = body(acme, eva, user, start="2024-06-01T08:00:00Z", stop="2024-06-01T09:00:00Z")
    for key in ("date", "starttime", "stoptime"):
        del data[key]
    item = cirrus.call("post", "activities", data).json()
    assert (item["start"], item["stop"]) == ("2024-06-01T08:00:00Z", "2024-06-01T09:00:00Z")
    assert item["date"] == "2024-06-01" and item["starttime"] == local_time("2024-06-01T08:00:00+00:00")
    both = body(acme, eva, user, start="2024-06-01T08:00:00Z", stop="2024-06-01T09:00:00Z")
    item = cirrus.call("post", "activities", both).json()
    assert (item["date"], item["starttime"], item["stoptime"]) == ("2024-05-02", "09:30", "10:15")  # OQ-16
    bare = body(acme, eva, user)
    for key in ("date", "starttime", "stoptime"):
        del bare[key]
    item = cirrus.call("post", "activities", bare).json()
    assert (
        item["date"] == timezone.localdate().isoformat() and item["stop"] is None and item["stoptime"] is None
    )


def local_time(iso: str) -> str:
    return timezone.localtime(datetime.datetime.fromisoformat(iso)).strftime("%H:%M")


def test_required_fields(cirrus):
    response = cirrus.call("post", "activities", {})
    assert response.status_code == 400
    body_ = response.json()
    assert body_["message"] == "Input payload validation failed"
    assert set(body_["errors"]) == {
        "accountid",
        "description",
        "location",
        "primarycontact",
        "result",
        "type",
        "userid",
    }
    assert body_["errors"]["accountid"] == "'accountid' is a required property"


@pytest.mark.parametrize(
    "change, field",
    [
        ({"closed": True}, "closed"),
        ({"closed": 2}, "closed"),
        ({"description": None}, "description"),
        ({"description": " "}, "description"),
        ({"type": {"id": 999999}}, "type"),
        ({"type": 3}, "type"),
        ({"primarycontact": {"id": 999999}}, "primarycontact"),
        ({"userid": 999999}, "userid"),
        ({"date": "02/05/2024"}, "date"),
        ({"starttime": "9.30"}, "starttime"),
        ({"stoptime": "08:00"}, "stoptime"),
        ({"reminder": {"min": -1}}, "reminder.min"),
        ({"answers": [{"answer": "x"}]}, "answers.0.questionid"),
        ({"invitedcontacts": [{"id": 999999}]}, "invitedcontacts"),
        ({"progressionstate": {"id": 0}}, "progressionstate"),
        ({"tags": [1, 2]}, "tags"),
    ],
)
def test_create_validation(cirrus, acme, eva, user, change, field):
    response = cirrus.call("post", "activities", body(acme, eva, user, **change))
    assert response.status_code == 400, response.json()
    assert field in response.json()["errors"], response.json()
    assert not Activity.objects.exists()


def test_references_of_the_wrong_kind_are_400(cirrus, acme, eva, user):
    as_account = cirrus.call("post", "activities", body(acme, eva, user, accountid=eva.pk))
    as_contact = cirrus.call("post", "activities", body(acme, eva, user, primarycontact={"id": acme.pk}))
    other_question = ActivityTypeQuestion.objects.filter(activity_type__code="call").first()
    answer = cirrus.call(
        "post", "activities", body(acme, eva, user, answers=[{"questionid": other_question.pk}])
    )
    opportunity_state = ProgressionState.objects.filter(applies_to="opportunity").first()
    state = cirrus.call(
        "post", "activities", body(acme, eva, user, progressionstate={"id": opportunity_state.pk})
    )
    assert [r.status_code for r in (as_account, as_contact, answer, state)] == [400] * 4
    assert "accountid" in as_account.json()["errors"] and "primarycontact" in as_contact.json()["errors"]
    assert "answers" in answer.json()["errors"] and "progressionstate" in state.json()["errors"]


def test_get_unknown_is_404(cirrus):
    response = cirrus.call("get", "activities/999999")
    assert response.status_code == 404 and set(response.json()) == {"message"}
    assert cirrus.call("put", "activities/999999", {"closed": 1}).status_code == 404


# --- O28 update ---------------------------------------------------------------------------------


def test_partial_update(cirrus, acme, eva, user, admin_user):
    created = cirrus.call("post", "activities", body(acme, eva, user)).json()
    other = services_accounts.create_contact(None, organisation=acme, first_name="Ola", last_name="Berg")
    call = ActivityType.objects.get(code="call")
    response = cirrus.call(
        "put",
        f"activities/{created['id']}",
        {
            "closed": 1,
            "date": "2024-05-03",
            "typeid": call.pk,
            "userid": admin_user.pk,
            "user": {"id": user.pk},
            "primarycontact": {"id": other.pk},
            "invitedusers": [{"id": admin_user.pk}],
            "accountid": 999999,
        },
    )
    assert response.status_code == 200, response.json()
    item = response.json()
    assert item["closed"] == 1 and item["type"]["id"] == call.pk
    assert (item["date"], item["starttime"], item["stoptime"]) == ("2024-05-03", "09:30", "10:15")
    assert item["userid"] == user.pk  # user.id wins over userid (OQ-15)
    assert item["primarycontact"]["id"] == other.pk and item["accountid"] == acme.pk
    assert item["description"] == created["description"] and item["location"] == created["location"]
    assert Activity.objects.get(pk=created["id"]).state == Activity.State.COMPLETED
    reopened = cirrus.call(
        "put", f"activities/{created['id']}", {"closed": 0, "description": "Follow-up"}
    ).json()
    assert reopened["closed"] == 0 and reopened["description"] == "Follow-up"


@pytest.mark.parametrize(
    "change, field",
    [
        ({"stoptime": "08:00"}, "stoptime"),
        ({"typeid": 999999}, "typeid"),
        ({"user": {"id": 999999}}, "user"),
        ({"description": ""}, "description"),
        ({"closed": "1"}, "closed"),
    ],
)
def test_update_validation(cirrus, acme, eva, user, change, field):
    created = cirrus.call("post", "activities", body(acme, eva, user)).json()
    response = cirrus.call("put", f"activities/{created['id']}", change)
    assert response.status_code == 400 and field in response.json()["errors"], response.json()
    assert cirrus.call("get", f"activities/{created['id']}").json() == created


# --- O18 list: envelope, filters, sorting --------------------------------------------------------


def test_acceptance_10_sorting_enum_and_default_order(cirrus, acme, eva):
    old = activity(acme, eva, start="2024-01-01T09:00")
    new = activity(acme, eva, start="2024-03-01T09:00")
    response = cirrus.call("get", "activities?sorting=foo")
    assert response.status_code == 400 and "sorting" in response.json()["errors"]
    body_ = cirrus.call("get", "activities").json()
    assert set(body_) == {"page", "pages", "per_page", "total", "items"}
    assert [i["id"] for i in body_["items"]] == [new.pk, old.pk]


def test_sorting(cirrus, acme, eva, user, admin_user):
    beta = services_accounts.create_account(None, name="Beta AB", account_type=acme.account_type)
    a = activity(acme, eva, start="2024-01-01T09:00", owner=user)
    b = activity(beta, None, start="2024-02-01T09:00", owner=admin_user)
    c = activity(acme, eva, start="2024-03-01T09:00", owner=admin_user)
    first, second = sorted([user.pk, admin_user.pk])
    by_owner = {user.pk: [a.pk], admin_user.pk: [b.pk, c.pk]}
    expected = {
        "date_asc": [a.pk, b.pk, c.pk],
        "date_desc": [c.pk, b.pk, a.pk],
        "account_asc": [a.pk, c.pk, b.pk],
        "account_desc": [b.pk, a.pk, c.pk],
        "userid_asc": by_owner[first] + by_owner[second],
        "userid_desc": by_owner[second] + by_owner[first],
    }
    for sorting, order in expected.items():
        assert ids(cirrus.call("get", f"activities?sorting={sorting}")) == order, sorting


def test_filters(cirrus, acme, eva, user, admin_user, account_type):
    other_type = account_type.__class__.objects.exclude(pk=acme.account_type_id).first()
    beta = services_accounts.create_account(
        None, name="Beta AB", account_type=other_type, responsible_user=user
    )
    ola = services_accounts.create_contact(None, organisation=beta, first_name="Ola", last_name="Berg")
    deal = make_opportunity(acme, eva)
    state = ProgressionState.objects.get(name="In progress")
    meeting = ActivityType.objects.get(code="meeting")
    a = activity(
        acme,
        eva,
        name="Visit Acme",
        start="2024-05-02T09:00",
        owner=user,
        location="Umeå office",
        result="Signed",
        opportunity=deal,
        progression_state=state,
        external_key="K-1",
    )
    b = activity(
        beta, ola, name="Call Beta", start="2024-05-03T23:30", owner=admin_user, activity_type=meeting
    )
    c = activity(None, None, name="Internal", start="2024-06-10T08:00", invited_contacts=[eva])
    services.set_activity_state(None, b, Activity.State.COMPLETED)
    services_crm.follow_activity(None, c, user)
    every = {a.pk, b.pk, c.pk}
    cases = {
        f"accountid={acme.pk}": {a.pk},
        f"accounttypeids={other_type.pk}": {b.pk},
        f"accounttypeids={other_type.pk},{acme.account_type_id}": {a.pk, b.pk},
        f"accountuserids={user.pk}": {b.pk},
        "date=2024-05-03": {b.pk},  # 23:30 local is still the 3rd
        "startdate=2024-05-03": {b.pk, c.pk},
        "enddate=2024-05-03": {a.pk, b.pk},
        "startdate=2024-05-02&enddate=2024-05-02": {a.pk},
        "closed=1": {b.pk},
        "closed=0": {a.pk, c.pk},
        f"userid={user.pk}": {a.pk},
        f"userids={user.pk},{admin_user.pk}": {a.pk, b.pk},
        "missionids=1,2": set(),
        f"typeid={meeting.pk}": {b.pk},
        f"typeids={meeting.pk},{a.activity_type_id}": every,
        f"contactid={eva.pk}": {a.pk, c.pk},  # primary or invited
        f"opportunityid={deal.pk}": {a.pk},
        "location=umeå%": {a.pk},
        "location=Umeå": set(),
        "description=call%": {b.pk},
        "description=%a%": {a.pk, b.pk, c.pk},
        f"progressionstateid={state.pk}": {a.pk},
        f"followedby={user.pk}": {c.pk},
        "fulltext=signed": {a.pk},
        "fulltext=OFFICE": {a.pk},
        "fulltext=2024-06": {c.pk},
        "fulltext=2024-05-02": {a.pk},
        "fulltext=beta": {b.pk},
        "externalkey=K-1": {a.pk},
        "externalkey=K-": set(),
    }
    for query, expected in cases.items():
        assert set(ids(cirrus.call("get", f"activities?{query}"))) == expected, query


def test_dynamic_field_filter(cirrus, acme, eva):
    field = CustomField.objects.create(key="budget_ok", name="Budget", applies_to=AppliesTo.ACTIVITY)
    a, b = activity(acme, eva), activity(acme, eva)
    set_custom_field_value(None, a, field, "Yes")
    set_custom_field_value(None, b, field, "No")
    assert ids(cirrus.call("get", f"activities?dynamicfield_id={field.pk}&dynamicfield_val=y%")) == [a.pk]
    assert len(ids(cirrus.call("get", f"activities?dynamicfield_id={field.pk}"))) == 2  # unpaired: ignored


@pytest.mark.parametrize(
    "query, field",
    [
        ("userid=x", "userid"),
        ("typeids=1,x", "typeids"),
        ("date=2024-13-01", "date"),
        ("startdate=yesterday", "startdate"),
        ("closed=2", "closed"),
        ("per_page=51", "per_page"),
        ("page=0", "page"),
    ],
)
def test_bad_parameters_are_400(cirrus, query, field):
    response = cirrus.call("get", f"activities?{query}")
    assert response.status_code == 400 and field in response.json()["errors"]


def test_activities_of_every_api_are_listed(cirrus):
    """Peepl's events and CRM.COM's tasks are activities too: one list shows them all."""
    event = services.create_activity(None, kind="external", name="Open day", start=timezone.now())
    item = cirrus.call("get", f"activities/{event.pk}").json()
    assert item["description"] == "Open day" and item["type"] is None and item["account"] is None
    assert item["primarycontact"] is None and item["user"] == [] and item["closed"] == 0
    assert ids(cirrus.call("get", "activities")) == [event.pk]


# --- X-Fields and query counts --------------------------------------------------------------------


def test_mask_forms(cirrus, acme, eva):
    a = activity(acme, eva, reminder_minutes=10)
    item = cirrus.call("get", f"activities/{a.pk}", HTTP_X_FIELDS="{id,type{name},reminder{min}}").json()
    assert item == {"id": a.pk, "type": {"name": "Call"}, "reminder": {"min": 10}}
    per_item = cirrus.call("get", "activities", HTTP_X_FIELDS="{id,description}").json()
    assert per_item["total"] == 1 and per_item["items"] == [{"id": a.pk, "description": "Call"}]
    envelope = cirrus.call("get", "activities", HTTP_X_FIELDS="{total,items{id}}").json()
    assert envelope == {"total": 1, "items": [{"id": a.pk}]}
    every = cirrus.call("get", f"activities/{a.pk}", HTTP_X_FIELDS="{*}").json()
    assert_shape(every, ActivitySerializer)
    broken = cirrus.call("get", f"activities/{a.pk}", HTTP_X_FIELDS="{id,type{name}")
    assert broken.status_code == 400 and broken.json()["message"].startswith("Mask parse error")


def test_list_reads_a_constant_number_of_queries(cirrus, acme, eva, user, django_assert_num_queries):
    deal = make_opportunity(acme, eva, owner=user)
    tag = Tag.objects.create(name="T")
    question = ActivityTypeQuestion.objects.filter(activity_type__code="call").first()

    def full():
        made = activity(
            acme,
            eva,
            owner=user,
            opportunity=deal,
            tags=[tag],
            invited_users=[user],
            invited_contacts=[eva],
            answers={question: "yes"},
            attempt_notes=["x"],
            priority=ActivityPriority.objects.first(),
        )
        services_crm.follow_activity(None, made, user)

    full()
    assert_constant_queries(
        cirrus,
        "activities",
        lambda: [full() for _ in range(49)],
        django_assert_num_queries,
        "{id,user{name}}",
    )


# --- O19 coordinates ---------------------------------------------------------------------------


def test_coordinates(cirrus, acme, eva, user):
    services_accounts.update_account(
        None, acme, addresses={"postal": {"city": "Umeå", "latitude": "63.83", "longitude": "20.27"}}
    )
    beta = services_accounts.create_account(
        None,
        name="Beta AB",
        account_type=acme.account_type,
        addresses={"visiting": {"city": "Luleå", "latitude": "65.58", "longitude": "22.15"}},
    )
    a = activity(acme, eva, start="2024-01-01T09:00", owner=user)
    b = activity(beta, None, start="2024-02-01T09:00")
    activity(None, None, start="2024-03-01T09:00")  # no account: no coordinates
    body_ = cirrus.call("get", "activities/coordinates").json()
    assert body_["total"] == 3
    assert [(i["activityid"], i["addresstype"]) for i in body_["items"]] == [
        (b.pk, "visiting"),
        (a.pk, "visiting"),
        (a.pk, "postal"),
    ]
    assert body_["items"][0] == {
        "activityid": b.pk,
        "addresstype": "visiting",
        "latitude": "65.58",
        "longitude": "22.15",
        "distance": None,
    }
    assert [
        i["activityid"] for i in cirrus.call("get", "activities/coordinates?sorting=date_asc").json()["items"]
    ] == [
        a.pk,
        a.pk,
        b.pk,
    ]
    filtered = cirrus.call("get", f"activities/coordinates?userid={user.pk}").json()
    assert {i["activityid"] for i in filtered["items"]} == {a.pk}
    assert cirrus.call("get", "activities/coordinates?per_page=1000").status_code == 200
    assert cirrus.call("get", "activities/coordinates?per_page=1001").status_code == 400
    assert cirrus.call("get", "activities/coordinates?sorting=name_asc").status_code == 400


def test_coordinates_read_a_constant_number_of_queries(cirrus, acme, eva, django_assert_num_queries):
    activity(acme, eva)
    assert_constant_queries(
        cirrus,
        "activities/coordinates",
        lambda: [activity(acme, eva) for _ in range(49)],
        django_assert_num_queries,
    )


# --- Activity types, questions, progression states -----------------------------------------------


def test_activity_types(cirrus):
    listed = cirrus.call("get", "activitytypes")
    assert listed.status_code == 200 and isinstance(listed.json(), list)
    assert [t["name"] for t in listed.json()] == list(
        ActivityType.objects.order_by("sort_order", "name", "id").values_list("name", flat=True)
    )
    assert cirrus.call("post", "activitytypes", {}).json()["errors"] == {
        "name": "'name' is a required property"
    }
    assert "quick" in cirrus.call("post", "activitytypes", {"name": "Demo", "quick": True}).json()["errors"]
    created = cirrus.call(
        "post",
        "activitytypes",
        {"name": "Demo", "quick": 1, "value": 5, "sortorder": 9, "defaultresult": "Done"},
    )
    assert created.status_code == 201, created.json()
    item = created.json()
    assert_shape(item, ActivityTypeSerializer)
    assert (item["quick"], item["default"], item["value"], item["defaultresult"]) == (1, 0, 5, "Done")
    assert type(item["quick"]) is int and type(item["default"]) is int
    updated = cirrus.call("put", f"activitytypes/{item['id']}", {"default": 1, "userfollowups": 4}).json()
    assert (updated["name"], updated["default"], updated["userfollowups"]) == ("Demo", 1, 4)
    assert cirrus.call("put", f"activitytypes/{item['id']}", {"name": ""}).status_code == 400
    assert cirrus.call("get", f"activitytypes/{item['id']}").json() == updated
    assert cirrus.call("get", "activitytypes/999999").status_code == 404
    assert cirrus.call("get", "activitytypes", HTTP_X_FIELDS="{name}").json()[-1] == {"name": "Demo"}


def test_questions_and_progression_states(cirrus):
    questions = cirrus.call("get", "activitytypes/questions").json()
    meeting = ActivityType.objects.get(code="meeting")
    assert {"id", "question", "activitytypeid", "sortorder"} == set(questions[0])
    assert [q["question"] for q in questions if q["activitytypeid"] == meeting.pk] == [
        "Was a next step agreed?",
        "Who else should be involved?",
    ]
    states = cirrus.call("get", "activities/progressionstates").json()
    assert states == [
        {"id": row.pk, "name": row.name}
        for row in ProgressionState.objects.filter(applies_to="activity").order_by("sort_order", "id")
    ]


# --- O25/O27 follow ------------------------------------------------------------------------------


def test_follow_and_unfollow(cirrus, acme, eva, user):
    a = activity(acme, eva)
    for _ in range(2):  # idempotent
        response = cirrus.call("post", "activities/follow", {"key": a.pk, "userid": user.pk})
        assert response.status_code == 204 and not response.content
    assert ids(cirrus.call("get", f"activities?followedby={user.pk}")) == [a.pk]
    assert [u["id"] for u in cirrus.call("get", f"activities/{a.pk}").json()["followers"]] == [user.pk]
    assert cirrus.call("post", "activities/unfollow", {"key": a.pk, "userid": user.pk}).status_code == 204
    assert ids(cirrus.call("get", f"activities?followedby={user.pk}")) == []
    missing = cirrus.call("post", "activities/follow", {"key": 999999, "userid": user.pk})
    assert missing.status_code == 400 and "key" in missing.json()["errors"]
    no_user = cirrus.call("post", "activities/follow", {"key": a.pk, "userid": 999999})
    assert no_user.status_code == 400 and "userid" in no_user.json()["errors"]
    assert cirrus.call("post", "activities/follow", {"key": a.pk}).json()["errors"] == {
        "userid": "'userid' is a required property"
    }


# --- Credentials and permissions ---------------------------------------------------------------------


def test_a_token_and_a_permission_are_needed(user, acme, eva):
    from ..support import CirrusClient

    assert CirrusClient().call("get", "activities").status_code == 401
    reader = client_with(user, "view_activity")
    assert reader.call("get", "activities").status_code == 200
    assert reader.call("post", "activities", body(acme, eva, user)).status_code == 403
    assert reader.call("post", "activities/follow", {"key": 1, "userid": user.pk}).status_code == 403
    assert reader.call("get", "activitytypes").status_code == 403
