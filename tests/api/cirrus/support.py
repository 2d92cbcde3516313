"""What the Cirrus tests share: a client with a key (`X-Token`), a second user, the shipped account
types, query counting and shape checks. Test modules (one package per resource group, as in
apps/api/cirrus) import the fixtures with `from ..support import *`."""

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from apps.core.api_keys import issue_api_key
from apps.parties.data.accounts import install as install_account_types
from apps.parties.data.reference import install as install_reference
from apps.parties.models import AccountType

BASE = "/cirrus/"


@pytest.fixture(autouse=True)
def cirrus_urls(settings):
    settings.ROOT_URLCONF = "crm.urls"


@pytest.fixture(autouse=True)
def shipped_rows(db):
    """The shipped lookups (a transactional test elsewhere may have flushed them)."""
    install_account_types(apps)
    install_reference(apps)


class CirrusClient(APIClient):
    """Relative paths are under /cirrus/; JSON bodies."""

    def call(self, method, path, data=None, **extra):
        kwargs = {"format": "json"} if data is not None else {}
        return getattr(self, method)(BASE + path, data, **kwargs, **extra)


@pytest.fixture
def token(admin_user):
    return issue_api_key(admin_user, "cirrus tests")[1]


@pytest.fixture
def cirrus(token):
    client = CirrusClient()
    client.credentials(HTTP_X_TOKEN=token)
    return client


@pytest.fixture
def account_type(db):
    return AccountType.objects.order_by("sort_order").first()


@pytest.fixture
def user(django_user_model):
    return django_user_model.objects.create_user(
        "sven", email="sven@example.com", first_name="Sven", last_name="Svensson"
    )


def count_queries(call) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as queries:
        result = call()
    return len(queries.captured_queries), result


def keys_of(serializer_class) -> set[str]:
    return set(serializer_class().fields)


def assert_shape(data: dict, serializer_class):
    """Every key of the documented shape, and no other, nested shapes too."""
    serializer = serializer_class()
    assert set(data) == set(serializer.fields), set(data) ^ set(serializer.fields)
    for name, field in serializer.fields.items():
        child = getattr(field, "child", None)
        nested = child if child is not None and hasattr(child, "fields") else field
        if hasattr(nested, "fields") and data[name] is not None:
            for item in data[name] if child is not None else [data[name]]:
                assert_shape(item, type(nested))
