"""The Peepl admin API's conventions: `Authorization: Token`, limit/offset pages of at most 10,
`{"detail": ...}` errors, 100 calls a minute per key. Every Peepl view derives from PeeplView."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse
from rest_framework import exceptions, generics, status
from rest_framework.response import Response
from rest_framework.views import APIView, exception_handler

from apps.api.common.authentication import ApiKeyAuthentication
from apps.api.common.errors import error_messages
from apps.api.common.pagination import FastLimitOffsetPagination
from apps.api.common.parsers import LimitedJSONParser
from apps.api.common.permissions import ModelPermissions
from apps.api.common.schema import ErrorDocs, error_responses_hook
from apps.api.common.throttling import ApiKeyRateThrottle

NOT_FOUND = {"detail": "Not found."}
# A delete answers 200 `{}` rather than an empty 204 (spec Q10): the public PHP client
# (bandagroep/peepl-php) decodes every body as an array; DRF-style clients accept either.
DELETED = {200: OpenApiResponse(OpenApiTypes.OBJECT, description="Deleted: an empty object, `{}`.")}


class PeeplTokenAuthentication(ApiKeyAuthentication):
    keyword = "Token"
    www_authenticate = "Token"


class PeeplThrottle(ApiKeyRateThrottle):
    scope = "peepl"
    rate_setting = "PEEPL_THROTTLE_RATE"


class PeeplPagination(FastLimitOffsetPagination):
    default_limit = 10
    max_limit = 10


def deleted() -> Response:
    return Response({}, status=status.HTTP_200_OK)


def peepl_exception_handler(exc, context):
    """DRF's handler, plus: domain rule violations as 400 and every 404 as `Not found.`"""
    if isinstance(exc, DjangoValidationError):
        field_map = getattr(context.get("view"), "error_field_map", None)
        fields, general = error_messages(exc, field_map)
        if fields:
            return Response(fields, status=status.HTTP_400_BAD_REQUEST)
        return Response({"detail": " ".join(general)}, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, Http404 | exceptions.NotFound):
        return Response(NOT_FOUND, status=status.HTTP_404_NOT_FOUND)
    return exception_handler(exc, context)


class PeeplView(APIView):
    """Base of every Peepl view: authentication, permission, throttle, parsers and errors."""

    authentication_classes = [PeeplTokenAuthentication]
    permission_classes = [ModelPermissions]
    throttle_classes = [PeeplThrottle]
    parser_classes = [LimitedJSONParser]
    # Domain field names -> Peepl field names, for rule violations raised by the services.
    error_field_map: dict[str, str] = {}

    def get_exception_handler(self):
        return peepl_exception_handler


class PeeplGenericView(PeeplView, generics.GenericAPIView):
    pagination_class = None  # Peepl lists are plain arrays unless the spec says "Paginated"

    def respond(self, instance, status_code=status.HTTP_200_OK, serializer_class=None):
        serializer_class = serializer_class or self.get_serializer_class()
        return Response(
            serializer_class(instance, context=self.get_serializer_context()).data, status=status_code
        )

    def validated(self, data=None, **kwargs):
        serializer = self.get_serializer(data=self.request.data if data is None else data, **kwargs)
        serializer.is_valid(raise_exception=True)
        return serializer

    def list_response(self, queryset):
        """A plain array, or a Peepl page when the view has a pagination class."""
        page = self.paginate_queryset(queryset)
        if page is not None:
            return self.get_paginated_response(self.get_serializer(page, many=True).data)
        return Response(self.get_serializer(queryset, many=True).data)


ERROR_DETAILS = {
    400: "Bad request.",
    403: "You do not have permission to perform this action.",
    404: NOT_FOUND["detail"],
    411: "A request body needs a Content-Length.",
    429: "Request was throttled.",
    500: "A server error occurred.",
}


def mount_error(request, status_code: int) -> JsonResponse:
    """Peepl's answer to an error outside its views: a path under the mount that matches no route
    (a missing trailing slash included) is a 404; see apps.api.common.mounts."""
    return JsonResponse({"detail": ERROR_DETAILS.get(status_code, "Error.")}, status=status_code)


# OpenAPI: every operation documents Peepl's error statuses with its `{"detail": ...}` body (a 400
# on a body names each bad field instead), and the throttle's 429.
ERROR_DOCS = ErrorDocs(
    component="PeeplError",
    schema={
        "type": "object",
        "description": '`{"detail": "Not found."}`; a 400 on a body maps each bad field to its '
        'messages: `{"name": ["This field is required."]}`.',
        "properties": {"detail": {"type": "string"}},
        "additionalProperties": {},
    },
    statuses={
        400: "Invalid parameters or body.",
        401: "No token, or a token that is not valid.",
        403: "The token's user lacks the permission.",
        404: "No such record (or a path without its trailing slash).",
        429: "More than the allowed calls a minute.",
    },
)
schema_hook = error_responses_hook(ERROR_DOCS)
