"""The filters and sort orders of the add-on and sort group lists."""

from ..toolkit.filters import CirrusFilterSet, IntFilter, SortingFilter, WildcardFilter


class AddonFilter(CirrusFilterSet):
    internalname = WildcardFilter(field_name="internal_name")
    sorting = SortingFilter(
        keys={"sort": ["sort"], "title": ["title"], "internalname": ["internal_name"], "number": ["id"]},
        default="sort_asc",
    )


class SortGroupFilter(CirrusFilterSet):
    name = WildcardFilter(field_name="name")
    sort = IntFilter(field_name="sort")
    sorting = SortingFilter(keys={"sort": ["sort"], "name": ["name"]}, default="sort_asc")
