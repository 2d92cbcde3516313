"""Cirrus contacts over HTTP (O52-O57): create, read, partial update, follow/unfollow, every
filter and sort, masks and errors; constant query counts."""

import pytest

from apps.api.cirrus.contacts.serializers import ContactSerializer
from apps.parties import services, services_accounts
from apps.parties.models import AccountType, CompanyPosition, Party
from tests.factories import OrganisationFactory, PersonFactory, TagFactory

from ..support import *  # noqa: F403
from ..support import assert_shape, count_queries

pytestmark = pytest.mark.django_db


@pytest.fixture
def acme(admin_user):
    return services_accounts.create_account(
        None, name="Acme AB", account_type=AccountType.objects.first(), responsible_user=admin_user
    )


def create(cirrus, **fields):
    response = cirrus.call("post", "contacts", fields)
    assert response.status_code == 201, response.json()
    return response.json()


def names(response):
    assert response.status_code == 200, response.json()
    return [f"{item['name']} {item['surname']}" for item in response.json()["items"]]


def test_create_requires_account_then_creates(cirrus, acme):
    response = cirrus.call("post", "contacts", {"name": "Eva", "surname": "Ek"})
    assert response.status_code == 400
    assert response.json()["errors"] == {"accountid": "'accountid' is a required property"}
    body = create(cirrus, name="Eva", surname="Ek", accountid=acme.pk)
    assert body["account"]["id"] == acme.pk and body["account"]["name"] == "Acme AB"
    assert body["active"] == 1 and body["primarycontact"] == 0
    assert_shape(body, ContactSerializer)
    assert cirrus.call("get", f"contacts/{body['id']}").json() == body


def test_create_with_every_field(cirrus, acme):
    boss = create(
        cirrus, name="Anna", surname="Boss", accountid=acme.pk, title="CEO", email="anna@acme.example"
    )
    tag = TagFactory(name="Decision maker")
    body = create(
        cirrus,
        id=12345,
        name="Eva",
        surname="Ek",
        function="Purchaser",
        department="Purchasing",
        email="eva@acme.example",
        officephone="090-1",
        cellphone="070-2",
        title="Head of purchasing",
        street="Storgatan 1",
        city="Umeå",
        zip="903 26",
        accountid=acme.pk,
        primarycontact=1,
        socialmedia_fb="fb/eva",
        socialmedia_tw="@eva",
        socialmedia_li="li/eva",
        idnumber="19800101-1234",
        externalkey="ERP-C1",
        active=0,
        superiorid=boss["id"],
        tags=[{"id": tag.pk}],
    )
    expected = {
        "name": "Eva",
        "surname": "Ek",
        "function": "Purchaser",
        "department": "Purchasing",
        "email": "eva@acme.example",
        "officephone": "090-1",
        "cellphone": "070-2",
        "title": "Head of purchasing",
        "street": "Storgatan 1",
        "city": "Umeå",
        "zip": "903 26",
        "primarycontact": 1,
        "socialmedia_fb": "fb/eva",
        "socialmedia_tw": "@eva",
        "socialmedia_li": "li/eva",
        "idnumber": "19800101-1234",
        "externalkey": "ERP-C1",
        "active": 0,
        "photo": {"avatar": None, "photo": None},
        "files": [],
        "followers": [],
    }
    assert body["id"] != 12345
    assert {key: body[key] for key in expected} == expected
    assert body["superior"] == {
        "id": boss["id"],
        "name": "Anna",
        "surname": "Boss",
        "title": "CEO",
        "email": "anna@acme.example",
        "officephone": None,
        "cellphone": None,
        "number": None,
    }
    assert body["tags"] == [{"id": tag.pk, "name": "Decision maker", "type": "contact"}]
    # the shared model: a person employed by the organisation, its primary contact
    person = Party.objects.get(pk=body["id"])
    position = CompanyPosition.objects.get(person=person, is_primary=True)
    assert (position.organisation_id, position.role, position.reports_to_id) == (
        acme.pk,
        "Purchaser",
        boss["id"],
    )
    acme.refresh_from_db()
    assert acme.primary_contact_id == person.pk
    account = cirrus.call("get", f"accounts/{acme.pk}").json()
    assert [(c["id"], c["primary"]) for c in account["contacts"]] == [(boss["id"], 0), (person.pk, 1)]


