"""Peepl admin API views for activities, their attendance, attachments, products and product
prices (operations #54-#80): translate between the wire format and the sales and content
services. Lists are plain arrays (Q19) at a fixed number of queries.

Types and paths: an activity is created under its type's path (`/activities/internal/`...; a
`type` in the body must agree); its detail is read under its type's path only (another type's
path answers 404); edit and delete take any type at `/activities/{id}/`. Sessions are read-only.
The lists show every activity of the shared table, so the CRM tasks Cirrus and CRM.COM write are
here too, with `type: "task"` (beyond Peepl's own five types; they have no typed path)."""

import datetime

from django.db.models import F, Prefetch
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, status

from apps.sales import services
from apps.sales.models import Activity, Attendance, Product, ProductPrice

from . import activity_serializers as s
from .content_views import AttachmentDetailBase, AttachmentListBase, BaseView
from .conventions import DELETED, deleted


class BadRequest(exceptions.APIException):
    status_code = status.HTTP_400_BAD_REQUEST
    default_detail = "Bad request."
    default_code = "bad_request"


# Domain field names -> Peepl's, for rule violations raised by the services.
ACTIVITY_FIELD_MAP = {"start": "start_date", "end": "end_date", "kind": "type"}


def parse_date(raw: str) -> datetime.date:
    """Q6: `yyyymmdd` or `YYYY-MM-DD`."""
    try:
        if len(raw) == 8 and raw.isdigit():
            return datetime.date(int(raw[:4]), int(raw[4:6]), int(raw[6:8]))
        if len(raw) == 10:
            return datetime.date.fromisoformat(raw)
    except ValueError:
        pass
    raise BadRequest("Invalid date.")


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))


def peepl_activities():
    """Every activity: Peepl's kinds and the CRM tasks (one table, seen from every API)."""
    return Activity.objects.all()


def in_range(queryset, since=None, before=None):
    """Start on or after `since`; end (or start, without an end) on or before `before`. Both
    inclusive, on the date in the account's time zone."""
    if since and before and before < since:
        raise BadRequest("End date must not be before start date.")
    if since:
        queryset = queryset.filter(start__gte=_day_start(since))
    if before:
        queryset = queryset.annotate(ends=Coalesce(F("end"), F("start"))).filter(
            ends__lt=_day_start(before + datetime.timedelta(days=1))
        )
    return queryset.order_by("start", "id")


class ActivityMixin:
    error_field_map = ACTIVITY_FIELD_MAP

    def get_activity(self, pk) -> Activity:
        return get_object_or_404(peepl_activities(), pk=pk)


# --- Activities (#54-#68) -------------------------------------------------------------------


class ActivityList(ActivityMixin, BaseView):
    serializer_class = s.ActivitySerializer
    permission_model = Activity

    @extend_schema(
        parameters=[
            OpenApiParameter("start_date", str, description="yyyymmdd or YYYY-MM-DD: starting on or after."),
            OpenApiParameter("end_date", str, description="yyyymmdd or YYYY-MM-DD: ending on or before."),
        ],
        responses=s.ActivitySerializer(many=True),
    )
    def get(self, request):
        """#54 Get all activities (plain array, by start). Also `?start_date=&end_date=` (Q6)."""
        params = request.query_params
        since = parse_date(params["start_date"]) if params.get("start_date") else None
        before = parse_date(params["end_date"]) if params.get("end_date") else None
        return self.list_response(in_range(peepl_activities(), since, before))


class ActivityCreate(ActivityMixin, BaseView):
    """POST /activities/{type}/: the route sets `kind`."""

    serializer_class = s.ActivitySerializer
    permission_model = Activity
    kind = Activity.Kind.INTERNAL

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "kind": self.kind}

    @extend_schema(responses={201: s.ActivitySerializer})
    def post(self, request):
        """#55-#58 Add an internal / external activity, an announcement (alias `annoucement`) or
        a sale; a `type` in the body must match the path."""
        serializer = self.validated()
        activity = services.create_activity(request.user, kind=self.kind, **serializer.to_service_kwargs())
        return self.respond(activity, status.HTTP_201_CREATED)


class ActivityRange(ActivityMixin, BaseView):
    """#59-#61: since a date, before a date, between two dates (the route names which)."""

    serializer_class = s.ActivitySerializer
    permission_model = Activity

    @extend_schema(responses=s.ActivitySerializer(many=True))
    def get(self, request, since=None, before=None):
        """#59-#61 Activities starting since a date, ending before a date, or between two
        (`yyyymmdd` or `YYYY-MM-DD`)."""
        since = parse_date(since) if since is not None else None
        before = parse_date(before) if before is not None else None
        return self.list_response(in_range(peepl_activities(), since, before))


class ActivityDetail(ActivityMixin, BaseView):
    """#62-#63: edit or delete an activity of any type."""

    serializer_class = s.ActivitySerializer
    permission_model = Activity

    def put(self, request, pk):
        """#62 Edit general info for an activity of any type (the type cannot change)."""
        activity = self.get_activity(pk)
        serializer = self.get_serializer(
            data=request.data, context={**self.get_serializer_context(), "instance_kind": activity.kind}
        )
        serializer.is_valid(raise_exception=True)
        activity = services.update_activity(request.user, activity, **serializer.to_service_kwargs())
        return self.respond(activity)

    @extend_schema(responses=DELETED)
    def delete(self, request, pk):
        """#63 Delete an activity with its sessions, attendance, products, prices and attachments."""
        services.delete_activity(request.user, self.get_activity(pk))
        return deleted()


