"""contact_information show/list/create/update over HTTP: every rule and error of the spec,
its acceptance examples 3-14 among them."""

import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.core.models import CustomFieldValue, ObjectChange
from apps.parties.models import Address, BusinessUnit, EmailAddress, Party, PartyRelation, Phone
from tests.factories import OrganisationFactory, PersonFactory

from .conftest import BASE

pytestmark = pytest.mark.django_db

LOUIS = {"type": "PERSON", "first_name": "Louis", "last_name": "Kozior"}


def ok(response):
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == {"code": "OK", "message": "", "description": ""}
    return body["data"]


def error(response, http, code):
    assert response.status_code == http, response.content
    body = response.json()
    assert body["status"]["code"] == code, body
    assert body["data"] is None
    return body["status"]


def create(crm, **fields):
    return ok(crm.call("contact_information/create", {**LOUIS, **fields}))


def show(crm, contact_id, **params):
    return ok(
        crm.query(
            "contact_information/show", {"contact_information_identifier": f"id={contact_id}", **params}
        )
    )


def update(crm, contact_id, **fields):
    return crm.call(
        "contact_information/update", {"contact_information_identifier": {"id": contact_id}, **fields}
    )


def no_party_written():
    assert not Party.objects.exists()
    assert not ObjectChange.objects.filter(content_type__model="party").exists()
    assert not CustomFieldValue.objects.exists()


# --- create -------------------------------------------------------------------------------------


def test_create_person(crm):
    data = create(crm)
    assert re.fullmatch(r"[0-9A-F]{32}", data["id"])
    assert data["name"] == "Louis Kozior"
    assert data["type"] == "PERSON" and data["life_cycle_state"] == "MARKETING"
    assert data["company_profile"] is None and data["demographics"] is not None
    party = Party.objects.get()
    assert party.uuid.hex.upper() == data["id"] and party.kind == "person"
    assert party.addresses.filter(is_default=True).exists()  # the domain's correspondence address


def test_name_leaves_out_the_middle_name(crm):
    assert create(crm, middle_name="Aloz")["name"] == "Louis Kozior"


