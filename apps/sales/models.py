"""Activities: one table that every API shows in its own way.

- Peepl: `kind` is its activity type (internal, external, announcement, sale, session), with
  registration dates, a default price, products with prices per group, attendance.
- Cirrus: `activity_type` (a lookup), `account`, `contact` (the primary contact), `owner` (the
  user), the date and duration (from `start`/`end`), `closed` (from `state`), the progression
  state, the result, tags and files (content.File rows whose `activity` is this one).
- CRM.COM: `activity_type`, `state` with its history (ActivityStateChange), the schedule
  (`start`/`end`), the related contact, the assigned user (`owner`), tags, the public uuid.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q

from apps.core.models import AppliesTo, BaseModel


class ActivityType(BaseModel):
    """A kind of CRM activity as Cirrus and CRM.COM name it (call, meeting, visit...)."""

    name = models.CharField(max_length=100)
    code = models.SlugField(max_length=50, unique=True, null=True, blank=True)
    colour = models.CharField(max_length=20, blank=True, help_text="Free text, e.g. 876FD5.")
    sort_order = models.PositiveIntegerField(default=0)
    is_default = models.BooleanField(default=False)
    default_description = models.TextField(blank=True)
    default_result = models.TextField(blank=True)

    class Meta:
        ordering = ["sort_order", "name", "id"]

    def __str__(self):
        return self.name


class ProgressionState(BaseModel):
    """How far an activity (or, later, an opportunity) has come; Cirrus keeps the two sets apart."""

    class AppliesTo(models.TextChoices):
        ACTIVITY = "activity", "Activities"
        OPPORTUNITY = "opportunity", "Opportunities"

    name = models.CharField(max_length=100)
    applies_to = models.CharField(max_length=20, choices=AppliesTo.choices, default=AppliesTo.ACTIVITY)
    sort_order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["applies_to", "sort_order", "id"]

    def __str__(self):
        return self.name


class Activity(BaseModel):
    class Kind(models.TextChoices):
        INTERNAL = "internal", "Internal activity"
        EXTERNAL = "external", "External activity"
        ANNOUNCEMENT = "announcement", "Announcement"
        SALE = "sale", "Sale"
        SESSION = "session", "Session"
        TASK = "task", "Task (call, meeting, visit)"

    class State(models.TextChoices):
        PENDING = "pending", "Pending"
        COMPLETED = "completed", "Completed"
        CANCELLED = "cancelled", "Cancelled"

    # The kinds Peepl shows; a `task` is a CRM activity of Cirrus and CRM.COM only.
    PEEPL_KINDS = (Kind.INTERNAL, Kind.EXTERNAL, Kind.ANNOUNCEMENT, Kind.SALE, Kind.SESSION)

    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.TASK, db_index=True)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="sessions",
        help_text="The activity a session belongs to (sessions only).",
    )
    name = models.CharField(max_length=255)
    description = models.TextField(blank=True)
    activity_type = models.ForeignKey(
        ActivityType, null=True, blank=True, on_delete=models.PROTECT, related_name="activities"
    )
    start = models.DateTimeField(db_index=True, help_text="Start, or the scheduled time.")
    end = models.DateTimeField(null=True, blank=True, help_text="Empty: no end (or a point in time).")
    location = models.CharField(max_length=255, null=True, blank=True)
    is_public = models.BooleanField(default=False)
    permissions = models.JSONField(default=list, blank=True, help_text="Who may see it (a JSON array).")
    registration_start = models.DateTimeField(null=True, blank=True)
    registration_deadline = models.DateTimeField(null=True, blank=True)
    default_price = models.DecimalField(
        max_digits=10, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    state = models.CharField(max_length=20, choices=State.choices, default=State.PENDING, db_index=True)
    completed_at = models.DateTimeField(null=True, blank=True, editable=False)
    result = models.TextField(blank=True, help_text="The outcome.")
    account = models.ForeignKey(
        "parties.Party",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="account_activities",
        help_text="The organisation (or person) the activity is for.",
    )
    contact = models.ForeignKey(
        "parties.Party",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="contact_activities",
        help_text="The primary contact.",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_activities",
        help_text="The user the activity is assigned to.",
    )
    progression_state = models.ForeignKey(
        ProgressionState, null=True, blank=True, on_delete=models.SET_NULL, related_name="activities"
    )
    tags = models.ManyToManyField("core.Tag", blank=True, related_name="activities")
    external_key = models.CharField(max_length=100, blank=True, db_index=True)
    # CRM.COM: what the activity is about besides its contact, who works on it, and where.
    lead = models.ForeignKey(
        "sales.Lead", null=True, blank=True, on_delete=models.SET_NULL, related_name="activities"
    )
    order = models.ForeignKey(
        "sales.Order", null=True, blank=True, on_delete=models.SET_NULL, related_name="activities"
    )
    service_request = models.ForeignKey(
        "sales.ServiceRequest", null=True, blank=True, on_delete=models.SET_NULL, related_name="activities"
    )
    team = models.ForeignKey(
        "parties.BusinessUnit",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="activities",
        help_text="The team the activity is assigned to.",
    )
    address = models.JSONField(
        null=True, blank=True, help_text="A copy of the address the activity takes place at (CRM.COM)."
    )
    custom_field_values = GenericRelation("core.CustomFieldValue", related_query_name="activity")

    class Meta:
        verbose_name_plural = "activities"
        ordering = ["start", "id"]
        indexes = [
            models.Index(fields=["kind", "start"]),
            models.Index(fields=["state", "completed_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=F("start")), name="activity_end_after_start"
            ),
            models.CheckConstraint(
                condition=Q(kind="session", parent__isnull=False)
                | (~Q(kind="session") & Q(parent__isnull=True)),
                name="activity_only_sessions_have_a_parent",
            ),
            models.CheckConstraint(
                condition=Q(default_price__isnull=True) | Q(default_price__gte=0),
                name="activity_default_price_not_negative",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def closed(self) -> bool:
        """Cirrus's `closed`: no longer pending."""
        return self.state != self.State.PENDING

    @property
    def duration(self):
        """Cirrus's duration: end minus start (None without an end)."""
        return self.end - self.start if self.end else None

    def custom_field_targets(self) -> list[str]:
        return [AppliesTo.ACTIVITY]