def test_a_new_primary_contact_replaces_the_old_one(cirrus, acme):
    eva = create(cirrus, name="Eva", surname="Ek", accountid=acme.pk, primarycontact=1)
    bo = create(cirrus, name="Bo", surname="Ek", accountid=acme.pk, primarycontact=1)
    assert cirrus.call("get", f"contacts/{eva['id']}").json()["primarycontact"] == 0
    assert cirrus.call("get", f"contacts/{bo['id']}").json()["primarycontact"] == 1
    assert cirrus.call("put", f"contacts/{bo['id']}", {"primarycontact": 0}).json()["primarycontact"] == 0
    acme.refresh_from_db()
    assert acme.primary_contact is None


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({"name": "", "surname": "Ek", "accountid": "A"}, {"name"}),
        ({"name": "Eva", "surname": "", "accountid": "A"}, {"surname"}),
        ({"surname": "Ek", "accountid": "A"}, {"name"}),
        ({"name": "Eva", "surname": "Ek", "accountid": 999999}, {"accountid"}),
        ({"name": "Eva", "surname": "Ek", "accountid": "P"}, {"accountid"}),
        ({"name": "Eva", "surname": "Ek", "accountid": "A", "superiorid": 999999}, {"superiorid"}),
        ({"name": "Eva", "surname": "Ek", "accountid": "A", "superiorid": "A"}, {"superiorid"}),
        ({"name": "Eva", "surname": "Ek", "accountid": "A", "tags": [{"id": 999999}]}, {"tags"}),
        ({"name": "Eva", "surname": "Ek", "accountid": "A", "email": "nope"}, {"email"}),
        ({"name": "Eva", "surname": "Ek", "accountid": "A", "primarycontact": 3}, {"primarycontact"}),
    ],
)
def test_create_validation(cirrus, acme, body, errors):
    person = PersonFactory()
    body = {k: acme.pk if v == "A" else person.pk if v == "P" else v for k, v in body.items()}
    response = cirrus.call("post", "contacts", body)
    assert response.status_code == 400, response.json()
    assert set(response.json()["errors"]) == errors
    assert Party.objects.filter(kind=Party.Kind.PERSON).count() == 1


def test_partial_update(cirrus, acme):
    other = OrganisationFactory()
    tag = TagFactory()
    contact = create(
        cirrus, name="Eva", surname="Ek", accountid=acme.pk, title="CEO", city="Umeå", tags=[{"id": tag.pk}]
    )
    response = cirrus.call(
        "put", f"contacts/{contact['id']}", {"title": "CFO", "accountid": other.pk, "zip": "90326"}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["title"] == "CFO" and body["name"] == "Eva" and body["surname"] == "Ek"
    assert body["city"] == "Umeå" and body["zip"] == "90326"
    assert body["account"]["id"] == acme.pk  # accountid is ignored on PUT
    assert [t["id"] for t in body["tags"]] == [tag.pk]
    assert cirrus.call("put", f"contacts/{contact['id']}", {"tags": []}).json()["tags"] == []


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": ""}, "name"),
        ({"surname": ""}, "surname"),
        ({"surname": 7}, "surname"),
        ({"superiorid": "SELF"}, "superiorid"),
        ({"active": True}, "active"),
    ],
)
def test_update_validation(cirrus, acme, body, field):
    contact = create(cirrus, name="Eva", surname="Ek", accountid=acme.pk)
    body = {k: contact["id"] if v == "SELF" else v for k, v in body.items()}
    response = cirrus.call("put", f"contacts/{contact['id']}", body)
    assert response.status_code == 400, response.json()
    assert set(response.json()["errors"]) == {field}
    assert cirrus.call("get", f"contacts/{contact['id']}").json() == contact


def test_unknown_contact_is_404(cirrus, acme):
    for pk in (999999, acme.pk):
        assert cirrus.call("get", f"contacts/{pk}").status_code == 404
        assert cirrus.call("put", f"contacts/{pk}", {"title": "x"}).status_code == 404


