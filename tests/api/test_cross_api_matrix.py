"""One person, four writers, four readers, over HTTP (docs/addresses.md).

Each API that writes contacts (Peepl, Cirrus, CRM.COM R, incwo) writes a person with a name, an
e-mail, a phone and a main address with a house number (Swedish, French and the install's
default country among them). Each API that shows contacts reads it back with the same values
(`test_written_reads_the_same`), and each writer then reads it, changes the last name and writes
the whole body back as its update takes it (`test_read_modify_write`): every reader shows the
same values with only the last name changed, and no row is added or lost. CRM.COM Back-Office v2
shows no contacts; it shows an address as an account's billing address (the last test).
"""

import copy
from xml.etree import ElementTree as ET

import pytest
from django.apps import apps

from apps.parties import addresses
from apps.parties.data.accounts import install as install_account_types
from apps.parties.data.reference import install as install_reference
from apps.parties.models import AccountType, Party
from apps.parties.services_accounts import create_account
from tests.api.cross import api_clients, ok

pytestmark = pytest.mark.django_db

WRITERS = ["peepl", "cirrus", "crmcom", "incwo"]
READERS = ["peepl", "cirrus", "crmcom", "incwo"]

# What each writer writes, as the values every reader must show (street/number/box as stored,
# `line` as the one-line APIs render it).
PERSONS = {
    "peepl": {
        "first_name": "Jan",
        "last_name": "Peeters",
        "email": "jan@example.se",
        "phone": "08-123 45",
        "street": "Storgatan",
        "number": "12",
        "box": "B",
        "line": "Storgatan 12 B",
        "postal_code": "111 22",
        "city": "Stockholm",
        "country": "SE",
    },
    "cirrus": {  # Cirrus contacts send no country: the install's default
        "first_name": "Eva",
        "last_name": "Ek",
        "email": "eva@example.be",
        "phone": "09 234 56 78",
        "street": "Nieuwstraat",
        "number": "173",
        "box": "",
        "line": "Nieuwstraat 173",
        "postal_code": "9000",
        "city": "Gent",
        "country": "BE",
    },
    "crmcom": {
        "first_name": "Louis",
        "last_name": "Kozior",
        "email": "louis@example.se",
        "phone": "22114455",
        "street": "Drottninggatan",
        "number": "5",
        "box": "1102",
        "line": "Drottninggatan 5 1102",
        "postal_code": "111 51",
        "city": "Stockholm",
        "country": "SE",
    },
    "incwo": {
        "first_name": "Élodie",
        "last_name": "Dupré",
        "email": "elodie@example.fr",
        "phone": "0145678901",
        "street": "rue de la Paix",
        "number": "1",
        "box": "",
        "line": "1 rue de la Paix",
        "postal_code": "75002",
        "city": "Paris",
        "country": "FR",
    },
}


@pytest.fixture(autouse=True)
def reference_data(db, settings):
    settings.ROOT_URLCONF = "crm.urls"
    install_reference(apps)
    install_account_types(apps)


@pytest.fixture
def clients(admin_user):
    return api_clients(admin_user)


def sub(parent, name, value):
    ET.SubElement(parent, name).text = value


# --- writing a person through each API ----------------------------------------------------------


def write_peepl(clients, p) -> int:
    peepl = clients["peepl"]
    body = {
        "first_name": p["first_name"],
        "last_name": p["last_name"],
        "birth_date": "1990-05-15",
        "birth_place": "Göteborg",
        "preferred_language": "nl",  # CRM.COM R has no code for Dutch
        "gender": "X",  # nor for a third gender: it shows null, written back null keeps it
        "email": p["email"],
        "phone": p["phone"],
    }
    pk = ok(peepl.post("contacts/", body, format="json"), 201).json()["id"]
    (main,) = ok(peepl.get(f"contacts/{pk}/addresses/")).json()
    address = {name: p[name] for name in ("street", "number", "box", "postal_code", "city", "country")}
    ok(peepl.put(f"contacts/{pk}/addresses/{main['id']}/", {**main, **address}, format="json"))
    return pk


