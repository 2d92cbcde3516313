"""Back-Office v2 wire shapes. Input serializers validate bodies (types, required keys, the
rules that are about the wire format); output serializers render records. Views call the domain
services; nothing here writes. Component names start with `V2` (other APIs share the schema)."""

import datetime

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.accounts.models import Account
from apps.insights.models import Insight, InsightExport
from apps.sales.models import Activity
from apps.sales.services_crm import ALPHA_3

from .params import EPOCH_MAX, EPOCH_MIN

ACCOUNT_STATES = ["ACTIVE", "SUSPENDED", "TERMINATED"]
ACTIVITY_STATES = ["PENDING", "COMPLETED", "CANCELLED"]
LINK_TYPES = ["CONTACT", "LEAD", "SERVICE_REQUEST", "ORDER"]
OPERATORS = {
    "EQUALS": "eq",
    "NOT_EQUALS": "ne",
    "IN": "in",
    "GT": "gt",
    "GTE": "gte",
    "LT": "lt",
    "LTE": "lte",
}
OPERATOR_NAMES = {op: name for name, op in OPERATORS.items()}
INTERVALS = ["DAY", "WEEK", "MONTH"]


class UpperChoiceField(serializers.ChoiceField):
    """A choice written and shown in upper case (stored in lower case by some domains)."""

    def to_representation(self, value):
        return value.upper() if isinstance(value, str) else value

    def to_internal_value(self, data):
        if isinstance(data, str):
            data = data.strip().upper()
        return super().to_internal_value(data)


_ENUMS: dict[str, type] = {}


def enum_field(values, component: str, **kwargs):
    """An UpperChoiceField documented as a named enum component (so enums of the same field name
    in other resources and APIs do not collide)."""
    if component not in _ENUMS:
        schema = {"type": "string", "enum": list(values)}
        _ENUMS[component] = extend_schema_field(schema, component_name=component)(
            type(f"{component}Field", (UpperChoiceField,), {})
        )
    return _ENUMS[component](choices=list(values), **kwargs)


@extend_schema_field(OpenApiTypes.INT)
class EpochField(serializers.Field):
    """A moment as integer epoch seconds."""

    def to_representation(self, value):
        return int(value.timestamp()) if value is not None else None

    def to_internal_value(self, data):
        if isinstance(data, bool):
            self.fail("invalid")
        try:
            number = int(str(data).strip())
        except (TypeError, ValueError):
            self.fail("invalid")
        if not EPOCH_MIN <= number <= EPOCH_MAX:
            self.fail("invalid")
        return datetime.datetime.fromtimestamp(number, tz=datetime.UTC)

    default_error_messages = {"invalid": "Epoch seconds (an integer) are required."}


def money_field(**kwargs):
    return serializers.DecimalField(max_digits=18, decimal_places=2, coerce_to_string=False, **kwargs)


# --- Authentication -----------------------------------------------------------------------------


class V2LoginInput(serializers.Serializer):
    provider = serializers.ChoiceField(
        choices=["EMAIL"],
        required=False,
        help_text="`EMAIL`: `username` may be the user's e-mail address (public clients send it).",
    )
    username = serializers.CharField(max_length=254, help_text="The user name, or the e-mail address.")
    password = serializers.CharField(max_length=256, trim_whitespace=False)


class V2RefreshInput(serializers.Serializer):
    refresh_token = serializers.CharField(max_length=256, help_text="From the last login or refresh.")


