"""One party, three dialects: a person created through Peepl, CRM.COM R or incwo reads back with
the same values through the other two, and an update through one is seen by the others."""

from xml.etree import ElementTree as ET

import pytest
from django.apps import apps

from apps.core.api_keys import issue_api_key
from apps.parties.data.reference import install
from apps.parties.models import Country, Party
from tests.api.crmcom_ri.conftest import CrmClient, login
from tests.api.incwo.conftest import IncwoClient, basic
from tests.api.peepl.conftest import PeeplClient

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def reference_data(db):
    if not Country.objects.exists():
        install(apps)


@pytest.fixture
def peepl(admin_user):
    client = PeeplClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {issue_api_key(admin_user, 'tests')[1]}")
    return client


@pytest.fixture
def crm(admin_user):
    client = CrmClient()
    client.token = login(client)
    return client


@pytest.fixture
def incwo(admin_user):
    client = IncwoClient()
    client.credentials(HTTP_AUTHORIZATION=basic("admin", "pw-not-used-123"))
    return client


# --- reading one person through each API, as the values the three share ---------------------------


def via_peepl(peepl, pk):
    response = peepl.get(f"contacts/{pk}/")
    assert response.status_code == 200, response.content
    c = response.json()
    return {
        "first_name": c["first_name"],
        "last_name": c["last_name"],
        "email": c["email"],
        "phone": c["phone"],
        "mobile": c["mobile"],
        "birth_date": c.get("birth_date"),
        "gender": c.get("gender"),
        "language": c.get("preferred_language"),
    }


def crm_data(crm, pk):
    uuid = Party.objects.get(pk=pk).uuid.hex.upper()  # CRM.COM names parties by their public id
    response = crm.query("contact_information/show", {"contact_information_identifier": f"id={uuid}"})
    assert response.status_code == 200, response.content
    return response.json()["data"]


def via_crm(crm, pk):
    c = crm_data(crm, pk)
    phones = {p["type"]: p["number"] for p in c["phones_set"]}
    birth = c["demographics"]["date_of_birth"]
    return {
        "first_name": c["first_name"],
        "last_name": c["last_name"],
        "email": c["emails_set"][0]["email"] if c["emails_set"] else None,
        "phone": phones.get("LANDLINE"),
        "mobile": phones.get("MOBILE"),
        "birth_date": f"{birth['year']:04d}-{birth['month']:02d}-{birth['day']:02d}"
        if birth["year"]
        else None,
        "gender": {"MALE": "M", "FEMALE": "F"}.get(c["demographics"]["gender"]),
        "language": {"ENG": "en", "FRA": "fr", "DEU": "de"}.get(c["preferred_language"]),
    }


def incwo_contact(incwo, pk):
    response = incwo.get(f"contacts/{pk}.xml")
    assert response.status_code == 200, response.content
    return ET.fromstring(response.content)


def via_incwo(incwo, pk):
    c = incwo_contact(incwo, pk)
    items = {i.findtext("type_id"): i.findtext("value") for i in c.find("contact_items")}
    return {
        "first_name": c.findtext("first_name"),
        "last_name": c.findtext("last_name"),
        "email": items.get("28") or items.get("27"),
        "phone": items.get("23") or items.get("24"),
        "mobile": items.get("554") or items.get("88"),
    }


def shared(values, keys=("first_name", "last_name", "email", "phone", "mobile")):
    return {k: values[k] for k in keys}


# --- created through each API -------------------------------------------------------------------


def test_created_through_peepl(peepl, crm, incwo):
    body = {
        "first_name": "Jan",
        "last_name": "Peeters",
        "birth_date": "1990-05-15",
        "birth_place": "Gent",
        "preferred_language": "en",
        "gender": "M",
        "email": "jan@example.be",
        "phone": "092345678",
        "mobile": "0470123456",
    }
    response = peepl.post("contacts/", body, format="json")
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    expected = {
        "first_name": "Jan",
        "last_name": "Peeters",
        "email": "jan@example.be",
        "phone": "092345678",
        "mobile": "0470123456",
        "birth_date": "1990-05-15",
        "gender": "M",
        "language": "en",
    }
    assert via_peepl(peepl, pk) == expected
    assert via_crm(crm, pk) == expected
    assert via_incwo(incwo, pk) == shared(expected)
    c = crm_data(crm, pk)
    assert c["name"] == "Jan Peeters" and c["type"] == "PERSON"
    assert c["log_information"]["created_by_user"]["username"] == "admin"


