"""Every write to insights and their exports, with its rules, and the evaluation of an insight
(results, preview). The admin, the APIs and the export task call these.

An insight's definition: an `event` with a `measurement` (COUNT, or AMOUNT for monetary events),
`filters` (conditions of the core rule engine, `{"field", "op", "value"}`, all must hold) over the
event's source, and `breakdowns` (attribute names). Definitions are checked against the source's
RuleSet; events this back office does not record take any filter and give zero-filled results.
"""

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Sum
from django.db.models.functions import Trunc
from django.utils import timezone

from apps.core import jobs
from apps.core.changelog import log_create, log_delete, log_save, stored_snapshot
from apps.core.rules import OPERATORS

from .models import Insight, InsightExport
from .sources import MONETARY, source_for

Event = Insight.Event
Measurement = Insight.Measurement
INTERVALS = {"DAY": "day", "WEEK": "week", "MONTH": "month"}
MAX_BUCKETS = 1000
MAX_FILTERS = 50
MAX_BREAKDOWNS = 3


@dataclass
class Definition:
    """What an insight measures; saved on an Insight or evaluated as given (a preview)."""

    event: str = ""
    measurement: str = ""
    filters: list | None = None
    breakdowns: list | None = None

    @classmethod
    def of(cls, insight: Insight) -> "Definition":
        return cls(insight.event, insight.measurement, insight.filters or [], insight.breakdowns or [])

    @property
    def rule(self) -> dict:
        return {"match": "all", "conditions": list(self.filters or [])}


def exports_visible_to(user, exports=None):
    """The exports `user` may see: their own, or every one with insights.view_all_exports."""
    exports = InsightExport.objects.all() if exports is None else exports
    if user.has_perm("insights.view_all_exports"):
        return exports
    return exports.filter(requested_by_id=user.pk)


def check_event(event: str, measurement: str) -> None:
    if event not in Event.values:
        raise ValidationError({"event": f'"{event}" is not an event.'})
    if measurement not in Measurement.values:
        raise ValidationError({"measurement": f'"{measurement}" is not a measurement.'})
    if measurement == Measurement.AMOUNT and event not in MONETARY:
        raise ValidationError({"measurement": f"{event} are not measured in money; count them."})


def check_filters(event: str, filters) -> list:
    if not isinstance(filters, list) or len(filters) > MAX_FILTERS:
        raise ValidationError({"filters": f"A list of at most {MAX_FILTERS} conditions is required."})
    for condition in filters:
        if not isinstance(condition, dict) or set(condition) - {"field", "op", "value"}:
            raise ValidationError({"filters": 'Each condition is {"field", "op", "value"}.'})
        if condition.get("op") not in OPERATORS:
            raise ValidationError({"filters": f'"{condition.get("op")}" is not an operator.'})
    source = source_for(event)
    if source is not None:
        try:
            source.rules.validate({"match": "all", "conditions": filters})
        except ValidationError as exc:
            raise ValidationError({"filters": exc.messages}) from None
    return filters


def check_breakdowns(event: str, breakdowns) -> list:
    if (
        not isinstance(breakdowns, list)
        or len(breakdowns) > MAX_BREAKDOWNS
        or not all(isinstance(b, str) for b in breakdowns)
    ):
        raise ValidationError(
            {"breakdowns": f"A list of at most {MAX_BREAKDOWNS} attribute names is required."}
        )
    if len(set(breakdowns)) != len(breakdowns):
        raise ValidationError({"breakdowns": "An attribute is named twice."})
    source = source_for(event)
    if source is not None:
        unknown = [b for b in breakdowns if b not in source.breakdowns]
        if unknown:
            allowed = ", ".join(sorted(source.breakdowns))
            raise ValidationError({"breakdowns": f'Cannot break {event} down by "{unknown[0]}" ({allowed}).'})
    return breakdowns


