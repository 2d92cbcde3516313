"""Response fields with Cirrus's scalar conventions: unset text is null (never ""), 0/1 flags are
integers, coordinates are strings, date-times are UTC with `Z` and no fraction, dates and times of
day are the install's time zone's."""

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


def number(value) -> int | float | None:
    """A stored Decimal (money, quantities) as a JSON number: 1500, 12.5."""
    if value is None:
        return None
    value = Decimal(value)
    return int(value) if value == value.to_integral_value() else float(value)


def coordinate(value) -> str | None:
    """A stored Decimal coordinate as the doc's string: `63.82`, not `63.820000`."""
    if value is None:
        return None
    value = Decimal(value)
    if value == value.to_integral_value():
        return str(value.to_integral_value())
    return format(value.normalize(), "f")


def local_date(value) -> str | None:
    """A date-time's day in the install's time zone, `YYYY-MM-DD`; a date as it is."""
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value).date()
    return value.isoformat()


def local_time(value) -> str | None:
    """A date-time's time of day in the install's time zone, `HH:MM`."""
    return None if value is None else timezone.localtime(value).strftime("%H:%M")


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
