"""The Redis cache degrades to the process's memory while Redis is down (apps.core.cache), so
nothing that uses the cache (the API throttles, Back-Office logins) answers 500; a throttle then
limits per process. Against a Redis server of the test's own, stopped and started again."""

import logging
import time

import pytest
import redis
from django.core.cache import cache

from tests.api.crmcom.conftest import BackOfficeClient
from tests.api.peepl.conftest import PeeplClient

pytestmark = pytest.mark.django_db
RETRY_AFTER = 0.5


@pytest.fixture
def redis_cache(private_redis, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "apps.core.cache.FallbackRedisCache",
            "LOCATION": private_redis.url(0),
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 2},
            "FALLBACK_RETRY_AFTER": RETRY_AFTER,
        }
    }
    yield redis.Redis.from_url(private_redis.url(0))


def test_the_cache_answers_from_memory_while_redis_is_down(redis_cache, private_redis, caplog):
    cache.set("colour", "blue")
    assert redis_cache.exists(":1:colour")  # really in Redis
    assert cache.get("colour") == "blue"

    private_redis.stop()
    with caplog.at_level(logging.WARNING, logger="apps.core.cache"):
        assert cache.get("colour") is None  # what Redis held is out of reach: a miss, not an error
        cache.set("colour", "red")
        assert cache.get("colour") == "red"
        assert cache.add("count", 1) and cache.incr("count") == 2
        assert cache.get_many(["colour", "count"]) == {"colour": "red", "count": 2}
        cache.delete("colour")
        assert not cache.has_key("colour")
    assert "Redis unreachable" in caplog.text

    private_redis.start()  # empty: it kept nothing
    time.sleep(RETRY_AFTER)
    assert cache.get("count") is None  # Redis again, the process's copy dropped
    cache.set("colour", "green")
    assert redis_cache.get(":1:colour") is not None


def test_peepl_calls_and_back_office_logins_work_while_redis_is_down(
    redis_cache, private_redis, settings, api_key, admin_user
):
    settings.PEEPL_THROTTLE_RATE = "3/min"
    peepl = PeeplClient()
    peepl.credentials(HTTP_AUTHORIZATION=f"Token {api_key}")
    backoffice = BackOfficeClient()
    assert peepl.get("contacts/").status_code == 200
    assert redis_cache.keys("*throttle*")  # the counters live in Redis

    private_redis.stop()
    # The throttle counts in this process's memory instead: calls are answered, and limited.
    assert [peepl.get("contacts/").status_code for _ in range(4)] == [200, 200, 200, 429]
    login = {"username": "admin", "password": "pw-not-used-123"}
    assert backoffice.post("users/authenticate", login).status_code == 200
    assert backoffice.post("users/authenticate", {**login, "password": "wrong"}).status_code == 401
