"""An address is one record in every API (issue 9, part 3; docs/addresses.md), and what an API
shows it accepts back (part 4), over HTTP: Cirrus account addresses and their country, the main
address through the APIs with typed lists (incwo, CRM.COM R), one-line streets, the install's
default country, incwo's French country names, and the empty values each API shows."""

from xml.etree import ElementTree as ET

import pytest
from django.apps import apps

from apps.parties.data.accounts import install as install_account_types
from apps.parties.data.reference import install as install_reference
from apps.parties.models import AccountType, Address, Party
from apps.parties.services_accounts import create_account
from tests.api.cross import api_clients, ok

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def reference_data(db, settings):
    settings.ROOT_URLCONF = "crm.urls"
    install_reference(apps)
    install_account_types(apps)


@pytest.fixture
def api(admin_user):
    return api_clients(admin_user)


@pytest.fixture
def acme():
    return create_account(None, name="Acme AB", account_type=AccountType.objects.first())


def crm_show(api, pk):
    uuid = Party.objects.get(pk=pk).uuid.hex.upper()
    query = {"contact_information_identifier": f"id={uuid}"}
    return ok(api["crmcom"].query("contact_information/show", query)).json()["data"]


def incwo_get(api, pk) -> ET.Element:
    return ET.fromstring(ok(api["incwo"].get(f"contacts/{pk}.xml")).content)


def incwo_addresses(contact):
    return [
        {child.tag: child.text or "" for child in address} for address in contact.find("contact_addresses")
    ]


def cirrus_contact(api, acme, **fields):
    body = {"name": "Eva", "surname": "Ek", "accountid": acme.pk, **fields}
    return ok(api["cirrus"].call("post", "contacts", body), 201).json()


# --- Cirrus accounts: postal is the main address; the country sent is the country kept -----------


def test_a_swedish_account_address_is_swedish_everywhere(api, admin_user):
    body = {
        "name": "Umeå Bygg AB",
        "typeid": AccountType.objects.first().pk,
        "userid": admin_user.pk,
        "addresses": {
            "postal": {"street": "Storgatan", "number": "12", "letter": "B", "zip": "903 26", "city": "Umeå"},
            "visiting": {"street": "Kungsgatan", "number": "5", "city": "Umeå", "country": "Sverige"},
        },
    }
    assert api["cirrus"].call("post", "accounts", body).status_code == 400  # not a name we know
    body["addresses"]["visiting"]["country"] = "SE"
    body["addresses"]["postal"]["country"] = "Sweden"
    account = ok(api["cirrus"].call("post", "accounts", body), 201).json()
    assert account["addresses"]["postal"]["country"] == "SE"
    pk = account["id"]
    # Peepl: the postal address is the organisation's default (correspondence) address
    listed = ok(api["peepl"].get(f"organisations/{pk}/addresses/")).json()
    assert [(a["is_default"], a["street"], a["number"], a["box"], a["country"]) for a in listed] == [
        (True, "Storgatan", "12", "B", "SE"),
        (False, "Kungsgatan", "5", "", "SE"),
    ]
    # CRM.COM R: the main address as the company's BUSINESS one; R has no visiting kind
    (address,) = crm_show(api, pk)["addresses_set"]
    assert (address["type"], address["street_name"], address["apartment_number"]) == (
        "BUSINESS",
        "Storgatan",
        "B",
    )
    assert address["country"]["two_character_code"] == "SE"
    # written through Peepl, read through Cirrus
    main = listed[0]
    ok(
        api["peepl"].put(
            f"organisations/{pk}/addresses/{main['id']}/", {**main, "city": "Luleå"}, format="json"
        )
    )
    postal = ok(api["cirrus"].call("get", f"accounts/{pk}")).json()["addresses"]["postal"]
    assert (postal["street"], postal["number"], postal["letter"], postal["city"], postal["country"]) == (
        "Storgatan",
        "12",
        "B",
        "Luleå",
        "SE",
    )


def test_an_account_read_and_written_back_through_cirrus_is_unchanged(api, admin_user):
    organisation = ok(
        api["crmcom"].call("contact_information/create", {"type": "COMPANY", "company_name": "K"})
    )
    pk = Party.objects.get(uuid=organisation.json()["data"]["id"]).pk
    account = ok(api["cirrus"].call("get", f"accounts/{pk}")).json()
    again = ok(api["cirrus"].call("put", f"accounts/{pk}", account)).json()
    assert again == account
    assert list(Address.objects.filter(party_id=pk).values_list("is_default", flat=True)) == [True]


# --- Cirrus contacts: one street line, the house number kept; the install's country -------------


@pytest.mark.parametrize(
    ("line", "street", "number", "box"),
    [
        ("Nieuwstraat 173", "Nieuwstraat", "173", None),
        ("Rue de la Loi 16 bte 3", "Rue de la Loi", "16", "bte 3"),
        ("173 Main Street", "173 Main Street", None, None),  # not how Belgium writes it: kept whole
    ],
)
def test_a_contact_street_line_reads_back_identically(api, acme, line, street, number, box):
    contact = cirrus_contact(api, acme, street=line, zip="1000", city="Brussel")
    assert contact["street"] == line
    address = crm_show(api, contact["id"])["addresses_set"][0]
    assert (address["street_name"], address["street_number"], address["apartment_number"]) == (
        street,
        number,
        box,
    )
    assert incwo_addresses(incwo_get(api, contact["id"]))[0]["street_address"] == line