def test_a_person_without_an_account_reads_with_nulls(cirrus):
    person = PersonFactory(first_name="Solo", last_name="Person")
    body = cirrus.call("get", f"contacts/{person.pk}").json()
    assert body["account"] is None and body["title"] is None and body["primarycontact"] == 0
    assert_shape(body, ContactSerializer)
    response = cirrus.call("put", f"contacts/{person.pk}", {"primarycontact": 1})
    assert response.status_code == 400 and set(response.json()["errors"]) == {"primarycontact"}
    assert (
        cirrus.call("put", f"contacts/{person.pk}", {"title": "Freelancer"}).json()["title"] == "Freelancer"
    )


def test_follow_and_unfollow_contacts(cirrus, acme, admin_user):
    eva = create(cirrus, name="Eva", surname="Ek", accountid=acme.pk)
    create(cirrus, name="Bo", surname="Ek", accountid=acme.pk)
    assert (
        cirrus.call("post", "contacts/follow", {"key": eva["id"], "userid": admin_user.pk}).status_code == 204
    )
    assert names(cirrus.call("get", f"contacts?followedby={admin_user.pk}")) == ["Eva Ek"]
    assert [f["id"] for f in cirrus.call("get", f"contacts/{eva['id']}").json()["followers"]] == [
        admin_user.pk
    ]
    assert (
        cirrus.call("post", "contacts/unfollow", {"key": eva["id"], "userid": admin_user.pk}).status_code
        == 204
    )
    assert names(cirrus.call("get", f"contacts?followedby={admin_user.pk}")) == []
    response = cirrus.call("post", "contacts/follow", {"key": acme.pk, "userid": admin_user.pk})
    assert response.status_code == 400 and set(response.json()["errors"]) == {"key"}


# --- The list (O53) -------------------------------------------------------------------------


@pytest.fixture
def people(cirrus, acme, user):
    other_type = AccountType.objects.exclude(pk=acme.account_type_id).first()
    beta = services_accounts.create_account(None, name="Beta", account_type=other_type, responsible_user=user)
    eva = create(
        cirrus,
        name="Eva",
        surname="Ek",
        accountid=acme.pk,
        email="eva@acme.example",
        officephone="090-111",
        cellphone="070-111",
        title="CEO",
        city="Umeå",
        street="Storgatan 1",
        zip="90326",
        idnumber="800101",
        externalkey="C-1",
        primarycontact=1,
    )
    bo = create(
        cirrus,
        name="Bo",
        surname="Andersson",
        accountid=beta.pk,
        email="bo@beta.example",
        active=0,
        city="Luleå",
    )
    cid = create(cirrus, name="Cid", surname="Zorn", accountid=acme.pk, title="Buyer")
    return {"acme": acme, "beta": beta, "eva": eva, "bo": bo, "cid": cid, "user": user}


def test_filters(cirrus, people):
    acme, beta, user = people["acme"], people["beta"], people["user"]
    cases = {
        f"accountid={acme.pk}": ["Cid Zorn", "Eva Ek"],
        f"accounttypeids={beta.account_type_id}": ["Bo Andersson"],
        f"accounttypeids={beta.account_type_id},{acme.account_type_id}": [
            "Bo Andersson",
            "Cid Zorn",
            "Eva Ek",
        ],
        f"accountuserids={user.pk}": ["Bo Andersson"],
        "active=0": ["Bo Andersson"],
        "active=1": ["Cid Zorn", "Eva Ek"],
        "active=2": ["Bo Andersson", "Cid Zorn", "Eva Ek"],
        "": ["Bo Andersson", "Cid Zorn", "Eva Ek"],
        "cellphone=070%25": ["Eva Ek"],
        "city=lule%25": ["Bo Andersson"],
        "email=%25@acme.example": ["Eva Ek"],
        "email=eva@acme.example": ["Eva Ek"],
        "externalkey=C-1": ["Eva Ek"],
        "name=E%25": ["Eva Ek"],
        "officephone=090-111": ["Eva Ek"],
        "surname=%25or%25": ["Cid Zorn"],
        "title=buyer": ["Cid Zorn"],
        "primarycontact=1": ["Eva Ek"],
        "primarycontact=0": ["Bo Andersson", "Cid Zorn"],
    }
    for query, expected in cases.items():
        assert names(cirrus.call("get", f"contacts?{query}")) == expected, query


