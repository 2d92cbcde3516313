import datetime
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError

from apps.core import services
from apps.core.models import AppliesTo, CustomField, CustomFieldValue, ObjectChange
from apps.parties.models import Party
from tests.factories import CustomFieldFactory, OrganisationFactory, PersonFactory, UserFactory

T = CustomField.FieldType
COLUMNS = ("text_value", "integer_value", "decimal_value", "boolean_value", "date_value", "list_value")


def field(field_type, **kwargs):
    """An unsaved field definition: clean_custom_value needs no database."""
    return CustomField(key="k", name="K", field_type=field_type, **kwargs)


def value_error(field_type, raw, **kwargs):
    with pytest.raises(ValidationError) as exc:
        services.clean_custom_value(field(field_type, **kwargs), raw)
    assert set(exc.value.message_dict) == {"value"}
    return exc.value.message_dict["value"][0]


# --- clean_custom_value ---------------------------------------------------------------------


@pytest.mark.parametrize("field_type", list(T))
def test_none_clears_every_type(field_type):
    assert services.clean_custom_value(field(field_type, choices=["a"]), None) is None


@pytest.mark.parametrize(
    "field_type, raw, expected",
    [
        (T.TEXT, "hello", "hello"),
        (T.TEXT, "", ""),
        (T.TEXT, "x" * 1000, "x" * 1000),
        (T.LONG_TEXT, "x" * 5000, "x" * 5000),
        (T.INTEGER, 42, 42),
        (T.INTEGER, -7, -7),
        (T.INTEGER, " 12 ", 12),
        (T.INTEGER, 3.0, 3),
        (T.INTEGER, Decimal("4"), 4),
        (T.INTEGER, 2**63 - 1, 2**63 - 1),
        (T.DECIMAL, "1.5", Decimal("1.500000")),
        (T.DECIMAL, 2, Decimal("2.000000")),
        (T.DECIMAL, 0.1, Decimal("0.100000")),
        (T.DECIMAL, " -3.25 ", Decimal("-3.250000")),
        (T.DECIMAL, Decimal("1.0000004"), Decimal("1.000000")),
        (T.DECIMAL, "99999999999999", Decimal("99999999999999")),
        (T.BOOLEAN, True, True),
        (T.BOOLEAN, False, False),
        (T.BOOLEAN, "true", True),
        (T.BOOLEAN, " Yes ", True),
        (T.BOOLEAN, "1", True),
        (T.BOOLEAN, 0, False),
        (T.BOOLEAN, "no", False),
        (T.DATE, "2024-01-31", datetime.date(2024, 1, 31)),
        (T.DATE, datetime.date(2024, 2, 29), datetime.date(2024, 2, 29)),
        (T.DATE, datetime.datetime(2024, 3, 1, 12, 30), datetime.date(2024, 3, 1)),
        (T.CHOICE, "gold", "gold"),
        (T.MULTIPLE_CHOICE, ["gold", "silver"], ["gold", "silver"]),
        (T.MULTIPLE_CHOICE, ("silver", "gold", "silver"), ["silver", "gold"]),
        (T.MULTIPLE_CHOICE, [], []),
    ],
)
def test_valid_values_are_converted(field_type, raw, expected):
    value = services.clean_custom_value(field(field_type, choices=["gold", "silver"]), raw)
    assert value == expected
    assert type(value) is type(expected)
    if isinstance(expected, Decimal):
        assert value.as_tuple().exponent == expected.as_tuple().exponent or value == expected


