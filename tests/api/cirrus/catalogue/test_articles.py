"""Articles (O34, O35, O46, O47), article groups (O30-O33), article units (O48-O51) and the
article lookups (O36-O45, the deprecated /articles/groups too) over HTTP: create and read with
every field, required fields on POST and PUT, errors, every filter and sort, masks, 0/1 flags as
ints, constant query counts."""

import pytest

from apps.api.cirrus.catalogue.serializers import ArticleSerializer
from apps.catalogue.models import (
    ArticleGroup,
    ArticleUnit,
    Brand,
    BudgetGroup,
    DiscountGroup,
    Material,
    ServiceLevel,
    VolumeGroup,
    Warehouse,
    WarehouseStatus,
)
from apps.core.models import Tag

from ..pipeline import *  # noqa: F403
from ..pipeline import assert_constant_queries
from ..selling import *  # noqa: F403
from ..selling import ids, items, make_article
from ..support import *  # noqa: F403
from ..support import assert_shape

pytestmark = pytest.mark.django_db


def refs():
    return {
        "warehousestatusid": WarehouseStatus.objects.first().pk,
        "servicelevelid": ServiceLevel.objects.first().pk,
        "warehouseid": Warehouse.objects.first().pk,
        "unitid": ArticleUnit.objects.get(name="h").pk,
        "groupid": ArticleGroup.objects.get(name="Services").pk,
        "brandid": Brand.objects.first().pk,
        "materialid": Material.objects.first().pk,
        "volumegroupid": VolumeGroup.objects.first().pk,
        "discountgroupid": DiscountGroup.objects.first().pk,
        "budgetgroupid": BudgetGroup.objects.first().pk,
    }


def test_create_with_every_field_and_read_it_back(cirrus, acme):
    tag = Tag.objects.create(name="Tools")
    data = {
        "id": 999,
        "name": "Installation",
        "price": 750.5,
        "description": "Per hour",
        "vat": 25,
        "number": "S-1",
        "businessareaid": 4,
        "buyprice": 400,
        "commision": 12.5,
        "externalkey": "ERP-1",
        "imageurl": "https://example.com/i.png",
        "url1": "https://example.com/1",
        "url2": "https://example.com/2",
        "stockbalance": 7,
        "accountid": acme.pk,
        "suppliername": "Acme",
        "supplierarticlenumber": "AC-77",
        "stockbalancewarningtreshold": 2,
        "incampaign": 1,
        "volume": 3,
        "area": 1.25,
        "active": 1,
        "presentation": "Fast",
        "discount": 5,
        "sortorder": 3,
        "tags": [{"id": tag.pk}],
        **refs(),
    }
    created = cirrus.call("post", "articles", data)
    assert created.status_code == 201, created.json()
    body = created.json()
    assert_shape(body, ArticleSerializer)
    assert body["id"] != 999
    expected = {k: v for k, v in data.items() if k not in ("id", "tags")}
    assert {k: body[k] for k in expected} == expected
    assert body["tags"] == [{"id": tag.pk, "name": "Tools", "type": "article"}]
    assert isinstance(body["active"], int) and isinstance(body["incampaign"], int)
    assert cirrus.call("get", f"articles/{body['id']}").json() == body


def test_defaults_and_nulls(cirrus):
    body = cirrus.call("post", "articles", {"name": "X", "price": 1, "description": "", "vat": 0}).json()
    assert (body["active"], body["incampaign"], body["sortorder"]) == (1, 0, 0)
    assert body["number"] is None and body["groupid"] is None and body["description"] is None


@pytest.mark.parametrize("missing", ["name", "price", "description", "vat"])
def test_required_on_post_and_put(cirrus, drill, missing):
    data = {"name": "X", "price": 1, "description": "d", "vat": 25}
    del data[missing]
    response = cirrus.call("post", "articles", data)
    assert response.status_code == 400 and missing in response.json()["errors"]
    response = cirrus.call("put", f"articles/{drill.pk}", data)
    assert response.status_code == 400
    assert response.json()["errors"] == {missing: f"'{missing}' is a required property"}


