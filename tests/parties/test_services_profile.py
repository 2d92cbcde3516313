"""Rules of the profile services (apps.parties.services_profile) and the fields CRM.COM and incwo
added to the parties services: consent stamps, name days, current jobs, relations, messenger
accounts, the primary e-mail, custom values by key, and atomic profile writes."""

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.utils import timezone

from apps.core.models import CustomFieldValue, ObjectChange
from apps.parties import services
from apps.parties import services_profile as sp
from apps.parties.data.reference import install
from apps.parties.models import (
    Address,
    AddressType,
    CompanyPosition,
    Country,
    EmailAddress,
    MessengerAccount,
    Party,
    PartyRelation,
)
from tests.factories import OrganisationFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def reference_data():
    if not Country.objects.exists():
        install(apps)


@pytest.fixture
def actor():
    return UserFactory()


def home():
    return AddressType.objects.get(code="home")


# --- consent stamps and name days -----------------------------------------------------------------


def test_giving_a_consent_flag_stamps_it_even_unchanged(actor):
    person = services.create_person(actor, first_name="A", last_name="B", direct_marketing_consent=False)
    assert person.direct_marketing_consent_set_at is not None
    assert person.direct_marketing_consent_set_by == actor
    assert person.affiliate_marketing_consent_set_at is None
    first = person.direct_marketing_consent_set_at
    services.update_party(actor, person, direct_marketing_consent=False)
    person.refresh_from_db()
    assert person.direct_marketing_consent_set_at > first
    services.update_party(None, person, notes="x")
    person.refresh_from_db()
    assert person.direct_marketing_consent_set_by == actor  # not given: untouched
    services.update_party(None, person, affiliate_marketing_consent=True)
    person.refresh_from_db()
    assert person.affiliate_marketing_consent and person.affiliate_marketing_consent_set_by is None


@pytest.mark.parametrize("month,day", [(2, 30), (13, 1), (4, 31), (None, 3), (3, None)])
def test_a_name_day_must_be_a_day_of_the_year(actor, month, day):
    with pytest.raises(ValidationError):
        services.create_person(actor, first_name="A", name_day_month=month, name_day_day=day)
    assert not Party.objects.exists()


def test_february_29_is_a_name_day(actor):
    person = services.create_person(actor, first_name="A", name_day_month=2, name_day_day=29)
    assert (person.name_day_month, person.name_day_day) == (2, 29)


def test_organisations_take_the_company_profile(actor):
    cyprus = Country.objects.get(alpha_2="CY")
    organisation = services.create_organisation(
        actor, name="K", registration_number="R1", registered_in_country=cyprus, number_of_employees=3
    )
    assert organisation.registered_in_country == cyprus
    with pytest.raises(ValueError):
        services.create_organisation(actor, name="K", id_number="1")  # a person's field


# --- e-mails: the first is primary -----------------------------------------------------------------


def test_first_email_is_primary_and_removing_it_promotes_the_oldest(actor):
    person = PersonFactory()
    a = sp.add_email(actor, person, email="a@example.com")
    b = sp.add_email(actor, person, email="b@example.com")
    c = sp.add_email(actor, person, email="c@example.com")
    assert [a.is_primary, b.is_primary, c.is_primary] == [True, False, False]
    sp.remove_email(actor, a)
    assert EmailAddress.objects.get(is_primary=True) == b
    sp.remove_email(actor, c)
    assert EmailAddress.objects.get(is_primary=True) == b


# --- current job ----------------------------------------------------------------------------------


def test_current_job(actor):
    person, firm = PersonFactory(), OrganisationFactory()
    position = sp.set_current_job(actor, person, sp.Job(title="Buyer"))
    assert position.is_primary and position.organisation is None and position.title == "Buyer"
    position = sp.set_current_job(actor, person, sp.Job(organisation=firm))
    assert (position.organisation, position.title) == (firm, "Buyer")
    sp.set_current_job(actor, person, sp.Job(department="Sales"))
    position.refresh_from_db()
    assert (position.organisation, position.title, position.department) == (firm, "Buyer", "Sales")
    other = OrganisationFactory()
    moved = sp.set_current_job(actor, person, sp.Job(organisation=other))
    assert moved.pk != position.pk  # a new job; the one at `firm` is ended, not rewritten
    assert (moved.organisation, moved.title, moved.department, moved.is_primary) == (
        other,
        "Buyer",
        "Sales",
        True,
    )
    position.refresh_from_db()
    assert (position.organisation, position.is_primary, position.end_date) == (
        firm,
        False,
        timezone.localdate(),
    )
    assert sp.set_current_job(actor, person, sp.Job(organisation=None, title="", department=None)) is None
    assert not CompanyPosition.objects.filter(is_primary=True).exists()
    assert CompanyPosition.objects.count() == 2  # the job history stays
    assert sp.set_current_job(actor, person, sp.Job()) is None

    loose = sp.set_current_job(actor, person, sp.Job(title="Consultant"))  # no employer
    assert sp.set_current_job(actor, person, sp.Job(title="")) is None
    assert not CompanyPosition.objects.filter(pk=loose.pk).exists()  # nothing worth keeping


