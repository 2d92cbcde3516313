"""Cirrus accounts over HTTP (O1-O15): create, read, partial update, every filter and sort of the
account list and the coordinate list, account types, follow/unfollow, monthly budgets, masks and
errors; constant query counts."""

import pytest

from apps.api.cirrus.accounts.serializers import (
    AccountBudgetSerializer,
    AccountCoordinateSerializer,
    AccountSerializer,
    AccountTypeSerializer,
)
from apps.core.models import ObjectChange, Role
from apps.parties import services, services_accounts
from apps.parties.models import AccountGroup, AccountType, MonthlyBudget, Party, Phone
from apps.sales.models import Activity
from tests.factories import PersonFactory, TagFactory

from ..support import *  # noqa: F403
from ..support import assert_shape, count_queries

pytestmark = pytest.mark.django_db


def create(cirrus, **fields):
    response = cirrus.call("post", "accounts", fields)
    assert response.status_code == 201, response.json()
    return response.json()


@pytest.fixture
def new_account(cirrus, account_type, admin_user):
    def make(name="Acme AB", **fields):
        return create(cirrus, **{"name": name, "typeid": account_type.pk, "userid": admin_user.pk, **fields})

    return make


def names(response):
    assert response.status_code == 200, response.json()
    return [item["name"] for item in response.json()["items"]]


# --- Authentication --------------------------------------------------------------------------


def test_no_token_is_401_and_bearer_or_x_token_is_200(token):
    from ..support import CirrusClient

    client = CirrusClient()
    response = client.call("get", "accounts")
    assert response.status_code == 401
    assert set(response.json()) == {"message"}
    assert client.call("get", "accounts", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 200
    assert client.call("get", "accounts", HTTP_X_TOKEN=token).status_code == 200
    # blank X-Token with a Bearer token: the Bearer token counts
    assert (
        client.call("get", "accounts", HTTP_X_TOKEN="", HTTP_AUTHORIZATION=f"Bearer {token}").status_code
        == 200
    )


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_X_TOKEN": "nope.nope"},
        {"HTTP_X_TOKEN": ""},
        {"HTTP_AUTHORIZATION": "Bearer nope.nope"},
        {"HTTP_AUTHORIZATION": "Bearer"},
        {"HTTP_AUTHORIZATION": "Token abc.def"},
    ],
)
def test_bad_tokens_are_401(headers, token):
    from ..support import CirrusClient

    response = CirrusClient().call("get", "accounts", **headers)
    assert response.status_code == 401
    assert "message" in response.json()


def test_a_key_without_permission_is_403(django_user_model):
    from apps.core.api_keys import issue_api_key

    from ..support import CirrusClient

    clerk = django_user_model.objects.create_user("clerk")
    client = CirrusClient()
    client.credentials(HTTP_X_TOKEN=issue_api_key(clerk, "t")[1])
    response = client.call("get", "accounts")
    assert response.status_code == 403
    assert set(response.json()) == {"message"}


def test_unknown_path_and_method(cirrus):
    assert cirrus.call("get", "nosuchthing").status_code == 404
    assert cirrus.call("get", "accounts/").json() == {
        "message": "The requested URL was not found on the server."
    }
    response = cirrus.call("delete", "accounts/1")
    assert response.status_code == 405
    assert set(response.json()) == {"message"}


# --- Create and read (O1, O15) ---------------------------------------------------------------


def test_create_and_read_account(cirrus, account_type, admin_user):
    body = create(
        cirrus,
        name="Acme AB",
        typeid=account_type.pk,
        userid=admin_user.pk,
        addresses={"visiting": {"city": "Umeå", "coordinates": {"latitude": "63.82", "longitude": "20.26"}}},
        tags=[],
    )
    assert body["name"] == "Acme AB"
    assert body["type"] == {"id": account_type.pk, "name": account_type.name}
    assert body["user"]["id"] == admin_user.pk
    assert body["active"] == 1
    assert set(body["addresses"]) == {"visiting", "delivery", "invoice", "postal"}
    assert body["addresses"]["visiting"]["city"] == "Umeå"
    assert body["addresses"]["visiting"]["coordinates"] == {
        "latitude": "63.82",
        "longitude": "20.26",
        "distance": None,
    }
    assert body["addresses"]["postal"]["city"] is None
    assert_shape(body, AccountSerializer)
    assert cirrus.call("get", f"accounts/{body['id']}").json() == body


