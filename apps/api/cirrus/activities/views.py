"""Activities, activity coordinates, activity types with their questions, progression states and
follow/unfollow (spec part 1 §3.2, O17-O29). Activities are sales.Activity rows of every kind,
the same Peepl and CRM.COM show; writes go through apps.sales.services_crm (activities) and
services.save_lookup (activity types) with the caller as actor. Lists read a fixed number of
queries whatever the page size and mask."""

from django.db.models import Prefetch

from apps.content.models import File
from apps.sales import services, services_crm
from apps.sales.models import (
    Activity,
    ActivityAnswer,
    ActivityType,
    ActivityTypeQuestion,
    Attendance,
    ContactAttempt,
    ProgressionState,
)

from .. import fragments as f
from ..coordinates import CoordinateList
from ..toolkit.views import ItemView, ListCreateView, LookupView
from . import serializers as s
from .filters import ActivityCoordinateFilter, ActivityFilter


def activities():
    """Activities with everything an Activity shows, prefetched (a fixed number of queries)."""
    return Activity.objects.select_related(
        "account",
        "contact",
        "activity_type",
        "priority",
        "progression_state",
        *f.user_paths("owner"),
        *f.listed_opportunity_paths("opportunity"),
    ).prefetch_related(
        *f.listed_account_prefetches("account__"),
        *f.listed_contact_prefetches("contact__"),
        *f.listed_account_prefetches("opportunity__account__"),
        Prefetch(
            "contact_attempts",
            queryset=ContactAttempt.objects.select_related(*f.user_paths("user")).order_by("time", "id"),
        ),
        Prefetch("files", queryset=File.objects.only("id", "name", "activity_id").order_by("id")),
        Prefetch("followers", queryset=f.users_queryset()),
        Prefetch("invited_users", queryset=f.users_queryset()),
        Prefetch("attendances", queryset=Attendance.objects.select_related("party").order_by("id")),
        *f.listed_contact_prefetches("attendances__party__"),
        Prefetch("answers", queryset=ActivityAnswer.objects.order_by("question__sort_order", "id")),
        "tags",
    )


def activity_types():
    return ActivityType.objects.order_by("sort_order", "name", "id")


class ActivityList(ListCreateView):
    records = staticmethod(activities)
    serializer_class = s.ActivitySerializer
    error_field_map = s.ACTIVITY_ERRORS
    filterset_class = ActivityFilter
    create_body = s.ActivityIn
    summaries = {
        "get": "Returns a paginated list of activities (O18)",
        "post": "Creates a new activity (O17)",
    }

    def create(self, data):
        return services_crm.create_crm_activity(self.request.user, **s.activity_changes(data))


class ActivityDetail(ItemView, ActivityList):
    update_body = s.ActivityUpdateIn
    summaries = {
        "get": "Returns an activity (O29)",
        "put": "Updates an activity (O28): the fields sent change",
    }
    error_field_map = {
        **s.ACTIVITY_ERRORS,
        "activity_type": "typeid",
        "owner": "userid",
        "opportunity": "opportunityid",
    }

    def update(self, activity, data):
        services_crm.update_crm_activity(self.request.user, activity, **s.activity_changes(data, activity))


class ActivityCoordinateList(CoordinateList):
    """O19: one item per (matching activity, address of its account with coordinates)."""

    permission_model = Activity
    serializer_class = s.ActivityCoordinateSerializer
    filterset_class = ActivityCoordinateFilter
    path = "party__account_activities"
    summaries = {"get": "Returns a paginated list of activity coordinates (O19)"}

    def get_queryset(self):
        return Activity.objects.all()


class ActivityTypeList(ListCreateView):
    """O21 is a bare array (spec §1.4); O20 creates one (OQ-7)."""

    records = staticmethod(activity_types)
    serializer_class = s.ActivityTypeSerializer
    error_field_map = s.ACTIVITY_TYPES.errors
    pagination_class = None
    create_body = s.ActivityTypeIn
    summaries = {"get": "Returns a list of activitytypes (O21)", "post": "Creates a new activitytype (O20)"}

    def create(self, data):
        return services.save_lookup(self.request.user, ActivityType(**s.ACTIVITY_TYPES.changes(data)))


class ActivityTypeDetail(ItemView, ActivityTypeList):
    update_body = s.ActivityTypeIn
    summaries = {"get": "Returns an activitytype (O24)", "put": "Updates an activitytype (O23)"}

    def update(self, activity_type, data):
        for name, value in s.ACTIVITY_TYPES.changes(data).items():
            setattr(activity_type, name, value)
        services.save_lookup(self.request.user, activity_type)


question_list = LookupView.as_view(
    permission_model=ActivityTypeQuestion,
    serializer_class=s.QuestionSerializer,
    queryset=ActivityTypeQuestion.objects.order_by("activity_type_id", "sort_order", "id"),
    summaries={"get": "Returns a list of activity type questions (O22)"},
)
progression_state_list = LookupView.as_view(
    permission_model=ProgressionState,
    serializer_class=f.IdNameSerializer,
    queryset=ProgressionState.objects.filter(applies_to=ProgressionState.AppliesTo.ACTIVITY).order_by(
        "sort_order", "id"
    ),
    summaries={"get": "Returns a list of activity progression states (O26)"},
)
