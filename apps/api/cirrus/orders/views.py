"""Orders with their rows (O104-O107), order types (P2-001-P2-004) and order statuses
(P2-044-P2-047). Writes go through apps.sales.services_orders with the caller as actor: it
computes every total. Lists read a fixed number of queries whatever the page size and mask: rows,
their articles, units, price lists (with prices) and tags are prefetched for the whole page."""

from django.db.models import Prefetch

from apps.sales import services_orders
from apps.sales.models import Order, OrderRow, OrderStatus, OrderType

from .. import fragments as f
from ..prices.views import price_lists
from ..toolkit.views import ItemView, ListCreateView, RecordDetail, RecordList
from . import serializers as s
from .filters import OrderFilter, OrderStatusFilter, OrderTypeFilter


def document_rows(model):
    """Rows of orders or quotes with what a row shows, prefetched."""
    return (
        model.objects.select_related("article", "article_unit", "price_group__unit")
        .prefetch_related(Prefetch("price_list", queryset=price_lists()), "tags")
        .order_by("sort_order", "id")
    )


def document_prefetches() -> list:
    """What an order and a quote show besides their own columns and rows."""
    return [
        *f.listed_account_prefetches("account__"),
        *f.listed_contact_prefetches("contact__"),
        *f.listed_account_prefetches("opportunity__account__"),
        Prefetch("price_list", queryset=price_lists()),
        "tags",
    ]


def orders():
    """Orders with everything an Order shows, its rows included."""
    return Order.objects.select_related(
        "account",
        "contact",
        "status",
        "order_type",
        "delivery_term",
        "payment_term",
        "delivery_type",
        *f.user_paths("user"),
        *f.user_paths("user2"),
        *f.listed_opportunity_paths("opportunity"),
    ).prefetch_related(*document_prefetches(), Prefetch("rows", queryset=document_rows(OrderRow)))


class OrderList(ListCreateView):
    records = staticmethod(orders)
    serializer_class = s.OrderSerializer
    error_field_map = {**s.ORDER.errors, "rows": "rows"}
    filterset_class = OrderFilter
    create_body = s.OrderIn
    summaries = {"get": "Returns a paginated list of orders (O105)", "post": "Creates a new order (O104)"}

    def create(self, data):
        return services_orders.create_order(self.request.user, **s.order_changes(data))


class OrderDetail(ItemView, OrderList):
    update_body = s.OrderUpdateIn
    summaries = {
        "get": "Returns an order (O107)",
        "put": "Updates an order (O106): the fields sent change; `rows` replaces its rows",
    }

    def update(self, order, data):
        services_orders.update_order(self.request.user, order, **s.order_changes(data))


class OrderTypeList(RecordList):
    records = OrderType.objects.all
    serializer_class = s.OrderTypeSerializer
    error_field_map = s.ORDER_TYPE.errors
    filterset_class = OrderTypeFilter
    create_body = s.OrderTypeIn
    fields = s.ORDER_TYPE
    save = services_orders.save_lookup
    summaries = {
        "get": "Returns a paginated list of ordertypes (P2-002)",
        "post": "Creates a new ordertype (P2-001)",
    }


class OrderTypeDetail(RecordDetail, OrderTypeList):
    update_body = s.OrderTypeIn
    summaries = {"get": "Returns an ordertype (P2-004)", "put": "Updates an ordertype (P2-003)"}


class OrderStatusList(RecordList):
    records = OrderStatus.objects.all
    serializer_class = s.OrderStatusSerializer
    error_field_map = s.ORDER_STATUS.errors
    filterset_class = OrderStatusFilter
    create_body = s.OrderStatusIn
    fields = s.ORDER_STATUS
    save = services_orders.save_lookup
    summaries = {
        "get": "Returns a paginated list of orderstatus (P2-045)",
        "post": "Creates a new orderstatus (P2-044)",
    }


class OrderStatusDetail(RecordDetail, OrderStatusList):
    update_body = s.OrderStatusIn
    summaries = {"get": "Returns an orderstatus (P2-047)", "put": "Updates an orderstatus (P2-046)"}