class ActivityStateChange(models.Model):
    """CRM.COM's `states`: every state an activity entered, oldest first."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="state_changes")
    state = models.CharField(max_length=20, choices=Activity.State.choices)
    time = models.DateTimeField()

    class Meta:
        ordering = ["time", "id"]
        indexes = [models.Index(fields=["activity", "time"])]

    def __str__(self):
        return f"{self.activity}: {self.state}"


class Attendance(BaseModel):
    """A party's registration for an activity, and whether it came."""

    class Status(models.TextChoices):
        REGISTERED = "registered", "Registered"
        NOT_ATTENDING = "not_attending", "Not attending"
        PRESENT = "present", "Present"
        ABSENT = "absent", "Absent"
        EXCUSED = "excused", "Excused"

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="attendances")
    party = models.ForeignKey("parties.Party", on_delete=models.CASCADE, related_name="attendances")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.REGISTERED)
    registered_at = models.DateTimeField(null=True, blank=True)
    checked_in_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField(max_length=255, blank=True)

    class Meta:
        verbose_name_plural = "attendance"
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "party"], name="one_attendance_per_party_and_activity"
            )
        ]

    def __str__(self):
        return f"{self.party} at {self.activity}: {self.get_status_display()}"


class Product(BaseModel):
    """Something sold at an activity (a ticket, a meal), with a default price for everyone."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="products")
    name = models.CharField(max_length=255)
    description = models.TextField(null=True, blank=True)
    price = models.DecimalField(max_digits=10, decimal_places=2, validators=[MinValueValidator(0)])
    max_quantity = models.PositiveIntegerField(null=True, blank=True, validators=[MinValueValidator(1)])

    class Meta:
        ordering = ["id"]
        constraints = [models.CheckConstraint(condition=Q(price__gte=0), name="product_price_not_negative")]

    def __str__(self):
        return self.name


class ProductPrice(BaseModel):
    """What members of a group pay for a product instead of its default price."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="prices")
    group = models.ForeignKey("parties.Group", on_delete=models.CASCADE, related_name="product_prices")
    price = models.DecimalField(max_digits=10, decimal_places=2, validators=[MinValueValidator(0)])

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["product", "group"], name="one_price_per_product_and_group"),
            models.CheckConstraint(condition=Q(price__gte=0), name="product_group_price_not_negative"),
        ]

    def __str__(self):
        return f"{self.product} for {self.group}: {self.price}"


# --- What CRM.COM activities link to besides a contact (the fuller records come later) ------


class Lead(BaseModel):
    """A sales lead: a prospect's interest, before it becomes an opportunity."""

    title = models.CharField(max_length=255)
    description = models.TextField(blank=True)
    contact = models.ForeignKey(
        "parties.Party", null=True, blank=True, on_delete=models.SET_NULL, related_name="leads"
    )

    class Meta:
        ordering = ["-created", "-id"]

    def __str__(self):
        return self.title


class Order(BaseModel):
    """A customer's order; activities (deliveries, installations) may take place at its address."""

    number = models.CharField(max_length=50, unique=True)
    description = models.TextField(blank=True)
    contact = models.ForeignKey(
        "parties.Party", null=True, blank=True, on_delete=models.SET_NULL, related_name="orders"
    )
    address = models.ForeignKey(
        "parties.Address", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created", "-id"]

    def __str__(self):
        return self.number


class ServiceRequest(BaseModel):
    """A customer's request for service (a complaint, a repair), answered by activities."""

    number = models.CharField(max_length=50, unique=True)
    description = models.TextField(blank=True)
    contact = models.ForeignKey(
        "parties.Party", null=True, blank=True, on_delete=models.SET_NULL, related_name="service_requests"
    )
    address = models.ForeignKey(
        "parties.Address", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created", "-id"]

    def __str__(self):
        return self.number