@pytest.mark.parametrize(
    "body,code",
    [
        ({"type": "PERSON", "first_name": "Louis"}, "MANDATORY_PARAMETER_MISSING"),
        ({"type": "PERSON", "last_name": "Kozior"}, "MANDATORY_PARAMETER_MISSING"),
        ({"type": "PERSON", "first_name": "", "last_name": "Kozior"}, "MANDATORY_PARAMETER_MISSING"),
        ({"type": "COMPANY"}, "MANDATORY_PARAMETER_MISSING"),
        ({"type": "COMPANY", "company_name": "  "}, "MANDATORY_PARAMETER_MISSING"),
        ({"first_name": "Louis", "last_name": "Kozior"}, "MANDATORY_PARAMETER_MISSING"),
        ({"type": "ROBOT", "first_name": "Louis", "last_name": "Kozior"}, "INVALID_PARAMETER_VALUE"),
        ({**LOUIS, "preferred_language": "XXX"}, "INVALID_PARAMETER_VALUE"),
        ({**LOUIS, "demographics": {"gender": "OTHER"}}, "INVALID_PARAMETER_VALUE"),
        (
            {**LOUIS, "demographics": {"date_of_birth": {"day": 31, "month": 2, "year": 1981}}},
            "INVALID_PARAMETER_VALUE",
        ),
        ({**LOUIS, "demographics": {"date_of_birth": {"day": 1, "month": 2}}}, "INVALID_PARAMETER_VALUE"),
        ({**LOUIS, "demographics": {"name_day": {"day": 30, "month": 2}}}, "INVALID_PARAMETER_VALUE"),
        ({**LOUIS, "send_direct_marketing_material": "maybe"}, "INVALID_PARAMETER_VALUE"),
        ({**LOUIS, "udf_float_1": "ten"}, "INVALID_PARAMETER_VALUE"),
        ({**LOUIS, "udf_date_1": "05/05/2014"}, "INVALID_PARAMETER_VALUE"),
        ({**LOUIS, "udf_string_1": {"a": 1}}, "INVALID_PARAMETER_VALUE"),
        ({**LOUIS, "first_name": "x" * 101}, "INVALID_PARAMETER_VALUE"),
        ({**LOUIS, "address_set": {"type": "HOME"}}, "INVALID_PARAMETER_VALUE"),
        ({**LOUIS, "address_set": [{"type": "MOON", "street_name": "x"}]}, "INVALID_PARAMETER_VALUE"),
        ({**LOUIS, "address_set": [{"street_name": "x"}]}, "MANDATORY_PARAMETER_MISSING"),
        ({**LOUIS, "address_set": [{"type": "HOME"}]}, "MANDATORY_PARAMETER_MISSING"),
        (
            {**LOUIS, "address_set": [{"type": "HOME", "street_name": "x", "floor": "second"}]},
            "INVALID_PARAMETER_VALUE",
        ),
        ({**LOUIS, "phone_set": [{"type": "LANDLINE"}]}, "MANDATORY_PARAMETER_MISSING"),
        ({**LOUIS, "phone_set": [{"type": "PIGEON", "number": "1"}]}, "INVALID_PARAMETER_VALUE"),
        ({**LOUIS, "email_set": [{"type": "PERSONAL"}]}, "MANDATORY_PARAMETER_MISSING"),
        (
            {**LOUIS, "email_set": [{"type": "PERSONAL", "email_address": "not-an-email"}]},
            "INVALID_PARAMETER_VALUE",
        ),
        ({**LOUIS, "relation_set": [{"type": "FRIEND"}]}, "MANDATORY_PARAMETER_MISSING"),
        (
            {**LOUIS, "relation_set": [{"type": "ENEMY", "contact_information_identifier": {"id": "A"}}]},
            "INVALID_PARAMETER_VALUE",
        ),
        (
            {
                **LOUIS,
                "relation_set": [{"type": "FRIEND", "contact_information_identifier": {"id": "F" * 32}}],
            },
            "REFERENCED_ENTITY_NOT_FOUND",
        ),
        ({**LOUIS, "category_identifier": {"name": "No Such Category"}}, "REFERENCED_ENTITY_NOT_FOUND"),
        ({**LOUIS, "category_identifier": {"name": "Contact Category", "id": "X"}}, "INVALID_IDENTIFIER"),
        ({**LOUIS, "category_identifier": {}}, "INVALID_IDENTIFIER"),
        ({**LOUIS, "category_identifier": {"colour": "red"}}, "INVALID_IDENTIFIER"),
        ({**LOUIS, "owned_by_group_identifier": {"name": "Nobody"}}, "REFERENCED_ENTITY_NOT_FOUND"),
        ({**LOUIS, "privacy_level_identifier": {"number": "99"}}, "REFERENCED_ENTITY_NOT_FOUND"),
        (
            {**LOUIS, "demographics": {"country_of_residence_identifier": {"name": "Atlantis"}}},
            "REFERENCED_ENTITY_NOT_FOUND",
        ),
        ({**LOUIS, "demographics": {"industry_identifier": {"code": "NOPE"}}}, "REFERENCED_ENTITY_NOT_FOUND"),
        (
            {**LOUIS, "demographics": {"industry_sector_identifier": {"id": "F" * 32}}},
            "REFERENCED_ENTITY_NOT_FOUND",
        ),
    ],
)
def test_create_refusals_write_nothing(crm, body, code):
    error(crm.call("contact_information/create", body), 404 if "NOT_FOUND" in code else 400, code)
    no_party_written()


def test_a_domain_rule_failing_late_rolls_back_everything(crm):
    """The 12th HOME address breaks the address type's maximum after the person, its udfs, its
    main address (the first one) and ten more were written: the whole create is undone."""
    addresses = [{"type": "HOME", "street_name": f"Street {i}"} for i in range(12)]
    status = error(
        crm.call("contact_information/create", {**LOUIS, "udf_string_1": "x", "address_set": addresses}),
        400,
        "INVALID_PARAMETER_VALUE",
    )
    assert status["description"].startswith("address.11")
    no_party_written()
    assert not Address.objects.exists()


