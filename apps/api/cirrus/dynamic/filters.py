"""The filters and sort orders of the dynamic field and dynamic data lists (O66, O68)."""

import django_filters
from django.db.models import F
from drf_spectacular.utils import extend_schema_field

from apps.core.models import CustomField

from ..toolkit.filters import (
    CirrusFilterSet,
    CsvIdsFilter,
    CsvStringField,
    IntFilter,
    SortingFilter,
    WildcardFilter,
)
from .serializers import FIELD_GROUPS, FIELDS_OF_GROUP, TYPES_BY_ID


@extend_schema_field({"type": "array", "items": {"type": "string", "enum": FIELD_GROUPS}})
class GroupsFilter(django_filters.Filter):
    """`groups=account,contact` (or repeated): the fields whose `group` is one of these."""

    field_class = CsvStringField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("choices", lambda: FIELD_GROUPS)
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if not value:
            return qs
        targets = set().union(*(FIELDS_OF_GROUP[group] for group in value))
        return qs.filter(applies_to__in=targets)


class DynamicFieldFilter(CirrusFilterSet):
    groups = GroupsFilter(
        help_text="Comma-separated or repeated: account, contact, order, opportunity, article (and "
        "activity); the fields whose `group` is one of them."
    )
    typeid = IntFilter(method="of_type", help_text="The field type's id (the `type.id` of a field).")
    fieldname = WildcardFilter(field_name="name", help_text="% as a wildcard.")
    sorting = SortingFilter(
        keys={"name": ["name"], "sorting": ["order"], "groupname": [F("category__name")]},
        default="sorting_asc",
    )

    class Meta:
        model = CustomField
        fields = []

    def of_type(self, queryset, name, value):
        return queryset.filter(field_type=TYPES_BY_ID.get(value, ""))


class DynamicDataFilter(CirrusFilterSet):
    """O68's field filters (resourcetype and resourceid are the view's)."""

    fieldname = WildcardFilter(field_name="name", help_text="% as a wildcard.")
    fieldids = CsvIdsFilter(field_name="pk", help_text="Field ids, repeated or comma-separated.")
    sorting = SortingFilter(keys={"name": ["name"], "sorting": ["order"]}, default="sorting_asc")

    class Meta:
        model = CustomField
        fields = []
