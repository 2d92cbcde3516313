"""Orders (O104-O107), order types (P2-001-P2-004) and order statuses (P2-044-P2-047) over HTTP:
create with rows and read back, totals from the service, required fields on POST and PUT, rows
replaced on PUT, errors, every filter and sort, masks, 0/1 flags as ints, the opportunity link,
constant query counts with rows prefetched, and part 1's acceptance example 17."""

import datetime
from decimal import Decimal

import pytest

from apps.accounts.models import PaymentTerm
from apps.api.cirrus.orders.serializers import OrderSerializer
from apps.core.models import Tag
from apps.sales import services_orders, services_pipeline
from apps.sales.models import DeliveryTerm, DeliveryType, Order, OrderStatus, OrderType

from ..pipeline import *  # noqa: F403
from ..pipeline import assert_constant_queries, make_opportunity, new_business
from ..selling import *  # noqa: F403
from ..selling import ids, items, make_article
from ..support import *  # noqa: F403
from ..support import assert_shape

pytestmark = pytest.mark.django_db


@pytest.fixture
def registered():
    return OrderStatus.objects.get(name="Registered")


def body(acme, eva, admin_user, status, **extra):
    return {
        "placedate": "2024-05-02T15:30:00Z",
        "account": {"id": acme.pk},
        "user": {"id": admin_user.pk},
        "contact": {"id": eva.pk},
        "status": {"id": status.pk},
        **extra,
    }


def make_order(acme, eva, status, place_date=datetime.date(2024, 5, 2), **fields):
    return services_orders.create_order(
        None, account=acme, contact=eva, status=status, place_date=place_date, **fields
    )


def test_acceptance_17_order_create(cirrus, acme, eva, admin_user, registered, drill):
    data = body(acme, eva, admin_user, registered)
    del data["status"]
    response = cirrus.call("post", "orders", data)
    assert response.status_code == 400 and response.json()["errors"] == {
        "status": "'status' is a required property"
    }
    data = body(
        acme,
        eva,
        admin_user,
        registered,
        rows=[{"article": {"id": drill.pk}, "quantityordered": 2, "price": 100}],
    )
    response = cirrus.call("post", "orders", data)
    assert response.status_code == 201, response.json()
    order = response.json()
    assert_shape(order, OrderSerializer)
    assert order["placedate"] == "2024-05-02T00:00:00Z"
    assert order["rows"][0]["orderid"] == order["id"] and order["rows"][0]["totalprice"] == 200
    assert order["price"] == 200
    assert cirrus.call("get", f"orders/{order['id']}").json() == order