@pytest.mark.parametrize(
    "field_type, raw",
    [
        (T.TEXT, 12),
        (T.TEXT, ["a"]),
        (T.TEXT, "x" * 1001),
        (T.LONG_TEXT, 1.5),
        (T.INTEGER, "abc"),
        (T.INTEGER, "1.5"),
        (T.INTEGER, 1.5),
        (T.INTEGER, Decimal("1.5")),
        (T.INTEGER, Decimal("Infinity")),
        (T.INTEGER, Decimal("NaN")),
        (T.INTEGER, float("inf")),
        (T.INTEGER, True),
        (T.INTEGER, [1]),
        (T.INTEGER, 2**63),
        (T.INTEGER, -(2**63)),
        (T.DECIMAL, "abc"),
        (T.DECIMAL, ""),
        (T.DECIMAL, True),
        (T.DECIMAL, "NaN"),
        (T.DECIMAL, "Infinity"),
        (T.DECIMAL, [1]),
        (T.DECIMAL, "100000000000000"),
        (T.DECIMAL, "99999999999999.9999999"),  # rounds up to 15 integer digits: no longer fits
        (T.BOOLEAN, "maybe"),
        (T.BOOLEAN, 2),
        (T.BOOLEAN, ""),
        (T.DATE, "2024-02-30"),
        (T.DATE, "31/01/2024"),
        (T.DATE, "today"),
        (T.DATE, 20240131),
        (T.DATE, True),
        (T.CHOICE, "bronze"),
        (T.CHOICE, 1),
        (T.CHOICE, ["gold"]),
        (T.MULTIPLE_CHOICE, "gold"),
        (T.MULTIPLE_CHOICE, ["gold", "bronze"]),
        (T.MULTIPLE_CHOICE, [1]),
    ],
)
def test_invalid_values_are_refused_on_value(field_type, raw):
    assert value_error(field_type, raw, choices=["gold", "silver"])


def test_messages_name_the_problem():
    assert value_error(T.DATE, "2024-13-01") == (
        "Date has wrong format. Use one of these formats instead: YYYY-MM-DD."
    )
    assert value_error(T.CHOICE, "bronze", choices=["gold"]) == '"bronze" is not a valid choice.'
    assert value_error(T.MULTIPLE_CHOICE, ["gold", "x"], choices=["gold"]) == '"x" is not a valid choice.'
    assert value_error(T.INTEGER, "x") == "A valid integer is required."


# --- Writing values -------------------------------------------------------------------------


@pytest.fixture
def actor(db):
    return UserFactory(username="editor")


@pytest.fixture
def person(db):
    return PersonFactory()


def party_ct():
    return ContentType.objects.get_for_model(Party)


def columns(row):
    row.refresh_from_db()
    return {c: getattr(row, c) for c in COLUMNS if getattr(row, c) is not None}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "field_type, raw, column, stored",
    [
        (T.TEXT, "Gent", "text_value", "Gent"),
        (T.LONG_TEXT, "long", "text_value", "long"),
        (T.CHOICE, "gold", "text_value", "gold"),
        (T.INTEGER, "12", "integer_value", 12),
        (T.DECIMAL, "2.5", "decimal_value", Decimal("2.5")),
        (T.BOOLEAN, "false", "boolean_value", False),
        (T.DATE, "2024-01-31", "date_value", datetime.date(2024, 1, 31)),
        (T.MULTIPLE_CHOICE, ["gold"], "list_value", ["gold"]),
    ],
)
def test_create_stores_the_value_in_its_typed_column_only(actor, person, field_type, raw, column, stored):
    cf = CustomFieldFactory(field_type=field_type, choices=["gold", "silver"])
    row = services.create_custom_field_value(actor, person, cf, raw)
    assert columns(row) == {column: stored}
    assert row.content_type == party_ct() and row.object_id == person.pk
    assert row.value == stored


@pytest.mark.django_db
def test_create_refuses_a_second_value_for_the_same_field_and_object(actor, person):
    cf = CustomFieldFactory()
    first = services.create_custom_field_value(actor, person, cf, "a")
    with pytest.raises(ValidationError) as exc:
        services.create_custom_field_value(actor, person, cf, "b")
    assert "field" in exc.value.message_dict
    assert list(CustomFieldValue.objects.values_list("pk", "text_value")) == [(first.pk, "a")]
    # the same field on another object is fine
    other = PersonFactory()
    services.create_custom_field_value(actor, other, cf, "c")
    assert CustomFieldValue.objects.count() == 2


@pytest.mark.django_db
def test_create_refuses_a_field_for_another_kind_of_object(actor, person):
    org_field = CustomFieldFactory(applies_to=AppliesTo.ORGANISATION)
    with pytest.raises(ValidationError) as exc:
        services.create_custom_field_value(actor, person, org_field, "x")
    assert "field" in exc.value.message_dict
    person_field = CustomFieldFactory(applies_to=AppliesTo.PERSON)
    with pytest.raises(ValidationError):
        services.create_custom_field_value(actor, OrganisationFactory(), person_field, "x")
    assert not CustomFieldValue.objects.exists()
    assert not ObjectChange.objects.filter(content_type=ContentType.objects.get_for_model(CustomFieldValue))