class V2LoginOutput(serializers.Serializer):
    access_token = serializers.CharField(help_text="A JWT: send it as `authorization: Bearer <token>`.")
    refresh_token = serializers.CharField(
        help_text="Trade it for a new access token with `POST /users/refresh` (once: the answer "
        "carries the next one). Ends on sign-out."
    )
    token_type = serializers.CharField(help_text="Always `Bearer`.")
    expires_in = serializers.IntegerField(help_text="Seconds the access token stays valid.")
    expiration_date = serializers.IntegerField(help_text="When the access token expires (epoch seconds).")
    mode = serializers.ChoiceField(
        choices=["LIVE", "TEST"], help_text="Always `LIVE`: this install has no test-mode data."
    )
    lockout_date = serializers.IntegerField(
        allow_null=True, help_text="Always null: repeated failures are rate-limited, never locked out."
    )
    password_expired = serializers.BooleanField(help_text="Always false: passwords do not expire here.")


# --- Shared pieces ------------------------------------------------------------------------------


class V2Id(serializers.Serializer):
    id = serializers.CharField(help_text="The GUID of the record.")


class V2Error(serializers.Serializer):
    status = serializers.IntegerField(help_text="The HTTP status.")
    message = serializers.CharField()
    error = serializers.CharField(help_text="e.g. CRM.EXCEPTIONS.NOTFOUNDEXCEPTION")
    parameters = serializers.ListField(
        child=serializers.CharField(), help_text="Entity and id, or field names."
    )


class V2Paging(serializers.Serializer):
    page = serializers.IntegerField()
    size = serializers.IntegerField()
    total = serializers.IntegerField(help_text="Matching records (not pages).")
    has_more = serializers.BooleanField(help_text="Whether a later page has records.")


class V2NamedRef(serializers.Serializer):
    id = serializers.CharField(source="uuid")
    name = serializers.CharField()


# --- Accounts -----------------------------------------------------------------------------------


class V2BillingAddress(serializers.Serializer):
    id = serializers.CharField(source="uuid")
    address_line_1 = serializers.SerializerMethodField()
    address_line_2 = serializers.CharField(source="line2")
    state_province_county = serializers.CharField(source="region")
    town_city = serializers.CharField(source="city")
    postal_code = serializers.CharField()
    country_code = serializers.SerializerMethodField(help_text="ISO 3166-1 alpha-3.")

    def get_address_line_1(self, obj) -> str:
        return " ".join(part for part in (obj.street, obj.number, obj.box) if part)

    def get_country_code(self, obj) -> str | None:
        return ALPHA_3.get(obj.country, obj.country) or None


class V2AccountListItem(serializers.Serializer):
    id = serializers.CharField(source="uuid")
    is_primary = serializers.BooleanField()
    name = serializers.CharField()
    number = serializers.CharField()
    state = enum_field(ACCOUNT_STATES, "V2AccountState")
    currency_code = serializers.CharField(source="currency")
    classification = V2NamedRef(allow_null=True)


class V2Account(V2AccountListItem):
    balance = money_field()
    overdue_amount = money_field()
    credit_limit = money_field(allow_null=True)
    payment_terms = V2NamedRef(allow_null=True)
    billing_address = V2BillingAddress(allow_null=True)


class V2AccountList(serializers.Serializer):
    content = V2AccountListItem(many=True)
    paging = V2Paging()


class V2AccountCreateInput(serializers.Serializer):
    currency_code = serializers.RegexField(r"^[A-Za-z]{3}$", help_text="ISO 4217, e.g. EUR.")
    is_primary = serializers.BooleanField(required=False, allow_null=True)
    name = serializers.CharField(required=False, allow_null=True, allow_blank=True, max_length=255)
    classification_id = serializers.CharField(required=False, allow_null=True)
    billing_address_id = serializers.CharField(required=False, allow_null=True)

    def validate_currency_code(self, value):
        return value.upper()


ACCOUNT_UPDATE_KEYS = (
    "is_primary",
    "classification_id",
    "billing_address_id",
    "credit_limit",
    "payment_terms_id",
)


