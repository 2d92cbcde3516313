"""API-key authentication shared by every API; each API picks how the key travels."""

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
