"""Opportunities over HTTP (O91-O103): create and read with every field, the eight fields PUT still
requires, statuses valid per type, every filter and sort of O92, mask forms, 0/1 flags as ints,
the bare-array lookups, follow/unfollow, constant query counts, and the spec's acceptance
examples 9 and 15."""

import datetime
from decimal import Decimal

import pytest

from apps.api.cirrus.opportunities.serializers import OpportunitySerializer
from apps.core.models import AppliesTo, CustomField, Tag
from apps.core.services import set_custom_field_value
from apps.parties import services_accounts
from apps.sales import services_pipeline
from apps.sales.models import (
    Opportunity,
    OpportunityEstimate,
    OpportunityReason,
    OpportunityState,
    OpportunityStatus,
    OpportunityType,
    ProgressionState,
    Source,
)

from ..pipeline import *  # noqa: F403
from ..pipeline import assert_constant_queries, client_with, make_opportunity, new_business
from ..support import *  # noqa: F403
from ..support import assert_shape, count_queries

pytestmark = pytest.mark.django_db


def ids(response) -> list[int]:
    assert response.status_code == 200, response.json()
    return [item["id"] for item in response.json()["items"]]


def body(acme, eva, owner, **extra):
    kind, status = new_business()
    return {
        "accountid": acme.pk,
        "contactid": eva.pk,
        "title": "Fleet deal",
        "description": "Ten trucks",
        "userid": owner.pk,
        "statusid": status.pk,
        "estimatedenddate": "2030-01-31",
        "typeid": kind.pk,
        **extra,
    }


# --- O91 create, O103 get -----------------------------------------------------------------------


def test_create_with_every_field_and_read_it_back(cirrus, acme, eva, user, admin_user):
    beta = services_accounts.create_account(None, name="Beta AB", account_type=acme.account_type)
    estimate = OpportunityEstimate.objects.get(probability=75)
    state, source = OpportunityState.objects.get(name="Quoted"), Source.objects.get(name="Referral")
    tag = Tag.objects.create(name="Trucks")
    data = body(
        acme,
        eva,
        user,
        altaccountid=beta.pk,
        phone="090-1",
        result="Waiting",
        value=125000.5,
        altvalue="3000",
        altvaluelabel="Service",
        enddate="2030-02-01",
        stateid=state.pk,
        estimateid=estimate.pk,
        sourceid=str(source.pk),
        closed=0,
        tags=[{"id": tag.pk}],
        regdate="2000-01-01T00:00:00Z",
    )
    response = cirrus.call("post", "opportunities", data)
    assert response.status_code == 201, response.json()
    item = response.json()
    assert_shape(item, OpportunitySerializer)
    kind, status = new_business()
    assert (item["accountid"], item["account"]["name"], item["altaccount"]["name"]) == (
        acme.pk,
        "Acme AB",
        "Beta AB",
    )
    assert (
        item["contactid"] == eva.pk and item["contact"]["name"] == "Eva" and item["contact"]["number"] is None
    )
    assert (item["title"], item["description"], item["phone"], item["result"]) == (
        "Fleet deal",
        "Ten trucks",
        "090-1",
        "Waiting",
    )
    assert item["value"] == 125000.5 and item["altvalue"] == 3000 and item["altvaluelabel"] == "Service"
    assert item["estimatedenddate"] == "2030-01-31"
    assert item["userid"] == user.pk and item["user"]["id"] == user.pk
    assert item["reguserid"] == admin_user.pk and item["reguser"]["id"] == admin_user.pk
    assert item["changeuserid"] == admin_user.pk and item["regdate"] != "2000-01-01T00:00:00Z"
    assert item["changedate"].endswith("Z") and item["regdate"].endswith("Z")
    assert item["estimate"] == {
        "id": estimate.pk,
        "description": estimate.name,
        "sortorder": estimate.sort_order,
        "value": "75",
        "visible": 1,
    }
    assert item["state"] == {"id": state.pk, "state": "Quoted", "sortorder": state.sort_order}
    assert (
        item["source"] == {"id": source.pk, "name": "Referral", "default": 0}
        and item["sourceid"] == source.pk
    )
    assert (
        item["status"]["id"] == status.pk
        and item["status"]["won"] == 0
        and type(item["status"]["lost"]) is int
    )
    assert item["type"]["id"] == kind.pk and isinstance(item["type"]["validstatuses"], list)
    assert [s["id"] for s in item["type"]["validstatuses"]] == list(
        kind.statuses.values_list("id", flat=True)
    )
    assert item["closed"] == 0 and type(item["closed"]) is int
    assert item["businessarea"] is None and item["files"] == [] and item["followers"] == []
    assert item["tags"] == [{"id": tag.pk, "name": "Trucks", "type": "opportunity"}]
    assert "enddate" not in item
    assert cirrus.call("get", f"opportunities/{item['id']}").json() == item
    stored = Opportunity.objects.get()
    assert stored.end_date == datetime.date(2030, 2, 1) and stored.alt_value == Decimal("3000")


