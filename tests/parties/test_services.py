import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db.models import ProtectedError
from django.utils import timezone

from apps.core.models import CustomFieldValue, ObjectChange
from apps.core.services import set_custom_field_value
from apps.parties import services
from apps.parties.models import (
    Address,
    AddressType,
    Combination,
    CompanyPosition,
    Education,
    EmailAddress,
    Function,
    Group,
    Membership,
    Party,
    Phone,
    Segment,
)
from tests.factories import (
    AddressTypeFactory,
    CombinationFactory,
    CustomFieldFactory,
    FunctionFactory,
    GroupFactory,
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
    TagFactory,
    UserFactory,
)

D = datetime.date
OLD = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)

pytestmark = pytest.mark.django_db


@pytest.fixture
def actor():
    return UserFactory(username="clerk")


@pytest.fixture
def person(actor):
    return PersonFactory(first_name="Ann", last_name="Smith")


@pytest.fixture
def organisation():
    return OrganisationFactory(name="Acme")


def ct(model):
    return ContentType.objects.get_for_model(model)


def entries(obj_or_model, action=None, pk=None):
    """Change log entries about one object (or every object of a model), oldest first. A deleted
    object has lost its pk: pass the one it had."""
    if isinstance(obj_or_model, type):
        qs = ObjectChange.objects.filter(content_type=ct(obj_or_model))
    else:
        qs = ObjectChange.objects.filter(content_type=ct(type(obj_or_model)), object_id=pk or obj_or_model.pk)
    if action:
        qs = qs.filter(action=action)
    return list(qs.order_by("time", "id"))


def assert_logged(obj, action, actor, parent=None, pk=None):
    """The newest entry about `obj` is `action` by `actor`, shown in `parent`'s history."""
    found = entries(obj, pk=pk)
    assert found, f"nothing logged about {obj!r}"
    entry = found[-1]
    assert entry.action == action
    assert entry.user == actor and entry.user_name == actor.get_username()
    if parent is None:
        assert entry.related_content_type is None and entry.related_object_id is None
    else:
        assert entry.related_content_type == ct(Party)
        assert entry.related_object_id == parent.pk
    return entry


def age(party):
    Party.objects.filter(pk=party.pk).update(updated=OLD)


def was_touched(party):
    return Party.objects.get(pk=party.pk).updated > OLD


def default_type():
    return AddressType.objects.get(is_default=True)


def nothing_written():
    return not Party.objects.exists() and not Address.objects.exists() and not ObjectChange.objects.exists()


# --- Address types --------------------------------------------------------------------------


class TestAddressTypes:
    def test_create_is_logged(self, actor):
        address_type = services.create_address_type(actor, description="Holiday", max_amount=2)
        assert (address_type.description, address_type.max_amount, address_type.is_default) == (
            "Holiday",
            2,
            False,
        )
        assert assert_logged(address_type, "create", actor).after["max_amount"] == 2

    @pytest.mark.parametrize("max_amount", [0, -1])
    def test_max_amount_is_at_least_one(self, actor, max_amount):
        count = AddressType.objects.count()
        with pytest.raises(ValidationError) as exc:
            services.create_address_type(actor, description="Holiday", max_amount=max_amount)
        assert "max_amount" in exc.value.message_dict
        assert AddressType.objects.count() == count

    def test_a_code_in_use_is_refused_as_a_validation_error(self, actor):
        services.create_address_type(actor, description="Holiday", max_amount=1, code="holiday")
        with pytest.raises(ValidationError) as exc:
            services.create_address_type(actor, description="Holiday 2", max_amount=1, code="holiday")
        assert "code" in exc.value.message_dict
        assert AddressType.objects.filter(code="holiday").count() == 1

    def test_update_is_logged(self, actor):
        address_type = AddressTypeFactory(max_amount=1)
        services.update_address_type(actor, address_type, description="Second home", max_amount=3)
        address_type.refresh_from_db()
        assert (address_type.description, address_type.max_amount) == ("Second home", 3)
        entry = assert_logged(address_type, "update", actor)
        assert entry.changed_fields == ["description", "max_amount"]

    def test_update_to_zero_is_refused(self, actor):
        address_type = AddressTypeFactory(max_amount=2)
        with pytest.raises(ValidationError) as exc:
            services.update_address_type(actor, address_type, description="x", max_amount=0)
        assert "max_amount" in exc.value.message_dict
        address_type.refresh_from_db()
        assert address_type.max_amount == 2

    def test_max_amount_cannot_drop_below_what_a_party_holds(self, actor, person):
        address_type = AddressTypeFactory(max_amount=5)
        other = PersonFactory()
        for _ in range(3):
            services.add_address(actor, person, address_type=address_type, city="Gent")
        services.add_address(actor, other, address_type=address_type)
        with pytest.raises(ValidationError) as exc:
            services.update_address_type(actor, address_type, description="x", max_amount=2)
        assert "max_amount" in exc.value.message_dict
        address_type.refresh_from_db()
        assert (address_type.description, address_type.max_amount) == (address_type.description, 5)
        assert not entries(address_type, "update")
        # exactly what the busiest party holds is fine
        services.update_address_type(actor, address_type, description="x", max_amount=3)
        address_type.refresh_from_db()
        assert address_type.max_amount == 3

    def test_the_default_type_cannot_be_deleted(self, actor):
        with pytest.raises(ValidationError) as exc:
            services.delete_address_type(actor, default_type())
        assert exc.value.messages == ["The default address type cannot be deleted."]
        assert AddressType.objects.filter(is_default=True).exists()
        assert not entries(AddressType, "delete")

    def test_a_type_in_use_cannot_be_deleted(self, actor, person):
        address_type = AddressTypeFactory()
        services.add_address(actor, person, address_type=address_type)
        with pytest.raises(ValidationError) as exc:
            services.delete_address_type(actor, address_type)
        assert exc.value.messages == ["This address type is in use and cannot be deleted."]
        assert AddressType.objects.filter(pk=address_type.pk).exists()
        assert not entries(AddressType, "delete")

    def test_an_unused_type_is_deleted_and_logged(self, actor):
        address_type = AddressTypeFactory(description="Holiday")
        pk = address_type.pk
        services.delete_address_type(actor, address_type)
        assert not AddressType.objects.filter(pk=pk).exists()
        entry = entries(AddressType, "delete")[-1]
        assert (entry.object_id, entry.before["description"], entry.user) == (pk, "Holiday", actor)

    def test_the_default_type_is_recreated_when_missing(self):
        AddressType.objects.filter(is_default=True).delete()
        address_type = services.get_default_address_type()
        assert address_type.is_default and address_type.max_amount == 1
        assert services.get_default_address_type() == address_type


