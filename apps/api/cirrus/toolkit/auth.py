"""Who calls: `X-Token: <key>` or `Authorization: Bearer <key>`, one of our API keys either way.
The key's user is the caller ("the current user") and acts with its Django permissions."""

from apps.api.common.authentication import ApiKeyAuthentication

REALM = 'Bearer realm="cirrus"'


class XTokenAuthentication(ApiKeyAuthentication):
    """`X-Token: <key>`. A blank X-Token is no credential (the Bearer token may stand in)."""

    header = "HTTP_X_TOKEN"
    keyword = ""
    www_authenticate = REALM
    invalid_message = "The token is not valid."


class BearerAuthentication(ApiKeyAuthentication):
    """`Authorization: Bearer <key>`."""

    keyword = "Bearer"
    www_authenticate = REALM
    invalid_message = "The token is not valid."
    malformed_message = "The Authorization header must be `Bearer <token>`."
