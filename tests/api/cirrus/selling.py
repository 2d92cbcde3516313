"""What the tests of the selling groups (catalogue, prices, terms, orders, quotes) share: the
shipped catalogue and order lookups, an article, and (from pipeline) an account with its contact."""

from decimal import Decimal

import pytest
from django.apps import apps

from apps.catalogue import lookups as catalogue_lookups
from apps.catalogue import services as catalogue
from apps.catalogue.models import ArticleGroup, ArticleUnit
from apps.sales import lookups_orders


@pytest.fixture(autouse=True)
def selling_lookups(db):
    """The shipped catalogue and order lookups (a transactional test elsewhere may have flushed them)."""
    catalogue_lookups.install(apps)
    lookups_orders.install(apps)


def make_article(number="A-1", name="Drill", price="100.00", vat="25", **fields):
    values = {
        "number": number,
        "name": name,
        "description": f"{name} (test)",
        "price": Decimal(price),
        "vat": Decimal(vat),
        "unit": ArticleUnit.objects.get(name="pcs"),
        "group": ArticleGroup.objects.get(name="Products"),
        **fields,
    }
    return catalogue.create_article(None, **values)


@pytest.fixture
def drill(db):
    return make_article()


def items(response) -> list[dict]:
    assert response.status_code == 200, response.json()
    return response.json()["items"]


def ids(response) -> list[int]:
    return [item["id"] for item in items(response)]
