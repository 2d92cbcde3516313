"""Price lists with their article prices (P2-009, P2-010, P2-015, P2-016) and price groups
(P2-011-P2-014) over HTTP: create and read with prices, required fields on POST and PUT, prices
replaced on PUT, errors, every filter and sort, masks, real booleans, constant query counts."""

from decimal import Decimal

import pytest

from apps.api.cirrus.prices.serializers import PriceListSerializer
from apps.catalogue import services as catalogue
from apps.catalogue.models import ArticleUnit, PriceGroup, PriceList

from ..pipeline import *  # noqa: F403
from ..pipeline import assert_constant_queries
from ..selling import *  # noqa: F403
from ..selling import ids, make_article
from ..support import *  # noqa: F403
from ..support import assert_shape

pytestmark = pytest.mark.django_db


def price_list_body(**extra):
    return {
        "name": "Spring",
        "active": True,
        "start": "2024-03-01T00:00:00Z",
        "stop": "2024-05-31T00:00:00Z",
        "default": False,
        "strict": False,
        "prices": [],
        **extra,
    }


def test_create_with_prices_and_read_it_back(cirrus, drill):
    ten = PriceGroup.objects.get(min_quantity=10)
    data = price_list_body(
        id=99,
        externalkey="SP",
        description="Spring campaign",
        currencyid=752,
        prices=[
            {"id": 5, "article": {"id": drill.pk}, "price": 90, "discountpercent": 5, "discountamount": 1},
            {"article": {"id": drill.pk}, "pricegroup": {"id": ten.pk}, "price": 80},
        ],
    )
    created = cirrus.call("post", "pricelists", data)
    assert created.status_code == 201, created.json()
    body = created.json()
    assert_shape(body, PriceListSerializer)
    assert body["id"] != 99
    assert (body["active"], body["default"], body["strict"]) == (True, False, False)
    assert (body["start"], body["stop"], body["currencyid"]) == (
        "2024-03-01T00:00:00Z",
        "2024-05-31T00:00:00Z",
        752,
    )
    first, second = body["prices"]
    assert (first["price"], first["discountpercent"], first["discountamount"], first["pricegroup"]) == (
        90,
        5,
        1,
        None,
    )
    assert first["article"] == {"id": drill.pk, "name": "Drill", "number": "A-1"}
    assert second["pricegroup"] == {
        "id": ten.pk,
        "name": ten.name,
        "unit": {"id": ten.unit_id, "name": "pcs"},
        "min": 10,
        "max": 99,
    }
    assert cirrus.call("get", f"pricelists/{body['id']}").json() == body


@pytest.mark.parametrize("field", ["active", "start", "stop", "default", "strict", "prices"])
def test_required_on_post_and_put(cirrus, field):
    data = price_list_body()
    del data[field]
    assert cirrus.call("post", "pricelists", data).json()["errors"] == {
        field: f"'{field}' is a required property"
    }
    existing = cirrus.call("post", "pricelists", price_list_body()).json()
    assert cirrus.call("put", f"pricelists/{existing['id']}", data).json()["errors"] == {
        field: f"'{field}' is a required property"
    }


@pytest.mark.parametrize(
    "change, field",
    [
        ({"active": 1}, "active"),
        ({"stop": "2024-01-01T00:00:00Z"}, "stop"),
        ({"start": "spring"}, "start"),
        ({"prices": [{"price": 1}]}, "prices"),
        ({"prices": [{"article": {"id": 999999}, "price": 1}]}, "prices"),
        ({"prices": [{"article": {"id": 1}, "price": 1, "pricegroup": {"id": 999999}}]}, "prices"),
    ],
)
def test_create_errors(cirrus, drill, change, field):
    response = cirrus.call("post", "pricelists", price_list_body(**change))
    assert response.status_code == 400
    assert any(key.split(".")[0] == field for key in response.json()["errors"]), response.json()


