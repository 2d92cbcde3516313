from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle


class ApiKeyRateThrottle(SimpleRateThrottle):
    """A sliding window of calls per API key, kept in the cache (Redis in production, so the
    count holds across processes). The rate is read from the setting named by `rate_setting` on
    every request, so it can be changed without a restart of the class."""

    scope = "api_key"
    rate_setting = ""

    def __init__(self):
        pass  # the rate is resolved per request in allow_request

    def get_rate(self):
        return getattr(settings, self.rate_setting)

    def get_cache_key(self, request, view):
        if request.auth is None or not hasattr(request.auth, "pk"):
            return None
        return f"throttle:{self.scope}:{request.auth.pk}"

    def allow_request(self, request, view):
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)
