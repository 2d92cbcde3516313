"""API-key authentication shared by every API; each API picks how the key travels."""

import hashlib
import hmac

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from rest_framework import authentication, exceptions

from apps.core.api_keys import authenticate_api_key


class ApiKeyAuthentication(authentication.BaseAuthentication):
    """`<header>: <keyword> <key>` (or the bare key when `keyword` is empty). A key acts with its
    user's Django permissions. Subclasses set the header, keyword and messages of their API."""

    header = "HTTP_AUTHORIZATION"
    keyword = "Token"
    www_authenticate = "Token"
    invalid_message = "Invalid token."
    malformed_message = "Invalid token header."

    def credential(self, request) -> str | None:
        """The raw key from the request, None when this scheme is absent. Raises on a malformed one."""
        value = request.META.get(self.header, "")
        if not value:
            return None
        if not self.keyword:
            return value.strip()
        parts = value.split()
        if not parts or parts[0].lower() != self.keyword.lower():
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(self.malformed_message)
        return parts[1]

    def authenticate(self, request):
        raw = self.credential(request)
        if raw is None:
            return None
        key = authenticate_api_key(raw)
        if key is None:
            raise exceptions.AuthenticationFailed(self.invalid_message)
        return key.user, key

    def authenticate_header(self, request):
        return self.www_authenticate


class CachedBasicAuthentication(authentication.BasicAuthentication):
    """HTTP Basic with Django users, paying the password hash (PBKDF2, ~250 ms here) once per
    `BASIC_AUTH_CACHE_SECONDS` rather than per request: a verified user name and password are
    remembered under a keyed hash of both (HMAC with SECRET_KEY; the password itself is never
    stored), with the user's id and a keyed hash of the user's stored password hash. A hit still
    reads the user (active, and the same password hash): a password change or a deactivation
    drops every remembered credential at once, in every process. While the account or the client
    address is locked out (apps.core.login_limits), nothing remembered is used: the backend refuses."""

    def authenticate_credentials(self, userid, password, request=None):
        from apps.core import login_limits

        key = _credential_key(userid, password)
        remembered = cache.get(key)
        address = login_limits.client_address(request) if request is not None else ""
        if remembered is not None and login_limits.is_locked(str(userid), address):
            remembered = None
        if remembered is not None:
            user_id, fingerprint = remembered
            user = get_user_model()._default_manager.filter(pk=user_id).first()
            if user is not None and user.is_active and _fingerprint(user) == fingerprint:
                return user, None
            cache.delete(key)
        user, auth = super().authenticate_credentials(userid, password, request)
        timeout = getattr(settings, "BASIC_AUTH_CACHE_SECONDS", 60)
        if timeout:
            cache.set(key, (user.pk, _fingerprint(user)), timeout)
        return user, auth


def _credential_key(userid: str, password: str) -> str:
    digest = hmac.new(
        settings.SECRET_KEY.encode(), f"{userid}\0{password}".encode(), hashlib.sha256
    ).hexdigest()
    return f"basic-auth:{digest}"


def _fingerprint(user) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), user.password.encode(), hashlib.sha256).hexdigest()