def test_create_with_every_field(cirrus, account_type, admin_user, user):
    parent = create(cirrus, name="Parent AB", typeid=account_type.pk, userid=admin_user.pk)
    group = services_accounts.create_account_group(None, name="Chains")
    tag = TagFactory(name="Gold")
    body = create(
        cirrus,
        id=999,
        name="Acme AB",
        alt_name="Acme",
        typeid=account_type.pk,
        number="A-1",
        userid=admin_user.pk,
        alternateuserid=user.pk,
        phone="090-123",
        cellphone="070-456",
        fax="090-999",
        email="info@acme.example",
        url="https://acme.example",
        vatno="SE556",
        active=0,
        info="Notes",
        socialmedia_fb="fb/acme",
        socialmedia_tw="@acme",
        socialmedia_li="li/acme",
        uservisitintervalweeks=4,
        alternateuservisitintervalweeks=8,
        parentaccountid=parent["id"],
        addresses={
            "visiting": {
                "careof": "Reception",
                "street": "Storgatan",
                "number": "12",
                "letter": "B",
                "zip": "903 26",
            },
            "delivery": {"name": "Goods in", "city": "Umeå", "country": "Sweden"},
            "invoice": {"email": "invoices@acme.example", "country": "se"},
            "postal": {"street": "Box 7", "country": "SWE"},
        },
        accountgroups=[{"id": group.pk, "name": "ignored"}],
        externalkey="ERP-1",
        tags=[{"id": tag.pk}],
    )
    assert body["id"] != 999
    expected = {
        "alt_name": "Acme",
        "number": "A-1",
        "phone": "090-123",
        "cellphone": "070-456",
        "fax": "090-999",
        "email": "info@acme.example",
        "url": "https://acme.example",
        "vatno": "SE556",
        "active": 0,
        "info": "Notes",
        "socialmedia_fb": "fb/acme",
        "socialmedia_tw": "@acme",
        "socialmedia_li": "li/acme",
        "department": None,
        "externalkey": "ERP-1",
        "uservisitintervalweeks": 4,
        "alternateuservisitintervalweeks": 8,
        "alternateuserid": str(user.pk),
    }
    assert {key: body[key] for key in expected} == expected
    assert body["alternateuser"] == {
        "id": user.pk,
        "name": "Sven",
        "surname": "Svensson",
        "title": None,
        "email": "sven@example.com",
        "phone": None,
        "cellphone": None,
    }
    assert body["parentaccount"]["id"] == parent["id"] and body["parentaccount"]["name"] == "Parent AB"
    assert body["accountgroups"] == [{"id": group.pk, "name": "Chains"}]
    assert body["tags"] == [{"id": tag.pk, "name": "Gold", "type": "company"}]
    visiting = body["addresses"]["visiting"]
    assert (
        visiting["careof"],
        visiting["street"],
        visiting["number"],
        visiting["letter"],
        visiting["zip"],
    ) == (
        "Reception",
        "Storgatan",
        "12",
        "B",
        "903 26",
    )
    assert body["addresses"]["delivery"]["name"] == "Goods in"
    assert [body["addresses"][code]["country"] for code in ("delivery", "invoice", "postal")] == ["SE"] * 3
    assert body["addresses"]["invoice"]["email"] == "invoices@acme.example"
    # the domain holds it as an organisation party
    party = Party.objects.get(pk=body["id"])
    assert party.kind == Party.Kind.ORGANISATION and party.website == "https://acme.example"
    assert party.first_phone(Phone.Kind.FAX) == "090-999" and not party.is_active
    assert ObjectChange.objects.filter(object_id=party.pk, user__isnull=False).exists()


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({"name": "", "typeid": "T", "userid": "U"}, {"name"}),
        ({"name": "   x"}, {"typeid", "userid"}),
        ({"typeid": "T", "userid": "U"}, {"name"}),
        ({"name": None, "typeid": "T", "userid": "U"}, {"name"}),
        ({"name": "X", "typeid": 999999, "userid": "U"}, {"typeid"}),
        ({"name": "X", "typeid": "T", "userid": 999999}, {"userid"}),
        ({"name": "X", "typeid": "T", "userid": "U", "alternateuserid": 999999}, {"alternateuserid"}),
        ({"name": "X", "typeid": "T", "userid": "U", "parentaccountid": 999999}, {"parentaccountid"}),
        ({"name": "X", "typeid": "T", "userid": "U", "accountgroups": [{"id": 999999}]}, {"accountgroups"}),
        ({"name": "X", "typeid": "T", "userid": "U", "tags": [{"id": 999999}]}, {"tags"}),
        ({"name": "X", "typeid": "T", "userid": "U", "tags": [{"name": "x"}]}, {"tags"}),
        ({"name": 5, "typeid": "T", "userid": "U"}, {"name"}),
        ({"name": "X", "typeid": "1", "userid": "U"}, {"typeid"}),
        ({"name": "X", "typeid": "T", "userid": "U", "active": 2}, {"active"}),
        ({"name": "X", "typeid": "T", "userid": "U", "active": None}, {"active"}),
        ({"name": "X", "typeid": "T", "userid": "U", "email": "not-mail"}, {"email"}),
        (
            {"name": "X", "typeid": "T", "userid": "U", "uservisitintervalweeks": -1},
            {"uservisitintervalweeks"},
        ),
        (
            {"name": "X", "typeid": "T", "userid": "U", "addresses": {"postal": {"country": "Atlantis"}}},
            {"addresses.postal.country"},
        ),
        (
            {
                "name": "X",
                "typeid": "T",
                "userid": "U",
                "addresses": {"visiting": {"coordinates": {"latitude": "95"}}},
            },
            {"addresses.visiting.coordinates.latitude"},
        ),
        (
            {"name": "X", "typeid": "T", "userid": "U", "addresses": {"invoice": {"email": "x"}}},
            {"addresses.invoice.email"},
        ),
        ({"name": "X" * 256, "typeid": "T", "userid": "U"}, {"name"}),
    ],
)
def test_create_validation(cirrus, account_type, admin_user, body, errors):
    body = {k: account_type.pk if v == "T" else admin_user.pk if v == "U" else v for k, v in body.items()}
    response = cirrus.call("post", "accounts", body)
    assert response.status_code == 400, response.json()
    assert response.json()["message"] == "Input payload validation failed"
    assert set(response.json()["errors"]) == errors
    assert not Party.objects.filter(kind=Party.Kind.ORGANISATION).exists()


def test_create_error_messages_are_the_doc_style(cirrus, account_type, admin_user):
    response = cirrus.call("post", "accounts", {"name": "", "userid": admin_user.pk})
    assert response.json()["errors"] == {
        "name": "This field can not be empty.",
        "typeid": "'typeid' is a required property",
    }


