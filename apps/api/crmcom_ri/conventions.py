"""CRM.COM R-series conventions: a `token` parameter from the login method on every call (query
string on GET, body field on POST, form field on multipart), the `{status:{code,message,
description}, data}` envelope, and errors in the same envelope with a non-2xx HTTP status."""

import logging

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from rest_framework import authentication, exceptions, permissions, status
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.api.common.parsers import CheckedMultiPartParser, LimitedJSONParser, RequestTooLarge
from apps.api.common.schema import ErrorDocs, error_responses_hook
from apps.core.api_keys import authenticate_api_key

logger = logging.getLogger(__name__)

OK = "OK"
INVALID_TOKEN = "INVALID_TOKEN"
INVALID_CREDENTIALS = "INVALID_CREDENTIALS"
MANDATORY_PARAMETER_MISSING = "MANDATORY_PARAMETER_MISSING"
INVALID_IDENTIFIER = "INVALID_IDENTIFIER"
INVALID_PARAMETER_VALUE = "INVALID_PARAMETER_VALUE"
AMBIGUOUS_IDENTIFIER = "AMBIGUOUS_IDENTIFIER"
NOT_FOUND = "NOT_FOUND"
REFERENCED_ENTITY_NOT_FOUND = "REFERENCED_ENTITY_NOT_FOUND"
PERMISSION_DENIED = "PERMISSION_DENIED"
REQUEST_TOO_LARGE = "REQUEST_TOO_LARGE"
TOO_MANY_REQUESTS = "TOO_MANY_REQUESTS"
INTERNAL_ERROR = "INTERNAL_ERROR"

HTTP_STATUS = {
    INVALID_TOKEN: 401,
    INVALID_CREDENTIALS: 401,
    MANDATORY_PARAMETER_MISSING: 400,
    INVALID_IDENTIFIER: 400,
    INVALID_PARAMETER_VALUE: 400,
    AMBIGUOUS_IDENTIFIER: 400,
    NOT_FOUND: 404,
    REFERENCED_ENTITY_NOT_FOUND: 404,
    PERMISSION_DENIED: 403,
    REQUEST_TOO_LARGE: 413,
    TOO_MANY_REQUESTS: 429,
    INTERNAL_ERROR: 500,
}


class CrmError(exceptions.APIException):
    """An error answered in the envelope: `code` is the envelope's status code."""

    def __init__(self, code: str, message: str, description: str = ""):
        self.code = code
        self.message = message
        self.description = description
        self.status_code = HTTP_STATUS[code]
        super().__init__(message)


def envelope(data=None, code=OK, message="", description=""):
    return {"status": {"code": code, "message": message, "description": description}, "data": data}


class CrmResponse(Response):
    def __init__(self, data=None, status_code=status.HTTP_200_OK):
        super().__init__(envelope(data), status=status_code)


def error_response(code, message, description="", headers=None):
    return Response(envelope(None, code, message, description), status=HTTP_STATUS[code], headers=headers)


def crm_exception_handler(exc, context):
    if isinstance(exc, CrmError):
        return error_response(exc.code, exc.message, exc.description)
    if isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed):
        return error_response(INVALID_TOKEN, "Invalid or missing token", "token")
    if isinstance(exc, exceptions.PermissionDenied):
        return error_response(PERMISSION_DENIED, "Permission denied", str(exc.detail))
    if isinstance(exc, RequestTooLarge):
        return error_response(REQUEST_TOO_LARGE, "Request body too large")
    if isinstance(exc, exceptions.ParseError | exceptions.UnsupportedMediaType):
        return error_response(INVALID_PARAMETER_VALUE, "The request body could not be read", str(exc.detail))
    if isinstance(exc, Http404 | exceptions.NotFound):
        return error_response(NOT_FOUND, "Not found")
    if isinstance(exc, exceptions.MethodNotAllowed):
        return Response(
            envelope(None, INVALID_PARAMETER_VALUE, "Method not allowed", str(exc.detail)), status=405
        )
    if isinstance(exc, DjangoValidationError):
        return error_response(INVALID_PARAMETER_VALUE, *validation_text(exc))
    logger.exception("CRM.COM R API: unhandled error", exc_info=exc)
    return error_response(INTERNAL_ERROR, "Internal error")


