"""The incwo contacts XML API over HTTP: every operation, rule and error of the spec (its
acceptance examples 1-15 among them)."""

from xml.etree import ElementTree as ET

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.core.models import ObjectChange
from apps.parties.models import Address, CompanyPosition, EmailAddress, MessengerAccount, Party, Phone
from tests.factories import OrganisationFactory, PersonFactory, UserFactory

from .conftest import IncwoClient, basic

pytestmark = pytest.mark.django_db

EXAMPLE = """<contact>
  <id>999</id>
  <civility_label_id>17</civility_label_id>
  <last_name>Martin</last_name>
  <first_name>Paul</first_name>
  <comment>rencontré au salon — café crème</comment>
  <job_title>Directeur</job_title>
  <job_department>Achats</job_department>
  <country>France</country>
  <contact_type>client</contact_type>
  <firm_id>{firm}</firm_id>
  <contact_addresses>
    <contact_address>
      <address_type>21</address_type>
      <street_address>1 rue de la Paix</street_address>
      <street_address2>Bât. B</street_address2>
      <zip_code>01000</zip_code>
      <city>Paris</city>
      <country>France</country>
    </contact_address>
  </contact_addresses>
  <contact_items>
    <contact_item>
      <type_id>27</type_id>
      <value>paul.martin@example.fr</value>
    </contact_item>
  </contact_items>
</contact>"""


def xml(response):
    assert response["Content-Type"].startswith("application/xml"), response["Content-Type"]
    assert response.content.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    return ET.fromstring(response.content)


def errors(response):
    root = xml(response)
    assert root.tag == "errors"
    return [e.text for e in root.findall("error")]


def value(element, path):
    found = element.find(path)
    return None if found is None else (found.text or "")


@pytest.fixture
def firm():
    return OrganisationFactory(name="Martin SARL")


@pytest.fixture
def created(incwo, firm):
    response = incwo.post("contacts.xml", EXAMPLE.format(firm=firm.pk))
    assert response.status_code == 201, response.content
    return xml(response)


# --- Authentication and the business file ---------------------------------------------------------


def test_no_credentials_is_401_with_basic_challenge(admin_user):
    response = IncwoClient().get("contacts.xml")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Basic")


def test_wrong_password_is_401(admin_user):
    client = IncwoClient()
    client.credentials(HTTP_AUTHORIZATION=basic("admin", "wrong"))
    assert client.get("contacts.xml").status_code == 401


def test_a_user_without_permission_is_refused():
    UserFactory(username="clerk")
    client = IncwoClient()
    client.credentials(HTTP_AUTHORIZATION=basic("clerk", "pw-not-used-123"))
    assert client.get("contacts.xml").status_code == 403
    clerk = UserFactory(username="clerk")
    clerk.user_permissions.add(Permission.objects.get(codename="view_party"))
    assert client.get("contacts.xml").status_code == 200
    assert client.post("contacts.xml", "<contact><last_name>X</last_name></contact>").status_code == 403
    assert not Party.objects.exists()


def test_another_business_file_is_404(incwo, created):
    response = incwo.get("/incwo/2/contacts.xml")
    assert response.status_code == 404
    assert errors(response)
    assert incwo.get(f"/incwo/2/contacts/{value(created, 'id')}.xml").status_code == 404
    assert incwo.get("/incwo/abc/contacts.xml").status_code == 404


def test_unknown_path_under_the_mount_is_an_xml_404(incwo):
    response = incwo.get("contacts.json")
    assert response.status_code == 404
    assert errors(response)


# --- List ---------------------------------------------------------------------------------------


def test_empty_list(incwo):
    response = incwo.get("contacts.xml")
    assert response.status_code == 200
    root = xml(response)
    assert root.tag == "contacts" and len(root) == 0


def test_list_pages_of_100_in_id_order(incwo):
    people = [PersonFactory() for _ in range(101)]
    OrganisationFactory()  # firms are not contacts
    first = xml(incwo.get("contacts.xml"))
    assert len(first) == 100
    assert [int(value(c, "id")) for c in first] == [p.pk for p in people[:100]]
    second = xml(incwo.get("contacts.xml?page=2"))
    assert [int(value(c, "id")) for c in second] == [people[100].pk]
    assert len(xml(incwo.get("contacts.xml?page=3"))) == 0
    assert len(xml(incwo.get("contacts.xml?page=abc"))) == 100
    assert len(xml(incwo.get("contacts.xml?page=0"))) == 100