@pytest.mark.parametrize("body", [None, "[1, 2]", "not json"])
def test_missing_or_non_json_body_is_400(cirrus, body):
    if body is None:
        response = cirrus.post("/cirrus/accounts")
    else:
        response = cirrus.post("/cirrus/accounts", body, content_type="application/json")
    assert response.status_code == 400
    assert "message" in response.json()


def test_form_body_is_400(cirrus):
    response = cirrus.post("/cirrus/accounts", {"name": "x"})  # multipart
    assert response.status_code == 400


def test_get_unknown_account_is_404(cirrus):
    person = PersonFactory()
    for pk in (999999, person.pk, 2**70):
        response = cirrus.call("get", f"accounts/{pk}")
        assert response.status_code == 404
        assert set(response.json()) == {"message"}


def test_alternateuserid_accepts_a_string(new_account, user):
    assert new_account(alternateuserid=str(user.pk))["alternateuser"]["id"] == user.pk


# --- Update (O14) ---------------------------------------------------------------------------


def test_partial_update(cirrus, new_account, user):
    group_a = services_accounts.create_account_group(None, name="A")
    group_b = services_accounts.create_account_group(None, name="B")
    tag = TagFactory()
    account = new_account(
        phone="1",
        addresses={"visiting": {"street": "Storgatan", "city": "Umeå"}, "postal": {"city": "Umeå"}},
        accountgroups=[{"id": group_a.pk}],
        tags=[{"id": tag.pk}],
    )
    response = cirrus.call(
        "put",
        f"accounts/{account['id']}",
        {
            "id": 12345,
            "info": "Changed",
            "addresses": {"visiting": {"city": "Luleå"}, "invoice": {"city": "Piteå"}},
            "accountgroups": [{"id": group_b.pk}],
            "userid": user.pk,
        },
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["id"] == account["id"]
    assert body["info"] == "Changed" and body["name"] == "Acme AB" and body["phone"] == "1"
    assert body["user"]["id"] == user.pk
    assert body["addresses"]["visiting"]["street"] == "Storgatan"  # merged per field
    assert body["addresses"]["visiting"]["city"] == "Luleå"
    assert body["addresses"]["postal"]["city"] == "Umeå"  # untouched type
    assert body["addresses"]["invoice"]["city"] == "Piteå"  # created
    assert body["accountgroups"] == [{"id": group_b.pk, "name": "B"}]  # replaced
    assert [t["id"] for t in body["tags"]] == [tag.pk]  # not sent: kept
    cleared = cirrus.call(
        "put", f"accounts/{account['id']}", {"tags": [], "phone": "", "alternateuserid": None}
    )
    assert cleared.json()["tags"] == [] and cleared.json()["phone"] is None


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": None}, "name"),
        ({"typeid": None}, "typeid"),
        ({"typeid": 999999}, "typeid"),
        ({"tags": [{"id": 999999}]}, "tags"),
        ({"parentaccountid": "SELF"}, "parentaccountid"),
        ({"active": "1"}, "active"),
    ],
)
def test_update_validation(cirrus, new_account, body, field):
    account = new_account()
    body = {k: account["id"] if v == "SELF" else v for k, v in body.items()}
    response = cirrus.call("put", f"accounts/{account['id']}", body)
    assert response.status_code == 400, response.json()
    assert set(response.json()["errors"]) == {field}
    assert cirrus.call("get", f"accounts/{account['id']}").json() == account


def test_update_refuses_a_parent_cycle(cirrus, new_account):
    parent = new_account("Parent")
    child = new_account("Child", parentaccountid=parent["id"])
    response = cirrus.call("put", f"accounts/{parent['id']}", {"parentaccountid": child["id"]})
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"parentaccountid"}


def test_update_unknown_account_is_404(cirrus):
    assert cirrus.call("put", "accounts/999999", {"name": "x"}).status_code == 404


# --- Lists (O2) -----------------------------------------------------------------------------


def test_envelope_and_paging(cirrus, new_account):
    for name in ("A", "B", "C"):
        new_account(name)
    body = cirrus.call("get", "accounts?per_page=2&page=2").json()
    assert {k: body[k] for k in ("page", "pages", "per_page", "total")} == {
        "page": 2,
        "pages": 2,
        "per_page": 2,
        "total": 3,
    }
    assert [item["name"] for item in body["items"]] == ["C"]
    past = cirrus.call("get", "accounts?per_page=2&page=5").json()
    assert past["items"] == [] and past["total"] == 3
    default = cirrus.call("get", "accounts").json()
    assert default["per_page"] == 10 and default["page"] == 1


def test_empty_list(cirrus):
    assert cirrus.call("get", "accounts").json() == {
        "page": 1,
        "pages": 0,
        "per_page": 10,
        "total": 0,
        "items": [],
    }


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        (
            "per_page=51",
            "per_page",
            "Results per page Invalid argument: 51. argument must be within the range 1 - 50,"
            " max pagesize is 50",
        ),
        ("per_page=0", "per_page", None),
        ("per_page=x", "per_page", None),
        ("page=0", "page", None),
        ("page=x", "page", None),
        ("sorting=foo", "sorting", "The value 'foo' is not a valid choice for 'sorting'."),
        ("userids=1,x", "userids", None),
        ("typeids=x", "typeids", None),
        ("userid=abc", "userid", None),
        ("active=3", "active", None),
        ("nearto=north", "nearto", None),
        ("nearto=1,2&distance=far", "distance", None),
        ("activity=5", "activity", None),
        ("dynamicfield_id=x&dynamicfield_val=1", "dynamicfield_id", None),
    ],
)
def test_bad_list_parameters(cirrus, query, field, message):
    response = cirrus.call("get", f"accounts?{query}")
    assert response.status_code == 400, response.json()
    assert response.json()["message"] == "Input payload validation failed"
    assert set(response.json()["errors"]) == {field}
    if message:
        assert response.json()["errors"][field] == message