def test_a_contact_address_takes_the_installs_country(api, acme, settings):
    settings.DEFAULT_COUNTRY = "SE"
    contact = cirrus_contact(api, acme, street="Storgatan 12 B", zip="903 26", city="Umeå")
    address = crm_show(api, contact["id"])["addresses_set"][0]
    assert address["country"]["two_character_code"] == "SE"
    assert (address["street_name"], address["street_number"], address["apartment_number"]) == (
        "Storgatan",
        "12",
        "B",
    )
    assert incwo_addresses(incwo_get(api, contact["id"]))[0]["country"] == "Suède"


def test_a_contact_without_a_name_keeps_it_when_cirrus_writes_null_back(api):
    response = api["incwo"].post("contacts.xml", "<contact><last_name>Solo</last_name></contact>")
    pk = int(ET.fromstring(response.content).findtext("id"))
    contact = ok(api["cirrus"].call("get", f"contacts/{pk}")).json()
    assert contact["name"] is None
    assert ok(api["cirrus"].call("put", f"contacts/{pk}", contact)).json() == contact
    assert api["cirrus"].call("put", f"contacts/{pk}", {"name": ""}).status_code == 400


# --- incwo and CRM.COM R: the main address in their lists ----------------------------------------


def test_the_first_listed_address_is_the_main_one_and_none_shows_twice(api, acme):
    body = """<contact><last_name>Dupré</last_name><contact_addresses>
      <contact_address><address_type>21</address_type><street_address>Rue de la Loi 16 bte 3</street_address>
        <zip_code>1000</zip_code><city>Bruxelles</city><country>Belgique</country></contact_address>
      <contact_address><address_type>20</address_type><street_address>Kerkstraat 5</street_address>
        <zip_code>9000</zip_code><city>Gent</city><country>be</country></contact_address>
    </contact_addresses></contact>"""
    pk = int(ET.fromstring(ok(api["incwo"].post("contacts.xml", body), 201).content).findtext("id"))
    assert [
        (a["address_type"], a["street_address"], a["country"]) for a in incwo_addresses(incwo_get(api, pk))
    ] == [
        ("21", "Rue de la Loi 16 bte 3", "Belgique"),
        ("20", "Kerkstraat 5", "Belgique"),
    ]
    crm = crm_show(api, pk)["addresses_set"]
    assert [(a["type"], a["street_name"], a["street_number"], a["apartment_number"]) for a in crm] == [
        ("BUSINESS", "Rue de la Loi", "16", "bte 3"),
        ("HOME", "Kerkstraat", "5", None),
    ]
    peepl = ok(api["peepl"].get(f"contacts/{pk}/addresses/")).json()
    assert [(a["is_default"], a["street"]) for a in peepl] == [(True, "Rue de la Loi"), (False, "Kerkstraat")]
    assert ok(api["cirrus"].call("get", f"contacts/{pk}")).json()["street"] == "Rue de la Loi 16 bte 3"

    # R removes the main address: it is emptied (every party keeps one), shown nowhere
    uuid = crm_show(api, pk)["id"]
    update = {
        "contact_information_identifier": {"id": uuid},
        "address_set": [{"action": "REMOVE", "address_identifier": {"id": crm[0]["id"]}}],
    }
    ok(api["crmcom"].call("contact_information/update", update))
    assert [a["type"] for a in crm_show(api, pk)["addresses_set"]] == ["HOME"]
    assert ok(api["cirrus"].call("get", f"contacts/{pk}")).json()["street"] is None
    assert Address.objects.filter(party_id=pk).count() == 2

    # incwo replaces the collection: one address left, written over the first one it shows
    replace = """<contact><contact_addresses><contact_address><address_type>20</address_type>
      <street_address>Veldstraat 1</street_address><city>Gent</city></contact_address>
      </contact_addresses></contact>"""
    ok(api["incwo"].put(f"contacts/{pk}.xml", replace))
    assert [
        (a["address_type"], a["street_address"], a["zip_code"]) for a in incwo_addresses(incwo_get(api, pk))
    ] == [
        ("20", "Veldstraat 1", "9000")  # elements not sent are kept
    ]
    ok(api["incwo"].put(f"contacts/{pk}.xml", "<contact><contact_addresses/></contact>"))
    assert incwo_addresses(incwo_get(api, pk)) == [] and crm_show(api, pk)["addresses_set"] == []
    assert list(Address.objects.filter(party_id=pk).values_list("is_default", flat=True)) == [True]