def check_definition(definition: Definition) -> None:
    check_event(definition.event, definition.measurement)
    check_filters(definition.event, definition.filters or [])
    check_breakdowns(definition.event, definition.breakdowns or [])


# --- Insights -----------------------------------------------------------------------------------


def _check_insight(insight: Insight) -> None:
    insight.name = (insight.name or "").strip()
    if not insight.name:
        raise ValidationError({"name": "This field may not be blank."})
    if insight.event or insight.measurement:
        check_event(insight.event, insight.measurement)
    check_filters(insight.event, insight.filters or [])
    check_breakdowns(insight.event, insight.breakdowns or [])


@transaction.atomic
def save_insight(actor, insight: Insight) -> Insight:
    """Create or update an insight whose fields are set (the admin's way in)."""
    before = stored_snapshot(insight)
    _check_insight(insight)
    insight.full_clean(validate_unique=False, validate_constraints=False)
    if before is None and insight.created_by_id is None and getattr(actor, "is_authenticated", False):
        insight.created_by = actor
    insight.save()
    log_save(actor, insight, before)
    return insight


@transaction.atomic
def create_insight(actor, *, name: str, description: str | None = None) -> Insight:
    return save_insight(actor, Insight(name=name, description=description))


UNSET = object()


@transaction.atomic
def update_insight(actor, insight: Insight, *, name=UNSET, description=UNSET) -> Insight:
    if name is not UNSET:
        insight.name = name
    if description is not UNSET:
        insight.description = description
    return save_insight(actor, insight)


@transaction.atomic
def set_event(actor, insight: Insight, *, event: str, measurement: str = Measurement.COUNT) -> Insight:
    """Replace the event; filters and breakdowns that no longer apply to it are refused."""
    check_event(event, measurement)
    insight.event, insight.measurement = event, measurement
    return save_insight(actor, insight)


@transaction.atomic
def set_filters(actor, insight: Insight, filters: list) -> Insight:
    insight.filters = check_filters(insight.event, filters)
    return save_insight(actor, insight)


@transaction.atomic
def set_breakdowns(actor, insight: Insight, breakdowns: list) -> Insight:
    insight.breakdowns = check_breakdowns(insight.event, breakdowns)
    return save_insight(actor, insight)


@transaction.atomic
def delete_insight(actor, insight: Insight) -> None:
    """Delete an insight with its exports; their files go after commit."""
    names = [name for name in insight.exports.values_list("file", flat=True) if name]
    log_delete(actor, insight)
    insight.delete()
    if names:
        from .tasks import delete_files

        jobs.enqueue(delete_files, names)


# --- Results --------------------------------------------------------------------------------------


def _local_midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))


def _bucket_start(day: datetime.date, interval: str) -> datetime.date:
    if interval == "week":
        return day - datetime.timedelta(days=day.weekday())
    if interval == "month":
        return day.replace(day=1)
    return day