def test_per_page_50_is_allowed(cirrus):
    assert cirrus.call("get", "accounts?per_page=50").status_code == 200


def test_active_filter(cirrus, new_account):
    new_account("A")
    new_account("B", active=0)
    assert names(cirrus.call("get", "accounts")) == ["A"]
    assert names(cirrus.call("get", "accounts?active=1")) == ["A"]
    assert names(cirrus.call("get", "accounts?active=0")) == ["B"]
    assert names(cirrus.call("get", "accounts?active=2")) == ["A", "B"]


def test_name_wildcards(cirrus, new_account):
    new_account("Acme AB")
    new_account("Bacme")
    assert names(cirrus.call("get", "accounts?name=Acme%25")) == ["Acme AB"]
    assert names(cirrus.call("get", "accounts?name=%25acme%25")) == ["Acme AB", "Bacme"]
    assert names(cirrus.call("get", "accounts?name=Acme")) == []
    assert names(cirrus.call("get", "accounts?name=acme ab")) == ["Acme AB"]


def test_user_and_type_filters(cirrus, new_account, user, admin_user):
    other_type = AccountType.objects.exclude(is_default=True).first()
    new_account("A")
    new_account("B", userid=user.pk, typeid=other_type.pk)
    assert names(cirrus.call("get", f"accounts?userid={user.pk}")) == ["B"]
    assert names(cirrus.call("get", f"accounts?userids={user.pk},{admin_user.pk}")) == ["A", "B"]
    assert names(cirrus.call("get", f"accounts?typeid={other_type.pk}")) == ["B"]
    assert names(cirrus.call("get", f"accounts?typeids={other_type.pk}")) == ["B"]


def test_text_filters(cirrus, new_account):
    new_account(
        "A",
        number="A-100",
        phone="090-111",
        cellphone="070-222",
        vatno="SE1",
        externalkey="ERP-1",
        addresses={
            "postal": {"city": "Umeå", "street": "Box 12"},
            "visiting": {"city": "Luleå"},
            "delivery": {"city": "Kiruna"},
            "invoice": {"city": "Gävle"},
        },
    )
    new_account("B", number="B-200", phone="08-333", cellphone="073-444", vatno="SE2", externalkey="ERP-2")
    for query in [
        "accountnumber=A-100",
        "accountnumber=a-1%25",
        "phone=090%25",
        "cellphone=%25222",
        "vatno=se1",
        "externalkey=ERP-1",
        "postal_city=Ume%25",
        "postal_street=box%25",
        "visitingaddress_city=Luleå",
        "deliveryaddress_city=kiruna",
        "invoiceaddress_city=G%25",
    ]:
        assert names(cirrus.call("get", f"accounts?{query}")) == ["A"], query
    assert names(cirrus.call("get", "accounts?externalkey=erp-1")) == []  # exact
    assert names(cirrus.call("get", "accounts?postal_city=Luleå")) == []  # the postal address only


@pytest.mark.parametrize(
    "term",
    [
        "acme",
        "alt",
        "num-7",
        "5566",
        "0901",
        "0702",
        "info@",
        "box 1",
        "pcity",
        "90100",
        "c/o",
        "vstreet",
        "92100",
        "vcity",
        "goods",
        "dstreet",
        "93100",
        "dcity",
        "billing",
        "istreet",
        "94100",
        "icity",
    ],
)
def test_fulltext_columns(cirrus, new_account, term):
    new_account(
        "Acme AB",
        alt_name="Alt name",
        number="NUM-7",
        vatno="SE5566",
        phone="0901",
        cellphone="0702",
        email="info@acme.example",
        addresses={
            "postal": {"street": "Box 1", "city": "PCity", "zip": "90100"},
            "visiting": {"careof": "c/o Someone", "street": "VStreet", "zip": "92100", "city": "VCity"},
            "delivery": {"name": "Goods in", "street": "DStreet", "zip": "93100", "city": "DCity"},
            "invoice": {"name": "Billing", "street": "IStreet", "zip": "94100", "city": "ICity"},
        },
    )
    new_account("Other")
    assert names(cirrus.call("get", f"accounts?fulltext={term}")) == ["Acme AB"]


def test_fulltext_is_anded_with_other_filters_and_not_a_wildcard(cirrus, new_account):
    new_account("Acme AB")
    new_account("Acme Inactive", active=0)
    assert names(cirrus.call("get", "accounts?fulltext=acme")) == ["Acme AB"]
    assert names(cirrus.call("get", "accounts?fulltext=a%25b")) == []


