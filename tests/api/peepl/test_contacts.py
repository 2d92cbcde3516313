"""Contacts: list, create, detail, update (#1-#4) and the client's search (examples 7-8)."""

import datetime

import pytest
from django.utils import timezone

from apps.core.services import create_custom_field_value
from apps.parties import services
from apps.parties.models import Address, Party
from tests.factories import CustomFieldFactory, OrganisationFactory, PersonFactory

from .conftest import CONTACT

pytestmark = pytest.mark.django_db


def rich_person(n: int, organisation=None) -> Party:
    """A person with something in every nested collection of the detail."""
    person = PersonFactory(email=f"p{n}@example.be", phone=f"09 000 00 {n:02}", mobile=f"0470 00 00 {n:02}")
    services.add_email_address(None, person, email=f"second{n}@example.be", description="work")
    services.add_education(None, person, school=f"School {n}", start_date=datetime.date(2000, 9, 1))
    services.add_company_position(None, person, organisation=organisation, title="Treasurer")
    return person


# --- #1 list --------------------------------------------------------------------------------


def test_list_shows_basic_fields_with_primary_email_and_phones(peepl):
    person = PersonFactory(
        first_name="An",
        last_name="Smet",
        birth_date=datetime.date(1980, 1, 2),
        birth_place="Brugge",
        gender="F",
        preferred_language="fr",
        email="an@example.be",
        phone="09 111 11 11",
    )
    services.add_email_address(None, person, email="other@example.be")
    body = peepl.get("contacts/").json()
    assert body["count"] == 1
    contact = body["results"][0]
    assert contact == {
        "id": person.pk,
        "first_name": "An",
        "last_name": "Smet",
        "birth_date": "1980-01-02",
        "birth_place": "Brugge",
        "preferred_language": "fr",
        "gender": "F",
        "email": "an@example.be",
        "phone": "09 111 11 11",
        "mobile": None,
        "last_modified": contact["last_modified"],
    }
    assert contact["last_modified"]


def test_list_holds_persons_only(peepl):
    OrganisationFactory()
    person = PersonFactory()
    assert [c["id"] for c in peepl.get("contacts/").json()["results"]] == [person.pk]


def test_list_runs_a_constant_number_of_queries(peepl, count_queries, django_assert_max_num_queries):
    organisation = OrganisationFactory()
    rich_person(0, organisation)
    one = count_queries(peepl, "contacts/")
    for n in range(1, 12):
        rich_person(n, organisation)
    assert count_queries(peepl, "contacts/") == one
    with django_assert_max_num_queries(6):
        assert len(peepl.get("contacts/").json()["results"]) == 10


# --- #2 create ------------------------------------------------------------------------------


def test_create_returns_201_with_id_and_creates_the_default_address(peepl):
    response = peepl.post("contacts/", {**CONTACT, "mobile": "0470 12 34 56"}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert isinstance(body["id"], int)
    assert body["email"] == "jan@example.be"
    assert body["mobile"] == "0470 12 34 56"
    assert body["phone"] is None
    assert body["email_addresses"] == []
    person = Party.objects.get(pk=body["id"])
    assert person.kind == "person" and person.birth_date == datetime.date(1990, 5, 15)

    addresses = peepl.get(f"contacts/{body['id']}/addresses/").json()
    assert len(addresses) == 1
    assert addresses[0]["is_default"] is True
    assert addresses[0]["address_type"] == services.get_default_address_type().pk


@pytest.mark.parametrize("missing", sorted(CONTACT))
def test_create_requires_every_basic_field(peepl, missing):
    body = {k: v for k, v in CONTACT.items() if k != missing}
    response = peepl.post("contacts/", body, format="json")
    assert response.status_code == 400
    assert response.json() == {missing: ["This field is required."]}
    assert not Party.objects.exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("birth_date", "15/05/1990", "Date has wrong format. Use one of these formats instead: YYYY-MM-DD."),
        ("email", "not-an-email", "Enter a valid email address."),
        ("gender", "Q", '"Q" is not a valid choice.'),
        ("preferred_language", "xx", '"xx" is not a valid choice.'),
        ("first_name", ["a"], "Not a valid string."),
        ("birth_date", 19900515, "Date has wrong format. Use one of these formats instead: YYYY-MM-DD."),
    ],
)
def test_create_rejects_bad_values_with_field_errors(peepl, field, value, message):
    response = peepl.post("contacts/", {**CONTACT, field: value}, format="json")
    assert response.status_code == 400
    assert response.json() == {field: [message]}
    assert not Party.objects.exists() and not Address.objects.exists()


