"""A small rule engine: saved rules (JSON) evaluated to a Django Q object over a model.

A rule is a group of conditions, nested at will:

    {"match": "all", "conditions": [
        {"field": "city", "op": "eq", "value": "Gent"},
        {"match": "any", "conditions": [
            {"field": "group", "op": "eq", "value": 3},
            {"field": "cf.member_level", "op": "in", "value": ["gold", "silver"]}]}]}

Each model publishes a RuleSet naming the fields a rule may use (so a rule can never reach an
arbitrary ORM path); a field is either a plain ORM path or a builder for computed conditions
(memberships on a date, custom field values). Segments use it for parties; insights reuse it.
Date values may be ISO dates or `today`, `today-30`, `today+7`.
"""

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone

OPERATORS = {
    "eq": "exact",
    "ne": "exact",
    "contains": "icontains",
    "startswith": "istartswith",
    "gt": "gt",
    "gte": "gte",
    "lt": "lt",
    "lte": "lte",
    "in": "in",
    "isnull": "isnull",
}
TEXT_OPS = {"eq", "ne", "contains", "startswith", "in", "isnull"}
ORDERED_OPS = {"eq", "ne", "gt", "gte", "lt", "lte", "in", "isnull"}
OPS_BY_TYPE = {
    "text": TEXT_OPS,
    "number": ORDERED_OPS,
    "date": ORDERED_OPS,
    "datetime": ORDERED_OPS,
    "boolean": {"eq", "ne", "isnull"},
    "id": {"eq", "ne", "in", "isnull"},
}
MAX_DEPTH = 5
_RELATIVE_DATE = re.compile(r"^today(?:([+-])(\d{1,5}))?$")


def parse_value(kind: str, value):
    """Coerce one condition value to the field type; ValueError when it does not fit."""
    if kind == "text":
        if isinstance(value, bool) or not isinstance(value, str | int):
            raise ValueError("expected text")
        return str(value)
    if kind == "number":
        if isinstance(value, bool):
            raise ValueError("expected a number")
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            raise ValueError("expected a number") from None
        if not number.is_finite():
            raise ValueError("expected a number")
        return number
    if kind == "id":
        if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
            raise ValueError("expected an id")
        return int(value)
    if kind == "boolean":
        if not isinstance(value, bool):
            raise ValueError("expected true or false")
        return value
    if kind in ("date", "datetime"):
        if isinstance(value, datetime.date):
            return value.date() if isinstance(value, datetime.datetime) else value
        if not isinstance(value, str):
            raise ValueError("expected a date")
        match = _RELATIVE_DATE.match(value.strip())
        if match:
            today = timezone.localdate()
            days = int(match.group(2) or 0)
            return today + datetime.timedelta(days=-days if match.group(1) == "-" else days)
        return datetime.date.fromisoformat(str(value))
    raise ValueError(f"unknown type {kind}")


@dataclass(frozen=True)
class RuleField:
    """A field rules may use: `path` for a plain ORM lookup path, or `build(op, value) -> Q`."""

    name: str
    label: str
    kind: str = "text"
    path: str | None = None
    build: Callable[[str, object], Q] | None = None

    def condition(self, op: str, value) -> Q:
        if not isinstance(op, str) or op not in OPS_BY_TYPE[self.kind]:
            raise ValidationError(f'Operator "{op}" does not apply to field "{self.name}".')
        if op == "isnull":
            if not isinstance(value, bool):
                raise ValidationError(f'"{self.name}": isnull takes true or false.')
            parsed = value
        else:
            try:
                if op == "in":
                    if not isinstance(value, list) or not value:
                        raise ValueError("expected a non-empty list")
                    parsed = [parse_value(self.kind, v) for v in value]
                else:
                    parsed = parse_value(self.kind, value)
            except (ValueError, TypeError) as exc:
                raise ValidationError(f'Invalid value for "{self.name}": {exc}.') from None
        if self.build is not None:
            return self.build(op, parsed)
        if self.kind == "text" and op == "isnull":  # text columns hold "" rather than NULL
            empty = Q(**{f"{self.path}__isnull": True}) | Q(**{self.path: ""})
            return empty if parsed else ~empty
        if self.kind == "datetime" and op != "isnull":
            lookup = f"{self.path}__date__{OPERATORS[op]}"
        else:
            lookup = f"{self.path}__{OPERATORS[op]}"
        q = Q(**{lookup: parsed})
        return ~q if op == "ne" else q


class RuleSet:
    """The fields rules may use over one model, plus an optional resolver for dynamic names
    (e.g. `cf.<key>` for custom fields)."""

    def __init__(self, fields: list[RuleField], resolve: Callable[[str], RuleField | None] | None = None):
        self.fields = {f.name: f for f in fields}
        self.resolve = resolve

    def field(self, name: str) -> RuleField:
        if name in self.fields:
            return self.fields[name]
        found = self.resolve(name) if self.resolve else None
        if found is None:
            raise ValidationError(f'Unknown field "{name}".')
        return found

    def q(self, rule: dict | None, depth: int = 0) -> Q:
        """The Q object a rule stands for; raises ValidationError for a malformed rule."""
        if not rule:
            return Q()
        if not isinstance(rule, dict):
            raise ValidationError("A rule must be an object.")
        if depth > MAX_DEPTH:
            raise ValidationError(f"Rules nest at most {MAX_DEPTH} levels deep.")
        if "conditions" in rule:
            match = rule.get("match", "all")
            if match not in ("all", "any"):
                raise ValidationError('"match" must be "all" or "any".')
            conditions = rule["conditions"]
            if not isinstance(conditions, list):
                raise ValidationError('"conditions" must be a list.')
            combined = Q()
            for condition in conditions:
                part = self.q(condition, depth + 1)
                combined = (combined & part) if match == "all" else (combined | part)
            return combined
        if "field" not in rule or "op" not in rule:
            raise ValidationError('A condition needs "field" and "op".')
        if not isinstance(rule["field"], str):
            raise ValidationError('"field" must be the name of a field.')
        return self.field(rule["field"]).condition(rule["op"], rule.get("value"))

    def validate(self, rule) -> None:
        self.q(rule)

    def filter(self, queryset, rule):
        return queryset.filter(self.q(rule))