def test_create_with_every_field(cirrus, acme, eva, admin_user, user, registered, drill):
    tag = Tag.objects.create(name="Rush")
    kind, _ = new_business()
    won = make_opportunity(acme, eva, status=kind.statuses.get(name="Won"))
    refs = {
        "deliveryterm": DeliveryTerm.objects.first(),
        "paymentterm": PaymentTerm.objects.first(),
        "deliverytype": DeliveryType.objects.first(),
        "type": OrderType.objects.first(),
    }
    texts = {
        name: name.upper()
        for name in [
            "alternateid",
            "externalcomment",
            "internalcomment",
            "deliveryname",
            "deliverystreet",
            "deliveryzip",
            "deliverycity",
            "deliverycountry",
            "invoicename",
            "invoicestreet",
            "invoicezip",
            "invoicecity",
            "invoicecountry",
            "invoiceemail",
            "invoicenumber",
            "invoicedate",
            "externalkey",
            "marking",
            "referencecode",
            "extracode",
        ]
    }
    data = body(
        acme,
        eva,
        admin_user,
        registered,
        id=12345,
        currencycode="SEK",
        currencyrate=1.5,
        statisticsprice=10,
        alternativevalue=20,
        delivered=1,
        deliverydate="2024-06-01T10:00:00+02:00",
        user2={"id": user.pk},
        opportunity={"id": won.pk},
        tags=[{"id": tag.pk}],
        rows=[
            {
                "article": {"id": drill.pk, "name": "ignored"},
                "articleunit": {"id": drill.unit_id},
                "quantityordered": 3,
                "quantitydelivered": 1,
                "price": 10.5,
                "discountpercent": 10,
                "discountamount": 0.5,
                "discountspecial": 1,
                "specification": "Blue",
                "sortorder": 2,
                "noprint": 1,
                "externalkey": "R1",
                "statisticsprice": 2,
                "alternatvievalue": 3,
                "buyprice": 5,
                "tags": [{"id": tag.pk}],
            }
        ],
        **{k: {"id": v.pk} for k, v in refs.items()},
        **texts,
    )
    response = cirrus.call("post", "orders", data)
    assert response.status_code == 201, response.json()
    order = response.json()
    assert order["id"] != 12345
    assert {k: order[k] for k in texts} == texts
    assert (
        order["currencycode"],
        order["currencyrate"],
        order["statisticsprice"],
        order["alternativevalue"],
    ) == (
        "SEK",
        1.5,
        10,
        20,
    )
    assert order["delivered"] == 1 and isinstance(order["delivered"], int)
    assert order["deliverydate"] == "2024-06-01T00:00:00Z"
    assert order["user"]["id"] == admin_user.pk and order["user2"]["id"] == user.pk
    assert order["opportunity"]["id"] == won.pk and order["opportunity"]["account"]["id"] == acme.pk
    assert order["account"]["name"] == "Acme AB" and order["contact"]["name"] == "Eva"
    assert order["status"] == {"id": registered.pk, "name": "Registered"}
    for key, row in refs.items():
        assert order[key] == {"id": row.pk, "name": row.name}
    assert order["tags"] == [{"id": tag.pk, "name": "Rush", "type": "order"}]
    row = order["rows"][0]
    # 3 × 10.50 × 0.9 − 0.50 = 27.85
    assert (row["quantityordered"], row["quantitydelivered"], row["totalprice"]) == (3, 1, 27.85)
    assert (row["discountspecial"], row["noprint"], row["deleted"], row["pricewarning"]) == (1, 0 + 1, 0, 1)
    assert (row["accountid"], row["userid"], row["opportunityid"]) == (acme.pk, admin_user.pk, won.pk)
    assert (row["totalpricestatistics"], row["totalalternativevalue"], row["alternatvievalue"]) == (6, 9, 3)
    assert row["article"] == {"id": drill.pk, "name": "Drill", "number": "A-1"}
    assert row["articleunit"] == {"id": drill.unit_id, "name": "pcs"}
    assert order["price"] == 27.85
    assert Order.objects.get(pk=order["id"]).gross_total == Decimal("34.81")  # VAT 25 % from the article
    won.refresh_from_db()
    assert won.order_id == order["id"]  # a won opportunity's order links to it


def test_row_price_from_the_catalogue(cirrus, acme, eva, admin_user, registered, drill):
    data = body(acme, eva, admin_user, registered, rows=[{"article": {"id": drill.pk}, "quantityordered": 2}])
    row = cirrus.call("post", "orders", data).json()["rows"][0]
    assert (row["price"], row["totalprice"], row["pricewarning"]) == (100, 200, 0)


@pytest.mark.parametrize("field", ["placedate", "account", "user", "contact", "status"])
def test_required_fields(cirrus, acme, eva, admin_user, registered, field):
    data = body(acme, eva, admin_user, registered)
    del data[field]
    response = cirrus.call("post", "orders", data)
    assert response.json()["errors"] == {field: f"'{field}' is a required property"}
    response = cirrus.call("post", "orders", {**data, field: None})
    assert field in response.json()["errors"]


@pytest.mark.parametrize(
    "change, field",
    [
        ({"account": {"id": 999999}}, "account"),
        ({"status": {"id": 999999}}, "status"),
        ({"status": 1}, "status"),
        ({"paymentterm": {"id": 999999}}, "paymentterm"),
        ({"type": {"id": 999999}}, "type"),
        ({"placedate": "yesterday"}, "placedate"),
        ({"delivered": 2}, "delivered"),
        ({"rows": [{"article": {"id": 999999}}]}, "rows"),
        ({"rows": [{"quantityordered": "2"}]}, "rows"),
        ({"rows": {}}, "rows"),
    ],
)
def test_create_errors(cirrus, acme, eva, admin_user, registered, change, field):
    response = cirrus.call("post", "orders", {**body(acme, eva, admin_user, registered), **change})
    assert response.status_code == 400, response.json()
    assert any(key.split(".")[0] == field for key in response.json()["errors"]), response.json()


