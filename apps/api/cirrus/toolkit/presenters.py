"""Response fields with Cirrus's scalar conventions: unset text is null (never ""), 0/1 flags are
integers, coordinates are strings, date-times are UTC with `Z` and no fraction."""

import datetime
from decimal import Decimal

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers


def text(value):
    return None if value in ("", None) else value


def flag(value) -> int | None:
    return None if value is None else int(bool(value))


def coordinate(value) -> str | None:
    """A stored Decimal coordinate as the doc's string: `63.82`, not `63.820000`."""
    if value is None:
        return None
    value = Decimal(value)
    if value == value.to_integral_value():
        return str(value.to_integral_value())
    return format(value.normalize(), "f")


def utc(value) -> str | None:
    """`2019-08-24T14:15:22Z`."""
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        if timezone.is_naive(value):
            value = timezone.make_aware(value, datetime.UTC)
        return value.astimezone(datetime.UTC).replace(microsecond=0, tzinfo=None).isoformat() + "Z"
    return value.isoformat()


@extend_schema_field({"type": "string", "nullable": True})
class NullableText(serializers.CharField):
    """Text, with "" shown as null."""

    def __init__(self, **kwargs):
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)

    def to_representation(self, value):
        return text(value)


@extend_schema_field({"type": "integer", "minimum": 0, "maximum": 1})
class FlagInt(serializers.BooleanField):
    def __init__(self, **kwargs):
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)

    def to_representation(self, value):
        return flag(value)


@extend_schema_field({"type": "string", "nullable": True, "example": "63.82"})
class CoordinateText(serializers.DecimalField):
    def __init__(self, **kwargs):
        kwargs.setdefault("read_only", True)
        super().__init__(max_digits=9, decimal_places=6, **kwargs)

    def to_representation(self, value):
        return coordinate(value)


@extend_schema_field({"type": "string", "format": "date-time", "nullable": True})
class UtcDateTime(serializers.DateTimeField):
    def __init__(self, **kwargs):
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)

    def to_representation(self, value):
        return utc(value)


@extend_schema_field(OpenApiTypes.INT)
class IntValue(serializers.IntegerField):
    def __init__(self, **kwargs):
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)
