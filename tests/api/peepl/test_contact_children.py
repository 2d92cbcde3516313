"""What hangs off a contact: addresses (#5-#8), secondary e-mails (#9-#11), educations (#12-#14),
company positions (#15-#17) and custom field values (#18-#19); examples 9, 10 and 12."""

import pytest

from apps.core.models import CustomFieldValue
from apps.parties import services
from apps.parties.models import Address, CompanyPosition, Education, EmailAddress
from tests.factories import (
    AddressTypeFactory,
    CustomFieldFactory,
    OrganisationFactory,
    PersonFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def person():
    return PersonFactory(email="main@example.be")


# --- Addresses (#5-#8) ----------------------------------------------------------------------


def test_addresses_list_default_first(peepl, person):
    home = AddressTypeFactory(max_amount=2)
    services.add_address(None, person, address_type=home, city="Gent")
    body = peepl.get(f"contacts/{person.pk}/addresses/").json()
    assert [a["is_default"] for a in body] == [True, False]
    assert body[1] == {
        "id": body[1]["id"],
        "address_type": home.pk,
        "street": "",
        "number": "",
        "box": "",
        "postal_code": "",
        "city": "Gent",
        "country": "BE",
        "is_default": False,
    }


def test_addresses_of_unknown_or_organisation_parent_are_404(peepl):
    organisation = OrganisationFactory()
    assert peepl.get("contacts/99999/addresses/").status_code == 404
    assert peepl.get(f"contacts/{organisation.pk}/addresses/").status_code == 404


def test_add_address(peepl, person):
    home = AddressTypeFactory()
    body = {"address_type": home.pk, "street": "Kerkstraat", "number": "1", "city": "Gent", "country": "nl"}
    response = peepl.post(f"contacts/{person.pk}/addresses/", body, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["country"] == "NL" and response.json()["is_default"] is False
    assert person.addresses.count() == 2


def test_add_address_with_unknown_type_or_full_type_is_400(peepl, person):
    response = peepl.post(f"contacts/{person.pk}/addresses/", {"address_type": 99999}, format="json")
    assert response.status_code == 400
    assert response.json() == {"address_type": ['Invalid pk "99999" - object does not exist.']}

    home = AddressTypeFactory(max_amount=1)
    created = peepl.post(f"contacts/{person.pk}/addresses/", {"address_type": home.pk})
    assert created.status_code == 201 and created.json()["country"] == "BE"
    response = peepl.post(f"contacts/{person.pk}/addresses/", {"address_type": home.pk}, format="json")
    assert response.status_code == 400
    assert response.json() == {"address_type": ["Maximum number of addresses of this type reached."]}
    assert person.addresses.count() == 2


def test_add_address_field_types(peepl, person):
    response = peepl.post(
        f"contacts/{person.pk}/addresses/", {"address_type": "home", "country": "B1"}, format="json"
    )
    assert response.status_code == 400
    assert set(response.json()) == {"address_type", "country"}


def test_update_address(peepl, person):
    home, work = AddressTypeFactory(), AddressTypeFactory()
    address = services.add_address(None, person, address_type=home, city="Gent")
    url = f"contacts/{person.pk}/addresses/{address.pk}/"
    response = peepl.put(url, {"address_type": work.pk, "city": "Brugge"}, format="json")
    assert response.status_code == 200
    address.refresh_from_db()
    assert address.address_type == work and address.city == "Brugge"

    response = peepl.put(url, {"address_type": work.pk, "country": "nl"}, format="json")
    assert response.json()["country"] == "NL"
    response = peepl.put(url, {"address_type": work.pk, "street": "Markt"}, format="json")
    assert response.json()["country"] == "NL" and response.json()["city"] == "Brugge"  # not sent: kept


def test_default_address_keeps_the_default_type(peepl, person):
    default = person.addresses.get(is_default=True)
    other = AddressTypeFactory()
    url = f"contacts/{person.pk}/addresses/{default.pk}/"
    response = peepl.put(url, {"address_type": other.pk}, format="json")
    assert response.status_code == 400 and "address_type" in response.json()
    response = peepl.put(url, {"address_type": default.address_type_id, "city": "Gent"}, format="json")
    assert response.status_code == 200 and response.json()["city"] == "Gent"


def test_address_of_another_party_is_404(peepl, person):
    other = PersonFactory()
    address = other.addresses.get()
    response = peepl.put(f"contacts/{person.pk}/addresses/{address.pk}/", {"address_type": 1}, format="json")
    assert response.status_code == 404
    assert peepl.delete(f"contacts/{person.pk}/addresses/{address.pk}/").status_code == 404
    assert Address.objects.filter(pk=address.pk).exists()


def test_default_address_cannot_be_deleted_but_others_can(peepl, person):
    default = person.addresses.get(is_default=True)
    response = peepl.delete(f"contacts/{person.pk}/addresses/{default.pk}/")
    assert response.status_code == 400
    assert response.json() == {"detail": "The default address cannot be deleted."}
    assert [a["id"] for a in peepl.get(f"contacts/{person.pk}/addresses/").json()] == [default.pk]

    extra = services.add_address(None, person, address_type=AddressTypeFactory())
    response = peepl.delete(f"contacts/{person.pk}/addresses/{extra.pk}/")
    assert response.status_code == 200 and response.json() == {}
    assert [a["id"] for a in peepl.get(f"contacts/{person.pk}/addresses/").json()] == [default.pk]


# --- Secondary e-mail addresses (#9-#11) ----------------------------------------------------


def test_add_secondary_email(peepl, person):
    url = f"contacts/{person.pk}/emailaddresses/"
    response = peepl.post(url, {"email": "work@example.be", "description": "work"}, format="json")
    assert response.status_code == 201
    assert response.json() == {"id": response.json()["id"], "email": "work@example.be", "description": "work"}
    row = EmailAddress.objects.get(pk=response.json()["id"])
    assert row.is_primary is False and row.party == person
    assert peepl.get(f"contacts/{person.pk}/").json()["email"] == "main@example.be"  # primary unchanged


def test_add_secondary_email_validates(peepl, person):
    url = f"contacts/{person.pk}/emailaddresses/"
    response = peepl.post(url, {"email": "nope"}, format="json")
    assert response.status_code == 400
    assert response.json() == {"email": ["Enter a valid email address."]}
    assert peepl.post(url, {}, format="json").json() == {"email": ["This field is required."]}
    assert peepl.post("contacts/99999/emailaddresses/", {"email": "a@b.be"}, format="json").status_code == 404


def test_update_and_delete_secondary_email(peepl, person):
    row = services.add_email_address(None, person, email="old@example.be")
    url = f"contacts/{person.pk}/emailaddresses/{row.pk}/"
    response = peepl.put(url, {"email": "new@example.be", "description": None}, format="json")
    assert response.status_code == 200
    assert response.json()["email"] == "new@example.be" and response.json()["description"] is None
    assert peepl.delete(url).status_code == 200
    assert not EmailAddress.objects.filter(pk=row.pk).exists()


def test_primary_email_is_not_reachable_as_a_secondary_one(peepl, person):
    primary = person.email_addresses.get(is_primary=True)
    url = f"contacts/{person.pk}/emailaddresses/{primary.pk}/"
    assert peepl.put(url, {"email": "x@example.be"}, format="json").status_code == 404
    assert peepl.delete(url).status_code == 404
    assert person.primary_email == "main@example.be"


def test_email_of_another_contact_is_404(peepl, person):
    row = services.add_email_address(None, PersonFactory(), email="theirs@example.be")
    assert peepl.delete(f"contacts/{person.pk}/emailaddresses/{row.pk}/").status_code == 404
    assert EmailAddress.objects.filter(pk=row.pk).exists()


# --- Educations (#12-#14) -------------------------------------------------------------------


def test_add_education(peepl, person):
    body = {"school": "UGent", "degree": "Master", "start_date": "2008-09-01", "end_date": "2012-06-30"}
    response = peepl.post(f"contacts/{person.pk}/educations/", body, format="json")
    assert response.status_code == 201
    assert response.json() == {**body, "id": response.json()["id"], "description": None}
    assert person.educations.count() == 1


def test_education_rules(peepl, person):
    url = f"contacts/{person.pk}/educations/"
    assert peepl.post(url, {"degree": "x"}, format="json").json() == {"school": ["This field is required."]}
    response = peepl.post(
        url, {"school": "UGent", "start_date": "2012-01-01", "end_date": "2011-01-01"}, format="json"
    )
    assert response.status_code == 400 and list(response.json()) == ["end_date"]
    assert not Education.objects.exists()


def test_update_and_delete_education(peepl, person):
    education = services.add_education(None, person, school="Old")
    url = f"contacts/{person.pk}/educations/{education.pk}/"
    response = peepl.put(url, {"school": "New", "description": "Evening classes"}, format="json")
    assert response.status_code == 200 and response.json()["school"] == "New"
    assert peepl.put(url, {"school": ""}, format="json").status_code == 400
    assert peepl.delete(url).status_code == 200
    assert not Education.objects.exists()
    assert peepl.delete(url).status_code == 404


def test_education_of_another_contact_is_404(peepl, person):
    education = services.add_education(None, PersonFactory(), school="Theirs")
    url = f"contacts/{person.pk}/educations/{education.pk}/"
    assert peepl.put(url, {"school": "Mine"}, format="json").status_code == 404


# --- Company positions (#15-#17) ------------------------------------------------------------


def test_add_company_position_at_an_organisation_or_a_named_company(peepl, person):
    organisation = OrganisationFactory()
    url = f"contacts/{person.pk}/companypositions/"
    response = peepl.post(url, {"organisation": organisation.pk, "title": "CEO"}, format="json")
    assert response.status_code == 201
    assert response.json()["organisation"] == organisation.pk and response.json()["company_name"] is None
    response = peepl.post(url, {"company_name": "Elsewhere", "title": "Clerk"}, format="json")
    assert response.status_code == 201 and response.json()["organisation"] is None
    assert person.company_positions.count() == 2


def test_company_position_rules(peepl, person):
    url = f"contacts/{person.pk}/companypositions/"
    response = peepl.post(url, {"title": "CEO"}, format="json")
    assert response.status_code == 400
    assert response.json() == {"company_name": ["This field is required."]}
    response = peepl.post(url, {"organisation": 99999, "title": "CEO"}, format="json")
    assert response.json() == {"organisation": ['Invalid pk "99999" - object does not exist.']}
    other_person = PersonFactory()
    response = peepl.post(url, {"organisation": other_person.pk, "title": "CEO"}, format="json")
    assert response.status_code == 400 and "organisation" in response.json()
    response = peepl.post(url, {"company_name": "X"}, format="json")
    assert response.json() == {"title": ["This field is required."]}
    response = peepl.post(
        url,
        {"company_name": "X", "title": "Y", "start_date": "2020-01-02", "end_date": "2020-01-01"},
        format="json",
    )
    assert response.status_code == 400 and "end_date" in response.json()
    assert not CompanyPosition.objects.exists()


def test_update_and_delete_company_position(peepl, person):
    position = services.add_company_position(None, person, company_name="Old", title="Clerk")
    url = f"contacts/{person.pk}/companypositions/{position.pk}/"
    response = peepl.put(url, {"company_name": "New", "title": "Boss"}, format="json")
    assert response.status_code == 200 and response.json()["title"] == "Boss"
    assert peepl.delete(url).status_code == 200
    assert not CompanyPosition.objects.exists()


def test_company_position_of_another_contact_is_404(peepl, person):
    position = services.add_company_position(None, PersonFactory(), company_name="X", title="Y")
    assert peepl.delete(f"contacts/{person.pk}/companypositions/{position.pk}/").status_code == 404


# --- Custom field values (#18-#19, example 12) ----------------------------------------------


def test_text_value_example_12(peepl, person):
    field = CustomFieldFactory(field_type="text")
    url = f"contacts/{person.pk}/customfieldvalues/"
    response = peepl.post(url, {"custom_field": field.pk, "text_value": "x"}, format="json")
    assert response.status_code == 201
    value_id = response.json()["id"]
    assert response.json()["text_value"] == "x"

    again = peepl.post(url, {"custom_field": field.pk, "text_value": "x"}, format="json")
    assert again.status_code == 400 and list(again.json()) == ["custom_field"]

    fresh = PersonFactory()
    response = peepl.post(
        f"contacts/{fresh.pk}/customfieldvalues/",
        {"custom_field": field.pk, "date_value": "2024-01-01"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json() == {
        "date_value": ['Not valid for field_type "text".'],
        "text_value": ["This field is required."],
    }

    response = peepl.put(f"{url}{value_id}/", {"text_value": "y"}, format="json")
    assert response.status_code == 200 and response.json()["text_value"] == "y"
    assert CustomFieldValue.objects.get(pk=value_id).text_value == "y"


@pytest.mark.parametrize(
    ("field_type", "key", "sent", "shown"),
    [
        ("text", "text_value", "hello", "hello"),
        ("long_text", "text_value", "a long text", "a long text"),
        ("integer", "integer_value", 7, 7),
        ("decimal", "decimal_value", "12.5", "12.500000"),
        ("date", "date_value", "2024-02-29", "2024-02-29"),
        ("boolean", "boolean_value", False, False),
        ("choice", "choice_value", "gold", "gold"),
        ("multiple_choice", "multiple_choice_value", ["gold", "silver"], ["gold", "silver"]),
    ],
)
def test_every_field_type_uses_its_own_key(peepl, person, field_type, key, sent, shown):
    field = CustomFieldFactory(field_type=field_type, choices=["gold", "silver"])
    response = peepl.post(
        f"contacts/{person.pk}/customfieldvalues/", {"custom_field": field.pk, key: sent}, format="json"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body[key] == shown
    assert all(v is None for k, v in body.items() if k.endswith("_value") and k != key)
    assert len([k for k in body if k.endswith("_value")]) == 7


@pytest.mark.parametrize(
    ("field_type", "key", "sent"),
    [
        ("integer", "integer_value", "seven"),
        ("decimal", "decimal_value", "abc"),
        ("date", "date_value", "29/02/2024"),
        ("boolean", "boolean_value", "maybe"),
        ("choice", "choice_value", "bronze"),
        ("multiple_choice", "multiple_choice_value", ["gold", "bronze"]),
        ("multiple_choice", "multiple_choice_value", "gold"),
        ("text", "text_value", None),
    ],
)
def test_wrong_value_for_the_type_is_400_on_its_key(peepl, person, field_type, key, sent):
    field = CustomFieldFactory(field_type=field_type, choices=["gold", "silver"])
    response = peepl.post(
        f"contacts/{person.pk}/customfieldvalues/", {"custom_field": field.pk, key: sent}, format="json"
    )
    assert response.status_code == 400
    assert list(response.json()) == [key]
    assert not CustomFieldValue.objects.exists()


def test_custom_field_must_exist_and_apply_to_contacts(peepl, person):
    url = f"contacts/{person.pk}/customfieldvalues/"
    response = peepl.post(url, {"custom_field": 99999, "text_value": "x"}, format="json")
    assert response.status_code == 400 and list(response.json()) == ["custom_field"]
    org_field = CustomFieldFactory(applies_to="organisation")
    response = peepl.post(url, {"custom_field": org_field.pk, "text_value": "x"}, format="json")
    assert response.status_code == 400 and list(response.json()) == ["custom_field"]
    shared = CustomFieldFactory(applies_to="party")
    assert peepl.post(url, {"custom_field": shared.pk, "text_value": "x"}, format="json").status_code == 201
    assert peepl.post(url, {"text_value": "x"}, format="json").json() == {
        "custom_field": ["This field is required."]
    }


def test_update_value_checks(peepl, person):
    field = CustomFieldFactory(field_type="integer")
    other = CustomFieldFactory(field_type="integer")
    url = f"contacts/{person.pk}/customfieldvalues/"
    value_id = peepl.post(url, {"custom_field": field.pk, "integer_value": 1}, format="json").json()["id"]
    detail = f"{url}{value_id}/"
    assert peepl.put(detail, {"custom_field": field.pk, "integer_value": 2}, format="json").status_code == 200
    response = peepl.put(detail, {"custom_field": other.pk, "integer_value": 3}, format="json")
    assert response.status_code == 400 and list(response.json()) == ["custom_field"]
    response = peepl.put(detail, {"text_value": "3"}, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"text_value", "integer_value"}
    assert CustomFieldValue.objects.get(pk=value_id).integer_value == 2


def test_value_of_another_contact_is_404(peepl, person):
    field = CustomFieldFactory()
    other = PersonFactory()
    url = f"contacts/{other.pk}/customfieldvalues/"
    value_id = peepl.post(url, {"custom_field": field.pk, "text_value": "x"}, format="json").json()["id"]
    response = peepl.put(
        f"contacts/{person.pk}/customfieldvalues/{value_id}/", {"text_value": "y"}, format="json"
    )
    assert response.status_code == 404
    assert (
        peepl.put("contacts/99999/customfieldvalues/1/", {"text_value": "y"}, format="json").status_code
        == 404
    )