class V2AccountUpdateInput(serializers.Serializer):
    is_primary = serializers.BooleanField(required=False, allow_null=True)
    classification_id = serializers.CharField(required=False, allow_null=True)
    billing_address_id = serializers.CharField(required=False, allow_null=True)
    credit_limit = money_field(required=False, allow_null=True, min_value=0)
    payment_terms_id = serializers.CharField(required=False, allow_null=True)

    def validate(self, attrs):
        if not any(key in self.initial_data for key in ACCOUNT_UPDATE_KEYS):
            raise serializers.ValidationError(
                {key: "At least one attribute is required." for key in ACCOUNT_UPDATE_KEYS}
            )
        return attrs


class V2AccountActionInput(serializers.Serializer):
    state = enum_field(ACCOUNT_STATES, "V2AccountState")
    account_id = serializers.CharField(
        required=False, allow_null=True, help_text="Termination only: the account that receives the balance."
    )


# --- Activities ---------------------------------------------------------------------------------


class V2Schedule(serializers.Serializer):
    from_date = EpochField()
    to_date = EpochField(required=False, allow_null=True)

    def validate(self, attrs):
        if attrs.get("to_date") is not None and attrs["to_date"] < attrs["from_date"]:
            raise serializers.ValidationError({"to_date": "Must not be before from_date."})
        return attrs


class V2LinkInput(serializers.Serializer):
    type = enum_field(LINK_TYPES, "V2LinkType")
    id = serializers.CharField()


class V2AssignInput(serializers.Serializer):
    user_id = serializers.CharField(required=False, allow_null=True)
    team_id = serializers.CharField(required=False, allow_null=True)


class V2CustomField(serializers.Serializer):
    key = serializers.CharField(max_length=50)
    value = serializers.CharField(allow_blank=True, allow_null=True, trim_whitespace=False)


def _links(items, *, creating: bool) -> dict:
    """linked_to -> {"CONTACT": id, <one other type>: id}; the wire rules of CRM.COM."""
    seen = {}
    for item in items:
        if item["type"] in seen:
            raise serializers.ValidationError({"linked_to": f"{item['type']} is linked twice."})
        seen[item["type"]] = item["id"]
    if not creating and "CONTACT" in seen:
        raise serializers.ValidationError({"linked_to": "The contact of an activity cannot be changed."})
    if len([t for t in seen if t != "CONTACT"]) > 1:
        raise serializers.ValidationError({"linked_to": "At most one lead, order or service request."})
    if creating and not seen:
        raise serializers.ValidationError({"linked_to": "A contact must be linked."})
    return seen


class V2ActivityCreateInput(serializers.Serializer):
    name = serializers.CharField(max_length=255)
    description = serializers.CharField(required=False, allow_null=True, allow_blank=True)
    type_id = serializers.CharField()
    address_id = serializers.CharField(required=False, allow_null=True)
    use_entity_address = serializers.BooleanField(required=False)
    scheduled_on = V2Schedule()
    linked_to = V2LinkInput(many=True)
    assign_to = V2AssignInput(required=False, allow_null=True)
    custom_fields = V2CustomField(many=True, required=False, allow_null=True)

    def validate(self, attrs):
        if attrs.get("address_id") and attrs.get("use_entity_address"):
            raise serializers.ValidationError(
                {"address_id": "Either address_id or use_entity_address, not both.", "use_entity_address": ""}
            )
        attrs["links"] = _links(attrs["linked_to"], creating=True)
        return attrs


class V2ActivityUpdateInput(serializers.Serializer):
    name = serializers.CharField(max_length=255, required=False, allow_null=True, allow_blank=True)
    description = serializers.CharField(required=False, allow_null=True, allow_blank=True)
    state = enum_field(ACTIVITY_STATES, "V2ActivityState", required=False, allow_null=True)
    address_id = serializers.CharField(required=False, allow_null=True)
    scheduled_on = V2Schedule(required=False)
    linked_to = V2LinkInput(many=True, required=False)
    assign_to = V2AssignInput(required=False, allow_null=True)
    custom_fields = V2CustomField(many=True, required=False, allow_null=True)

    def validate_name(self, value):
        if not (value or "").strip():
            raise serializers.ValidationError("The name of an activity is required.")
        return value

    def validate(self, attrs):
        if "linked_to" in attrs:
            attrs["links"] = _links(attrs["linked_to"], creating=False)
        return attrs


