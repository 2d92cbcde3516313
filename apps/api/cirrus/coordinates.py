"""The map lists (O3 account coordinates, O19 activity coordinates): one item per record the list's
filters match and account address of it with coordinates, `{<id key>, addresstype, latitude,
longitude, distance}`, in the list's sort order, then by record, then by address type. A page is
one COUNT and one SELECT of addresses, whatever its size."""

from django.db.models import Case, F, IntegerField, Q, Value, When
from rest_framework import serializers

from apps.parties.addresses import CIRRUS_ACCOUNT_ADDRESSES, CIRRUS_MAIN
from apps.parties.models import Address

from . import fragments as f
from .toolkit.filters import raise_filter_errors
from .toolkit.pagination import MapPagination
from .toolkit.views import CirrusView

# visiting, delivery, invoice, postal (the main address)
ADDRESS_TYPE_ORDER = Case(
    *[
        When(Q(is_default=True) if code == CIRRUS_MAIN else Q(address_type__code=code), then=Value(i))
        for i, code in enumerate(CIRRUS_ACCOUNT_ADDRESSES)
    ],
    output_field=IntegerField(),
)


class CoordinateSerializer(serializers.Serializer):
    """The item shape; subclasses name the record's id key (`id_key`) with a field of that name."""

    id_key = "id"
    addresstype = serializers.ChoiceField(choices=CIRRUS_ACCOUNT_ADDRESSES)
    latitude = f.nullable()
    longitude = f.nullable()
    distance = f.nullable()

    def to_representation(self, row):
        return {
            self.id_key: row.listed_id,
            "addresstype": f.account_address_code(row),
            **f.coordinates(row, self.context.get("nearto")),
        }


class CoordinateList(CirrusView):
    """Set `filterset_class` (the list's filters, with a `sorting` of column keys),
    `serializer_class` (a CoordinateSerializer), `get_queryset()` (the listed records) and
    `path`: from an address to the listed record (`party` for accounts); `summaries` as usual."""

    pagination_class = MapPagination
    path = "party"
    summaries: dict[str, str] = {}

    def get(self, request):
        filterset = self.filterset_class(request.query_params, queryset=self.get_queryset(), request=request)
        raise_filter_errors(filterset)
        matching = filterset.qs.order_by().values("pk")
        self.nearto = filterset.nearto  # known once the filters ran
        sorting = filterset.filters["sorting"]
        rows = (
            Address.objects.filter(
                f.account_addresses_condition(),
                **{f"{self.path}__in": matching},
                latitude__isnull=False,
                longitude__isnull=False,
            )
            .annotate(listed_id=F(f"{self.path}__pk"))
            .select_related("address_type")
            .order_by(
                *sorting.columns(filterset.form.cleaned_data.get("sorting"), prefix=f"{self.path}__"),
                "listed_id",
                ADDRESS_TYPE_ORDER,
                "id",
            )
        )
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)