def test_crmcom_adds_an_address_to_a_party_without_one_as_its_main_address(api):
    created = ok(
        api["crmcom"].call(
            "contact_information/create", {"type": "PERSON", "first_name": "A", "last_name": "B"}
        )
    ).json()["data"]
    update = {
        "contact_information_identifier": {"id": created["id"]},
        "address_set": [
            {
                "action": "ADD",
                "type": "CUSTOM2",
                "street_name": "Latisa",
                "street_number": "3",
                "country_identifier": {"three_character_code": "CYP"},
            }
        ],
    }
    (address,) = ok(api["crmcom"].call("contact_information/update", update)).json()["data"]["addresses_set"]
    assert (address["type"], address["country"]["two_character_code"]) == ("CUSTOM2", "CY")
    pk = Party.objects.get(uuid=created["id"]).pk
    assert ok(api["cirrus"].call("get", f"contacts/{pk}")).json()["street"] == "Latisa 3"
    # and updates it by its type, as shown
    update["address_set"] = [
        {"action": "UPDATE", "address_identifier": {"type": "CUSTOM2"}, "town_city": "Nicosia"}
    ]
    (address,) = ok(api["crmcom"].call("contact_information/update", update)).json()["data"]["addresses_set"]
    assert (address["type"], address["street_name"], address["town_city"]) == ("CUSTOM2", "Latisa", "Nicosia")


# --- incwo: countries in French, read as the client wrote them -----------------------------------


@pytest.mark.parametrize(
    ("sent", "shown"),
    [
        ("Belgique", "Belgique"),
        ("Belgium", "Belgique"),
        ("BELGIQUE", "Belgique"),
        ("be", "Belgique"),
        ("BEL", "Belgique"),
        ("Suède", "Suède"),
        ("suede", "Suède"),
        ("Etats-Unis", "États-Unis d'Amérique"),
    ],
)
def test_incwo_countries_are_french(api, sent, shown):
    body = (
        f"<contact><last_name>X</last_name><country>{sent}</country><contact_addresses><contact_address>"
        f"<address_type>20</address_type><city>Y</city><country>{sent}</country>"
        "</contact_address></contact_addresses></contact>"
    )
    contact = ET.fromstring(ok(api["incwo"].post("contacts.xml", body), 201).content)
    assert contact.findtext("country") == shown
    assert contact.findtext("contact_addresses/contact_address/country") == shown
    pk = int(contact.findtext("id"))
    assert incwo_get(api, pk).findtext("country") == shown  # and on every read


def test_incwo_refuses_an_unknown_country(api):
    body = "<contact><last_name>X</last_name><country>Atlantis</country></contact>"
    response = api["incwo"].post("contacts.xml", body)
    assert response.status_code == 422
    assert ET.fromstring(response.content).findtext("error") == "Country Atlantis is unknown"


# --- Peepl: the empty values it shows are accepted back --------------------------------------------


def test_peepl_accepts_back_a_contact_made_elsewhere(api, acme):
    """The issue's case: a contact made through Cirrus shows no birth date, birth place, language
    or gender in Peepl, and a PUT of that same body answered 400."""
    pk = cirrus_contact(api, acme, email="eva@example.com")["id"]
    contact = ok(api["peepl"].get(f"contacts/{pk}/")).json()
    assert (
        contact["birth_date"],
        contact["birth_place"],
        contact["preferred_language"],
        contact["gender"],
    ) == (
        None,
        "",
        "",
        "",
    )
    again = ok(api["peepl"].put(f"contacts/{pk}/", contact, format="json")).json()
    assert {k: v for k, v in again.items() if k != "last_modified"} == {
        k: v for k, v in contact.items() if k != "last_modified"
    }
    # a language CRM.COM R wrote (Greek) is shown and accepted back too
    uuid = crm_show(api, pk)["id"]
    update = {"contact_information_identifier": {"id": uuid}, "preferred_language": "ELL"}
    ok(api["crmcom"].call("contact_information/update", update))
    contact = ok(api["peepl"].get(f"contacts/{pk}/")).json()
    assert contact["preferred_language"] == "el"
    assert (
        ok(api["peepl"].put(f"contacts/{pk}/", contact, format="json")).json()["preferred_language"] == "el"
    )


def test_peepl_still_requires_the_documented_fields_on_create(api):
    body = {
        "first_name": "Jan",
        "last_name": "Peeters",
        "birth_date": None,
        "birth_place": "",
        "preferred_language": "",
        "gender": "",
        "email": None,
    }
    response = api["peepl"].post("contacts/", body, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"birth_date", "birth_place", "preferred_language", "gender", "email"}


def test_peepl_address_country(api, acme, settings):
    pk = cirrus_contact(api, acme)["id"]
    holiday = {"description": "Holiday", "max_amount": 3}
    kind = ok(api["peepl"].post("address_types/", holiday), 201).json()["id"]
    settings.DEFAULT_COUNTRY = "SE"
    made = ok(api["peepl"].post(f"contacts/{pk}/addresses/", {"address_type": kind, "city": "Visby"}), 201)
    assert made.json()["country"] == "SE"
    blank = ok(api["peepl"].post(f"contacts/{pk}/addresses/", {"address_type": kind, "country": ""}), 201)
    assert blank.json()["country"] == ""
    wrong = api["peepl"].post(f"contacts/{pk}/addresses/", {"address_type": kind, "country": "ZZ"})
    assert wrong.status_code == 400 and set(wrong.json()) == {"country"}
