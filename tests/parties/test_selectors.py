import datetime

import pytest
from django.utils import timezone

from apps.parties import services
from apps.parties.models import Party, Phone, Segment
from apps.parties.selectors import members_on, segment_members, with_contact_details
from tests.factories import (
    CombinationFactory,
    FunctionFactory,
    GroupFactory,
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
)

D = datetime.date
PERSON, ORGANISATION = Party.Kind.PERSON, Party.Kind.ORGANISATION

pytestmark = pytest.mark.django_db


def ids(queryset):
    return list(queryset.values_list("pk", flat=True))


# --- members_on -----------------------------------------------------------------------------


@pytest.fixture
def spec():
    """The Peepl spec's example 13: A holds C in 2020, B from 2021 on, open-ended."""
    combination = CombinationFactory()
    a, b = PersonFactory(first_name="A"), PersonFactory(first_name="B")
    MembershipFactory(party=a, combination=combination, start_date=D(2020, 1, 1), end_date=D(2020, 12, 31))
    MembershipFactory(party=b, combination=combination, start_date=D(2021, 1, 1))
    return combination, a, b


def test_members_on_a_date(spec):
    combination, a, b = spec
    group, function = combination.group, combination.function
    assert ids(members_on(PERSON, D(2020, 6, 15), group=group)) == [a.pk]
    assert ids(members_on(PERSON, D(2020, 12, 31), function=function)) == [a.pk]  # end inclusive
    assert ids(members_on(PERSON, D(2020, 1, 1), combination=combination)) == [a.pk]  # start inclusive
    assert ids(members_on(PERSON, D(2019, 12, 31), group=group)) == []
    assert ids(members_on(PERSON, D(2021, 1, 1), combination=combination)) == [b.pk]
    assert ids(members_on(PERSON, D(2999, 1, 1), combination=combination)) == [b.pk]  # open-ended
    assert ids(members_on(ORGANISATION, D(2020, 6, 15), combination=combination)) == []


def test_members_on_defaults_to_today(spec):
    combination, a, b = spec
    assert ids(members_on(PERSON, group=combination.group)) == [b.pk]
    today = timezone.localdate()
    ends_today = PersonFactory()
    starts_tomorrow = PersonFactory()
    MembershipFactory(party=ends_today, combination=combination, start_date=D(2020, 1, 1), end_date=today)
    MembershipFactory(
        party=starts_tomorrow, combination=combination, start_date=today + datetime.timedelta(1)
    )
    assert ids(members_on(PERSON, combination=combination)) == [b.pk, ends_today.pk]


def test_members_on_counts_the_direct_group_only():
    parent = GroupFactory()
    child = GroupFactory(parent=parent)
    in_parent, in_child = PersonFactory(), PersonFactory()
    MembershipFactory(party=in_parent, combination=CombinationFactory(group=parent))
    MembershipFactory(party=in_child, combination=CombinationFactory(group=child))
    assert ids(members_on(PERSON, D(2024, 1, 1), group=parent)) == [in_parent.pk]
    assert ids(members_on(PERSON, D(2024, 1, 1), group=child)) == [in_child.pk]


def test_members_on_lists_each_party_once():
    group = GroupFactory()
    as_chair = CombinationFactory(group=group, function=FunctionFactory())
    as_treasurer = CombinationFactory(group=group, function=FunctionFactory())
    person = PersonFactory()
    MembershipFactory(party=person, combination=as_chair)
    MembershipFactory(party=person, combination=as_treasurer)
    # overlapping memberships of the same combination, too
    MembershipFactory(party=person, combination=as_chair, start_date=D(2021, 1, 1))
    MembershipFactory(party=person, combination=as_chair, start_date=D(2022, 1, 1))
    found = members_on(PERSON, D(2024, 1, 1), group=group)
    assert ids(found) == [person.pk]
    assert found.count() == 1
    assert ids(members_on(PERSON, D(2024, 1, 1), combination=as_chair)) == [person.pk]


def test_members_on_filters_by_kind_group_and_function_together():
    group, other_group = GroupFactory(), GroupFactory()
    chair, member = FunctionFactory(), FunctionFactory()
    person, organisation, other = PersonFactory(), OrganisationFactory(), PersonFactory()
    MembershipFactory(party=person, combination=CombinationFactory(group=group, function=chair))
    MembershipFactory(party=organisation, combination=CombinationFactory(group=group, function=member))
    MembershipFactory(party=other, combination=CombinationFactory(group=other_group, function=chair))
    day = D(2024, 1, 1)
    assert ids(members_on(PERSON, day, group=group)) == [person.pk]
    assert ids(members_on(ORGANISATION, day, group=group)) == [organisation.pk]
    assert ids(members_on(PERSON, day, function=chair)) == [person.pk, other.pk]
    assert ids(members_on(PERSON, day, group=group, function=member)) == []
    assert ids(members_on(ORGANISATION, day, group=group, function=member)) == [organisation.pk]