def _next_bucket(day: datetime.date, interval: str) -> datetime.date:
    if interval == "week":
        return day + datetime.timedelta(days=7)
    if interval == "month":
        return (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return day + datetime.timedelta(days=1)


def buckets(start: datetime.datetime, end: datetime.datetime, interval: str) -> list[datetime.date]:
    """The first days (local time) of the intervals from `start` to `end`, both included."""
    if end < start:
        raise ValidationError({"to_date": "The end of the range must not be before its start."})
    day = _bucket_start(timezone.localtime(start).date(), interval)
    last = timezone.localtime(end).date()
    days = []
    while day <= last:
        days.append(day)
        if len(days) > MAX_BUCKETS:
            raise ValidationError({"to_date": f"At most {MAX_BUCKETS} intervals; choose a longer interval."})
        day = _next_bucket(day, interval)
    return days


def matching(definition: Definition, start=None, end=None):
    """The records an insight measures (None for an event not recorded here), in a date range."""
    source = source_for(definition.event)
    if source is None:
        return None
    queryset = source.rules.filter(source.queryset(), definition.rule)
    if start is not None:
        queryset = queryset.filter(**{f"{source.date_field}__gte": start})
    if end is not None:
        queryset = queryset.filter(**{f"{source.date_field}__lte": end})
    return queryset


def evaluate(definition: Definition, start, end, interval: str = "DAY") -> list[dict]:
    """The insight's series: one `{"date": <first day of the interval, local midnight>,
    "breakdown": {attribute: value}, "value": number}` per interval and breakdown combination
    seen in the range (zero where nothing happened), oldest first."""
    if interval not in INTERVALS:
        raise ValidationError({"interval": "DAY, WEEK or MONTH."})
    check_definition(definition)
    kind = INTERVALS[interval]
    days = buckets(start, end, kind)
    source = source_for(definition.event)
    breakdowns = list(definition.breakdowns or [])
    observed: dict[tuple, dict] = {}
    combos: dict[tuple, None] = {}
    if source is not None:
        paths = [source.breakdowns[b].path for b in breakdowns]
        amount = definition.measurement == Measurement.AMOUNT
        aggregate = Sum(source.amount) if amount else Count("pk")
        rows = (
            matching(definition, start, end)
            .annotate(bucket=Trunc(source.date_field, kind, tzinfo=timezone.get_current_timezone()))
            .values("bucket", *paths)
            .annotate(value=aggregate)
            .order_by()
        )
        for row in rows:
            day = (
                timezone.localtime(row["bucket"]).date()
                if isinstance(row["bucket"], datetime.datetime)
                else row["bucket"]
            )
            combo = tuple(source.breakdowns[b].show(row[p]) for b, p in zip(breakdowns, paths, strict=True))
            combos[combo] = None
            observed[(day, combo)] = row["value"]
    if not combos:
        combos[tuple(None for _ in breakdowns) if breakdowns else ()] = None
    ordered = sorted(combos, key=lambda combo: tuple("" if v is None else str(v) for v in combo))
    series = []
    for day in days:
        moment = int(_local_midnight(day).timestamp())
        for combo in ordered:
            value = observed.get((day, combo)) or 0
            series.append(
                {
                    "date": moment,
                    "breakdown": dict(zip(breakdowns, combo, strict=True)) if combo else {},
                    "value": float(value) if definition.measurement == Measurement.AMOUNT else int(value),
                }
            )
    return series


# --- Exports --------------------------------------------------------------------------------------


@transaction.atomic
def request_export(actor, insight: Insight, *, format: str = "CSV", start=None, end=None) -> InsightExport:
    """Record an export and queue the task that writes it (after commit)."""
    if format not in InsightExport.Format.values:
        raise ValidationError({"format": "CSV or PDF."})
    if not insight.event:
        raise ValidationError({"event": "The insight has no event to export."})
    if start is not None and end is not None and end < start:
        raise ValidationError({"to_date": "The end of the range must not be before its start."})
    export = InsightExport.objects.create(
        insight=insight,
        format=format,
        from_date=start,
        to_date=end,
        requested_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    log_create(actor, export, parent=insight)
    enqueue_export(export)
    return export


def enqueue_export(export: InsightExport) -> None:
    """Queue the export's writing as a job, recorded in this transaction (apps.core.jobs)."""
    from .tasks import export_insight

    jobs.enqueue(export_insight, export.pk)


@transaction.atomic
def retry_export(actor, export: InsightExport) -> InsightExport:
    """Run an export that failed or was interrupted again; a completed export is left as it is."""
    if export.state == InsightExport.State.COMPLETED:
        raise ValidationError("This export is complete.")
    enqueue_export(export)
    return export


@transaction.atomic
def delete_export(actor, export: InsightExport) -> None:
    name = export.file.name
    log_delete(actor, export, parent=export.insight)
    export.delete()
    if name:
        from .tasks import delete_files

        jobs.enqueue(delete_files, [name])