@pytest.mark.django_db
def test_a_party_field_applies_to_persons_and_organisations(actor, person):
    cf = CustomFieldFactory(applies_to=AppliesTo.PARTY)
    organisation = OrganisationFactory()
    services.create_custom_field_value(actor, person, cf, "p")
    services.create_custom_field_value(actor, organisation, cf, "o")
    assert sorted(CustomFieldValue.objects.values_list("object_id", "text_value")) == sorted(
        [(person.pk, "p"), (organisation.pk, "o")]
    )
    # The numbered CRM.COM fields (udf_*) shipped by a data migration apply to every party too.
    assert set(services.fields_for(person).exclude(key__startswith="udf_")) == {cf}
    assert set(services.fields_for(organisation).exclude(key__startswith="udf_")) == {cf}


@pytest.mark.django_db
def test_fields_for_lists_only_the_fields_of_the_objects_kind(person):
    mine = CustomFieldFactory(applies_to=AppliesTo.PERSON)
    shared = CustomFieldFactory(applies_to=AppliesTo.PARTY)
    CustomFieldFactory(applies_to=AppliesTo.ORGANISATION)
    assert set(services.fields_for(person).exclude(key__startswith="udf_")) == {mine, shared}


@pytest.mark.django_db
def test_an_invalid_value_writes_nothing(actor, person):
    cf = CustomFieldFactory(field_type=T.INTEGER)
    with pytest.raises(ValidationError):
        services.create_custom_field_value(actor, person, cf, "twelve")
    assert not CustomFieldValue.objects.exists()
    assert not ObjectChange.objects.filter(action="create", content_type__model="customfieldvalue").exists()


@pytest.mark.django_db
def test_update_changes_the_value_and_nulls_the_other_columns(actor, person):
    cf = CustomFieldFactory(field_type=T.INTEGER)
    row = services.create_custom_field_value(actor, person, cf, 5)
    # a stray value in another column (e.g. left by an older field type) is cleared too
    CustomFieldValue.objects.filter(pk=row.pk).update(text_value="stray")
    row.refresh_from_db()
    services.update_custom_field_value(actor, row, "6")
    assert columns(row) == {"integer_value": 6}


@pytest.mark.django_db
def test_update_with_an_invalid_value_keeps_the_old_one(actor, person):
    cf = CustomFieldFactory(field_type=T.DATE)
    row = services.create_custom_field_value(actor, person, cf, "2024-01-01")
    with pytest.raises(ValidationError):
        services.update_custom_field_value(actor, row, "not a date")
    assert columns(row) == {"date_value": datetime.date(2024, 1, 1)}
    assert ObjectChange.objects.filter(action="update").count() == 0


@pytest.mark.django_db
def test_update_with_none_clears_the_value_but_keeps_the_row(actor, person):
    cf = CustomFieldFactory()
    row = services.create_custom_field_value(actor, person, cf, "x")
    services.update_custom_field_value(actor, row, None)
    assert columns(row) == {}
    assert CustomFieldValue.objects.filter(pk=row.pk).exists()


@pytest.mark.django_db
def test_set_creates_updates_and_removes(actor, person):
    cf = CustomFieldFactory(field_type=T.DECIMAL)
    created = services.set_custom_field_value(actor, person, cf, "1.25")
    assert columns(created) == {"decimal_value": Decimal("1.25")}
    updated = services.set_custom_field_value(actor, person, cf, 3)
    assert updated.pk == created.pk
    assert columns(updated) == {"decimal_value": Decimal("3")}
    assert CustomFieldValue.objects.count() == 1
    assert services.set_custom_field_value(actor, person, cf, None) is None
    assert not CustomFieldValue.objects.exists()
    # removing a value that does not exist is a no-op
    assert services.set_custom_field_value(actor, person, cf, None) is None
    assert [c.action for c in ObjectChange.objects.filter(content_type__model="customfieldvalue")] == [
        "delete",
        "update",
        "create",
    ]


