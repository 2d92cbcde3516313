"""What insights can measure: one Source per event held in this back office, each with the
records it counts, the date they happened, a RuleSet of the core rule engine for its filters
(as parties have PARTY_RULES for segments), the attributes results can be broken down by, and
the columns of an export.

Activities come from sales.Activity (CRM activities); invoices, payments, credit notes and
refunds from the ledger of financial accounts. Other events are not recorded here: their results
are a zero-filled series and their exports are empty.

Dates in filters are epoch seconds (as CRM.COM's API gives them) and compare exactly. A filter
on `contact.<field>` applies a segment rule field (PARTY_RULES) to the record's contact.
"""

import datetime
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Abs

from apps.accounts.models import LedgerEntry
from apps.core.rules import OPERATORS, RuleField, RuleSet
from apps.parties.models import Party
from apps.parties.rules import PARTY_RULES
from apps.sales.models import Activity

from .models import Insight

Event = Insight.Event
# Events measured in money: only these take the AMOUNT measurement.
MONETARY = {
    Event.PURCHASES,
    Event.ORDERS,
    Event.INVOICES,
    Event.CREDIT_NOTES,
    Event.PAYMENTS,
    Event.REFUNDS,
    Event.TOPUPS,
    Event.SPENDS,
    Event.DONATIONS,
}
_EPOCH_MAX = 253402300799  # 9999-12-31T23:59:59Z


def _lookup(op: str) -> str:
    return OPERATORS["eq" if op == "ne" else op]


def _negate(op: str, q: Q) -> Q:
    return ~q if op == "ne" else q


def lowercased(path: str):
    """An enumeration stored in lower case and written in upper case (PENDING, ACTIVE...)."""

    def build(op, value):
        if op == "isnull":
            q = Q(**{f"{path}__isnull": True}) | Q(**{path: ""})
            return q if value else ~q
        value = [v.lower() for v in value] if isinstance(value, list) else value.lower()
        return _negate(op, Q(**{f"{path}__{_lookup(op)}": value}))

    return build


def uppercased(path: str):
    def build(op, value):
        if op == "isnull":
            q = Q(**{f"{path}__isnull": True}) | Q(**{path: ""})
            return q if value else ~q
        value = [v.upper() for v in value] if isinstance(value, list) else value.upper()
        return _negate(op, Q(**{f"{path}__{_lookup(op)}": value}))

    return build


def _uuid(value, name) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise ValidationError(f'Invalid value for "{name}": expected an id.') from None


def by_uuid(path: str, name: str):
    """A reference given by its public id (GUID)."""

    def build(op, value):
        if op == "isnull":
            return Q(**{f"{path}__isnull": value})
        if op not in ("eq", "ne", "in"):
            raise ValidationError(f'Operator "{op}" does not apply to field "{name}".')
        value = [_uuid(v, name) for v in value] if isinstance(value, list) else _uuid(value, name)
        return _negate(op, Q(**{f"{path}__{_lookup(op)}": value}))

    return build


def epoch(path: str, name: str):
    """A moment given as epoch seconds, compared in whole seconds (as the API shows moments):
    `eq X` is the second X, `lte X` includes it, `gt X` starts after it."""

    def second(value):
        if value != value.to_integral_value() or not 0 <= value <= _EPOCH_MAX:
            raise ValidationError(f'Invalid value for "{name}": expected epoch seconds.')
        start = datetime.datetime.fromtimestamp(int(value), tz=datetime.UTC)
        return start, start + datetime.timedelta(seconds=1)

    def build(op, value):
        if op == "isnull":
            return Q(**{f"{path}__isnull": value})
        if op == "in":
            q = Q(pk__in=[])
            for start, end in map(second, value):
                q |= Q(**{f"{path}__gte": start, f"{path}__lt": end})
            return q
        start, end = second(value)
        if op in ("eq", "ne"):
            return _negate(op, Q(**{f"{path}__gte": start, f"{path}__lt": end}))
        return Q(
            **{
                "gt": {f"{path}__gte": end},
                "gte": {f"{path}__gte": start},
                "lt": {f"{path}__lt": start},
                "lte": {f"{path}__lt": end},
            }[op]
        )

    return build


def _activity_type(op, value):
    """An activity type by its id (GUID) or code (call, meeting...)."""
    if op == "isnull":
        return Q(activity_type__isnull=value)
    if op not in ("eq", "ne", "in"):
        raise ValidationError(f'Operator "{op}" does not apply to field "type".')
    values = value if isinstance(value, list) else [value]
    ids = []
    for v in values:
        try:
            ids.append(uuid.UUID(str(v)))
        except ValueError:
            continue
    q = Q(activity_type__code__in=values) | Q(activity_type__uuid__in=ids)
    return ~q if op == "ne" else q


def _activity_tag(op, value):
    through = Activity.tags.through.objects
    if op == "isnull":
        q = Exists(through.filter(activity=OuterRef("pk")))
        return ~q if value else q
    if op not in ("eq", "ne", "in"):
        raise ValidationError(f'Operator "{op}" does not apply to field "tag".')
    values = value if isinstance(value, list) else [value]
    rows = through.filter(activity=OuterRef("pk"), tag__uuid__in=[_uuid(v, "tag") for v in values])
    return ~Exists(rows) if op == "ne" else Exists(rows)