def test_create_rejects_a_body_that_is_not_an_object(peepl):
    response = peepl.post("contacts/", ["Jan"], format="json")
    assert response.status_code == 400
    assert not Party.objects.exists()


# --- #3 detail ------------------------------------------------------------------------------


def test_detail_nests_secondary_emails_educations_positions_and_custom_values(peepl):
    organisation = OrganisationFactory()
    person = rich_person(1, organisation)
    field = CustomFieldFactory(field_type="integer")
    value = create_custom_field_value(None, person, field, 42)

    body = peepl.get(f"contacts/{person.pk}/").json()
    assert body["email"] == "p1@example.be"
    assert body["phone"] == "09 000 00 01"
    assert [e["email"] for e in body["email_addresses"]] == ["second1@example.be"]  # primary excluded
    assert body["email_addresses"][0]["description"] == "work"
    assert body["educations"][0]["school"] == "School 1"
    assert body["educations"][0]["start_date"] == "2000-09-01"
    assert body["educations"][0]["degree"] is None
    assert body["company_positions"][0]["organisation"] == organisation.pk
    assert body["company_positions"][0]["title"] == "Treasurer"
    assert body["custom_field_values"] == [
        {
            "id": value.pk,
            "custom_field": field.pk,
            "text_value": None,
            "integer_value": 42,
            "decimal_value": None,
            "date_value": None,
            "boolean_value": None,
            "choice_value": None,
            "multiple_choice_value": None,
        }
    ]


def test_detail_of_an_organisation_id_is_404(peepl):
    organisation = OrganisationFactory()
    assert peepl.get(f"contacts/{organisation.pk}/").status_code == 404


def test_detail_runs_a_constant_number_of_queries(peepl, count_queries):
    organisation = OrganisationFactory()
    small = rich_person(1, organisation)
    big = rich_person(2, organisation)
    for n in range(3):
        services.add_email_address(None, big, email=f"more{n}@example.be")
        services.add_education(None, big, school=f"More {n}")
        services.add_company_position(None, big, company_name=f"Firm {n}", title="Clerk")
    assert count_queries(peepl, f"contacts/{big.pk}/") == count_queries(peepl, f"contacts/{small.pk}/")


# --- #4 update ------------------------------------------------------------------------------


def test_update_changes_the_basic_fields_and_last_modified(peepl):
    person = PersonFactory(email="old@example.be", phone="09 111 11 11")
    before = Party.objects.get(pk=person.pk).updated
    body = {**CONTACT, "first_name": "Piet", "email": "new@example.be", "mobile": "0470 00 00 00"}
    response = peepl.put(f"contacts/{person.pk}/", body, format="json")
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["first_name"] == "Piet"
    assert data["email"] == "new@example.be"
    assert data["mobile"] == "0470 00 00 00"
    assert data["phone"] == "09 111 11 11"  # not sent: kept
    person.refresh_from_db()
    assert person.first_name == "Piet" and person.primary_email == "new@example.be"
    assert person.updated > before


def test_update_with_null_phone_removes_it(peepl):
    person = PersonFactory(phone="09 111 11 11")
    response = peepl.put(f"contacts/{person.pk}/", {**CONTACT, "phone": None}, format="json")
    assert response.status_code == 200
    assert response.json()["phone"] is None
    assert not person.phones.exists()


