"""Cirrus dynamic fields and dynamic data over HTTP (O66-O69) on the core custom fields, and the
dynamicfield_id/dynamicfield_val filters of the account and contact lists."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from apps.api.cirrus.dynamic.serializers import DynamicDataSerializer, DynamicFieldSerializer
from apps.core import services as core_services
from apps.core.models import AppliesTo, CustomField, CustomFieldCategory, CustomFieldValue
from apps.parties import services_accounts
from apps.sales.models import Activity

from ..support import *  # noqa: F403
from ..support import assert_shape, count_queries

pytestmark = pytest.mark.django_db
FT = CustomField.FieldType


@pytest.fixture
def fields():
    CustomField.objects.all().delete()  # the shipped udf_* fields would crowd the lists
    category = CustomFieldCategory.objects.create(name="Classification", applies_to=AppliesTo.ORGANISATION)
    make = CustomField.objects.create
    return {
        "level": make(
            key="level",
            name="Level",
            applies_to=AppliesTo.ORGANISATION,
            field_type=FT.CHOICE,
            choices=["Bronze", "Silver", "Gold"],
            order=1,
            category=category,
            size=20,
            help_text="Customer level",
            in_overview=True,
        ),
        "note": make(
            key="note", name="Note", applies_to=AppliesTo.PARTY, field_type=FT.TEXT, order=2, required=True
        ),
        "staff": make(
            key="staff", name="Staff", applies_to=AppliesTo.ORGANISATION, field_type=FT.INTEGER, order=3
        ),
        "hobbies": make(
            key="hobbies",
            name="Hobbies",
            applies_to=AppliesTo.PERSON,
            field_type=FT.MULTIPLE_CHOICE,
            choices=["Golf", "Chess", "Sailing"],
            order=4,
        ),
        "birthday": make(
            key="birthday", name="Birthday", applies_to=AppliesTo.PERSON, field_type=FT.DATE, order=5
        ),
        "locked": make(
            key="locked",
            name="Locked",
            applies_to=AppliesTo.ORGANISATION,
            field_type=FT.TEXT,
            order=6,
            read_only=True,
        ),
        "hidden": make(
            key="hidden",
            name="Hidden",
            applies_to=AppliesTo.ORGANISATION,
            field_type=FT.BOOLEAN,
            order=7,
            visible=False,
        ),
        "revenue": make(
            key="revenue", name="Revenue", applies_to=AppliesTo.ORGANISATION, field_type=FT.DECIMAL, order=8
        ),
        "outcome": make(
            key="outcome", name="Outcome", applies_to=AppliesTo.ACTIVITY, field_type=FT.LONG_TEXT, order=9
        ),
    }


@pytest.fixture
def acme():
    return services_accounts.create_account(None, name="Acme AB")


@pytest.fixture
def beta():
    return services_accounts.create_account(None, name="Beta AB")


@pytest.fixture
def eva(acme):
    return services_accounts.create_contact(None, organisation=acme, first_name="Eva", last_name="Ek")


# --- Definitions (O66, O67) -----------------------------------------------------------------


def test_field_definition(cirrus, fields):
    level = fields["level"]
    body = cirrus.call("get", f"dynamicfields/{level.pk}").json()
    assert_shape(body, DynamicFieldSerializer)
    options = [
        {"id": 1, "fieldid": level.pk, "label": "Bronze", "sortorder": 1, "group": "account"},
        {"id": 2, "fieldid": level.pk, "label": "Silver", "sortorder": 2, "group": "account"},
        {"id": 3, "fieldid": level.pk, "label": "Gold", "sortorder": 3, "group": "account"},
    ]
    assert body == {
        "id": level.pk,
        "name": "Level",
        "group": "account",
        "sortorder": 1,
        "size": 20,
        "help": "Customer level",
        "required": False,
        "inoverview": True,
        "visible": True,
        "readonly": False,
        "options": options,
        "type": {"id": 7, "fieldid": level.pk, "label": "Choice", "sortorder": 7, "group": "account"},
        "fieldgroup": body["fieldgroup"],
        "selected": [],
        "unselected": options,
    }
    assert body["fieldgroup"]["name"] == "Classification" and body["fieldgroup"]["created"].endswith("Z")
    note = cirrus.call("get", f"dynamicfields/{fields['note'].pk}").json()
    assert note["options"] == [] and note["fieldgroup"] is None and note["required"] is True
    assert note["type"]["label"] == "Text" and note["type"]["id"] == 1
    assert cirrus.call("get", "dynamicfields/999999").status_code == 404


def ids(response):
    assert response.status_code == 200, response.json()
    return [item["id"] for item in response.json()["items"]]


def test_field_list_filters_and_sorting(cirrus, fields):
    f = {name: field.pk for name, field in fields.items()}
    everything = ids(cirrus.call("get", "dynamicfields?per_page=50"))
    assert everything == [
        f[n]
        for n in ("level", "note", "staff", "hobbies", "birthday", "locked", "hidden", "revenue", "outcome")
    ]
    # `groups` selects the fields whose `group` is one of them (a field of every party is an
    # account field: its group says so)
    account = [f[n] for n in ("level", "note", "staff", "locked", "hidden", "revenue")]
    assert ids(cirrus.call("get", "dynamicfields?groups=account&per_page=50")) == account
    assert ids(cirrus.call("get", "dynamicfields?groups=contact&per_page=50")) == [
        f["hobbies"],
        f["birthday"],
    ]
    both = ids(cirrus.call("get", "dynamicfields?groups=account&groups=contact&per_page=50"))
    assert both == ids(cirrus.call("get", "dynamicfields?groups=account,contact&per_page=50"))
    assert both == ids(cirrus.call("get", "dynamicfields?groups[]=account&groups[]=contact&per_page=50"))
    assert len(both) == 8
    for groups in ("account", "contact", "activity", "contact,activity", "account,opportunity"):
        items = cirrus.call("get", f"dynamicfields?groups={groups}&per_page=50").json()["items"]
        assert items and {item["group"] for item in items} <= set(groups.split(",")), groups
    assert ids(cirrus.call("get", "dynamicfields?groups=activity")) == [f["outcome"]]
    assert ids(cirrus.call("get", "dynamicfields?groups=order")) == []
    assert ids(cirrus.call("get", "dynamicfields?typeid=7")) == [f["level"]]
    assert ids(cirrus.call("get", "dynamicfields?typeid=99")) == []
    assert ids(cirrus.call("get", "dynamicfields?fieldname=h%25")) == [f["hobbies"], f["hidden"]]
    assert ids(cirrus.call("get", "dynamicfields?fieldname=level")) == [f["level"]]
    by_name = ids(cirrus.call("get", "dynamicfields?sorting=name_asc&per_page=50"))
    assert by_name[:3] == [f["birthday"], f["hidden"], f["hobbies"]]
    assert ids(cirrus.call("get", "dynamicfields?sorting=sorting_desc&per_page=2")) == [
        f["outcome"],
        f["revenue"],
    ]
    assert ids(cirrus.call("get", "dynamicfields?sorting=groupname_asc&per_page=1")) == [f["level"]]
    # fields without a group come last either way
    assert ids(cirrus.call("get", "dynamicfields?sorting=groupname_desc&per_page=50"))[0] == f["level"]
    for bad in ("groups=planets", "typeid=x", "sorting=type_asc", "per_page=51"):
        assert cirrus.call("get", f"dynamicfields?{bad}").status_code == 400, bad


def test_field_list_constant_queries(cirrus, fields):
    cirrus.call("get", "dynamicfields")
    small, _ = count_queries(lambda: cirrus.call("get", "dynamicfields?per_page=2"))
    large, _ = count_queries(
        lambda: cirrus.call("get", "dynamicfields?per_page=50", HTTP_X_FIELDS="{items{id,fieldgroup}}")
    )
    assert small == large


# --- Data (O68) -----------------------------------------------------------------------------


def test_dynamic_data_of_an_account(cirrus, fields, acme):
    core_services.set_custom_field_value(None, acme, fields["level"], "Gold")
    core_services.set_custom_field_value(None, acme, fields["staff"], 12)
    core_services.set_custom_field_value(None, acme, fields["hidden"], True)
    core_services.set_custom_field_value(None, acme, fields["revenue"], Decimal("1250.50"))
    body = cirrus.call("get", f"dynamicdata?resourcetype=account&resourceid={acme.pk}&per_page=50").json()
    assert body["total"] == 6
    items = {item["name"]: item for item in body["items"]}
    assert set(items) == {"Level", "Note", "Staff", "Locked", "Hidden", "Revenue"}
    for item in body["items"]:
        assert_shape(item, DynamicDataSerializer)
    level = items["Level"]
    assert level["id"] == fields["level"].pk and level["value"] == "Gold"
    assert [o["label"] for o in level["selected"]] == ["Gold"]
    assert [o["label"] for o in level["unselected"]] == ["Bronze", "Silver"]
    assert (
        items["Staff"]["value"] == "12"
        and items["Hidden"]["value"] == "1"
        and items["Revenue"]["value"] == "1250.5"
    )
    assert (
        items["Note"]["value"] is None
        and items["Note"]["selected"] == []
        and items["Note"]["required"] is True
    )
    assert items["Hidden"]["visible"] is False and items["Locked"]["readonly"] is True
    alias = cirrus.call("get", f"dynamicdata/account/{acme.pk}?per_page=50").json()
    assert alias == body


def test_dynamic_data_of_a_contact_and_an_activity(cirrus, fields, eva, acme):
    core_services.set_custom_field_value(None, eva, fields["hobbies"], ["Golf", "Sailing"])
    core_services.set_custom_field_value(None, eva, fields["birthday"], datetime.date(1980, 1, 31))
    body = cirrus.call("get", f"dynamicdata/contact/{eva.pk}").json()
    items = {item["name"]: item for item in body["items"]}
    assert set(items) == {"Note", "Hobbies", "Birthday"}
    assert items["Hobbies"]["value"] == "Golf, Sailing"
    assert [o["id"] for o in items["Hobbies"]["selected"]] == [1, 3]
    assert items["Birthday"]["value"] == "1980-01-31"
    activity = Activity.objects.create(name="Visit", start=timezone.now(), account=acme)
    activity_items = cirrus.call("get", f"dynamicdata/activity/{activity.pk}").json()["items"]
    assert [i["name"] for i in activity_items] == ["Outcome"]


def test_dynamic_data_filters_and_sorting(cirrus, fields, acme):
    base = f"dynamicdata?resourcetype=account&resourceid={acme.pk}"
    assert ids(cirrus.call("get", f"{base}&fieldname=%25e%25&sorting=name_asc&per_page=50")) == [
        fields[n].pk for n in ("hidden", "level", "locked", "note", "revenue")
    ]
    assert ids(cirrus.call("get", f"{base}&fieldids={fields['staff'].pk},{fields['level'].pk}")) == [
        fields["level"].pk,
        fields["staff"].pk,
    ]
    assert ids(cirrus.call("get", f"{base}&fieldids={fields['staff'].pk}&fieldids={fields['note'].pk}")) == [
        fields["note"].pk,
        fields["staff"].pk,
    ]
    assert ids(cirrus.call("get", f"{base}&sorting=sorting_desc&per_page=1")) == [fields["revenue"].pk]
    masked = cirrus.call("get", base, HTTP_X_FIELDS="{name,value}").json()
    assert masked["items"][0] == {"name": "Level", "value": None}


@pytest.mark.parametrize(
    ("query", "status", "field"),
    [
        ("resourceid=1", 400, "resourcetype"),
        ("resourcetype=account", 400, "resourceid"),
        ("resourcetype=planet&resourceid=1", 400, "resourcetype"),
        ("resourcetype=account&resourceid=x", 400, "resourceid"),
        ("resourcetype=account&resourceid=999999", 404, None),
        ("resourcetype=contact&resourceid=ACME", 404, None),
        ("resourcetype=order&resourceid=1", 404, None),
        ("resourcetype=account&resourceid=ACME&sorting=x", 400, "sorting"),
        ("resourcetype=account&resourceid=ACME&fieldids=x", 400, "fieldids"),
    ],
)
def test_dynamic_data_errors(cirrus, fields, acme, query, status, field):
    response = cirrus.call("get", "dynamicdata?" + query.replace("ACME", str(acme.pk)))
    assert response.status_code == status, response.json()
    if field:
        assert field in response.json()["errors"]
    else:
        assert set(response.json()) == {"message"}


def test_alias_path_errors(cirrus, acme):
    assert cirrus.call("get", f"dynamicdata/planet/{acme.pk}").status_code == 400
    assert cirrus.call("get", f"dynamicdata/7/{acme.pk}").status_code == 400
    assert cirrus.call("get", "dynamicdata/account/999999").status_code == 404


def test_dynamic_data_constant_queries(cirrus, fields, acme):
    for field in ("level", "note", "staff", "revenue"):
        core_services.set_custom_field_value(
            None, acme, fields[field], {"level": "Gold", "note": "x", "staff": 1, "revenue": 2}[field]
        )
    cirrus.call("get", f"dynamicdata/account/{acme.pk}")
    small, _ = count_queries(lambda: cirrus.call("get", f"dynamicdata/account/{acme.pk}?per_page=1"))
    large, _ = count_queries(lambda: cirrus.call("get", f"dynamicdata/account/{acme.pk}?per_page=50"))
    assert small == large


# --- Writing values (O69) -------------------------------------------------------------------


def put(cirrus, field, record, body):
    return cirrus.call("put", f"dynamicdata/{field.pk}/{record.pk}", body)


def test_set_a_text_value_and_clear_it(cirrus, fields, acme, admin_user):
    response = put(cirrus, fields["note"], acme, {"value": "Pays late"})
    assert response.status_code == 200, response.json()
    assert_shape(response.json(), DynamicDataSerializer)
    assert response.json()["value"] == "Pays late" and response.json()["id"] == fields["note"].pk
    row = CustomFieldValue.objects.get(field=fields["note"], object_id=acme.pk)
    assert row.text_value == "Pays late"
    assert put(cirrus, fields["note"], acme, {}).json()["value"] == "Pays late"  # nothing sent: unchanged
    assert put(cirrus, fields["note"], acme, {"value": ""}).json()["value"] is None
    assert not CustomFieldValue.objects.filter(field=fields["note"]).exists()
    from apps.core.models import ObjectChange

    assert ObjectChange.objects.filter(user=admin_user, content_type__model="customfieldvalue").count() == 2


def test_typed_values(cirrus, fields, acme, eva):
    assert put(cirrus, fields["staff"], acme, {"value": "42"}).json()["value"] == "42"
    assert put(cirrus, fields["revenue"], acme, {"value": "10.50"}).json()["value"] == "10.5"
    assert put(cirrus, fields["hidden"], acme, {"value": "true"}).json()["value"] == "1"
    assert put(cirrus, fields["birthday"], eva, {"value": "1980-01-31"}).json()["value"] == "1980-01-31"
    for field, record, value in [
        ("staff", acme, "many"),
        ("birthday", eva, "31/01/1980"),
        ("hidden", acme, "perhaps"),
    ]:
        response = put(cirrus, fields[field], record, {"value": value})
        assert response.status_code == 400 and set(response.json()["errors"]) == {"value"}
    response = put(cirrus, fields["staff"], acme, {"value": 42})
    assert response.status_code == 400 and set(response.json()["errors"]) == {"value"}


def test_single_choice_by_option(cirrus, fields, acme):
    level = fields["level"]
    body = put(cirrus, level, acme, {"selected": [{"id": 2, "fieldid": level.pk, "label": "ignored"}]}).json()
    assert body["value"] == "Silver" and [o["id"] for o in body["selected"]] == [2]
    assert (
        put(cirrus, level, acme, {"selected": [{"id": 3}], "unselected": [{"id": 2}]}).json()["value"]
        == "Gold"
    )
    assert (
        put(cirrus, level, acme, {"unselected": [{"id": 1}]}).json()["value"] == "Gold"
    )  # not the chosen one
    assert put(cirrus, level, acme, {"unselected": [{"id": 3}]}).json()["value"] is None
    assert put(cirrus, level, acme, {"value": "Bronze"}).json()["value"] == "Bronze"
    for body, field in [
        ({"selected": [{"id": 4}]}, "selected"),
        ({"selected": [{"id": 0}]}, "selected"),
        ({"unselected": [{"id": 9}]}, "unselected"),
        ({"selected": [{"id": 1, "fieldid": fields["note"].pk}]}, "selected"),
        ({"selected": [{"id": 1}, {"id": 2}]}, "selected"),
        ({"value": "Platinum"}, "value"),
        ({"selected": [{"label": "Gold"}]}, "selected.0.id"),
    ]:
        response = put(cirrus, level, acme, body)
        assert response.status_code == 400, body
        assert set(response.json()["errors"]) == {field}, body


def test_multiple_choice_by_options(cirrus, fields, eva):
    hobbies = fields["hobbies"]
    assert put(cirrus, hobbies, eva, {"selected": [{"id": 1}, {"id": 2}]}).json()["value"] == "Golf, Chess"
    body = put(cirrus, hobbies, eva, {"selected": [{"id": 3}], "unselected": [{"id": 1}]}).json()
    assert body["value"] == "Chess, Sailing"
    assert [o["id"] for o in body["selected"]] == [2, 3] and [o["id"] for o in body["unselected"]] == [1]
    assert put(cirrus, hobbies, eva, {"unselected": [{"id": 2}, {"id": 3}]}).json()["value"] is None
    assert put(cirrus, hobbies, eva, {"value": "Golf, Sailing"}).json()["value"] == "Golf, Sailing"


def test_write_errors(cirrus, fields, acme, eva):
    response = put(cirrus, fields["locked"], acme, {"value": "x"})
    assert response.status_code == 400 and set(response.json()["errors"]) == {"value"}
    assert cirrus.call("put", f"dynamicdata/999999/{acme.pk}", {"value": "x"}).status_code == 404
    assert (
        put(cirrus, fields["level"], eva, {"value": "Gold"}).status_code == 404
    )  # a contact, an account field
    assert cirrus.call("put", f"dynamicdata/{fields['note'].pk}/999999", {"value": "x"}).status_code == 404
    assert (
        put(cirrus, fields["note"], eva, {"value": "a contact's note"}).status_code == 200
    )  # party-wide field
    response = cirrus.put(f"/cirrus/dynamicdata/{fields['note'].pk}/{acme.pk}")
    assert response.status_code == 400


# --- The dynamicfield_id / dynamicfield_val filters -----------------------------------------


def test_dynamic_field_filter_on_accounts(cirrus, fields, acme, beta):
    level = fields["level"].pk
    core_services.set_custom_field_value(None, acme, fields["level"], "Gold")
    core_services.set_custom_field_value(None, beta, fields["level"], "Silver")
    core_services.set_custom_field_value(None, acme, fields["staff"], 12)
    core_services.set_custom_field_value(None, beta, fields["note"], "Golden days")

    def names(query):
        response = cirrus.call("get", f"accounts?{query}")
        assert response.status_code == 200, response.json()
        return [item["name"] for item in response.json()["items"]]

    assert names(f"dynamicfield_id={level}&dynamicfield_val=Gold") == ["Acme AB"]
    assert names(f"dynamicfield_id={level}&dynamicfield_val=gold") == ["Acme AB"]  # case-insensitive
    assert names(f"dynamicfield_id={level}&dynamicfield_val=3") == ["Acme AB"]  # an option id
    assert names(f"dynamicfield_id={level}&dynamicfield_val=%25l%25") == ["Acme AB", "Beta AB"]
    assert names(f"dynamicfield_id={level}&dynamicfield_val=Platinum") == []
    # pairs AND; an unpaired id or value is ignored
    staff = fields["staff"].pk
    assert names(
        f"dynamicfield_id={level}&dynamicfield_val=%25&dynamicfield_id={staff}&dynamicfield_val=12"
    ) == ["Acme AB"]
    assert names(f"dynamicfield_id={level}&dynamicfield_val=Gold&dynamicfield_id={staff}") == ["Acme AB"]
    assert names(f"dynamicfield_id={level}") == ["Acme AB", "Beta AB"]
    assert names("dynamicfield_val=Gold") == ["Acme AB", "Beta AB"]
    assert names(f"dynamicfield_id={staff}&dynamicfield_val=1%25") == ["Acme AB"]
    assert names(f"dynamicfield_id={staff}&dynamicfield_val=13") == []
    assert names(f"dynamicfield_id={fields['note'].pk}&dynamicfield_val=golden%25") == ["Beta AB"]
    # a field of another group, or none at all: no match
    assert names(f"dynamicfield_id={fields['hobbies'].pk}&dynamicfield_val=%25") == []
    assert names("dynamicfield_id=999999&dynamicfield_val=x") == []
    # the acceptance example: after PUT /dynamicdata/7/B {"value":"Gold"} the filter finds both
    assert put(cirrus, fields["level"], beta, {"value": "Gold"}).status_code == 200
    assert names(f"dynamicfield_id={level}&dynamicfield_val=Gold") == ["Acme AB", "Beta AB"]


def test_dynamic_field_filter_on_contacts(cirrus, fields, eva, acme):
    bo = services_accounts.create_contact(None, organisation=acme, first_name="Bo", last_name="Ek")
    core_services.set_custom_field_value(None, eva, fields["hobbies"], ["Golf", "Sailing"])
    core_services.set_custom_field_value(None, bo, fields["hobbies"], ["Chess"])
    core_services.set_custom_field_value(None, bo, fields["birthday"], datetime.date(1990, 6, 1))
    hobbies, birthday = fields["hobbies"].pk, fields["birthday"].pk

    def names(query):
        return [item["name"] for item in cirrus.call("get", f"contacts?{query}").json()["items"]]

    assert names(f"dynamicfield_id={hobbies}&dynamicfield_val=sailing") == ["Eva"]
    assert names(f"dynamicfield_id={hobbies}&dynamicfield_val=2") == ["Bo"]
    assert names(f"dynamicfield_id={hobbies}&dynamicfield_val=%25") == ["Bo", "Eva"]
    assert names(f"dynamicfield_id={birthday}&dynamicfield_val=1990-06-01") == ["Bo"]
    assert names(f"dynamicfield_id={birthday}&dynamicfield_val=1990%25") == ["Bo"]
    assert names(f"dynamicfield_id={birthday}&dynamicfield_val=june") == []
    assert names(f"dynamicfield_id={fields['level'].pk}&dynamicfield_val=%25") == []