def test_page_size_is_a_setting(incwo, settings):
    settings.INCWO_PAGE_SIZE = 2
    for _ in range(3):
        PersonFactory()
    assert len(xml(incwo.get("contacts.xml"))) == 2
    assert len(xml(incwo.get("contacts.xml?page=2"))) == 1


def test_list_query_count_is_constant(incwo, firm, django_assert_max_num_queries):
    def add(n):
        for i in range(n):
            body = EXAMPLE.format(firm=firm.pk).replace("<last_name>Martin", f"<last_name>Martin{i}")
            body = body.replace(
                "</contact_items>",
                "<contact_item><type_id>554</type_id><value>0612</value></contact_item>"
                "<contact_item><type_id>430</type_id><value>skype.me</value></contact_item></contact_items>",
            )
            assert incwo.post("contacts.xml", body).status_code == 201

    add(2)
    with CaptureQueriesContext(connection) as few:
        assert len(xml(incwo.get("contacts.xml"))) == 2
    count = len(few.captured_queries)
    assert 0 < count <= 12
    add(8)
    with django_assert_max_num_queries(count):
        assert len(xml(incwo.get("contacts.xml"))) == 10


# --- Create and show ----------------------------------------------------------------------------


def test_create_returns_201_with_location_and_the_contact(incwo, firm):
    response = incwo.post("contacts.xml", EXAMPLE.format(firm=firm.pk))
    assert response.status_code == 201
    contact = xml(response)
    contact_id = int(value(contact, "id"))
    assert contact_id != 999  # an <id> in the body is ignored
    assert response["Location"].endswith(f"/incwo/1/contacts/{contact_id}.xml")
    assert value(contact, "civility_label_id") == "17"
    assert value(contact, "contact_addresses/contact_address/address_type") == "21"
    assert value(contact, "contact_items/contact_item/type_id") == "27"
    person = Party.objects.get(pk=contact_id)
    assert person.kind == "person" and person.title == "Mr" and person.relationship == "client"
    assert person.country_of_residence.alpha_2 == "FR"
    position = CompanyPosition.objects.get(person=person, is_primary=True)
    assert (position.organisation, position.title, position.department) == (firm, "Directeur", "Achats")
    assert EmailAddress.objects.get(party=person).is_primary


def test_show_has_the_same_values_as_create(incwo, created):
    response = incwo.get(f"contacts/{value(created, 'id')}.xml")
    assert response.status_code == 200
    shown = xml(response)
    assert ET.tostring(shown) == ET.tostring(created)
    assert value(shown, "comment") == "rencontré au salon — café crème"
    assert value(shown, "contact_addresses/contact_address/zip_code") == "01000"
    assert value(shown, "contact_addresses/contact_address/street_address2") == "Bât. B"
    assert value(shown, "country") == "France"
    assert value(shown, "firm_id") == str(Party.objects.get(name="Martin SARL").pk)
    children = [child.tag for child in shown]
    assert children == [
        "id",
        "civility_label_id",
        "last_name",
        "first_name",
        "comment",
        "job_title",
        "job_department",
        "country",
        "contact_type",
        "firm_id",
        "contact_addresses",
        "contact_items",
    ]


def test_unset_values_are_empty_elements_and_country_defaults_to_the_installs(incwo, settings):
    contact = xml(incwo.post("contacts.xml", "<contact><first_name>Zoé</first_name></contact>"))
    assert value(contact, "last_name") == "" and value(contact, "comment") == ""
    assert value(contact, "civility_label_id") == "" and value(contact, "firm_id") == ""
    assert value(contact, "country") == "Belgique"  # DEFAULT_COUNTRY, in French
    assert len(contact.find("contact_addresses")) == 0
    settings.DEFAULT_COUNTRY = "SE"
    contact = xml(incwo.post("contacts.xml", "<contact><first_name>Zoé</first_name></contact>"))
    assert value(contact, "country") == "Suède"


@pytest.mark.parametrize("code,title", [("17", "Mr"), ("18", "Mrs"), ("19", "Miss")])
def test_civilities(incwo, code, title):
    body = f"<contact><last_name>X</last_name><civility_label_id>{code}</civility_label_id></contact>"
    contact = xml(incwo.post("contacts.xml", body))
    assert value(contact, "civility_label_id") == code
    assert Party.objects.get().title == title