# --- Creating parties -----------------------------------------------------------------------


class TestCreate:
    def test_create_person_with_contact_details(self, actor):
        person = services.create_person(
            actor,
            first_name="Ann",
            middle_name="M.",
            last_name="Smith",
            birth_date=D(1990, 5, 15),
            gender="F",
            preferred_language="nl",
            email="ann@example.com",
            phone="+32 9 123 45 67",
            mobile="+32 470 12 34 56",
        )
        person.refresh_from_db()
        assert person.kind == Party.Kind.PERSON
        assert person.name == "Ann M. Smith"
        address = person.addresses.get()
        assert address.is_default and address.address_type == default_type()
        assert list(person.email_addresses.values_list("email", "is_primary")) == [("ann@example.com", True)]
        assert sorted(person.phones.values_list("kind", "number")) == [
            ("landline", "+32 9 123 45 67"),
            ("mobile", "+32 470 12 34 56"),
        ]
        assert person.primary_email == "ann@example.com"
        assert person.first_phone("mobile") == "+32 470 12 34 56"

    def test_create_logs_every_row_with_the_actor_and_the_party_as_parent(self, actor):
        person = services.create_person(actor, last_name="Smith", email="s@example.com", mobile="0470")
        assert assert_logged(person, "create", actor).after["last_name"] == "Smith"
        assert_logged(person.addresses.get(), "create", actor, parent=person)
        assert_logged(person.email_addresses.get(), "create", actor, parent=person)
        assert_logged(person.phones.get(), "create", actor, parent=person)
        assert ObjectChange.objects.count() == 4

    def test_without_contact_details_only_the_default_address_is_created(self, actor):
        person = services.create_person(actor, first_name="Ann")
        assert person.name == "Ann"
        assert person.addresses.count() == 1
        assert not person.email_addresses.exists() and not person.phones.exists()

    def test_create_organisation(self, actor):
        organisation = services.create_organisation(
            actor, name="Acme", vat_number="BE0123456789", email="info@acme.test", phone="09 111"
        )
        organisation.refresh_from_db()
        assert (organisation.kind, organisation.name) == ("organisation", "Acme")
        address = organisation.addresses.get()
        assert address.is_default and address.address_type.is_default
        assert organisation.primary_email == "info@acme.test"
        assert organisation.first_phone("landline") == "09 111"
        assert_logged(organisation, "create", actor)

    @pytest.mark.parametrize("names", [{}, {"first_name": ""}, {"first_name": " ", "last_name": "  "}])
    def test_a_person_needs_a_name(self, actor, names):
        with pytest.raises(ValidationError) as exc:
            services.create_person(actor, **names)
        assert "last_name" in exc.value.message_dict
        assert nothing_written()

    @pytest.mark.parametrize("name", ["", "   "])
    def test_an_organisation_needs_a_name(self, actor, name):
        with pytest.raises(ValidationError) as exc:
            services.create_organisation(actor, name=name)
        assert "name" in exc.value.message_dict
        assert nothing_written()

    @pytest.mark.parametrize(
        "bad, key",
        [
            ({"email": "not-an-email"}, "email"),
            ({"phone": "1" * 51}, "number"),
            ({"mobile": "1" * 51}, "number"),
            ({"gender": "Q"}, "gender"),
            ({"preferred_language": "xx"}, "preferred_language"),
            ({"birth_date": "15/05/1990"}, "birth_date"),
        ],
    )
    def test_a_failed_create_leaves_nothing_half_written(self, actor, bad, key):
        with pytest.raises(ValidationError) as exc:
            services.create_person(actor, **{"first_name": "Ann", "email": "ann@example.com", **bad})
        assert key in exc.value.message_dict
        assert nothing_written()
        assert not EmailAddress.objects.exists() and not Phone.objects.exists()

    def test_a_failed_organisation_create_leaves_nothing(self, actor):
        with pytest.raises(ValidationError):
            services.create_organisation(actor, name="Acme", email="acme at example")
        assert nothing_written()

    def test_unknown_fields_are_a_programming_error(self, actor):
        with pytest.raises(ValueError):
            services.create_person(actor, first_name="Ann", nickname="A")
        with pytest.raises(ValueError):
            services.create_organisation(actor, name="Acme", first_name="Ann")  # not an organisation field
        assert nothing_written()

    def test_without_an_actor_nothing_names_a_user(self):
        person = services.create_person(None, first_name="Ann")
        assert all(e.user is None and e.user_name == "" for e in entries(person))


