"""The back office's home: KPI cards and charts, each a SQL aggregate (no rows are loaded),
computed together and cached for a short while so the page costs a cache read at a million
parties. `figures()` is the data; `dashboard_callback` hands it to the admin's index template."""

import datetime
import json

from django.core.cache import cache
from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncMonth
from django.urls import reverse
from django.utils import timezone

from apps.core.models import Job
from apps.parties.models import Party
from apps.sales.models import Activity, Lead, Opportunity

from .models import InsightExport

CACHE_KEY = "admin-dashboard:v1"
CACHE_SECONDS = 60
MONTHS = 12


def _month_start(day: datetime.date) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, 1, tzinfo=timezone.get_current_timezone())


def _months_back(start: datetime.datetime, count: int) -> datetime.datetime:
    month = start.month - count
    year = start.year + (month - 1) // 12
    return start.replace(year=year, month=(month - 1) % 12 + 1)


def _compute(today: datetime.date) -> dict:
    tz = timezone.get_current_timezone()
    this_month = _month_start(today)
    first_month = _months_back(this_month, MONTHS - 1)
    day_start = datetime.datetime.combine(today, datetime.time.min, tzinfo=tz)
    day_end = day_start + datetime.timedelta(days=1)

    parties = Party.objects.aggregate(
        persons=Count("id", filter=Q(kind=Party.Kind.PERSON)),
        organisations=Count("id", filter=Q(kind=Party.Kind.ORGANISATION)),
        new_this_month=Count("id", filter=Q(created__gte=this_month)),
    )
    leads = Lead.objects.filter(opportunity__isnull=True).aggregate(count=Count("id"), value=Sum("value"))
    opportunities = Opportunity.objects.filter(status__won=False, status__lost=False).aggregate(
        count=Count("id"), value=Sum("value")
    )
    pending = Activity.State.PENDING
    activities = Activity.objects.filter(state=pending, start__lt=day_end).aggregate(
        due_today=Count("id", filter=Q(start__gte=day_start)),
        overdue=Count("id", filter=Q(start__lt=day_start)),
    )
    running = [InsightExport.State.PENDING, InsightExport.State.RUNNING]
    exports = InsightExport.objects.filter(state__in=running).count()
    jobs = Job.objects.filter(state__in=[Job.State.PENDING, Job.State.RUNNING]).count()

    per_month = {}
    for row in (
        Party.objects.filter(created__gte=first_month)
        .annotate(month=TruncMonth("created", tzinfo=tz))
        .values("month", "kind")
        .order_by()
        .annotate(n=Count("id"))
    ):
        per_month[(row["month"].date().replace(day=1), row["kind"])] = row["n"]
    months = [_months_back(this_month, MONTHS - 1 - i).date() for i in range(MONTHS)]

    by_type = list(
        Activity.objects.values("activity_type__name")
        .annotate(n=Count("id"))
        .order_by("-n", "activity_type__name")
    )
    by_stage = list(
        Opportunity.objects.filter(status__won=False, status__lost=False)
        .values("status__name", "status__sort_order_plug", "status__opportunity_type__name")
        .annotate(n=Count("id"), value=Sum("value"))
        .order_by("status__opportunity_type__name", "status__sort_order_plug", "status__name")
    )
    return {
        "parties": parties,
        "leads": {"count": leads["count"], "value": leads["value"] or 0},
        "opportunities": {"count": opportunities["count"], "value": opportunities["value"] or 0},
        "activities": activities,
        "running_exports": exports,
        "running_jobs": jobs,
        "new_parties": {
            "labels": [month.strftime("%b %Y") for month in months],
            "persons": [per_month.get((month, Party.Kind.PERSON), 0) for month in months],
            "organisations": [per_month.get((month, Party.Kind.ORGANISATION), 0) for month in months],
        },
        "activities_by_type": [
            {"label": row["activity_type__name"] or "(no type)", "count": row["n"]} for row in by_type[:12]
        ],
        "pipeline": [
            {
                "label": f"{row['status__opportunity_type__name']}: {row['status__name']}",
                "count": row["n"],
                "value": float(row["value"] or 0),
            }
            for row in by_stage
        ],
        "computed_at": timezone.now().isoformat(),
    }


def figures(refresh: bool = False) -> dict:
    """The dashboard's figures, from the cache when there (at most CACHE_SECONDS old)."""
    data = None if refresh else cache.get(CACHE_KEY)
    if data is None:
        data = _compute(timezone.localdate())
        cache.set(CACHE_KEY, data, CACHE_SECONDS)
    return data


def _money(value) -> str:
    return f"{float(value or 0):,.0f}".replace(",", "\u202f")


def _chart(labels, datasets) -> str:
    return json.dumps({"labels": labels, "datasets": datasets})


def dashboard_callback(request, context):
    data = figures(refresh=request.GET.get("refresh") == "1")
    parties, activities = data["parties"], data["activities"]
    pending = reverse("admin:sales_activity_changelist") + "?state__exact=pending"
    cards = [
        ("Persons", f"{parties['persons']:,}", "person", reverse("admin:parties_person_changelist"), ""),
        (
            "Organisations",
            f"{parties['organisations']:,}",
            "corporate_fare",
            reverse("admin:parties_organisation_changelist"),
            "",
        ),
        ("New this month", f"{parties['new_this_month']:,}", "person_add", "", "persons and organisations"),
        (
            "Open leads",
            f"{data['leads']['count']:,}",
            "person_search",
            reverse("admin:sales_lead_changelist"),
            f"worth {_money(data['leads']['value'])}",
        ),
        (
            "Open opportunities",
            f"{data['opportunities']['count']:,}",
            "trending_up",
            reverse("admin:sales_opportunity_changelist"),
            f"worth {_money(data['opportunities']['value'])}",
        ),
        ("Activities due today", f"{activities['due_today']:,}", "event", pending, "pending, starting today"),
        (
            "Overdue activities",
            f"{activities['overdue']:,}",
            "event_busy",
            pending,
            "pending, started before today",
        ),
        (
            "Running exports",
            f"{data['running_exports']:,}",
            "download",
            reverse("admin:insights_insightexport_changelist"),
            f"{data['running_jobs']:,} background jobs queued or running",
        ),
    ]
    new_parties = data["new_parties"]
    context.update(
        {
            "kpi_cards": [
                {"title": t, "value": v, "icon": i, "href": h, "footer": f} for t, v, i, h, f in cards
            ],
            "chart_new_parties": _chart(
                new_parties["labels"],
                [
                    {
                        "label": "Persons",
                        "data": new_parties["persons"],
                        "backgroundColor": "var(--color-primary-600)",
                    },
                    {
                        "label": "Organisations",
                        "data": new_parties["organisations"],
                        "backgroundColor": "var(--color-primary-300)",
                    },
                ],
            ),
            "chart_activity_types": _chart(
                [row["label"] for row in data["activities_by_type"]],
                [
                    {
                        "label": "Activities",
                        "data": [row["count"] for row in data["activities_by_type"]],
                        "backgroundColor": "var(--color-primary-500)",
                    }
                ],
            ),
            "chart_pipeline": _chart(
                [row["label"] for row in data["pipeline"]],
                [
                    {
                        "label": "Value",
                        "data": [row["value"] for row in data["pipeline"]],
                        "backgroundColor": "var(--color-primary-600)",
                    },
                ],
            ),
            "pipeline_rows": data["pipeline"],
            "dashboard_computed_at": datetime.datetime.fromisoformat(data["computed_at"]),
        }
    )
    return context
