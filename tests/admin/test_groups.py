"""The group filter includes subgroups (the tree's meaning); the group tree shows member counts."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.parties import services
from tests.factories import CombinationFactory, GroupFactory, PersonFactory

pytestmark = pytest.mark.django_db


def test_the_group_filter_counts_subgroup_members_and_the_tree_shows_counts(admin_client):
    board = GroupFactory(name="Board")
    committee = GroupFactory(name="Committee", parent=board)
    direct, below, former = PersonFactory(), PersonFactory(), PersonFactory()
    today = timezone.localdate()
    services.add_membership(None, direct, combination=CombinationFactory(group=board), start_date=today)
    services.add_membership(None, below, combination=CombinationFactory(group=committee), start_date=today)
    services.add_membership(
        None,
        former,
        combination=CombinationFactory(group=committee),
        start_date=datetime.date(2020, 1, 1),
        end_date=today - datetime.timedelta(days=1),
    )
    response = admin_client.get(reverse("admin:parties_person_changelist") + f"?group={board.pk}")
    assert {p.pk for p in response.context["cl"].result_list} == {direct.pk, below.pk}

    tree = admin_client.get(reverse("admin:parties_group_changelist"))
    counts = {g.name: g.member_counts for g in tree.context["cl"].result_list}
    assert counts == {"Board": (1, 2), "Committee": (1, 1)}
    assert "1 / 2" in tree.content.decode()