def test_create_company(crm):
    body = {
        "type": "COMPANY",
        "company_name": "Koziors",
        "first_name": "ignored",
        "demographics": {"id_number": "ignored"},
        "company_profile": {
            "profile_year": 1999,
            "annual_turnover": 1999.5,
            "established_date": "1999-05-05T15:49:59",
            "number_of_employees": 4,
            "registration_number": "KZ126591",
            "vat_registration_number": "126591",
            "vat_registered_by": "Manager",
            "vat_registration_date": "2000-05-05T15:49:59",
            "tax_reference_number": "126591",
            "registered_in_country_identifier": {"name": "CYPRUS"},
            "industry_identifier": {"name": "Interior Design"},
            "industry_sector_identifier": {"name": "GOVERNMENTAL"},
        },
    }
    data = ok(crm.call("contact_information/create", body))
    assert data["name"] == "Koziors" and data["company_name"] == "Koziors" and data["type"] == "COMPANY"
    assert data["demographics"] is None and data["first_name"] is None
    profile = data["company_profile"]
    assert profile["vat_registration_number"] == "126591"
    assert profile["annual_turnover"] == 1999.5 and profile["profile_year"] == 1999
    assert profile["number_of_employees"] == 4
    assert profile["established_date"] == "1999-05-05T00:00:00"
    assert profile["vat_registration_date"] == "2000-05-05T00:00:00"
    assert profile["registered_in_country"]["id"] == "181"
    assert profile["industry"]["code"] == "INTDS" and profile["industry_sector"]["alternative_code"] == "GOV"
    party = Party.objects.get()
    assert party.kind == "organisation" and party.vat_number == "126591" and party.first_name == ""
    assert party.id_number == ""
    shown = show(crm, data["id"])
    assert shown["demographics"]["id_number"] is None  # show always has both objects


def test_create_the_seed_example_in_full(crm):
    PersonFactory(first_name="Rel", last_name="Ative", id_number="142536")
    body = {
        "type": "PERSON",
        "title": "Sir",
        "first_name": "Louis",
        "middle_name": "Aloz",
        "last_name": "Kozior",
        "preferred_language": "eng",
        "category_identifier": {"name": "Contact Category"},
        "owned_by_group_identifier": {"name": "Main Group"},
        "privacy_level_identifier": {"number": "8"},
        "notes": "Marios Lannister 28/4/2015 16:51:51 Family",
        "udf_string_1": "udf string 1",
        "udf_float_1": 10,
        "udf_float_2": 20.5,
        "udf_date_1": "2014-05-05T15:49:59",
        "demographics": {
            "gender": "FEMALE",
            "id_number": "AB112234",
            "passport_number": "CD112234",
            "social_security_number": "EF112234",
            "country_of_residence_identifier": {"name": "CYPRUS"},
            "id_issued_by_country_identifier": {"three_character_code": "cyp"},
            "passport_issued_by_country_identifier": {"id": "209"},
            "industry_identifier": {"name": "Marketing"},
            "industry_sector_identifier": {"alternative_code": "FRX"},
            "date_of_birth": {"day": 12, "month": 5, "year": 1981},
            "name_day": {"day": 18, "month": 8},
        },
        "address_set": [
            {
                "type": "HOME",
                "postal_code": "3020",
                "street_name": "Ilia Papakiriakou",
                "street_number": "8",
                "floor": 2,
                "apartment_number": "202",
                "area": "Plati",
                "town_city": "Aglanjia",
                "district": "Nicosia",
                "municipality": "Aglanjia",
                "country_identifier": {"two_character_code": "CY"},
                "po_box": "70022",
                "po_box_postal_code": "AG70022",
                "care_of": "Maria Kyriacou",
                "notes": "To be reviewed",
                "udf_float_5": 50,
            }
        ],
        "phone_set": [{"type": "LANDLINE", "number": "22114455", "country_identifier": {"id": "127"}}],
        "email_set": [{"type": "PERSONAL", "email_address": "b@example.com"}],
        "relation_set": [
            {"type": "family member", "contact_information_identifier": {"id_number": "142536"}}
        ],
        "send_direct_marketing_material": True,
    }
    created = ok(crm.call("contact_information/create", body))
    data = show(crm, created["id"])
    assert data["title"] == "Sir" and data["middle_name"] == "Aloz"
    assert data["preferred_language"] == "ENG"
    assert data["notes"] == "Marios Lannister 28/4/2015 16:51:51 Family"
    assert data["category"]["name"] == "Contact Category"
    assert data["owned_by_group"]["alternative_code"] == "MG"
    assert data["owned_by_group"]["community_name"] == "Internal Community"
    assert data["privacy_level"]["number"] == "8" and data["privacy_level"]["hierarchy_level"] == 0
    assert data["organizational_unit"] == 0
    assert data["udf_string_1"] == "udf string 1" and data["udf_string_2"] is None
    assert data["udf_float_1"] == 10 and data["udf_float_2"] == 20.5
    assert data["udf_date_1"] == "2014-05-05T00:00:00"
    d = data["demographics"]
    assert d["gender"] == "FEMALE" and d["id_number"] == "AB112234"
    assert d["passport_issued_by_country"]["name"] == "Greece"
    assert d["id_issued_by_country"]["two_character_code"] == "CY"
    assert d["industry"]["code"] == "MK" and d["industry_sector"]["name"] == "FOREX"
    assert d["date_of_birth"] == {"day": 12, "month": 5, "year": 1981}
    assert d["name_day"] == {"day": 18, "month": 8}
    assert data["company_profile"]["industry"]["code"] == "MK"  # one industry, shown in both
    (address,) = data["addresses_set"]
    assert address["type"] == "HOME" and address["state"] == "Active"
    assert address["country"]["three_character_code"] == "CYP"
    assert (address["street_name"], address["street_number"], address["floor"]) == (
        "Ilia Papakiriakou",
        "8",
        2,
    )
    assert (address["apartment_number"], address["po_box"], address["care_of"]) == (
        "202",
        "70022",
        "Maria Kyriacou",
    )
    assert address["udf_float_4"] is None and "udf_float_5" not in address
    (phone,) = data["phones_set"]
    assert phone["area_code"] == "1" and phone["full_number"] == "00122114455"
    assert phone["country"]["name"] == "United States" and phone["type"] == "LANDLINE"
    (email,) = data["emails_set"]
    assert email == {**email, "type": "PERSONAL", "state": "Active", "email": "b@example.com"}
    (relation,) = data["relation_set"]
    assert relation["type"] == "FAMILY_MEMBER"
    assert (
        relation["contact"]["first_name"] == "Rel"
        and relation["contact"]["demographics"]["id_number"] == "142536"
    )
    auth = data["authorization_settings"]
    assert (
        auth["send_direct_marketing_material"] is True and auth["send_affiliate_marketing_material"] is False
    )
    assert auth["direct_marketing_setting_updated_date"] is not None
    assert auth["direct_marketing_setting_updated_by_user"]["username"] == "admin"
    assert auth["affiliate_marketing_setting_updated_date"] is None
    assert EmailAddress.objects.get().is_primary  # Peepl's `email`


