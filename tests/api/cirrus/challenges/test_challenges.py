"""Challenges over HTTP (O76-O82): create, accept and decline by the challenged user only, the
status filter relative to the caller, every other filter and sort, scores and stats counted from
the pipeline, mask forms, the `owner` boolean and `active` int, constant query counts."""

import datetime

import pytest
from django.utils import timezone

from apps.api.cirrus.challenges.serializers import ChallengeSerializer
from apps.sales import services, services_challenges, services_pipeline
from apps.sales.models import Activity, Challenge, ChallengeType, Lead

from ..pipeline import *  # noqa: F403
from ..pipeline import assert_constant_queries, client_with
from ..support import *  # noqa: F403
from ..support import assert_shape

pytestmark = pytest.mark.django_db


def ids(response) -> list[int]:
    assert response.status_code == 200, response.json()
    return [item["id"] for item in response.json()["items"]]


def challenge(challenger, challenged, *, metric="activities", days_ago=0):
    kind = ChallengeType.objects.get(metric=metric)
    start = timezone.now() - datetime.timedelta(days=days_ago)
    return services_challenges.create_challenge(
        challenger, challenged=challenged, challenge_type=kind, start=start
    )


@pytest.fixture
def rival(django_user_model):
    return django_user_model.objects.create_user("rival", first_name="Rut", last_name="Rask")


def completed(user):
    activity = services.create_activity(None, kind="task", name="Call", start=timezone.now(), owner=user)
    services.set_activity_state(None, activity, Activity.State.COMPLETED)


# --- O76 create, O80 get ------------------------------------------------------------------------


def test_create_and_read(cirrus, admin_user, user):
    kind = ChallengeType.objects.get(name="Most leads")
    data = {
        "challenged": {"id": user.pk, "name": "ignored"},
        "startdate": "2030-05-01T08:00:00Z",
        "type": {"id": kind.pk},
    }
    response = cirrus.call("post", "challenges", data)
    assert response.status_code == 201, response.json()
    item = response.json()
    assert_shape(item, ChallengeSerializer)
    assert item["active"] == 1 and type(item["active"]) is int and item["winner"] is None
    assert (item["startdate"], item["stopdate"]) == ("2030-05-01T08:00:00Z", "2030-05-08T08:00:00Z")
    assert item["type"] == {"id": kind.pk, "name": "Most leads"}
    assert item["challenger"]["owner"] is True and item["challenger"]["user"]["id"] == admin_user.pk
    assert item["challenger"]["accepted"].endswith("Z") and item["challenger"]["challengeid"] == item["id"]
    assert item["challenged"]["owner"] is False and item["challenged"]["accepted"] is None
    assert item["challenged"]["user"]["id"] == user.pk and item["challenged"]["score"] == 0
    assert item["daysremaining"] == (datetime.date(2030, 5, 8) - timezone.localdate()).days
    assert cirrus.call("get", f"challenges/{item['id']}").json() == item
    default = cirrus.call(
        "post", "challenges", {"challenged": {"id": user.pk}, "startdate": "2030-05-01"}
    ).json()
    assert default["type"]["id"] == ChallengeType.objects.order_by("sort_order", "name", "id").first().pk


@pytest.mark.parametrize(
    "data, fields",
    [
        ({}, {"challenged", "startdate"}),
        ({"challenged": {"id": 999999}, "startdate": "2030-05-01T08:00:00Z"}, {"challenged"}),
        ({"challenged": 5, "startdate": "2030-05-01T08:00:00Z"}, {"challenged"}),
        ({"challenged": {"id": "me"}, "startdate": "tomorrow"}, {"challenged", "startdate"}),
        ({"startdate": "2030-05-01T08:00:00Z", "type": {"id": 999999}}, {"challenged", "type"}),
    ],
)
def test_create_validation(cirrus, data, fields):
    response = cirrus.call("post", "challenges", data)
    assert response.status_code == 400 and set(response.json()["errors"]) == fields, response.json()


def test_challenging_yourself_is_400(cirrus, admin_user):
    response = cirrus.call(
        "post", "challenges", {"challenged": {"id": admin_user.pk}, "startdate": "2030-05-01"}
    )
    assert response.status_code == 400 and set(response.json()["errors"]) == {"challenged"}
    assert not Challenge.objects.exists()


