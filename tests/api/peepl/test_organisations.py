"""Organisations (#24-#38): read-only themselves, with writable addresses, e-mails and custom
field values, their positions, custom field catalogue and segments."""

import datetime

import pytest

from apps.core.models import CustomFieldValue
from apps.parties import services
from apps.parties.models import EmailAddress
from tests.factories import (
    AddressTypeFactory,
    CustomFieldFactory,
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def organisation():
    return OrganisationFactory(
        name="Acme", email="info@acme.be", phone="09 222 22 22", website="https://acme.be"
    )


def test_list(peepl, organisation):
    PersonFactory()
    body = peepl.get("organisations/").json()
    assert body["count"] == 1
    assert body["results"][0] == {
        "id": organisation.pk,
        "name": "Acme",
        "email": "info@acme.be",
        "phone": "09 222 22 22",
        "website": "https://acme.be",
        "vat_number": None,
        "last_modified": body["results"][0]["last_modified"],
    }


def test_list_is_paginated_in_constant_queries(peepl, count_queries, django_assert_max_num_queries):
    for n in range(3):
        OrganisationFactory(email=f"o{n}@example.be", phone="09")
    few = count_queries(peepl, "organisations/")
    for n in range(12):
        OrganisationFactory(email=f"more{n}@example.be", phone="09")
    assert count_queries(peepl, "organisations/") == few
    with django_assert_max_num_queries(6):
        body = peepl.get("organisations/?offset=10").json()
    assert body["count"] == 15 and len(body["results"]) == 5


def test_detail_nests_secondary_emails_and_custom_values(peepl, organisation):
    services.add_email_address(None, organisation, email="sales@acme.be")
    field = CustomFieldFactory(applies_to="organisation", field_type="boolean")
    peepl.post(
        f"organisations/{organisation.pk}/customfieldvalues/",
        {"custom_field": field.pk, "boolean_value": True},
        format="json",
    )
    body = peepl.get(f"organisations/{organisation.pk}/").json()
    assert body["name"] == "Acme" and body["email"] == "info@acme.be"
    assert [e["email"] for e in body["email_addresses"]] == ["sales@acme.be"]
    assert body["custom_field_values"][0]["boolean_value"] is True
    assert "educations" not in body


def test_detail_of_a_person_is_404(peepl):
    assert peepl.get(f"organisations/{PersonFactory().pk}/").status_code == 404
    assert peepl.get("organisations/99999/").status_code == 404


def test_organisations_are_not_written_through_the_api(peepl, organisation):
    assert peepl.post("organisations/", {"name": "New"}, format="json").status_code == 405
    assert peepl.put(f"organisations/{organisation.pk}/", {"name": "New"}, format="json").status_code == 405
    organisation.refresh_from_db()
    assert organisation.name == "Acme"


def test_addresses(peepl, organisation):
    url = f"organisations/{organisation.pk}/addresses/"
    addresses = peepl.get(url).json()
    assert len(addresses) == 1 and addresses[0]["is_default"] is True

    response = peepl.post(url, {"address_type": AddressTypeFactory().pk, "city": "Gent"}, format="json")
    assert response.status_code == 201
    extra = response.json()["id"]
    response = peepl.put(f"{url}{extra}/", {"address_type": response.json()["address_type"], "city": "Aalst"})
    assert response.status_code == 200 and response.json()["city"] == "Aalst"

    response = peepl.delete(f"{url}{addresses[0]['id']}/")
    assert response.status_code == 400
    assert response.json() == {"detail": "The default address cannot be deleted."}
    assert peepl.delete(f"{url}{extra}/").status_code == 200
    assert len(peepl.get(url).json()) == 1


def test_address_paths_keep_contacts_and_organisations_apart(peepl, organisation):
    person = PersonFactory()
    assert peepl.get(f"organisations/{person.pk}/addresses/").status_code == 404
    org_address = organisation.addresses.get()
    assert peepl.delete(f"contacts/{person.pk}/addresses/{org_address.pk}/").status_code == 404


def test_secondary_emails(peepl, organisation):
    url = f"organisations/{organisation.pk}/emailaddresses/"
    response = peepl.post(url, {"email": "sales@acme.be"}, format="json")
    assert response.status_code == 201
    row = response.json()["id"]
    response = peepl.put(f"{url}{row}/", {"email": "shop@acme.be", "description": "shop"}, format="json")
    assert response.status_code == 200 and response.json()["description"] == "shop"
    primary = organisation.email_addresses.get(is_primary=True)
    assert peepl.delete(f"{url}{primary.pk}/").status_code == 404
    assert peepl.delete(f"{url}{row}/").status_code == 200
    assert list(EmailAddress.objects.filter(party=organisation).values_list("email", flat=True)) == [
        "info@acme.be"
    ]


def test_custom_field_values(peepl, organisation):
    field = CustomFieldFactory(applies_to="organisation", field_type="decimal")
    url = f"organisations/{organisation.pk}/customfieldvalues/"
    response = peepl.post(url, {"custom_field": field.pk, "decimal_value": "1.25"}, format="json")
    assert response.status_code == 201
    value = response.json()["id"]
    again = peepl.post(url, {"custom_field": field.pk, "decimal_value": "2"}, format="json")
    assert again.status_code == 400 and list(again.json()) == ["custom_field"]
    response = peepl.put(f"{url}{value}/", {"decimal_value": 3}, format="json")
    assert response.status_code == 200 and response.json()["decimal_value"] == "3.000000"
    person_field = CustomFieldFactory(applies_to="person")
    response = peepl.post(url, {"custom_field": person_field.pk, "text_value": "x"}, format="json")
    assert response.status_code == 400 and list(response.json()) == ["custom_field"]
    assert CustomFieldValue.objects.count() == 1


def test_positions(peepl, organisation):
    membership = MembershipFactory(
        party=organisation, start_date=datetime.date(2021, 1, 1), end_date=datetime.date(2021, 12, 31)
    )
    body = peepl.get(f"organisations/{organisation.pk}/positions/").json()
    assert body == [
        {
            "id": membership.pk,
            "combination": membership.combination_id,
            "group": {"id": membership.combination.group_id, "name": membership.combination.group.name},
            "function": {
                "id": membership.combination.function_id,
                "name": membership.combination.function.name,
            },
            "start_date": "2021-01-01",
            "end_date": "2021-12-31",
        }
    ]
    assert peepl.get(f"organisations/{PersonFactory().pk}/positions/").status_code == 404