@pytest.mark.parametrize(
    "code", ["client", "prospect", "supplier", "press", "partner", "staff", "perso", "other"]
)
def test_every_contact_type(incwo, code):
    body = f"<contact><last_name>X</last_name><contact_type>{code}</contact_type></contact>"
    response = incwo.post("contacts.xml", body)
    assert response.status_code == 201
    assert value(xml(response), "contact_type") == code


@pytest.mark.parametrize(
    "code,kind,context,table",
    [
        (23, "landline", "personal", Phone),
        (24, "landline", "business", Phone),
        (471, "landline", "business", Phone),
        (25, "fax", "personal", Phone),
        (26, "fax", "business", Phone),
        (554, "mobile", "personal", Phone),
        (88, "mobile", "business", Phone),
        (28, None, "personal", EmailAddress),
        (27, None, "business", EmailAddress),
        (430, "skype", None, MessengerAccount),
        (431, "yahoo", None, MessengerAccount),
        (432, "msn", None, MessengerAccount),
        (433, "aim", None, MessengerAccount),
        (457, "icq", None, MessengerAccount),
    ],
)
def test_every_contact_item_type_round_trips(incwo, code, kind, context, table):
    item = "a@example.fr" if table is EmailAddress else "value-1"
    body = (
        f"<contact><last_name>X</last_name><contact_items><contact_item><type_id>{code}</type_id>"
        f"<value>{item}</value></contact_item></contact_items></contact>"
    )
    response = incwo.post("contacts.xml", body)
    assert response.status_code == 201, response.content
    assert value(xml(response), "contact_items/contact_item/type_id") == str(code)
    row = table.objects.get()
    if table is Phone:
        assert (row.kind, row.context, row.number) == (kind, context, item)
    elif table is EmailAddress:
        assert (row.context, row.email) == (context, item)
    else:
        assert (row.service, row.handle) == (kind, item)


@pytest.mark.parametrize("code,type_code", [(20, "home"), (21, "business"), (22, "other")])
def test_every_address_type(incwo, code, type_code):
    body = (
        "<contact><last_name>X</last_name><contact_addresses><contact_address>"
        f"<address_type>{code}</address_type><city>Lyon</city></contact_address></contact_addresses></contact>"
    )
    response = incwo.post("contacts.xml", body)
    assert response.status_code == 201
    assert value(xml(response), "contact_addresses/contact_address/address_type") == str(code)
    # a contact's first address is its main (correspondence) address, of that kind
    main = Address.objects.get()
    assert (main.is_default, main.main_kind, main.city) == (True, type_code, "Lyon")


def test_items_keep_their_insertion_order(incwo):
    body = (
        "<contact><last_name>X</last_name><contact_items>"
        "<contact_item><type_id>554</type_id><value>06</value></contact_item>"
        "<contact_item><type_id>27</type_id><value>a@b.fr</value></contact_item>"
        "<contact_item><type_id>430</type_id><value>sk</value></contact_item>"
        "<contact_item><type_id>23</type_id><value>01</value></contact_item>"
        "</contact_items></contact>"
    )
    contact = xml(incwo.post("contacts.xml", body))
    assert [value(i, "type_id") for i in contact.find("contact_items")] == ["554", "27", "430", "23"]


# --- Validation (422), malformed XML (400) --------------------------------------------------------


def assert_refused(response, status=422):
    assert response.status_code == status, response.content
    assert errors(response)
    assert not Party.objects.filter(kind="person").exists()
    assert (
        not ObjectChange.objects.filter(content_type__model="party", action="create")
        .exclude(object_repr="Martin SARL")
        .exists()
    )


@pytest.mark.parametrize(
    "body",
    [
        "<contact><last_name>X</last_name><civility_label_id>20</civility_label_id></contact>",
        "<contact><last_name>X</last_name><civility_label_id>Mr</civility_label_id></contact>",
        "<contact><last_name>X</last_name><contact_type>customer</contact_type></contact>",
        "<contact><last_name>X</last_name><contact_type>Client</contact_type></contact>",
        "<contact><comment>no name</comment></contact>",
        "<contact><last_name> </last_name><first_name></first_name></contact>",
        "<contact><last_name>X</last_name><firm_id>999999</firm_id></contact>",
        "<contact><last_name>X</last_name><country>Atlantis</country></contact>",
        # the swapped labels: a code of the other list
        "<contact><last_name>X</last_name><contact_items><contact_item><type_id>21</type_id>"
        "<value>x</value></contact_item></contact_items></contact>",
        "<contact><last_name>X</last_name><contact_addresses><contact_address><address_type>27"
        "</address_type></contact_address></contact_addresses></contact>",
        "<contact><last_name>X</last_name><contact_addresses><contact_address><city>Lyon</city>"
        "</contact_address></contact_addresses></contact>",
        "<contact><last_name>X</last_name><contact_items><contact_item><value>x</value></contact_item>"
        "</contact_items></contact>",
        "<contact><last_name>X</last_name><contact_items><contact_item><type_id>23</type_id>"
        "</contact_item></contact_items></contact>",
        "<contact><last_name>X</last_name><contact_items><contact_item><type_id>27</type_id>"
        "<value>not-an-email</value></contact_item></contact_items></contact>",
    ],
)
def test_create_validation_errors_are_422_and_write_nothing(incwo, body):
    assert_refused(incwo.post("contacts.xml", body))


