"""HTTP Basic pays the password hash once: a verified credential is remembered under a keyed
hash (apps.api.common.authentication.CachedBasicAuthentication), and a password change, a
deactivation or a wrong password never rides on it."""

import base64

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from rest_framework.test import APIClient

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

URL = "/incwo/1/contacts.xml"


def basic(username, password):
    return "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()


@pytest.fixture
def hashes(monkeypatch):
    """Counts the password checks (each one hashes the password)."""
    calls = []
    check = AbstractBaseUser.check_password

    def counted(self, raw_password):
        calls.append(1)
        return check(self, raw_password)

    monkeypatch.setattr(AbstractBaseUser, "check_password", counted)
    return calls


@pytest.fixture
def clerk():
    user = UserFactory(username="clerk", is_superuser=True, is_staff=True)
    user.set_password("first-pass-123")
    user.save()
    return user


def get(password, username="clerk"):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=basic(username, password))
    return client.get(URL)


def test_the_password_is_hashed_once_for_many_requests(clerk, hashes):
    assert get("first-pass-123").status_code == 200
    hashed = len(hashes)
    assert hashed >= 1
    for _ in range(3):
        assert get("first-pass-123").status_code == 200
    assert len(hashes) == hashed


def test_a_wrong_password_is_never_accepted(clerk):
    assert get("first-pass-123").status_code == 200
    assert get("first-pass-124").status_code == 401
    assert get("").status_code == 401


def test_a_password_change_drops_the_remembered_credential(clerk, hashes):
    assert get("first-pass-123").status_code == 200
    clerk.set_password("second-pass-456")
    clerk.save()
    assert get("first-pass-123").status_code == 401
    assert get("second-pass-456").status_code == 200


def test_a_deactivated_user_is_refused_at_once(clerk):
    assert get("first-pass-123").status_code == 200
    get_user_model().objects.filter(pk=clerk.pk).update(is_active=False)
    assert get("first-pass-123").status_code == 401


def test_the_cache_key_holds_no_password(clerk, settings):
    from apps.api.common.authentication import _credential_key

    key = _credential_key("clerk", "first-pass-123")
    assert "first-pass-123" not in key and "clerk" not in key
    settings.SECRET_KEY = "another-secret-key-" + "x" * 40
    assert _credential_key("clerk", "first-pass-123") != key


def test_no_cache_when_disabled(clerk, hashes, settings):
    settings.BASIC_AUTH_CACHE_SECONDS = 0
    get("first-pass-123")
    first = len(hashes)
    get("first-pass-123")
    assert len(hashes) == 2 * first