def test_follow_and_followedby(cirrus, new_account, admin_user, user):
    account = new_account("A")
    new_account("B")
    response = cirrus.call("post", "accounts/follow", {"key": account["id"], "userid": admin_user.pk})
    assert response.status_code == 204 and not response.content
    assert (
        cirrus.call("post", "accounts/follow", {"key": account["id"], "userid": admin_user.pk}).status_code
        == 204
    )
    assert names(cirrus.call("get", f"accounts?followedby={admin_user.pk}")) == ["A"]
    assert names(cirrus.call("get", f"accounts?followedby={user.pk}")) == []
    followers = cirrus.call("get", f"accounts/{account['id']}").json()["followers"]
    assert [f["id"] for f in followers] == [admin_user.pk]
    assert (
        cirrus.call("post", "accounts/unfollow", {"key": account["id"], "userid": admin_user.pk}).status_code
        == 204
    )
    assert (
        cirrus.call("post", "accounts/unfollow", {"key": account["id"], "userid": admin_user.pk}).status_code
        == 204
    )
    assert names(cirrus.call("get", f"accounts?followedby={admin_user.pk}")) == []


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"key": 999999, "userid": "U"}, "key"),
        ({"key": "A", "userid": 999999}, "userid"),
        ({"userid": "U"}, "key"),
        ({"key": "A"}, "userid"),
    ],
)
def test_follow_validation(cirrus, new_account, admin_user, body, field):
    account = new_account()
    body = {k: account["id"] if v == "A" else admin_user.pk if v == "U" else v for k, v in body.items()}
    for action in ("follow", "unfollow"):
        response = cirrus.call("post", f"accounts/{action}", body)
        assert response.status_code == 400
        assert set(response.json()["errors"]) == {field}


def test_follow_a_contact_id_as_account_is_400(cirrus, admin_user):
    person = PersonFactory()
    response = cirrus.call("post", "accounts/follow", {"key": person.pk, "userid": admin_user.pk})
    assert response.status_code == 400


def test_activity_filters(cirrus, new_account, admin_user, user):
    import datetime

    from django.utils import timezone

    from apps.sales.models import ActivityType

    a, b, _ = new_account("A"), new_account("B"), new_account("C")
    meeting = ActivityType.objects.create(name="Meeting")
    start = timezone.make_aware(datetime.datetime(2024, 5, 2, 10))
    Activity.objects.create(name="x", start=start, account_id=a["id"], owner=admin_user)
    Activity.objects.create(
        name="y", start=start, account_id=b["id"], owner=user, state="completed", activity_type=meeting
    )
    assert names(cirrus.call("get", "accounts?activity=1")) == ["A", "B"]
    assert names(cirrus.call("get", "accounts?activity=0")) == ["A", "B", "C"]
    assert names(cirrus.call("get", f"accounts?activity=1&activity_user={user.pk}")) == ["B"]
    assert names(cirrus.call("get", "accounts?activity=1&activity_closed=1")) == ["B"]
    assert names(cirrus.call("get", "accounts?activity=1&activity_closed=0")) == ["A"]
    assert names(cirrus.call("get", f"accounts?activity=1&activity_type={meeting.pk}")) == ["B"]
    # on one and the same activity
    assert names(cirrus.call("get", f"accounts?activity=1&activity_user={user.pk}&activity_closed=0")) == []
    # without activity=1 the predicates do nothing
    assert names(cirrus.call("get", f"accounts?activity_user={user.pk}")) == ["A", "B", "C"]


def test_mission_filters_match_nothing_until_missions_exist(cirrus, new_account):
    new_account("A")
    assert names(cirrus.call("get", "accounts?missionid=1")) == []
    assert names(cirrus.call("get", "accounts?missionresult=1")) == ["A"]


def test_nearto_and_distance(cirrus, new_account):
    umea = {"latitude": "63.825847", "longitude": "20.263035"}
    stockholm = {"latitude": "59.329323", "longitude": "18.068581"}
    new_account("Umeå AB", addresses={"visiting": {"coordinates": umea}})
    new_account(
        "Stockholm AB", addresses={"postal": {"coordinates": stockholm}, "delivery": {"coordinates": umea}}
    )
    new_account("Nowhere AB")
    near = cirrus.call("get", "accounts?nearto=59.33,18.07&distance=50").json()
    assert [item["name"] for item in near["items"]] == ["Stockholm AB"]
    coords = near["items"][0]["addresses"]
    assert float(coords["postal"]["coordinates"]["distance"]) == pytest.approx(0.09, abs=0.05)
    assert float(coords["delivery"]["coordinates"]["distance"]) == pytest.approx(513, abs=3)
    assert coords["visiting"]["coordinates"]["distance"] is None  # no address there
    # braces and spaces; any of the addresses within the distance
    assert names(cirrus.call("get", "accounts?nearto={63.8, 20.3}&distance=10")) == [
        "Stockholm AB",
        "Umeå AB",
    ]
    # no distance: no threshold, distances still shown
    everything = cirrus.call("get", "accounts?nearto=63.8,20.3").json()
    assert everything["total"] == 3
    assert everything["items"][0]["addresses"]["visiting"]["coordinates"]["distance"] is None
    # without nearto, distance does nothing and distances are null
    plain = cirrus.call("get", "accounts?distance=1").json()
    assert plain["total"] == 3
    assert plain["items"][1]["addresses"]["postal"]["coordinates"]["distance"] is None


def test_sorting(cirrus, new_account, admin_user, user):
    new_account("B", number="2", userid=user.pk)
    new_account("A", number="3")
    new_account("C", number="1")
    assert names(cirrus.call("get", "accounts")) == ["A", "B", "C"]
    assert names(cirrus.call("get", "accounts?sorting=name_desc")) == ["C", "B", "A"]
    assert names(cirrus.call("get", "accounts?sorting=number_asc")) == ["C", "B", "A"]
    assert names(cirrus.call("get", "accounts?sorting=number_desc")) == ["A", "B", "C"]
    first, second = sorted([admin_user.pk, user.pk])
    by_user = names(cirrus.call("get", "accounts?sorting=userid_asc"))
    assert by_user[-1] == ("B" if user.pk == second else "C")
    assert names(cirrus.call("get", "accounts?sorting=userid_desc"))[0] == ("B" if user.pk == second else "A")


