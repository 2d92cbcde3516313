"""The filters and sort orders of the activity lists (O18 activities, O19 activity coordinates).
Dates are the activity's local day, compared as ranges on its start (indexed); conditions on
invited contacts and followers are EXISTS subqueries."""

import datetime
import re

import django_filters
from django.db.models import Exists, OuterRef, Q

from apps.core.models import AppliesTo
from apps.sales.models import Activity, Attendance

from ..toolkit.filters import (
    CirrusFilterSet,
    CsvIdsFilter,
    DateFilter,
    FlagFilter,
    FulltextFilter,
    IntFilter,
    SortingFilter,
    WildcardFilter,
    day_condition,
    wildcard,
)

PERIOD = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def _on_date(term: str) -> Q:
    """Fulltext's date column: a term `YYYY`, `YYYY-MM` or `YYYY-MM-DD` matches the activities of
    that year, month or day; any other term matches none by date."""
    match = PERIOD.match(term.strip())
    if not match:
        return Q(pk__in=[])
    year, month, day = (int(part) if part else None for part in match.groups())
    try:
        first = datetime.date(year, month or 1, day or 1)
        if day:
            last = first
        elif month:
            last = (first.replace(day=28) + datetime.timedelta(days=4)).replace(day=1) - datetime.timedelta(
                days=1
            )
        else:
            last = datetime.date(year, 12, 31)
    except ValueError:
        return Q(pk__in=[])
    return day_condition("start", first, "from", moment=True) & day_condition(
        "start", last, "until", moment=True
    )


class ActivityCoordinateFilter(CirrusFilterSet):
    """O19's filters (also O18's, which adds more)."""

    accountid = IntFilter(field_name="account_id")
    accounttypeids = CsvIdsFilter(field_name="account__account_type_id", help_text="Types of the accounts.")
    accountuserids = CsvIdsFilter(
        field_name="account__responsible_user_id", help_text="Responsible users of the accounts."
    )
    date = DateFilter(field_name="start", moment=True, help_text="On this day (YYYY-MM-DD).")
    startdate = DateFilter(field_name="start", bound="from", moment=True, help_text="From this day.")
    enddate = DateFilter(field_name="start", bound="until", moment=True, help_text="Until this day.")
    closed = FlagFilter(method="closed_or_open", help_text="1 closed, 0 open.")
    userid = IntFilter(field_name="owner_id", help_text="The owner.")
    userids = CsvIdsFilter(field_name="owner_id", help_text="Comma-separated owner ids.")
    typeid = IntFilter(field_name="activity_type_id")
    typeids = CsvIdsFilter(field_name="activity_type_id")
    contactid = IntFilter(method="with_contact", help_text="The primary contact or an invited one.")
    opportunityid = IntFilter(field_name="opportunity_id")
    location = WildcardFilter(field_name="location")
    description = WildcardFilter(method="description_like")
    progressionstateid = IntFilter(field_name="progression_state_id")
    followedby = IntFilter(method="followed_by", help_text="Activities this user follows.")
    fulltext = FulltextFilter(columns=["name", "description", "result", "location", _on_date])
    sorting = SortingFilter(
        keys={"date": ["start"], "account": ["account__name"], "userid": ["owner_id"]}, default="date_desc"
    )

    class Meta:
        model = Activity
        fields = []

    def closed_or_open(self, queryset, name, value):
        pending = Q(state=Activity.State.PENDING)
        return queryset.filter(~pending if value else pending)

    def with_contact(self, queryset, name, value):
        invited = Attendance.objects.filter(activity=OuterRef("pk"), party_id=value)
        return queryset.filter(Q(contact_id=value) | Q(Exists(invited)))

    def description_like(self, queryset, name, value):
        return queryset.filter(Q(wildcard("description", value)) | Q(wildcard("name", value)))

    def followed_by(self, queryset, name, value):
        follows = Activity.followers.through.objects.filter(activity=OuterRef("pk"), user_id=value)
        return queryset.filter(Exists(follows))


class ActivityFilter(ActivityCoordinateFilter):
    """O18."""

    dynamic_field_targets = {AppliesTo.ACTIVITY}

    missionids = CsvIdsFilter(method="connected_to_missions", help_text="Missions are not served yet: none.")
    externalkey = django_filters.CharFilter(field_name="external_key", help_text="Exact.")

    def connected_to_missions(self, queryset, name, value):
        # Missions (spec part 2) are not part of this install: no activity is connected to one.
        return queryset.none()
