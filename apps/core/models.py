"""Shared machinery: base model mixins, tags, custom fields, the change log, API keys and background
jobs."""

import uuid
from decimal import Decimal

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.utils import timezone

from .encryption import EncryptedTextField


class TimeStampedModel(models.Model):
    created = models.DateTimeField(auto_now_add=True, db_index=True)
    updated = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        abstract = True


class PublicIdModel(models.Model):
    """A unique public id beside the integer key: CRM.COM addresses records by it."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)

    class Meta:
        abstract = True


class BaseModel(PublicIdModel, TimeStampedModel):
    class Meta:
        abstract = True


class Tag(BaseModel):
    name = models.CharField(max_length=100, unique=True)
    colour = models.CharField(max_length=20, blank=True, help_text="Free text, e.g. #0000FF.")
    description = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class AppliesTo(models.TextChoices):
    """What a custom field (or segment) applies to. Later domains add their own keys."""

    PERSON = "person", "Persons"
    ORGANISATION = "organisation", "Organisations"
    PARTY = "party", "Persons and organisations"
    ACTIVITY = "activity", "Activities"
    LEAD = "lead", "Leads"
    OPPORTUNITY = "opportunity", "Opportunities"


class CustomFieldCategory(BaseModel):
    name = models.CharField(max_length=100)
    applies_to = models.CharField(max_length=20, choices=AppliesTo.choices, default=AppliesTo.PERSON)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]
        verbose_name_plural = "custom field categories"
        indexes = [models.Index(fields=["applies_to", "order"])]

    def __str__(self):
        return self.name


class CustomField(BaseModel):
    class FieldType(models.TextChoices):
        TEXT = "text", "Text"
        LONG_TEXT = "long_text", "Long text"
        INTEGER = "integer", "Integer"
        DECIMAL = "decimal", "Decimal"
        BOOLEAN = "boolean", "Boolean"
        DATE = "date", "Date"
        CHOICE = "choice", "Choice"
        MULTIPLE_CHOICE = "multiple_choice", "Multiple choice"

    key = models.SlugField(
        max_length=50, unique=True, help_text="Stable machine name, e.g. udf_string_1 for CRM.COM's fields."
    )
    name = models.CharField(max_length=100)
    category = models.ForeignKey(
        CustomFieldCategory, null=True, blank=True, on_delete=models.SET_NULL, related_name="fields"
    )
    applies_to = models.CharField(max_length=20, choices=AppliesTo.choices, default=AppliesTo.PERSON)
    field_type = models.CharField(max_length=20, choices=FieldType.choices, default=FieldType.TEXT)
    choices = models.JSONField(default=list, blank=True, help_text="Allowed values of a choice field.")
    required = models.BooleanField(default=False)
    order = models.PositiveIntegerField(default=0)
    help_text = models.CharField(max_length=255, blank=True)
    # How clients show the field (Cirrus's dynamic field flags).
    visible = models.BooleanField(default=True, help_text="Shown to users.")
    in_overview = models.BooleanField(
        default=False, help_text="Shown in overviews and lists, not only forms."
    )
    read_only = models.BooleanField(default=False, help_text="Clients show it but may not change it.")
    size = models.PositiveIntegerField(null=True, blank=True, help_text="Input width or length hint.")

    class Meta:
        ordering = ["order", "id"]
        indexes = [models.Index(fields=["applies_to", "order"])]

    def __str__(self):
        return self.name

    @property
    def value_column(self) -> str:
        """The typed column of CustomFieldValue that holds this field's values."""
        return VALUE_COLUMNS[self.field_type]


VALUE_COLUMNS = {
    CustomField.FieldType.TEXT: "text_value",
    CustomField.FieldType.LONG_TEXT: "text_value",
    CustomField.FieldType.CHOICE: "text_value",
    CustomField.FieldType.INTEGER: "integer_value",
    CustomField.FieldType.DECIMAL: "decimal_value",
    CustomField.FieldType.BOOLEAN: "boolean_value",
    CustomField.FieldType.DATE: "date_value",
    CustomField.FieldType.MULTIPLE_CHOICE: "list_value",
}


