"""Key performance indicators of a staff user, computed from the domain (Cirrus's KPIs).

A KpiDefinition names a calculator below. `compute(user)` computes every calculator for the user
and the team average (over active users) in a fixed number of queries, whatever definitions ask
for them, so a KPI list costs the same whatever its length. Values are strings, as Cirrus shows
them: numbers and money as integers, percentages with one decimal.
"""

import datetime
from dataclasses import dataclass

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db.models import Count, Q
from django.utils import timezone

from .models import KpiDefinition, UserBudget


@dataclass(frozen=True)
class Calculator:
    key: str
    title: str
    subtitle: str
    display_type: str


CALCULATORS = {
    c.key: c
    for c in (
        Calculator("activities_this_month", "Activities", "Planned this month", "number"),
        Calculator("completed_this_month", "Completed activities", "Completed this month", "number"),
        Calculator("open_activities", "Open activities", "Not yet completed", "number"),
        Calculator("overdue_activities", "Overdue activities", "Open and past their start", "number"),
        Calculator("budget_this_month", "Budget", "Sales budget this month", "currency"),
        Calculator("pipeline_this_month", "Pipeline", "Pipeline this month", "currency"),
        Calculator("pipeline_coverage", "Pipeline coverage", "Pipeline against budget", "percent"),
    )
}
CALCULATOR_CHOICES = [(c.key, c.title) for c in CALCULATORS.values()]


def _month_bounds(today: datetime.date):
    tz = timezone.get_current_timezone()
    start = datetime.datetime(today.year, today.month, 1, tzinfo=tz)
    end = datetime.datetime(today.year + today.month // 12, today.month % 12 + 1, 1, tzinfo=tz)
    return start, end


def _format(value, display_type: str) -> str:
    if value is None:
        return ""
    if display_type == KpiDefinition.DisplayType.PERCENT:
        return f"{value:.1f}"
    return str(round(value))


def compute(user, today: datetime.date | None = None) -> dict[str, tuple[str, str]]:
    """{calculator key: (the user's value, the team average)} for the month of `today`."""
    today = today or timezone.localdate()
    start, end = _month_bounds(today)
    now = timezone.now()
    Activity = apps.get_model("sales", "Activity")
    per_owner = {
        row["owner"]: row
        for row in Activity.objects.filter(owner__isnull=False)
        .values("owner")
        .order_by()
        .annotate(
            activities_this_month=Count("id", filter=Q(start__gte=start, start__lt=end)),
            completed_this_month=Count("id", filter=Q(completed_at__gte=start, completed_at__lt=end)),
            open_activities=Count("id", filter=Q(state="pending")),
            overdue_activities=Count("id", filter=Q(state="pending", start__lt=now)),
        )
    }
    budgets = {
        row["user"]: row
        for row in UserBudget.objects.filter(year=today.year, month=today.month).values(
            "user", "budget", "pipeline"
        )
    }
    team = get_user_model().objects.filter(is_active=True).count() or 1

    def coverage(row):
        return 100 * row["pipeline"] / row["budget"] if row and row["budget"] else None

    values = {}
    for key in ("activities_this_month", "completed_this_month", "open_activities", "overdue_activities"):
        mine = per_owner.get(user.pk, {}).get(key, 0)
        values[key] = (mine, sum(row[key] for row in per_owner.values()) / team)
    for key, column in (("budget_this_month", "budget"), ("pipeline_this_month", "pipeline")):
        mine = budgets.get(user.pk, {}).get(column, 0)
        values[key] = (mine, sum(row[column] for row in budgets.values()) / team)
    covered = [c for c in (coverage(row) for row in budgets.values()) if c is not None]
    average = sum(covered) / len(covered) if covered else None
    values["pipeline_coverage"] = (coverage(budgets.get(user.pk)), average)
    return {
        key: (_format(mine, CALCULATORS[key].display_type), _format(average, CALCULATORS[key].display_type))
        for key, (mine, average) in values.items()
    }


def period_label(today: datetime.date | None = None) -> str:
    today = today or timezone.localdate()
    return f"{today.year}-{today.month:02d}"
