"""What the tests of the sales pipeline groups (activities, leads, opportunities, challenges)
share: the shipped pipeline lookups, an account with a geocoded visiting address and its contact,
a second user, opportunity defaults, and the constant-query-count check."""

import datetime
from decimal import Decimal

import pytest
from django.apps import apps
from django.contrib.auth.models import Permission

from apps.core.api_keys import issue_api_key
from apps.parties import services_accounts
from apps.parties.models import AccountType
from apps.sales import lookups, services_pipeline
from apps.sales.models import OpportunityType

from .support import CirrusClient, count_queries


@pytest.fixture(autouse=True)
def pipeline_lookups(db):
    """The shipped pipeline lookups (a transactional test elsewhere may have flushed them)."""
    lookups.install(apps)


@pytest.fixture
def acme(db):
    return services_accounts.create_account(
        None,
        name="Acme AB",
        account_type=AccountType.objects.order_by("sort_order").first(),
        addresses={"visiting": {"city": "Umeå", "latitude": Decimal("63.82"), "longitude": Decimal("20.26")}},
    )


@pytest.fixture
def eva(acme):
    return services_accounts.create_contact(
        None, organisation=acme, first_name="Eva", last_name="Ek", email="eva@acme.example", phone="090-1"
    )


def new_business():
    """The default opportunity type and its first open status."""
    kind = OpportunityType.objects.get(name="New business")
    return kind, kind.statuses.get(name="Prospecting")


def make_opportunity(account, contact, **fields):
    kind, status = new_business()
    values = {
        "title": "Fleet deal",
        "description": "Ten trucks",
        "account": account,
        "contact": contact,
        "opportunity_type": kind,
        "status": status,
        "estimated_end_date": datetime.date(2030, 1, 31),
        **fields,
    }
    return services_pipeline.create_opportunity(None, **values)


def client_with(user, *codenames) -> CirrusClient:
    """A client for `user`, given these permission codenames first."""
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    client = CirrusClient()
    client.credentials(HTTP_X_TOKEN=issue_api_key(user, "pipeline tests")[1])
    return client


def assert_constant_queries(cirrus, path: str, grow, django_assert_num_queries, mask: str = "{id}"):
    """GET `path` reads as many queries with one item as with 50, and with an X-Fields mask: the
    count with one item (after a warm-up call) must hold after `grow()` adds the other 49."""
    sep = "&" if "?" in path else "?"
    page = f"{path}{sep}per_page=50"
    cirrus.call("get", page)  # the key's use is recorded on its first call of the minute
    one, response = count_queries(lambda: cirrus.call("get", page))
    assert response.status_code == 200 and response.json()["total"] == 1, response.json()
    grow()
    with django_assert_num_queries(one):
        response = cirrus.call("get", page)
    assert len(response.json()["items"]) == 50
    with django_assert_num_queries(one):
        masked = cirrus.call("get", page, HTTP_X_FIELDS=mask)
    assert masked.status_code == 200 and len(masked.json()["items"]) == 50