def test_firm_id_must_name_an_organisation(incwo):
    person = PersonFactory()
    response = incwo.post(
        "contacts.xml", f"<contact><last_name>X</last_name><firm_id>{person.pk}</firm_id></contact>"
    )
    assert response.status_code == 422
    assert Party.objects.filter(kind="person").count() == 1


def test_a_failing_child_rolls_back_the_whole_create(incwo):
    """A child refused by a domain rule after the person was written: nothing stays."""
    body = (
        "<contact><last_name>X</last_name><contact_addresses>"
        + ("<contact_address><address_type>20</address_type></contact_address>" * 11)
        + "</contact_addresses></contact>"
    )
    assert_refused(incwo.post("contacts.xml", body))
    assert not Address.objects.exists()


def test_prospect_with_a_last_name_is_created(incwo):
    response = incwo.post(
        "contacts.xml",
        "<contact><last_name>Durand</last_name><contact_type>prospect</contact_type></contact>",
    )
    assert response.status_code == 201


@pytest.mark.parametrize(
    "body",
    [
        "<contact><last_name>Oops",
        "",
        "not xml at all",
        "<firm><name>x</name></firm>",
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>'
        "<contact><last_name>&lol2;</last_name></contact>",
        '<?xml version="1.0"?><!DOCTYPE c [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
        "<contact><last_name>&xxe;</last_name></contact>",
    ],
)
def test_malformed_or_unsafe_xml_is_400(incwo, body):
    assert_refused(incwo.post("contacts.xml", body), status=400)


def test_a_body_over_the_size_limit_is_413(incwo, settings):
    settings.API_MAX_BODY_SIZE = 100
    body = "<contact><last_name>" + "x" * 200 + "</last_name></contact>"
    assert_refused(incwo.post("contacts.xml", body), status=413)


def test_text_xml_is_accepted_too(incwo):
    assert (
        incwo.post(
            "contacts.xml", "<contact><last_name>T</last_name></contact>", content_type="text/xml"
        ).status_code
        == 201
    )


# --- Update -------------------------------------------------------------------------------------


def test_put_changes_only_the_elements_sent(incwo, created):
    contact_id = value(created, "id")
    response = incwo.put(f"contacts/{contact_id}.xml", "<contact><job_title>CEO</job_title></contact>")
    assert response.status_code == 200
    assert value(xml(response), "job_title") == "CEO"
    shown = xml(incwo.get(f"contacts/{contact_id}.xml"))
    assert value(shown, "job_title") == "CEO"
    assert value(shown, "job_department") == "Achats"
    assert value(shown, "last_name") == "Martin"
    assert len(shown.find("contact_addresses")) == 1
    assert len(shown.find("contact_items")) == 1


def test_put_items_replaces_the_items_and_keeps_the_addresses(incwo, created):
    contact_id = value(created, "id")
    body = (
        "<contact><contact_items><contact_item><type_id>554</type_id><value>0612345678</value>"
        "</contact_item></contact_items></contact>"
    )
    assert incwo.put(f"contacts/{contact_id}.xml", body).status_code == 200
    shown = xml(incwo.get(f"contacts/{contact_id}.xml"))
    items = shown.find("contact_items")
    assert [(value(i, "type_id"), value(i, "value")) for i in items] == [("554", "0612345678")]
    assert len(shown.find("contact_addresses")) == 1
    assert not EmailAddress.objects.exists()


