"""The filters and sort orders of the user, budget, department, role and KPI lists."""

from django.db.models import F

from ..toolkit.filters import (
    ActiveFilter,
    CirrusFilterSet,
    CsvIdsFilter,
    FulltextFilter,
    IntFilter,
    SortingFilter,
    WildcardFilter,
)


class UserFilter(CirrusFilterSet):
    active = ActiveFilter()
    code = WildcardFilter(field_name="profile__code")
    fulltext = FulltextFilter(columns=("first_name", "last_name", "email"))
    sorting = SortingFilter(
        keys={"name": ["first_name"], "active": ["is_active"], "surname": ["last_name"]}, default="name_asc"
    )


def _period_filter(queryset, data):
    """(year, month) from/to bounds, inclusive; a bound's missing month is the year's first/last."""
    year_from, month_from = data.get("year_from"), data.get("month_from")
    year_to, month_to = data.get("year_to"), data.get("month_to")
    period = F("year") * 100 + F("month")
    queryset = queryset.alias(period=period)
    if year_from is not None:
        queryset = queryset.filter(period__gte=year_from * 100 + (month_from or 1))
    elif month_from is not None:
        queryset = queryset.filter(month__gte=month_from)
    if year_to is not None:
        queryset = queryset.filter(period__lte=year_to * 100 + (month_to or 12))
    elif month_to is not None:
        queryset = queryset.filter(month__lte=month_to)
    return queryset


class BudgetFilter(CirrusFilterSet):
    userids = CsvIdsFilter(field_name="user_id")
    year_from = IntFilter(method="no_op")
    month_from = IntFilter(method="no_op")
    year_to = IntFilter(method="no_op")
    month_to = IntFilter(method="no_op")

    def no_op(self, queryset, name, value):
        return queryset

    def filter_queryset(self, queryset):
        return _period_filter(super().filter_queryset(queryset), self.form.cleaned_data)


class DepartmentFilter(CirrusFilterSet):
    parentid = IntFilter(field_name="parent_id")
    managerid = IntFilter(field_name="manager_id")
    sorting = SortingFilter(keys={"name": ["name"]}, default="name_asc")


class RoleFilter(CirrusFilterSet):
    sorting = SortingFilter(keys={"name": ["name"], "id": ["id"]}, default="name_asc")


class KpiFilter(CirrusFilterSet):
    sorting = SortingFilter(keys={"sort": ["sort"]}, default="sort_asc")