def test_required_fields(cirrus):
    response = cirrus.call("post", "opportunities", {})
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {
        "accountid",
        "contactid",
        "title",
        "description",
        "userid",
        "statusid",
        "estimatedenddate",
        "typeid",
    }


@pytest.mark.parametrize(
    "change, field",
    [
        ({"accountid": "x"}, "accountid"),
        ({"statusid": 999999}, "statusid"),
        ({"estimatedenddate": "31/01/2030"}, "estimatedenddate"),
        ({"value": "many"}, "value"),
        ({"altvalue": "many"}, "altvalue"),
        ({"closed": False}, "closed"),
        ({"sourceid": "x"}, "sourceid"),
        ({"title": " "}, "title"),
        ({"tags": [{"id": "1"}]}, "tags"),
    ],
)
def test_create_validation(cirrus, acme, eva, user, change, field):
    response = cirrus.call("post", "opportunities", body(acme, eva, user, **change))
    assert response.status_code == 400 and field in response.json()["errors"], response.json()
    assert not Opportunity.objects.exists()


def test_rules_of_the_domain_are_400s(cirrus, acme, eva, user):
    other = OpportunityType.objects.get(name="Additional sale")
    wrong_status = cirrus.call("post", "opportunities", body(acme, eva, user, typeid=other.pk))
    assert wrong_status.status_code == 400 and set(wrong_status.json()["errors"]) == {"statusid"}
    won = OpportunityReason.objects.filter(kind="won").first()
    as_lost = cirrus.call("post", "opportunities", body(acme, eva, user, lostreasonid=won.pk))
    assert as_lost.status_code == 400 and "lostreasonid" in as_lost.json()["errors"]
    swapped = cirrus.call("post", "opportunities", body(acme, eva, user, accountid=eva.pk, contactid=acme.pk))
    assert set(swapped.json()["errors"]) == {"accountid", "contactid"}


def test_a_won_status_closes_it(cirrus, acme, eva, user):
    kind, _ = new_business()
    won = kind.statuses.get(won=True)
    item = cirrus.call("post", "opportunities", body(acme, eva, user, statusid=won.pk)).json()
    assert item["closed"] == 1 and item["status"]["won"] == 1
    assert Opportunity.objects.get().end_date is not None


# --- O102 update ---------------------------------------------------------------------------------


def test_acceptance_15_put_still_requires_the_eight_fields(cirrus, acme, eva, user, admin_user):
    created = cirrus.call("post", "opportunities", body(acme, eva, user)).json()
    response = cirrus.call("put", f"opportunities/{created['id']}", {"title": "X"})
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {
        "accountid",
        "contactid",
        "description",
        "userid",
        "statusid",
        "estimatedenddate",
        "typeid",
    }
    negotiation = OpportunityStatus.objects.get(name="Negotiation")
    full = body(acme, eva, admin_user, title="X", statusid=negotiation.pk, value=10)
    response = cirrus.call("put", f"opportunities/{created['id']}", full)
    assert response.status_code == 200, response.json()
    item = response.json()
    assert isinstance(item["type"]["validstatuses"], list)
    assert (item["title"], item["status"]["name"], item["userid"], item["value"]) == (
        "X",
        "Negotiation",
        admin_user.pk,
        10,
    )
    assert item["reguserid"] == created["reguserid"]
    assert cirrus.call("put", "opportunities/999999", full).status_code == 404