@pytest.mark.django_db(transaction=True)
def test_a_failed_create_rolls_back_a_real_transaction():
    """Without the test's surrounding transaction: each step really commits or rolls back."""
    AddressType.objects.get_or_create(
        is_default=True, defaults={"description": "Correspondence", "max_amount": 1}
    )
    before = (Party.objects.count(), Address.objects.count(), ObjectChange.objects.count())
    with pytest.raises(ValidationError):
        services.create_person(None, first_name="Ann", email="not-an-email")
    with pytest.raises(ValidationError):
        services.create_person(None, first_name="Ann", email="ann@example.com", mobile="x" * 60)
    assert (Party.objects.count(), Address.objects.count(), ObjectChange.objects.count()) == before
    assert not EmailAddress.objects.exists()


# --- Updating and deleting parties ----------------------------------------------------------


class TestUpdate:
    def test_a_persons_name_follows_its_parts(self, actor, person):
        services.update_party(actor, person, last_name="Jones", middle_name="B.")
        person.refresh_from_db()
        assert person.name == "Ann B. Jones"
        entry = assert_logged(person, "update", actor)
        assert entry.changed_fields == ["last_name", "middle_name", "name"]
        assert (entry.before["name"], entry.after["name"]) == ("Ann Smith", "Ann B. Jones")

    @pytest.mark.parametrize("blank", ["", "  "])
    def test_a_person_keeps_a_name(self, actor, person, blank):
        with pytest.raises(ValidationError) as exc:
            services.update_party(actor, person, first_name=blank, last_name=blank)
        assert "last_name" in exc.value.message_dict
        assert Party.objects.get(pk=person.pk).name == "Ann Smith"

    def test_an_organisation_keeps_a_name(self, actor, organisation):
        with pytest.raises(ValidationError):
            services.update_party(actor, organisation, name=" ")
        assert Party.objects.get(pk=organisation.pk).name == "Acme"

    def test_an_organisation_is_renamed(self, actor, organisation):
        services.update_party(actor, organisation, name="Acme Inc")
        assert Party.objects.get(pk=organisation.pk).name == "Acme Inc"

    def test_a_person_cannot_be_given_an_organisation_name(self, actor, person):
        with pytest.raises(ValueError):
            services.update_party(actor, person, name="Other")

    def test_no_change_writes_no_entry(self, actor, person):
        count = ObjectChange.objects.count()
        services.update_party(actor, person, first_name="Ann")
        assert ObjectChange.objects.count() == count

    def test_email_is_set_changed_and_cleared(self, actor, person):
        services.update_party(actor, person, email="a@example.com")
        row = person.email_addresses.get()
        assert (row.email, row.is_primary) == ("a@example.com", True)
        assert_logged(row, "create", actor, parent=person)
        services.update_party(actor, person, email="b@example.com")
        assert list(person.email_addresses.values_list("pk", "email")) == [(row.pk, "b@example.com")]
        assert_logged(row, "update", actor, parent=person)
        pk = row.pk
        services.update_party(actor, person, email="")
        assert not person.email_addresses.exists()
        assert_logged(row, "delete", actor, parent=person, pk=pk)

    def test_clearing_the_email_keeps_secondary_addresses(self, actor, person):
        services.update_party(actor, person, email="a@example.com")
        services.add_email_address(actor, person, email="work@example.com")
        services.update_party(actor, person, email="")
        assert list(person.email_addresses.values_list("email", "is_primary")) == [
            ("work@example.com", False)
        ]

    def test_phone_and_mobile_are_set_and_cleared(self, actor, person):
        services.update_party(actor, person, phone="09 111", mobile="0470 111")
        assert sorted(person.phones.values_list("kind", "number")) == [
            ("landline", "09 111"),
            ("mobile", "0470 111"),
        ]
        services.update_party(actor, person, mobile="0470 222")
        assert sorted(person.phones.values_list("kind", "number")) == [
            ("landline", "09 111"),
            ("mobile", "0470 222"),
        ]
        services.update_party(actor, person, phone="")
        assert list(person.phones.values_list("kind", "number")) == [("mobile", "0470 222")]

    def test_an_unchanged_email_writes_nothing(self, actor, person):
        services.update_party(actor, person, email="a@example.com")
        count = ObjectChange.objects.count()
        services.update_party(actor, person, email="a@example.com", phone="")
        assert ObjectChange.objects.count() == count

    def test_a_failed_update_changes_nothing(self, actor, person):
        with pytest.raises(ValidationError):
            services.update_party(actor, person, last_name="Jones", email="bad")
        stored = Party.objects.get(pk=person.pk)
        assert (stored.last_name, stored.name) == ("Smith", "Ann Smith")
        assert not entries(person, "update")
        assert not EmailAddress.objects.exists()


