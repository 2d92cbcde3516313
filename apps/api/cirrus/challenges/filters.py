"""The filters and sort orders of the challenge list (O77). `status` is relative to the caller
(apps.sales.selectors.challenge_status, OQ-10); the user filters and sorts read the participants
through EXISTS and scalar subqueries over their (user, owner) index."""

from django.db.models import Exists, F, OuterRef, Q, Subquery

from apps.sales import selectors
from apps.sales.models import Challenge, ChallengeParticipant

from ..toolkit.filters import CirrusFilterSet, DateFilter, EnumFilter, IntFilter, SortingFilter, day_condition


def participant(owner: bool):
    return ChallengeParticipant.objects.filter(challenge=OuterRef("pk"), is_owner=owner)


def participant_order(owner: bool):
    """By the challenger's (or challenged user's) name."""

    def order(queryset, descending):
        rows = participant(owner).select_related("user")
        queryset = queryset.annotate(
            last=Subquery(rows.values("user__last_name")[:1]),
            first=Subquery(rows.values("user__first_name")[:1]),
        )
        way = [
            F(name).desc(nulls_last=True) if descending else F(name).asc(nulls_last=True)
            for name in ("last", "first")
        ]
        return queryset.order_by(*way, "id")

    return order


class ChallengeFilter(CirrusFilterSet):
    challengerid = IntFilter(method="challenger")
    challengedid = IntFilter(method="challenged")
    typeid = IntFilter(field_name="challenge_type_id")
    winnerid = IntFilter(field_name="winner_id")
    status = EnumFilter(
        field_name="status",
        method="with_status",
        values=selectors.STATUSES,
        help_text="Relative to the caller (default pending): pending, unanswered, ongoing, won, lost, "
        "all, closed.",
    )
    datespan_start = DateFilter(
        method="ignore", help_text="With datespan_end: challenges overlapping the span."
    )
    datespan_end = DateFilter(method="ignore")
    sorting = SortingFilter(
        keys={
            "active": ["active"],
            "type": ["challenge_type__name"],
            "winner": ["winner__last_name", "winner__first_name"],
            "challenger": participant_order(True),
            "challenged": participant_order(False),
        },
        default="active_desc",
    )

    class Meta:
        model = Challenge
        fields = []

    def ignore(self, queryset, name, value):
        return queryset  # read by filter_queryset

    def challenger(self, queryset, name, value):
        return queryset.filter(Exists(participant(True).filter(user_id=value)))

    def challenged(self, queryset, name, value):
        return queryset.filter(Exists(participant(False).filter(user_id=value)))

    def with_status(self, queryset, name, value):
        return queryset  # applied in filter_queryset, with its default

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        data = self.form.cleaned_data
        queryset = queryset.filter(
            selectors.challenge_status(data.get("status") or "pending", self.request.user)
        )
        span = day_span(data.get("datespan_start"), data.get("datespan_end"))
        return queryset.filter(span) if span is not None else queryset


def day_span(first, last) -> Q | None:
    """Challenges whose period overlaps the days from `first` to `last` (either may be open)."""
    condition = Q()
    if first is not None:
        condition &= day_condition("stop", first, "from", moment=True)
    if last is not None:
        condition &= day_condition("start", last, "until", moment=True)
    return condition or None
