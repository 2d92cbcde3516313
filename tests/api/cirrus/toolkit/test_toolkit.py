"""The Cirrus toolkit in isolation: mask parsing and application, wildcard patterns, query
parameter fields, the great-circle distance and its SQL twin, request fields, error bodies."""

import math
from decimal import Decimal

import pytest
from django import forms
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions, serializers

from apps.api.cirrus.toolkit import geo
from apps.api.cirrus.toolkit.errors import VALIDATION_FAILED, cirrus_exception_handler, flatten
from apps.api.cirrus.toolkit.fields import CirrusSerializer, Flag, IdListField, Int, RefField, Str
from apps.api.cirrus.toolkit.filters import (
    ChoiceIntegerField,
    CsvIntegerField,
    IntegerField,
    like_pattern,
    wildcard,
    wildcard_matches,
)
from apps.api.cirrus.toolkit.masks import MaskParseError, apply_mask, parse_mask
from apps.api.cirrus.toolkit.presenters import coordinate, flag, text, utc
from apps.parties.models import Address, Party
from tests.factories import OrganisationFactory, PersonFactory

ACCOUNT = {
    "id": 1,
    "name": "Acme AB",
    "addresses": {
        "visiting": {"city": "Umeå", "street": "Storgatan"},
        "postal": {"city": None, "street": None},
    },
    "contacts": [{"id": 5, "name": "Eva", "surname": "Ek"}, {"id": 6, "name": "Bo", "surname": "Bo"}],
    "parentaccount": None,
}


# --- X-Fields -----------------------------------------------------------------------------------


def test_mask_keeps_named_fields_and_nests_into_objects():
    mask = parse_mask("{id,name,addresses{visiting{city}}}")
    assert apply_mask(mask, ACCOUNT) == {
        "id": 1,
        "name": "Acme AB",
        "addresses": {"visiting": {"city": "Umeå"}},
    }


def test_mask_nests_into_every_element_of_a_list():
    mask = parse_mask("{contacts{id}}")
    assert apply_mask(mask, ACCOUNT) == {"contacts": [{"id": 5}, {"id": 6}]}


def test_mask_without_outer_braces_and_with_whitespace():
    assert apply_mask(parse_mask(" id , name "), ACCOUNT) == {"id": 1, "name": "Acme AB"}


def test_mask_star_keeps_the_rest_of_its_level():
    masked = apply_mask(parse_mask("{*,addresses{postal}}"), ACCOUNT)
    assert masked["addresses"] == {"postal": {"city": None, "street": None}}
    assert masked["contacts"] == ACCOUNT["contacts"] and masked["name"] == "Acme AB"


def test_mask_skips_unknown_fields_and_keeps_null_objects():
    masked = apply_mask(parse_mask("{id,nosuchfield,parentaccount{id}}"), ACCOUNT)
    assert masked == {"id": 1, "parentaccount": None}


def test_mask_whole_object_without_braces():
    assert apply_mask(parse_mask("{addresses}"), ACCOUNT) == {"addresses": ACCOUNT["addresses"]}


@pytest.mark.parametrize("header", [None, "", "   ", "{}"])
def test_empty_mask_masks_nothing(header):
    assert parse_mask(header) is None
    assert apply_mask(parse_mask(header), ACCOUNT) == ACCOUNT


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ("{id,name", "Missing closing bracket"),
        ("{id,addresses{visiting}", "Missing closing bracket"),
        ("id,name}", "Unexpected closing bracket"),
        ("{id}}", "Unexpected closing bracket"),
        ("{,id}", "Unexpected comma"),
        ("{id,,name}", "Unexpected comma"),
        ("{{id}}", "Unexpected opening bracket"),
        ("{id,{name}}", "Unexpected opening bracket"),
    ],
)
def test_malformed_masks(header, message):
    with pytest.raises(MaskParseError, match=message):
        parse_mask(header)


ENVELOPE = {"page": 1, "pages": 1, "per_page": 10, "total": 2, "items": [ACCOUNT, {**ACCOUNT, "id": 2}]}


def test_list_mask_on_the_envelope():
    masked = apply_mask(parse_mask("{total,items{id}}"), ENVELOPE, envelope=True)
    assert masked == {"total": 2, "items": [{"id": 1}, {"id": 2}]}


def test_list_mask_without_envelope_keys_applies_to_each_item():
    masked = apply_mask(parse_mask("{id,name}"), ENVELOPE, envelope=True)
    assert masked == {**ENVELOPE, "items": [{"id": 1, "name": "Acme AB"}, {"id": 2, "name": "Acme AB"}]}


def test_list_mask_items_without_braces_keeps_items_whole():
    assert apply_mask(parse_mask("{page,items}"), ENVELOPE, envelope=True) == {
        "page": 1,
        "items": ENVELOPE["items"],
    }