def test_contact_must_be_a_person(cirrus, acme, eva, admin_user, registered):
    response = cirrus.call("post", "orders", body(acme, eva, admin_user, registered, contact={"id": acme.pk}))
    assert response.status_code == 400 and "contact" in response.json()["errors"]


def test_update_is_partial_and_replaces_rows(cirrus, acme, eva, admin_user, registered, drill):
    bit = make_article("A-2", "Bit", price="10.00", vat="25")
    created = cirrus.call(
        "post",
        "orders",
        body(
            acme,
            eva,
            admin_user,
            registered,
            rows=[
                {"article": {"id": drill.pk}, "quantityordered": 1},
                {"article": {"id": bit.pk}, "quantityordered": 5},
                {"specification": "Freight", "price": 49},
            ],
        ),
    ).json()
    first, second, third = (row["id"] for row in created["rows"])
    assert created["price"] == 199
    response = cirrus.call("put", f"orders/{created['id']}", {"internalcomment": "Call first"})
    assert response.status_code == 200
    assert response.json()["internalcomment"] == "Call first" and len(response.json()["rows"]) == 3
    response = cirrus.call(
        "put",
        f"orders/{created['id']}",
        {
            "discounted": True,
            "buyprice": 50,
            "rows": [
                {"id": first, "quantityordered": 2},
                {"id": second, "deleted": 1},
                {"specification": "Setup", "price": 20},
            ],
        },
    )
    assert response.status_code == 200, response.json()
    order = response.json()
    assert [r["id"] for r in order["rows"]][:1] == [first] and second not in [r["id"] for r in order["rows"]]
    assert third not in [r["id"] for r in order["rows"]]  # left out: removed
    assert order["price"] == 220 and order["discounted"] is True and order["buyprice"] == 50
    assert cirrus.call("put", f"orders/{created['id']}", {"rows": [{"id": 999999}]}).status_code == 400
    assert cirrus.call("put", "orders/999999", {}).status_code == 404
    assert cirrus.call("get", "orders/999999").json() == {"message": "Order 999999 not found"}


def test_filters(cirrus, acme, eva, admin_user, user, registered):
    from apps.parties import services_accounts
    from apps.parties.models import AccountType

    other_type = AccountType.objects.order_by("-sort_order").first()
    beta = services_accounts.create_account(None, name="Beta AB", account_type=other_type)
    bo = services_accounts.create_contact(None, organisation=beta, first_name="Bo", last_name="Berg")
    confirmed = OrderStatus.objects.get(name="Confirmed")
    service = OrderType.objects.get(name="Service")
    opportunity = make_opportunity(acme, eva)
    a = make_order(
        acme,
        eva,
        registered,
        user=admin_user,
        alternate_id="ALT-1",
        external_key="EK1",
        internal_comment="ring the bell",
    )
    b = make_order(
        beta,
        bo,
        confirmed,
        place_date=datetime.date(2024, 6, 10),
        user=user,
        order_type=service,
        opportunity=opportunity,
        external_comment="Fragile goods",
    )
    c = make_order(acme, eva, registered, place_date=datetime.date(2024, 7, 1), user2=user)
    assert ids(cirrus.call("get", "orders")) == [c.pk, b.pk, a.pk]  # placedate_desc
    assert ids(cirrus.call("get", f"orders?number={a.pk}")) == [a.pk]
    assert set(ids(cirrus.call("get", f"orders?number={str(a.pk)[0]}%"))) >= {a.pk}
    assert ids(cirrus.call("get", "orders?altnumber=alt%")) == [a.pk]
    assert ids(cirrus.call("get", "orders?externalkey=ek1")) == [a.pk]
    assert ids(cirrus.call("get", f"orders?accountids={beta.pk}")) == [b.pk]
    assert ids(cirrus.call("get", f"orders?accountids={beta.pk},{acme.pk}")) == [c.pk, b.pk, a.pk]
    assert ids(cirrus.call("get", f"orders?statusids={confirmed.pk}")) == [b.pk]
    assert ids(cirrus.call("get", f"orders?userids={user.pk}")) == [c.pk, b.pk]  # user or user2
    assert ids(cirrus.call("get", f"orders?typeids={service.pk}")) == [b.pk]
    assert ids(cirrus.call("get", f"orders?accounttypeids={acme.account_type_id}")) == (
        [c.pk, b.pk, a.pk] if acme.account_type_id == other_type.pk else [c.pk, a.pk]
    )
    assert ids(cirrus.call("get", f"orders?opportunityid={opportunity.pk}")) == [b.pk]
    assert ids(cirrus.call("get", f"orders?contactid={bo.pk}")) == [b.pk]
    assert ids(cirrus.call("get", "orders?missionids=1")) == []
    assert ids(cirrus.call("get", "orders?datespan_start=2024-06-01&datespan_end=2024-06-30")) == [b.pk]
    assert ids(cirrus.call("get", "orders?datespan_start=2024-06-10")) == [c.pk, b.pk]
    assert ids(cirrus.call("get", "orders?datespan_end=2024-05-02")) == [a.pk]
    assert ids(cirrus.call("get", "orders?fulltext=BELL")) == [a.pk]
    assert ids(cirrus.call("get", "orders?fulltext=fragile")) == [b.pk]
    assert ids(cirrus.call("get", "orders?dynamicfield_id=1&dynamicfield_val=x")) == []
    assert cirrus.call("get", "orders?accountids=x").status_code == 400
    assert cirrus.call("get", "orders?datespan_start=2024-13-01").status_code == 400
    responsible = cirrus.call("get", f"orders?accountresponsibleids={admin_user.pk}")
    assert responsible.status_code == 200


