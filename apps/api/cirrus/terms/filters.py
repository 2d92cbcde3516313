"""The filters and sort orders of the delivery term (O59), delivery type (O63) and payment term
(P2-006) lists."""

from apps.accounts.models import PaymentTerm
from apps.sales.models import DeliveryTerm, DeliveryType

from ..toolkit.filters import CirrusFilterSet, FlagFilter, IntFilter, SortingFilter, WildcardFilter


class DeliveryTermFilter(CirrusFilterSet):
    name = WildcardFilter(field_name="name")
    default = FlagFilter(field_name="is_default")
    externalkey = WildcardFilter(field_name="external_key")
    sorting = SortingFilter(keys={"name": ["name"], "id": ["id"]}, default="name_asc")

    class Meta:
        model = DeliveryTerm
        fields = []


class DeliveryTypeFilter(CirrusFilterSet):
    name = WildcardFilter(field_name="name")
    default = FlagFilter(field_name="is_default")
    sorting = SortingFilter(keys={"name": ["name"], "id": ["id"]}, default="name_asc")

    class Meta:
        model = DeliveryType
        fields = []


class PaymentTermFilter(CirrusFilterSet):
    name = WildcardFilter(field_name="name")
    default = FlagFilter(field_name="is_default")
    externalkey = WildcardFilter(field_name="external_key")
    days = IntFilter(field_name="days")
    sorting = SortingFilter(keys={"name": ["name"], "days": ["days"]}, default="name_asc")

    class Meta:
        model = PaymentTerm
        fields = []