class V2TagsInput(serializers.Serializer):
    tags = serializers.ListField(child=serializers.CharField(), allow_empty=True, max_length=200)


class V2Tag(serializers.Serializer):
    id = serializers.CharField(source="uuid")
    name = serializers.CharField()
    colour = serializers.CharField()


class V2TagList(serializers.Serializer):
    content = V2Tag(many=True)


class V2ActivityType(serializers.Serializer):
    id = serializers.CharField(source="uuid")
    name = serializers.CharField()
    color = serializers.CharField(source="colour")


class V2Contact(serializers.Serializer):
    id = serializers.CharField(source="uuid")
    name = serializers.CharField()
    code = serializers.CharField(source="pk", help_text="The contact's alternative id (its number).")


class V2Lead(serializers.Serializer):
    id = serializers.CharField(source="uuid")
    title = serializers.CharField()


class V2Numbered(serializers.Serializer):
    id = serializers.CharField(source="uuid")
    number = serializers.CharField()


class V2User(serializers.Serializer):
    id = serializers.CharField(source="pk")
    name = serializers.SerializerMethodField()
    username = serializers.CharField()

    def get_name(self, obj) -> str:
        return obj.get_full_name() or obj.get_username()


class V2Assignment(serializers.Serializer):
    user = V2User(allow_null=True)
    team = V2NamedRef(allow_null=True)


class V2Scheduled(serializers.Serializer):
    from_date = EpochField()
    to_date = EpochField(allow_null=True)


class V2KeyDates(serializers.Serializer):
    created_on = EpochField()
    scheduled_on = V2Scheduled()
    completed_on = EpochField(allow_null=True)


class V2ActivityAddress(serializers.Serializer):
    address_line_1 = serializers.CharField(allow_null=True)
    address_line_2 = serializers.CharField(allow_null=True)
    state_province_county = serializers.CharField(allow_null=True)
    town_city = serializers.CharField(allow_null=True)
    postal_code = serializers.CharField(allow_null=True)
    country = serializers.CharField(allow_null=True, help_text="ISO 3166-1 alpha-3.")
    lat = serializers.FloatField(allow_null=True)
    lon = serializers.FloatField(allow_null=True)
    google_place_id = serializers.CharField(allow_null=True)


class V2StateChange(serializers.Serializer):
    state = enum_field(ACTIVITY_STATES, "V2ActivityState")
    date = EpochField(source="time")


class ActivityBase(serializers.Serializer):
    id = serializers.CharField(source="uuid")
    name = serializers.CharField()
    description = serializers.SerializerMethodField()
    state = enum_field(ACTIVITY_STATES, "V2ActivityState")
    key_dates = serializers.SerializerMethodField()
    type = V2ActivityType(source="activity_type", allow_null=True)
    contact = V2Contact(allow_null=True)
    lead = V2Lead(allow_null=True)
    service_request = V2Numbered(allow_null=True)
    order = V2Numbered(allow_null=True)
    assign_to = serializers.SerializerMethodField()

    def get_description(self, obj) -> str | None:
        return obj.description or None

    @extend_schema_field(V2KeyDates)
    def get_key_dates(self, obj):
        return V2KeyDates(
            {
                "created_on": obj.created,
                "scheduled_on": {"from_date": obj.start, "to_date": obj.end},
                "completed_on": obj.completed_at,
            }
        ).data

    @extend_schema_field(V2Assignment)
    def get_assign_to(self, obj):
        return {
            "user": V2User(obj.owner).data if obj.owner_id else None,
            "team": V2NamedRef(obj.team).data if obj.team_id else None,
        }


