"""The filters and sort orders of the quote (P2-091), quote relation (P2-093) and quote status
(P2-095) lists. `number_*` sorts by id (a quote has no number of its own)."""

from django.db.models import Exists, OuterRef

from apps.sales.models import QuoteRelation, QuoteStatus
from apps.sales.models_orders import Quote

from ..toolkit.filters import (
    CirrusFilterSet,
    CsvIdsFilter,
    DateFilter,
    EnumFilter,
    FlagFilter,
    FulltextFilter,
    IntFilter,
    SortingFilter,
    WildcardFilter,
)


class QuoteFilter(CirrusFilterSet):
    # Dynamic fields of quotes: none can be defined yet, so a pair matches no quote.
    dynamic_field_targets = {"quote"}

    externalkey = WildcardFilter(field_name="external_key")
    altnumber = WildcardFilter(field_name="alternate_id")
    accountids = CsvIdsFilter(field_name="account_id")
    statusids = CsvIdsFilter(field_name="status_id")
    contactids = CsvIdsFilter(field_name="contact_id")
    opportunityids = CsvIdsFilter(field_name="opportunity_id")
    userids = CsvIdsFilter(field_name="user_id")
    user2ids = CsvIdsFilter(field_name="user2_id")
    orderids = CsvIdsFilter(method="for_orders", help_text="Quotes related (type order) to these orders.")
    activityids = CsvIdsFilter(
        method="for_activities", help_text="Activities do not link to quotes yet: none."
    )
    placedate_start = DateFilter(field_name="place_date", bound="from")
    placedate_end = DateFilter(field_name="place_date", bound="until")
    validtodate_start = DateFilter(field_name="valid_to_date", bound="from")
    validtodate_end = DateFilter(field_name="valid_to_date", bound="until")
    deliverydate_start = DateFilter(field_name="delivery_date", bound="from")
    deliverydate_end = DateFilter(field_name="delivery_date", bound="until")
    fulltext = FulltextFilter(columns=["internal_comment", "external_comment"])
    sorting = SortingFilter(
        keys={
            "placedate": ["place_date"],
            "validtodate": ["valid_to_date"],
            "deliverydate": ["delivery_date"],
            "number": ["id"],
            "externalkey": ["external_key"],
        },
        default="placedate_desc",
    )

    class Meta:
        model = Quote
        fields = []

    def for_orders(self, queryset, name, value):
        relations = QuoteRelation.objects.filter(quote=OuterRef("pk"), type="order", other_id__in=value)
        return queryset.filter(Exists(relations))

    def for_activities(self, queryset, name, value):
        return queryset.none()


class QuoteRelationFilter(CirrusFilterSet):
    type = EnumFilter(field_name="type", values=QuoteRelation.Type.values)
    otherid = IntFilter(field_name="other_id")
    quoteid = IntFilter(field_name="quote_id")
    value = WildcardFilter(field_name="value")
    sorting = SortingFilter(keys={"id": ["id"]}, default="id_asc", help_text="Not in the doc: id order.")

    class Meta:
        model = QuoteRelation
        fields = []


class QuoteStatusFilter(CirrusFilterSet):
    metatype = EnumFilter(field_name="metatype", values=QuoteStatus.MetaType.values)
    default = FlagFilter(field_name="is_default")
    sorting = SortingFilter(
        keys={"sorting": ["sort_order"], "name": ["name"], "number": ["id"]}, default="sorting_asc"
    )

    class Meta:
        model = QuoteStatus
        fields = []
