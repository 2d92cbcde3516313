"""Opportunities, their lookups and follow/unfollow (spec part 1 §3.10, O91-O103). Writes go
through apps.sales.services_pipeline with the caller as actor; the lookups are reference data
kept in the admin. Lists read a fixed number of queries whatever the page size and mask."""

from django.db.models import Prefetch

from apps.sales import services_pipeline
from apps.sales.models import (
    Opportunity,
    OpportunityEstimate,
    OpportunityReason,
    OpportunityStatus,
    OpportunityType,
    ProgressionState,
    Source,
)

from .. import fragments as f
from ..toolkit.views import ItemView, ListCreateView, LookupView
from . import serializers as s
from .filters import OpportunityFilter


def opportunities():
    """Opportunities with everything an Opportunity shows, prefetched (a fixed number of queries)."""
    return Opportunity.objects.select_related(
        "account",
        "alt_account",
        "contact",
        "estimate",
        "lost_reason",
        "win_reason",
        "progression_state",
        "source",
        "state",
        "status",
        "opportunity_type",
        *f.user_paths("owner"),
        *f.user_paths("created_by"),
        *f.user_paths("changed_by"),
    ).prefetch_related(
        *f.listed_account_prefetches("account__"),
        *f.listed_account_prefetches("alt_account__"),
        *f.listed_contact_prefetches("contact__"),
        Prefetch("opportunity_type__statuses", queryset=statuses()),
        Prefetch("followers", queryset=f.users_queryset()),
        "tags",
    )


def statuses():
    return OpportunityStatus.objects.order_by("opportunity_type_id", "sort_order", "id")


class OpportunityList(ListCreateView):
    records = staticmethod(opportunities)
    serializer_class = s.OpportunitySerializer
    error_field_map = s.OPPORTUNITY.errors
    filterset_class = OpportunityFilter
    create_body = s.OpportunityIn
    summaries = {
        "get": "Returns a paginated list of opportunities (O92)",
        "post": "Creates a new opportunity (O91)",
    }

    def create(self, data):
        return services_pipeline.create_opportunity(self.request.user, **s.OPPORTUNITY.changes(data))


class OpportunityDetail(ItemView, OpportunityList):
    update_body = s.OpportunityIn
    summaries = {
        "get": "Returns an opportunity (O103)",
        "put": "Updates an opportunity (O102): its eight required fields with the changes",
    }

    def update(self, opportunity, data):
        services_pipeline.update_opportunity(self.request.user, opportunity, **s.OPPORTUNITY.changes(data))


def lookup(model, serializer_class, queryset, summary: str):
    """A bare-array lookup of opportunities (spec §1.4)."""
    return LookupView.as_view(
        permission_model=model,
        serializer_class=serializer_class,
        queryset=queryset,
        summaries={"get": summary},
    )


reasons = OpportunityReason.objects.order_by("sort_order", "name", "id")
estimate_list = lookup(
    OpportunityEstimate,
    s.EstimateSerializer,
    OpportunityEstimate.objects.all(),
    "Returns a list of estimates (O93)",
)
lost_reason_list = lookup(
    OpportunityReason, s.ReasonSerializer, reasons.filter(kind="lost"), "Returns a list of lost reasons (O95)"
)
progression_state_list = lookup(
    ProgressionState,
    f.IdNameSerializer,
    ProgressionState.objects.filter(applies_to=ProgressionState.AppliesTo.OPPORTUNITY).order_by(
        "sort_order", "id"
    ),
    "Returns a list of opportunity progression states (O96)",
)
source_list = lookup(Source, f.SourceSerializer, Source.objects.all(), "Returns a list of sources (O97)")
status_list = lookup(OpportunityStatus, s.StatusSerializer, statuses(), "Returns a list of statuses (O98)")
type_list = lookup(
    OpportunityType,
    s.TypeSerializer,
    OpportunityType.objects.prefetch_related(Prefetch("statuses", queryset=statuses())),
    "Returns a list of types (O99)",
)
win_reason_list = lookup(
    OpportunityReason, s.ReasonSerializer, reasons.filter(kind="won"), "Returns a list of win reasons (O101)"
)