def test_postal_address_sorting(cirrus, new_account):
    for name, street, number in [
        ("S2", "Storgatan", "2"),
        ("S11", "Storgatan", "11"),
        ("S3B", "Storgatan", "3B"),
        ("A8", "Ågatan", "8"),
        ("K1", "Kungsgatan", "1"),
    ]:
        new_account(name, addresses={"postal": {"street": street, "number": number}})
    new_account("None")
    assert names(cirrus.call("get", "accounts?sorting=postaladdress_number_asc")) == [
        "K1",
        "S2",
        "S3B",
        "S11",
        "A8",
        "None",
    ]
    assert names(cirrus.call("get", "accounts?sorting=postaladdress_number_desc")) == [
        "A8",
        "S11",
        "S3B",
        "S2",
        "K1",
        "None",
    ]
    assert names(cirrus.call("get", "accounts?sorting=postaladdress_odd_asc")) == [
        "K1",
        "S3B",
        "S11",
        "S2",
        "A8",
        "None",
    ]
    assert names(cirrus.call("get", "accounts?sorting=postaladdress_even_asc")) == [
        "S2",
        "A8",
        "K1",
        "S3B",
        "S11",
        "None",
    ]
    assert names(cirrus.call("get", "accounts?sorting=postaladdress_odd_desc")) == [
        "S11",
        "S3B",
        "K1",
        "A8",
        "S2",
        "None",
    ]
    assert names(cirrus.call("get", "accounts?sorting=postaladdress_even_desc")) == [
        "A8",
        "S2",
        "S11",
        "S3B",
        "K1",
        "None",
    ]


def test_ties_are_broken_by_id(cirrus, new_account):
    ids = [new_account("Same")["id"] for _ in range(3)]
    body = cirrus.call("get", "accounts?per_page=2").json()
    assert [item["id"] for item in body["items"]] == ids[:2]
    assert [item["id"] for item in cirrus.call("get", "accounts?per_page=2&page=2").json()["items"]] == ids[
        2:
    ]


def test_contacts_files_and_parent_in_the_account(cirrus, new_account):
    from django.core.files.base import ContentFile

    from apps.content import services as content_services

    parent = new_account(
        "Parent", phone="1", addresses={"postal": {"coordinates": {"latitude": "1.5", "longitude": "2"}}}
    )
    account = new_account("Child", parentaccountid=parent["id"])
    party = Party.objects.get(pk=account["id"])
    eva = services_accounts.create_contact(
        None,
        organisation=party,
        first_name="Eva",
        last_name="Ek",
        email="eva@x.example",
        job={"title": "CEO"},
        primary_contact=True,
    )
    bo = services_accounts.create_contact(None, organisation=party, first_name="Bo", last_name="Andersson")
    file = content_services.add_file(
        None, ContentFile(b"hello", name="a.txt"), name="Offer.txt", parties=[party]
    )
    body = cirrus.call("get", f"accounts/{account['id']}").json()
    assert body["contacts"] == [
        {
            "id": bo.pk,
            "name": "Bo",
            "surname": "Andersson",
            "email": None,
            "phone": None,
            "cellphone": None,
            "primary": 0,
            "title": None,
        },
        {
            "id": eva.pk,
            "name": "Eva",
            "surname": "Ek",
            "email": "eva@x.example",
            "phone": None,
            "cellphone": None,
            "primary": 1,
            "title": "CEO",
        },
    ]
    assert body["files"] == [{"id": file.pk, "name": "Offer.txt"}]
    assert body["parentaccount"] == {
        "id": parent["id"],
        "name": "Parent",
        "alt_name": None,
        "number": None,
        "email": None,
        "phone": "1",
        "cellphone": None,
        "coordinates": {"latitude": "1.5", "longitude": "2", "distance": None},
    }


# --- Masks ----------------------------------------------------------------------------------


def test_mask_on_an_account(cirrus, new_account):
    account = new_account(addresses={"visiting": {"city": "Umeå"}})
    response = cirrus.call(
        "get", f"accounts/{account['id']}", HTTP_X_FIELDS="{id,name,addresses{visiting{city}}}"
    )
    assert response.json() == {
        "id": account["id"],
        "name": "Acme AB",
        "addresses": {"visiting": {"city": "Umeå"}},
    }


def test_malformed_mask_is_400_before_any_write(cirrus, account_type, admin_user):
    response = cirrus.call("get", "accounts", HTTP_X_FIELDS="{id,name")
    assert response.status_code == 400
    assert response.json() == {"message": "Mask parse error: Missing closing bracket"}
    body = {"name": "X", "typeid": account_type.pk, "userid": admin_user.pk}
    assert cirrus.call("post", "accounts", body, HTTP_X_FIELDS="{id}}").status_code == 400
    assert not Party.objects.exists()


def test_mask_forms_on_a_list(cirrus, new_account):
    account = new_account()
    item_mask = cirrus.call("get", "accounts", HTTP_X_FIELDS="{id,name}").json()
    assert item_mask == {
        "page": 1,
        "pages": 1,
        "per_page": 10,
        "total": 1,
        "items": [{"id": account["id"], "name": "Acme AB"}],
    }
    envelope = cirrus.call("get", "accounts", HTTP_X_FIELDS="{total,items{id,contacts{id}}}").json()
    assert envelope == {"total": 1, "items": [{"id": account["id"], "contacts": []}]}
    star = cirrus.call("get", "accounts", HTTP_X_FIELDS="{page,items{*,addresses{postal{city}}}}").json()
    assert set(star) == {"page", "items"}
    assert star["items"][0]["addresses"] == {"postal": {"city": None}}
    assert star["items"][0]["name"] == "Acme AB"


