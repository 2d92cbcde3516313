"""Delivery terms (O58-O61), delivery types (O62-O65) and payment terms (P2-005-P2-008) over HTTP:
create, read, update with the fields still required on PUT, errors, every filter and sort, masks,
`default` as a 0/1 int (one default at a time). Payment terms are the financial accounts' table."""

import pytest

from apps.accounts.models import PaymentTerm
from apps.sales.models import DeliveryTerm, DeliveryType

from ..selling import *  # noqa: F403
from ..selling import ids, items
from ..support import *  # noqa: F403

pytestmark = pytest.mark.django_db


def test_delivery_term_create_read_update(cirrus):
    created = cirrus.call(
        "post", "deliveryterms", {"id": 7, "name": "Franco", "externalkey": "FR", "default": 1}
    )
    assert created.status_code == 201
    item = created.json()
    assert item == {"id": item["id"], "name": "Franco", "default": 1, "externalkey": "FR"}
    assert DeliveryTerm.objects.filter(is_default=True).count() == 1
    assert cirrus.call("post", "deliveryterms", {"name": "X"}).json()["errors"] == {
        "externalkey": "'externalkey' is a required property"
    }
    assert cirrus.call("post", "deliveryterms", {"externalkey": "X"}).json()["errors"] == {
        "name": "'name' is a required property"
    }
    assert (
        "default"
        in cirrus.call("post", "deliveryterms", {"name": "X", "externalkey": "X", "default": 3}).json()[
            "errors"
        ]
    )
    assert cirrus.call("put", f"deliveryterms/{item['id']}", {"name": "Y"}).json()["errors"] == {
        "externalkey": "'externalkey' is a required property"
    }
    updated = cirrus.call("put", f"deliveryterms/{item['id']}", {"name": "Franco 2", "externalkey": "F2"})
    assert updated.json() == {**item, "name": "Franco 2", "externalkey": "F2"}
    assert cirrus.call("get", f"deliveryterms/{item['id']}").json() == updated.json()
    assert cirrus.call("get", "deliveryterms/999999").json() == {"message": "Delivery term 999999 not found"}


def test_delivery_term_filters_and_sorting(cirrus):
    franco = cirrus.call("post", "deliveryterms", {"name": "Franco", "externalkey": "FR"}).json()
    assert ids(cirrus.call("get", "deliveryterms?name=fra%")) == [franco["id"]]
    assert ids(cirrus.call("get", "deliveryterms?name=fra")) == []
    assert ids(cirrus.call("get", "deliveryterms?externalkey=fr")) == [franco["id"]]
    assert franco["id"] in ids(cirrus.call("get", "deliveryterms?default=0"))
    assert ids(cirrus.call("get", "deliveryterms?default=1")) == list(
        DeliveryTerm.objects.filter(is_default=True).values_list("id", flat=True)
    )
    names = [i["name"] for i in items(cirrus.call("get", "deliveryterms"))]
    assert names == sorted(names)
    assert [i["name"] for i in items(cirrus.call("get", "deliveryterms?sorting=name_desc"))] == sorted(
        names, reverse=True
    )
    by_id = ids(cirrus.call("get", "deliveryterms?sorting=id_desc"))
    assert by_id == sorted(by_id, reverse=True)
    assert cirrus.call("get", "deliveryterms?sorting=default_asc").status_code == 400
    assert cirrus.call("get", "deliveryterms", HTTP_X_FIELDS="{name}").json()["items"][0] == {
        "name": names[0]
    }


