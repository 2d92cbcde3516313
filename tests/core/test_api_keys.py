import hashlib
from datetime import timedelta

import pytest
from django.utils import timezone

from apps.core.api_keys import LAST_USED_RESOLUTION, authenticate_api_key, issue_api_key, revoke_api_key
from apps.core.models import ApiKey
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def user():
    return UserFactory()


@pytest.fixture
def issued(user):
    return issue_api_key(user, "integration")


def test_issue_returns_the_raw_key_once_and_stores_only_a_hash(user):
    key, raw = issue_api_key(user, "integration")
    prefix, _, secret = raw.partition(".")
    assert key.prefix == prefix and len(prefix) == 8
    assert len(secret) >= 40
    stored = ApiKey.objects.get(pk=key.pk)
    assert stored.hashed_secret == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in stored.hashed_secret and raw not in str(stored.__dict__)
    assert (stored.user, stored.name, stored.expires, stored.revoked, stored.last_used) == (
        user,
        "integration",
        None,
        None,
        None,
    )
    assert str(stored) == f"integration ({prefix}…)"


def test_every_key_is_different(user):
    raws = {issue_api_key(user, f"k{i}")[1] for i in range(20)}
    assert len(raws) == 20
    assert len(set(ApiKey.objects.values_list("prefix", flat=True))) == 20


def test_issue_with_an_expiry(user):
    expires = timezone.now() + timedelta(days=30)
    key, raw = issue_api_key(user, "temp", expires=expires)
    assert ApiKey.objects.get(pk=key.pk).expires == expires
    assert authenticate_api_key(raw) == key


def test_the_raw_key_authenticates_by_its_prefix(issued):
    key, raw = issued
    other, _ = issue_api_key(UserFactory(), "other")
    found = authenticate_api_key(raw)
    assert found == key and found.user == key.user
    assert authenticate_api_key(f"  {raw}\n") == key


def test_a_wrong_secret_is_refused(issued):
    key, raw = issued
    assert authenticate_api_key(f"{key.prefix}.{'x' * 43}") is None
    assert authenticate_api_key(raw[:-1]) is None
    assert authenticate_api_key(raw + "x") is None


def test_another_keys_secret_is_refused(issued, user):
    key, _ = issued
    _, other_raw = issue_api_key(user, "other")
    other_secret = other_raw.partition(".")[2]
    assert authenticate_api_key(f"{key.prefix}.{other_secret}") is None


@pytest.mark.parametrize(
    "raw",
    ["", None, "   ", "nodot", ".", "abcd1234.", ".secret", "deadbeef.secret", "x" * 500, "a.b.c", "Token x"],
)
def test_garbage_and_unknown_prefixes_are_refused(issued, raw):
    assert authenticate_api_key(raw) is None


def test_a_revoked_key_is_refused(issued):
    key, raw = issued
    revoke_api_key(key)
    stored = ApiKey.objects.get(pk=key.pk)
    assert stored.revoked is not None and not stored.is_usable
    assert authenticate_api_key(raw) is None
    revoked_at = stored.revoked
    revoke_api_key(stored)  # revoking again keeps the first time
    assert ApiKey.objects.get(pk=key.pk).revoked == revoked_at


def test_an_expired_key_is_refused(issued):
    key, raw = issued
    ApiKey.objects.filter(pk=key.pk).update(expires=timezone.now() - timedelta(seconds=1))
    assert authenticate_api_key(raw) is None
    ApiKey.objects.filter(pk=key.pk).update(expires=timezone.now() + timedelta(minutes=5))
    assert authenticate_api_key(raw) == key


def test_an_inactive_users_key_is_refused(issued, user):
    _, raw = issued
    user.is_active = False
    user.save()
    assert authenticate_api_key(raw) is None
    user.is_active = True
    user.save()
    assert authenticate_api_key(raw) is not None


def test_deleting_the_user_deletes_the_key(issued, user):
    key, raw = issued
    user.delete()
    assert not ApiKey.objects.filter(pk=key.pk).exists()
    assert authenticate_api_key(raw) is None


def stored_last_used(key):
    return ApiKey.objects.values_list("last_used", flat=True).get(pk=key.pk)


def test_last_used_is_recorded_at_most_once_a_minute(issued, django_assert_num_queries):
    key, raw = issued
    before = timezone.now()
    authenticate_api_key(raw)
    first = stored_last_used(key)
    assert first is not None and first >= before
    # within the minute: no write at all (one query: the lookup)
    with django_assert_num_queries(1):
        found = authenticate_api_key(raw)
    assert found.last_used == first
    assert stored_last_used(key) == first
    # a minute and more later: recorded again
    earlier = timezone.now() - LAST_USED_RESOLUTION - timedelta(seconds=1)
    ApiKey.objects.filter(pk=key.pk).update(last_used=earlier)
    authenticate_api_key(raw)
    assert stored_last_used(key) > earlier + LAST_USED_RESOLUTION


def test_a_refused_key_does_not_record_use(issued):
    key, raw = issued
    revoke_api_key(key)
    authenticate_api_key(raw)
    authenticate_api_key(f"{key.prefix}.wrong")
    assert stored_last_used(key) is None