def test_mask_on_create_response(cirrus, account_type, admin_user):
    body = {"name": "X", "typeid": account_type.pk, "userid": admin_user.pk}
    response = cirrus.call("post", "accounts", body, HTTP_X_FIELDS="id,type{name}")
    assert response.status_code == 201
    assert set(response.json()) == {"id", "type"} and response.json()["type"] == {"name": account_type.name}


def test_mask_does_not_touch_errors(cirrus):
    response = cirrus.call("get", "accounts/999999", HTTP_X_FIELDS="{id}")
    assert response.status_code == 404 and "message" in response.json()


# --- Query counts ---------------------------------------------------------------------------


def _rich_accounts(n, admin_user, user):
    group = services_accounts.create_account_group(None, name="G")
    tag = TagFactory()
    parent = services_accounts.create_account(None, name="Parent", account_type=AccountType.objects.first())
    for i in range(n):
        party = services_accounts.create_account(
            None,
            name=f"Account {i:03d}",
            account_type=AccountType.objects.first(),
            responsible_user=admin_user,
            alternate_user=user,
            parent_organisation=parent,
            email=f"a{i}@x.example",
            phone="1",
            fax="2",
            addresses={
                "visiting": {"city": "Umeå", "latitude": "63.8", "longitude": "20.2"},
                "postal": {"street": "Box"},
            },
            groups=[group],
            tags=[tag],
        )
        services_accounts.follow(None, party, user)
        services_accounts.create_contact(
            None, organisation=party, first_name="C", last_name=str(i), email=f"c{i}@x.example"
        )


@pytest.mark.parametrize(
    "query",
    [
        "",
        "?nearto=63.8,20.2&distance=100",
        "?fulltext=account&sorting=postaladdress_odd_desc",
        "?dynamicfield_id=1&dynamicfield_val=x",
    ],
)
def test_account_list_reads_a_constant_number_of_queries(cirrus, admin_user, user, query):
    _rich_accounts(12, admin_user, user)
    cirrus.call("get", "accounts")  # warm caches (content types, key last_used)
    sep = "&" if query else "?"
    small, body = count_queries(lambda: cirrus.call("get", f"accounts{query}{sep}per_page=5"))
    large, _ = count_queries(lambda: cirrus.call("get", f"accounts{query}{sep}per_page=50"))
    masked, _ = count_queries(
        lambda: cirrus.call("get", f"accounts{query}{sep}per_page=50", HTTP_X_FIELDS="{items{id}}")
    )
    assert body.status_code == 200
    assert small == large == masked, (small, large, masked)


def test_account_list_query_count_is_bounded(cirrus, admin_user, user):
    _rich_accounts(6, admin_user, user)
    cirrus.call("get", "accounts")
    queries, _ = count_queries(lambda: cirrus.call("get", "accounts?per_page=50"))
    assert queries <= 24


# --- Coordinates (O3) -----------------------------------------------------------------------


def test_account_coordinates(cirrus, new_account, user):
    umea = {"latitude": "63.825847", "longitude": "20.263035"}
    stockholm = {"latitude": "59.329323", "longitude": "18.068581"}
    a = new_account(
        "A",
        addresses={
            "visiting": {"coordinates": umea},
            "postal": {"coordinates": stockholm},
            "invoice": {"city": "x"},
        },
    )
    b = new_account("B", userid=user.pk, addresses={"delivery": {"coordinates": stockholm}})
    new_account("C", active=0, addresses={"visiting": {"coordinates": umea}})
    body = cirrus.call("get", "accounts/coordinates").json()
    assert body["total"] == 3
    assert body["items"] == [
        {
            "accountid": a["id"],
            "addresstype": "visiting",
            "latitude": "63.825847",
            "longitude": "20.263035",
            "distance": None,
        },
        {
            "accountid": a["id"],
            "addresstype": "postal",
            "latitude": "59.329323",
            "longitude": "18.068581",
            "distance": None,
        },
        {
            "accountid": b["id"],
            "addresstype": "delivery",
            "latitude": "59.329323",
            "longitude": "18.068581",
            "distance": None,
        },
    ]
    for item in body["items"]:
        assert_shape(item, AccountCoordinateSerializer)
    desc = cirrus.call("get", "accounts/coordinates?sorting=name_desc").json()
    assert [item["accountid"] for item in desc["items"]] == [b["id"], a["id"], a["id"]]
    assert cirrus.call("get", f"accounts/coordinates?userid={user.pk}").json()["total"] == 1
    assert cirrus.call("get", "accounts/coordinates?active=0").json()["total"] == 1
    near = cirrus.call("get", "accounts/coordinates?nearto=59.33,18.07&distance=10").json()
    assert {(i["accountid"], i["addresstype"]) for i in near["items"]} == {
        (a["id"], "visiting"),
        (a["id"], "postal"),
        (b["id"], "delivery"),
    }
    distances = {i["addresstype"]: float(i["distance"]) for i in near["items"] if i["accountid"] == a["id"]}
    assert distances["postal"] < 1 < 500 < distances["visiting"]
    # the coordinates list takes larger pages (map views), not the DF filters
    assert cirrus.call("get", "accounts/coordinates?per_page=1000").status_code == 200
    response = cirrus.call("get", "accounts/coordinates?per_page=1001")
    assert response.status_code == 400 and set(response.json()["errors"]) == {"per_page"}
    assert cirrus.call("get", "accounts/coordinates?sorting=postaladdress_odd_asc").status_code == 400
    masked = cirrus.call("get", "accounts/coordinates", HTTP_X_FIELDS="{accountid}").json()
    assert masked["items"][0] == {"accountid": a["id"]} and masked["total"] == 3


