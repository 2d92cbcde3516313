"""The filters and sort orders of the opportunity list (O92). The estimated and actual close
dates are date columns; conditions on followers are EXISTS subqueries."""

from django.db.models import Exists, OuterRef

from apps.core.models import AppliesTo
from apps.sales.models import Opportunity

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


class OpportunityFilter(CirrusFilterSet):
    dynamic_field_targets = {AppliesTo.OPPORTUNITY}

    userid = IntFilter(field_name="owner_id", help_text="The responsible user.")
    userids = CsvIdsFilter(field_name="owner_id")
    accountid = IntFilter(field_name="account_id")
    accounttypeids = CsvIdsFilter(field_name="account__account_type_id")
    accountuserids = CsvIdsFilter(field_name="account__responsible_user_id")
    estimated_startdate = DateFilter(field_name="estimated_end_date", bound="from")
    estimated_enddate = DateFilter(field_name="estimated_end_date", bound="until")
    actual_startdate = DateFilter(field_name="end_date", bound="from")
    actual_enddate = DateFilter(field_name="end_date", bound="until")
    statusid = IntFilter(field_name="status_id")
    statusids = CsvIdsFilter(field_name="status_id")
    estimateid = IntFilter(field_name="estimate_id")
    estimateids = CsvIdsFilter(field_name="estimate_id")
    lostreasonid = IntFilter(field_name="lost_reason_id")
    winreasonid = IntFilter(field_name="win_reason_id")
    contactid = IntFilter(field_name="contact_id")
    typeid = IntFilter(field_name="opportunity_type_id")
    progressionstateid = IntFilter(field_name="progression_state_id")
    closed = FlagFilter(field_name="closed")
    description = WildcardFilter(field_name="description")
    followedby = IntFilter(method="followed_by", help_text="Opportunities this user follows.")
    fulltext = FulltextFilter(columns=["title", "description", "result"])
    sorting = SortingFilter(
        keys={"date": ["estimated_end_date"], "account": ["account__name"], "userid": ["owner_id"]},
        default="date_asc",
    )

    class Meta:
        model = Opportunity
        fields = []

    def followed_by(self, queryset, name, value):
        follows = Opportunity.followers.through.objects.filter(opportunity=OuterRef("pk"), user_id=value)
        return queryset.filter(Exists(follows))
