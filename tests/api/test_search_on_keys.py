"""Every API's party search reads the match keys: accents and case do not matter (`lumiere` finds
`Lumière`) and a phone number is found however it is written. The same answers on SQLite and
PostgreSQL (tests/parties/test_search_plans.py checks PostgreSQL uses indexes for them)."""

import pytest
from django.apps import apps
from rest_framework.test import APIClient

from apps.core.api_keys import issue_api_key
from apps.parties import services
from apps.parties.data.accounts import install as install_account_types
from apps.parties.data.reference import install as install_reference

from .crmcom_ri.conftest import CrmClient, login

PHONE_FORMS = ["0493 51 13 38", "+32 493 51 13 38", "493511338", "0032493511338", "+32 (0)493/51.13.38"]


@pytest.fixture
def parties(db, settings):
    settings.ROOT_URLCONF = "crm.urls"
    install_account_types(apps)
    install_reference(apps)
    elodie = services.create_person(
        None,
        first_name="Élodie",
        last_name="Lumière",
        email="Elodie.Lumiere@Example.COM",
        mobile="0493 51 13 38",
        id_number="85.07.30-033.61",
    )
    address = elodie.addresses.get()
    services.update_address(
        None, address, street="Rue de l'Église", number="12", postal_code="4000", city="Liège"
    )
    other = services.create_person(None, first_name="Bob", last_name="Smith", email="bob@example.com")
    firm = services.create_organisation(
        None, name="Café Noël SPRL", vat_number="BE 0123.456.789", phone="+32 2 555 01 02"
    )
    services.update_address(None, firm.addresses.get(), street="Grand-Place", city="Bruxelles")
    services.create_organisation(None, name="Other Firm", phone="09 111 22 33")
    return elodie, other, firm


@pytest.fixture
def key(admin_user):
    return issue_api_key(admin_user, "search tests")[1]


def peepl_search(key, **criteria):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    response = client.post("/peepl/v1/admin/contacts/search/", criteria, format="json")
    assert response.status_code == 200, response.content
    return [c["id"] for c in response.json()["results"]]


@pytest.mark.parametrize(
    "criteria",
    [
        {"first_name": "elodie"},
        {"first_name": "ÉLO"},
        {"last_name": "lumiere"},
        {"last_name": "LUMIÈRE"},
        {"city": "liege"},
        {"email": "elodie.lumiere@example.com"},
        {"email": "LUMIERE@EXAMPLE"},
    ],
)
def test_peepl_contact_search(parties, key, criteria):
    elodie, _other, _firm = parties
    assert peepl_search(key, operator="AND", **criteria) == [elodie.pk]


def test_peepl_search_or_is_a_union(parties, key):
    elodie, other, _firm = parties
    assert peepl_search(key, operator="OR", last_name="lumiere", email="BOB@") == [elodie.pk, other.pk]
    assert peepl_search(key, operator="AND", last_name="lumiere", email="BOB@") == []
    assert peepl_search(key, operator="OR", city="liège", first_name="nobody") == [elodie.pk]


def cirrus_ids(key, path):
    client = APIClient()
    client.credentials(HTTP_X_TOKEN=key)
    response = client.get(f"/cirrus/{path}")
    assert response.status_code == 200, response.content
    return [item["id"] for item in response.json()["items"]]


@pytest.mark.parametrize(
    "query",
    [
        "fulltext=lumiere",
        "fulltext=ÉLODIE",
        "fulltext=elodie.lumiere@example",
        "fulltext=eglise",
        "fulltext=liege",
        "fulltext=85.07.30",
        *[f"fulltext={form}" for form in PHONE_FORMS],
        "name=elodie",
        "name=ELO%25",
        "surname=lumiere",
        "surname=%25MIERE",
        "city=liege",
        "email=elodie.lumiere@example.com",
        "email=%25LUMIERE%25",
        *[f"cellphone={form}" for form in PHONE_FORMS],
        "cellphone=%251338",
    ],
)
def test_cirrus_contacts(parties, key, query):
    elodie, _other, _firm = parties
    assert cirrus_ids(key, f"contacts?{query.replace('+', '%2B')}") == [elodie.pk]


@pytest.mark.parametrize(
    "query",
    [
        "fulltext=cafe noel",
        "fulltext=NOËL",
        "fulltext=bruxelles",
        "fulltext=grand place",
        "fulltext=0123.456",
        "fulltext=02 555 01 02",
        "fulltext=+32 2 555 01 02",
        "name=cafe noel sprl",
        "name=%25noel%25",
        "vatno=be0123456789",
        "vatno=BE 0123%25",
        "phone=025550102",
        "phone=0032 2 555 01 02",
        "postal_city=bruxelles",
    ],
)
def test_cirrus_accounts(parties, key, query):
    _elodie, _other, firm = parties
    assert cirrus_ids(key, f"accounts?{query.replace('+', '%2B')}") == [firm.pk]


@pytest.mark.parametrize(
    "params",
    [
        {"email_address": "ELODIE.LUMIERE@example.com"},
        *[{"phone_number": form} for form in PHONE_FORMS],
        {"id_number": "850730 03361"},
    ],
)
def test_crmcom_ri_list(parties, admin_user, params):
    elodie, _other, _firm = parties
    client = CrmClient()
    client.token = login(client)
    response = client.query("contact_information/list", params)
    assert response.status_code == 200, response.content
    assert [c["id"] for c in response.json()["data"]] == [elodie.uuid.hex.upper()]


@pytest.mark.parametrize("term", ["lumiere", "ÉLODIE lumière", "elodie.lumiere@EXAMPLE", *PHONE_FORMS])
def test_admin_search(parties, admin_client, term):
    elodie, _other, _firm = parties
    response = admin_client.get("/admin/parties/person/", {"q": term})
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [elodie]


@pytest.mark.parametrize("term", ["cafe", "be0123456789", "02 555 01 02"])
def test_admin_search_organisations(parties, admin_client, term):
    _elodie, _other, firm = parties
    response = admin_client.get("/admin/parties/organisation/", {"q": term})
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [firm]