@pytest.mark.parametrize(
    "key, field, value",
    [
        ("placedate", "placedate", lambda o: o["placedate"]),
        ("deliverydate", "deliverydate", lambda o: o["deliverydate"]),
        ("number", "id", lambda o: o["id"]),
        ("accountid", "account", lambda o: o["account"]["id"]),
        ("externalkey", "externalkey", lambda o: o["externalkey"]),
    ],
)
def test_sorting(cirrus, acme, eva, registered, key, field, value):
    from apps.parties import services_accounts
    from apps.parties.models import AccountType

    beta = services_accounts.create_account(None, name="Beta AB", account_type=AccountType.objects.first())
    for n, (account, day) in enumerate([(beta, 3), (acme, 1), (beta, 2)]):
        make_order(
            account,
            None,
            registered,
            place_date=datetime.date(2024, 1, day),
            delivery_date=datetime.date(2024, 2, 10 - day),
            external_key=f"K{(n * 2) % 3}",
        )
    up = [value(o) for o in items(cirrus.call("get", f"orders?sorting={key}_asc"))]
    down = [value(o) for o in items(cirrus.call("get", f"orders?sorting={key}_desc"))]
    assert up == sorted(up) and down == sorted(up, reverse=True)
    assert cirrus.call("get", "orders?sorting=price_asc").status_code == 400


def test_masks(cirrus, acme, eva, registered, drill):
    order = make_order(acme, eva, registered, rows=[{"article": drill, "quantity": Decimal(1)}])
    masked = cirrus.call(
        "get", f"orders/{order.pk}", HTTP_X_FIELDS="{id,price,rows{totalprice,article{number}}}"
    )
    assert masked.json() == {
        "id": order.pk,
        "price": 100,
        "rows": [{"totalprice": 100, "article": {"number": "A-1"}}],
    }
    listed = cirrus.call("get", "orders", HTTP_X_FIELDS="{id,status{name}}").json()
    assert listed["items"] == [{"id": order.pk, "status": {"name": "Registered"}}] and listed["total"] == 1


def test_order_list_reads_a_constant_number_of_queries(
    cirrus, acme, eva, registered, drill, django_assert_num_queries
):
    from apps.catalogue import services as catalogue

    start = datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)
    stop = datetime.datetime(2040, 1, 1, tzinfo=datetime.UTC)
    catalogue.create_price_list(
        None,
        name="Default",
        is_default=True,
        start=start,
        stop=stop,
        prices=[{"article": drill, "price": Decimal(90)}],
    )
    tag = Tag.objects.create(name="T")
    bit = make_article("A-2", "Bit")

    def add():
        order = make_order(
            acme,
            eva,
            registered,
            opportunity=make_opportunity(acme, eva),
            tags=[tag],
            rows=[
                {"article": drill, "tags": [tag]},
                {"article": bit},
                {"specification": "Text", "price": Decimal(1)},
            ],
        )
        return order

    add()

    def grow():
        for _ in range(49):
            add()

    assert_constant_queries(cirrus, "orders", grow, django_assert_num_queries)


