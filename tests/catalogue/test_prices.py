"""Which price an account pays (apps.catalogue.prices): its own list, else the default list, else
the article's price; a quantity's price group wins within a list; lists out of date or inactive
do not count."""

import datetime
from decimal import Decimal

import pytest
from django.apps import apps

from apps.catalogue import lookups, services
from apps.catalogue.models import ArticleUnit, PriceGroup
from apps.catalogue.prices import price_for
from apps.parties.models import Party

pytestmark = pytest.mark.django_db
D = Decimal
START = datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC)
STOP = datetime.datetime(2024, 12, 31, tzinfo=datetime.UTC)
DAY = datetime.date(2024, 6, 1)


@pytest.fixture(autouse=True)
def shipped(db):
    lookups.install(apps)


@pytest.fixture
def pcs():
    return ArticleUnit.objects.get(name="pcs")


@pytest.fixture
def drill(pcs):
    return services.create_article(None, name="Drill", number="A-1", price=D("100"), vat=D(25), unit=pcs)


@pytest.fixture
def acme():
    return Party.objects.create(kind=Party.Kind.ORGANISATION, name="Acme")


@pytest.fixture
def other():
    return Party.objects.create(kind=Party.Kind.ORGANISATION, name="Other")


def price_list(name, prices, **fields):
    values = {"start": START, "stop": STOP, **fields}
    return services.create_price_list(None, name=name, prices=prices, **values)


def test_article_price_without_lists(drill, acme):
    assert (
        price_for(drill, acme, 1, DAY).price == D("100") and price_for(drill, None, 1, DAY).price_list is None
    )


def test_account_list_then_default_then_article(drill, acme, other):
    default = price_list("Default", [{"article": drill, "price": D("90")}], is_default=True)
    own = price_list(
        "Acme", [{"article": drill, "price": D("80"), "discount_percent": D(5)}], accounts=[acme]
    )
    chosen = price_for(drill, acme, 1, DAY)
    assert (chosen.price, chosen.discount_percent, chosen.price_list) == (D("80"), D(5), own)
    assert price_for(drill, other, 1, DAY).price_list == default
    assert price_for(drill, None, 1, DAY).price == D("90")
    # out of its dates, or inactive: the next tier
    assert price_for(drill, acme, 1, datetime.date(2025, 6, 1)).price == D("100")
    services.update_price_list(None, own, is_active=False)
    assert price_for(drill, acme, 1, DAY).price_list == default


def test_account_list_without_the_article_falls_back(drill, acme):
    bit = services.create_article(None, name="Bit", number="A-2", price=D("10"), vat=D(25))
    price_list("Acme", [{"article": bit, "price": D("8")}], accounts=[acme])
    price_list("Default", [{"article": drill, "price": D("90")}], is_default=True)
    assert price_for(drill, acme, 1, DAY).price == D("90")


def test_quantity_price_group(drill, acme, pcs):
    ten = PriceGroup.objects.get(min_quantity=10)
    price_list(
        "Default",
        [{"article": drill, "price": D("90")}, {"article": drill, "price_group": ten, "price": D("75")}],
        is_default=True,
    )
    assert price_for(drill, acme, 9, DAY).price == D("90")
    assert price_for(drill, acme, 10, DAY).price_group == ten
    assert price_for(drill, acme, 10, DAY).price == D("75")
