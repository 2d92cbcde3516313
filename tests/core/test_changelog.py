import datetime
import json
import uuid
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType

from apps.core.changelog import history_for, log_create, log_delete, log_update, snapshot
from apps.core.models import ApiKey, ObjectChange
from apps.parties import services
from apps.parties.models import Address, AddressType, Party
from tests.factories import PersonFactory, UserFactory


@pytest.fixture
def actor(db):
    return UserFactory(username="clerk")


@pytest.mark.django_db
def test_snapshot_is_json_safe_with_foreign_keys_as_ids():
    person = PersonFactory(birth_date=datetime.date(1990, 5, 15))
    address = person.addresses.get()
    address.latitude = Decimal("50.123456")
    address.save()
    data = snapshot(address)
    assert data["party_id"] == person.pk
    assert data["address_type_id"] == address.address_type_id
    assert "party" not in data and "address_type" not in data
    assert data["latitude"] == "50.123456"
    address.latitude = Decimal("50.100000")
    assert snapshot(address)["latitude"] == "50.1"
    assert data["uuid"] == str(address.uuid)
    assert data["longitude"] is None
    assert data["is_default"] is True
    assert "created" not in data and "updated" not in data
    assert json.loads(json.dumps(data)) == data
    person_data = snapshot(person)
    assert person_data["birth_date"] == "1990-05-15"
    assert person_data["kind"] == "person"
    assert json.loads(json.dumps(person_data)) == person_data


@pytest.mark.django_db
def test_snapshot_writes_datetimes_as_iso_strings():
    user = UserFactory()
    key = ApiKey(
        user=user,
        name="k",
        prefix="abcd1234",
        hashed_secret="x",
        expires=datetime.datetime(2030, 1, 2, 3, 4, 5, tzinfo=datetime.UTC),
    )
    data = snapshot(key)
    assert data["expires"] == "2030-01-02T03:04:05+00:00"
    assert data["user_id"] == user.pk
    assert data["revoked"] is None
    # `created` is skipped on every model (the log entry has its own time)
    assert "created" not in data


@pytest.mark.django_db
def test_log_create_records_the_after_snapshot_the_actor_and_the_parent(actor):
    person = PersonFactory()
    address = person.addresses.get()
    entry = log_create(actor, address, parent=person)
    entry.refresh_from_db()
    assert entry.action == ObjectChange.Action.CREATE
    assert entry.content_type == ContentType.objects.get_for_model(Address)
    assert entry.object_id == address.pk
    assert entry.object_repr == str(address)
    assert entry.before is None
    assert entry.after == snapshot(address)
    assert (entry.user, entry.user_name) == (actor, "clerk")
    assert entry.related_content_type == ContentType.objects.get_for_model(Party)
    assert entry.related_object_id == person.pk


@pytest.mark.django_db
def test_a_proxy_instance_is_logged_under_its_concrete_model(actor):
    from apps.parties.models import Person

    person = Person.objects.get(pk=PersonFactory().pk)
    entry = log_create(actor, person)
    assert entry.content_type == ContentType.objects.get_for_model(Party)


@pytest.mark.django_db
def test_log_update_records_before_and_after_and_the_changed_fields(actor):
    person = PersonFactory(first_name="Ann", last_name="Smith")
    before = snapshot(person)
    person.last_name = "Jones"
    person.save()
    entry = log_update(actor, person, before)
    assert entry.action == ObjectChange.Action.UPDATE
    assert entry.before["last_name"] == "Smith" and entry.after["last_name"] == "Jones"
    assert entry.changed_fields == ["last_name", "name"]
    assert entry.related_content_type is None and entry.related_object_id is None


@pytest.mark.django_db
def test_log_update_writes_nothing_when_nothing_changed(actor):
    person = PersonFactory()
    count = ObjectChange.objects.count()
    before = snapshot(person)
    person.save()
    assert log_update(actor, person, before) is None
    assert ObjectChange.objects.count() == count