def test_order_of_a_won_opportunity_links_to_it(cirrus, acme, eva, admin_user, registered):
    kind, _ = new_business()
    opportunity = make_opportunity(acme, eva)
    services_pipeline.update_opportunity(None, opportunity, status=kind.statuses.get(name="Won"))
    order = services_orders.order_from_opportunity(None, opportunity, status=registered)
    body = cirrus.call("get", f"orders/{order.pk}").json()
    assert body["opportunity"]["id"] == opportunity.pk
    assert ids(cirrus.call("get", f"orders?opportunityid={opportunity.pk}")) == [order.pk]


# --- Order types and statuses ---------------------------------------------------------------------


def test_order_type_create_update_filters(cirrus):
    created = cirrus.call("post", "ordertypes", {"name": "Rental", "sortorder": 7, "default": 1})
    assert created.status_code == 201
    item = created.json()
    assert item == {"id": item["id"], "default": 1, "name": "Rental", "sortorder": 7}
    assert OrderType.objects.filter(is_default=True).count() == 1  # the previous default un-marked
    assert cirrus.call("post", "ordertypes", {"name": "X"}).json()["errors"] == {
        "sortorder": "'sortorder' is a required property"
    }
    assert cirrus.call("put", f"ordertypes/{item['id']}", {"name": "X"}).json()["errors"] == {
        "sortorder": "'sortorder' is a required property"
    }
    assert (
        "default"
        in cirrus.call("post", "ordertypes", {"name": "X", "sortorder": 1, "default": True}).json()["errors"]
    )
    updated = cirrus.call("put", f"ordertypes/{item['id']}", {"name": "Rent", "sortorder": 8})
    assert updated.json() == {**item, "name": "Rent", "sortorder": 8}
    assert cirrus.call("get", f"ordertypes/{item['id']}").json() == updated.json()
    assert cirrus.call("get", "ordertypes/999999").status_code == 404
    assert ids(cirrus.call("get", "ordertypes?name=ren%")) == [item["id"]]
    assert ids(cirrus.call("get", "ordertypes?default=1")) == [item["id"]]
    assert ids(cirrus.call("get", "ordertypes?sortorder=8")) == [item["id"]]
    assert item["id"] not in ids(cirrus.call("get", "ordertypes?default=0"))
    orders = [i["sortorder"] for i in items(cirrus.call("get", "ordertypes"))]
    assert orders == sorted(orders)
    names = [i["name"] for i in items(cirrus.call("get", "ordertypes?sorting=name_desc"))]
    assert names == sorted(names, reverse=True)
    assert cirrus.call("get", "ordertypes?sorting=id_asc").status_code == 400


def test_order_status_create_update_filters(cirrus):
    created = cirrus.call("post", "orderstatus", {"name": "Packed", "step": 5})
    assert created.status_code == 201
    item = created.json()
    assert item == {"id": item["id"], "default": 0, "name": "Packed", "step": 5}
    assert cirrus.call("post", "orderstatus", {"name": "X"}).json()["errors"] == {
        "step": "'step' is a required property"
    }
    assert cirrus.call("put", f"orderstatus/{item['id']}", {"step": 1}).json()["errors"] == {
        "name": "'name' is a required property"
    }
    updated = cirrus.call("put", f"orderstatus/{item['id']}", {"name": "Packed", "step": 6, "default": 1})
    assert updated.json() == {**item, "step": 6, "default": 1}
    assert cirrus.call("get", "orderstatus/999999").status_code == 404
    assert ids(cirrus.call("get", "orderstatus?name=pack%")) == [item["id"]]
    assert ids(cirrus.call("get", "orderstatus?step=6")) == [item["id"]]
    assert ids(cirrus.call("get", "orderstatus?default=1")) == [item["id"]]
    names = [i["name"] for i in items(cirrus.call("get", "orderstatus"))]
    assert names == sorted(names)
    assert [i["name"] for i in items(cirrus.call("get", "orderstatus?sorting=name_desc"))] == sorted(
        names, reverse=True
    )
    assert cirrus.call("get", "orderstatus", HTTP_X_FIELDS="{items{name}}").json()["items"][0] == {
        "name": names[0]
    }