def test_update_requires_the_same_fields_as_create(peepl):
    person = PersonFactory(first_name="Old")
    response = peepl.put(f"contacts/{person.pk}/", {"first_name": "New"}, format="json")
    assert response.status_code == 400
    assert set(response.json()) == set(CONTACT) - {"first_name"}
    person.refresh_from_db()
    assert person.first_name == "Old"


def test_update_ignores_nested_collections(peepl):
    person = PersonFactory()
    response = peepl.put(
        f"contacts/{person.pk}/", {**CONTACT, "educations": [{"school": "X"}]}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["educations"] == []


def test_update_of_unknown_contact_is_404(peepl):
    assert peepl.put("contacts/99999/", CONTACT, format="json").status_code == 404


# --- POST /contacts/search/ -----------------------------------------------------------------


@pytest.fixture
def people():
    an = PersonFactory(first_name="An", last_name="Smet", email="an@smet.be")
    bert = PersonFactory(first_name="Bert", last_name="Janssens", email="bert@example.be")
    cas = PersonFactory(first_name="Cas", last_name="Smets", email="cas@example.be")
    services.add_address(None, bert, address_type=_extra_type(), city="Gent")
    services.add_email_address(None, cas, email="cas@work.example")
    return an, bert, cas


def _extra_type():
    return services.create_address_type(None, description="Home", max_amount=3)


def search(peepl, **criteria):
    response = peepl.post("contacts/search/", criteria, format="json")
    assert response.status_code == 200, response.content
    return [c["id"] for c in response.json()["results"]]


def test_search_and_or(peepl, people):
    an, bert, cas = people
    assert search(peepl, operator="AND", last_name="smet") == [an.pk, cas.pk]
    assert search(peepl, operator="AND", last_name="smet", first_name="CA") == [cas.pk]
    assert search(peepl, operator="OR", first_name="bert", last_name="smets") == [bert.pk, cas.pk]


def test_search_by_city_and_any_email(peepl, people):
    an, bert, cas = people
    assert search(peepl, operator="AND", city="gen") == [bert.pk]
    assert search(peepl, operator="AND", email="work.example") == [cas.pk]  # a secondary address
    assert search(peepl, operator="AND", email="smet.be") == [an.pk]


def test_search_by_last_modified(peepl, people):
    today = timezone.localdate()
    assert len(search(peepl, operator="AND", last_modified=today.isoformat())) == 3
    tomorrow = today + datetime.timedelta(days=1)
    assert search(peepl, operator="AND", last_modified=tomorrow.isoformat()) == []


def test_search_is_paginated_with_links(peepl):
    for _ in range(12):
        PersonFactory(last_name="Same")
    response = peepl.post("contacts/search/?limit=5", {"operator": "AND", "last_name": "same"}, format="json")
    body = response.json()
    assert body["count"] == 12 and len(body["results"]) == 5
    assert body["next"].endswith("/contacts/search/?limit=5&offset=5")


def test_search_ignores_organisations(peepl):
    OrganisationFactory(name="Smet bv")
    assert search(peepl, operator="OR", last_name="smet", first_name="smet") == []


def test_search_needs_an_operator_and_a_criterion(peepl):
    response = peepl.post("contacts/search/", {"first_name": "x"}, format="json")
    assert response.status_code == 400
    assert response.json() == {"operator": ["This field is required."]}
    response = peepl.post("contacts/search/", {"operator": "XOR", "first_name": "x"}, format="json")
    assert response.status_code == 400 and "operator" in response.json()
    response = peepl.post("contacts/search/", {"operator": "AND"}, format="json")
    assert response.status_code == 400
    assert response.json() == {"detail": "At least one search criterion is required."}
    response = peepl.post(
        "contacts/search/", {"operator": "AND", "last_modified": "01/01/2024"}, format="json"
    )
    assert response.status_code == 400 and "last_modified" in response.json()