def party_fields(path: str):
    """Resolve `contact.<field>`: a segment rule field (PARTY_RULES) applied to the party at `path`."""

    def resolve(name: str) -> RuleField | None:
        if not name.startswith("contact."):
            return None
        inner = PARTY_RULES.field(name.removeprefix("contact."))

        def build(op, value):
            return Q(**{f"{path}__in": Party.objects.filter(inner.condition(op, value)).values("pk")})

        return RuleField(name, f"Contact: {inner.label}", inner.kind, build=build)

    return resolve


ACTIVITY_RULES = RuleSet(
    [
        RuleField("name", "Name", "text", "name"),
        RuleField("description", "Description", "text", "description"),
        RuleField("state", "State (PENDING, COMPLETED, CANCELLED)", "text", build=lowercased("state")),
        RuleField("type", "Activity type (id or code)", "text", build=_activity_type),
        RuleField("contact", "Contact (id)", "text", build=by_uuid("contact__uuid", "contact")),
        RuleField("lead", "Lead (id)", "text", build=by_uuid("lead__uuid", "lead")),
        RuleField("order", "Order (id)", "text", build=by_uuid("order__uuid", "order")),
        RuleField(
            "service_request",
            "Service request (id)",
            "text",
            build=by_uuid("service_request__uuid", "service_request"),
        ),
        RuleField("team", "Team (id)", "text", build=by_uuid("team__uuid", "team")),
        RuleField("assigned_user", "Assigned user (id)", "id", "owner"),
        RuleField("tag", "Tag (id)", "text", build=_activity_tag),
        RuleField("created_on", "Created (epoch seconds)", "number", build=epoch("created", "created_on")),
        RuleField(
            "scheduled_on", "Scheduled from (epoch seconds)", "number", build=epoch("start", "scheduled_on")
        ),
        RuleField(
            "completed_on", "Completed (epoch seconds)", "number", build=epoch("completed_at", "completed_on")
        ),
    ],
    resolve=party_fields("contact"),
)

LEDGER_RULES = RuleSet(
    [
        RuleField("amount", "Amount", "number", "magnitude"),
        RuleField("currency_code", "Currency", "text", build=uppercased("account__currency")),
        RuleField("account", "Account (id)", "text", build=by_uuid("account__uuid", "account")),
        RuleField("account_state", "Account state", "text", build=lowercased("account__state")),
        RuleField(
            "classification",
            "Account classification (id)",
            "text",
            build=by_uuid("account__classification__uuid", "classification"),
        ),
        RuleField("contact", "Contact (id)", "text", build=by_uuid("account__party__uuid", "contact")),
        RuleField("created_on", "Posted (epoch seconds)", "number", build=epoch("created", "created_on")),
    ],
    resolve=party_fields("account__party"),
)


def _upper(value):
    return value.upper() if isinstance(value, str) else value


def same(value):
    return value


@dataclass(frozen=True)
class Breakdown:
    path: str
    show: Callable = same


@dataclass(frozen=True)
class Source:
    event: str
    queryset: Callable[[], QuerySet]
    date_field: str
    rules: RuleSet
    breakdowns: dict[str, Breakdown]
    # (header, ORM path, shown as) for exports
    columns: list[tuple[str, str, Callable]] = field(default_factory=list)
    amount: str | None = None  # what AMOUNT sums

    @property
    def monetary(self) -> bool:
        return self.amount is not None


def _activities():
    return Activity.objects.filter(kind=Activity.Kind.TASK)


def _ledger(kind):
    def queryset():
        return LedgerEntry.objects.filter(kind=kind).annotate(magnitude=Abs("amount"))

    return queryset


ACTIVITY_COLUMNS = [
    ("id", "uuid", str),
    ("name", "name", same),
    ("state", "state", _upper),
    ("type", "activity_type__name", same),
    ("contact_id", "contact__uuid", same),
    ("contact_name", "contact__name", same),
    ("created_on", "created", same),
    ("scheduled_from", "start", same),
    ("scheduled_to", "end", same),
    ("completed_on", "completed_at", same),
    ("assigned_user", "owner__username", same),
    ("team", "team__name", same),
]
LEDGER_COLUMNS = [
    ("id", "uuid", str),
    ("account_number", "account__number", same),
    ("contact_id", "account__party__uuid", same),
    ("contact_name", "account__party__name", same),
    ("currency_code", "account__currency", same),
    ("amount", "magnitude", same),
    ("balance_after", "balance_after", same),
    ("created_on", "created", same),
    ("description", "description", same),
]
LEDGER_BREAKDOWNS = {
    "currency_code": Breakdown("account__currency"),
    "classification": Breakdown("account__classification__name"),
    "account_state": Breakdown("account__state", _upper),
}

SOURCES = {
    Event.ACTIVITIES: Source(
        Event.ACTIVITIES,
        _activities,
        "created",
        ACTIVITY_RULES,
        {
            "state": Breakdown("state", _upper),
            "type": Breakdown("activity_type__name"),
            "assigned_user": Breakdown("owner__username"),
            "team": Breakdown("team__name"),
        },
        ACTIVITY_COLUMNS,
    ),
    **{
        event: Source(
            event, _ledger(kind), "created", LEDGER_RULES, LEDGER_BREAKDOWNS, LEDGER_COLUMNS, "magnitude"
        )
        for event, kind in (
            (Event.INVOICES, LedgerEntry.Kind.INVOICE),
            (Event.PAYMENTS, LedgerEntry.Kind.PAYMENT),
            (Event.CREDIT_NOTES, LedgerEntry.Kind.CREDIT_NOTE),
            (Event.REFUNDS, LedgerEntry.Kind.REFUND),
        )
    },
}


def source_for(event: str) -> Source | None:
    """The source of an event, None for events this back office does not record."""
    return SOURCES.get(event)