class TestDelete:
    def test_delete_cascades_to_everything_the_party_holds(self, actor, person):
        services.update_party(actor, person, email="a@example.com", phone="09")
        services.add_address(actor, person, address_type=AddressTypeFactory(), city="Gent")
        services.add_education(actor, person, school="UGent")
        services.add_company_position(actor, person, company_name="Acme", title="CEO")
        membership = MembershipFactory(party=person)
        services.set_tags(actor, person, [TagFactory()])
        value = set_custom_field_value(actor, person, CustomFieldFactory(), "x")
        pk = person.pk
        services.delete_party(actor, person)
        assert not Party.objects.filter(pk=pk).exists()
        for model in (Address, EmailAddress, Phone, Membership):
            assert not model.objects.filter(party_id=pk).exists(), model
        for model in (Education, CompanyPosition):
            assert not model.objects.filter(person_id=pk).exists(), model
        assert not CustomFieldValue.objects.filter(pk=value.pk).exists()
        assert Combination.objects.filter(pk=membership.combination_id).exists()
        entry = entries(Party, "delete")[-1]
        assert (entry.object_id, entry.user, entry.before["last_name"]) == (pk, actor, "Smith")

    def test_deleting_an_organisation_keeps_its_employees_positions_named(self, actor, person, organisation):
        position = services.set_employer(actor, person, organisation, title="CEO")
        services.delete_party(actor, organisation)
        position.refresh_from_db()
        assert position.organisation_id is None
        assert position.employer_name == "Acme"
        assert position.company_name == "Acme"
        assert_logged(position, "update", actor, parent=person)

    def test_a_party_with_financial_accounts_is_not_deleted(self, actor, person):
        from apps.accounts.models import Account
        from apps.accounts.services import create_account

        create_account(actor, person, currency="EUR")
        with pytest.raises(ValidationError, match="accounts still refer to it"):
            services.delete_party(actor, person)
        assert Party.objects.filter(pk=person.pk).exists()
        assert Account.objects.filter(party=person).count() == 1
        assert not entries(Party, "delete")


class TestTags:
    def test_set_tags_replaces_the_tags_touches_and_logs(self, actor, person):
        red, blue, green = TagFactory(name="red"), TagFactory(name="blue"), TagFactory(name="green")
        services.set_tags(actor, person, [red, blue])
        age(person)
        services.set_tags(actor, person, [blue, green])
        assert set(person.tags.all()) == {blue, green}
        assert was_touched(person)
        entry = assert_logged(person, "update", actor)
        assert sorted(entry.before["tags"]) == sorted([red.pk, blue.pk])
        assert sorted(entry.after["tags"]) == sorted([blue.pk, green.pk])

    def test_setting_the_same_tags_logs_nothing(self, actor, person):
        red = TagFactory()
        services.set_tags(actor, person, [red])
        count = ObjectChange.objects.count()
        services.set_tags(actor, person, [red])
        assert ObjectChange.objects.count() == count


# --- Addresses ------------------------------------------------------------------------------


class TestAddresses:
    def test_add_is_logged_and_touches(self, actor, person):
        age(person)
        address = services.add_address(
            actor, person, address_type=AddressTypeFactory(), street="Kerkstraat", number="1", city="Gent"
        )
        assert (address.is_default, address.city, address.country) == (False, "Gent", "BE")
        assert_logged(address, "create", actor, parent=person)
        assert was_touched(person)

    def test_at_most_max_amount_per_type_and_party(self, actor, person):
        address_type = AddressTypeFactory(max_amount=2)
        services.add_address(actor, person, address_type=address_type)
        services.add_address(actor, person, address_type=address_type)
        with pytest.raises(ValidationError) as exc:
            services.add_address(actor, person, address_type=address_type)
        assert exc.value.message_dict == {
            "address_type": ["Maximum number of addresses of this type reached."]
        }
        assert person.addresses.filter(address_type=address_type).count() == 2
        # another party is not affected
        services.add_address(actor, PersonFactory(), address_type=address_type)

    def test_no_second_address_of_the_default_type(self, actor, person):
        with pytest.raises(ValidationError):
            services.add_address(actor, person, address_type=default_type())
        assert person.addresses.count() == 1

    def test_invalid_fields_are_refused(self, actor, person):
        with pytest.raises(ValidationError) as exc:
            services.add_address(actor, person, address_type=AddressTypeFactory(), country="BEL")
        assert "country" in exc.value.message_dict
        assert person.addresses.count() == 1

    def test_the_default_address_cannot_be_deleted(self, actor, person):
        default = person.addresses.get()
        with pytest.raises(ValidationError) as exc:
            services.delete_address(actor, default)
        assert exc.value.messages == ["The default address cannot be deleted."]
        assert Address.objects.filter(pk=default.pk).exists()
        assert not entries(default, "delete")

    def test_another_address_is_deleted_and_logged(self, actor, person):
        address = services.add_address(actor, person, address_type=AddressTypeFactory())
        pk = address.pk
        age(person)
        services.delete_address(actor, address)
        assert not Address.objects.filter(pk=pk).exists()
        entry = entries(Address, "delete")[-1]
        assert entry.object_id == pk and entry.related_object_id == person.pk and entry.user == actor
        assert was_touched(person)

    def test_update_fields_is_logged(self, actor, person):
        default = person.addresses.get()
        services.update_address(actor, default, street="Veldstraat", city="Gent")
        default.refresh_from_db()
        assert (default.street, default.city, default.is_default) == ("Veldstraat", "Gent", True)
        # the empty main address gets the install's default country with its first content
        assert assert_logged(default, "update", actor, parent=person).changed_fields == [
            "city",
            "country",
            "street",
        ]
        assert default.country == "BE"

    def test_the_default_address_keeps_the_default_type(self, actor, person):
        default = person.addresses.get()
        with pytest.raises(ValidationError) as exc:
            services.update_address(actor, default, address_type=AddressTypeFactory(max_amount=5), city="X")
        assert "address_type" in exc.value.message_dict
        default.refresh_from_db()
        assert default.address_type.is_default and default.city == ""
        # naming its own type again is fine
        services.update_address(actor, default, address_type=default_type(), city="Gent")

    def test_a_type_change_rechecks_the_maximum(self, actor, person):
        home, work = AddressTypeFactory(max_amount=2), AddressTypeFactory(max_amount=1)
        first = services.add_address(actor, person, address_type=home)
        second = services.add_address(actor, person, address_type=home)
        services.update_address(actor, first, address_type=work)
        with pytest.raises(ValidationError) as exc:
            services.update_address(actor, second, address_type=work)
        assert "address_type" in exc.value.message_dict
        second.refresh_from_db()
        assert second.address_type == home

    def test_a_full_type_does_not_block_updating_its_own_addresses(self, actor, person):
        work = AddressTypeFactory(max_amount=1)
        address = services.add_address(actor, person, address_type=work)
        services.update_address(actor, address, address_type=work, city="Brugge")
        address.refresh_from_db()
        assert address.city == "Brugge"


