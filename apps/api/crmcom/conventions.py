"""CRM.COM Back-Office v2 conventions: an `api_key` header or `authorization: Bearer <JWT>` on
every call, `{content, paging}` lists with sort/order/page/size, `{status, message, error,
parameters}` errors with CRM.COM's `CRM.EXCEPTIONS.*` codes, JSON or flat form bodies, and 425 for
a non-safe request sent as TLS early data. Every view derives from CrmcomView."""

import logging

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from rest_framework import exceptions, permissions, status
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.throttling import SimpleRateThrottle
from rest_framework.views import APIView

from apps.api.common.authentication import ApiKeyAuthentication
from apps.api.common.errors import error_messages
from apps.api.common.parsers import CheckedFormParser, LimitedJSONParser, RequestTooLarge
from apps.api.common.permissions import ModelPermissions
from apps.api.common.schema import ErrorDocs, error_responses_hook
from apps.core.login_limits import client_address

from .tokens import user_for_token

logger = logging.getLogger(__name__)

BAD_REQUEST = "CRM.EXCEPTIONS.BADREQUESTEXCEPTION"
UNAUTHORIZED = "CRM.EXCEPTIONS.UNAUTHORIZEDEXCEPTION"
FORBIDDEN = "CRM.EXCEPTIONS.FORBIDDENEXCEPTION"
NOT_FOUND = "CRM.EXCEPTIONS.NOTFOUNDEXCEPTION"
METHOD_NOT_ALLOWED = "CRM.EXCEPTIONS.METHODNOTALLOWEDEXCEPTION"
PAYLOAD_TOO_LARGE = "CRM.EXCEPTIONS.PAYLOADTOOLARGEEXCEPTION"
UNSUPPORTED_MEDIA_TYPE = "CRM.EXCEPTIONS.UNSUPPORTEDMEDIATYPEEXCEPTION"
TOO_EARLY = "CRM.EXCEPTIONS.TOOEARLYEXCEPTION"
TOO_MANY_REQUESTS = "CRM.EXCEPTIONS.TOOMANYREQUESTSEXCEPTION"
INTERNAL = "CRM.EXCEPTIONS.INTERNALSERVEREXCEPTION"


def envelope(status_code: int, error: str, message: str, parameters=()) -> dict:
    return {
        "status": status_code,
        "message": message,
        "error": error,
        "parameters": [str(p) for p in parameters],
    }


class CrmcomError(exceptions.APIException):
    """An error answered in CRM.COM's envelope."""

    def __init__(self, status_code: int, error: str, message: str, parameters=()):
        self.status_code = status_code
        self.error = error
        self.message = message
        self.parameters = list(parameters)
        super().__init__(message)


def not_found(entity: str, identifier) -> CrmcomError:
    return CrmcomError(
        404, NOT_FOUND, "Record not found.", [entity, "" if identifier is None else identifier]
    )


def bad_request(message: str, *parameters) -> CrmcomError:
    return CrmcomError(400, BAD_REQUEST, message, parameters)


def _flatten(detail, prefix="") -> list[tuple[str, str]]:
    """DRF error detail -> [(dotted field, first message)]."""
    if isinstance(detail, dict):
        found = []
        for key, value in detail.items():
            name = prefix if key == "non_field_errors" else (f"{prefix}.{key}" if prefix else str(key))
            found.extend(_flatten(value, name))
        return found
    if isinstance(detail, list):
        found = []
        for item in detail:
            if isinstance(item, dict | list):
                found.extend(_flatten(item, prefix))
            else:
                found.append((prefix, str(item)))
        return found
    return [(prefix, str(detail))]


def _bad_request_response(pairs: list[tuple[str, str]]) -> Response:
    fields = list(dict.fromkeys(name for name, _message in pairs if name))
    first_name, first_message = pairs[0] if pairs else ("", "Bad request.")
    message = f"{first_name}: {first_message}" if first_name else first_message
    return Response(envelope(400, BAD_REQUEST, message, fields), status=400)


