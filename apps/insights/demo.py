"""Demo insights: open activities by type, and payments per currency. Idempotent by name."""

from . import services
from .models import Insight


def _insight(name, description, event, measurement, filters, breakdowns):
    if Insight.objects.filter(name=name).exists():
        return
    insight = services.create_insight(None, name=name, description=description)
    services.set_event(None, insight, event=event, measurement=measurement)
    services.set_filters(None, insight, filters)
    services.set_breakdowns(None, insight, breakdowns)


def seed(stdout):
    _insight(
        "Open activities by type",
        "Pending CRM activities, per activity type.",
        "ACTIVITIES",
        "COUNT",
        [{"field": "state", "op": "eq", "value": "PENDING"}],
        ["type"],
    )
    _insight("Payments per currency", "Money received.", "PAYMENTS", "AMOUNT", [], ["currency_code"])
    stdout.write(f"Insights: {Insight.objects.count()}.")