def test_an_employer_must_be_an_organisation(actor):
    with pytest.raises(ValidationError):
        sp.set_current_job(actor, PersonFactory(), sp.Job(organisation=PersonFactory()))


def test_a_position_without_employer_needs_a_title_and_to_be_current(actor):
    person = PersonFactory()
    with pytest.raises(ValidationError):
        services.add_company_position(actor, person, title="Buyer")  # not the current job
    with pytest.raises(ValidationError):
        services.add_company_position(actor, person, is_primary=True)


# --- relations and messenger accounts ------------------------------------------------------------


def test_relations_are_logged_on_the_party(actor):
    person, other = PersonFactory(), PersonFactory()
    relation = sp.add_relation(actor, person, related_party=other, type="friend", notes="school")
    sp.update_relation(actor, relation, type="close_friend")
    sp.delete_relation(actor, relation)
    actions = list(
        ObjectChange.objects.filter(content_type__model="partyrelation", related_object_id=person.pk)
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["create", "update", "delete"]


def test_a_party_is_not_related_to_itself(actor):
    person = PersonFactory()
    with pytest.raises(ValidationError):
        sp.add_relation(actor, person, related_party=person, type="friend")
    with pytest.raises(ValidationError):
        sp.add_relation(actor, person, related_party=PersonFactory(), type="enemy")
    assert not PartyRelation.objects.exists()


def test_messenger_accounts(actor):
    person = PersonFactory()
    account = sp.add_messenger_account(actor, person, service="skype", handle="me")
    with pytest.raises(ValidationError):
        sp.add_messenger_account(actor, person, service="telex", handle="me")
    sp.delete_messenger_account(actor, account)
    assert not MessengerAccount.objects.exists()
    assert ObjectChange.objects.filter(content_type__model="messengeraccount").count() == 2


# --- custom values by key -----------------------------------------------------------------------


def test_custom_values_by_key(actor):
    person = PersonFactory()
    sp.set_custom_values(
        actor, person, {"udf_string_1": "x", "udf_float_1": "1.5", "udf_date_1": "2014-05-05"}
    )
    values = {v.field.key: v.value for v in CustomFieldValue.objects.select_related("field")}
    assert values["udf_string_1"] == "x" and str(values["udf_float_1"]) == "1.500000"
    sp.set_custom_values(actor, person, {"udf_string_1": None})
    assert not CustomFieldValue.objects.filter(field__key="udf_string_1").exists()
    with pytest.raises(ValidationError) as exc:
        sp.set_custom_values(actor, person, {"udf_float_2": "ten"})
    assert "udf_float_2" in exc.value.message_dict
    with pytest.raises(ValidationError):
        sp.set_custom_values(actor, person, {"no_such_field": "x"})


# --- whole profiles -------------------------------------------------------------------------------


def test_create_party_profile_is_atomic(actor):
    # the first address fills the main one, ten more are homes, the twelfth is one too many
    items = [sp.ItemChange("address", "add", data={"kind": "home", "street": f"S{i}"}) for i in range(12)]
    with pytest.raises(ValidationError) as exc:
        sp.create_party_profile(
            actor, "person", fields={"first_name": "A"}, custom_values={"udf_string_1": "x"}, items=items
        )
    assert "address.11.address_type" in exc.value.message_dict
    assert not Party.objects.exists() and not CustomFieldValue.objects.exists()
    assert not ObjectChange.objects.exists()


def test_create_party_profile_with_everything(actor):
    firm = OrganisationFactory()
    other = PersonFactory()
    person = sp.create_party_profile(
        actor,
        "person",
        fields={"first_name": "A", "last_name": "B", "relationship": "client"},
        custom_values={"udf_string_2": "y"},
        job=sp.Job(organisation=firm, title="CEO"),
        items=[
            sp.ItemChange("address", "add", data={"kind": "business", "street": "S"}),
            sp.ItemChange("phone", "add", data={"number": "1", "kind": "mobile"}),
            sp.ItemChange("email", "add", data={"email": "a@example.com"}),
            sp.ItemChange("messenger", "add", data={"service": "icq", "handle": "1"}),
            sp.ItemChange("relation", "add", data={"related_party": other, "type": "friend"}),
        ],
    )
    assert person.relationship == "client"
    # the first address is written into the main (correspondence) address, with its kind
    main = person.addresses.get()
    assert (main.is_default, main.street, main.main_kind, main.country) == (True, "S", "business", "BE")
    assert person.email_addresses.get().is_primary
    assert person.company_positions.get().organisation == firm
    assert person.relations.get().related_party == other


def test_update_party_profile_removes_first_and_checks_ownership(actor):
    person = PersonFactory()
    existing = [services.add_address(actor, person, address_type=home(), street=f"S{i}") for i in range(10)]
    sp.update_party_profile(
        actor,
        person,
        items=[
            sp.ItemChange("address", "add", data={"kind": "home", "street": "new"}),
            sp.ItemChange("address", "remove", row=existing[0]),
        ],
    )
    assert Address.objects.filter(party=person, address_type=home()).count() == 10
    with pytest.raises(ValueError):
        sp.update_party_profile(
            actor, PersonFactory(), items=[sp.ItemChange("address", "remove", row=existing[1])]
        )