# --- O92 list ------------------------------------------------------------------------------------


def test_filters(cirrus, acme, eva, user, admin_user, account_type):
    other_type = account_type.__class__.objects.exclude(pk=acme.account_type_id).first()
    beta = services_accounts.create_account(
        None, name="Beta AB", account_type=other_type, responsible_user=user
    )
    ola = services_accounts.create_contact(None, organisation=beta, first_name="Ola", last_name="Berg")
    kind, status = new_business()
    lost = kind.statuses.get(lost=True)
    likely, even = (
        OpportunityEstimate.objects.get(probability=75),
        OpportunityEstimate.objects.get(probability=50),
    )
    price = OpportunityReason.objects.get(kind="lost", name="Price")
    product_fit = OpportunityReason.objects.get(kind="won", name="Product fit")
    progression = ProgressionState.objects.get(name="Proposal")
    other_kind = OpportunityType.objects.get(name="Additional sale")
    a = make_opportunity(
        acme,
        eva,
        title="Trucks",
        description="Ten trucks",
        owner=user,
        estimate=likely,
        estimated_end_date=datetime.date(2030, 1, 10),
        progression_state=progression,
        win_reason=product_fit,
    )
    b = make_opportunity(
        beta,
        ola,
        title="Forklifts",
        description="Two forklifts",
        result="Lost on price",
        owner=admin_user,
        status=lost,
        lost_reason=price,
        estimate=even,
        estimated_end_date=datetime.date(2030, 2, 10),
        end_date=datetime.date(2030, 1, 20),
    )
    c = make_opportunity(
        acme,
        eva,
        title="Service",
        description="Yearly service",
        opportunity_type=other_kind,
        status=other_kind.statuses.first(),
        estimated_end_date=datetime.date(2030, 3, 10),
    )
    services_pipeline.update_opportunity(None, c, status=c.opportunity_type.statuses.get(name="Offer"))
    services_pipeline.follow_opportunity(None, c, user)
    cases = {
        f"userid={user.pk}": {a.pk},
        f"userids={user.pk},{admin_user.pk}": {a.pk, b.pk},
        f"accountid={beta.pk}": {b.pk},
        f"accounttypeids={other_type.pk}": {b.pk},
        f"accountuserids={user.pk}": {b.pk},
        "estimated_startdate=2030-02-10": {b.pk, c.pk},
        "estimated_enddate=2030-02-10": {a.pk, b.pk},
        "actual_startdate=2030-01-01&actual_enddate=2030-01-31": {b.pk},
        f"statusid={status.pk}": {a.pk},
        f"statusids={status.pk},{lost.pk}": {a.pk, b.pk},
        f"estimateid={likely.pk}": {a.pk},
        f"estimateids={likely.pk},{even.pk}": {a.pk, b.pk},
        f"lostreasonid={price.pk}": {b.pk},
        f"winreasonid={product_fit.pk}": {a.pk},
        f"contactid={ola.pk}": {b.pk},
        f"typeid={other_kind.pk}": {c.pk},
        f"progressionstateid={progression.pk}": {a.pk},
        "closed=1": {b.pk},
        "closed=0": {a.pk, c.pk},
        "description=ten%": {a.pk},
        "description=%forklifts": {b.pk},
        "description=forklifts": set(),
        f"followedby={user.pk}": {c.pk},
        "fulltext=trucks": {a.pk},
        "fulltext=on price": {b.pk},
        "fulltext=SERVICE": {c.pk},
    }
    for query, expected in cases.items():
        assert set(ids(cirrus.call("get", f"opportunities?{query}"))) == expected, query