def crmcom_exception_handler(exc, context):
    view = context.get("view")
    if isinstance(exc, CrmcomError):
        return Response(
            envelope(exc.status_code, exc.error, exc.message, exc.parameters), status=exc.status_code
        )
    if isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed):
        return Response(
            envelope(401, UNAUTHORIZED, "Unauthorized."),
            status=401,
            headers={"WWW-Authenticate": 'Bearer realm="backoffice"'},
        )
    if isinstance(exc, exceptions.PermissionDenied):
        return Response(envelope(403, FORBIDDEN, "Forbidden."), status=403)
    if isinstance(exc, exceptions.ValidationError):
        return _bad_request_response(_flatten(exc.detail))
    if isinstance(exc, DjangoValidationError):
        fields, general = error_messages(exc, getattr(view, "error_field_map", None))
        pairs = [(name, messages[0]) for name, messages in fields.items()] + [("", m) for m in general]
        return _bad_request_response(pairs)
    if isinstance(exc, Http404 | exceptions.NotFound):
        return Response(envelope(404, NOT_FOUND, "Record not found."), status=404)
    if isinstance(exc, exceptions.MethodNotAllowed):
        return Response(envelope(405, METHOD_NOT_ALLOWED, str(exc.detail)), status=405)
    if isinstance(exc, RequestTooLarge):
        return Response(envelope(413, PAYLOAD_TOO_LARGE, "Request body too large."), status=413)
    if isinstance(exc, exceptions.UnsupportedMediaType):
        return Response(envelope(415, UNSUPPORTED_MEDIA_TYPE, str(exc.detail)), status=415)
    if isinstance(exc, exceptions.ParseError):
        return Response(
            envelope(400, BAD_REQUEST, f"The request body could not be read: {exc.detail}"), status=400
        )
    if isinstance(exc, exceptions.Throttled):
        headers = {"Retry-After": str(int(exc.wait))} if exc.wait is not None else {}
        return Response(envelope(429, TOO_MANY_REQUESTS, "Too many requests."), status=429, headers=headers)
    if isinstance(exc, exceptions.APIException):
        return Response(envelope(exc.status_code, BAD_REQUEST, str(exc.detail)), status=exc.status_code)
    logger.exception("CRM.COM Back-Office API: unhandled error", exc_info=exc)
    return Response(envelope(500, INTERNAL, "Internal server error."), status=500)


class ApiKeyHeaderAuthentication(ApiKeyAuthentication):
    """`api_key: <key>`, one of our API keys. WSGI maps `api-key` to the same variable, which is how
    the key gets past servers that drop header names with underscores."""

    header = "HTTP_API_KEY"
    keyword = ""
    www_authenticate = 'Bearer realm="backoffice"'
    invalid_message = "Unauthorized."


class JwtAuthentication:
    """`authorization: Bearer <JWT>` (or the bare JWT) issued by the login operation."""

    def authenticate(self, request):
        value = request.META.get("HTTP_AUTHORIZATION", "").strip()
        if not value:
            return None
        scheme, _, rest = value.partition(" ")
        token = rest.strip() if scheme.lower() == "bearer" else value
        user, claims = user_for_token(token)
        if user is None:
            raise exceptions.AuthenticationFailed("Unauthorized.")
        return user, claims

    def authenticate_header(self, request):
        return 'Bearer realm="backoffice"'


class CrmcomPermissions(ModelPermissions):
    """The caller's model permissions for the view's `permission_model` (for the request's method,
    or the view's `permission_method`), plus its `extra_permissions`."""

    def has_permission(self, request, view):
        if not request.user or not request.user.is_authenticated:
            return False
        perms = list(getattr(view, "extra_permissions", ()))
        model = getattr(view, "permission_model", None)
        if model is not None:
            method = getattr(view, "permission_method", None) or request.method
            perms += self.get_required_permissions(method, model._meta.concrete_model)
        return request.user.has_perms(perms)


