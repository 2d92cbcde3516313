"""Cirrus's error bodies (Flask-RESTPlus style): `{"message"}`, plus `errors` keyed by field or
query parameter on a 400. Every exception a Cirrus view raises ends up here."""

import logging

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from rest_framework import exceptions, status
from rest_framework.response import Response

from apps.api.common.errors import error_messages
from apps.api.common.parsers import RequestTooLarge
from apps.api.common.schema import ErrorDocs, error_responses_hook, optional_response_fields

logger = logging.getLogger(__name__)

VALIDATION_FAILED = "Input payload validation failed"
NOT_FOUND = "The requested URL was not found on the server."
METHOD_NOT_ALLOWED = "The method is not allowed for the requested URL."
UNAUTHORIZED = "A valid X-Token header or Bearer token is required."
FORBIDDEN = "You don't have the permission to access the requested resource."
BAD_REQUEST = "The browser (or proxy) sent a request that this server could not understand."
INTERNAL_ERROR = "Internal server error."


class CirrusError(exceptions.APIException):
    """An answer in Cirrus's error shape: `{"message": ..., ["errors": {...}]}`."""

    def __init__(self, status_code: int, message: str, errors: dict | None = None):
        self.status_code = status_code
        self.message = message
        self.errors = errors
        super().__init__(message)

    def body(self) -> dict:
        return (
            {"message": self.message}
            if self.errors is None
            else {"message": self.message, "errors": self.errors}
        )


def invalid(errors: dict[str, str]) -> CirrusError:
    """400 for a body field or query parameter: `errors` maps its name to the reason."""
    return CirrusError(status.HTTP_400_BAD_REQUEST, VALIDATION_FAILED, errors)


def not_found(what: str) -> CirrusError:
    """404 for an unknown path id, e.g. not_found("Account 7")."""
    return CirrusError(status.HTTP_404_NOT_FOUND, f"{what} not found")


def flatten(detail, prefix: str = "") -> dict[str, str]:
    """DRF's nested error detail -> {"dotted.name": "first message"}."""
    found: dict[str, str] = {}
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = (
                prefix
                if key in ("non_field_errors", "__all__")
                else (f"{prefix}.{key}" if prefix else str(key))
            )
            for sub, message in flatten(value, name).items():
                found.setdefault(sub, message)
    elif isinstance(detail, list):
        for index, item in enumerate(detail):
            if isinstance(item, dict):
                sub = flatten(item, f"{prefix}.{index}" if prefix else str(index))
            elif isinstance(item, list):
                sub = flatten(item, prefix)
            else:
                sub = {prefix or "body": str(item)}
            for name, message in sub.items():
                found.setdefault(name, message)
    else:
        found[prefix or "body"] = str(detail)
    return found


def cirrus_exception_handler(exc, context):
    view = context.get("view")
    if isinstance(exc, CirrusError):
        return Response(exc.body(), status=exc.status_code)
    if isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed):
        message = UNAUTHORIZED if isinstance(exc, exceptions.NotAuthenticated) else str(exc.detail)
        return Response(
            {"message": message}, status=401, headers={"WWW-Authenticate": 'Bearer realm="cirrus"'}
        )
    if isinstance(exc, exceptions.PermissionDenied):
        return Response({"message": FORBIDDEN}, status=403)
    if isinstance(exc, DjangoPermissionDenied):  # a domain rule about who may do it
        return Response({"message": str(exc) or FORBIDDEN}, status=403)
    if isinstance(exc, exceptions.ValidationError):
        return Response({"message": VALIDATION_FAILED, "errors": flatten(exc.detail)}, status=400)
    if isinstance(exc, DjangoValidationError):
        # a domain rule: its field names become this API's through the view's error_field_map
        fields, general = error_messages(exc, getattr(view, "error_field_map", None))
        errors = {name: messages[0] for name, messages in fields.items()}
        if general and not errors:
            return Response({"message": " ".join(general)}, status=400)
        return Response({"message": VALIDATION_FAILED, "errors": errors}, status=400)
    if isinstance(exc, Http404 | exceptions.NotFound):
        return Response({"message": NOT_FOUND}, status=404)
    if isinstance(exc, exceptions.MethodNotAllowed):
        return Response({"message": METHOD_NOT_ALLOWED}, status=405)
    if isinstance(exc, RequestTooLarge):
        return Response({"message": "The request body is too large."}, status=413)
    if isinstance(exc, exceptions.UnsupportedMediaType | exceptions.ParseError):
        return Response({"message": f"The request body must be a JSON object: {exc.detail}"}, status=400)
    if isinstance(exc, exceptions.Throttled):
        headers = {"Retry-After": str(int(exc.wait))} if exc.wait is not None else {}
        return Response({"message": "Too many requests."}, status=429, headers=headers)
    if isinstance(exc, exceptions.APIException):
        return Response({"message": str(exc.detail)}, status=exc.status_code)
    logger.exception("Cirrus API: unhandled error", exc_info=exc)
    return Response({"message": INTERNAL_ERROR}, status=500)


ERROR_MESSAGES = {
    400: BAD_REQUEST,
    403: FORBIDDEN,
    404: NOT_FOUND,
    411: "A request body needs a Content-Length.",
    500: INTERNAL_ERROR,
}


def mount_error(request, status_code: int) -> JsonResponse:
    """Cirrus's answer to an error outside its views, e.g. the 404 of a path under the mount that
    names no operation (see apps.api.common.mounts)."""
    return JsonResponse({"message": ERROR_MESSAGES.get(status_code, "Error.")}, status=status_code)


# OpenAPI: every operation documents Cirrus's error statuses with its `{message, errors}` body.
ERROR_DOCS = ErrorDocs(
    component="CirrusError",
    schema={
        "type": "object",
        "required": ["message"],
        "properties": {
            "message": {"type": "string"},
            "errors": {
                "type": "object",
                "description": "On a 400: the reason by body field or query parameter.",
                "additionalProperties": {"type": "string"},
            },
        },
    },
)
_document_errors = error_responses_hook(ERROR_DOCS)


def schema_hook(result, generator, request, public):
    """Cirrus's OpenAPI postprocessing: its error bodies on every operation, and no response field
    required (the `X-Fields` header may mask any of them out)."""
    return optional_response_fields(_document_errors(result, generator, request, public))
