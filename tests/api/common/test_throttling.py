import pytest
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from apps.api.common.throttling import ApiKeyRateThrottle
from apps.core.api_keys import issue_api_key
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


class TestThrottle(ApiKeyRateThrottle):
    __test__ = False  # not a test class for pytest
    scope = "tests"
    rate_setting = "TEST_THROTTLE_RATE"


def request_with(key):
    request = Request(APIRequestFactory().get("/"))
    request._authenticator, request._user, request._auth = None, getattr(key, "user", None), key
    return request


def allows(key):
    return TestThrottle().allow_request(request_with(key), None)


@pytest.fixture
def keys():
    user = UserFactory()
    return issue_api_key(user, "a")[0], issue_api_key(user, "b")[0]


def test_calls_over_the_rate_are_refused_per_key(settings, keys):
    settings.TEST_THROTTLE_RATE = "3/min"
    first, second = keys
    assert [allows(first) for _ in range(5)] == [True, True, True, False, False]
    assert [allows(second) for _ in range(3)] == [True, True, True]  # its own window
    assert not allows(second)


def test_the_wait_is_reported(settings, keys):
    settings.TEST_THROTTLE_RATE = "1/min"
    first, _ = keys
    throttle = TestThrottle()
    assert throttle.allow_request(request_with(first), None)
    assert not throttle.allow_request(request_with(first), None)
    assert 0 < throttle.wait() <= 60


def test_the_rate_is_read_on_every_call(settings, keys):
    first, _ = keys
    settings.TEST_THROTTLE_RATE = "1/min"
    assert allows(first) and not allows(first)
    settings.TEST_THROTTLE_RATE = "5/min"
    assert allows(first)


def test_calls_without_a_key_are_not_counted(settings):
    settings.TEST_THROTTLE_RATE = "1/min"
    assert all(allows(None) for _ in range(5))


def test_no_rate_means_no_limit(settings, keys):
    settings.TEST_THROTTLE_RATE = None
    assert all(allows(keys[0]) for _ in range(5))