def test_update_changes_the_fields_sent(cirrus, drill):
    data = {"name": "Drill 2", "price": 120, "description": "New", "vat": 12, "active": 0, "tags": []}
    response = cirrus.call("put", f"articles/{drill.pk}", data)
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["name"], body["price"], body["vat"], body["active"]) == ("Drill 2", 120, 12, 0)
    assert body["number"] == "A-1" and body["unitid"] == drill.unit_id  # untouched


@pytest.mark.parametrize(
    "data, field",
    [
        ({"groupid": 999999}, "groupid"),
        ({"unitid": "x"}, "unitid"),
        ({"active": 2}, "active"),
        ({"price": "12"}, "price"),
        ({"vat": 101}, "vat"),
        ({"accountid": -1}, "accountid"),
        ({"tags": [{"id": 999999}]}, "tags"),
    ],
)
def test_create_errors(cirrus, data, field):
    response = cirrus.call(
        "post", "articles", {"name": "X", "price": 1, "description": "d", "vat": 25, **data}
    )
    assert response.status_code == 400 and field in response.json()["errors"], response.json()


def test_unknown_id_and_empty_body(cirrus):
    assert cirrus.call("get", "articles/999999").json() == {"message": "Article 999999 not found"}
    assert cirrus.call("put", "articles/999999", {"name": "X"}).status_code == 404
    assert cirrus.call("post", "articles").status_code == 400
    assert cirrus.call("post", "articles", []).status_code == 400


def test_filters(cirrus):
    lookups = refs()
    a = make_article(
        "A-1", "Drill", supplier_article_number="SUP-1", external_key="K1", description="blue metal"
    )
    b = make_article(
        "B-2",
        "Hammer",
        is_active=False,
        group=ArticleGroup.objects.get(pk=lookups["groupid"]),
        unit=ArticleUnit.objects.get(pk=lookups["unitid"]),
        brand=Brand.objects.get(pk=lookups["brandid"]),
        material=Material.objects.get(pk=lookups["materialid"]),
        warehouse=Warehouse.objects.get(pk=lookups["warehouseid"]),
        warehouse_status=WarehouseStatus.objects.get(pk=lookups["warehousestatusid"]),
        service_level=ServiceLevel.objects.get(pk=lookups["servicelevelid"]),
        volume_group=VolumeGroup.objects.get(pk=lookups["volumegroupid"]),
        discount_group=DiscountGroup.objects.get(pk=lookups["discountgroupid"]),
        budget_group=BudgetGroup.objects.get(pk=lookups["budgetgroupid"]),
        business_area_id=4,
    )
    assert ids(cirrus.call("get", "articles")) == [a.pk, b.pk]
    assert ids(cirrus.call("get", "articles?number=a%")) == [a.pk]
    assert ids(cirrus.call("get", "articles?number=A")) == []
    assert ids(cirrus.call("get", f"articles?groupid={a.group_id},{b.group_id}")) == [a.pk, b.pk]
    assert ids(cirrus.call("get", f"articles?groupid={b.group_id}")) == [b.pk]
    assert ids(cirrus.call("get", "articles?active=1")) == [a.pk]
    assert ids(cirrus.call("get", "articles?active=0")) == [b.pk]
    assert ids(cirrus.call("get", "articles?active=2")) == [a.pk, b.pk]
    assert ids(cirrus.call("get", "articles?supplierarticlenumber=sup%")) == [a.pk]
    for name, value in lookups.items():
        if name != "groupid":
            assert ids(cirrus.call("get", f"articles?{name}={value}")) == [b.pk], name
    assert ids(cirrus.call("get", "articles?businessareaid=4")) == [b.pk]
    assert ids(cirrus.call("get", "articles?businessareaid'=4")) == [b.pk]
    assert ids(cirrus.call("get", "articles?externalkey=k1")) == [a.pk]
    assert ids(cirrus.call("get", "articles?missionid=1")) == []
    assert ids(cirrus.call("get", "articles?fulltext=METAL")) == [a.pk]
    assert ids(cirrus.call("get", "articles?fulltext=hamm")) == [b.pk]
    assert ids(cirrus.call("get", "articles?dynamicfield_id=1&dynamicfield_val=x")) == []
    assert cirrus.call("get", "articles?groupid=x").status_code == 400
    assert cirrus.call("get", "articles?active=3").status_code == 400