# --- E-mail addresses and phones ------------------------------------------------------------


def primaries(party):
    return list(party.email_addresses.filter(is_primary=True).values_list("email", flat=True))


class TestEmails:
    def test_add_a_secondary_address(self, actor, person):
        services.set_primary_email(actor, person, "main@example.com")
        row = services.add_email_address(actor, person, email="work@example.com", description="work")
        assert not row.is_primary
        assert primaries(person) == ["main@example.com"]
        assert_logged(row, "create", actor, parent=person)

    def test_adding_a_primary_demotes_the_old_one(self, actor, person):
        old = services.set_primary_email(actor, person, "old@example.com")
        new = services.add_email_address(actor, person, email="new@example.com", is_primary=True)
        assert primaries(person) == ["new@example.com"]
        old.refresh_from_db()
        assert not old.is_primary and new.is_primary
        assert Party.objects.get(pk=person.pk).primary_email == "new@example.com"

    def test_the_demotion_is_logged_too(self, actor, person):
        old = services.set_primary_email(actor, person, "old@example.com")
        services.add_email_address(actor, person, email="new@example.com", is_primary=True)
        entry = assert_logged(old, "update", actor, parent=person)
        assert (entry.before["is_primary"], entry.after["is_primary"]) == (True, False)
        newer = services.add_email_address(actor, person, email="newer@example.com")
        services.update_email_address(actor, newer, is_primary=True)
        demoted = EmailAddress.objects.get(email="new@example.com")
        assert not demoted.is_primary
        assert assert_logged(demoted, "update", actor, parent=person).changed_fields == ["is_primary"]

    def test_promoting_by_update_demotes_the_old_one(self, actor, person):
        services.set_primary_email(actor, person, "old@example.com")
        other = services.add_email_address(actor, person, email="other@example.com")
        services.update_email_address(actor, other, is_primary=True)
        assert primaries(person) == ["other@example.com"]
        assert assert_logged(other, "update", actor, parent=person).changed_fields == ["is_primary"]

    def test_an_invalid_address_is_refused_and_the_primary_kept(self, actor, person):
        services.set_primary_email(actor, person, "old@example.com")
        with pytest.raises(ValidationError) as exc:
            services.add_email_address(actor, person, email="nope", is_primary=True)
        assert "email" in exc.value.message_dict
        assert primaries(person) == ["old@example.com"]
        assert person.email_addresses.count() == 1

    def test_update_refuses_an_invalid_address(self, actor, person):
        row = services.add_email_address(actor, person, email="a@example.com")
        with pytest.raises(ValidationError):
            services.update_email_address(actor, row, email="not valid")
        assert EmailAddress.objects.get(pk=row.pk).email == "a@example.com"

    def test_delete_is_logged_and_touches(self, actor, person):
        row = services.add_email_address(actor, person, email="a@example.com")
        pk = row.pk
        age(person)
        services.delete_email_address(actor, row)
        assert not EmailAddress.objects.filter(pk=pk).exists()
        assert entries(EmailAddress, "delete")[-1].related_object_id == person.pk
        assert was_touched(person)


class TestPhones:
    def test_add_update_delete(self, actor, person):
        age(person)
        row = services.add_phone(actor, person, number="09 111", kind=Phone.Kind.FAX, description="office")
        assert was_touched(person)
        assert_logged(row, "create", actor, parent=person)
        services.update_phone(actor, row, number="09 222")
        assert Phone.objects.get(pk=row.pk).number == "09 222"
        assert assert_logged(row, "update", actor, parent=person).changed_fields == ["number"]
        pk = row.pk
        services.delete_phone(actor, row)
        assert not person.phones.exists()
        assert_logged(row, "delete", actor, parent=person, pk=pk)

    def test_an_unknown_kind_is_refused(self, actor, person):
        with pytest.raises(ValidationError) as exc:
            services.add_phone(actor, person, number="09", kind="pager")
        assert "kind" in exc.value.message_dict
        assert not person.phones.exists()

    def test_a_number_is_required(self, actor, person):
        with pytest.raises(ValidationError):
            services.add_phone(actor, person, number="")

    def test_set_phone_sets_the_first_of_its_kind_only(self, actor, person):
        first = services.add_phone(actor, person, number="09 1", kind=Phone.Kind.LANDLINE)
        second = services.add_phone(actor, person, number="09 2", kind=Phone.Kind.LANDLINE)
        services.set_phone(actor, person, Phone.Kind.LANDLINE, "09 9")
        assert list(person.phones.order_by("id").values_list("pk", "number")) == [
            (first.pk, "09 9"),
            (second.pk, "09 2"),
        ]
        services.set_phone(actor, person, Phone.Kind.LANDLINE, "")
        assert list(person.phones.values_list("pk", flat=True)) == [second.pk]

    def test_one_primary_number_per_kind_and_context(self, actor, person):
        home = services.add_phone(actor, person, number="1", kind=Phone.Kind.MOBILE, is_primary=True)
        work = services.add_phone(
            actor, person, number="2", kind=Phone.Kind.MOBILE, context="business", is_primary=True
        )
        landline = services.add_phone(actor, person, number="3", is_primary=True)
        newer = services.add_phone(actor, person, number="4", kind=Phone.Kind.MOBILE, is_primary=True)
        primaries = set(person.phones.filter(is_primary=True).values_list("pk", flat=True))
        assert primaries == {work.pk, landline.pk, newer.pk}  # `home` was demoted, logged
        assert assert_logged(home, "update", actor, parent=person).changed_fields == ["is_primary"]
        services.update_phone(actor, home, is_primary=True)
        primaries = set(person.phones.filter(is_primary=True).values_list("pk", flat=True))
        assert primaries == {work.pk, landline.pk, home.pk}


