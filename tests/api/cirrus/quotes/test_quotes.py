"""Quotes (P2-090, P2-091, P2-098, P2-099), quote relations (P2-092, P2-093) and quote statuses
(P2-094-P2-097) over HTTP: create with rows and read back, totals, required fields, rows
replaced on PUT, errors, every filter and sort, masks, `isdefault` as a 0/1 int, constant query
counts; a quote made an order (service) shows through `orderids`."""

import datetime
from decimal import Decimal

import pytest

from apps.accounts.models import PaymentTerm
from apps.api.cirrus.quotes.serializers import QuoteSerializer
from apps.core.models import Tag
from apps.sales import services_orders
from apps.sales.models import DeliveryTerm, DeliveryType, QuoteStatus

from ..pipeline import *  # noqa: F403
from ..pipeline import assert_constant_queries, make_opportunity
from ..selling import *  # noqa: F403
from ..selling import ids, items, make_article
from ..support import *  # noqa: F403
from ..support import assert_shape

pytestmark = pytest.mark.django_db


def refs():
    return {
        "status": QuoteStatus.objects.get(name="Open"),
        "deliveryterm": DeliveryTerm.objects.first(),
        "paymentterm": PaymentTerm.objects.first(),
        "deliverytype": DeliveryType.objects.first(),
    }


def body(acme, eva, admin_user, **extra):
    return {
        "placedate": "2024-05-02",
        "account": {"id": acme.pk},
        "contact": {"id": eva.pk},
        "user": {"id": admin_user.pk},
        **{k: {"id": v.pk} for k, v in refs().items()},
        **extra,
    }


def make_quote(acme, eva, place_date=datetime.date(2024, 5, 2), **fields):
    r = refs()
    values = {
        "account": acme,
        "contact": eva,
        "status": r["status"],
        "delivery_term": r["deliveryterm"],
        "payment_term": r["paymentterm"],
        "delivery_type": r["deliverytype"],
        "place_date": place_date,
        **fields,
    }
    return services_orders.create_quote(None, **values)


def test_create_with_every_field_and_read_it_back(cirrus, acme, eva, admin_user, user, drill):
    tag = Tag.objects.create(name="Offer")
    opportunity = make_opportunity(acme, eva)
    texts = {
        k: k.upper()
        for k in [
            "alternateid",
            "externalcomment",
            "deliveryname",
            "deliverystreet",
            "deliveryzip",
            "deliverycity",
            "deliverycountry",
            "externalkey",
            "internalcomment",
            "marking",
            "referencecode",
            "extracode",
        ]
    }
    data = body(
        acme,
        eva,
        admin_user,
        id=777,
        user2={"id": user.pk},
        opportunity={"id": opportunity.pk},
        validtodate="2024-06-01",
        deliverydate="2024-06-15",
        currencycode="SEK",
        currencyrate=1.25,
        statisticsprice=5,
        alternativevalue=6,
        tags=[{"id": tag.pk}],
        rows=[
            {
                "article": {"id": drill.pk},
                "quantity": 4,
                "price": 25,
                "discountpercent": 10,
                "discountamount": 5,
                "discountspecial": 1,
                "specification": "Red",
                "costcenter": "CC1",
                "alternateid": "R-1",
                "externalkey": "QR1",
                "sortorder": 1,
                "statisticsprice": 2,
                "alternativevalue": 3,
                "tags": [{"id": tag.pk}],
            },
            {"specification": "Travel", "price": 100, "vat": 0},
        ],
        **texts,
    )
    created = cirrus.call("post", "quotes", data)
    assert created.status_code == 201, created.json()
    quote = created.json()
    assert_shape(quote, QuoteSerializer)
    assert quote["id"] != 777
    assert {k: quote[k] for k in texts} == texts
    assert (quote["placedate"], quote["validtodate"], quote["deliverydate"]) == (
        "2024-05-02",
        "2024-06-01",
        "2024-06-15",
    )
    assert (
        quote["status"]["name"] == "Open"
        and quote["status"]["isdefault"] == 1
        and quote["status"]["metatype"] == "active"
    )
    assert quote["user2"]["id"] == user.pk and quote["opportunity"]["id"] == opportunity.pk
    assert quote["deliveryterm"]["id"] == refs()["deliveryterm"].pk
    assert quote["tags"] == [{"id": tag.pk, "name": "Offer", "type": "quote"}]
    first, second = quote["rows"]
    # 4 × 25 × 0.9 − 5 = 85
    assert (first["quantity"], first["totalprice"], first["costcenter"], first["alternateid"]) == (
        4,
        85,
        "CC1",
        "R-1",
    )
    assert (first["discountspecial"], first["pricewarning"], first["quoteid"]) == (1, 1, quote["id"])
    assert (first["totalpricestatistics"], first["totalalternativevalue"]) == (8, 12)
    assert first["article"] == {"id": drill.pk, "name": "Drill", "number": "A-1"}
    assert quote["price"] == 185
    assert "statisticsprice" not in quote
    assert cirrus.call("get", f"quotes/{quote['id']}").json() == quote


