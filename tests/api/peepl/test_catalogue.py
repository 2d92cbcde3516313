"""Address types (#39-#42, example 11), the custom field catalogue (#21-#22, #36-#37), positions
(#20) and segments (#23, #38, example 20)."""

import datetime

import pytest

from apps.core.models import CustomField, CustomFieldCategory
from apps.parties import services
from apps.parties.models import AddressType
from tests.factories import (
    AddressTypeFactory,
    CustomFieldCategoryFactory,
    CustomFieldFactory,
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
    SegmentFactory,
)

pytestmark = pytest.mark.django_db


# --- Address types (#39-#42) ----------------------------------------------------------------


def test_list_address_types(peepl):
    default = services.get_default_address_type()
    extra = AddressTypeFactory(description="Holiday", max_amount=2)
    body = peepl.get("address_types/").json()
    assert [t["id"] for t in body] == list(AddressType.objects.order_by("id").values_list("id", flat=True))
    assert {"id": default.pk, "description": default.description, "max_amount": 1, "is_default": True} in body
    assert body[-1] == {"id": extra.pk, "description": "Holiday", "max_amount": 2, "is_default": False}


def test_example_11(peepl):
    default = services.get_default_address_type()
    response = peepl.delete(f"address_types/{default.pk}/")
    assert response.status_code == 400
    assert response.json() == {"detail": "The default address type cannot be deleted."}

    used = AddressTypeFactory()
    services.add_address(None, PersonFactory(), address_type=used)
    response = peepl.delete(f"address_types/{used.pk}/")
    assert response.status_code == 400
    assert response.json() == {"detail": "This address type is in use and cannot be deleted."}

    response = peepl.post("address_types/", {"description": "Holiday", "max_amount": 2}, format="json")
    assert response.status_code == 201
    assert response.json()["is_default"] is False
    new_id = response.json()["id"]
    assert peepl.delete(f"address_types/{new_id}/").status_code == 200
    assert new_id not in [t["id"] for t in peepl.get("address_types/").json()]
    assert peepl.delete(f"address_types/{new_id}/").status_code == 404


def test_create_address_type_validates(peepl):
    response = peepl.post("address_types/", {"description": "X"}, format="json")
    assert response.json() == {"max_amount": ["This field is required."]}
    response = peepl.post("address_types/", {"description": "X", "max_amount": 0}, format="json")
    assert response.status_code == 400 and list(response.json()) == ["max_amount"]
    response = peepl.post("address_types/", {"description": "X", "max_amount": "many"}, format="json")
    assert response.json() == {"max_amount": ["A valid integer is required."]}
    response = peepl.post("address_types/", {"max_amount": 1, "is_default": True}, format="json")
    assert response.json() == {"description": ["This field is required."]}
    assert AddressType.objects.filter(is_default=True).count() <= 1
    assert not AddressType.objects.filter(description="X").exists()


def test_update_address_type(peepl):
    holiday = AddressTypeFactory(description="Holiday", max_amount=3)
    person = PersonFactory()
    services.add_address(None, person, address_type=holiday)
    services.add_address(None, person, address_type=holiday)
    url = f"address_types/{holiday.pk}/"
    response = peepl.put(url, {"description": "Vacation", "max_amount": 2}, format="json")
    assert response.status_code == 200 and response.json()["description"] == "Vacation"
    response = peepl.put(url, {"description": "Vacation", "max_amount": 1}, format="json")
    assert response.status_code == 400 and list(response.json()) == ["max_amount"]
    assert peepl.put(url, {"description": "Vacation"}, format="json").status_code == 400
    holiday.refresh_from_db()
    assert holiday.max_amount == 2
    assert peepl.put("address_types/99999/", {"description": "x", "max_amount": 1}).status_code == 404


# --- Custom field catalogue (#21-#22, #36-#37) ----------------------------------------------


def shown(peepl, path, before):
    """What a catalogue list shows beyond the reference data the migrations ship."""
    return [item for item in peepl.get(path).json() if item["id"] not in before]


def test_custom_field_categories_per_object_type(peepl):
    before = set(CustomFieldCategory.objects.values_list("id", flat=True))
    people = CustomFieldCategoryFactory(name="People", applies_to="person", order=2)
    shared = CustomFieldCategoryFactory(name="Shared", applies_to="party", order=1)
    orgs = CustomFieldCategoryFactory(name="Orgs", applies_to="organisation")
    assert shown(peepl, "contacts/custom_field_categories/", before) == [
        {"id": shared.pk, "name": "Shared", "order": 1},
        {"id": people.pk, "name": "People", "order": 2},
    ]
    assert [c["id"] for c in shown(peepl, "organisations/custom_field_categories/", before)] == [
        orgs.pk,
        shared.pk,
    ]