def test_created_through_crmcom(peepl, crm, incwo):
    response = crm.call(
        "contact_information/create",
        {
            "type": "PERSON",
            "title": "Mr",
            "first_name": "Louis",
            "last_name": "Kozior",
            "preferred_language": "ENG",
            "demographics": {"gender": "MALE", "date_of_birth": {"day": 12, "month": 5, "year": 1981}},
            "phone_set": [
                {"type": "LANDLINE", "number": "22114455"},
                {"type": "MOBILE", "number": "99123456"},
            ],
            "email_set": [{"type": "PERSONAL", "email_address": "louis@example.com"}],
            "address_set": [
                {
                    "type": "BUSINESS",
                    "street_name": "Latisa",
                    "postal_code": "7060",
                    "town_city": "Nicosia",
                    "country_identifier": {"two_character_code": "CY"},
                }
            ],
        },
    )
    assert response.status_code == 200, response.content
    pk = Party.objects.get(uuid=response.json()["data"]["id"]).pk
    expected = {
        "first_name": "Louis",
        "last_name": "Kozior",
        "email": "louis@example.com",
        "phone": "22114455",
        "mobile": "99123456",
        "birth_date": "1981-05-12",
        "gender": "M",
        "language": "en",
    }
    assert via_crm(crm, pk) == expected
    assert via_peepl(peepl, pk) == expected
    assert via_incwo(incwo, pk) == shared(expected)
    contact = incwo_contact(incwo, pk)
    assert contact.findtext("civility_label_id") == "17"
    address = contact.find("contact_addresses/contact_address")
    assert address.findtext("address_type") == "21"
    assert (address.findtext("street_address"), address.findtext("zip_code"), address.findtext("city")) == (
        "Latisa",
        "7060",
        "Nicosia",
    )
    assert address.findtext("country") == "Chypre"  # incwo names countries in French


def test_created_through_incwo(peepl, crm, incwo):
    body = """<contact>
      <civility_label_id>18</civility_label_id>
      <last_name>Dupré</last_name><first_name>Élodie</first_name>
      <comment>rencontrée au salon</comment>
      <country>Belgique</country>
      <contact_items>
        <contact_item><type_id>28</type_id><value>elodie@example.fr</value></contact_item>
        <contact_item><type_id>23</type_id><value>0145678901</value></contact_item>
        <contact_item><type_id>554</type_id><value>0612345678</value></contact_item>
      </contact_items>
      <contact_addresses><contact_address><address_type>20</address_type>
        <street_address>1 rue de la Paix</street_address><zip_code>75002</zip_code><city>Paris</city>
        <country>France</country></contact_address></contact_addresses>
    </contact>"""
    response = incwo.post("contacts.xml", body)
    assert response.status_code == 201, response.content
    pk = int(ET.fromstring(response.content).findtext("id"))
    expected = {
        "first_name": "Élodie",
        "last_name": "Dupré",
        "email": "elodie@example.fr",
        "phone": "0145678901",
        "mobile": "0612345678",
    }
    assert via_incwo(incwo, pk) == expected
    assert shared(via_peepl(peepl, pk)) == expected
    assert shared(via_crm(crm, pk)) == expected
    c = crm_data(crm, pk)
    assert c["title"] == "Mrs" and c["notes"] == "rencontrée au salon"
    assert c["demographics"]["country_of_residence"]["two_character_code"] == "BE"
    (address,) = c["addresses_set"]
    # a French street line is split number first
    assert (address["type"], address["street_name"], address["street_number"], address["town_city"]) == (
        "HOME",
        "rue de la Paix",
        "1",
        "Paris",
    )
    assert address["country"]["two_character_code"] == "FR"
    # CRM.COM's list finds it by its e-mail, Peepl's search by name
    listed = crm.query("contact_information/list", {"email_address": "ELODIE@example.fr"}).json()["data"]
    assert [x["id"] for x in listed] == [c["id"]]


