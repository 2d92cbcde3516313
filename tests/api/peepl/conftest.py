import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from apps.core.api_keys import issue_api_key

BASE = "/peepl/v1/admin/"
HOST = "http://testserver"

CONTACT = {
    "first_name": "Jan",
    "last_name": "Peeters",
    "birth_date": "1990-05-15",
    "birth_place": "Gent",
    "preferred_language": "nl",
    "gender": "M",
    "email": "jan@example.be",
}


class PeeplClient(APIClient):
    """An API client that sends the Peepl token and prefixes the mount to relative paths."""

    def generic(self, method, path, *args, **kwargs):
        if not path.startswith("/"):
            path = BASE + path
        return super().generic(method, path, *args, **kwargs)


def client_for(user) -> PeeplClient:
    _, raw = issue_api_key(user, "tests")
    client = PeeplClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {raw}")
    return client


@pytest.fixture
def peepl(api_key):
    client = PeeplClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_key}")
    return client


@pytest.fixture
def count_queries():
    """`count_queries(client, path)`: the SQL queries one GET runs (after a warm-up call, so the
    key's once-a-minute `last_used` stamp is not counted)."""

    def count(client, path):
        assert client.get(path).status_code == 200
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path).status_code == 200
        return len(queries)

    return count