@pytest.mark.parametrize(
    "field",
    ["placedate", "status", "deliveryterm", "paymentterm", "deliverytype", "account", "contact", "user"],
)
def test_required_fields(cirrus, acme, eva, admin_user, field):
    data = body(acme, eva, admin_user)
    del data[field]
    assert cirrus.call("post", "quotes", data).json()["errors"] == {
        field: f"'{field}' is a required property"
    }


@pytest.mark.parametrize(
    "change, field",
    [
        ({"status": {"id": 999999}}, "status"),
        ({"account": {"id": 999999}}, "account"),
        ({"placedate": "2024-02-30"}, "placedate"),
        ({"validtodate": 5}, "validtodate"),
        ({"rows": [{"quantity": "1"}]}, "rows"),
        ({"rows": [{"article": {"id": 999999}}]}, "rows"),
    ],
)
def test_create_errors(cirrus, acme, eva, admin_user, change, field):
    response = cirrus.call("post", "quotes", body(acme, eva, admin_user, **change))
    assert response.status_code == 400
    assert any(key.split(".")[0] == field for key in response.json()["errors"]), response.json()


def test_update_is_partial_and_replaces_rows(cirrus, acme, eva, admin_user, drill):
    quote = cirrus.call(
        "post",
        "quotes",
        body(
            acme,
            eva,
            admin_user,
            rows=[{"article": {"id": drill.pk}, "quantity": 1}, {"specification": "X", "price": 5}],
        ),
    ).json()
    assert quote["price"] == 105
    keep, _ = (r["id"] for r in quote["rows"])
    response = cirrus.call("put", f"quotes/{quote['id']}", {"marking": "Attn Eva"})
    assert response.json()["marking"] == "Attn Eva" and len(response.json()["rows"]) == 2
    response = cirrus.call(
        "put",
        f"quotes/{quote['id']}",
        {"discounted": True, "rows": [{"id": keep, "quantity": 3}, {"specification": "Y", "price": 1}]},
    )
    assert response.status_code == 200, response.json()
    updated = response.json()
    assert [r["totalprice"] for r in updated["rows"]] == [300, 1] and updated["rows"][0]["id"] == keep
    assert updated["price"] == 301 and updated["discounted"] is True
    assert cirrus.call("put", "quotes/999999", {}).status_code == 404
    assert cirrus.call("get", "quotes/999999").status_code == 404