def test_sorting(cirrus, acme, eva, user, admin_user):
    beta = services_accounts.create_account(None, name="Beta AB", account_type=acme.account_type)
    first, second = sorted([user, admin_user], key=lambda u: u.pk)
    a = make_opportunity(beta, eva, owner=second, estimated_end_date=datetime.date(2030, 1, 1))
    b = make_opportunity(acme, eva, owner=first, estimated_end_date=datetime.date(2030, 3, 1))
    c = make_opportunity(acme, eva, owner=second, estimated_end_date=datetime.date(2030, 2, 1))
    expected = {
        "": [a.pk, c.pk, b.pk],
        "sorting=date_asc": [a.pk, c.pk, b.pk],
        "sorting=date_desc": [b.pk, c.pk, a.pk],
        "sorting=account_asc": [b.pk, c.pk, a.pk],
        "sorting=account_desc": [a.pk, b.pk, c.pk],
        "sorting=userid_asc": [b.pk, a.pk, c.pk],
        "sorting=userid_desc": [a.pk, c.pk, b.pk],
    }
    for query, order in expected.items():
        assert ids(cirrus.call("get", f"opportunities?{query}")) == order, query
    assert "sorting" in cirrus.call("get", "opportunities?sorting=value_asc").json()["errors"]


def test_dynamic_field_filter_and_bad_parameters(cirrus, acme, eva):
    field = CustomField.objects.create(
        key="fleet_size", name="Fleet size", applies_to=AppliesTo.OPPORTUNITY, field_type="integer"
    )
    a, b = make_opportunity(acme, eva), make_opportunity(acme, eva)
    set_custom_field_value(None, a, field, 10)
    set_custom_field_value(None, b, field, 3)
    assert ids(cirrus.call("get", f"opportunities?dynamicfield_id={field.pk}&dynamicfield_val=10")) == [a.pk]
    dynamic = cirrus.call("get", f"dynamicdata?resourcetype=opportunity&resourceid={a.pk}").json()
    assert [(i["id"], i["value"]) for i in dynamic["items"]] == [(field.pk, "10")]
    for query, name in (("closed=yes", "closed"), ("estimated_startdate=soon", "estimated_startdate")):
        response = cirrus.call("get", f"opportunities?{query}")
        assert response.status_code == 400 and name in response.json()["errors"], query


def test_mask_forms(cirrus, acme, eva):
    a = make_opportunity(acme, eva)
    item = cirrus.call(
        "get", f"opportunities/{a.pk}", HTTP_X_FIELDS="{id,type{name,validstatuses{name}}}"
    ).json()
    assert item == {
        "id": a.pk,
        "type": {
            "name": "New business",
            "validstatuses": [
                {"name": n} for n in a.opportunity_type.statuses.values_list("name", flat=True)
            ],
        },
    }
    assert cirrus.call("get", "opportunities", HTTP_X_FIELDS="{title}").json()["items"] == [
        {"title": "Fleet deal"}
    ]
    assert cirrus.call("get", "opportunities", HTTP_X_FIELDS="{total}").json() == {"total": 1}
    assert cirrus.call("get", "opportunities", HTTP_X_FIELDS="id}").status_code == 400


def test_list_reads_a_constant_number_of_queries(cirrus, acme, eva, user, django_assert_num_queries):
    beta = services_accounts.create_account(None, name="Beta AB", account_type=acme.account_type)
    tag = Tag.objects.create(name="T")

    def full():
        made = make_opportunity(
            acme,
            eva,
            alt_account=beta,
            owner=user,
            estimate=OpportunityEstimate.objects.first(),
            source=Source.objects.first(),
            state=OpportunityState.objects.first(),
            win_reason=OpportunityReason.objects.filter(kind="won").first(),
            progression_state=ProgressionState.objects.filter(applies_to="opportunity").first(),
        )
        services_pipeline.update_opportunity(user, made, tags=[tag])
        services_pipeline.follow_opportunity(None, made, user)

    full()
    assert_constant_queries(
        cirrus, "opportunities", lambda: [full() for _ in range(49)], django_assert_num_queries
    )