def test_update_replaces_prices(cirrus, drill):
    bit = make_article("A-2", "Bit")
    created = cirrus.call(
        "post",
        "pricelists",
        price_list_body(
            prices=[{"article": {"id": drill.pk}, "price": 90}, {"article": {"id": bit.pk}, "price": 9}]
        ),
    ).json()
    keep, drop = created["prices"]
    response = cirrus.call(
        "put",
        f"pricelists/{created['id']}",
        price_list_body(name="Summer", prices=[{"id": keep["id"], "article": {"id": drill.pk}, "price": 85}]),
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["name"] == "Summer" and [(p["id"], p["price"]) for p in body["prices"]] == [(keep["id"], 85)]
    twice = [{"article": {"id": drill.pk}, "price": 1}, {"article": {"id": drill.pk}, "price": 2}]
    assert cirrus.call("put", f"pricelists/{created['id']}", price_list_body(prices=twice)).status_code == 400
    assert cirrus.call("put", "pricelists/999999", price_list_body()).status_code == 404
    assert cirrus.call("get", "pricelists/999999").status_code == 404


def test_price_list_filters_and_sorting(cirrus, acme):
    def make(name, start, stop, **fields):
        values = {"start": f"{start}T00:00:00Z", "stop": f"{stop}T00:00:00Z"}
        return cirrus.call("post", "pricelists", price_list_body(name=name, **values, **fields)).json()["id"]

    spring = make("Spring", "2024-03-01", "2024-05-31", externalkey="SP", currencyid=1)
    summer = make("Summer", "2024-06-01", "2024-08-31", default=True, strict=True)
    old = make("Old", "2023-01-01", "2023-12-31", active=False)
    catalogue.update_price_list(None, PriceList.objects.get(pk=spring), accounts=[acme])
    assert ids(cirrus.call("get", "pricelists")) == [old, spring, summer]  # start_asc
    assert ids(cirrus.call("get", "pricelists?active=1")) == [spring, summer]
    assert ids(cirrus.call("get", "pricelists?active=0")) == [old]
    assert ids(cirrus.call("get", "pricelists?start=2024-05-01&stop=2024-06-15")) == [spring, summer]
    assert ids(cirrus.call("get", "pricelists?start=2024-06-01")) == [summer]
    assert ids(cirrus.call("get", "pricelists?stop=2023-06-01")) == [old]
    assert ids(cirrus.call("get", "pricelists?default=1")) == [summer]
    assert ids(cirrus.call("get", f"pricelists?accountid={acme.pk}")) == [spring, summer]
    assert ids(cirrus.call("get", "pricelists?accountid=999999")) == [summer]
    assert ids(cirrus.call("get", "pricelists?externalkey=sp")) == [spring]
    assert ids(cirrus.call("get", "pricelists?strict=1")) == [summer]
    assert ids(cirrus.call("get", "pricelists?currencyid=1")) == [spring]
    assert ids(cirrus.call("get", "pricelists?sorting=start_desc")) == [summer, spring, old]
    assert ids(cirrus.call("get", "pricelists?sorting=name_asc")) == [old, spring, summer]
    assert ids(cirrus.call("get", "pricelists?sorting=name_desc")) == [summer, spring, old]
    assert ids(cirrus.call("get", "pricelists?sorting=active_asc"))[0] == old
    assert ids(cirrus.call("get", "pricelists?sorting=active_desc"))[-1] == old
    assert cirrus.call("get", "pricelists?sorting=id_asc").status_code == 400
    assert cirrus.call("get", "pricelists?start=2024-02-30").status_code == 400
    masked = cirrus.call("get", "pricelists", HTTP_X_FIELDS="{name}").json()
    assert (
        masked["items"] == [{"name": "Old"}, {"name": "Spring"}, {"name": "Summer"}] and masked["total"] == 3
    )


def test_price_list_list_reads_a_constant_number_of_queries(cirrus, django_assert_num_queries):
    articles = [make_article(f"A-{n}", f"Article {n}") for n in range(3)]
    group = PriceGroup.objects.get(min_quantity=10)

    def add():
        prices = [{"article": a, "price": Decimal(1)} for a in articles]
        prices.append({"article": articles[0], "price_group": group, "price": Decimal(1)})
        catalogue.create_price_list(
            None, name="L", start="2024-01-01T00:00:00Z", stop="2024-12-31T00:00:00Z", prices=prices
        )

    add()

    def grow():
        for _ in range(49):
            add()

    assert_constant_queries(cirrus, "pricelists", grow, django_assert_num_queries)


def test_price_group_create_read_update(cirrus):
    unit = ArticleUnit.objects.get(name="kg")
    created = cirrus.call(
        "post", "pricegroups", {"name": "Bulk", "unit": {"id": unit.pk}, "min": 100, "max": 500}
    )
    assert created.status_code == 201, created.json()
    item = created.json()
    assert item == {
        "id": item["id"],
        "name": "Bulk",
        "unit": {"id": unit.pk, "name": "kg"},
        "min": 100,
        "max": 500,
    }
    for missing in ("name", "unit", "min", "max"):
        data = {"name": "X", "unit": {"id": unit.pk}, "min": 1, "max": 2}
        del data[missing]
        assert cirrus.call("post", "pricegroups", data).json()["errors"] == {
            missing: f"'{missing}' is a required property"
        }
        assert cirrus.call("put", f"pricegroups/{item['id']}", data).json()["errors"] == {
            missing: f"'{missing}' is a required property"
        }
    bad = cirrus.call("post", "pricegroups", {"name": "X", "unit": {"id": unit.pk}, "min": 5, "max": 1})
    assert bad.status_code == 400 and "max" in bad.json()["errors"]
    assert (
        "unit"
        in cirrus.call(
            "post", "pricegroups", {"name": "X", "unit": {"id": 999999}, "min": 1, "max": 2}
        ).json()["errors"]
    )
    updated = cirrus.call(
        "put", f"pricegroups/{item['id']}", {"name": "Bulk", "unit": {"id": unit.pk}, "min": 50, "max": 500}
    )
    assert updated.json() == {**item, "min": 50}
    assert cirrus.call("get", f"pricegroups/{item['id']}").json() == updated.json()
    assert cirrus.call("get", "pricegroups/999999").status_code == 404


def test_price_group_filters_and_sorting(cirrus):
    pcs = ArticleUnit.objects.get(name="pcs")
    shipped = list(PriceGroup.objects.order_by("min_quantity").values_list("id", flat=True))
    assert ids(cirrus.call("get", "pricegroups")) == shipped  # quantity_asc
    assert ids(cirrus.call("get", "pricegroups?sorting=quantity_desc")) == shipped[::-1]
    assert ids(cirrus.call("get", f"pricegroups?unitid={pcs.pk}")) == shipped
    assert ids(cirrus.call("get", "pricegroups?quantity=10")) == [shipped[1]]
    assert ids(cirrus.call("get", "pricegroups?quantity=9")) == [shipped[0]]
    kg = ArticleUnit.objects.get(name="kg")
    other = cirrus.call(
        "post", "pricegroups", {"name": "Kg", "unit": {"id": kg.pk}, "min": 1, "max": 5}
    ).json()["id"]
    up = ids(cirrus.call("get", "pricegroups?sorting=unitid_asc"))
    down = ids(cirrus.call("get", "pricegroups?sorting=unitid_desc"))
    assert (up[-1] == other) == (kg.pk > pcs.pk) and (down[0] == other) == (kg.pk > pcs.pk)
    assert cirrus.call("get", "pricegroups?sorting=name_asc").status_code == 400
    assert cirrus.call("get", "pricegroups", HTTP_X_FIELDS="{items{min}}").json()["items"][0] == {"min": 1}
