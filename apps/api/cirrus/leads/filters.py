"""The filters and sort orders of the lead, lead activity and lead status lists."""

from django.db.models import F

from apps.core.models import AppliesTo
from apps.sales.models import Lead, LeadActivity, LeadStatus

from ..toolkit.filters import (
    CirrusFilterSet,
    CsvIdsFilter,
    DateFilter,
    FlagFilter,
    FulltextFilter,
    IntFilter,
    SortingFilter,
    WildcardFilter,
)


def age_order(queryset, descending):
    """Age is the time since creation (OQ-21): `age_asc` puts the newest first."""
    return queryset.order_by(F("created").asc() if descending else F("created").desc(), "id")


class LeadFilter(CirrusFilterSet):
    """O88."""

    dynamic_field_targets = {AppliesTo.LEAD}

    created = DateFilter(field_name="created", moment=True, help_text="Created on this day (YYYY-MM-DD).")
    status = IntFilter(field_name="status_id", help_text="A lead status id.")
    source = IntFilter(field_name="source_id", help_text="A source id.")
    rating = IntFilter(field_name="rating")
    userid = IntFilter(field_name="owner_id")
    userids = CsvIdsFilter(field_name="owner_id")
    fulltext = FulltextFilter(
        columns=[
            "title",
            "description",
            "prospect_title",
            "prospect_first_name",
            "prospect_last_name",
            "prospect_company",
            "prospect_street",
            "prospect_city",
            "prospect_postal_code",
            "prospect_phone",
            "prospect_mobile",
            "prospect_email",
            "prospect_vat_number",
        ]
    )
    sorting = SortingFilter(
        keys={
            "age": age_order,
            "statusid": ["status_id"],
            "userid": ["owner_id"],
            "sourceid": ["source_id"],
            "value": ["value"],
        },
        default="age_desc",
    )

    class Meta:
        model = Lead
        fields = []


class LeadActivityFilter(CirrusFilterSet):
    """O84."""

    done = FlagFilter(field_name="done", help_text="1 done, 0 not done.")
    typeid = IntFilter(field_name="activity_type_id")
    leadid = IntFilter(field_name="lead_id")
    userid = IntFilter(field_name="owner_id")
    folowupdate = DateFilter(field_name="followup", moment=True, help_text="Follow-up on this day (sic).")
    comment = WildcardFilter(field_name="comment")
    sorting = SortingFilter(
        keys={"followupdate": ["followup"], "created": ["created"], "done": ["done"]}, default="done_asc"
    )

    class Meta:
        model = LeadActivity
        fields = []


class LeadStatusFilter(CirrusFilterSet):
    """P2-124."""

    name = WildcardFilter(field_name="name")
    sortorder = IntFilter(field_name="sort_order")
    sorting = SortingFilter(keys={"name": ["name"], "sortorder": ["sort_order"]}, default="sortorder_asc")

    class Meta:
        model = LeadStatus
        fields = []