def test_account_coordinates_constant_queries(cirrus, admin_user, user):
    _rich_accounts(8, admin_user, user)
    cirrus.call("get", "accounts/coordinates")  # warm caches (key last_used)
    small, _ = count_queries(lambda: cirrus.call("get", "accounts/coordinates?per_page=2"))
    large, _ = count_queries(lambda: cirrus.call("get", "accounts/coordinates?per_page=500&nearto=63,20"))
    assert small == large


# --- Account types (O8) ---------------------------------------------------------------------


def test_account_types_are_a_bare_array(cirrus):
    response = cirrus.call("get", "accounts/types")
    assert response.status_code == 200
    body = response.json()
    assert isinstance(body, list) and [t["name"] for t in body] == [
        "Customer",
        "Prospect",
        "Partner",
        "Supplier",
    ]
    assert body[0]["isdefault"] == 1 and body[0]["typeiscustomer"] == 1 and body[1]["typeisprospect"] == 1
    for item in body:
        assert_shape(item, AccountTypeSerializer)
    assert response["Deprecation"] == "true"
    masked = cirrus.call("get", "accounts/types", HTTP_X_FIELDS="{id,name}").json()
    assert set(masked[0]) == {"id", "name"}


# --- Budgets (O11-O13) ----------------------------------------------------------------------


def test_budget_lifecycle(cirrus, new_account):
    account = new_account()
    path = f"accounts/{account['id']}/budget/2024/3"
    response = cirrus.call("put", path, {"budget": 50000})
    assert response.status_code == 200
    body = response.json()
    assert body == {"id": body["id"], "year": 2024, "month": 3, "budget": 50000}
    assert_shape(body, AccountBudgetSerializer)
    assert cirrus.call("get", path).json() == body
    assert cirrus.call("put", path, {"budget": 60000}).json() == {**body, "budget": 60000}
    assert cirrus.call("put", path, {}).json()["budget"] == 60000  # nothing sent: kept
    assert MonthlyBudget.objects.count() == 1
    deleted = cirrus.call("delete", path)
    assert deleted.status_code == 204 and not deleted.content
    assert cirrus.call("get", path).status_code == 404
    assert cirrus.call("delete", path).status_code == 404
    assert cirrus.call("put", f"accounts/{account['id']}/budget/2024/4", {}).json()["budget"] == 0


@pytest.mark.parametrize(
    ("path", "status", "field"),
    [
        ("budget/2024/13", 400, "month"),
        ("budget/2024/0", 400, "month"),
        ("budget/0/1", 400, "year"),
        ("budget/2024/x", 404, None),
    ],
)
def test_budget_errors(cirrus, new_account, path, status, field):
    account = new_account()
    response = cirrus.call("put", f"accounts/{account['id']}/{path}", {"budget": 1})
    assert response.status_code == status
    if field:
        assert set(response.json()["errors"]) == {field}


def test_budget_of_unknown_account_and_bad_body(cirrus, new_account):
    assert cirrus.call("get", "accounts/999999/budget/2024/1").status_code == 404
    assert cirrus.call("put", "accounts/999999/budget/2024/1", {"budget": 1}).status_code == 404
    account = new_account()
    response = cirrus.call("put", f"accounts/{account['id']}/budget/2024/1", {"budget": "lots"})
    assert response.status_code == 400 and set(response.json()["errors"]) == {"budget"}


# --- Services behind it ---------------------------------------------------------------------


def test_account_services_log_with_the_actor(admin_user, user):
    party = services_accounts.create_account(admin_user, name="Logged", groups=[], tags=[])
    services_accounts.follow(admin_user, party, user)
    services_accounts.follow(admin_user, party, user)
    changes = ObjectChange.objects.filter(object_id=party.pk, user=admin_user, action="update")
    assert [c.after for c in changes if "followers" in (c.after or {})] == [{"followers": [user.pk]}]
    services.update_party(admin_user, party, primary_contact=None)


@pytest.mark.parametrize(
    "path, add",
    [
        ("accountgroups", lambda n: AccountGroup.objects.create(name=f"Group {n}")),
        ("accounts/types", lambda n: AccountType.objects.create(name=f"Type {n}", sort_order=100 + n)),
        ("roles", lambda n: Role.objects.create(name=f"Role {n}")),
    ],
)
def test_lookup_lists_cost_the_same_whatever_their_size(cirrus, path, add):
    add(0)  # an empty page skips the page query: compare one row with many
    count_queries(lambda: cirrus.call("get", path))  # the key's first use of the minute is recorded once
    few, _ = count_queries(lambda: cirrus.call("get", path))
    for n in range(1, 6):
        add(n)
    many, response = count_queries(lambda: cirrus.call("get", path))
    assert response.status_code == 200
    assert "5" in {name[-1] for name in _names(response.json())}  # the new rows are listed
    assert many == few


def _names(body) -> list[str]:
    items = body["items"] if isinstance(body, dict) else body
    return [item["name"] for item in items]