# --- an update through one is seen by the others --------------------------------------------------


def test_updates_are_seen_everywhere(peepl, crm, incwo):
    response = incwo.post(
        "contacts.xml", "<contact><first_name>Anna</first_name><last_name>Smit</last_name></contact>"
    )
    pk = int(ET.fromstring(response.content).findtext("id"))
    uuid = Party.objects.get(pk=pk).uuid.hex.upper()

    # Peepl replaces the contact's fields, e-mail and phones
    body = {
        "first_name": "Anna",
        "last_name": "Smit-Jansen",
        "birth_date": "1985-01-31",
        "birth_place": "Utrecht",
        "preferred_language": "de",
        "gender": "F",
        "email": "anna@example.nl",
        "phone": "0301234567",
        "mobile": None,
    }
    assert peepl.put(f"contacts/{pk}/", body, format="json").status_code == 200
    assert shared(via_crm(crm, pk), ("last_name", "email", "phone", "birth_date", "gender", "language")) == {
        "last_name": "Smit-Jansen",
        "email": "anna@example.nl",
        "phone": "0301234567",
        "birth_date": "1985-01-31",
        "gender": "F",
        "language": "de",
    }
    assert via_incwo(incwo, pk)["email"] == "anna@example.nl"

    # CRM.COM updates the landline and adds a mobile
    response = crm.call(
        "contact_information/update",
        {
            "contact_information_identifier": {"id": uuid},
            "first_name": "Annie",
            "phone_set": [
                {"action": "UPDATE", "phone_identifier": {"type": "LANDLINE"}, "number": "0307654321"},
                {"action": "ADD", "type": "MOBILE", "number": "0612000000"},
            ],
        },
    )
    assert response.status_code == 200, response.content
    assert shared(via_peepl(peepl, pk)) == {
        "first_name": "Annie",
        "last_name": "Smit-Jansen",
        "email": "anna@example.nl",
        "phone": "0307654321",
        "mobile": "0612000000",
    }
    assert via_incwo(incwo, pk)["phone"] == "0307654321" and via_incwo(incwo, pk)["mobile"] == "0612000000"

    # incwo replaces the items and the name
    body = (
        "<contact><last_name>Jansen</last_name><contact_items>"
        "<contact_item><type_id>27</type_id><value>anna@work.nl</value></contact_item>"
        "</contact_items></contact>"
    )
    assert incwo.put(f"contacts/{pk}.xml", body).status_code == 200
    expected = {
        "first_name": "Annie",
        "last_name": "Jansen",
        "email": "anna@work.nl",
        "phone": None,
        "mobile": None,
    }
    assert shared(via_peepl(peepl, pk)) == expected
    assert shared(via_crm(crm, pk)) == expected
    assert crm_data(crm, pk)["emails_set"][0]["type"] == "BUSINESS"

    # incwo deletes it: gone everywhere
    assert incwo.delete(f"contacts/{pk}.xml").status_code == 200
    assert peepl.get(f"contacts/{pk}/").status_code == 404
    response = crm.query("contact_information/show", {"contact_information_identifier": f"id={uuid}"})
    assert response.status_code == 404


def test_a_firm_is_an_organisation_everywhere(peepl, crm, incwo):
    response = crm.call("contact_information/create", {"type": "COMPANY", "company_name": "Koziors"})
    firm = Party.objects.get(uuid=response.json()["data"]["id"])
    body = f"<contact><last_name>Kozior</last_name><firm_id>{firm.pk}</firm_id><job_title>CEO</job_title>"
    body += "</contact>"
    response = incwo.post("contacts.xml", body)
    assert response.status_code == 201
    pk = int(ET.fromstring(response.content).findtext("id"))
    positions = peepl.get(f"contacts/{pk}/").json()["company_positions"]
    assert [(p["organisation"], p["title"]) for p in positions] == [(firm.pk, "CEO")]
    # a firm is not an incwo contact; it is a CRM.COM COMPANY and a Peepl organisation
    assert incwo.get(f"contacts/{firm.pk}.xml").status_code == 404
    assert peepl.get(f"organisations/{firm.pk}/").status_code == 200
