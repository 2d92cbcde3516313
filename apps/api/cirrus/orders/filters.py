"""The filters and sort orders of the order (O105), order type (P2-002) and order status
(P2-045) lists. An order has no number of its own in Cirrus: `number` matches the id as text and
`number_*` sorts by id (OQ-23)."""

from django.db.models import Q, TextField
from django.db.models.functions import Cast

from apps.sales.models import Order, OrderStatus, OrderType

from ..toolkit.filters import (
    CirrusFilterSet,
    CsvIdsFilter,
    DateFilter,
    FlagFilter,
    FulltextFilter,
    IntFilter,
    SortingFilter,
    WildcardFilter,
    wildcard,
)


class OrderFilter(CirrusFilterSet):
    # Dynamic fields of orders: none can be defined yet, so a pair matches no order.
    dynamic_field_targets = {"order"}

    number = WildcardFilter(method="by_number", help_text="The order id as text (% allowed).")
    altnumber = WildcardFilter(field_name="alternate_id")
    externalkey = WildcardFilter(field_name="external_key")
    accountids = CsvIdsFilter(field_name="account_id")
    statusids = CsvIdsFilter(field_name="status_id")
    userids = CsvIdsFilter(method="by_users", help_text="The seller or the second seller.")
    missionids = CsvIdsFilter(
        method="in_missions", help_text="Missions are not served yet: no order matches."
    )
    typeids = CsvIdsFilter(field_name="order_type_id")
    accounttypeids = CsvIdsFilter(field_name="account__account_type_id")
    accountresponsibleids = CsvIdsFilter(field_name="account__responsible_user_id")
    opportunityid = IntFilter(field_name="opportunity_id")
    contactid = IntFilter(field_name="contact_id")
    missionresult = FlagFilter(method="mission_result", help_text="Only with missionids.")
    datespan_start = DateFilter(field_name="place_date", bound="from")
    datespan_end = DateFilter(field_name="place_date", bound="until")
    fulltext = FulltextFilter(columns=["internal_comment", "external_comment"])
    sorting = SortingFilter(
        keys={
            "placedate": ["place_date"],
            "deliverydate": ["delivery_date"],
            "number": ["id"],
            "accountid": ["account_id"],
            "externalkey": ["external_key"],
        },
        default="placedate_desc",
    )

    class Meta:
        model = Order
        fields = []

    def by_number(self, queryset, name, value):
        return queryset.annotate(id_text=Cast("id", TextField())).filter(wildcard("id_text", value))

    def by_users(self, queryset, name, value):
        return queryset.filter(Q(user_id__in=value) | Q(user2_id__in=value))

    def in_missions(self, queryset, name, value):
        return queryset.none()

    def mission_result(self, queryset, name, value):
        return queryset


class OrderTypeFilter(CirrusFilterSet):
    name = WildcardFilter(field_name="name")
    default = FlagFilter(field_name="is_default")
    sortorder = IntFilter(field_name="sort_order")
    sorting = SortingFilter(keys={"name": ["name"], "sortorder": ["sort_order"]}, default="sortorder_asc")

    class Meta:
        model = OrderType
        fields = []


class OrderStatusFilter(CirrusFilterSet):
    name = WildcardFilter(field_name="name")
    default = FlagFilter(field_name="is_default")
    step = IntFilter(field_name="step")
    sorting = SortingFilter(keys={"name": ["name"]}, default="name_asc")

    class Meta:
        model = OrderStatus
        fields = []