class CustomFieldValue(BaseModel):
    """One typed value of one custom field on one object; it has its own id, as Peepl's and
    Cirrus's APIs address values by id."""

    field = models.ForeignKey(CustomField, on_delete=models.CASCADE, related_name="values")
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    content_object = GenericForeignKey("content_type", "object_id")

    text_value = models.TextField(null=True, blank=True)
    integer_value = models.BigIntegerField(null=True, blank=True)
    decimal_value = models.DecimalField(max_digits=20, decimal_places=6, null=True, blank=True)
    boolean_value = models.BooleanField(null=True, blank=True)
    date_value = models.DateField(null=True, blank=True)
    list_value = models.JSONField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["field", "content_type", "object_id"], name="core_one_value_per_field_and_object"
            )
        ]
        indexes = [
            models.Index(fields=["content_type", "object_id"]),
            models.Index(fields=["field", "text_value"]),
            models.Index(fields=["field", "integer_value"]),
            models.Index(fields=["field", "date_value"]),
        ]

    def __str__(self):
        return f"{self.field}: {self.value}"

    @property
    def value(self):
        return getattr(self, self.field.value_column)

    def display_value(self) -> str:
        value = self.value
        if value is None:
            return ""
        if isinstance(value, list):
            return ", ".join(str(v) for v in value)
        if isinstance(value, Decimal):
            return format(value.normalize(), "f")
        return str(value)


class ObjectChange(models.Model):
    """The change log: who created, changed or deleted what, with before/after snapshots."""

    class Action(models.TextChoices):
        CREATE = "create", "Created"
        UPDATE = "update", "Updated"
        DELETE = "delete", "Deleted"

    time = models.DateTimeField(default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    user_name = models.CharField(max_length=150, blank=True, help_text="Kept when the user is deleted.")
    action = models.CharField(max_length=10, choices=Action.choices)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.PositiveBigIntegerField()
    object_repr = models.CharField(max_length=200)
    # The parent whose history should show this change (e.g. the party of an address).
    related_content_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    related_object_id = models.PositiveBigIntegerField(null=True, blank=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["-time", "-id"]
        indexes = [
            models.Index(fields=["content_type", "object_id", "time"]),
            models.Index(fields=["related_content_type", "related_object_id", "time"]),
        ]

    def __str__(self):
        return f"{self.get_action_display()} {self.object_repr}"

    @property
    def changed_fields(self) -> list[str]:
        before, after = self.before or {}, self.after or {}
        return sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))


class ApiKey(models.Model):
    """An API credential. Only a hash of the secret is stored; the raw key is shown once."""

    name = models.CharField(max_length=100)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_keys")
    prefix = models.CharField(max_length=12, unique=True, editable=False)
    hashed_secret = models.CharField(max_length=128, editable=False)
    created = models.DateTimeField(auto_now_add=True)
    last_used = models.DateTimeField(null=True, blank=True, editable=False)
    expires = models.DateTimeField(null=True, blank=True, help_text="Empty: never expires.")
    revoked = models.DateTimeField(null=True, blank=True, help_text="Set to revoke the key.")

    class Meta:
        verbose_name = "API key"
        ordering = ["-created"]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_usable(self) -> bool:
        now = timezone.now()
        return self.revoked is None and (self.expires is None or self.expires > now) and self.user.is_active