def test_duplicated_keys_last_wins(crm):
    raw = (
        b'{"token":"%s","type":"PERSON","first_name":"L","last_name":"K",'
        b'"udf_string_8":"a","udf_string_8":"b"}'
    )
    response = crm.post(
        BASE + "contact_information/create", raw % crm.token.encode(), content_type="application/json"
    )
    data = ok(response)
    assert show(crm, data["id"])["udf_string_8"] == "b"


def test_unknown_keys_are_ignored(crm):
    data = create(crm, **{"type ": "COMPANY", "colour": "blue"})
    assert data["type"] == "PERSON"


def test_booleans_accept_1_and_0_and_enums_any_case(crm):
    data = create(crm, send_direct_marketing_material=1, send_affiliate_marketing_material="0", type="person")
    shown = show(crm, data["id"])
    assert shown["authorization_settings"]["send_direct_marketing_material"] is True
    assert shown["authorization_settings"]["send_affiliate_marketing_material"] is False


def test_fields_set_on_create(crm):
    data = create(crm, fields_set="first_name,last_name,demographics,email_set")
    assert set(data) == {"first_name", "last_name", "demographics"}


# --- show ---------------------------------------------------------------------------------------


def test_show(crm):
    contact_id = create(crm)["id"]
    data = show(crm, contact_id)
    assert data["id"] == contact_id
    for key in (
        "addresses_set",
        "phones_set",
        "emails_set",
        "relation_set",
        "log_information",
        "udf_string_16",
        "udf_float_8",
        "udf_date_8",
        "authorization_settings",
    ):
        assert key in data
    assert data["company_profile"] is not None and data["demographics"] is not None
    assert data["addresses_set"] == []  # the correspondence address is not a CRM.COM address
    assert show(crm, contact_id.lower())["id"] == contact_id


def test_show_fields_set(crm):
    contact_id = create(crm)["id"]
    assert show(crm, contact_id, fields_set="first_name,last_name") == {
        "first_name": "Louis",
        "last_name": "Kozior",
    }
    assert show(crm, contact_id, fields_set="first_name,nope") == {"first_name": "Louis"}