class TypedActivityDetail(ActivityMixin, BaseView):
    """#64-#68: an activity's details under its own type's path."""

    serializer_class = s.ActivitySerializer
    permission_model = Activity
    kind = Activity.Kind.INTERNAL

    def get_serializer_class(self):
        return s.SaleDetailSerializer if self.kind == Activity.Kind.SALE else s.ActivitySerializer

    def get(self, request, pk):
        """#64-#68 Details of an internal / external activity, a sale (with products and prices),
        an announcement or a session; another type answers 404."""
        activities = peepl_activities().filter(kind=self.kind)
        if self.kind == Activity.Kind.SALE:
            activities = activities.prefetch_related(
                Prefetch(
                    "products",
                    queryset=Product.objects.order_by("id").prefetch_related(
                        Prefetch("prices", queryset=ProductPrice.objects.order_by("id"))
                    ),
                )
            )
        return self.respond(get_object_or_404(activities, pk=pk))


# --- Attendance (#69) -----------------------------------------------------------------------


class AttendanceList(ActivityMixin, BaseView):
    serializer_class = s.AttendanceSerializer
    permission_model = Attendance

    @extend_schema(responses=s.AttendanceSerializer(many=True))
    def get(self, request, pk):
        """#69 Attendance list for an activity."""
        activity = self.get_activity(pk)
        return self.list_response(activity.attendances.select_related("party").order_by("id"))


# --- Attachments (#70-#72) ------------------------------------------------------------------


class ActivityAttachmentList(ActivityMixin, AttachmentListBase):
    def get_owner(self, pk):
        return self.get_activity(pk)

    @extend_schema(responses=AttachmentListBase.serializer_class(many=True))
    def get(self, request, pk):
        """#70 All attachments of an activity."""
        return self.list_attachments(pk)

    @extend_schema(responses={201: AttachmentListBase.serializer_class})
    def post(self, request, pk):
        """#72 Add an attachment (multipart `file`, or JSON with `file` in base64; optional `name`)."""
        return self.add_attachment(pk)


class ActivityAttachmentDetail(ActivityMixin, AttachmentDetailBase):
    def get_owner(self, pk):
        return self.get_activity(pk)

    @extend_schema(responses=DELETED)
    def delete(self, request, pk, attachment_id):
        """#71 Delete an attachment from an activity."""
        return self.delete_attachment(pk, attachment_id)


# --- Products and prices (#73-#80) ----------------------------------------------------------


def products_with_prices(activity):
    return activity.products.order_by("id").prefetch_related(
        Prefetch("prices", queryset=ProductPrice.objects.order_by("id"))
    )


class ProductMixin(ActivityMixin):
    def get_product(self, pk, product_id) -> Product:
        return get_object_or_404(Product, pk=product_id, activity=self.get_activity(pk))


class ProductList(ActivityMixin, BaseView):
    serializer_class = s.ProductSerializer
    permission_model = Product

    @extend_schema(responses=s.ProductSerializer(many=True))
    def get(self, request, pk):
        """#73 Products of an activity, with their prices per group."""
        return self.list_response(products_with_prices(self.get_activity(pk)))

    @extend_schema(responses={201: s.ProductSerializer})
    def post(self, request, pk):
        """#74 Add a product."""
        activity = self.get_activity(pk)
        data = self.validated().validated_data
        return self.respond(services.create_product(request.user, activity, **data), status.HTTP_201_CREATED)


class ProductDetail(ProductMixin, BaseView):
    serializer_class = s.ProductSerializer
    permission_model = Product

    def put(self, request, pk, product_id):
        """#75 Edit a product."""
        product = self.get_product(pk, product_id)
        data = self.validated().validated_data
        services.update_product(request.user, product, **data)
        return self.respond(products_with_prices(product.activity).get(pk=product.pk))

    @extend_schema(responses=DELETED)
    def delete(self, request, pk, product_id):
        """#76 Delete a product and its prices."""
        services.delete_product(request.user, self.get_product(pk, product_id))
        return deleted()


class ActivityProductPriceList(ActivityMixin, BaseView):
    """#77: the prices per group of every product of the activity."""

    serializer_class = s.ProductPriceSerializer
    permission_model = ProductPrice

    @extend_schema(responses=s.ProductPriceSerializer(many=True))
    def get(self, request, pk):
        """#77 Product prices per group for every product of the activity."""
        activity = self.get_activity(pk)
        return self.list_response(ProductPrice.objects.filter(product__activity=activity).order_by("id"))


class ProductPriceList(ProductMixin, BaseView):
    serializer_class = s.ProductPriceSerializer
    permission_model = ProductPrice

    @extend_schema(responses={201: s.ProductPriceSerializer})
    def post(self, request, pk, product_id):
        """#78 Add a product price for a group (one per product and group)."""
        product = self.get_product(pk, product_id)
        data = self.validated().validated_data
        price = services.create_product_price(request.user, product, **data)
        return self.respond(price, status.HTTP_201_CREATED)


class ProductPriceDetail(ProductMixin, BaseView):
    serializer_class = s.ProductPriceSerializer
    permission_model = ProductPrice

    def get_price(self, pk, product_id, price_id) -> ProductPrice:
        product = self.get_product(pk, product_id)
        return get_object_or_404(
            ProductPrice.objects.select_related("product__activity"), pk=price_id, product=product
        )

    def put(self, request, pk, product_id, price_id):
        """#79 Update a product price."""
        product_price = self.get_price(pk, product_id, price_id)
        data = self.validated().validated_data
        return self.respond(services.update_product_price(request.user, product_price, **data))

    @extend_schema(responses=DELETED)
    def delete(self, request, pk, product_id, price_id):
        """#80 Delete a product price."""
        services.delete_product_price(request.user, self.get_price(pk, product_id, price_id))
        return deleted()