def test_custom_fields_per_object_type(peepl):
    before = set(CustomField.objects.values_list("id", flat=True))
    category = CustomFieldCategoryFactory()
    level = CustomFieldFactory(
        name="Level", category=category, field_type="choice", choices=["gold", "silver"], required=True
    )
    notes = CustomFieldFactory(name="Notes", field_type="long_text", order=5)
    org_only = CustomFieldFactory(applies_to="organisation")
    assert shown(peepl, "contacts/custom_fields/", before) == [
        {
            "id": level.pk,
            "name": "Level",
            "category": category.pk,
            "field_type": "choice",
            "choices": ["gold", "silver"],
            "required": True,
            "order": 0,
        },
        {
            "id": notes.pk,
            "name": "Notes",
            "category": None,
            "field_type": "text",  # a long text shows as a text
            "choices": [],
            "required": False,
            "order": 5,
        },
    ]
    assert [f["id"] for f in shown(peepl, "organisations/custom_fields/", before)] == [org_only.pk]
    every = peepl.get("contacts/custom_fields/").json()
    applies = set(CustomField.objects.filter(applies_to__in=["person", "party"]).values_list("id", flat=True))
    assert {f["id"] for f in every} == applies


# --- Positions of a contact (#20) -----------------------------------------------------------


def test_contact_positions_include_past_ones_ordered_by_start(peepl, count_queries):
    person = PersonFactory()
    later = MembershipFactory(party=person, start_date=datetime.date(2022, 1, 1))
    earlier = MembershipFactory(
        party=person, start_date=datetime.date(2019, 1, 1), end_date=datetime.date(2019, 12, 31)
    )
    MembershipFactory()  # someone else's
    body = peepl.get(f"contacts/{person.pk}/positions/").json()
    assert [p["id"] for p in body] == [earlier.pk, later.pk]
    assert body[0]["end_date"] == "2019-12-31" and body[1]["end_date"] is None
    assert body[1]["group"]["name"] == later.combination.group.name
    few = count_queries(peepl, f"contacts/{person.pk}/positions/")
    for _ in range(4):
        MembershipFactory(party=person)
    assert count_queries(peepl, f"contacts/{person.pk}/positions/") == few
    assert peepl.get("contacts/99999/positions/").status_code == 404


# --- Segments (#23, #38, example 20) --------------------------------------------------------


def test_contact_segment_example_20(peepl, count_queries):
    members = [PersonFactory(email=f"m{n}@example.be") for n in range(12)]
    PersonFactory()  # not a member
    segment = SegmentFactory(members=members)
    body = peepl.get(f"contacts/segments/{segment.pk}/").json()
    assert body["count"] == 12
    assert [c["id"] for c in body["results"]] == [m.pk for m in members[:10]]
    assert body["next"].endswith(f"/contacts/segments/{segment.pk}/?limit=10&offset=10")
    assert body["results"][0]["email"] == "m0@example.be"
    assert peepl.get(f"organisations/segments/{segment.pk}/").status_code == 404
    assert peepl.get("contacts/segments/99999/").status_code == 404

    few = count_queries(peepl, f"contacts/segments/{segment.pk}/?offset=10")
    assert count_queries(peepl, f"contacts/segments/{segment.pk}/") == few


def test_segment_by_rule(peepl):
    gent = PersonFactory(last_name="Gentenaar")
    services.add_address(None, gent, address_type=AddressTypeFactory(), city="Gent")
    PersonFactory(last_name="Other")
    segment = SegmentFactory(
        rules={"match": "all", "conditions": [{"field": "city", "op": "eq", "value": "Gent"}]}
    )
    body = peepl.get(f"contacts/segments/{segment.pk}/").json()
    assert [c["id"] for c in body["results"]] == [gent.pk]


def test_organisation_segment(peepl):
    acme = OrganisationFactory(name="Acme")
    OrganisationFactory(name="Other")
    segment = SegmentFactory(applies_to="organisation", members=[acme])
    body = peepl.get(f"organisations/segments/{segment.pk}/").json()
    assert body["count"] == 1 and body["results"][0]["name"] == "Acme"
    assert peepl.get(f"contacts/segments/{segment.pk}/").status_code == 404


# --- Plain lists read a fixed number of queries ---------------------------------------------


def _grow(person):
    services.add_address(None, person, address_type=AddressTypeFactory(max_amount=3), city="Gent")
    CustomFieldFactory(category=CustomFieldCategoryFactory())
    MembershipFactory(party=person)


@pytest.mark.parametrize(
    "path",
    [
        "contacts/{id}/addresses/",
        "contacts/{id}/positions/",
        "address_types/",
        "contacts/custom_fields/",
        "contacts/custom_field_categories/",
        "functions/",
        "combinations/",
        "groups/",
    ],
)
def test_plain_lists_run_a_constant_number_of_queries(peepl, count_queries, path):
    person = PersonFactory()
    _grow(person)
    path = path.format(id=person.pk)
    few = count_queries(peepl, path)
    for _ in range(4):
        _grow(person)
    assert count_queries(peepl, path) == few
