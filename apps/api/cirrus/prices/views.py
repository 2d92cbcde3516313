"""Price lists with their article prices (P2-009, P2-010, P2-015, P2-016) and price groups
(P2-011-P2-014). Writes go through apps.catalogue.services with the caller as actor. Lists read a
fixed number of queries (prices, their groups, units and articles prefetched)."""

from django.db.models import Prefetch

from apps.catalogue import services
from apps.catalogue.models import ArticlePrice, PriceGroup, PriceList

from ..toolkit.views import ItemView, ListCreateView, RecordDetail, RecordList
from . import serializers as s
from .filters import PriceGroupFilter, PriceListFilter


def article_prices():
    return ArticlePrice.objects.select_related("article", "price_group__unit").order_by("id")


def price_lists():
    return PriceList.objects.prefetch_related(Prefetch("prices", queryset=article_prices()))


class PriceListList(ListCreateView):
    records = staticmethod(price_lists)
    serializer_class = s.PriceListSerializer
    error_field_map = s.PRICE_LIST.errors
    filterset_class = PriceListFilter
    create_body = s.PriceListIn
    summaries = {
        "get": "Returns a paginated list of pricelists with their prices (P2-010)",
        "post": "Creates a new pricelist with its prices (P2-009)",
    }

    def create(self, data):
        return services.create_price_list(self.request.user, **s.price_list_changes(data))


class PriceListDetail(ItemView, PriceListList):
    update_body = s.PriceListIn
    summaries = {
        "get": "Returns a pricelist with its prices (P2-016)",
        "put": "Updates a pricelist (P2-015): `prices` replaces its prices",
    }

    def update(self, price_list, data):
        services.update_price_list(self.request.user, price_list, **s.price_list_changes(data))


class PriceGroupList(RecordList):
    records = PriceGroup.objects.select_related("unit").all
    serializer_class = s.PriceGroupSerializer
    error_field_map = s.PRICE_GROUP.errors
    filterset_class = PriceGroupFilter
    create_body = s.PriceGroupIn
    fields = s.PRICE_GROUP
    save = services.save_price_group
    summaries = {
        "get": "Returns a paginated list of pricegroups (P2-012)",
        "post": "Creates a new pricegroup (P2-011)",
    }


class PriceGroupDetail(RecordDetail, PriceGroupList):
    update_body = s.PriceGroupIn
    summaries = {"get": "Returns a pricegroup (P2-014)", "put": "Updates a pricegroup (P2-013)"}
