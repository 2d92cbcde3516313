"""Reading CRM.COM R parameters: types, enums and identifier objects, with the spec's error codes.

Booleans accept true/false and 1/0; enums are case-insensitive and accept a space for `_`;
unknown keys are ignored. An identifier object names an entity by exactly one of its allowed
fields; in a query string it is written `field=value` (a URL-encoded JSON object works too).
"""

import datetime
import uuid
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from rest_framework.exceptions import ParseError

from apps.api.common import hostile

from .conventions import (
    AMBIGUOUS_IDENTIFIER,
    INVALID_IDENTIFIER,
    INVALID_PARAMETER_VALUE,
    MANDATORY_PARAMETER_MISSING,
    NOT_FOUND,
    REFERENCED_ENTITY_NOT_FOUND,
    CrmError,
)

MISSING = object()


def invalid(name, message="Invalid parameter value"):
    return CrmError(INVALID_PARAMETER_VALUE, message, name)


def missing(name):
    return CrmError(MANDATORY_PARAMETER_MISSING, "Mandatory parameter missing", name)


class Params:
    """Typed access to one JSON object (or query string) of parameters. `path` names it in errors."""

    def __init__(self, data, path: str = ""):
        if not hasattr(data, "get"):
            raise invalid(path or "body", "Expected an object")
        self.data = data
        self.path = path

    def name(self, key) -> str:
        return f"{self.path}.{key}" if self.path else key

    def has(self, key) -> bool:
        return key in self.data

    def raw(self, key, default=MISSING):
        return self.data.get(key, default) if key in self.data else default

    def string(self, key, *, required=False, max_length=255):
        value = self.raw(key)
        if value is MISSING or value is None or (required and value == ""):
            if required:
                raise missing(self.name(key))
            return None if value is None else MISSING
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise invalid(self.name(key), "Expected a string")
        value = str(value)
        if max_length and len(value) > max_length:
            raise invalid(self.name(key), f"At most {max_length} characters")
        return value

    def boolean(self, key):
        value = self.raw(key)
        if value is MISSING or value is None:
            return value
        if isinstance(value, bool):
            return value
        lowered = str(value).strip().lower()
        if lowered in ("true", "1"):
            return True
        if lowered in ("false", "0"):
            return False
        raise invalid(self.name(key), "Expected a boolean")

    def integer(self, key, *, minimum=None, maximum=None):
        value = self.raw(key)
        if value is MISSING or value is None:
            return value
        try:
            if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
                raise ValueError
            number = int(value)
        except (TypeError, ValueError):
            raise invalid(self.name(key), "Expected an integer") from None
        if (minimum is not None and number < minimum) or (maximum is not None and number > maximum):
            raise invalid(self.name(key), "Out of range")
        return number

    def number(self, key):
        value = self.raw(key)
        if value is MISSING or value is None:
            return value
        if isinstance(value, bool):
            raise invalid(self.name(key), "Expected a number")
        try:
            number = Decimal(str(value).strip())
        except (InvalidOperation, ValueError):
            raise invalid(self.name(key), "Expected a number") from None
        if not number.is_finite() or abs(number) >= Decimal(10) ** 14:
            raise invalid(self.name(key), "Expected a number")
        return number

    def date(self, key):
        """A `YYYY-MM-DDTHH:MM:SS` date-time (or a plain date); the date part is kept."""
        value = self.raw(key)
        if value is MISSING or value is None:
            return value
        if not isinstance(value, str):
            raise invalid(self.name(key), "Expected a date-time YYYY-MM-DDTHH:MM:SS")
        try:
            if "T" in value or " " in value:
                return datetime.datetime.fromisoformat(value.strip()).date()
            return datetime.date.fromisoformat(value.strip())
        except ValueError:
            raise invalid(self.name(key), "Expected a date-time YYYY-MM-DDTHH:MM:SS") from None

    def enum(self, key, mapping: dict, *, required=False):
        value = self.raw(key)
        if value is MISSING or value is None or value == "":
            if required:
                raise missing(self.name(key))
            return None if value in (None, "") else MISSING
        normalised = str(value).strip().upper().replace(" ", "_")
        if normalised not in mapping:
            raise invalid(self.name(key), f"Not a valid value: {value}")
        return mapping[normalised]

    def email(self, key, *, required=False):
        value = self.string(key, required=required, max_length=254)
        if isinstance(value, str):
            try:
                validate_email(value)
            except ValidationError:
                raise invalid(self.name(key), "Not a valid e-mail address") from None
        return value

    def object(self, key):
        value = self.raw(key)
        if value is MISSING or value is None:
            return value
        return Params(value, self.name(key))

    def items(self, key):
        value = self.raw(key)
        if value is MISSING or value is None:
            return []
        if not isinstance(value, list):
            raise invalid(self.name(key), "Expected an array")
        return [Params(item, f"{self.name(key)}[{i}]") for i, item in enumerate(value)]

    def identifier(self, key, allowed, *, required=False):
        """The {field: value} of an identifier object with exactly one allowed field set."""
        value = self.raw(key)
        if value is MISSING or value is None:
            if required:
                raise CrmError(INVALID_IDENTIFIER, "An identifier is required", self.name(key))
            return value
        return parse_identifier(value, allowed, self.name(key))


def parse_identifier(value, allowed, name) -> dict:
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("{"):
            try:
                value = hostile.loads(text)
            except (ValueError, ParseError):
                raise CrmError(INVALID_IDENTIFIER, "Invalid identifier", name) from None
        elif "=" in text:
            field, _, field_value = text.partition("=")
            value = {field.strip(): field_value}
        else:
            raise CrmError(INVALID_IDENTIFIER, "Invalid identifier", name)
    if not isinstance(value, dict):
        raise CrmError(INVALID_IDENTIFIER, "Invalid identifier", name)
    given = {k: v for k, v in value.items() if k in allowed and v not in (None, "")}
    if len(given) != 1:
        raise CrmError(INVALID_IDENTIFIER, "Exactly one identifier field must be given", name)
    ((field, field_value),) = given.items()
    if isinstance(field_value, dict | list | bool):
        raise CrmError(INVALID_IDENTIFIER, "Invalid identifier value", name)
    return {field: str(field_value)}


def parse_uuid(value: str):
    try:
        return uuid.UUID(hex=value.strip())
    except (ValueError, AttributeError):
        return None


def resolve(queryset, lookups: dict, identifier: dict, name: str, *, main=False):
    """The one object of `queryset` the identifier names. `lookups` maps identifier fields to ORM
    lookups (`id` on a `uuid` lookup takes 32 hex digits)."""
    ((field, value),) = identifier.items()
    lookup = lookups[field]
    code = NOT_FOUND if main else REFERENCED_ENTITY_NOT_FOUND
    if lookup == "uuid":
        value = parse_uuid(value)
        if value is None:
            raise CrmError(code, "Not found", name)
    elif lookup == "pk":
        if not value.strip().isdigit():
            raise CrmError(code, "Not found", name)
    matches = list(queryset.filter(**{lookup: value})[:2])
    if not matches:
        raise CrmError(code, "Contact information not found" if main else "Referenced entity not found", name)
    if len(matches) > 1:
        raise CrmError(AMBIGUOUS_IDENTIFIER, "The identifier matches several records", name)
    return matches[0]