def test_members_on_orders_by_id():
    combination = CombinationFactory()
    people = [PersonFactory() for _ in range(5)]
    for person in reversed(people):
        MembershipFactory(party=person, combination=combination)
    assert ids(members_on(PERSON, D(2024, 1, 1), combination=combination)) == [p.pk for p in people]


# --- segment_members ------------------------------------------------------------------------

GENT = {"match": "all", "conditions": [{"field": "city", "op": "eq", "value": "Gent"}]}


@pytest.fixture
def parties():
    in_gent, elsewhere, listed = PersonFactory(), PersonFactory(), PersonFactory()
    organisation_in_gent = OrganisationFactory()
    for party in (in_gent, organisation_in_gent):
        services.update_address(None, party.addresses.get(), city="Gent")
    return in_gent, elsewhere, listed, organisation_in_gent


def segment(rules=None, members=(), applies_to=PERSON):
    seg = services.save_segment(None, Segment(name="S", rules=rules or {}, applies_to=applies_to))
    seg.static_members.set(members)
    return seg


def test_members_are_the_rules_matches_and_the_listed_parties(parties):
    in_gent, elsewhere, listed, _ = parties
    assert ids(segment_members(segment(GENT, [listed]))) == [in_gent.pk, listed.pk]


def test_a_listed_party_that_also_matches_appears_once(parties):
    in_gent, *_ = parties
    found = segment_members(segment(GENT, [in_gent]))
    assert ids(found) == [in_gent.pk] and found.count() == 1


@pytest.mark.parametrize(
    "rules", [{}, {"match": "all", "conditions": []}, {"conditions": [{"match": "any", "conditions": []}]}]
)
def test_without_rules_only_the_listed_parties(parties, rules):
    _, _, listed, _ = parties
    assert ids(segment_members(segment(rules, [listed]))) == [listed.pk]
    assert ids(segment_members(segment(rules))) == []


def test_a_rule_of_a_single_condition_selects(parties):
    in_gent, _, listed, _ = parties
    rule = {"field": "city", "op": "eq", "value": "Gent"}
    assert ids(segment_members(segment(rule, [listed]))) == [in_gent.pk, listed.pk]


def test_the_segments_kind_is_respected(parties):
    in_gent, _, listed, organisation_in_gent = parties
    persons = segment(GENT, [listed, organisation_in_gent])
    assert ids(segment_members(persons)) == [in_gent.pk, listed.pk]
    organisations = segment(GENT, [listed], applies_to=ORGANISATION)
    assert ids(segment_members(organisations)) == [organisation_in_gent.pk]


def test_members_follow_the_data(parties):
    in_gent, elsewhere, _, _ = parties
    seg = segment(GENT)
    services.update_address(None, elsewhere.addresses.get(), city="Gent")
    services.update_address(None, in_gent.addresses.get(), city="Antwerpen")
    assert ids(segment_members(seg)) == [elsewhere.pk]


# --- with_contact_details -------------------------------------------------------------------


def make_people(n):
    people = []
    for i in range(n):
        person = PersonFactory(email=f"p{i}@example.com", phone=f"09 {i}", mobile=f"0470 {i}")
        services.add_email_address(None, person, email=f"other{i}@example.com")
        services.add_phone(None, person, number=f"09 second {i}")
        people.append(person)
    return people


def render(queryset):
    return [
        (p.primary_email, p.first_phone(Phone.Kind.LANDLINE), p.first_phone(Phone.Kind.MOBILE))
        for p in queryset
    ]


@pytest.mark.parametrize("n", [1, 4, 12])
def test_a_list_with_contact_details_takes_three_queries_whatever_its_length(n, django_assert_num_queries):
    make_people(n)
    with django_assert_num_queries(3):
        rows = render(with_contact_details(Party.objects.order_by("id")))
    assert len(rows) == n


def test_contact_details_show_the_primary_email_and_first_phones():
    people = make_people(3)
    bare = PersonFactory()
    rows = render(with_contact_details(Party.objects.order_by("id")))
    assert rows == [(f"p{i}@example.com", f"09 {i}", f"0470 {i}") for i in range(3)] + [("", "", "")]
    # without the prefetch the same values come from the database
    assert render(Party.objects.filter(pk__in=[p.pk for p in [*people, bare]]).order_by("id")) == rows