@pytest.mark.django_db
def test_set_refuses_a_field_of_another_kind(actor, person):
    with pytest.raises(ValidationError):
        services.set_custom_field_value(
            actor, person, CustomFieldFactory(applies_to=AppliesTo.ORGANISATION), "x"
        )
    assert not CustomFieldValue.objects.exists()


@pytest.mark.django_db
def test_delete_removes_the_row(actor, person):
    cf = CustomFieldFactory()
    row = services.create_custom_field_value(actor, person, cf, "x")
    services.delete_custom_field_value(actor, row)
    assert not CustomFieldValue.objects.exists()
    assert list(services.values_for(person)) == []


@pytest.mark.django_db
def test_values_for_returns_only_the_objects_values(actor, person):
    cf1, cf2 = CustomFieldFactory(), CustomFieldFactory(field_type=T.INTEGER)
    a = services.create_custom_field_value(actor, person, cf1, "x")
    b = services.create_custom_field_value(actor, person, cf2, 3)
    services.create_custom_field_value(actor, PersonFactory(), cf1, "y")
    assert {(v.pk, v.value) for v in services.values_for(person)} == {(a.pk, "x"), (b.pk, 3)}


def _updated(party):
    return Party.objects.values_list("updated", flat=True).get(pk=party.pk)


@pytest.mark.django_db
@pytest.mark.parametrize("operation", ["create", "update", "delete"])
def test_every_write_bumps_the_owners_updated_stamp(actor, person, operation):
    cf = CustomFieldFactory()
    row = services.create_custom_field_value(actor, person, cf, "x") if operation != "create" else None
    old = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)
    Party.objects.filter(pk=person.pk).update(updated=old)
    if operation == "create":
        services.create_custom_field_value(actor, person, cf, "x")
    elif operation == "update":
        services.update_custom_field_value(actor, row, "y")
    else:
        services.delete_custom_field_value(actor, row)
    assert _updated(person) > old


@pytest.mark.django_db
def test_every_write_is_logged_with_the_owner_as_parent(actor, person):
    cf = CustomFieldFactory(field_type=T.INTEGER)
    row = services.create_custom_field_value(actor, person, cf, 1)
    row_id = row.pk
    services.update_custom_field_value(actor, row, 2)
    services.update_custom_field_value(actor, row, 2)  # no change: no entry
    services.delete_custom_field_value(actor, row)
    entries = list(ObjectChange.objects.filter(content_type__model="customfieldvalue").order_by("time", "id"))
    assert [e.action for e in entries] == ["create", "update", "delete"]
    for entry in entries:
        assert entry.object_id == row_id
        assert entry.user == actor and entry.user_name == "editor"
        assert entry.related_content_type == party_ct()
        assert entry.related_object_id == person.pk
    create, update, delete = entries
    assert create.before is None and create.after["integer_value"] == 1
    assert create.after["field_id"] == cf.pk and create.after["text_value"] is None
    assert (update.before["integer_value"], update.after["integer_value"]) == (1, 2)
    assert update.changed_fields == ["integer_value"]
    assert delete.before["integer_value"] == 2 and delete.after is None


@pytest.mark.django_db
def test_organisation_values_are_stored_against_the_party_table(actor):
    organisation = OrganisationFactory()
    cf = CustomFieldFactory(applies_to=AppliesTo.ORGANISATION, field_type=T.BOOLEAN)
    row = services.set_custom_field_value(actor, organisation, cf, True)
    assert row.content_type == party_ct()
    assert organisation.custom_field_values.get() == row


@pytest.mark.django_db
def test_a_unique_row_a_concurrent_writer_won_is_a_validation_error_not_a_500():
    """The services check uniqueness first; `unique_or` covers the insert that loses the race."""
    from django.db import transaction

    from apps.core.db import unique_or
    from apps.parties.models import Combination, Function, Group

    group, function = Group.objects.create(name="Board"), Function.objects.create(name="Chair")
    Combination.objects.create(group=group, function=function)
    with transaction.atomic():
        with pytest.raises(ValidationError) as caught, unique_or({"function": "taken"}):
            Combination.objects.create(group=group, function=function)
        assert caught.value.message_dict == {"function": ["taken"]}
        assert Combination.objects.count() == 1  # the outer transaction is still usable
