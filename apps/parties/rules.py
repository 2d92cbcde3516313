"""The fields segment rules (and insights) may use over parties."""

import math

from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from apps.core.models import CustomField, CustomFieldValue
from apps.core.rules import OPERATORS, RuleField, RuleSet

from .models import Address, EmailAddress, Membership, Party, Phone


def _exists(model, link: str, path: str, kind_lookup=None):
    """A condition on a child table: some child row matches (`ne`: no child row equals it)."""

    def build(op, value):
        if op == "isnull":
            q = Exists(model.objects.filter(**{link: OuterRef("pk")}).exclude(**{f"{path}": ""}))
            return ~q if value else q
        lookup = OPERATORS["eq" if op == "ne" else op]
        rows = model.objects.filter(**{link: OuterRef("pk"), f"{path}__{lookup}": value})
        return ~Exists(rows) if op == "ne" else Exists(rows)

    return build


def _membership(path: str):
    def build(op, value):
        if op == "isnull":
            q = Exists(Membership.objects.active_on(timezone.localdate()).filter(party=OuterRef("pk")))
            return ~q if value else q
        values = value if isinstance(value, list) else [value]
        rows = Membership.objects.active_on(timezone.localdate()).filter(
            party=OuterRef("pk"), **{f"{path}__in": values}
        )
        return ~Exists(rows) if op == "ne" else Exists(rows)

    return build


def _tag(op, value):
    if op == "isnull":
        q = Exists(Party.tags.through.objects.filter(party=OuterRef("pk")))
        return ~q if value else q
    values = value if isinstance(value, list) else [value]
    rows = Party.tags.through.objects.filter(party=OuterRef("pk"), tag__in=values)
    return ~Exists(rows) if op == "ne" else Exists(rows)


CUSTOM_FIELD_KINDS = {
    "text": "text",
    "long_text": "text",
    "choice": "text",
    "integer": "number",
    "decimal": "number",
    "boolean": "boolean",
    "date": "date",
}


def _whole_number(op, value):
    """The integer(s) that compare an integer column with a number exactly under `op`, where the
    ORM would truncate (38 < 38.5 must hold; no integer equals 38.5). None: no integer fits."""
    if op == "in":
        return [int(v) for v in value if v == v.to_integral_value()] or None
    if value == value.to_integral_value():
        return int(value)
    if op in ("gt", "lte"):
        return math.floor(value)
    if op in ("gte", "lt"):
        return math.ceil(value)
    return None  # eq, ne


def _custom_field(name: str) -> RuleField | None:
    """`cf.<key>`: a condition on the party's value of that custom field."""
    if not name.startswith("cf."):
        return None
    field = CustomField.objects.filter(key=name[3:]).first()
    if field is None or field.field_type not in CUSTOM_FIELD_KINDS:
        return None
    column = field.value_column

    def build(op, value):
        rows = CustomFieldValue.objects.filter(
            field=field,
            content_type=ContentType.objects.get_for_model(Party),
            object_id=OuterRef("pk"),
        )
        if op == "isnull":
            q = Exists(rows.filter(**{f"{column}__isnull": False}))
            return ~q if value else q
        if column == "integer_value":
            value = _whole_number(op, value)
        lookup = OPERATORS["eq" if op == "ne" else op]
        # value None: no stored integer can match
        matching = Q(pk__in=[]) if value is None else Exists(rows.filter(**{f"{column}__{lookup}": value}))
        return ~matching if op == "ne" else matching

    return RuleField(name, field.name, CUSTOM_FIELD_KINDS[field.field_type], build=build)


PARTY_RULES = RuleSet(
    [
        RuleField("name", "Name", "text", "name"),
        RuleField("first_name", "First name", "text", "first_name"),
        RuleField("last_name", "Last name", "text", "last_name"),
        RuleField("gender", "Gender", "text", "gender"),
        RuleField("preferred_language", "Preferred language", "text", "preferred_language"),
        RuleField("birth_date", "Birth date", "date", "birth_date"),
        RuleField("is_active", "Active", "boolean", "is_active"),
        RuleField("created", "Created", "datetime", "created"),
        RuleField("updated", "Last modified", "datetime", "updated"),
        RuleField("city", "City", "text", build=_exists(Address, "party", "city")),
        RuleField("postal_code", "Postal code", "text", build=_exists(Address, "party", "postal_code")),
        RuleField("country", "Country", "text", build=_exists(Address, "party", "country")),
        RuleField("email", "E-mail", "text", build=_exists(EmailAddress, "party", "email")),
        RuleField("phone", "Phone", "text", build=_exists(Phone, "party", "number")),
        RuleField("tag", "Tag", "id", build=_tag),
        RuleField("group", "Group (member today)", "id", build=_membership("combination__group")),
        RuleField("function", "Function (held today)", "id", build=_membership("combination__function")),
        RuleField("combination", "Combination (held today)", "id", build=_membership("combination")),
    ],
    resolve=_custom_field,
)