def test_put_empty_collection_removes_all_and_empty_element_clears(incwo, created):
    contact_id = value(created, "id")
    body = "<contact><contact_addresses/><comment/><firm_id></firm_id><civility_label_id/></contact>"
    assert incwo.put(f"contacts/{contact_id}.xml", body).status_code == 200
    shown = xml(incwo.get(f"contacts/{contact_id}.xml"))
    assert len(shown.find("contact_addresses")) == 0
    assert value(shown, "comment") == "" and value(shown, "firm_id") == ""
    assert value(shown, "civility_label_id") == ""
    assert value(shown, "job_title") == "Directeur"  # the job stays, without a firm
    # the default correspondence address every party keeps is not an incwo address
    assert Address.objects.filter(party_id=contact_id, is_default=True).exists()


def test_put_cannot_blank_both_names(incwo, created):
    contact_id = value(created, "id")
    response = incwo.put(f"contacts/{contact_id}.xml", "<contact><last_name/></contact>")
    assert response.status_code == 200  # the first name remains
    response = incwo.put(f"contacts/{contact_id}.xml", "<contact><first_name/></contact>")
    assert response.status_code == 422
    assert "Last name can't be blank" in errors(response)
    assert Party.objects.get(pk=contact_id).first_name == "Paul"


def test_put_validation_error_changes_nothing(incwo, created):
    contact_id = value(created, "id")
    body = (
        "<contact><job_title>CEO</job_title><contact_items><contact_item><type_id>21</type_id>"
        "<value>x</value></contact_item></contact_items></contact>"
    )
    assert incwo.put(f"contacts/{contact_id}.xml", body).status_code == 422
    shown = xml(incwo.get(f"contacts/{contact_id}.xml"))
    assert value(shown, "job_title") == "Directeur"
    assert len(shown.find("contact_items")) == 1


def test_put_malformed_is_400(incwo, created):
    assert incwo.put(f"contacts/{value(created, 'id')}.xml", "<contact>").status_code == 400


# --- Delete and 404s ------------------------------------------------------------------------------


def test_unknown_ids_are_404(incwo, firm):
    for method in ("get", "delete"):
        response = getattr(incwo, method)("contacts/999999.xml")
        assert response.status_code == 404
        assert errors(response) == ["Contact not found"]
    assert incwo.put("contacts/999999.xml", "<contact><last_name>X</last_name></contact>").status_code == 404
    assert incwo.get("contacts/abc.xml").status_code == 404
    assert incwo.get(f"contacts/{firm.pk}.xml").status_code == 404  # a firm is not a contact


def test_delete(incwo, created):
    contact_id = value(created, "id")
    response = incwo.delete(f"contacts/{contact_id}.xml")
    assert response.status_code == 200 and response.content == b""
    assert incwo.get(f"contacts/{contact_id}.xml").status_code == 404
    assert incwo.delete(f"contacts/{contact_id}.xml").status_code == 404
    assert not Address.objects.filter(party_id=contact_id).exists()
    assert Party.objects.filter(name="Martin SARL").exists()


def test_delete_refused_by_a_domain_rule_is_a_422(incwo, created):
    from apps.accounts.services import create_account

    person = Party.objects.get(pk=value(created, "id"))
    create_account(None, person, currency="EUR")
    response = incwo.delete(f"contacts/{person.pk}.xml")
    assert response.status_code == 422
    assert "accounts still refer to it" in errors(response)[0]
    assert Party.objects.filter(pk=person.pk).exists()


def test_changes_are_logged_with_the_user(incwo, created, admin_user):
    person = Party.objects.get(pk=value(created, "id"))
    entry = ObjectChange.objects.get(content_type__model="party", object_id=person.pk, action="create")
    assert entry.user == admin_user


def test_a_title_written_elsewhere_reads_as_a_civility(incwo):
    person = PersonFactory(title="Madame")
    assert value(xml(incwo.get(f"contacts/{person.pk}.xml")), "civility_label_id") == "18"
    other = PersonFactory(title="Sir")
    assert value(xml(incwo.get(f"contacts/{other.pk}.xml")), "civility_label_id") == ""


def test_a_page_above_2_63_is_an_empty_page_not_a_500(incwo):
    """Issue 16: the offset overflowed PostgreSQL's bigint. The spec answers every page past the
    end with 200 and an empty <contacts>."""
    for page in (2**63, 2**63 + 1, 10**40, 2**63 // 100 + 1):
        response = incwo.get(f"/incwo/1/contacts.xml?page={page}")
        assert response.status_code == 200, response.content
        assert ET.fromstring(response.content).tag == "contacts" and len(ET.fromstring(response.content)) == 0