# --- Wildcards ----------------------------------------------------------------------------------


def test_like_pattern_keeps_percent_and_escapes_underscore_and_backslash():
    assert like_pattern("Ac_me%") == "Ac\\_me%"
    assert like_pattern("a\\b") == "a\\\\b"


@pytest.mark.parametrize(
    ("value", "text_", "matches"),
    [
        ("Acme%", "Acme AB", True),
        ("Acme%", "Bacme", False),
        ("%acme%", "Bacme", True),
        ("Acme", "Acme AB", False),
        ("acme ab", "Acme AB", True),
        ("A_me", "Acme", False),
        ("A_me", "A_me", True),
        ("%", "", True),
    ],
)
def test_wildcard_matches_in_python(value, text_, matches):
    assert wildcard_matches(text_, value) is matches


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Acme%", {"Acme AB"}),
        ("%acme%", {"Acme AB", "Bacme"}),
        ("%c_m%", {"Ac_me 100%"}),
        ("acme", set()),
        ("ACME AB", {"Acme AB"}),
        ("Ac_me%", {"Ac_me 100%"}),
        ("%100\\%", set()),
        ("%", {"Acme AB", "Bacme", "Ac_me 100%"}),
    ],
)
def test_wildcard_in_sql(value, expected):
    for name in ("Acme AB", "Bacme", "Ac_me 100%"):
        OrganisationFactory(name=name)
    found = set(Party.objects.filter(wildcard("name", value)).values_list("name", flat=True))
    assert found == expected


# --- Query parameter fields ---------------------------------------------------------------------


def test_integer_field():
    field = IntegerField(required=False)
    assert field.clean("42") == 42
    assert field.clean("") is None
    with pytest.raises(forms.ValidationError, match="invalid literal"):
        field.clean("4x")
    with pytest.raises(forms.ValidationError, match="out of range"):
        field.clean(str(2**70))


def test_choice_integer_field():
    field = ChoiceIntegerField(required=False, allowed=(0, 1, 2))
    assert field.clean("2") == 2
    with pytest.raises(forms.ValidationError):
        field.clean("3")


def test_csv_integer_field():
    field = CsvIntegerField(required=False)
    assert field.clean(["3,7", "9"]) == [3, 7, 9]
    assert field.clean([" 3 , 7 ,"]) == [3, 7]
    assert field.clean([]) is None
    with pytest.raises(forms.ValidationError, match="'x' is not an integer"):
        field.clean(["3,x"])


# --- Geography ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "point"),
    [
        ("63.82,20.26", geo.Point(63.82, 20.26)),
        ("{63.82, 20.26}", geo.Point(63.82, 20.26)),
        (" 63.82 20.26 ", geo.Point(63.82, 20.26)),
        ("-33.9,-70.6", geo.Point(-33.9, -70.6)),
        ("91,0", None),
        ("0,181", None),
        ("umea", None),
        ("63.82", None),
    ],
)
def test_parse_point(raw, point):
    assert geo.parse_point(raw) == point


def test_distance_km_umea_to_stockholm():
    umea = geo.Point(63.8258, 20.2630)
    assert geo.distance_km(umea, Decimal("59.329323"), Decimal("18.068581")) == pytest.approx(513, abs=3)
    assert geo.distance_km(umea, None, Decimal("1")) is None
    assert geo.format_km(12.3456) == "12.346"


@pytest.mark.django_db
def test_distance_in_sql_equals_python_and_the_bounding_box_holds_every_point_within():
    from django.db.models import Q

    party = OrganisationFactory()
    points = [("59.329323", "18.068581"), ("63.825847", "20.263035"), ("-33.868820", "151.209290")]
    for lat, lng in points:
        Address.objects.create(
            party=party, address_type=party.addresses.first().address_type, latitude=lat, longitude=lng
        )
    origin = geo.Point(60.0, 18.0)
    rows = Address.objects.filter(latitude__isnull=False).annotate(km=geo.distance_expression(origin))
    for row in rows:
        assert row.km == pytest.approx(geo.distance_km(origin, row.latitude, row.longitude), rel=1e-6)
        inside = Address.objects.filter(Q(pk=row.pk) & geo.bounding_box(origin, row.km + 0.001)).exists()
        assert inside
    assert not Address.objects.filter(geo.bounding_box(origin, 10)).exists()


def test_bounding_box_across_the_antimeridian_and_near_a_pole():
    wrapping = geo.bounding_box(geo.Point(0, 179.9), 100)
    assert "OR" in str(wrapping)
    polar = geo.bounding_box(geo.Point(89.99, 0), 100)
    assert "longitude" not in str(polar)
    assert math.isclose(geo.KM_PER_DEGREE, 111.195, rel_tol=1e-3)