def test_filters(cirrus, acme, eva, admin_user, user):
    from apps.parties import services_accounts
    from apps.parties.models import AccountType

    beta = services_accounts.create_account(None, name="Beta AB", account_type=AccountType.objects.first())
    bo = services_accounts.create_contact(None, organisation=beta, first_name="Bo", last_name="Berg")
    declined = QuoteStatus.objects.get(name="Declined")
    opportunity = make_opportunity(acme, eva)
    a = make_quote(
        acme,
        eva,
        user=admin_user,
        external_key="EK",
        alternate_id="ALT-9",
        valid_to_date=datetime.date(2024, 5, 31),
        internal_comment="discount agreed",
    )
    b = make_quote(
        beta,
        bo,
        place_date=datetime.date(2024, 6, 1),
        status=declined,
        user=user,
        user2=admin_user,
        opportunity=opportunity,
        delivery_date=datetime.date(2024, 7, 1),
        external_comment="Too pricey",
    )
    order = services_orders.quote_to_order(None, a)
    assert ids(cirrus.call("get", "quotes")) == [b.pk, a.pk]
    assert ids(cirrus.call("get", "quotes?externalkey=ek")) == [a.pk]
    assert ids(cirrus.call("get", "quotes?altnumber=alt%")) == [a.pk]
    assert ids(cirrus.call("get", f"quotes?accountids={beta.pk}")) == [b.pk]
    assert ids(cirrus.call("get", f"quotes?statusids={declined.pk}")) == [b.pk]
    assert ids(cirrus.call("get", f"quotes?contactids={eva.pk},{bo.pk}")) == [b.pk, a.pk]
    assert ids(cirrus.call("get", f"quotes?opportunityids={opportunity.pk}")) == [b.pk]
    assert ids(cirrus.call("get", f"quotes?userids={user.pk}")) == [b.pk]
    assert ids(cirrus.call("get", f"quotes?user2ids={admin_user.pk}")) == [b.pk]
    assert ids(cirrus.call("get", f"quotes?orderids={order.pk}")) == [a.pk]
    assert ids(cirrus.call("get", "quotes?activityids=1")) == []
    assert ids(cirrus.call("get", "quotes?placedate_start=2024-06-01")) == [b.pk]
    assert ids(cirrus.call("get", "quotes?placedate_end=2024-05-02")) == [a.pk]
    assert ids(cirrus.call("get", "quotes?validtodate_start=2024-05-01&validtodate_end=2024-05-31")) == [a.pk]
    assert ids(cirrus.call("get", "quotes?deliverydate_start=2024-07-01&deliverydate_end=2024-07-01")) == [
        b.pk
    ]
    assert ids(cirrus.call("get", "quotes?fulltext=AGREED")) == [a.pk]
    assert ids(cirrus.call("get", "quotes?fulltext=pricey")) == [b.pk]
    assert ids(cirrus.call("get", "quotes?dynamicfield_id=1&dynamicfield_val=x")) == []
    assert cirrus.call("get", "quotes?userids=a").status_code == 400
    assert cirrus.call("get", "quotes?placedate_start=x").status_code == 400


@pytest.mark.parametrize(
    "key, value",
    [
        ("placedate", lambda q: q["placedate"]),
        ("validtodate", lambda q: q["validtodate"]),
        ("deliverydate", lambda q: q["deliverydate"]),
        ("number", lambda q: q["id"]),
        ("externalkey", lambda q: q["externalkey"]),
    ],
)
def test_sorting(cirrus, acme, eva, key, value):
    for n, day in enumerate([3, 1, 2]):
        make_quote(
            acme,
            eva,
            place_date=datetime.date(2024, 1, day),
            valid_to_date=datetime.date(2024, 2, 10 - day),
            delivery_date=datetime.date(2024, 3, day * 2 % 5 + 1),
            external_key=f"K{(n * 2) % 3}",
        )
    up = [value(q) for q in items(cirrus.call("get", f"quotes?sorting={key}_asc"))]
    down = [value(q) for q in items(cirrus.call("get", f"quotes?sorting={key}_desc"))]
    assert up == sorted(up) and down == sorted(up, reverse=True)
    assert cirrus.call("get", "quotes?sorting=price_asc").status_code == 400


def test_masks(cirrus, acme, eva, drill):
    quote = make_quote(acme, eva, rows=[{"article": drill, "quantity": Decimal(2)}])
    assert cirrus.call(
        "get", f"quotes/{quote.pk}", HTTP_X_FIELDS="{price,status{name},rows{quantity}}"
    ).json() == {
        "price": 200,
        "status": {"name": "Open"},
        "rows": [{"quantity": 2}],
    }
    assert cirrus.call("get", "quotes", HTTP_X_FIELDS="{id}").json()["items"] == [{"id": quote.pk}]


def test_quote_list_reads_a_constant_number_of_queries(cirrus, acme, eva, drill, django_assert_num_queries):
    tag = Tag.objects.create(name="T")
    bit = make_article("A-2", "Bit")

    def add():
        make_quote(
            acme,
            eva,
            opportunity=make_opportunity(acme, eva),
            tags=[tag],
            rows=[
                {"article": drill, "tags": [tag]},
                {"article": bit},
                {"specification": "S", "price": Decimal(2)},
            ],
        )

    add()

    def grow():
        for _ in range(49):
            add()

    assert_constant_queries(cirrus, "quotes", grow, django_assert_num_queries)


# --- Relations and statuses -----------------------------------------------------------------------


