import base64

import pytest
from django.apps import apps
from rest_framework.test import APIClient

from apps.parties.data.reference import install
from apps.parties.models import Country

BASE = "/incwo/1/"


@pytest.fixture(autouse=True)
def reference_data(db):
    """The shipped lookups (a transactional test elsewhere may have flushed them)."""
    if not Country.objects.exists():
        install(apps)


def basic(username, password):
    return "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()


class IncwoClient(APIClient):
    """Sends HTTP Basic credentials and XML bodies; relative paths are under /incwo/1/."""

    def _encode_data(self, data, format=None, content_type=None):
        if data is None:
            return "", content_type
        return (data.encode() if isinstance(data, str) else data), content_type or "application/xml"

    def generic(self, method, path, *args, **kwargs):
        if not path.startswith("/"):
            path = BASE + path
        return super().generic(method, path, *args, **kwargs)


@pytest.fixture
def incwo(admin_user):
    client = IncwoClient()
    client.credentials(HTTP_AUTHORIZATION=basic("admin", "pw-not-used-123"))
    return client
