"""Saved insights (CRM.COM's analytics charts) and their exports.

An insight names an event (what is counted or summed), filters (a rule of the core rule engine over
that event's records) and breakdowns (attributes the results are grouped by). Its results are a
series over a date range; an export writes the matching records to a file, in a Celery task.
"""

from django.conf import settings
from django.db import models

from apps.core.models import BaseModel


class Insight(BaseModel):
    class Event(models.TextChoices):
        PURCHASES = "PURCHASES", "Purchases"
        ACHIEVEMENTS = "ACHIEVEMENTS", "Achievements"
        ORDERS = "ORDERS", "Orders"
        SERVICE_REQUESTS = "SERVICE_REQUESTS", "Service requests"
        ACTIVITIES = "ACTIVITIES", "Activities"
        SUBSCRIPTIONS = "SUBSCRIPTIONS", "Subscriptions"
        INVOICES = "INVOICES", "Invoices"
        CREDIT_NOTES = "CREDIT_NOTES", "Credit notes"
        PAYMENTS = "PAYMENTS", "Payments"
        REFUNDS = "REFUNDS", "Refunds"
        TOPUPS = "TOPUPS", "Top-ups"
        AWARDS = "AWARDS", "Awards"
        SPENDS = "SPENDS", "Spends"
        DONATIONS = "DONATIONS", "Donations"
        USAGE = "USAGE", "Usage"

    class Measurement(models.TextChoices):
        COUNT = "COUNT", "Count of occurrences"
        AMOUNT = "AMOUNT", "Total amount"

    name = models.CharField(max_length=255)
    description = models.TextField(null=True, blank=True)
    event = models.CharField(max_length=20, choices=Event.choices, blank=True)
    measurement = models.CharField(max_length=10, choices=Measurement.choices, blank=True)
    filters = models.JSONField(
        default=list, blank=True, help_text='{"attribute", "operator", "value"} conditions, all must hold.'
    )
    breakdowns = models.JSONField(default=list, blank=True, help_text="Attributes to group by.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created", "-id"]

    def __str__(self):
        return self.name


class InsightExport(BaseModel):
    """One export of an insight's records to a file, written by a Celery task that records its
    progress here. The file's name is fixed by the export, so a retried run replaces it."""

    class Format(models.TextChoices):
        CSV = "CSV", "CSV"
        PDF = "PDF", "PDF"

    class State(models.TextChoices):
        PENDING = "pending", "Pending"
        RUNNING = "running", "Running"
        COMPLETED = "completed", "Completed"
        FAILED = "failed", "Failed"

    insight = models.ForeignKey(Insight, on_delete=models.CASCADE, related_name="exports")
    format = models.CharField(max_length=3, choices=Format.choices, default=Format.CSV)
    from_date = models.DateTimeField(null=True, blank=True)
    to_date = models.DateTimeField(null=True, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING, db_index=True)
    rows_total = models.PositiveBigIntegerField(null=True, blank=True)
    rows_done = models.PositiveBigIntegerField(default=0)
    file = models.FileField(max_length=255, blank=True)
    size = models.PositiveBigIntegerField(null=True, blank=True, help_text="Bytes.")
    peak_memory = models.PositiveBigIntegerField(
        null=True, blank=True, help_text="Peak Python memory the task allocated while writing (bytes)."
    )
    attempts = models.PositiveIntegerField(default=0)
    run = models.UUIDField(null=True, blank=True, editable=False, help_text="The run that may finish it.")
    error = models.TextField(blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created", "-id"]
        # Exports hold records their requester could see: others' only with this permission.
        permissions = [("view_all_exports", "Can see every user's exports")]

    def __str__(self):
        return f"{self.insight} ({self.format}, {self.get_state_display()})"

    @property
    def progress(self) -> int:
        """Percent done (100 when completed)."""
        if self.state == self.State.COMPLETED:
            return 100
        if not self.rows_total:
            return 0
        return min(99, self.rows_done * 100 // self.rows_total)

    @property
    def file_name(self) -> str:
        """Where the file goes: fixed per export, so a retry overwrites instead of adding a file."""
        return f"exports/insights/{self.uuid}.{self.format.lower()}"


class ListExport(BaseModel):
    """An export of a back-office list as filtered on screen (persons, organisations, activities,
    financial accounts, orders...) to CSV or XLSX, written by a Celery task like an insight's
    export: streamed in chunks, progress recorded here, a fixed file name so a retry replaces it.
    The rows are the list's own query rebuilt from `query` (the list's filters and search) or the
    `ids` picked by hand."""

    class Format(models.TextChoices):
        CSV = "CSV", "CSV"
        XLSX = "XLSX", "Excel (XLSX)"

    State = InsightExport.State

    model = models.CharField(max_length=100, help_text='The listed model, "app_label.model_name".')
    query = models.CharField(max_length=2000, blank=True, help_text="The list's filters and search.")
    ids = models.JSONField(null=True, blank=True, help_text="The rows picked by hand; empty: every match.")
    format = models.CharField(max_length=4, choices=Format.choices, default=Format.CSV)
    state = models.CharField(
        max_length=10, choices=InsightExport.State.choices, default=InsightExport.State.PENDING, db_index=True
    )
    rows_total = models.PositiveBigIntegerField(null=True, blank=True)
    rows_done = models.PositiveBigIntegerField(default=0)
    file = models.FileField(max_length=255, blank=True)
    size = models.PositiveBigIntegerField(null=True, blank=True, help_text="Bytes.")
    attempts = models.PositiveIntegerField(default=0)
    run = models.UUIDField(null=True, blank=True, editable=False)
    error = models.TextField(blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created", "-id"]

    def __str__(self):
        return f"{self.model} ({self.format}, {self.get_state_display()})"

    @property
    def progress(self) -> int:
        if self.state == self.State.COMPLETED:
            return 100
        if not self.rows_total:
            return 0
        return min(99, self.rows_done * 100 // self.rows_total)

    @property
    def file_name(self) -> str:
        return f"exports/lists/{self.uuid}.{self.format.lower()}"