def test_relations(cirrus, acme, eva, user):
    quote = make_quote(acme, eva)
    created = cirrus.call(
        "post",
        "quotes/relations",
        {"quoteid": quote.pk, "type": "user", "otherid": user.pk, "value": "Reviewer"},
    )
    assert created.status_code == 201, created.json()
    item = created.json()
    assert item == {
        "id": item["id"],
        "quoteid": quote.pk,
        "otherid": user.pk,
        "type": "user",
        "value": "Reviewer",
    }
    account = cirrus.call(
        "post", "quotes/relations", {"quoteid": quote.pk, "type": "account", "otherid": acme.pk}
    ).json()
    for data, field in [
        ({"type": "user", "otherid": user.pk}, "quoteid"),
        ({"quoteid": quote.pk, "otherid": user.pk}, "type"),
        ({"quoteid": quote.pk, "type": "user"}, "otherid"),
        ({"quoteid": 999999, "type": "user", "otherid": user.pk}, "quoteid"),
        ({"quoteid": quote.pk, "type": "planet", "otherid": 1}, "type"),
        ({"quoteid": quote.pk, "type": "order", "otherid": 999999}, "otherid"),
        ({"quoteid": quote.pk, "type": "contact", "otherid": acme.pk}, "otherid"),
    ]:
        response = cirrus.call("post", "quotes/relations", data)
        assert response.status_code == 400 and field in response.json()["errors"], (data, response.json())
    again = cirrus.call("post", "quotes/relations", {"quoteid": quote.pk, "type": "user", "otherid": user.pk})
    assert again.status_code == 400
    assert ids(cirrus.call("get", "quotes/relations")) == [item["id"], account["id"]]
    assert ids(cirrus.call("get", "quotes/relations?type=account")) == [account["id"]]
    assert ids(cirrus.call("get", f"quotes/relations?otherid={user.pk}&type=user")) == [item["id"]]
    assert ids(cirrus.call("get", f"quotes/relations?quoteid={quote.pk}")) == [item["id"], account["id"]]
    assert ids(cirrus.call("get", "quotes/relations?value=rev%")) == [item["id"]]
    assert cirrus.call("get", "quotes/relations?type=planet").status_code == 400
    assert cirrus.call("get", "quotes/relations", HTTP_X_FIELDS="{items{type}}").json()["items"] == [
        {"type": "user"},
        {"type": "account"},
    ]


def test_statuses(cirrus):
    created = cirrus.call(
        "post", "quotes/statuses", {"name": "On hold", "sortorder": 9, "isdefault": 1, "metatype": "active"}
    )
    assert created.status_code == 201, created.json()
    item = created.json()
    assert {k: item[k] for k in ("name", "sortorder", "isdefault", "metatype")} == {
        "name": "On hold",
        "sortorder": 9,
        "isdefault": 1,
        "metatype": "active",
    }
    assert item["tscreated"].endswith("Z")
    assert QuoteStatus.objects.filter(is_default=True).count() == 1
    assert cirrus.call("post", "quotes/statuses", {"sortorder": 1}).json()["errors"] == {
        "name": "'name' is a required property"
    }
    assert (
        "metatype"
        in cirrus.call("post", "quotes/statuses", {"name": "X", "metatype": "won"}).json()["errors"]
    )
    assert (
        "isdefault" in cirrus.call("post", "quotes/statuses", {"name": "X", "isdefault": 5}).json()["errors"]
    )
    updated = cirrus.call("put", f"quotes/statuses/{item['id']}", {"metatype": "expired"})
    assert (
        updated.status_code == 200
        and updated.json()["metatype"] == "expired"
        and updated.json()["name"] == "On hold"
    )
    assert cirrus.call("get", f"quotes/statuses/{item['id']}").json()["metatype"] == "expired"
    assert cirrus.call("get", "quotes/statuses/999999").status_code == 404
    assert ids(cirrus.call("get", "quotes/statuses?metatype=expired")) == [
        *QuoteStatus.objects.filter(metatype="expired")
        .order_by("sort_order", "id")
        .values_list("id", flat=True)
    ]
    assert ids(cirrus.call("get", "quotes/statuses?default=1")) == [item["id"]]
    orders = [i["sortorder"] for i in items(cirrus.call("get", "quotes/statuses"))]
    assert orders == sorted(orders)
    assert [
        i["sortorder"] for i in items(cirrus.call("get", "quotes/statuses?sorting=sorting_desc"))
    ] == sorted(orders, reverse=True)
    names = [i["name"] for i in items(cirrus.call("get", "quotes/statuses?sorting=name_asc"))]
    assert names == sorted(names)
    by_id = ids(cirrus.call("get", "quotes/statuses?sorting=number_desc"))
    assert by_id == sorted(by_id, reverse=True)
    assert cirrus.call("get", "quotes/statuses?metatype=won").status_code == 400
    assert cirrus.call("get", "quotes/statuses?sorting=id_asc").status_code == 400