@pytest.mark.parametrize(
    "term", ["eva", "EK", "@acme", "090-1", "070-1", "ceo", "800101", "storgatan", "umeå", "9032"]
)
def test_fulltext(cirrus, people, term):
    assert names(cirrus.call("get", f"contacts?fulltext={term}")) == ["Eva Ek"]


def test_sorting(cirrus, people):
    assert names(cirrus.call("get", "contacts")) == ["Bo Andersson", "Cid Zorn", "Eva Ek"]
    assert names(cirrus.call("get", "contacts?sorting=name_desc")) == ["Eva Ek", "Cid Zorn", "Bo Andersson"]
    assert names(cirrus.call("get", "contacts?sorting=surname_asc")) == ["Bo Andersson", "Eva Ek", "Cid Zorn"]
    assert names(cirrus.call("get", "contacts?sorting=surname_desc")) == [
        "Cid Zorn",
        "Eva Ek",
        "Bo Andersson",
    ]
    assert names(cirrus.call("get", "contacts?sorting=email_asc")) == ["Bo Andersson", "Eva Ek", "Cid Zorn"]
    assert names(cirrus.call("get", "contacts?sorting=email_desc")) == ["Eva Ek", "Bo Andersson", "Cid Zorn"]
    assert names(cirrus.call("get", "contacts?sorting=primarycontact_desc")) == [
        "Eva Ek",
        "Bo Andersson",
        "Cid Zorn",
    ]
    assert names(cirrus.call("get", "contacts?sorting=primarycontact_asc")) == [
        "Bo Andersson",
        "Cid Zorn",
        "Eva Ek",
    ]
    assert cirrus.call("get", "contacts?sorting=title_asc").status_code == 400


@pytest.mark.parametrize(
    "query", ["per_page=51", "accountid=x", "accounttypeids=1,x", "active=5", "primarycontact=2"]
)
def test_bad_parameters(cirrus, query):
    response = cirrus.call("get", f"contacts?{query}")
    assert response.status_code == 400
    assert response.json()["message"] == "Input payload validation failed"


def test_per_page_cap(cirrus):
    assert cirrus.call("get", "contacts?per_page=51").json()["errors"].keys() == {"per_page"}
    assert cirrus.call("get", "contacts?per_page=50").status_code == 200


def test_masks(cirrus, people):
    eva = people["eva"]
    body = cirrus.call("get", f"contacts/{eva['id']}", HTTP_X_FIELDS="{id,account{id,name},superior}").json()
    assert body == {
        "id": eva["id"],
        "account": {"id": people["acme"].pk, "name": "Acme AB"},
        "superior": None,
    }
    listed = cirrus.call("get", "contacts?per_page=1", HTTP_X_FIELDS="{name}").json()
    assert listed["items"] == [{"name": "Bo"}] and listed["total"] == 3
    assert cirrus.call("get", "contacts", HTTP_X_FIELDS="{name,}}").status_code == 400


def test_contact_list_reads_a_constant_number_of_queries(cirrus, acme, admin_user, user):
    boss = services_accounts.create_contact(None, organisation=acme, first_name="Boss", last_name="B")
    for i in range(12):
        organisation = services_accounts.create_account(
            None, name=f"Org {i}", addresses={"visiting": {"latitude": "1", "longitude": "2"}}
        )
        person = services_accounts.create_contact(
            None,
            organisation=organisation,
            first_name=f"P{i}",
            last_name="X",
            email=f"p{i}@x.example",
            phone="1",
            mobile="2",
            job={"title": "T", "reports_to": boss},
            address={"city": "Umeå"},
            primary_contact=True,
            tags=[TagFactory()],
        )
        services_accounts.follow(None, person, user)
        services.set_tags(None, person, [TagFactory()])
    cirrus.call("get", "contacts")
    small, body = count_queries(lambda: cirrus.call("get", "contacts?per_page=5"))
    large, _ = count_queries(lambda: cirrus.call("get", "contacts?per_page=50&sorting=email_desc&fulltext=x"))
    masked, _ = count_queries(lambda: cirrus.call("get", "contacts?per_page=50", HTTP_X_FIELDS="{items{id}}"))
    assert body.status_code == 200
    assert small == large == masked, (small, large, masked)