@pytest.mark.parametrize(
    "key, field",
    [
        ("name", "name"),
        ("number", "number"),
        ("suppliername", "suppliername"),
        ("supplierarticlenumber", "supplierarticlenumber"),
        ("externalkey", "externalkey"),
        ("sort", "sortorder"),
    ],
)
def test_sorting(cirrus, key, field):
    make_article(
        "A-2", "Beta", supplier_name="Y", supplier_article_number="2", external_key="K2", sort_order=2
    )
    make_article(
        "A-1", "Gamma", supplier_name="Z", supplier_article_number="3", external_key="K3", sort_order=3
    )
    make_article(
        "A-3", "Alpha", supplier_name="X", supplier_article_number="1", external_key="K1", sort_order=1
    )
    up = [i[field] for i in items(cirrus.call("get", f"articles?sorting={key}_asc"))]
    down = [i[field] for i in items(cirrus.call("get", f"articles?sorting={key}_desc"))]
    assert up == sorted(up) and down == sorted(up, reverse=True)
    assert cirrus.call("get", "articles?sorting=price_asc").json()["errors"] == {
        "sorting": "The value 'price_asc' is not a valid choice for 'sorting'."
    }


def test_masks_and_paging(cirrus, drill):
    make_article("A-2", "Bit")
    body = cirrus.call("get", "articles?per_page=1&page=2", HTTP_X_FIELDS="{id,name}").json()
    assert body == {
        "page": 2,
        "pages": 2,
        "per_page": 1,
        "total": 2,
        "items": [{"id": body["items"][0]["id"], "name": "Bit"}],
    }
    assert cirrus.call("get", f"articles/{drill.pk}", HTTP_X_FIELDS="{number,vat}").json() == {
        "number": "A-1",
        "vat": 25,
    }
    assert cirrus.call("get", "articles", HTTP_X_FIELDS="{total,items{id}}").json() == {
        "total": 2,
        "items": [{"id": drill.pk}, {"id": drill.pk + 1}],
    }
    assert cirrus.call("get", "articles", HTTP_X_FIELDS="{id").status_code == 400
    assert cirrus.call("get", "articles?per_page=51").status_code == 400


def test_article_list_reads_a_constant_number_of_queries(cirrus, django_assert_num_queries):
    tag = Tag.objects.create(name="T")

    def one(n):
        article = make_article(f"N-{n:03}", f"Article {n}")
        article.tags.add(tag)
        return article

    one(0)

    def grow():
        for n in range(1, 50):
            one(n)

    assert_constant_queries(cirrus, "articles", grow, django_assert_num_queries)


# --- Article groups and units ---------------------------------------------------------------------


def test_article_group_create_read_update(cirrus):
    created = cirrus.call(
        "post", "articlegroups", {"id": 5, "name": "Tools", "externalkey": "T", "sortorder": 4}
    )
    assert created.status_code == 201
    item = created.json()
    assert item == {"id": item["id"], "name": "Tools", "externalkey": "T", "sortorder": 4}
    assert cirrus.call("post", "articlegroups", {"externalkey": "x"}).json()["errors"] == {
        "name": "'name' is a required property"
    }
    assert "name" in cirrus.call("post", "articlegroups", {"name": ""}).json()["errors"]
    assert (
        "sortorder" in cirrus.call("post", "articlegroups", {"name": "x", "sortorder": "1"}).json()["errors"]
    )
    updated = cirrus.call("put", f"articlegroups/{item['id']}", {"sortorder": 9})
    assert updated.json() == {**item, "sortorder": 9}
    assert cirrus.call("get", f"articlegroups/{item['id']}").json() == updated.json()
    assert cirrus.call("get", "articlegroups/999999").status_code == 404


