import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from apps.accounts import services as account_services
from apps.core.api_keys import issue_api_key
from apps.parties import services as party_services

BASE = "/backoffice/v2/"
NOT_A_RECORD = "00000000-0000-0000-0000-000000000000"


class BackOfficeClient(APIClient):
    """An API client that prefixes the mount to relative paths and sends JSON by default."""

    def generic(self, method, path, *args, **kwargs):
        if not path.startswith("/"):
            path = BASE + path
        return super().generic(method, path, *args, **kwargs)


def client_for(user) -> BackOfficeClient:
    _, raw = issue_api_key(user, "tests")
    client = BackOfficeClient()
    client.credentials(HTTP_API_KEY=raw)
    return client


@pytest.fixture
def bo(api_key):
    client = BackOfficeClient()
    client.credentials(HTTP_API_KEY=api_key)
    return client


@pytest.fixture
def anonymous():
    return BackOfficeClient()


@pytest.fixture
def contact(db):
    return party_services.create_person(None, first_name="John", last_name="Smith")


@pytest.fixture
def other_contact(db):
    return party_services.create_person(None, first_name="Mary", last_name="Jones")


def give(account, amount):
    """Put money on an account through the ledger (an invoice, or a payment when negative)."""
    from decimal import Decimal

    amount = Decimal(str(amount))
    kind = "invoice" if amount > 0 else "payment"
    return account_services.post_entry(None, account, kind=kind, amount=abs(amount))


def assert_error(response, status, error=None, parameters=None):
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"status", "message", "error", "parameters"}, body
    assert body["status"] == status
    assert body["error"].startswith("CRM.EXCEPTIONS.")
    if error is not None:
        assert body["error"] == error
    if parameters is not None:
        assert body["parameters"][: len(parameters)] == parameters, body
    return body


@pytest.fixture
def count_queries():
    """`count_queries(client, path)`: the SQL queries one GET runs (after a warm-up call)."""

    def count(client, path):
        assert client.get(path).status_code == 200
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path).status_code == 200
        return len(queries)

    return count