# --- Lookups (O93, O95-O99, O101) -------------------------------------------------------------------


def test_acceptance_9_lookups_are_bare_arrays(cirrus):
    response = cirrus.call("get", "opportunities/winreasons")
    assert response.status_code == 200 and isinstance(response.json(), list)
    assert response.json() == [
        {"id": r.pk, "name": r.name, "sortorder": r.sort_order}
        for r in OpportunityReason.objects.filter(kind="won").order_by("sort_order", "name", "id")
    ]
    lost = cirrus.call("get", "opportunities/lostreasons").json()
    assert {r["name"] for r in lost} == {"Price", "Competitor", "No budget", "No decision"}
    estimates = cirrus.call("get", "opportunities/estimates").json()
    assert estimates[0] == {
        "id": estimates[0]["id"],
        "description": "Unlikely (10 %)",
        "sortorder": 0,
        "value": "10",
        "visible": 1,
    }
    assert [s["name"] for s in cirrus.call("get", "opportunities/progressionstates").json()] == [
        "Qualification",
        "Needs analysis",
        "Proposal",
        "Negotiation",
    ]
    sources = cirrus.call("get", "opportunities/sources").json()
    assert sources[0] == {"id": sources[0]["id"], "name": "Website", "default": 1}
    statuses = cirrus.call("get", "opportunities/statuses").json()
    assert set(statuses[0]) == {
        "id",
        "color",
        "description",
        "name",
        "lost",
        "opportunitytypeid",
        "sortorder",
        "sortorderplug",
        "won",
    }
    assert len(statuses) == OpportunityStatus.objects.count()
    types = cirrus.call("get", "opportunities/types").json()
    assert [(t["name"], t["isdefault"]) for t in types] == [("New business", 1), ("Additional sale", 0)]
    assert all(s["opportunitytypeid"] == t["id"] for t in types for s in t["validstatuses"])
    assert cirrus.call("get", "opportunities/types", HTTP_X_FIELDS="{name}").json() == [
        {"name": "New business"},
        {"name": "Additional sale"},
    ]


def test_lookups_cost_the_same_whatever_their_size(cirrus, django_assert_num_queries):
    cirrus.call("get", "opportunities/types")
    first, _ = count_queries(lambda: cirrus.call("get", "opportunities/types"))
    kind = OpportunityType.objects.create(name="Rental")
    for n in range(5):
        OpportunityStatus.objects.create(name=f"Step {n}", opportunity_type=kind)
    with django_assert_num_queries(first):
        cirrus.call("get", "opportunities/types")


# --- O94/O100 follow -----------------------------------------------------------------------------


def test_follow_and_unfollow(cirrus, acme, eva, user):
    a = make_opportunity(acme, eva)
    for _ in range(2):
        assert (
            cirrus.call("post", "opportunities/follow", {"key": a.pk, "userid": user.pk}).status_code == 204
        )
    assert ids(cirrus.call("get", f"opportunities?followedby={user.pk}")) == [a.pk]
    assert [u["id"] for u in cirrus.call("get", f"opportunities/{a.pk}").json()["followers"]] == [user.pk]
    assert cirrus.call("post", "opportunities/unfollow", {"key": a.pk, "userid": user.pk}).status_code == 204
    assert ids(cirrus.call("get", f"opportunities?followedby={user.pk}")) == []
    assert (
        "key" in cirrus.call("post", "opportunities/follow", {"key": 0, "userid": user.pk}).json()["errors"]
    )


def test_permissions(user, acme, eva):
    reader = client_with(user, "view_opportunity")
    assert reader.call("get", "opportunities").status_code == 200
    assert reader.call("post", "opportunities", body(acme, eva, user)).status_code == 403
    assert reader.call("get", "opportunities/winreasons").status_code == 403
    assert (
        client_with(user, "view_opportunityreason").call("get", "opportunities/winreasons").status_code == 200
    )
