"""The filters and sort orders of the price list (P2-010) and price group (P2-012) lists."""

import datetime

from django.db.models import Q
from django.utils import timezone

from apps.catalogue.models import PriceGroup, PriceList
from apps.parties.models import Party

from ..toolkit.filters import (
    CirrusFilterSet,
    DateFilter,
    FlagFilter,
    IntFilter,
    SortingFilter,
    WildcardFilter,
    wildcard,
)


def _moment(day: datetime.date, *, end=False):
    day = day + datetime.timedelta(days=1) if end else day
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))


class PriceListFilter(CirrusFilterSet):
    active = FlagFilter(field_name="is_active", help_text="Absent: both.")
    start = DateFilter(method="span_start", help_text="Lists valid on or after this day (overlap).")
    stop = DateFilter(method="span_stop", help_text="Lists valid on or before this day (overlap).")
    default = FlagFilter(field_name="is_default")
    accountid = IntFilter(
        method="for_account", help_text="Lists linked to the account, and active default lists."
    )
    accountnumber = WildcardFilter(method="for_account_number")
    externalkey = WildcardFilter(field_name="external_key")
    strict = FlagFilter(field_name="strict")
    currencyid = IntFilter(field_name="currency_id")
    sorting = SortingFilter(
        keys={"name": ["name"], "start": ["start"], "active": ["is_active"]}, default="start_asc"
    )

    class Meta:
        model = PriceList
        fields = []

    def span_start(self, queryset, name, value):
        return queryset.filter(stop__gte=_moment(value))

    def span_stop(self, queryset, name, value):
        return queryset.filter(start__lt=_moment(value, end=True))

    def for_account(self, queryset, name, value):
        return queryset.filter(Q(accounts__id=value) | Q(is_default=True, is_active=True)).distinct()

    def for_account_number(self, queryset, name, value):
        accounts = Party.objects.filter(wildcard("account_number", value))
        return queryset.filter(Q(accounts__in=accounts) | Q(is_default=True, is_active=True)).distinct()


class PriceGroupFilter(CirrusFilterSet):
    unitid = IntFilter(field_name="unit_id")
    quantity = IntFilter(method="holding", help_text="Groups whose min-max bracket holds the quantity.")
    sorting = SortingFilter(
        keys={"unitid": ["unit_id"], "quantity": ["min_quantity"]}, default="quantity_asc"
    )

    class Meta:
        model = PriceGroup
        fields = []

    def holding(self, queryset, name, value):
        return queryset.filter(min_quantity__lte=value, max_quantity__gte=value)