def test_get_unknown_is_404(cirrus):
    assert cirrus.call("get", "challenges/999999").status_code == 404
    assert cirrus.call("put", "challenges/999999/accept").status_code == 404
    assert cirrus.call("put", "challenges/1").status_code == 405


# --- O81/O82 answers ------------------------------------------------------------------------------


def test_only_the_challenged_user_answers_once(cirrus, admin_user, user, rival):
    issued = challenge(admin_user, user)
    assert cirrus.call("put", f"challenges/{issued.pk}/accept").status_code == 403  # the challenger
    challenged = client_with(user, "view_challenge", "change_challenge")
    response = challenged.call("put", f"challenges/{issued.pk}/accept")
    assert response.status_code == 200 and response.json() == {"id": issued.pk, "status": "accepted"}
    again = challenged.call("put", f"challenges/{issued.pk}/decline")
    assert again.status_code == 400 and set(again.json()) == {"message"}
    item = challenged.call("get", f"challenges/{issued.pk}").json()
    assert item["challenged"]["accepted"].endswith("Z") and item["active"] == 1
    other = challenge(admin_user, user)
    assert challenged.call("put", f"challenges/{other.pk}/decline").json() == {
        "id": other.pk,
        "status": "declined",
    }
    assert challenged.call("get", f"challenges/{other.pk}").json()["active"] == 0
    third = challenge(admin_user, rival)
    reader = client_with(rival, "view_challenge")  # the challenged user, without the change permission
    assert reader.call("put", f"challenges/{third.pk}/accept").status_code == 403


# --- O77 list: status relative to the caller, filters, sorting ------------------------------------------


def test_status_filter(cirrus, admin_user, user, rival):
    eight_days_ago = timezone.now() - datetime.timedelta(days=8)
    for owner in (admin_user, admin_user, rival):
        completed(owner)
    Activity.objects.update(completed_at=eight_days_ago)
    services_pipeline.create_lead(None, title="L", owner=rival)
    Lead.objects.update(created=eight_days_ago)
    mine = challenge(admin_user, user)  # issued by me, unanswered
    to_me = challenge(user, admin_user)  # issued to me, unanswered
    running = challenge(admin_user, rival, days_ago=1)
    services_challenges.accept_challenge(rival, running)
    won = challenge(admin_user, rival, days_ago=10)  # activities: 2 against 1
    services_challenges.accept_challenge(rival, won)
    lost = challenge(rival, admin_user, metric="leads", days_ago=10)  # leads: 0 against 1
    services_challenges.accept_challenge(admin_user, lost)
    declined = challenge(admin_user, user)
    services_challenges.decline_challenge(user, declined)
    assert services_challenges.settle_finished_challenges() == 2
    cases = {
        "": {mine.pk},  # pending by default
        "status=pending": {mine.pk},
        "status=unanswered": {to_me.pk},
        "status=ongoing": {running.pk},
        "status=won": {won.pk},
        "status=lost": {lost.pk},
        "status=closed": {won.pk, lost.pk, declined.pk},
        "status=all": {mine.pk, to_me.pk, running.pk, won.pk, lost.pk, declined.pk},
    }
    for query, expected in cases.items():
        assert set(ids(cirrus.call("get", f"challenges?{query}&per_page=50"))) == expected, query
    item = cirrus.call("get", f"challenges/{won.pk}").json()
    assert item["winner"]["id"] == admin_user.pk and item["active"] == 0
    assert (item["challenger"]["score"], item["challenged"]["score"]) == (2, 1)
    rival_view = client_with(rival, "view_challenge")
    assert set(ids(rival_view.call("get", "challenges?status=won"))) == {lost.pk}
    assert set(ids(rival_view.call("get", "challenges?status=lost"))) == {won.pk}
    response = cirrus.call("get", "challenges?status=finished")
    assert response.status_code == 400 and "status" in response.json()["errors"]