def write_cirrus(clients, p) -> int:
    account = create_account(None, name="Acme AB", account_type=AccountType.objects.first())
    body = {
        "name": p["first_name"],
        "surname": p["last_name"],
        "accountid": account.pk,
        "email": p["email"],
        "officephone": p["phone"],
        "street": p["line"],
        "zip": p["postal_code"],
        "city": p["city"],
    }
    return ok(clients["cirrus"].call("post", "contacts", body), 201).json()["id"]


def write_crmcom(clients, p) -> int:
    body = {
        "type": "PERSON",
        "title": "Dr",  # incwo shows no civility for it; written back empty keeps it
        "first_name": p["first_name"],
        "last_name": p["last_name"],
        "email_set": [{"type": "PERSONAL", "email_address": p["email"]}],
        "phone_set": [{"type": "LANDLINE", "number": p["phone"]}],
        "address_set": [
            {
                "type": "HOME",
                "street_name": p["street"],
                "street_number": p["number"],
                "apartment_number": p["box"],
                "postal_code": p["postal_code"],
                "town_city": p["city"],
                "country_identifier": {"two_character_code": p["country"]},
            }
        ],
    }
    data = ok(clients["crmcom"].call("contact_information/create", body)).json()["data"]
    return Party.objects.get(uuid=data["id"]).pk


def write_incwo(clients, p) -> int:
    contact = ET.Element("contact")
    sub(contact, "first_name", p["first_name"])
    sub(contact, "last_name", p["last_name"])
    items = ET.SubElement(contact, "contact_items")
    for code, value in (("28", p["email"]), ("23", p["phone"])):
        item = ET.SubElement(items, "contact_item")
        sub(item, "type_id", code)
        sub(item, "value", value)
    address = ET.SubElement(ET.SubElement(contact, "contact_addresses"), "contact_address")
    sub(address, "address_type", "20")
    sub(address, "street_address", p["line"])
    sub(address, "zip_code", p["postal_code"])
    sub(address, "city", p["city"])
    sub(address, "country", "France")
    response = ok(clients["incwo"].post("contacts.xml", ET.tostring(contact, encoding="unicode")), 201)
    return int(ET.fromstring(response.content).findtext("id"))


WRITE = {"peepl": write_peepl, "cirrus": write_cirrus, "crmcom": write_crmcom, "incwo": write_incwo}


# --- reading it back: each reader's view, and the shared values in it ----------------------------


def crm_show(clients, pk):
    uuid = Party.objects.get(pk=pk).uuid.hex.upper()
    query = {"contact_information_identifier": f"id={uuid}"}
    return ok(clients["crmcom"].query("contact_information/show", query)).json()["data"]


def view(reader, clients, pk):
    """What the reader shows of the person (the parts a read-modify-write must not change)."""
    if reader == "peepl":
        peepl = clients["peepl"]
        contact = ok(peepl.get(f"contacts/{pk}/")).json()
        contact.pop("last_modified")
        return {"contact": contact, "addresses": ok(peepl.get(f"contacts/{pk}/addresses/")).json()}
    if reader == "cirrus":
        return ok(clients["cirrus"].call("get", f"contacts/{pk}")).json()
    if reader == "crmcom":
        data = crm_show(clients, pk)
        data.pop("log_information")
        return data
    return ET.tostring(
        ET.fromstring(ok(clients["incwo"].get(f"contacts/{pk}.xml")).content), encoding="unicode"
    )