def custom_values(obj) -> list[dict]:
    """The activity's prefetched custom field values as {key, value} strings."""
    return [
        {"key": row.field.key, "value": row.display_value()}
        for row in sorted(obj.custom_field_values.all(), key=lambda row: (row.field.order, row.field.pk))
    ]


class V2ActivityListItem(ActivityBase):
    custom_fields = serializers.SerializerMethodField(help_text="Only with include_custom_fields=true.")
    tags = V2Tag(many=True, required=False, help_text="Only with include_tags=true.")

    @extend_schema_field(V2CustomField(many=True, required=False))
    def get_custom_fields(self, obj):
        return custom_values(obj)

    def get_fields(self):
        fields = super().get_fields()
        if not self.context.get("include_custom_fields"):
            fields.pop("custom_fields")
        if not self.context.get("include_tags"):
            fields.pop("tags")
        return fields


class V2Activity(ActivityBase):
    address = V2ActivityAddress(allow_null=True)
    states = V2StateChange(source="state_changes", many=True, help_text="Oldest first.")
    custom_fields = serializers.SerializerMethodField()

    @extend_schema_field(V2CustomField(many=True))
    def get_custom_fields(self, obj):
        return custom_values(obj)


class V2ActivityList(serializers.Serializer):
    content = V2ActivityListItem(many=True)
    paging = V2Paging()


# --- Analytics ----------------------------------------------------------------------------------


class V2AccountCounts(serializers.Serializer):
    total = serializers.IntegerField()
    active = serializers.IntegerField()
    suspended = serializers.IntegerField()
    terminated = serializers.IntegerField()


class V2Financials(serializers.Serializer):
    currency_code = serializers.CharField()
    balance = money_field()
    overdue_amount = money_field()


class V2ActivityCounts(serializers.Serializer):
    total = serializers.IntegerField()
    pending = serializers.IntegerField()
    completed = serializers.IntegerField()
    cancelled = serializers.IntegerField()
    last_created_on = EpochField(source="last_created", allow_null=True)


class V2ContactCount(serializers.Serializer):
    total = serializers.IntegerField()


class V2ContactAnalytics(serializers.Serializer):
    contact_id = serializers.CharField()
    accounts = V2AccountCounts()
    financials = V2Financials(many=True)
    activities = V2ActivityCounts()


class V2OrganisationAnalytics(serializers.Serializer):
    organisation_id = serializers.CharField()
    contacts = V2ContactCount()
    accounts = V2AccountCounts()
    financials = V2Financials(many=True)
    activities = V2ActivityCounts()


# --- Insights -----------------------------------------------------------------------------------


class V2InsightInput(serializers.Serializer):
    name = serializers.CharField(max_length=255)
    description = serializers.CharField(required=False, allow_null=True, allow_blank=True)


class V2InsightUpdateInput(serializers.Serializer):
    name = serializers.CharField(max_length=255, required=False, allow_null=True, allow_blank=True)
    description = serializers.CharField(required=False, allow_null=True, allow_blank=True)

    def validate_name(self, value):
        if not (value or "").strip():
            raise serializers.ValidationError("The name of an insight is required.")
        return value

    def validate(self, attrs):
        if not attrs:
            raise serializers.ValidationError(
                {"name": "At least one attribute is required.", "description": ""}
            )
        return attrs


class V2Event(serializers.Serializer):
    type = enum_field(Insight.Event.values, "V2InsightEvent")
    measurement = enum_field(Insight.Measurement.values, "V2InsightMeasurement", required=False)


class V2Filter(serializers.Serializer):
    attribute = serializers.CharField(max_length=100)
    operator = enum_field(list(OPERATORS), "V2InsightOperator")
    value = serializers.JSONField(help_text="A value, or a list for IN; dates in epoch seconds.")


class V2FiltersInput(serializers.Serializer):
    filters = V2Filter(many=True)


class V2Breakdown(serializers.Serializer):
    attribute = serializers.CharField(max_length=100)