# --- Educations and company positions -------------------------------------------------------


class TestEducations:
    def test_add_update_delete_are_logged_against_the_person(self, actor, person):
        education = services.add_education(
            actor, person, school="UGent", start_date=D(2008, 9, 1), end_date=D(2012, 6, 30)
        )
        assert_logged(education, "create", actor, parent=person)
        services.update_education(actor, education, degree="MSc")
        assert Education.objects.get(pk=education.pk).degree == "MSc"
        assert_logged(education, "update", actor, parent=person)
        pk = education.pk
        services.delete_education(actor, education)
        assert not person.educations.exists()
        assert_logged(education, "delete", actor, parent=person, pk=pk)

    def test_end_must_not_be_before_start(self, actor, person):
        with pytest.raises(ValidationError) as exc:
            services.add_education(
                actor, person, school="UGent", start_date=D(2012, 1, 1), end_date=D(2011, 1, 1)
            )
        assert "end_date" in exc.value.message_dict
        # the same day, or an open end, is fine
        education = services.add_education(
            actor, person, school="UGent", start_date=D(2012, 1, 1), end_date=D(2012, 1, 1)
        )
        with pytest.raises(ValidationError):
            services.update_education(actor, education, end_date=D(2011, 12, 31))
        assert Education.objects.get(pk=education.pk).end_date == D(2012, 1, 1)

    def test_dates_given_as_text_are_compared_as_dates(self, actor, person):
        education = services.add_education(actor, person, school="UGent", start_date=D(2012, 1, 1))
        with pytest.raises(ValidationError) as exc:
            services.update_education(actor, education, end_date="2011-12-31")
        assert "end_date" in exc.value.message_dict
        services.update_education(actor, education, end_date="2013-06-30")
        assert Education.objects.get(pk=education.pk).end_date == D(2013, 6, 30)

    def test_a_school_is_required(self, actor, person):
        with pytest.raises(ValidationError) as exc:
            services.add_education(actor, person, school="")
        assert "school" in exc.value.message_dict

    def test_only_persons_have_educations(self, actor, organisation):
        with pytest.raises(ValidationError):
            services.add_education(actor, organisation, school="UGent")
        assert not Education.objects.exists()


class TestCompanyPositions:
    def test_a_company_name_is_required_without_an_organisation(self, actor, person):
        with pytest.raises(ValidationError) as exc:
            services.add_company_position(actor, person, title="CEO")
        assert exc.value.message_dict == {"company_name": ["This field is required."]}
        with pytest.raises(ValidationError):
            services.add_company_position(actor, person, company_name="  ", title="CEO")
        position = services.add_company_position(actor, person, company_name="Acme", title="CEO")
        assert position.employer_name == "Acme"
        assert_logged(position, "create", actor, parent=person)

    def test_a_current_job_may_name_only_a_title(self, actor, person):
        position = services.add_company_position(actor, person, title="Consultant", is_primary=True)
        assert position.employer_name == ""

    def test_the_organisation_must_be_an_organisation(self, actor, person):
        with pytest.raises(ValidationError) as exc:
            services.add_company_position(actor, person, organisation=PersonFactory(), title="CEO")
        assert "organisation" in exc.value.message_dict
        assert not CompanyPosition.objects.exists()

    def test_at_an_organisation(self, actor, person, organisation):
        position = services.add_company_position(actor, person, organisation=organisation, title="CEO")
        assert position.employer_name == "Acme"
        assert list(organisation.employee_positions.all()) == [position]

    def test_end_must_not_be_before_start(self, actor, person):
        with pytest.raises(ValidationError) as exc:
            services.add_company_position(
                actor, person, company_name="Acme", start_date=D(2020, 1, 2), end_date=D(2020, 1, 1)
            )
        assert "end_date" in exc.value.message_dict

    def test_only_persons_hold_positions(self, actor, organisation):
        with pytest.raises(ValidationError):
            services.add_company_position(actor, organisation, company_name="Acme")

    def test_one_primary_position(self, actor, person):
        first = services.add_company_position(actor, person, company_name="A", is_primary=True)
        second = services.add_company_position(actor, person, company_name="B", is_primary=True)
        assert list(person.company_positions.filter(is_primary=True)) == [second]
        first.refresh_from_db()
        assert not first.is_primary
        services.update_company_position(actor, first, is_primary=True)
        assert list(person.company_positions.filter(is_primary=True)) == [first]

    def test_the_demotion_of_the_old_primary_is_logged(self, actor, person):
        first = services.add_company_position(actor, person, company_name="A", is_primary=True)
        services.add_company_position(actor, person, company_name="B", is_primary=True)
        entry = assert_logged(first, "update", actor, parent=person)
        assert (entry.before["is_primary"], entry.after["is_primary"]) == (True, False)

    def test_update_and_delete_are_logged(self, actor, person):
        position = services.add_company_position(actor, person, company_name="A", title="Dev")
        services.update_company_position(actor, position, title="Lead")
        assert assert_logged(position, "update", actor, parent=person).changed_fields == ["title"]
        pk = position.pk
        services.delete_company_position(actor, position)
        assert not CompanyPosition.objects.exists()
        assert_logged(position, "delete", actor, parent=person, pk=pk)

    def test_set_employer_creates_changes_and_ends(self, actor, person, organisation):
        position = services.set_employer(actor, person, organisation, title="CEO", department="Board")
        assert (position.is_primary, position.organisation, position.title) == (True, organisation, "CEO")
        services.set_employer(actor, person, organisation, title="Chair")  # same employer: in place
        assert CompanyPosition.objects.get(pk=position.pk).title == "Chair"

        other = OrganisationFactory(name="Other")
        changed = services.set_employer(actor, person, other, title="Adviser")
        assert changed.pk != position.pk  # a new job; the old one is ended, not rewritten
        assert (changed.organisation, changed.title, changed.is_primary) == (other, "Adviser", True)
        position.refresh_from_db()
        assert (position.organisation, position.title, position.is_primary) == (organisation, "Chair", False)
        assert position.end_date == timezone.localdate()
        assert assert_logged(position, "update", actor, parent=person).changed_fields == [
            "end_date",
            "is_primary",
        ]

        assert services.set_employer(actor, person, None) is None
        assert not person.company_positions.filter(is_primary=True).exists()
        assert person.company_positions.count() == 2  # both jobs kept, ended
        assert services.set_employer(actor, person, None) is None  # nothing left to end

    def test_set_employer_refuses_a_person_as_employer(self, actor, person):
        with pytest.raises(ValidationError):
            services.set_employer(actor, person, PersonFactory())
        assert not CompanyPosition.objects.exists()