def test_article_group_filters_and_sorting(cirrus):
    cirrus.call("post", "articlegroups", {"name": "Tools", "externalkey": "T", "sortorder": 9})
    names = [i["name"] for i in items(cirrus.call("get", "articlegroups?per_page=50"))]
    assert names == sorted(names)
    assert [i["name"] for i in items(cirrus.call("get", "articlegroups?name=to"))] == ["Tools"]
    assert [i["name"] for i in items(cirrus.call("get", "articlegroups?name=ools"))] == []  # begins with
    assert [i["name"] for i in items(cirrus.call("get", "articlegroups?externalkey=T"))] == ["Tools"]
    by_sort = [i["sortorder"] for i in items(cirrus.call("get", "articlegroups?sorting=sort_desc"))]
    assert by_sort == sorted(by_sort, reverse=True) and by_sort[0] == 9
    by_id = ids(cirrus.call("get", "articlegroups?sorting=id_desc"))
    assert by_id == sorted(by_id, reverse=True)
    assert cirrus.call("get", "articlegroups?sorting=number_asc").status_code == 400


def test_article_unit_create_read_update_filters(cirrus):
    created = cirrus.call("post", "articleunits", {"name": "box", "externalkey": "BX"})
    assert created.status_code == 201
    item = created.json()
    assert item == {"id": item["id"], "name": "box", "externalkey": "BX"}
    assert cirrus.call("post", "articleunits", {}).json()["errors"] == {
        "name": "'name' is a required property"
    }
    assert cirrus.call("put", f"articleunits/{item['id']}", {"name": "boxes"}).json()["name"] == "boxes"
    assert cirrus.call("get", f"articleunits/{item['id']}").json()["name"] == "boxes"
    assert [i["name"] for i in items(cirrus.call("get", "articleunits?name=BO"))] == ["boxes"]
    assert [i["name"] for i in items(cirrus.call("get", "articleunits?externalkey=bx"))] == ["boxes"]
    names = [i["name"] for i in items(cirrus.call("get", "articleunits?sorting=name_desc"))]
    assert names == sorted(names, reverse=True)
    assert ids(cirrus.call("get", "articleunits?sorting=id_asc")) == sorted(
        ids(cirrus.call("get", "articleunits"))
    )
    assert cirrus.call("get", "articleunits/999999").status_code == 404


@pytest.mark.parametrize(
    "path, model",
    [
        ("articles/brands", Brand),
        ("articles/budgetgroups", BudgetGroup),
        ("articles/discountgroups", DiscountGroup),
        ("articles/materials", Material),
        ("articles/servicelevels", ServiceLevel),
        ("articles/volumegroups", VolumeGroup),
        ("articles/warehouses", Warehouse),
        ("articles/warehousestatuses", WarehouseStatus),
    ],
)
def test_lookups_are_bare_arrays(cirrus, path, model):
    body = cirrus.call("get", path).json()
    assert isinstance(body, list) and body
    assert body == [{"id": row.pk, "name": row.name} for row in model.objects.all()]
    assert cirrus.call("get", path, HTTP_X_FIELDS="{name}").json()[0] == {"name": body[0]["name"]}


def test_units_and_deprecated_groups_lookups(cirrus):
    units = cirrus.call("get", "articles/units").json()
    assert isinstance(units, list) and set(units[0]) == {"id", "name", "externalkey"}
    groups = cirrus.call("get", "articles/groups").json()
    assert isinstance(groups, list) and set(groups[0]) == {"id", "name", "externalkey", "sortorder"}
    assert [g["sortorder"] for g in groups] == sorted(g["sortorder"] for g in groups)
    assert "items" in cirrus.call("get", "articleunits").json()


def test_auth_required(drill):
    from ..support import CirrusClient

    assert CirrusClient().call("get", "articles").status_code == 401