def values(reader, shown) -> dict:
    """The shared values in a reader's view; the address parts the reader has."""
    if reader == "peepl":
        contact = shown["contact"]
        (main,) = shown["addresses"]  # one address, not two
        assert main["is_default"]
        return {
            "first_name": contact["first_name"],
            "last_name": contact["last_name"],
            "email": contact["email"],
            "phone": contact["phone"],
            **{name: main[name] for name in ("street", "number", "box", "postal_code", "city", "country")},
        }
    if reader == "cirrus":
        return {
            "first_name": shown["name"],
            "last_name": shown["surname"],
            "email": shown["email"],
            "phone": shown["officephone"],
            "line": shown["street"],
            "postal_code": shown["zip"],
            "city": shown["city"],
        }
    if reader == "crmcom":
        (address,) = shown["addresses_set"]
        (email,) = shown["emails_set"]
        (phone,) = shown["phones_set"]
        return {
            "first_name": shown["first_name"],
            "last_name": shown["last_name"],
            "email": email["email"],
            "phone": phone["number"] if phone["type"] == "LANDLINE" else None,
            "street": address["street_name"],
            "number": address["street_number"] or "",
            "box": address["apartment_number"] or "",
            "postal_code": address["postal_code"],
            "city": address["town_city"],
            "country": address["country"]["two_character_code"],
        }
    contact = ET.fromstring(shown)
    (address,) = contact.find("contact_addresses")
    items = [(i.findtext("type_id"), i.findtext("value")) for i in contact.find("contact_items")]
    assert len(items) == 2, items
    return {
        "first_name": contact.findtext("first_name"),
        "last_name": contact.findtext("last_name"),
        "email": next(value for code, value in items if code in ("27", "28")),
        "phone": next(value for code, value in items if code in ("23", "24", "471")),
        "line": address.findtext("street_address"),
        "postal_code": address.findtext("zip_code"),
        "city": address.findtext("city"),
        "country": addresses.country_code(address.findtext("country")),  # a French name
    }


def expected(reader, person) -> dict:
    keys = {
        "peepl": ("street", "number", "box", "country"),
        "cirrus": ("line",),
        "crmcom": ("street", "number", "box", "country"),
        "incwo": ("line", "country"),
    }[reader]
    shared = ("first_name", "last_name", "email", "phone", "postal_code", "city")
    return {name: person[name] for name in (*shared, *keys)}


@pytest.mark.parametrize("reader", READERS)
@pytest.mark.parametrize("writer", WRITERS)
def test_written_reads_the_same(clients, writer, reader):
    person = PERSONS[writer]
    pk = WRITE[writer](clients, person)
    assert values(reader, view(reader, clients, pk)) == expected(reader, person)
    main = Party.objects.get(pk=pk).addresses.get()  # one address row, the main one
    assert (main.is_default, main.country) == (True, person["country"])


# --- read-modify-write through each writer --------------------------------------------------------


def rmw_peepl(clients, pk, last_name):
    peepl = clients["peepl"]
    contact = ok(peepl.get(f"contacts/{pk}/")).json()
    ok(peepl.put(f"contacts/{pk}/", {**contact, "last_name": last_name}, format="json"))
    for address in ok(peepl.get(f"contacts/{pk}/addresses/")).json():
        ok(peepl.put(f"contacts/{pk}/addresses/{address['id']}/", address, format="json"))


def rmw_cirrus(clients, pk, last_name):
    cirrus = clients["cirrus"]
    contact = ok(cirrus.call("get", f"contacts/{pk}")).json()
    ok(cirrus.call("put", f"contacts/{pk}", {**contact, "surname": last_name}))


def identifier(country):
    return None if country is None else {"id": country["id"]}