# --- Groups, functions, combinations, memberships -------------------------------------------


class TestGroups:
    def test_create_and_update_are_logged(self, actor):
        root = services.create_group(actor, name="Root")
        child = services.create_group(actor, name="Child", parent=root)
        assert child.parent == root
        assert_logged(child, "create", actor)
        services.update_group(actor, child, description="d")
        assert_logged(child, "update", actor)

    def test_a_group_cannot_be_its_own_parent(self, actor):
        group = GroupFactory()
        with pytest.raises(ValidationError) as exc:
            services.update_group(actor, group, parent=group)
        assert "parent" in exc.value.message_dict
        assert Group.objects.get(pk=group.pk).parent is None

    def test_no_cycles_through_descendants(self, actor):
        a = GroupFactory(name="A")
        b = GroupFactory(name="B", parent=a)
        c = GroupFactory(name="C", parent=b)
        with pytest.raises(ValidationError):
            services.update_group(actor, a, parent=c)
        assert Group.objects.get(pk=a.pk).parent is None
        # moving a subtree elsewhere is fine
        other = GroupFactory(name="Other")
        services.update_group(actor, b, parent=other)
        assert Group.objects.get(pk=b.pk).parent == other

    def test_a_group_with_subgroups_cannot_be_deleted(self, actor):
        parent = GroupFactory()
        GroupFactory(parent=parent)
        with pytest.raises(ValidationError) as exc:
            services.delete_group(actor, parent)
        assert not isinstance(exc.value, ProtectedError)
        assert exc.value.messages == ["A group with subgroups or members cannot be deleted."]
        assert Group.objects.filter(pk=parent.pk).exists()
        assert not entries(Group, "delete")

    @pytest.mark.parametrize("end_date", [None, D(2020, 12, 31)])
    def test_a_group_with_members_past_or_present_cannot_be_deleted(self, actor, end_date):
        membership = MembershipFactory(end_date=end_date)
        group = membership.combination.group
        with pytest.raises(ValidationError):
            services.delete_group(actor, group)
        assert Group.objects.filter(pk=group.pk).exists()
        assert Combination.objects.filter(pk=membership.combination_id).exists()
        assert not entries(Group, "delete")

    def test_an_empty_group_is_deleted_with_its_combinations(self, actor):
        combination = CombinationFactory()
        group = combination.group
        pk = group.pk
        services.delete_group(actor, group)
        assert not Group.objects.filter(pk=pk).exists()
        assert not Combination.objects.filter(pk=combination.pk).exists()
        assert entries(Group, "delete")[-1].object_id == pk


class TestFunctionsAndCombinations:
    def test_function_create_update_delete(self, actor):
        function = services.create_function(actor, name="Chair")
        assert_logged(function, "create", actor)
        services.update_function(actor, function, name="President")
        assert Function.objects.get(pk=function.pk).name == "President"
        pk = function.pk
        services.delete_function(actor, function)
        assert not Function.objects.exists()
        assert_logged(function, "delete", actor, pk=pk)

    def test_a_function_with_members_cannot_be_deleted(self, actor):
        membership = MembershipFactory()
        with pytest.raises(ValidationError):
            services.delete_function(actor, membership.combination.function)
        assert Function.objects.filter(pk=membership.combination.function_id).exists()

    def test_a_name_is_required(self, actor):
        with pytest.raises(ValidationError):
            services.create_function(actor, name="")
        with pytest.raises(ValidationError):
            services.create_group(actor, name="")

    def test_combinations_are_unique(self, actor):
        group, function = GroupFactory(), FunctionFactory()
        combination = services.create_combination(actor, group=group, function=function)
        assert_logged(combination, "create", actor)
        with pytest.raises(ValidationError) as exc:
            services.create_combination(actor, group=group, function=function)
        assert "function" in exc.value.message_dict
        assert Combination.objects.count() == 1
        services.create_combination(actor, group=group, function=FunctionFactory())
        assert Combination.objects.count() == 2

    def test_a_combination_with_members_cannot_be_deleted(self, actor):
        membership = MembershipFactory()
        with pytest.raises(ValidationError):
            services.delete_combination(actor, membership.combination)
        assert Combination.objects.filter(pk=membership.combination_id).exists()
        empty = CombinationFactory()
        services.delete_combination(actor, empty)
        assert not Combination.objects.filter(pk=empty.pk).exists()