def test_filters_and_sorting(cirrus, admin_user, user, rival):
    leads = ChallengeType.objects.get(metric="leads")
    a = challenge(admin_user, user)
    b = challenge(user, rival, metric="leads")
    c = challenge(rival, admin_user, days_ago=30)
    services_challenges.accept_challenge(admin_user, c)
    services_pipeline.create_lead(None, title="L", owner=admin_user)
    Challenge.objects.filter(pk=c.pk).update(winner=rival, active=False)
    everything = "status=all&per_page=50"
    cases = {
        f"challengerid={admin_user.pk}": {a.pk},
        f"challengedid={admin_user.pk}": {c.pk},
        f"typeid={leads.pk}": {b.pk},
        f"winnerid={rival.pk}": {c.pk},
        f"datespan_start={timezone.localdate().isoformat()}": {a.pk, b.pk},
        f"datespan_end={(timezone.localdate() - datetime.timedelta(days=20)).isoformat()}": {c.pk},
        "datespan_start=2001-01-01&datespan_end=2001-12-31": set(),
    }
    for query, expected in cases.items():
        assert set(ids(cirrus.call("get", f"challenges?{everything}&{query}"))) == expected, query
    # by the challenger's (challenged user's) surname: the admin's is blank, then Rask, Svensson
    orders = {
        "active_desc": [a.pk, b.pk, c.pk],
        "active_asc": [c.pk, a.pk, b.pk],
        "type_asc": [a.pk, c.pk, b.pk],  # Most activities, Most activities, Most leads
        "winner_asc": [c.pk, a.pk, b.pk],
        "challenger_asc": [a.pk, c.pk, b.pk],
        "challenger_desc": [b.pk, c.pk, a.pk],
        "challenged_asc": [c.pk, b.pk, a.pk],
    }
    for sorting, order in orders.items():
        assert ids(cirrus.call("get", f"challenges?{everything}&sorting={sorting}")) == order, sorting
    assert cirrus.call("get", "challenges?sorting=date_asc").status_code == 400
    assert cirrus.call("get", "challenges?winnerid=x").status_code == 400


def test_scores_are_counted_from_the_pipeline(cirrus, admin_user, user):
    issued = challenge(admin_user, user, days_ago=1)
    completed(user)
    completed(user)
    completed(admin_user)
    item = cirrus.call("get", f"challenges/{issued.pk}").json()
    assert (item["challenger"]["score"], item["challenged"]["score"]) == (1, 2)


def test_mask_forms(cirrus, admin_user, user):
    issued = challenge(admin_user, user)
    masked = cirrus.call(
        "get", f"challenges/{issued.pk}", HTTP_X_FIELDS="{id,challenged{owner,user{name}}}"
    ).json()
    assert masked == {"id": issued.pk, "challenged": {"owner": False, "user": {"name": "Sven"}}}
    assert cirrus.call("get", "challenges", HTTP_X_FIELDS="{active}").json()["items"] == [{"active": 1}]


def test_list_reads_a_constant_number_of_queries(cirrus, admin_user, user, django_assert_num_queries):
    challenge(admin_user, user)
    assert_constant_queries(
        cirrus,
        "challenges",
        lambda: [challenge(admin_user, user) for _ in range(49)],
        django_assert_num_queries,
        "{id,challenger{score}}",
    )


# --- O78 types, O79 stats -----------------------------------------------------------------------


def test_types_and_stats(cirrus, user):
    types = cirrus.call("get", "challenges/types").json()
    assert [t["name"] for t in types] == [
        "Most activities",
        "Most leads",
        "Most deals won",
        "Highest won value",
    ]
    assert set(types[0]) == {"id", "name"}
    completed(user)
    services_pipeline.create_lead(None, title="L", owner=user)
    stats = cirrus.call("get", f"challenges/stats/{user.pk}").json()
    assert stats == {
        "achievements": {"day": 2, "week": 2, "month": 2},
        "category": "Rookie",
        "heartbeat": 2,
        "level": 1,
        "score": 3,
    }
    assert cirrus.call("get", f"challenges/stats/{user.pk}", HTTP_X_FIELDS="{score}").json() == {"score": 3}
    assert cirrus.call("get", "challenges/stats/999999").status_code == 404