class LoginSession(models.Model):
    """A user's log-in through an API that hands out short-lived access tokens (CRM.COM
    Back-Office v2). Its access tokens name it and stop working when it ends (sign-out); its
    refresh token trades for a new access token, is stored only as a SHA-256 hash and is replaced
    on every use. See apps.core.login_sessions."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="login_sessions"
    )
    hashed_refresh_token = models.CharField(max_length=64, unique=True, editable=False)
    created = models.DateTimeField(auto_now_add=True)
    expires = models.DateTimeField(help_text="When the current refresh token stops working.")
    ended = models.DateTimeField(null=True, blank=True, help_text="When the user signed out.")

    class Meta:
        ordering = ["-created"]

    def __str__(self):
        return f"{self.user} since {self.created:%Y-%m-%d %H:%M}"


class MergeRecord(models.Model):
    """What a merge of one record into another did (see apps.core.merging): the rows it moved per
    relation, the rows it demoted or dropped to resolve unique rules, the fields it filled, and a
    snapshot of the source, which no longer exists. One record per source: a second run finds it."""

    time = models.DateTimeField(default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    user_name = models.CharField(max_length=150, blank=True, help_text="Kept when the user is deleted.")
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    target_id = models.PositiveBigIntegerField(db_index=True)
    target_repr = models.CharField(max_length=200)
    source_id = models.PositiveBigIntegerField()
    source_repr = models.CharField(max_length=200)
    source = models.JSONField(help_text="The source's fields as they were.")
    moved = models.JSONField(default=list, help_text="Per relation: model, field and the ids moved.")
    demoted = models.JSONField(default=list, help_text="Source rows that lost a flag the target holds.")
    dropped = models.JSONField(
        default=list, help_text="Source rows removed as duplicates, with their values."
    )
    filled = models.JSONField(default=dict, help_text="Target fields filled from the source.")
    undone_at = models.DateTimeField(null=True, blank=True, help_text="When the merge was undone.")
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-time", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "source_id"],
                condition=models.Q(undone_at__isnull=True),
                name="core_one_merge_per_source",
            )
        ]

    def __str__(self):
        return f"{self.source_repr} (#{self.source_id}) merged into {self.target_repr} (#{self.target_id})"

    @property
    def moved_count(self) -> int:
        return sum(len(entry["ids"]) for entry in self.moved)


class Job(models.Model):
    """Background work, written in the transaction of the change that needs it (an outbox row):
    published to the broker after commit, run by a Celery task that claims it, and taken up by
    the sweep when it never reached the broker or the worker running it died (apps.core.jobs)."""

    class State(models.TextChoices):
        PENDING = "pending", "Pending"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False, help_text="Its Celery task id.")
    task = models.CharField(max_length=200, help_text="The Celery task's name.")
    args = models.JSONField(default=list, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    created = models.DateTimeField(default=timezone.now)
    published = models.DateTimeField(
        null=True, blank=True, help_text="Last sent to the broker; empty: not yet (the broker was down)."
    )
    attempts = models.PositiveIntegerField(default=0, help_text="Runs started.")
    run = models.UUIDField(null=True, blank=True, editable=False, help_text="The run that may finish it.")
    started = models.DateTimeField(null=True, blank=True)
    heartbeat = models.DateTimeField(null=True, blank=True, help_text="Last sign of life of its run.")
    finished = models.DateTimeField(null=True, blank=True, db_index=True)
    result = models.JSONField(null=True, blank=True, encoder=DjangoJSONEncoder)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created", "-id"]
        indexes = [
            # What the sweep reads: the few unfinished jobs, never the finished history.
            models.Index(
                fields=["state", "published"],
                condition=Q(state__in=["pending", "running"]),
                name="core_job_unfinished",
            ),
        ]

    def __str__(self):
        return f"{self.task}{tuple(self.args)} ({self.get_state_display()})"


class RowCounter(models.Model):
    """Exact row counts without a table scan (apps.core.counters): database triggers add one
    delta row per writing statement, in its transaction; a count is the sum of its key's deltas,
    and `compact` folds them into one row now and then. PostgreSQL only (SQLite counts directly)."""

    key = models.CharField(max_length=100, help_text="`app.model` or `app.model:column=value`.")
    delta = models.BigIntegerField()

    class Meta:
        indexes = [models.Index(fields=["key", "delta"], name="core_rowcounter_key")]

    def __str__(self):
        return f"{self.key} {self.delta:+d}"


# --- Staff: user profiles, roles, departments, budgets (Cirrus's users); KPIs; tenant settings;
# add-ons; sort groups. A Cirrus user is a Django user (name, surname, email, active are its
# first_name, last_name, email, is_active) with a UserProfile; writes go through services_staff.


class Role(BaseModel):
    """A role staff users hold (Cirrus's roles); a user has one or more."""

    name = models.CharField(max_length=100, blank=True)
    users = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="staff_roles")

    class Meta:
        ordering = ["name", "id"]

    def __str__(self):
        return self.name or f"Role #{self.pk}"