def rmw_crmcom(clients, pk, last_name):
    """The view turned into an update: every field, and each set item as an UPDATE by id."""
    data = crm_show(clients, pk)
    d = data["demographics"]
    body = {
        "contact_information_identifier": {"id": data["id"]},
        **{key: data[key] for key in ("title", "first_name", "middle_name", "notes", "preferred_language")},
        "last_name": last_name,
        **{key: value for key, value in data.items() if key.startswith("udf_")},
        "demographics": {
            **{key: d[key] for key in ("gender", "id_number", "passport_number", "social_security_number")},
            "date_of_birth": d["date_of_birth"],
            "name_day": d["name_day"],
            "country_of_residence_identifier": identifier(d["country_of_residence"]),
        },
        "address_set": [
            {
                "action": "UPDATE",
                "address_identifier": {"id": a["id"]},
                **{
                    k: v
                    for k, v in a.items()
                    if k not in ("id", "state", "country") and not k.startswith("udf")
                },
                "country_identifier": identifier(a["country"]),
            }
            for a in data["addresses_set"]
        ],
        "phone_set": [
            {
                "action": "UPDATE",
                "phone_identifier": {"id": p["id"]},
                "type": p["type"],
                "number": p["number"],
            }
            for p in data["phones_set"]
        ],
        "email_set": [
            {
                "action": "UPDATE",
                "email_identifier": {"id": e["id"]},
                "type": e["type"],
                "email_address": e["email"],
            }
            for e in data["emails_set"]
        ],
    }
    ok(clients["crmcom"].call("contact_information/update", body))


def rmw_incwo(clients, pk, last_name):
    incwo = clients["incwo"]
    contact = ET.fromstring(ok(incwo.get(f"contacts/{pk}.xml")).content)
    contact.find("last_name").text = last_name
    ok(incwo.put(f"contacts/{pk}.xml", ET.tostring(contact, encoding="unicode")))


RMW = {"peepl": rmw_peepl, "cirrus": rmw_cirrus, "crmcom": rmw_crmcom, "incwo": rmw_incwo}


def with_last_name(reader, shown, old, new):
    """A reader's view as it should read after the last name changed from `old` to `new`."""
    if reader == "incwo":
        return shown.replace(f"<last_name>{old}</last_name>", f"<last_name>{new}</last_name>")
    shown = copy.deepcopy(shown)
    if reader == "peepl":
        shown["contact"]["last_name"] = new
    elif reader == "cirrus":
        shown["surname"] = new
    else:
        shown["last_name"] = new
        shown["name"] = shown["name"].replace(old, new)
    return shown


def rows(pk):
    party = Party.objects.get(pk=pk)
    return {
        "addresses": sorted(party.addresses.values_list("pk", flat=True)),
        "emails": sorted(party.email_addresses.values_list("pk", flat=True)),
        "phones": sorted(party.phones.values_list("pk", flat=True)),
        "positions": sorted(party.company_positions.values_list("pk", "is_primary")),
    }


@pytest.mark.parametrize("through", WRITERS)
@pytest.mark.parametrize("writer", WRITERS)
def test_read_modify_write(clients, writer, through):
    """Written through `writer`, read and written back through `through` with a new last name:
    every reader shows what it showed, but that name; the same rows, nothing added."""
    person = PERSONS[writer]
    pk = WRITE[writer](clients, person)
    before = {reader: view(reader, clients, pk) for reader in READERS}
    stored = rows(pk)
    new_name = f"{person['last_name']}-Berg"

    RMW[through](clients, pk, new_name)

    for reader in READERS:
        assert view(reader, clients, pk) == with_last_name(
            reader, before[reader], person["last_name"], new_name
        )
        assert values(reader, view(reader, clients, pk)) == {
            **expected(reader, person),
            "last_name": new_name,
        }
    assert rows(pk) == stored


def test_back_office_shows_the_main_address_as_a_billing_address(clients, admin_user):
    """CRM.COM Back-Office v2 shows no contacts, but an account's billing address: the main
    address written through Cirrus reads with the same street line, alpha-3 country code."""
    pk = write_cirrus(clients, PERSONS["cirrus"])
    party = Party.objects.get(pk=pk)
    bo = clients["backoffice"]
    created = ok(
        bo.post(
            f"contacts/{party.uuid}/accounts",
            {"currency_code": "EUR", "billing_address_id": str(party.addresses.get().uuid)},
            format="json",
        ),
        201,
    )
    billing = ok(bo.get(f"accounts/{created.json()['id']}")).json()["billing_address"]
    assert (
        billing["address_line_1"],
        billing["postal_code"],
        billing["town_city"],
        billing["country_code"],
    ) == (
        "Nieuwstraat 173",
        "9000",
        "Gent",
        "BEL",
    )