def validation_text(exc: DjangoValidationError) -> tuple[str, str]:
    """(message, description) of a domain rule violation: its first message and the field."""
    if hasattr(exc, "error_dict"):
        name, errors = next(iter(exc.message_dict.items()))
        return errors[0], name
    return exc.messages[0], ""


class CrmTokenAuthentication(authentication.BaseAuthentication):
    """The `token` parameter: an API key (the login method issues one that expires)."""

    def authenticate(self, request):
        raw = request.query_params.get("token")
        if raw is None and request.method != "GET":
            data = request.data
            raw = data.get("token") if hasattr(data, "get") else None
        if raw in (None, ""):
            return None
        key = authenticate_api_key(str(raw))
        if key is None:
            raise exceptions.AuthenticationFailed()
        return key.user, key

    def authenticate_header(self, request):
        return 'Token realm="crmapi"'


class HasPermission(permissions.BasePermission):
    """The caller's Django permission named by the view's `required_permission`."""

    def has_permission(self, request, view):
        if not request.user or not request.user.is_authenticated:
            return False
        perm = getattr(view, "required_permission", None)
        return perm is None or request.user.has_perm(perm)


class CrmView(APIView):
    """Base of every CRM.COM R view."""

    authentication_classes = [CrmTokenAuthentication]
    permission_classes = [HasPermission]
    parser_classes = [LimitedJSONParser]
    renderer_classes = [JSONRenderer]
    required_permission: str | None = None

    def get_exception_handler(self):
        return crm_exception_handler

    def params(self):
        """GET parameters come in the query string, POST ones in the body (a JSON object)."""
        if self.request.method == "GET":
            return self.request.query_params
        data = self.request.data
        if not hasattr(data, "get"):
            raise CrmError(INVALID_PARAMETER_VALUE, "The request body must be a JSON object")
        return data


class PublicCrmView(CrmView):
    """The login methods: no token needed."""

    authentication_classes = []
    permission_classes = [permissions.AllowAny]

    def perform_authentication(self, request):
        request.user = AnonymousUser()


class PhotoUploadMixin:
    parser_classes = [CheckedMultiPartParser]


ERRORS = {
    400: (INVALID_PARAMETER_VALUE, "Bad request"),
    403: (PERMISSION_DENIED, "Permission denied"),
    404: (NOT_FOUND, "No such method"),
    411: (INVALID_PARAMETER_VALUE, "A request body needs a Content-Length"),
    500: (INTERNAL_ERROR, "Internal error"),
}


def mount_error(request, status_code: int) -> JsonResponse:
    """The envelope for an error outside the views, e.g. the 404 of a path under the mount that
    names no method (see apps.api.common.mounts)."""
    code, message = ERRORS.get(status_code, (INVALID_PARAMETER_VALUE, "Error"))
    return JsonResponse(envelope(None, code, message), status=status_code)


# OpenAPI: every method documents the error statuses with the `{status, data: null}` envelope.
ERROR_DOCS = ErrorDocs(
    component="CrmErrorEnvelope",
    schema={
        "type": "object",
        "required": ["data", "status"],
        "properties": {
            "status": {
                "type": "object",
                "required": ["code", "description", "message"],
                "properties": {
                    "code": {"type": "string", "description": "An error code such as `INVALID_TOKEN`."},
                    "message": {"type": "string"},
                    "description": {"type": "string"},
                },
            },
            "data": {"nullable": True, "description": "null"},
        },
    },
)
schema_hook = error_responses_hook(ERROR_DOCS)
