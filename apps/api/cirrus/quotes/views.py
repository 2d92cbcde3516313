"""Quotes with their rows (P2-090, P2-091, P2-098, P2-099), quote relations (P2-092, P2-093) and
quote statuses (P2-094-P2-097). Writes go through apps.sales.services_orders with the caller as
actor (it computes the totals; `quote_to_order` makes an order of a quote, in the back office).
Lists read a fixed number of queries: rows and what they show are prefetched for the page."""

from django.db.models import Prefetch

from apps.sales import services_orders
from apps.sales.models import QuoteRelation, QuoteRow, QuoteStatus
from apps.sales.models_orders import Quote

from .. import fragments as f
from ..orders.views import document_prefetches, document_rows
from ..toolkit.views import ItemView, ListCreateView, RecordDetail, RecordList
from . import serializers as s
from .filters import QuoteFilter, QuoteRelationFilter, QuoteStatusFilter


def quotes():
    """Quotes with everything a Quote shows, its rows included."""
    return Quote.objects.select_related(
        "account",
        "contact",
        "status",
        "delivery_term",
        "payment_term",
        "delivery_type",
        *f.user_paths("user"),
        *f.user_paths("user2"),
        *f.listed_opportunity_paths("opportunity"),
    ).prefetch_related(*document_prefetches(), Prefetch("rows", queryset=document_rows(QuoteRow)))


class QuoteList(ListCreateView):
    records = staticmethod(quotes)
    serializer_class = s.QuoteSerializer
    error_field_map = {**s.QUOTE.errors, "rows": "rows"}
    filterset_class = QuoteFilter
    create_body = s.QuoteIn
    summaries = {"get": "Returns a paginated list of quotes (P2-091)", "post": "Creates a new quote (P2-090)"}

    def create(self, data):
        return services_orders.create_quote(self.request.user, **s.quote_changes(data))


class QuoteDetail(ItemView, QuoteList):
    update_body = s.QuoteUpdateIn
    summaries = {
        "get": "Returns a quote with its rows (P2-099)",
        "put": "Updates a quote (P2-098): the fields sent change; `rows` replaces its rows",
    }

    def update(self, quote, data):
        services_orders.update_quote(self.request.user, quote, **s.quote_changes(data))


class QuoteRelationList(RecordList):
    records = QuoteRelation.objects.all
    serializer_class = s.QuoteRelationSerializer
    error_field_map = s.QUOTE_RELATION.errors
    filterset_class = QuoteRelationFilter
    create_body = s.QuoteRelationIn
    fields = s.QUOTE_RELATION
    save = services_orders.save_relation
    summaries = {
        "get": "Returns a paginated list of quote relations (P2-093)",
        "post": "Connects a quote to another entity (P2-092)",
    }


class QuoteStatusList(RecordList):
    records = QuoteStatus.objects.all
    serializer_class = s.QuoteStatusSerializer
    error_field_map = s.QUOTE_STATUS.errors
    filterset_class = QuoteStatusFilter
    create_body = s.QuoteStatusIn
    fields = s.QUOTE_STATUS
    save = services_orders.save_lookup
    summaries = {
        "get": "Returns a paginated list of quote statuses (P2-095)",
        "post": "Creates a new quote status (P2-094)",
    }


class QuoteStatusDetail(RecordDetail, QuoteStatusList):
    update_body = s.QuoteStatusIn
    summaries = {"get": "Returns a quote status (P2-097)", "put": "Updates a quote status (P2-096)"}