# --- Presenters ---------------------------------------------------------------------------------


def test_presenters():
    assert text("") is None and text("x") == "x"
    assert flag(True) == 1 and flag(False) == 0 and flag(None) is None
    assert coordinate(Decimal("63.820000")) == "63.82"
    assert coordinate(Decimal("20.000000")) == "20"
    assert coordinate(None) is None
    import datetime

    moment = datetime.datetime(
        2024, 5, 2, 15, 30, 12, 999, tzinfo=datetime.timezone(datetime.timedelta(hours=2))
    )
    assert utc(moment) == "2024-05-02T13:30:12Z"


# --- Request fields -----------------------------------------------------------------------------


class Body(CirrusSerializer):
    required_on_update = ("name",)
    name = Str(required=True, allow_blank=False, max_length=20)
    info = Str()
    count = Int(min_value=0, max_value=10)
    active = Flag()
    owner = RefField(Party.objects.all(), what="party")
    members = IdListField(Party.objects.all(), what="party")


def errors_of(data, **kwargs):
    serializer = Body(data=data, **kwargs)
    assert not serializer.is_valid()
    return flatten(serializer.errors)


@pytest.mark.django_db
def test_request_fields_types_and_messages():
    assert errors_of({}) == {"name": "'name' is a required property"}
    assert errors_of({"name": None}) == {"name": "'name' is a required property"}
    assert errors_of({"name": ""}) == {"name": "This field can not be empty."}
    assert errors_of({"name": 12}) == {"name": "12 is not of type 'string'"}
    assert errors_of({"name": "x", "count": "3"}) == {"count": "'3' is not of type 'integer'"}
    assert errors_of({"name": "x", "count": 11}) == {"count": "11 is not between 0 and 10"}
    assert errors_of({"name": "x", "active": 2}) == {"active": "2 is not one of [0, 1]"}
    assert errors_of({"name": "x", "active": True}) == {"active": "True is not one of [0, 1]"}
    assert errors_of({"name": "x", "owner": 999999}) == {"owner": "No party with id 999999."}
    assert errors_of({"name": "x", "members": [1.5]}) == {"members": "1.5 is not of type 'integer'"}
    person = PersonFactory()
    serializer = Body(
        data={"name": "x", "info": None, "active": 1, "owner": person.pk, "members": [person.pk]}
    )
    assert serializer.is_valid(), serializer.errors
    assert serializer.validated_data == {
        "name": "x",
        "info": "",
        "active": True,
        "owner": person,
        "members": [person],
    }


def test_partial_update_still_requires_the_update_required_fields():
    serializer = Body(data={"info": "x"}, partial=True)
    assert not serializer.is_valid()
    assert flatten(serializer.errors) == {"name": "'name' is a required property"}


def test_a_body_that_is_not_an_object():
    serializer = Body(data=[1, 2])
    assert not serializer.is_valid()
    assert "body" in flatten(serializer.errors)


# --- Errors -------------------------------------------------------------------------------------


def test_flatten_nested_errors():
    detail = {"addresses": {"visiting": {"city": ["Too long."]}}, "tags": ["No tag with id 9."]}
    assert flatten(detail) == {"addresses.visiting.city": "Too long.", "tags": "No tag with id 9."}


@pytest.mark.parametrize(
    ("exc", "status", "body"),
    [
        (
            exceptions.NotAuthenticated(),
            401,
            {"message": "A valid X-Token header or Bearer token is required."},
        ),
        (
            exceptions.ValidationError({"per_page": ["bad"]}),
            400,
            {"message": VALIDATION_FAILED, "errors": {"per_page": "bad"}},
        ),
        (
            DjangoValidationError({"name": "Blank."}),
            400,
            {"message": VALIDATION_FAILED, "errors": {"name": "Blank."}},
        ),
        (DjangoValidationError("Only organisations."), 400, {"message": "Only organisations."}),
        (exceptions.NotFound(), 404, {"message": "The requested URL was not found on the server."}),
        (
            exceptions.MethodNotAllowed("DELETE"),
            405,
            {"message": "The method is not allowed for the requested URL."},
        ),
        (
            exceptions.ParseError("Bad JSON"),
            400,
            {"message": "The request body must be a JSON object: Bad JSON"},
        ),
    ],
)
def test_exception_bodies(exc, status, body):
    response = cirrus_exception_handler(exc, {"view": None})
    assert response.status_code == status
    assert response.data == body


def test_serializer_errors_are_flattened_by_the_handler():
    response = cirrus_exception_handler(serializers.ValidationError({"a": {"b": ["x"]}}), {})
    assert response.data == {"message": VALIDATION_FAILED, "errors": {"a.b": "x"}}