def test_show_identifier_errors(crm):
    create(crm, demographics={"id_number": "154209"})
    create(crm, demographics={"id_number": "154209"})
    error(crm.query("contact_information/show"), 400, "INVALID_IDENTIFIER")
    error(
        crm.query(
            "contact_information/show", {"contact_information_identifier": '{"id":"A","id_number":"B"}'}
        ),
        400,
        "INVALID_IDENTIFIER",
    )
    error(
        crm.query("contact_information/show", {"contact_information_identifier": "nonsense"}),
        400,
        "INVALID_IDENTIFIER",
    )
    error(
        crm.query("contact_information/show", {"contact_information_identifier": "colour=red"}),
        400,
        "INVALID_IDENTIFIER",
    )
    error(
        crm.query("contact_information/show", {"contact_information_identifier": "id=" + "F" * 32}),
        404,
        "NOT_FOUND",
    )
    error(
        crm.query("contact_information/show", {"contact_information_identifier": "id=XYZ"}), 404, "NOT_FOUND"
    )
    error(
        crm.query("contact_information/show", {"contact_information_identifier": "id_number=154209"}),
        400,
        "AMBIGUOUS_IDENTIFIER",
    )


def test_show_by_every_identifier(crm):
    person = create(
        crm, demographics={"id_number": "I1", "passport_number": "P1", "social_security_number": "S1"}
    )
    company = ok(
        crm.call(
            "contact_information/create",
            {
                "type": "COMPANY",
                "company_name": "C",
                "company_profile": {"vat_registration_number": "V1", "registration_number": "R1"},
            },
        )
    )
    for field, value, expected in [
        ("id_number", "I1", person),
        ("passport_number", "P1", person),
        ("social_security_number", "S1", person),
        ("vat_registration_number", "V1", company),
        ("registration_number", "R1", company),
    ]:
        data = ok(
            crm.query("contact_information/show", {"contact_information_identifier": f"{field}={value}"})
        )
        assert data["id"] == expected["id"]
        data = ok(
            crm.query(
                "contact_information/show", {"contact_information_identifier": json.dumps({field: value})}
            )
        )
        assert data["id"] == expected["id"]


