"""The base views every Cirrus operation derives from: authentication, permissions, JSON in and
out, the error shapes, the X-Fields mask, list pagination and filters."""

from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiParameter
from rest_framework import generics
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from apps.api.common.parsers import LimitedJSONParser
from apps.api.common.permissions import ModelPermissions
from apps.api.common.schema import ApiSchema

from .auth import BearerAuthentication, XTokenAuthentication
from .errors import CirrusError, cirrus_exception_handler, invalid
from .filters import raise_filter_errors
from .masks import MaskParseError, apply_mask, parse_mask
from .pagination import CirrusPagination


class CirrusFilterBackend(DjangoFilterBackend):
    """django-filter with Cirrus's 400s; the parsed `nearto` point is left on the view."""

    def filter_queryset(self, request, queryset, view):
        filterset = self.get_filterset(request, queryset, view)
        if filterset is None:
            return queryset
        raise_filter_errors(filterset)
        queryset = filterset.qs
        view.nearto = filterset.nearto
        return queryset


class CirrusSchema(ApiSchema):
    """Component names of Cirrus shapes start with `Cirrus` (other APIs have their own `Contact`),
    and every operation documents the `X-Fields` header."""

    def _get_serializer_name(self, serializer, direction, bypass_extensions=False):
        name = super()._get_serializer_name(serializer, direction, bypass_extensions)
        if type(serializer).__module__.startswith("apps.api.cirrus") and not name.startswith("Cirrus"):
            name = f"Cirrus{name}"
        return name

    def get_override_parameters(self):
        mask = OpenApiParameter(
            "X-Fields",
            str,
            OpenApiParameter.HEADER,
            required=False,
            description="Mask of the response fields, e.g. `{id,name,addresses{visiting}}`.",
        )
        return [*super().get_override_parameters(), mask]


class CirrusView(generics.GenericAPIView):
    """Base of every Cirrus view.

    Set `permission_model` (the model whose Django permissions the caller needs for the verb),
    `serializer_class` (the response shape) and, for lists, `filterset_class`. Views validate
    bodies with `self.body(SerializerClass)`, call a domain service with `request.user` as actor,
    and answer with `self.respond(instance)`; they never write models themselves.
    """

    schema = CirrusSchema()
    authentication_classes = [XTokenAuthentication, BearerAuthentication]
    permission_classes = [ModelPermissions]
    parser_classes = [LimitedJSONParser]
    renderer_classes = [JSONRenderer]
    filter_backends = [CirrusFilterBackend]
    pagination_class = CirrusPagination
    permission_model = None
    # Domain field names -> the doc's, for rule violations the services raise.
    error_field_map: dict[str, str] = {}
    nearto = None
    mask = None

    def get_exception_handler(self):
        return cirrus_exception_handler

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        try:
            self.mask = parse_mask(request.headers.get("X-Fields"))
        except MaskParseError as exc:
            raise CirrusError(400, f"Mask parse error: {exc}") from None

    def finalize_response(self, request, response, *args, **kwargs):
        masked = isinstance(response, Response) and response.data is not None
        if self.mask and masked and 200 <= response.status_code < 300:
            envelope = getattr(response, "cirrus_envelope", False)
            response.data = apply_mask(self.mask, response.data, envelope=envelope)
        return super().finalize_response(request, response, *args, **kwargs)

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "nearto": self.nearto}

    # --- Reading ----------------------------------------------------------------------------

    def get_object_or_404(self, queryset, pk, what: str):
        """The record with this id, or a 404 `{"message": "<what> <id> not found"}`."""
        obj = queryset.filter(pk=pk).first() if 0 < pk < 2**63 else None
        if obj is None:
            raise CirrusError(404, f"{what} {pk} not found")
        return obj

    def list_response(self, queryset=None, serializer_class=None):
        """A page of the filtered, sorted queryset in the list envelope."""
        queryset = self.filter_queryset(self.get_queryset() if queryset is None else queryset)
        page = self.paginate_queryset(queryset)
        serializer_class = serializer_class or self.get_serializer_class()
        data = serializer_class(page, many=True, context=self.get_serializer_context()).data
        return self.get_paginated_response(data)

    def respond(self, instance, status_code=200, serializer_class=None):
        serializer_class = serializer_class or self.get_serializer_class()
        return Response(
            serializer_class(instance, context=self.get_serializer_context()).data, status=status_code
        )

    # --- Writing ----------------------------------------------------------------------------

    def body(self, serializer_class, *, partial=False, **context) -> dict:
        """The request body validated by serializer_class (a 400 naming each bad field)."""
        if self.request.stream is None:
            raise invalid({"body": "A JSON object body is required."})
        data = self.request.data
        if not isinstance(data, dict):
            raise invalid({"body": f"{type(data).__name__} is not of type 'object'"})
        serializer = serializer_class(
            data=data, partial=partial, context={**self.get_serializer_context(), **context}
        )
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data