class FlatFormParser(CheckedFormParser):
    """Form-encoded bodies: flat objects only (nested objects and arrays need JSON)."""

    def parse(self, stream, media_type=None, parser_context=None):
        data = super().parse(stream, media_type, parser_context)
        return {key: data.get(key) for key in data}


class CrmcomView(APIView):
    """Base of every Back-Office v2 view."""

    authentication_classes = [ApiKeyHeaderAuthentication, JwtAuthentication]
    permission_classes = [CrmcomPermissions]
    parser_classes = [LimitedJSONParser, FlatFormParser]
    renderer_classes = [JSONRenderer]
    permission_model = None
    extra_permissions: tuple[str, ...] = ()
    # Domain field names -> this API's, for rule violations raised by the services.
    error_field_map: dict[str, str] = {}

    def get_exception_handler(self):
        return crmcom_exception_handler

    def initial(self, request, *args, **kwargs):
        # RFC 8470: a request that is not safe to replay must not be answered from early data.
        if request.method not in permissions.SAFE_METHODS and request.META.get("HTTP_EARLY_DATA") == "1":
            raise CrmcomError(425, TOO_EARLY, "Too early.")
        super().initial(request, *args, **kwargs)

    def body(self) -> dict:
        """The request body as a plain dict (a JSON object or flat form)."""
        data = self.request.data
        if not isinstance(data, dict):
            raise bad_request("The request body must be a JSON object.")
        return data

    def validated(self, serializer_class, data=None, **context):
        serializer = serializer_class(data=self.body() if data is None else data, context=context)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data


class LoginThrottle(SimpleRateThrottle):
    """Login attempts per user name (and per client address), kept in the cache."""

    scope = "crmcom-login"

    def get_rate(self):
        from django.conf import settings

        return settings.CRMCOM_LOGIN_THROTTLE_RATE

    def get_ident(self, request):
        return client_address(request)  # never a client-sent X-Forwarded-For on its own

    def get_cache_key(self, request, view):
        username = request.data.get("username") if isinstance(request.data, dict) else None
        ident = f"{self.get_ident(request)}:{str(username or '')[:150].lower()}"
        return self.cache_format % {"scope": self.scope, "ident": ident}


def respond(data, status_code=status.HTTP_200_OK) -> Response:
    return Response(data, status=status_code)


def created_id(obj, status_code=status.HTTP_200_OK) -> Response:
    return Response({"id": str(obj.uuid)}, status=status_code)


ERRORS = {
    400: (BAD_REQUEST, "Bad request."),
    403: (FORBIDDEN, "Forbidden."),
    404: (NOT_FOUND, "Record not found."),
    411: (BAD_REQUEST, "A request body needs a Content-Length."),
    500: (INTERNAL, "Internal server error."),
}


def mount_error(request, status_code: int) -> JsonResponse:
    """The envelope for an error outside the views, e.g. the 404 of a path under the mount that
    names no operation (see apps.api.common.mounts)."""
    error, message = ERRORS.get(status_code, (BAD_REQUEST, "Error."))
    return JsonResponse(envelope(status_code, error, message), status=status_code)


# OpenAPI: every operation documents the Back-Office's error statuses with its error body.
ERROR_DOCS = ErrorDocs(
    component="V2Error",
    schema={
        "type": "object",
        "required": ["error", "message", "parameters", "status"],
        "properties": {
            "status": {"type": "integer", "description": "The HTTP status."},
            "message": {"type": "string"},
            "error": {"type": "string", "description": "e.g. CRM.EXCEPTIONS.NOTFOUNDEXCEPTION"},
            "parameters": {"type": "array", "items": {"type": "string"}},
        },
    },
)
schema_hook = error_responses_hook(ERROR_DOCS)