def test_a_party_written_elsewhere_shows_its_change_log(crm, admin_user):
    person = PersonFactory(actor=admin_user, first_name="Jan", last_name="Peeters")
    data = show(crm, person.uuid.hex.upper())
    log = data["log_information"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d", log["created_date"])
    assert log["created_by_user"] == {
        "id": str(admin_user.pk),
        "username": "admin",
        "person_name": "admin",
        "email": "admin@example.com",
    }
    assert log["created_by_unit"]["name"] == "Admin Unit"
    assert log["created_by_unit"]["group_name"] == "Main Group"


def test_log_information_follows_the_latest_change_and_the_users_unit(crm, django_user_model):
    contact_id = create(crm)["id"]
    editor = django_user_model.objects.create_superuser(
        "editor", "e@example.com", "pw-not-used-123", first_name="Eddie", last_name="Tor"
    )
    unit = BusinessUnit.objects.create(
        name="Sales Unit", group=BusinessUnit.objects.get(is_default=True).group
    )
    unit.users.add(editor)
    from .conftest import CrmClient, login

    other = CrmClient()
    other.token = login(other, username="editor")
    ok(update(other, contact_id, phone_set=[{"action": "ADD", "type": "MOBILE", "number": "99"}]))
    log = show(crm, contact_id)["log_information"]
    assert log["created_by_user"]["username"] == "admin"
    assert (
        log["updated_by_user"]["username"] == "editor"
        and log["updated_by_user"]["person_name"] == "Eddie Tor"
    )
    assert log["updated_by_unit"]["name"] == "Sales Unit"
    assert log["created_by_unit"]["name"] == "Admin Unit"


# --- list ---------------------------------------------------------------------------------------


def test_list_by_id_number_with_paging(crm):
    first = create(crm, demographics={"id_number": "154209"})
    second = create(crm, demographics={"id_number": "154209"})
    create(crm, demographics={"id_number": "999"})
    data = ok(crm.query("contact_information/list", {"id_number": "154209"}))
    assert [c["id"] for c in data] == [first["id"], second["id"]]
    data = ok(
        crm.query("contact_information/list", {"id_number": "154209", "number_of_results": 1, "offset": 1})
    )
    assert [c["id"] for c in data] == [second["id"]]
    assert ok(crm.query("contact_information/list", {"id_number": "154209", "offset": 5})) == []
    assert ok(crm.query("contact_information/list", {"id_number": "nobody"})) == []
    data = ok(crm.query("contact_information/list", {"id_number": "154209", "fields_set": "id"}))
    assert data == [{"id": first["id"]}, {"id": second["id"]}]


def test_list_errors(crm):
    error(crm.query("contact_information/list"), 400, "INVALID_IDENTIFIER")
    error(crm.query("contact_information/list", {"fields_set": "id"}), 400, "INVALID_IDENTIFIER")
    error(
        crm.query("contact_information/list", {"id_number": "1", "offset": -1}),
        400,
        "INVALID_PARAMETER_VALUE",
    )
    error(
        crm.query("contact_information/list", {"id_number": "1", "number_of_results": 0}),
        400,
        "INVALID_PARAMETER_VALUE",
    )
    error(
        crm.query("contact_information/list", {"id_number": "1", "number_of_results": "x"}),
        400,
        "INVALID_PARAMETER_VALUE",
    )


def test_list_by_each_filter_combined_with_and(crm):
    a = create(
        crm,
        demographics={"passport_number": "P", "social_security_number": "S"},
        email_set=[{"type": "PERSONAL", "email_address": "Louis@Example.com"}],
        phone_set=[{"type": "MOBILE", "number": "99849996", "area_code": "53"}],
    )
    b = create(crm, demographics={"passport_number": "P"})
    company = ok(
        crm.call(
            "contact_information/create",
            {"type": "COMPANY", "company_name": "K", "company_profile": {"vat_registration_number": "V"}},
        )
    )

    def ids(**params):
        return [c["id"] for c in ok(crm.query("contact_information/list", params))]

    assert ids(passport_number="P") == [a["id"], b["id"]]
    assert ids(passport_number="P", social_security_number="S") == [a["id"]]
    assert ids(social_security_number="S", passport_number="other") == []
    assert ids(vat_registration_number="V") == [company["id"]]
    assert ids(email_address="louis@example.COM") == [a["id"]]
    assert ids(phone_number="99849996") == [a["id"]]
    assert ids(phone_number="005399849996") == [a["id"]]
    assert ids(phone_number="0053") == []


def test_list_query_count_is_constant(crm, django_assert_max_num_queries):
    target = create(crm, first_name="Target")

    def add(n):
        for i in range(n):
            create(
                crm,
                demographics={"id_number": "SAME", "country_of_residence_identifier": {"name": "Cyprus"}},
                category_identifier={"name": "Contact Category"},
                udf_string_1=f"u{i}",
                udf_float_1=i,
                address_set=[
                    {"type": "HOME", "street_name": "A", "country_identifier": {"id": "181"}},
                    {"type": "BUSINESS", "street_name": "B", "country_identifier": {"id": "209"}},
                ],
                phone_set=[{"type": "MOBILE", "number": f"9{i}", "country_identifier": {"id": "127"}}],
                email_set=[{"type": "PERSONAL", "email_address": f"p{i}@example.com"}],
                relation_set=[{"type": "FRIEND", "contact_information_identifier": {"id": target["id"]}}],
            )

    add(2)
    with CaptureQueriesContext(connection) as few:
        assert len(ok(crm.query("contact_information/list", {"id_number": "SAME"}))) == 2
    count = len(few.captured_queries)
    assert 0 < count <= 15
    add(6)
    with django_assert_max_num_queries(count):
        assert len(ok(crm.query("contact_information/list", {"id_number": "SAME"}))) == 8


# --- update -------------------------------------------------------------------------------------


def test_update_example(crm):
    contact_id = create(crm, middle_name="Aloz", phone_set=[{"type": "LANDLINE", "number": "22114455"}])["id"]
    response = update(
        crm,
        contact_id,
        **{
            "type ": "PERSON",
            "middle_name": None,
            "phone_set": [
                {
                    "action": "update",
                    "phone_identifier": {"type": "LANDLINE"},
                    "number": "99849996",
                    "country_identifier": {"id": "180"},
                }
            ],
            "send_direct_marketing_material": 0,
        },
    )
    data = ok(response)
    assert data["middle_name"] is None and data["first_name"] == "Louis"
    assert data["phones_set"][0]["number"] == "99849996"
    assert data["phones_set"][0]["full_number"] == "005399849996"
    assert data["authorization_settings"]["send_direct_marketing_material"] is False
    assert data["authorization_settings"]["direct_marketing_setting_updated_date"] is not None
    assert data["authorization_settings"]["affiliate_marketing_setting_updated_date"] is None
    assert data["company_profile"] is not None  # update shows the full view


def test_update_sets_add_update_remove(crm):
    contact_id = create(crm, address_set=[{"type": "HOME", "street_name": "Home street"}])["id"]
    data = ok(
        update(crm, contact_id, address_set=[{"action": "ADD", "type": "BUSINESS", "street_name": "Latisa"}])
    )
    assert len(data["addresses_set"]) == 2
    added = next(a for a in data["addresses_set"] if a["type"] == "BUSINESS")
    assert added["state"] == "Active"
    data = ok(
        update(
            crm,
            contact_id,
            address_set=[
                {"action": "update", "address_identifier": {"id": added["id"]}, "town_city": "Nicosia"}
            ],
        )
    )
    changed = next(a for a in data["addresses_set"] if a["id"] == added["id"])
    assert changed["town_city"] == "Nicosia" and changed["street_name"] == "Latisa"
    data = ok(
        update(crm, contact_id, address_set=[{"action": "REMOVE", "address_identifier": {"id": added["id"]}}])
    )
    assert [a["type"] for a in data["addresses_set"]] == ["HOME"]
    error(
        update(
            crm,
            contact_id,
            phone_set=[{"action": "UPDATE", "phone_identifier": {"type": "FAX"}, "number": "1"}],
        ),
        404,
        "NOT_FOUND",
    )
    error(
        update(
            crm, contact_id, address_set=[{"action": "REMOVE", "address_identifier": {"id": added["id"]}}]
        ),
        404,
        "NOT_FOUND",
    )


def test_update_set_item_errors(crm):
    contact_id = create(
        crm, phone_set=[{"type": "MOBILE", "number": "1"}, {"type": "MOBILE", "number": "2"}]
    )["id"]
    cases = [
        ({"phone_set": [{"phone_identifier": {"type": "MOBILE"}}]}, 400, "MANDATORY_PARAMETER_MISSING"),
        ({"phone_set": [{"action": "MERGE"}]}, 400, "INVALID_PARAMETER_VALUE"),
        ({"phone_set": [{"action": "REMOVE"}]}, 400, "MANDATORY_PARAMETER_MISSING"),
        ({"phone_set": [{"action": "REMOVE", "phone_identifier": {}}]}, 400, "INVALID_IDENTIFIER"),
        (
            {"phone_set": [{"action": "REMOVE", "phone_identifier": {"type": "MOBILE"}}]},
            400,
            "AMBIGUOUS_IDENTIFIER",
        ),
        ({"phone_set": [{"action": "ADD", "number": "3"}]}, 400, "MANDATORY_PARAMETER_MISSING"),
        ({"email_set": [{"action": "ADD", "type": "BUSINESS"}]}, 400, "MANDATORY_PARAMETER_MISSING"),
        (
            {"relation_set": [{"action": "REMOVE", "relation_identifier": {"type": "FRIEND"}}]},
            400,
            "INVALID_IDENTIFIER",
        ),
    ]
    for body, http, code in cases:
        error(update(crm, contact_id, **body), http, code)
    assert Phone.objects.count() == 2


def test_update_is_atomic(crm):
    contact_id = create(crm, phone_set=[{"type": "MOBILE", "number": "1"}])["id"]
    response = update(
        crm,
        contact_id,
        first_name="Changed",
        udf_string_1="x",
        phone_set=[
            {"action": "REMOVE", "phone_identifier": {"type": "MOBILE"}},
            {"action": "UPDATE", "phone_identifier": {"type": "FAX"}, "number": "2"},
        ],
    )
    error(response, 404, "NOT_FOUND")
    person = Party.objects.get()
    assert person.first_name == "Louis" and Phone.objects.count() == 1
    assert not CustomFieldValue.objects.exists()


def test_update_emails_and_primary(crm):
    contact_id = create(
        crm,
        email_set=[
            {"type": "PERSONAL", "email_address": "a@example.com"},
            {"type": "BUSINESS", "email_address": "b@example.com"},
        ],
    )["id"]
    assert EmailAddress.objects.get(is_primary=True).email == "a@example.com"
    data = ok(
        update(
            crm,
            contact_id,
            email_set=[
                {"action": "REMOVE", "email_identifier": {"type": "PERSONAL"}},
                {"action": "UPDATE", "email_identifier": {"type": "BUSINESS"}, "notes": "work"},
            ],
        )
    )
    assert [(e["email"], e["notes"], e["type"]) for e in data["emails_set"]] == [
        ("b@example.com", "work", "BUSINESS")
    ]
    assert EmailAddress.objects.get().is_primary


def test_update_relations(crm):
    friend = create(crm, first_name="Friend")
    boss = ok(crm.call("contact_information/create", {"type": "COMPANY", "company_name": "Boss Ltd"}))
    contact_id = create(
        crm,
        relation_set=[
            {"type": "FRIEND", "contact_information_identifier": {"id": friend["id"]}, "notes": "school"}
        ],
    )["id"]
    data = ok(
        update(
            crm,
            contact_id,
            relation_set=[
                {"action": "ADD", "type": "EMPLOYER", "contact_information_identifier": {"id": boss["id"]}}
            ],
        )
    )
    assert [r["type"] for r in data["relation_set"]] == ["FRIEND", "EMPLOYER"]
    employer = data["relation_set"][1]
    assert employer["contact"]["type"] == "COMPANY" and employer["contact"]["company_profile"] is not None
    assert employer["contact"]["demographics"] is None
    friend_relation = data["relation_set"][0]
    data = ok(
        update(
            crm,
            contact_id,
            relation_set=[
                {
                    "action": "UPDATE",
                    "relation_identifier": {"id": friend_relation["id"]},
                    "type": "CLOSE_FRIEND",
                },
                {"action": "REMOVE", "relation_identifier": {"id": employer["id"]}},
            ],
        )
    )
    assert [(r["type"], r["notes"]) for r in data["relation_set"]] == [("CLOSE_FRIEND", "school")]
    error(
        update(
            crm,
            contact_id,
            relation_set=[
                {"action": "ADD", "type": "FRIEND", "contact_information_identifier": {"id": contact_id}}
            ],
        ),
        400,
        "INVALID_PARAMETER_VALUE",
    )
    assert PartyRelation.objects.count() == 1


def test_update_leaves_omitted_fields_and_clears_nulls(crm):
    contact_id = create(
        crm,
        title="Mr",
        notes="n",
        udf_string_1="u",
        udf_float_1=1.5,
        category_identifier={"code": "Contact Category"},
        demographics={"gender": "MALE", "date_of_birth": {"day": 1, "month": 2, "year": 1990}},
    )["id"]
    data = ok(update(crm, contact_id, notes="changed"))
    assert data["title"] == "Mr" and data["notes"] == "changed" and data["udf_string_1"] == "u"
    assert data["category"]["name"] == "Contact Category"
    data = ok(
        update(
            crm,
            contact_id,
            title=None,
            udf_string_1=None,
            udf_float_1=None,
            category_identifier=None,
            demographics={"gender": None, "date_of_birth": None},
        )
    )
    assert data["title"] is None and data["udf_string_1"] is None and data["udf_float_1"] is None
    assert data["category"] is None
    assert data["demographics"]["gender"] is None
    assert data["demographics"]["date_of_birth"] == {"day": None, "month": None, "year": None}
    assert not CustomFieldValue.objects.exists()


@pytest.mark.parametrize("field", ["first_name", "last_name"])
def test_update_cannot_clear_mandatory_fields(crm, field):
    contact_id = create(crm)["id"]
    error(update(crm, contact_id, **{field: None}), 400, "MANDATORY_PARAMETER_MISSING")
    company = ok(crm.call("contact_information/create", {"type": "COMPANY", "company_name": "K"}))
    error(update(crm, company["id"], company_name=""), 400, "MANDATORY_PARAMETER_MISSING")


def test_update_type_cannot_change_and_company_profile_updates(crm):
    company = ok(crm.call("contact_information/create", {"type": "COMPANY", "company_name": "K"}))
    data = ok(
        update(
            crm, company["id"], type="PERSON", company_name="K2", company_profile={"number_of_employees": 12}
        )
    )
    assert data["type"] == "COMPANY" and data["name"] == "K2"
    assert data["company_profile"]["number_of_employees"] == 12


def test_update_identifier_errors(crm):
    error(crm.call("contact_information/update", {"first_name": "x"}), 400, "INVALID_IDENTIFIER")
    error(update(crm, "F" * 32, first_name="x"), 404, "NOT_FOUND")


def test_marketing_flags_stamp_only_when_given(crm):
    contact_id = create(crm)["id"]
    data = show(crm, contact_id)["authorization_settings"]
    assert data["direct_marketing_setting_updated_date"] is None
    data = ok(update(crm, contact_id, send_affiliate_marketing_material=True))["authorization_settings"]
    assert data["send_affiliate_marketing_material"] is True
    assert data["affiliate_marketing_setting_updated_by_user"]["username"] == "admin"
    assert data["direct_marketing_setting_updated_date"] is None


def test_a_company_created_elsewhere(crm):
    organisation = OrganisationFactory(name="Acme")
    data = show(crm, organisation.uuid.hex.upper())
    assert data["type"] == "COMPANY" and data["company_name"] == "Acme" and data["name"] == "Acme"