class Department(BaseModel):
    """A node of the company's department tree, with a manager and member users."""

    name = models.CharField(max_length=100, blank=True, db_index=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="managed_departments",
    )
    users = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="departments")

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(parent=models.F("id")), name="department_not_its_own_parent")
        ]

    def __str__(self):
        return self.name or f"Department #{self.pk}"


class UserProfile(models.Model):
    """What the CRM keeps about a staff user beyond Django's user, and the licence flags Cirrus
    calls the user's properties."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    title = models.CharField(max_length=100, blank=True)
    phone = models.CharField(max_length=50, blank=True)
    cellphone = models.CharField(max_length=50, blank=True)
    language = models.CharField(max_length=10, blank=True, help_text="e.g. sv, en.")
    presentation = models.TextField(blank=True)
    start_page = models.IntegerField(null=True, blank=True, help_text="Deprecated in Cirrus.")
    code = models.CharField(
        max_length=100, blank=True, db_index=True, help_text="The user's code in an external system."
    )
    avatar_b64 = models.TextField("avatar (base64)", blank=True)
    photo_b64 = models.TextField("photo (base64)", blank=True)
    tags = models.ManyToManyField(Tag, blank=True, related_name="user_profiles")
    licence_admin = models.BooleanField(default=False)
    elevated_account = models.BooleanField(default=False)
    sales_coach = models.BooleanField(default=False)
    crm_version = models.PositiveSmallIntegerField(default=2)

    class Meta:
        ordering = ["user_id"]

    def __str__(self):
        return f"Profile of {self.user}"


class UserSetting(models.Model):
    """A user's own key/value setting (Cirrus's user settings)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_settings"
    )
    key = models.CharField(max_length=100)
    value = models.TextField(blank=True)

    class Meta:
        ordering = ["user", "key"]
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="one_setting_per_user_and_key")]

    def __str__(self):
        return f"{self.key}={self.value}"


class UserEmailSettings(models.Model):
    """A user's mail account for sending from the CRM (Cirrus's user e-mail settings)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="email_settings"
    )
    email = models.CharField(max_length=254, blank=True)
    name = models.CharField(max_length=200, blank=True)
    username = models.CharField(max_length=200, blank=True)
    # Encrypted at rest (FIELD_ENCRYPTION_KEYS) and never shown by an API.
    password = EncryptedTextField(blank=True)
    port = models.CharField(max_length=10, blank=True)
    auth_type = models.IntegerField(default=0)
    incoming_server = models.CharField(max_length=200, blank=True)
    smtp_server = models.CharField(max_length=200, blank=True)
    signature = models.TextField(blank=True)
    default_email_type = models.IntegerField(default=0)

    class Meta:
        verbose_name_plural = "user e-mail settings"

    def __str__(self):
        return f"E-mail settings of {self.user}"


class UserBudget(BaseModel):
    """What a user is budgeted to sell in one month, and the pipeline expected."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="budgets")
    year = models.PositiveSmallIntegerField()
    month = models.PositiveSmallIntegerField()
    budget = models.BigIntegerField(default=0)
    pipeline = models.BigIntegerField(default=0)

    class Meta:
        ordering = ["user", "year", "month"]
        indexes = [models.Index(fields=["year", "month"])]
        constraints = [
            models.UniqueConstraint(fields=["user", "year", "month"], name="one_budget_per_user_and_month"),
            models.CheckConstraint(
                condition=Q(month__gte=1, month__lte=12), name="user_budget_month_1_to_12"
            ),
            models.CheckConstraint(
                condition=Q(budget__gte=0, pipeline__gte=0), name="user_budget_not_negative"
            ),
        ]

    def __str__(self):
        return f"{self.user} {self.year}-{self.month:02d}"


