"""Reads of the pipeline shared by the admin and the APIs: challenge scores and a user's
gamification stats, counted from activities, leads and opportunities by queries (no counters are
stored), and the challenge list's status conditions."""

import datetime

from django.db.models import (
    Case,
    Count,
    DateField,
    DecimalField,
    Exists,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone

from .models import Activity, Challenge, ChallengeParticipant, ChallengeType, Lead, Opportunity

Metric = ChallengeType.Metric


AMOUNT = DecimalField(max_digits=20, decimal_places=2)


def _scalar(queryset, function: str, column: str = "pk"):
    """One aggregate of a correlated queryset as a subquery (no GROUP BY), 0 when empty."""
    rows = queryset.order_by().annotate(aggregate_value=Func(F(column), function=function))
    return Coalesce(Subquery(rows.values("aggregate_value")[:1]), Value(0), output_field=AMOUNT)


def metric_rows(metric: str, user, start, stop):
    """The pipeline rows a metric counts for `user` from `start` to `stop` (values or OuterRefs)."""
    if metric == Metric.ACTIVITIES:
        return Activity.objects.filter(
            owner=user, state=Activity.State.COMPLETED, completed_at__gte=start, completed_at__lt=stop
        )
    if metric == Metric.LEADS:
        return Lead.objects.filter(owner=user, created__gte=start, created__lt=stop)
    if metric == Metric.OPPORTUNITIES:
        return Opportunity.objects.filter(owner=user, created__gte=start, created__lt=stop)
    return Opportunity.objects.filter(owner=user, status__won=True, end_date__gte=start, end_date__lte=stop)


def score_expression():
    """A participant's score in its challenge, for ChallengeParticipant rows."""
    user, start, stop = OuterRef("user"), OuterRef("challenge__start"), OuterRef("challenge__stop")
    won_start = Cast(OuterRef("challenge__start"), output_field=DateField())
    won_stop = Cast(OuterRef("challenge__stop"), output_field=DateField())
    cases = [
        When(
            challenge__challenge_type__metric=metric,
            then=_scalar(metric_rows(metric, user, start, stop), "COUNT"),
        )
        for metric in (Metric.ACTIVITIES, Metric.LEADS, Metric.OPPORTUNITIES)
    ]
    won = metric_rows(Metric.WON, user, won_start, won_stop)
    cases.append(When(challenge__challenge_type__metric=Metric.WON, then=_scalar(won, "COUNT")))
    cases.append(When(challenge__challenge_type__metric=Metric.WON_VALUE, then=_scalar(won, "SUM", "value")))
    return Cast(Case(*cases, default=Value(0), output_field=AMOUNT), output_field=IntegerField())


def participants_with_scores():
    """Challenge participants with their user and `score` (one query for any number of them)."""
    return ChallengeParticipant.objects.select_related("user").annotate(score=score_expression())


# --- The challenge list's status, relative to a user (spec part 1, OQ-10) -----------------------

STATUSES = ("pending", "unanswered", "ongoing", "won", "lost", "all", "closed")


def _taking_part(user, *, owner: bool | None = None, **conditions):
    rows = ChallengeParticipant.objects.filter(challenge=OuterRef("pk"), user=user, **conditions)
    return Exists(rows if owner is None else rows.filter(is_owner=owner))


def _answered():
    return Exists(
        ChallengeParticipant.objects.filter(challenge=OuterRef("pk"), is_owner=False, accepted__isnull=False)
    )


def challenge_status(status: str, user, now=None) -> Q:
    """pending: issued by `user`, not answered; unanswered: issued to `user`, not answered;
    ongoing: accepted and running now; won/lost: decided, `user` took part and did or did not win;
    closed: over or declined; all: any."""
    now = now or timezone.now()
    open_ = Q(active=True) & ~Q(_answered())
    if status == "pending":
        return open_ & Q(_taking_part(user, owner=True))
    if status == "unanswered":
        return open_ & Q(_taking_part(user, owner=False))
    if status == "ongoing":
        return Q(active=True, start__lte=now, stop__gt=now) & Q(_answered())
    decided = Q(active=False) & Q(_answered()) & Q(_taking_part(user))
    if status == "won":
        return decided & Q(winner=user)
    if status == "lost":
        return decided & (Q(winner__isnull=True) | ~Q(winner=user))
    if status == "closed":
        return Q(active=False) | Q(stop__lte=now)
    return Q()


# --- A user's gamification stats (Cirrus's ChallengeStats) --------------------------------------

# Points a user earns per completed activity, new lead and won opportunity.
POINTS = {"activities": 1, "leads": 2, "won": 10}
POINTS_PER_LEVEL = 100
# (lowest level, category)
CATEGORIES = [(1, "Rookie"), (2, "Seller"), (5, "Closer"), (10, "Rainmaker")]


def _counts(queryset, column: str, since: dict) -> dict:
    """How many rows of `queryset` in all, and since each of `since`'s moments, by `column`."""
    aggregates = {"total": Count("pk")}
    aggregates |= {
        name: Count("pk", filter=Q(**{f"{column}__gte": moment})) for name, moment in since.items()
    }
    return queryset.aggregate(**aggregates)


def user_stats(user, now=None) -> dict:
    """achievements (events today, this week, this month), score (points of all time), level,
    category and heartbeat (events in the last seven days); events are completed activities, new
    leads and won opportunities. Three queries."""
    now = timezone.localtime(now or timezone.now())
    today = now.replace(hour=0, minute=0, second=0, microsecond=0)
    since = {
        "day": today,
        "week": today - datetime.timedelta(days=today.weekday()),
        "month": today.replace(day=1),
        "heartbeat": now - datetime.timedelta(days=7),
    }
    dates = {name: timezone.localdate(moment) for name, moment in since.items()}
    sources = {
        "activities": _counts(
            Activity.objects.filter(owner=user, state=Activity.State.COMPLETED), "completed_at", since
        ),
        "leads": _counts(Lead.objects.filter(owner=user), "created", since),
        "won": _counts(Opportunity.objects.filter(owner=user, status__won=True), "end_date", dates),
    }
    score = sum(POINTS[name] * counts["total"] for name, counts in sources.items())
    level = 1 + score // POINTS_PER_LEVEL
    category = next(name for lowest, name in reversed(CATEGORIES) if level >= lowest)

    def events(name):
        return sum(counts[name] for counts in sources.values())

    return {
        "achievements": {"day": events("day"), "week": events("week"), "month": events("month")},
        "category": category,
        "heartbeat": events("heartbeat"),
        "level": level,
        "score": score,
    }


def challenge_scores(challenge: Challenge) -> dict[int, int]:
    """{user id: score} of a challenge's participants."""
    return {row.user_id: row.score for row in participants_with_scores().filter(challenge=challenge)}