def test_delivery_type_create_read_update_filters(cirrus):
    created = cirrus.call("post", "deliverytypes", {"name": "Drone"})
    assert created.status_code == 201
    item = created.json()
    assert item == {"id": item["id"], "name": "Drone", "default": 0}
    assert cirrus.call("post", "deliverytypes", {}).json()["errors"] == {
        "name": "'name' is a required property"
    }
    assert cirrus.call("put", f"deliverytypes/{item['id']}", {"default": 1}).json()["errors"] == {
        "name": "'name' is a required property"
    }
    updated = cirrus.call("put", f"deliverytypes/{item['id']}", {"name": "Drone", "default": 1})
    assert updated.json()["default"] == 1 and DeliveryType.objects.filter(is_default=True).count() == 1
    assert cirrus.call("get", "deliverytypes/999999").status_code == 404
    assert ids(cirrus.call("get", "deliverytypes?name=%RON%")) == [item["id"]]
    assert ids(cirrus.call("get", "deliverytypes?default=1")) == [item["id"]]
    names = [i["name"] for i in items(cirrus.call("get", "deliverytypes?sorting=name_asc"))]
    assert names == sorted(names)
    by_id = ids(cirrus.call("get", "deliverytypes?sorting=id_asc"))
    assert by_id == sorted(by_id)


def test_payment_terms_are_the_financial_accounts_table(cirrus):
    before = PaymentTerm.objects.count()
    created = cirrus.call(
        "post", "paymentterms", {"name": "Net 45", "externalkey": "N45", "days": 45, "default": 1}
    )
    assert created.status_code == 201, created.json()
    item = created.json()
    assert item == {"id": item["id"], "name": "Net 45", "default": 1, "externalkey": "N45", "days": 45}
    assert (
        PaymentTerm.objects.count() == before + 1
        and PaymentTerm.objects.get(is_default=True).pk == item["id"]
    )
    for missing in ("name", "externalkey", "days"):
        data = {"name": "X", "externalkey": "X", "days": 1}
        del data[missing]
        assert cirrus.call("post", "paymentterms", data).json()["errors"] == {
            missing: f"'{missing}' is a required property"
        }
        assert cirrus.call("put", f"paymentterms/{item['id']}", data).json()["errors"] == {
            missing: f"'{missing}' is a required property"
        }
    assert (
        "days"
        in cirrus.call("post", "paymentterms", {"name": "X", "externalkey": "X", "days": -1}).json()["errors"]
    )
    duplicate = cirrus.call("post", "paymentterms", {"name": "net 45", "externalkey": "X", "days": 1})
    assert duplicate.status_code == 400 and "name" in duplicate.json()["errors"]
    updated = cirrus.call(
        "put", f"paymentterms/{item['id']}", {"name": "Net 40", "externalkey": "N40", "days": 40}
    )
    assert updated.json() == {**item, "name": "Net 40", "externalkey": "N40", "days": 40}
    assert cirrus.call("get", f"paymentterms/{item['id']}").json() == updated.json()
    assert cirrus.call("get", "paymentterms/999999").status_code == 404


def test_payment_term_filters_and_sorting(cirrus):
    item = cirrus.call("post", "paymentterms", {"name": "Net 45", "externalkey": "N45", "days": 45}).json()
    assert ids(cirrus.call("get", "paymentterms?name=net 4%")) == [item["id"]]
    assert ids(cirrus.call("get", "paymentterms?externalkey=n45")) == [item["id"]]
    assert ids(cirrus.call("get", "paymentterms?days=45")) == [item["id"]]
    assert item["id"] in ids(cirrus.call("get", "paymentterms?default=0"))
    assert item["id"] not in ids(cirrus.call("get", "paymentterms?default=1"))
    names = [i["name"] for i in items(cirrus.call("get", "paymentterms?per_page=50"))]
    assert names == sorted(names)
    days = [i["days"] for i in items(cirrus.call("get", "paymentterms?sorting=days_desc&per_page=50"))]
    assert days == sorted(days, reverse=True)
    names = [i["name"] for i in items(cirrus.call("get", "paymentterms?sorting=name_desc&per_page=50"))]
    assert names == sorted(names, reverse=True)
    assert cirrus.call("get", "paymentterms?sorting=id_asc").status_code == 400
    assert cirrus.call("get", "paymentterms?days=x").status_code == 400