class KpiDefinition(BaseModel):
    """A key performance indicator staff see on their dashboard: which calculator computes it
    (apps.core.kpis) and how it is shown. An install ships defaults; staff manage them."""

    class DisplayType(models.TextChoices):
        NUMBER = "number", "Number"
        CURRENCY = "currency", "Currency"
        PERCENT = "percent", "Percent"

    title = models.CharField(max_length=100)
    subtitle = models.CharField(max_length=200, blank=True)
    display_type = models.CharField(max_length=10, choices=DisplayType.choices, default=DisplayType.NUMBER)
    calculator = models.CharField(max_length=50, help_text="The key of a calculator in apps.core.kpis.")
    sort = models.IntegerField(default=0)
    on_dashboard = models.BooleanField(default=True)

    class Meta:
        verbose_name = "KPI"
        ordering = ["sort", "id"]

    def __str__(self):
        return self.title


class TenantSettings(models.Model):
    """The company-wide settings (Cirrus's settings): one row. Each group is a JSON object whose
    keys apps.core.services_staff.SETTINGS_SHAPE lists and checks."""

    currency = models.CharField(max_length=3, null=True, blank=True, help_text="Default currency code.")
    portal = models.JSONField(default=dict, blank=True, help_text="The company's identity.")
    sales = models.JSONField(default=dict, blank=True)
    fieldsales = models.JSONField(default=dict, blank=True)
    consent = models.JSONField(default=dict, blank=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "tenant settings"
        constraints = [models.CheckConstraint(condition=Q(id=1), name="tenant_settings_singleton")]

    def __str__(self):
        return "Settings"

    @classmethod
    def load(cls) -> "TenantSettings":
        return cls.objects.get_or_create(pk=1)[0]


class Addon(BaseModel):
    """An add-on module or integration of the install (Cirrus's addons), kept in the admin."""

    title = models.CharField(max_length=100)
    url = models.CharField(max_length=255, blank=True)
    internal_name = models.SlugField(max_length=50, unique=True)
    sort = models.IntegerField(default=0)
    enabled = models.BooleanField(default=False)

    class Meta:
        ordering = ["sort", "id"]

    def __str__(self):
        return self.title


class AddonParameter(BaseModel):
    addon = models.ForeignKey(Addon, on_delete=models.CASCADE, related_name="parameters")
    name = models.CharField(max_length=100)
    value = models.TextField(blank=True)

    class Meta:
        ordering = ["addon", "id"]
        constraints = [models.UniqueConstraint(fields=["addon", "name"], name="one_addon_parameter_per_name")]

    def __str__(self):
        return f"{self.name}={self.value}"


class SortGroup(BaseModel):
    """A heading that groups rows on orders and quotes (e.g. "Hardware", "Freight"), in `sort`
    order. Not a Tag: tags label records and show in every tag picker; a sort group orders rows."""

    name = models.CharField(max_length=100, db_index=True)
    sort = models.IntegerField(default=0)
    external_key = models.CharField(max_length=100, blank=True, db_index=True)

    class Meta:
        ordering = ["sort", "id"]
        indexes = [models.Index(fields=["sort", "id"])]

    def __str__(self):
        return self.name
