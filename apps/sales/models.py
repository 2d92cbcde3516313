"""Activities: one table that every API shows in its own way.

- Peepl: `kind` is its activity type (internal, external, announcement, sale, session; a CRM
  `task` shows as `task`), with registration dates, a default price, products with prices per
  group, attendance.
- Cirrus: `activity_type` (a lookup), `account`, `contact` (the primary contact), `owner` (the
  user), the date and times (from `start`/`end`), `closed` (from `state`), the progression
  state, the result, priority, opportunity, reminder, invited users and contacts (attendance),
  answers to the type's questions, contact attempts, followers, tags and files (content.File rows
  whose `activity` is this one).
- CRM.COM: `activity_type`, `state` with its history (ActivityStateChange), the schedule
  (`start`/`end`), the related contact, the assigned user (`owner`), tags, the public uuid.

The sales pipeline beside them: leads (with their statuses, sources and lead activities),
opportunities (with their types, statuses valid per type, estimates, reasons, states) and
challenges (sales gamification between two users, scored from the pipeline by a query).
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q

from apps.core.models import AppliesTo, BaseModel

from .models_orders import (  # noqa: F401  (the orders' models belong to this app)
    DeliveryTerm,
    DeliveryType,
    DocumentFields,
    OrderRow,
    OrderStatus,
    OrderType,
    Quote,
    QuoteRelation,
    QuoteRow,
    QuoteStatus,
)


class Lookup(BaseModel):
    """A named row of reference data, kept in the admin (or shipped by a data migration) and
    listed in its sort order."""

    name = models.CharField(max_length=100)
    sort_order = models.IntegerField(default=0)

    class Meta:
        abstract = True
        ordering = ["sort_order", "name", "id"]

    def __str__(self):
        return self.name


class ActivityType(BaseModel):
    """A kind of CRM activity as Cirrus and CRM.COM name it (call, meeting, visit...)."""

    name = models.CharField(max_length=100)
    code = models.SlugField(max_length=50, unique=True, null=True, blank=True)
    colour = models.CharField(max_length=20, blank=True, help_text="Free text, e.g. 876FD5.")
    sort_order = models.PositiveIntegerField(default=0)
    is_default = models.BooleanField(default=False)
    default_description = models.TextField(blank=True)
    default_result = models.TextField(blank=True)
    # Cirrus: a value (points) and icon number for clients, quick registration, and how many
    # weeks until the (alternate) user should follow up.
    value = models.IntegerField(null=True, blank=True)
    icon = models.IntegerField(null=True, blank=True)
    is_quick = models.BooleanField("quick", default=False, help_text="Offered for quick registration.")
    user_followups = models.IntegerField(null=True, blank=True)
    alternate_user_followups = models.IntegerField(null=True, blank=True)

    class Meta:
        ordering = ["sort_order", "name", "id"]

    def __str__(self):
        return self.name


class ActivityTypeQuestion(BaseModel):
    """A question an activity of this type asks (answered per activity: ActivityAnswer)."""

    activity_type = models.ForeignKey(ActivityType, on_delete=models.CASCADE, related_name="questions")
    question = models.CharField(max_length=255)
    sort_order = models.IntegerField(default=0)

    class Meta:
        ordering = ["activity_type", "sort_order", "id"]

    def __str__(self):
        return self.question


class ActivityPriority(Lookup):
    class Meta(Lookup.Meta):
        verbose_name_plural = "activity priorities"


class ProgressionState(BaseModel):
    """How far an activity or an opportunity has come; Cirrus keeps the two sets apart."""

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

    # Peepl creates the first five; a `task` is a CRM activity (Cirrus, CRM.COM). Every API lists
    # every kind, except CRM.COM (tasks only).

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
    # Cirrus: priority, the opportunity it serves, who else is invited (users here, contacts as
    # attendance), who follows it, a reminder, and an id in an extras system.
    priority = models.ForeignKey(
        ActivityPriority, null=True, blank=True, on_delete=models.SET_NULL, related_name="activities"
    )
    opportunity = models.ForeignKey(
        "sales.Opportunity", null=True, blank=True, on_delete=models.SET_NULL, related_name="activities"
    )
    invited_users = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="invited_activities"
    )
    followers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="followed_activities"
    )
    reminder_minutes = models.PositiveIntegerField(
        null=True, blank=True, help_text="Remind this many minutes before the start (empty: no reminder)."
    )
    reminder_text = models.CharField(max_length=255, blank=True)
    reminder_done = models.BooleanField(default=False)
    extras_external_id = models.BigIntegerField(null=True, blank=True)
    custom_field_values = GenericRelation("core.CustomFieldValue", related_query_name="activity")

    class Meta:
        verbose_name_plural = "activities"
        ordering = ["start", "id"]
        indexes = [
            models.Index(fields=["kind", "start"]),
            models.Index(fields=["state", "completed_at"]),
            # Cirrus's activity filters, each with the default date order
            models.Index(fields=["owner", "start"], name="activity_owner_start"),
            models.Index(fields=["account", "start"], name="activity_account_start"),
            models.Index(fields=["contact", "start"], name="activity_contact_start"),
            models.Index(fields=["activity_type", "start"], name="activity_type_start"),
            models.Index(fields=["state", "start"], name="activity_state_start"),
            models.Index(fields=["opportunity", "start"], name="activity_opportunity_start"),
            models.Index(fields=["progression_state", "start"], name="activity_progression_start"),
            models.Index(fields=["start", "id"], name="activity_start_id"),
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

    @property
    def has_reminder(self) -> bool:
        return self.reminder_minutes is not None or bool(self.reminder_text)

    def custom_field_targets(self) -> list[str]:
        return [AppliesTo.ACTIVITY]


class ActivityAnswer(models.Model):
    """An activity's answer to a question of its type."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(ActivityTypeQuestion, on_delete=models.CASCADE, related_name="answers")
    answer = models.TextField(blank=True)

    class Meta:
        ordering = ["question__sort_order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["activity", "question"], name="one_answer_per_question")
        ]

    def __str__(self):
        return f"{self.question}: {self.answer}"


