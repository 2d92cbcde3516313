"""The base views every Cirrus operation derives from: authentication, permissions, JSON in and
out, the error shapes, the X-Fields mask, list pagination and filters (`CirrusView`); and the
shapes most resources repeat, declared instead of written again: a list with its create
(`ListCreateView`), an item with its update (`ItemView`), a bare-array lookup (`LookupView`) and
follow/unfollow (`FollowView`)."""

from django.urls import path
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import generics, status
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from apps.api.common.parsers import LimitedJSONParser
from apps.api.common.permissions import ModelPermissions
from apps.api.common.schema import ApiSchema

from .auth import BearerAuthentication, XTokenAuthentication
from .errors import CirrusError, cirrus_exception_handler, invalid
from .fields import FollowIn
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
    and every operation documents the `X-Fields` header. Declared views (ListCreateView,
    ItemView, LookupView, FollowView) document themselves from their attributes: `summaries`
    per method, `create_body`/`update_body` as request bodies."""

    def get_summary(self):
        return getattr(self.view, "summaries", {}).get(self.method.lower()) or super().get_summary()

    def get_request_serializer(self):
        body = {"POST": "create_body", "PUT": "update_body"}.get(self.method)
        if body and hasattr(self.view, body):
            return getattr(self.view, body)  # None: the operation takes no body
        return super().get_request_serializer()

    def get_response_serializers(self):
        if isinstance(self.view, FollowView):
            return {204: OpenApiResponse(description="Done; no body.")}
        return super().get_response_serializers()

    def _is_create_operation(self):
        return (
            self.method == "POST" and isinstance(self.view, ListCreateView)
        ) or super()._is_create_operation()

    def _is_list_view(self, serializer=None):
        if isinstance(self.view, ItemView):
            return False
        if self.method == "GET" and isinstance(self.view, ListCreateView | LookupView):
            return True
        # A filtered list answers the page envelope, an unpaginated one a bare array.
        filtered = getattr(self.view, "filterset_class", None) is not None
        if self.method == "GET" and "{" not in self.path and (filtered or self.view.pagination_class is None):
            return True
        return super()._is_list_view(serializer)

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
        """A page of the filtered, sorted queryset in the list envelope (a bare array of them all
        when the view has no pagination: a lookup)."""
        queryset = self.filter_queryset(self.get_queryset() if queryset is None else queryset)
        serializer_class = serializer_class or self.get_serializer_class()
        if self.paginator is None:
            return Response(serializer_class(queryset, many=True, context=self.get_serializer_context()).data)
        page = self.paginate_queryset(queryset)
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


# --- Declared views ----------------------------------------------------------------------------


class ResourceView(CirrusView):
    """Base of ListCreateView and ItemView. Set `records` (a function: the records with what the
    shape shows, prefetched; their model's permissions apply), `serializer_class` (the shape),
    `summaries` ({method: summary}), the request serializers `create_body`/`update_body`, and the
    hooks `create(data)`/`update(obj, data)` that call a domain service with `self.request.user`.
    An item view subclasses ItemView and its list view, so it shares the list's declarations."""

    records = None
    summaries: dict[str, str] = {}
    create_body = None
    update_body = None

    def get_queryset(self):
        return self.records()

    @property
    def what(self) -> str:
        """The record in 404 messages: `Lead activity 7 not found`."""
        return self.get_queryset().model._meta.verbose_name.capitalize()

    def create(self, data: dict):
        raise NotImplementedError

    def update(self, obj, data: dict) -> None:
        raise NotImplementedError

    def respond_record(self, obj, status_code=200):
        """The record as stored now, in the response shape."""
        return self.respond(self.get_queryset().get(pk=obj.pk), status_code)


class ListCreateView(ResourceView):
    """GET: a page of the filtered, sorted records; POST: create one (201 with it)."""

    def get(self, request):
        return self.list_response()

    def post(self, request):
        return self.respond_record(self.create(self.body(self.create_body)), status.HTTP_201_CREATED)


class ItemView(ResourceView):
    """GET: the record (404 when unknown); PUT: change the fields sent (200 with it)."""

    http_method_names = ["get", "put", "head", "options"]

    def get(self, request, id):
        return self.respond(self.get_object_or_404(self.get_queryset(), id, self.what))

    def put(self, request, id):
        obj = self.get_object_or_404(self.get_queryset().model._default_manager.all(), id, self.what)
        self.update(obj, self.body(self.update_body, partial=True))
        return self.respond_record(obj)


class RecordList(ListCreateView):
    """A list of plain records (lookups with write operations): POST builds the model from the
    body through `fields` (a FieldMap, doc names -> model fields) and stores it with `save`
    (a domain function (actor, record) -> record)."""

    fields = None
    save = None

    def create(self, data: dict):
        record = self.get_queryset().model(**self.fields.changes(data))
        return type(self).save(self.request.user, record)


class RecordDetail(ItemView):
    """The item of a RecordList (subclass both): PUT sets the fields sent and calls `save`."""

    def update(self, obj, data: dict) -> None:
        for name, value in self.fields.changes(data).items():
            setattr(obj, name, value)
        type(self).save(self.request.user, obj)


class LookupView(CirrusView):
    """A bare array of reference rows (spec §1.4), as configured: `permission_model`,
    `serializer_class`, `queryset` (in its order), `summaries`."""

    pagination_class = None
    queryset = None
    summaries: dict[str, str] = {}

    def get(self, request):
        return self.list_response()


class ChangePermissions(ModelPermissions):
    """A POST that changes a record (following it): the change permission."""

    perms_map = {**ModelPermissions.perms_map, "POST": ModelPermissions.perms_map["PUT"]}


class FollowView(CirrusView):
    """`POST .../follow` and `.../unfollow`, body `{key, userid}`: idempotent, 204. Configure
    `permission_model`, `records` (a callable: the records `key` may name), `what` (for the 400),
    and `service` (the domain function (actor, record, user) that follows or unfollows)."""

    permission_classes = [ChangePermissions]
    serializer_class = None
    create_body = FollowIn
    records = None
    what = "record"
    service = None
    summaries: dict[str, str] = {}

    def post(self, request):
        data = self.body(self.create_body)
        record = self.records().filter(pk=data["key"]).first()
        if record is None:
            raise invalid({"key": f"No {self.what} with id {data['key']}."})
        self.service(request.user, record, data["userid"])
        return Response(status=status.HTTP_204_NO_CONTENT)


def follow_routes(collection: str, *, services, summaries, **config) -> list:
    """The `<collection>/follow` and `<collection>/unfollow` routes: `services` and `summaries`
    are (follow, unfollow) pairs; `config` the FollowView's other attributes."""
    return [
        path(
            f"{collection}/{action}",
            FollowView.as_view(service=service, summaries={"post": summary}, **config),
        )
        for action, service, summary in zip(("follow", "unfollow"), services, summaries, strict=True)
    ]
