"""The cache backend: Redis, and this process's memory while Redis cannot be reached.

Django's Redis backend raises on a connection error, so a Redis that is down would make every
call that touches the cache a 500 (the API throttles count calls there). This backend answers
from a local-memory cache instead, logs a warning, and tries Redis again after
`FALLBACK_RETRY_AFTER` seconds (5; a key of the CACHES entry). While Redis is down, a throttle
counts per process instead of across processes, and nothing cached in Redis is read; once Redis
answers again, the local copy is dropped and Redis is used alone.
"""

import logging
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError, TimeoutError

logger = logging.getLogger(__name__)


class FallbackRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self.retry_after = float(params.get("FALLBACK_RETRY_AFTER", 5))
        self.local = LocMemCache(f"redis-fallback-{id(self)}", {**params, "OPTIONS": {}})
        self.down_until = None  # monotonic time until which Redis is not tried; None: Redis is up

    def _call(self, name, *args, **kwargs):
        if self.down_until is None or time.monotonic() >= self.down_until:
            try:
                result = getattr(super(), name)(*args, **kwargs)
            except (ConnectionError, TimeoutError) as exc:
                logger.warning(
                    "Cache: Redis unreachable (%s); this process uses its own memory for %g s.",
                    exc,
                    self.retry_after,
                )
                self.down_until = time.monotonic() + self.retry_after
            else:
                if self.down_until is not None:
                    logger.warning("Cache: Redis answers again.")
                    self.down_until = None
                    self.local.clear()
                return result
        return getattr(self.local, name)(*args, **kwargs)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("add", key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self._call("get", key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set", key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("touch", key, timeout, version)

    def delete(self, key, version=None):
        return self._call("delete", key, version)

    def get_many(self, keys, version=None):
        return self._call("get_many", keys, version)

    def has_key(self, key, version=None):
        return self._call("has_key", key, version)

    def incr(self, key, delta=1, version=None):
        return self._call("incr", key, delta, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set_many", data, timeout, version)

    def delete_many(self, keys, version=None):
        return self._call("delete_many", keys, version)

    def clear(self):
        return self._call("clear")