class ContactAttempt(models.Model):
    """A try at reaching an activity's contact (Cirrus's `contactattempts`): when, who, a note."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="contact_attempts")
    note = models.TextField(blank=True)
    time = models.DateTimeField()
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["time", "id"]
        indexes = [models.Index(fields=["activity", "time"], name="contact_attempt_activity_time")]

    def __str__(self):
        return f"{self.activity}: {self.time:%Y-%m-%d %H:%M}"


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


# --- What CRM.COM activities link to besides a contact and a lead (fuller orders come later) ---


class Order(DocumentFields, BaseModel):
    """A customer's order: CRM.COM's activities (deliveries, installations) may take place at its
    address; Cirrus's orders (O104-O107) carry the account, sellers, terms and rows
    (DocumentFields, OrderRow in models_orders), and a won opportunity links to the order it
    became (`Opportunity.order`, set by services_orders.order_from_opportunity)."""

    number = models.CharField(
        max_length=50, unique=True, blank=True, help_text="Given on creation when left empty: the id."
    )
    description = models.TextField(blank=True)
    contact = models.ForeignKey(
        "parties.Party", null=True, blank=True, on_delete=models.SET_NULL, related_name="orders"
    )
    address = models.ForeignKey(
        "parties.Address", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    order_type = models.ForeignKey(
        OrderType, null=True, blank=True, on_delete=models.PROTECT, related_name="orders", verbose_name="type"
    )
    status = models.ForeignKey(
        OrderStatus, null=True, blank=True, on_delete=models.PROTECT, related_name="orders"
    )
    delivered = models.BooleanField(default=False)
    invoice_name = models.CharField(max_length=255, blank=True)
    invoice_street = models.CharField(max_length=255, blank=True)
    invoice_zip = models.CharField(max_length=20, blank=True)
    invoice_city = models.CharField(max_length=100, blank=True)
    invoice_country = models.CharField(max_length=100, blank=True)
    invoice_email = models.CharField(max_length=254, blank=True)
    invoice_number = models.CharField(max_length=100, blank=True)
    invoice_date = models.CharField(max_length=30, blank=True, help_text="Free text, as Cirrus sends it.")

    class Meta:
        ordering = ["-created", "-id"]
        indexes = [
            # Cirrus's order filters and sort orders (O105), each with the default date order
            models.Index(fields=["place_date", "id"], name="order_place_date"),
            models.Index(fields=["delivery_date", "id"], name="order_delivery_date"),
            models.Index(fields=["account", "place_date"], name="order_account_place"),
            models.Index(fields=["status", "place_date"], name="order_status_place"),
            models.Index(fields=["order_type", "place_date"], name="order_type_place"),
            models.Index(fields=["user", "place_date"], name="order_user_place"),
            models.Index(fields=["user2", "place_date"], name="order_user2_place"),
            models.Index(fields=["contact", "place_date"], name="order_contact_place"),
            models.Index(fields=["opportunity", "place_date"], name="order_opportunity_place"),
            models.Index(fields=["external_key", "id"], name="order_external_key"),
            models.Index(fields=["alternate_id"], name="order_alternate_id"),
        ]

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


# --- Leads ------------------------------------------------------------------------------------


class Source(Lookup):
    """Where a lead or an opportunity came from (a fair, the website, a referral)."""

    is_default = models.BooleanField("default", default=False)


class LeadStatus(Lookup):
    class Meta(Lookup.Meta):
        verbose_name_plural = "lead statuses"
        indexes = [
            models.Index(fields=["sort_order", "id"], name="lead_status_sort_order"),
        ]


class LeadActivityType(Lookup):
    pass


class Lead(BaseModel):
    """A sales lead: someone's interest before it is an opportunity. It belongs to a party (an
    account, or a person) or, before there is one, to a prospect described by the `prospect_*`
    fields; converting it makes an opportunity (services_pipeline.convert_lead)."""

    title = models.CharField(max_length=255, blank=True)
    description = models.TextField(blank=True)
    contact = models.ForeignKey(
        "parties.Party",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="leads",
        help_text="The account (or person) the lead belongs to, once there is one.",
    )
    prospect_title = models.CharField(max_length=100, blank=True)
    prospect_first_name = models.CharField(max_length=100, blank=True)
    prospect_last_name = models.CharField(max_length=100, blank=True)
    prospect_company = models.CharField(max_length=255, blank=True)
    prospect_street = models.CharField(max_length=200, blank=True)
    prospect_city = models.CharField(max_length=100, blank=True)
    prospect_postal_code = models.CharField(max_length=20, blank=True)
    prospect_phone = models.CharField(max_length=50, blank=True)
    prospect_mobile = models.CharField(max_length=50, blank=True)
    prospect_email = models.CharField(max_length=254, blank=True)
    prospect_vat_number = models.CharField("prospect VAT number", max_length=50, blank=True)
    value = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    rating = models.IntegerField(null=True, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="owned_leads"
    )
    source = models.ForeignKey(Source, null=True, blank=True, on_delete=models.PROTECT, related_name="leads")
    status = models.ForeignKey(
        LeadStatus, null=True, blank=True, on_delete=models.PROTECT, related_name="leads"
    )
    tags = models.ManyToManyField("core.Tag", blank=True, related_name="leads")
    opportunity = models.ForeignKey(
        "sales.Opportunity",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="leads",
        help_text="The opportunity the lead was converted to.",
    )
    custom_field_values = GenericRelation("core.CustomFieldValue", related_query_name="lead")

    class Meta:
        ordering = ["-created", "-id"]
        indexes = [
            # Cirrus's lead filters and sort orders
            models.Index(fields=["created", "id"], name="lead_created_id"),
            models.Index(fields=["status", "created"], name="lead_status_created"),
            models.Index(fields=["source", "created"], name="lead_source_created"),
            models.Index(fields=["owner", "created"], name="lead_owner_created"),
            models.Index(fields=["rating", "created"], name="lead_rating_created"),
            models.Index(fields=["value", "id"], name="lead_value_id"),
        ]

    def __str__(self):
        return self.title or self.prospect_company or f"Lead {self.pk}"

    def custom_field_targets(self) -> list[str]:
        return [AppliesTo.LEAD]


class LeadActivity(BaseModel):
    """Something done or to do about a lead (a call, a note), with a follow-up time."""

    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="lead_activities")
    activity_type = models.ForeignKey(
        LeadActivityType, null=True, blank=True, on_delete=models.PROTECT, related_name="lead_activities"
    )
    comment = models.TextField()
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    followup = models.DateTimeField(null=True, blank=True)
    done = models.BooleanField(default=False)

    class Meta:
        verbose_name_plural = "lead activities"
        ordering = ["done", "id"]
        indexes = [
            # Cirrus's lead activity filters and sort orders
            models.Index(fields=["done", "id"], name="lead_activity_done_id"),
            models.Index(fields=["lead", "done"], name="lead_activity_lead_done"),
            models.Index(fields=["owner", "done"], name="lead_activity_owner_done"),
            models.Index(fields=["activity_type", "done"], name="lead_activity_type_done"),
            models.Index(fields=["followup", "id"], name="lead_activity_followup_id"),
            models.Index(fields=["created", "id"], name="lead_activity_created_id"),
        ]

    def __str__(self):
        return f"{self.lead}: {self.comment[:50]}"


# --- Opportunities ----------------------------------------------------------------------------


class OpportunityType(Lookup):
    is_default = models.BooleanField("default", default=False)


class OpportunityStatus(Lookup):
    """A step of an opportunity of one type; a won or lost status closes it."""

    opportunity_type = models.ForeignKey(OpportunityType, on_delete=models.PROTECT, related_name="statuses")
    description = models.CharField(max_length=255, blank=True)
    colour = models.CharField(max_length=20, blank=True, help_text="Free text, e.g. #2E8B57.")
    sort_order_plug = models.IntegerField(default=0, help_text="Its place in a pipeline (funnel) view.")
    won = models.BooleanField(default=False)
    lost = models.BooleanField(default=False)

    class Meta(Lookup.Meta):
        verbose_name_plural = "opportunity statuses"
        ordering = ["opportunity_type", "sort_order", "name", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(won=True, lost=True), name="status_not_won_and_lost")
        ]


class OpportunityEstimate(Lookup):
    """How likely an opportunity is to be won, as a probability in per cent."""

    probability = models.PositiveSmallIntegerField(default=0, help_text="Per cent, 0-100.")
    visible = models.BooleanField(default=True)

    class Meta(Lookup.Meta):
        constraints = [models.CheckConstraint(condition=Q(probability__lte=100), name="estimate_at_most_100")]


class OpportunityReason(Lookup):
    """Why opportunities are won or lost."""

    class Kind(models.TextChoices):
        WON = "won", "Win reason"
        LOST = "lost", "Lost reason"

    kind = models.CharField(max_length=10, choices=Kind.choices)

    class Meta(Lookup.Meta):
        ordering = ["kind", "sort_order", "name", "id"]


class OpportunityState(Lookup):
    """Where an opportunity stands for the customer (Cirrus's `state`: quoted, negotiating...)."""


class Opportunity(BaseModel):
    """A chance to sell to an account: its value, how likely it is (the estimate), where it is
    (type and status), when it should close, and, once won, the order it became."""

    title = models.CharField(max_length=255)
    description = models.TextField(blank=True)
    account = models.ForeignKey("parties.Party", on_delete=models.PROTECT, related_name="opportunities")
    alt_account = models.ForeignKey(
        "parties.Party",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="alt_opportunities",
        verbose_name="alternative account",
    )
    contact = models.ForeignKey(
        "parties.Party", on_delete=models.PROTECT, related_name="contact_opportunities"
    )
    phone = models.CharField(max_length=50, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_opportunities",
        help_text="The responsible user.",
    )
    result = models.TextField(blank=True)
    value = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    alt_value = models.DecimalField(
        "alternative value", max_digits=14, decimal_places=2, null=True, blank=True
    )
    alt_value_label = models.CharField("alternative value label", max_length=100, blank=True)
    opportunity_type = models.ForeignKey(
        OpportunityType, on_delete=models.PROTECT, related_name="opportunities"
    )
    status = models.ForeignKey(OpportunityStatus, on_delete=models.PROTECT, related_name="opportunities")
    estimate = models.ForeignKey(
        OpportunityEstimate, null=True, blank=True, on_delete=models.SET_NULL, related_name="opportunities"
    )
    estimated_end_date = models.DateField(help_text="When it is expected to close.")
    end_date = models.DateField(null=True, blank=True, help_text="When it closed.")
    closed = models.BooleanField(default=False)
    lost_reason = models.ForeignKey(
        OpportunityReason,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="lost_opportunities",
        limit_choices_to={"kind": OpportunityReason.Kind.LOST},
    )
    win_reason = models.ForeignKey(
        OpportunityReason,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="won_opportunities",
        limit_choices_to={"kind": OpportunityReason.Kind.WON},
    )
    state = models.ForeignKey(
        OpportunityState, null=True, blank=True, on_delete=models.SET_NULL, related_name="opportunities"
    )
    source = models.ForeignKey(
        Source, null=True, blank=True, on_delete=models.SET_NULL, related_name="opportunities"
    )
    progression_state = models.ForeignKey(
        ProgressionState,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="opportunities",
        limit_choices_to={"applies_to": ProgressionState.AppliesTo.OPPORTUNITY},
    )
    tags = models.ManyToManyField("core.Tag", blank=True, related_name="opportunities")
    followers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="followed_opportunities"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The hook for orders: a won opportunity becomes an order (the orders domain sets this).
    order = models.ForeignKey(
        "sales.Order",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="opportunities",
        help_text="The order this won opportunity became.",
    )
    custom_field_values = GenericRelation("core.CustomFieldValue", related_query_name="opportunity")

    class Meta:
        verbose_name_plural = "opportunities"
        ordering = ["estimated_end_date", "id"]
        indexes = [
            # Cirrus's opportunity filters, each with the default order (estimatedenddate)
            models.Index(fields=["estimated_end_date", "id"], name="opportunity_estimated_end"),
            models.Index(fields=["owner", "estimated_end_date"], name="opportunity_owner_end"),
            models.Index(fields=["account", "estimated_end_date"], name="opportunity_account_end"),
            models.Index(fields=["contact", "estimated_end_date"], name="opportunity_contact_end"),
            models.Index(fields=["status", "estimated_end_date"], name="opportunity_status_end"),
            models.Index(fields=["estimate", "estimated_end_date"], name="opportunity_estimate_end"),
            models.Index(fields=["opportunity_type", "estimated_end_date"], name="opportunity_type_end"),
            models.Index(fields=["closed", "estimated_end_date"], name="opportunity_closed_end"),
            models.Index(fields=["end_date", "id"], name="opportunity_end_date"),
            models.Index(fields=["lost_reason", "estimated_end_date"], name="opportunity_lost_end"),
            models.Index(fields=["win_reason", "estimated_end_date"], name="opportunity_win_end"),
            models.Index(fields=["progression_state", "estimated_end_date"], name="opportunity_progress_end"),
        ]

    def __str__(self):
        return self.title

    @property
    def won(self) -> bool:
        return self.status.won

    @property
    def probability(self) -> int | None:
        """Per cent, from the estimate."""
        return self.estimate.probability if self.estimate_id else None

    def custom_field_targets(self) -> list[str]:
        return [AppliesTo.OPPORTUNITY]


# --- Challenges (sales gamification) -----------------------------------------------------------


class ChallengeType(Lookup):
    """What a challenge measures, over how many days; scores are counted from the pipeline."""

    class Metric(models.TextChoices):
        ACTIVITIES = "activities", "Activities completed"
        LEADS = "leads", "Leads created"
        OPPORTUNITIES = "opportunities", "Opportunities created"
        WON = "won", "Opportunities won"
        WON_VALUE = "won_value", "Value of opportunities won"

    metric = models.CharField(max_length=20, choices=Metric.choices, default=Metric.ACTIVITIES)
    duration_days = models.PositiveSmallIntegerField(default=7)


class Challenge(BaseModel):
    """One user challenges another to do better over a period; the challenged user accepts or
    declines. When the period is over, the one with the higher score wins (services_challenges)."""

    challenge_type = models.ForeignKey(ChallengeType, on_delete=models.PROTECT, related_name="challenges")
    start = models.DateTimeField()
    stop = models.DateTimeField()
    active = models.BooleanField(default=True, help_text="Off once declined or decided.")
    winner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="won_challenges",
    )

    class Meta:
        ordering = ["-active", "id"]
        indexes = [
            models.Index(fields=["active", "id"], name="challenge_active_id"),
            models.Index(fields=["challenge_type", "id"], name="challenge_type_id"),
            models.Index(fields=["winner", "id"], name="challenge_winner_id"),
            models.Index(fields=["start", "stop"], name="challenge_period"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(stop__gte=F("start")), name="challenge_stop_after_start")
        ]

    def __str__(self):
        return f"{self.challenge_type} challenge {self.pk}"


class ChallengeParticipant(models.Model):
    """The challenger (`is_owner`) or the challenged user of a challenge; `accepted` is when they
    agreed (the challenger on issuing it)."""

    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="participants")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="challenge_participations"
    )
    is_owner = models.BooleanField(default=False, help_text="The challenger.")
    accepted = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-is_owner", "id"]
        indexes = [models.Index(fields=["user", "is_owner", "challenge"], name="challenge_participant_user")]
        constraints = [
            models.UniqueConstraint(fields=["challenge", "is_owner"], name="one_challenger_one_challenged"),
            models.UniqueConstraint(fields=["challenge", "user"], name="challenge_user_once"),
        ]

    def __str__(self):
        return f"{self.user} in {self.challenge}"
