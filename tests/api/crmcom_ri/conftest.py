import pytest
from django.apps import apps
from rest_framework.test import APIClient

from apps.parties.data.reference import install
from apps.parties.models import Country

BASE = "/crmapi/rest/v2/"


@pytest.fixture(autouse=True)
def reference_data(db):
    """The shipped lookups (a transactional test elsewhere may have flushed them)."""
    if not Country.objects.exists():
        install(apps)


class CrmClient(APIClient):
    """Relative paths are CRM.COM R methods; `token` is added to GET queries and POST bodies."""

    token = None

    def call(self, method, data=None, *, token=True, **kwargs):
        data = dict(data or {})
        if token and self.token is not None:
            data.setdefault("token", self.token)
        return self.post(BASE + method, data, format="json", **kwargs)

    def query(self, method, params=None, *, token=True):
        params = dict(params or {})
        if token and self.token is not None:
            params.setdefault("token", self.token)
        return self.get(BASE + method, params)


def login(client, username="admin", password="pw-not-used-123", organisation="CRMDEMO"):
    response = client.call(
        "authentication/token",
        {"username": username, "password": password, "organisation": organisation},
        token=False,
    )
    assert response.status_code == 200, response.content
    return response.json()["data"]["token"]


@pytest.fixture
def crm(admin_user):
    client = CrmClient()
    client.token = login(client)
    return client