class V2BreakdownsInput(serializers.Serializer):
    breakdowns = V2Breakdown(many=True)


class V2Range(serializers.Serializer):
    from_date = EpochField(required=False)
    to_date = EpochField(required=False)
    interval = enum_field(INTERVALS, "V2InsightInterval", required=False)


class V2PreviewInput(V2Range):
    event = V2Event()
    filters = V2Filter(many=True, required=False)
    breakdowns = V2Breakdown(many=True, required=False)


class V2ExportInput(serializers.Serializer):
    format = enum_field(InsightExport.Format.values, "V2ExportFormat", required=False)
    from_date = EpochField(required=False, allow_null=True)
    to_date = EpochField(required=False, allow_null=True)


def render_filters(conditions) -> list[dict]:
    return [
        {
            "attribute": c.get("field"),
            "operator": OPERATOR_NAMES.get(c.get("op"), c.get("op")),
            "value": c.get("value"),
        }
        for c in conditions or []
    ]


class V2Insight(serializers.Serializer):
    id = serializers.CharField(source="uuid")
    name = serializers.CharField()
    description = serializers.CharField(allow_null=True)
    event = serializers.SerializerMethodField()
    filters = serializers.SerializerMethodField()
    breakdowns = serializers.SerializerMethodField()
    created_on = EpochField(source="created")
    updated_on = EpochField(source="updated")

    @extend_schema_field(V2Event(allow_null=True))
    def get_event(self, obj):
        return {"type": obj.event, "measurement": obj.measurement} if obj.event else None

    @extend_schema_field(V2Filter(many=True))
    def get_filters(self, obj):
        return render_filters(obj.filters)

    @extend_schema_field(V2Breakdown(many=True))
    def get_breakdowns(self, obj):
        return [{"attribute": name} for name in obj.breakdowns or []]


class V2InsightListItem(serializers.Serializer):
    id = serializers.CharField(source="uuid")
    name = serializers.CharField()
    description = serializers.CharField(allow_null=True)
    event = serializers.SerializerMethodField()
    created_on = EpochField(source="created")

    @extend_schema_field(V2Event(allow_null=True))
    def get_event(self, obj):
        return {"type": obj.event, "measurement": obj.measurement} if obj.event else None


class V2InsightList(serializers.Serializer):
    content = V2InsightListItem(many=True)
    paging = V2Paging()


class V2ResultPoint(serializers.Serializer):
    date = serializers.IntegerField(help_text="Start of the interval (epoch seconds).")
    breakdown = serializers.DictField(child=serializers.CharField(allow_null=True))
    value = serializers.FloatField()


class V2Results(serializers.Serializer):
    content = V2ResultPoint(many=True)


class V2Export(serializers.Serializer):
    id = serializers.CharField(source="uuid")
    format = serializers.CharField()
    state = enum_field([s.upper() for s in InsightExport.State.values], "V2ExportState")
    rows_done = serializers.IntegerField()
    rows_total = serializers.IntegerField(allow_null=True)
    progress = serializers.IntegerField(help_text="Percent done.")
    file_size = serializers.IntegerField(source="size", allow_null=True)
    created_on = EpochField(source="created")
    finished_on = EpochField(source="finished_at", allow_null=True)
    download = serializers.SerializerMethodField(help_text="Where to fetch the file once COMPLETED.")

    def get_download(self, obj) -> str | None:
        if obj.state != InsightExport.State.COMPLETED:
            return None
        request = self.context.get("request")
        path = f"insights/{obj.insight.uuid}/exports/{obj.uuid}/file"
        base = request.build_absolute_uri("/backoffice/v2/") if request is not None else "/backoffice/v2/"
        return base + path


ACCOUNT_STATE_MAP = {value.upper(): value for value in Account.State.values}
ACTIVITY_STATE_MAP = {value.upper(): value for value in Activity.State.values}