@pytest.mark.django_db
def test_a_decimal_set_to_the_same_number_is_not_a_change(actor):
    """An address read from the database holds 50.100000; the same number given as 50.1 is no change."""
    person = PersonFactory()
    address = person.addresses.get()
    address.latitude = Decimal("50.1")
    address.save()
    address.refresh_from_db()
    before = snapshot(address)
    address.latitude = Decimal("50.1")
    assert log_update(actor, address, before) is None


@pytest.mark.django_db
def test_log_delete_records_the_before_snapshot(actor):
    address_type = AddressType.objects.create(description="Holiday", max_amount=2)
    expected = snapshot(address_type)
    pk = address_type.pk
    entry = log_delete(actor, address_type)
    address_type.delete()
    entry.refresh_from_db()
    assert entry.action == ObjectChange.Action.DELETE
    assert entry.object_id == pk and entry.object_repr == "Holiday"
    assert entry.before == expected and entry.after is None
    # an explicit snapshot (taken before the object was changed) wins
    other = AddressType.objects.create(description="Other", max_amount=1)
    entry = log_delete(actor, other, before={"description": "as it was"})
    assert entry.before == {"description": "as it was"}


@pytest.mark.django_db
@pytest.mark.parametrize("who", [None, "anonymous"])
def test_without_an_authenticated_actor_no_user_is_recorded(who):
    actor = AnonymousUser() if who == "anonymous" else None
    address_type = AddressType.objects.create(description="Holiday", max_amount=2)
    entry = log_create(actor, address_type)
    entry.refresh_from_db()
    assert entry.user is None and entry.user_name == ""


@pytest.mark.django_db
def test_the_user_name_survives_the_users_deletion(actor):
    entry = log_create(actor, AddressType.objects.create(description="x", max_amount=1))
    actor.delete()
    entry.refresh_from_db()
    assert entry.user is None and entry.user_name == "clerk"


@pytest.mark.django_db
def test_a_long_repr_is_cut_to_200_characters(actor):
    address_type = AddressType.objects.create(description="x" * 100, max_amount=1)
    address_type.description = "y" * 250  # not saved: only the repr matters here
    entry = log_create(actor, address_type)
    assert entry.object_repr == "y" * 200


@pytest.mark.django_db
def test_history_for_returns_the_objects_and_its_childrens_changes_only(actor):
    person = PersonFactory(actor=actor)
    other = PersonFactory(actor=actor)
    services.update_party(actor, person, first_name="Changed")
    email = services.add_email_address(actor, person, email="a@example.com")
    services.add_email_address(actor, other, email="b@example.com")
    services.delete_email_address(actor, email)
    history = list(history_for(person))
    described = {(e.content_type.model, e.action) for e in history}
    assert described == {
        ("party", "create"),
        ("party", "update"),
        ("address", "create"),
        ("emailaddress", "create"),
        ("emailaddress", "delete"),
    }
    assert len(history) == 5
    assert all(e.object_id == person.pk or e.related_object_id == person.pk for e in history)
    # newest first
    assert [e.pk for e in history] == sorted((e.pk for e in history), reverse=True)
    assert {e.object_id for e in history_for(other) if e.content_type.model == "party"} == {other.pk}


@pytest.mark.django_db
def test_history_for_does_not_mix_models_with_the_same_id(actor):
    """A change of AddressType #n is not in the history of Party #n."""
    person = PersonFactory()
    entry = ObjectChange.objects.create(
        action="create",
        content_type=ContentType.objects.get_for_model(AddressType),
        object_id=person.pk,
        object_repr="same id",
    )
    assert entry not in list(history_for(person))


def test_uuids_dates_and_decimals_serialise_as_strings():
    from apps.core.changelog import _json_value

    value = uuid.UUID("12345678-1234-5678-1234-567812345678")
    assert _json_value(value) == "12345678-1234-5678-1234-567812345678"
    assert _json_value(datetime.date(2024, 1, 31)) == "2024-01-31"
    assert _json_value(datetime.time(9, 30)) == "09:30:00"
    assert _json_value(Decimal("1.50")) == "1.5"
    assert _json_value(Decimal("10.000000")) == "10"
    assert _json_value(Decimal("0.000000")) == "0"
    assert _json_value(7) == 7 and _json_value(None) is None and _json_value([1]) == [1]
