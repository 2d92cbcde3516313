"""Leads, lead activities (spec part 1 §3.9, O83-O90) and lead statuses (part 2 §2.21,
P2-123-P2-126). Writes go through apps.sales.services_pipeline (lead statuses through
services.save_lookup) with the caller as actor; lists read a fixed number of queries whatever the
page size and mask."""

from django.db.models import Prefetch

from apps.sales import services, services_pipeline
from apps.sales.models import Lead, LeadActivity, LeadStatus

from .. import fragments as f
from ..toolkit.views import ItemView, ListCreateView
from . import serializers as s
from .filters import LeadActivityFilter, LeadFilter, LeadStatusFilter


def lead_activities():
    """Lead activities with their type, owner and lead (with its owner)."""
    return LeadActivity.objects.select_related("activity_type", "lead", "lead__owner", *f.user_paths("owner"))


def leads():
    """Leads with everything a Lead shows, its lead activities included."""
    return Lead.objects.select_related("source", "status", *f.user_paths("owner")).prefetch_related(
        Prefetch("lead_activities", queryset=lead_activities().order_by("done", "id")), "tags"
    )


class LeadList(ListCreateView):
    records = staticmethod(leads)
    serializer_class = s.LeadSerializer
    error_field_map = s.LEAD.errors
    filterset_class = LeadFilter
    create_body = s.LeadIn
    summaries = {"get": "Returns a paginated list of leads (O88)", "post": "Creates a new lead (O87)"}

    def create(self, data):
        return services_pipeline.create_lead(self.request.user, **s.LEAD.changes(data))


class LeadDetail(ItemView, LeadList):
    update_body = s.LeadIn
    summaries = {"get": "Returns a lead (O90)", "put": "Updates a lead (O89): the fields sent change"}

    def update(self, lead, data):
        services_pipeline.update_lead(self.request.user, lead, **s.LEAD.changes(data))


class LeadActivityList(ListCreateView):
    records = staticmethod(lead_activities)
    serializer_class = s.LeadActivitySerializer
    error_field_map = s.LEAD_ACTIVITY.errors
    filterset_class = LeadActivityFilter
    create_body = s.NewLeadActivityIn
    summaries = {
        "get": "Returns a paginated list of leadactivities (O84)",
        "post": "Creates a new leadactivity (O83); the caller owns it unless `user` says otherwise",
    }

    def create(self, data):
        changes = {"owner": self.request.user, **s.lead_activity_changes(data)}
        return services_pipeline.create_lead_activity(self.request.user, **changes)


class LeadActivityDetail(ItemView, LeadActivityList):
    update_body = s.LeadActivityIn
    summaries = {"get": "Returns a leadactivity (O86)", "put": "Updates a leadactivity (O85); its lead stays"}

    def update(self, row, data):
        services_pipeline.update_lead_activity(self.request.user, row, **s.LEAD_ACTIVITY.changes(data))


class LeadStatusList(ListCreateView):
    records = LeadStatus.objects.all
    serializer_class = s.LeadStatusSerializer
    error_field_map = {"sort_order": "sortorder"}
    filterset_class = LeadStatusFilter
    create_body = s.LeadStatusIn
    summaries = {
        "get": "Returns a paginated list of leadstatus (P2-124)",
        "post": "Creates a new leadstatus (P2-123)",
    }

    def create(self, data):
        return services.save_lookup(
            self.request.user, LeadStatus(name=data["name"], sort_order=data["sortorder"])
        )


class LeadStatusDetail(ItemView, LeadStatusList):
    update_body = s.LeadStatusIn
    summaries = {"get": "Returns a leadstatus (P2-126)", "put": "Updates a leadstatus (P2-125)"}

    def update(self, status, data):
        status.name, status.sort_order = data["name"], data["sortorder"]
        services.save_lookup(self.request.user, status)
