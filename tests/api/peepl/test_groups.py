"""Groups (#43-#45), functions (#46-#48), combinations (#49-#53) and their date-effective member
lists (examples 13-16)."""

import datetime

import pytest
from django.utils import timezone

from tests.factories import (
    CombinationFactory,
    FunctionFactory,
    GroupFactory,
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup():
    """Combination C = (G, F); A holds C through 2020, B from 2021 on (example 13)."""
    group, function = GroupFactory(name="G"), FunctionFactory(name="F")
    combination = CombinationFactory(group=group, function=function)
    a, b = PersonFactory(first_name="A"), PersonFactory(first_name="B")
    MembershipFactory(
        party=a,
        combination=combination,
        start_date=datetime.date(2020, 1, 1),
        end_date=datetime.date(2020, 12, 31),
    )
    MembershipFactory(party=b, combination=combination, start_date=datetime.date(2021, 1, 1))
    return {"G": group, "F": function, "C": combination, "A": a, "B": b}


def ids(response):
    assert response.status_code == 200, response.content
    return [item["id"] for item in response.json()["results"]]


# --- Example 13: date-effective member lists ------------------------------------------------


def test_example_13(peepl, setup):
    g, f, c, a, b = (setup[k] for k in "GFCAB")
    body = peepl.get(f"groups/{g.pk}/contacts/20200615/").json()
    assert body["count"] == 1 and body["results"][0]["id"] == a.pk
    assert body["results"][0]["first_name"] == "A"  # the /contacts/ list representation
    assert ids(peepl.get(f"functions/{f.pk}/contacts/20201231/")) == [a.pk]  # end date inclusive
    assert ids(peepl.get(f"combinations/{c.pk}/contacts/20210101/")) == [b.pk]
    assert ids(peepl.get(f"groups/{g.pk}/contacts/")) == [b.pk]  # today
    body = peepl.get(f"combinations/{c.pk}/organisations/20200615/").json()
    assert body["count"] == 0 and body["results"] == []


def test_start_date_inclusive_and_before_any_membership(peepl, setup):
    g, a = setup["G"], setup["A"]
    assert ids(peepl.get(f"groups/{g.pk}/contacts/20200101/")) == [a.pk]
    assert ids(peepl.get(f"groups/{g.pk}/contacts/20191231/")) == []


def test_current_members_follow_todays_date(peepl, setup):
    today = timezone.localdate()
    ending = PersonFactory()
    MembershipFactory(
        party=ending, combination=setup["C"], start_date=datetime.date(2020, 1, 1), end_date=today
    )
    future = PersonFactory()
    MembershipFactory(party=future, combination=setup["C"], start_date=today + datetime.timedelta(days=1))
    assert ids(peepl.get(f"combinations/{setup['C'].pk}/contacts/")) == [setup["B"].pk, ending.pk]


def test_member_of_several_combinations_is_listed_once(peepl, setup):
    other_function = FunctionFactory()
    MembershipFactory(
        party=setup["B"], combination=CombinationFactory(group=setup["G"], function=other_function)
    )
    body = peepl.get(f"groups/{setup['G'].pk}/contacts/").json()
    assert body["count"] == 1


def test_subgroup_members_are_not_group_members(peepl, setup):
    child = GroupFactory(parent=setup["G"])
    member = PersonFactory()
    MembershipFactory(party=member, combination=CombinationFactory(group=child))
    assert ids(peepl.get(f"groups/{setup['G'].pk}/contacts/")) == [setup["B"].pk]
    assert ids(peepl.get(f"groups/{child.pk}/contacts/")) == [member.pk]


def test_organisation_members(peepl, setup):
    acme = OrganisationFactory(name="Acme", email="info@acme.be")
    MembershipFactory(party=acme, combination=setup["C"])
    for path in ("groups/{G}", "functions/{F}", "combinations/{C}"):
        url = path.format(**{k: v.pk for k, v in setup.items()}) + "/organisations/"
        body = peepl.get(url).json()
        assert body["count"] == 1
        assert body["results"][0]["name"] == "Acme" and body["results"][0]["email"] == "info@acme.be"
        assert ids(peepl.get(url.replace("organisations", "contacts"))) == [setup["B"].pk]


def test_member_lists_paginate_in_constant_queries(
    peepl, setup, count_queries, django_assert_max_num_queries
):
    url = f"groups/{setup['G'].pk}/contacts/"
    few = count_queries(peepl, url)
    for n in range(14):
        MembershipFactory(party=PersonFactory(email=f"m{n}@example.be", phone="09"), combination=setup["C"])
    assert count_queries(peepl, url) == few
    with django_assert_max_num_queries(7):
        body = peepl.get(url).json()
    assert body["count"] == 15 and len(body["results"]) == 10
    assert body["next"].endswith(f"{url}?limit=10&offset=10")
    assert count_queries(peepl, f"combinations/{setup['C'].pk}/contacts/20240101/?offset=10") == few


# --- Example 14: path shapes ----------------------------------------------------------------


def test_example_14(peepl, setup):
    g = setup["G"].pk
    assert peepl.get(f"groups/{g}/persons/").status_code == 404
    assert peepl.get(f"groups/{g}/contacts/2020-06-15/").status_code == 404
    response = peepl.get(f"groups/{g}/contacts/20201345/")
    assert response.status_code == 400
    assert response.json() == {"detail": "Invalid date."}
    assert peepl.get("groups/99999/contacts/").status_code == 404


@pytest.mark.parametrize(
    "path", ["functions/{F}/contacts/20200230/", "combinations/{C}/organisations/00000101/"]
)
def test_impossible_dates_are_400(peepl, setup, path):
    response = peepl.get(path.format(**{k: v.pk for k, v in setup.items()}))
    assert response.status_code == 400
    assert response.json() == {"detail": "Invalid date."}


@pytest.mark.parametrize(
    "path",
    [
        "functions/99999/contacts/",
        "functions/{F}/people/",
        "functions/{F}/contacts/2020061/",
        "functions/{F}/contacts/202006150/",
        "combinations/99999/organisations/",
        "combinations/{C}/contact/",
        "combinations/{C}/contacts/20200615",
    ],
)
def test_other_path_shapes_are_404(peepl, setup, path):
    response = peepl.get(path.format(**{k: v.pk for k, v in setup.items()}))
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


# --- #43 groups tree (example 15) -----------------------------------------------------------


def test_example_15_tree(peepl):
    root = GroupFactory(name="R", description="The root")
    child = GroupFactory(name="S", parent=root)
    body = peepl.get("groups/").json()
    assert body == [
        {
            "id": root.pk,
            "name": "R",
            "description": "The root",
            "parent": None,
            "subgroups": [
                {"id": child.pk, "name": "S", "description": None, "parent": root.pk, "subgroups": []}
            ],
        }
    ]


def test_deep_tree_in_one_query(peepl, count_queries, django_assert_max_num_queries):
    first = GroupFactory(name="first root")
    second = GroupFactory(name="second root")
    level1 = GroupFactory(parent=first)
    level2 = GroupFactory(parent=level1)
    level3 = GroupFactory(parent=level2)
    sibling = GroupFactory(parent=first)
    few = count_queries(peepl, "groups/")
    for _ in range(5):
        GroupFactory(parent=level3)
    assert count_queries(peepl, "groups/") == few
    with django_assert_max_num_queries(2):  # the key and the groups
        body = peepl.get("groups/").json()

    assert [g["id"] for g in body] == [first.pk, second.pk]
    assert [g["id"] for g in body[0]["subgroups"]] == [level1.pk, sibling.pk]
    deepest = body[0]["subgroups"][0]["subgroups"][0]["subgroups"][0]
    assert deepest["id"] == level3.pk and len(deepest["subgroups"]) == 5

    def walk(nodes):
        for node in nodes:
            yield node["id"]
            yield from walk(node["subgroups"])

    every = list(walk(body))
    assert len(every) == len(set(every)) == 11


# --- #46 functions, #49-#51 combinations (example 16) ---------------------------------------


def test_functions(peepl):
    chair = FunctionFactory(name="Chair", description="Leads")
    body = peepl.get("functions/").json()
    assert {"id": chair.pk, "name": "Chair", "description": "Leads"} in body


def test_example_16(peepl, setup):
    g, f, c, a = (setup[k] for k in "GFCA")
    other = CombinationFactory()
    expected = {"id": c.pk, "group": {"id": g.pk, "name": "G"}, "function": {"id": f.pk, "name": "F"}}
    assert peepl.get(f"combinations/group/{g.pk}/").json() == [expected]
    assert peepl.get(f"combinations/function/{f.pk}/").json() == [expected]
    every = peepl.get("combinations/").json()
    assert [x for x in every if x["id"] in (c.pk, other.pk)] == [expected, {"id": other.pk, **_refs(other)}]
    positions = peepl.get(f"contacts/{a.pk}/positions/").json()
    assert len(positions) == 1
    assert positions[0]["combination"] == c.pk
    assert positions[0]["start_date"] == "2020-01-01" and positions[0]["end_date"] == "2020-12-31"
    assert positions[0]["group"] == {"id": g.pk, "name": "G"}


def _refs(combination):
    return {
        "group": {"id": combination.group_id, "name": combination.group.name},
        "function": {"id": combination.function_id, "name": combination.function.name},
    }


def test_combinations_of_unknown_or_empty_owner(peepl):
    assert peepl.get("combinations/group/99999/").status_code == 404
    assert peepl.get("combinations/function/99999/").status_code == 404
    assert peepl.get(f"combinations/group/{GroupFactory().pk}/").json() == []


def test_combination_lists_in_constant_queries(peepl, count_queries):
    CombinationFactory()
    few = count_queries(peepl, "combinations/")
    for _ in range(5):
        CombinationFactory()
    assert count_queries(peepl, "combinations/") == few