class TestMemberships:
    def test_add_update_delete_are_logged_against_the_party(self, actor, person):
        combination = CombinationFactory()
        age(person)
        membership = services.add_membership(actor, person, combination=combination, start_date=D(2020, 1, 1))
        assert was_touched(person)
        assert membership.end_date is None
        assert_logged(membership, "create", actor, parent=person)
        services.update_membership(actor, membership, end_date=D(2020, 12, 31))
        assert Membership.objects.get(pk=membership.pk).end_date == D(2020, 12, 31)
        assert assert_logged(membership, "update", actor, parent=person).changed_fields == ["end_date"]
        pk = membership.pk
        services.delete_membership(actor, membership)
        assert not Membership.objects.exists()
        assert_logged(membership, "delete", actor, parent=person, pk=pk)

    def test_end_must_not_be_before_start(self, actor, person):
        combination = CombinationFactory()
        with pytest.raises(ValidationError) as exc:
            services.add_membership(
                actor, person, combination=combination, start_date=D(2020, 1, 2), end_date=D(2020, 1, 1)
            )
        assert "end_date" in exc.value.message_dict
        membership = services.add_membership(
            actor, person, combination=combination, start_date=D(2020, 1, 1), end_date=D(2020, 1, 1)
        )
        with pytest.raises(ValidationError):
            services.update_membership(actor, membership, start_date=D(2020, 1, 2))
        with pytest.raises(ValidationError):
            services.update_membership(actor, membership, end_date="2019-12-31")
        stored = Membership.objects.get(pk=membership.pk)
        assert (stored.start_date, stored.end_date) == (D(2020, 1, 1), D(2020, 1, 1))

    @pytest.mark.parametrize("end_date", ["31/12/2020", "2020-02-30", "soon"])
    def test_a_badly_written_date_is_a_validation_error(self, actor, person, end_date):
        membership = MembershipFactory(party=person, start_date=D(2020, 1, 1))
        with pytest.raises(ValidationError) as exc:
            services.update_membership(actor, membership, end_date=end_date)
        assert "end_date" in exc.value.message_dict

    def test_a_datetime_is_compared_as_its_date(self, actor, person):
        membership = MembershipFactory(party=person, start_date=D(2020, 1, 2))
        with pytest.raises(ValidationError):
            services.update_membership(
                actor, membership, end_date=datetime.datetime(2020, 1, 1, 12, tzinfo=datetime.UTC)
            )

    def test_a_start_date_is_required(self, actor, person):
        with pytest.raises(ValidationError) as exc:
            services.add_membership(actor, person, combination=CombinationFactory(), start_date=None)
        assert "start_date" in exc.value.message_dict


# --- Segments -------------------------------------------------------------------------------

CITY_RULE = {"match": "all", "conditions": [{"field": "city", "op": "eq", "value": "Gent"}]}


class TestSegments:
    def test_save_validates_the_rules(self, actor):
        segment = Segment(name="Bad", rules={"conditions": [{"field": "shoe_size", "op": "eq", "value": 4}]})
        with pytest.raises(ValidationError):
            services.save_segment(actor, segment)
        assert not Segment.objects.exists()
        assert not entries(Segment)

    def test_create_then_update_are_logged(self, actor):
        segment = services.save_segment(actor, Segment(name="Gent", rules=CITY_RULE))
        assert_logged(segment, "create", actor)
        segment.name = "Ghent"
        services.save_segment(actor, segment)
        assert assert_logged(segment, "update", actor).changed_fields == ["name"]

    def test_an_update_with_bad_rules_keeps_the_stored_ones(self, actor):
        segment = services.save_segment(actor, Segment(name="Gent", rules=CITY_RULE))
        segment.rules = {"conditions": [{"field": "city", "op": "gt", "value": "A"}]}
        with pytest.raises(ValidationError):
            services.save_segment(actor, segment)
        assert Segment.objects.get(pk=segment.pk).rules == CITY_RULE

    def test_static_members_must_be_of_the_segments_kind(self, actor, person, organisation):
        segment = services.save_segment(actor, Segment(name="S"))
        with pytest.raises(ValidationError):
            services.set_segment_members(actor, segment, [person, organisation])
        assert not segment.static_members.exists()
        services.set_segment_members(actor, segment, [person])
        assert list(segment.static_members.all()) == [person]

    def test_setting_static_members_is_logged(self, actor, person):
        segment = services.save_segment(actor, Segment(name="S"))
        services.set_segment_members(actor, segment, [person])
        entry = assert_logged(segment, "update", actor)
        assert (entry.before["static_members"], entry.after["static_members"]) == ([], [person.pk])

    def test_delete_is_logged(self, actor):
        segment = services.save_segment(actor, Segment(name="S"))
        pk = segment.pk
        services.delete_segment(actor, segment)
        assert not Segment.objects.filter(pk=pk).exists()
        assert entries(Segment, "delete")[-1].object_id == pk
