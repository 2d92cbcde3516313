"""Request bodies: DRF serializers with Cirrus's rules and Flask-RESTPlus's messages.

- Types are strict: a string field takes a JSON string, an integer field a JSON integer, a flag
  0 or 1 (the wrong JSON type is a 400, as the doc's schema validation does).
- Required means present and not null (`'name' is a required property`); "can not be empty"
  fields are also non-blank.
- References by id (`RefField`, `RefObjectField`, `IdObjectsField`) must name an existing record.
- Dates are `YYYY-MM-DD` (`DateIn`), times `HH:MM` (`TimeIn`), date-times any ISO 8601 form
  (`DateTimeIn`, naive ones in the install's time zone); numbers take a JSON number (`NumberIn`,
  which may also take a numeric string).
- `id`, `created`, `updated` and read-only fields in a body are ignored; unknown keys too.
- A PUT is partial (`partial=True`) except for the fields a `CirrusSerializer` lists in
  `required_on_update`.
"""

import datetime
from decimal import Decimal, InvalidOperation

from django.contrib.auth import get_user_model
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

INT64 = 2**63 - 1
# The bounds of an `int` (32-bit) property, as keyword arguments of a field.
INT32 = {"min_value": -(2**31), "max_value": 2**31 - 1}
JSON_TYPES = {str: "string", int: "integer", float: "number", bool: "boolean", list: "array", dict: "object"}


def json_type(value) -> str:
    return "null" if value is None else JSON_TYPES.get(type(value), type(value).__name__)


def not_of_type(value, expected: str) -> str:
    shown = "None" if value is None else repr(value)
    return f"{shown[:60]} is not of type '{expected}'"


class Str(serializers.CharField):
    """A JSON string (null is "" unless `allow_null`); `allow_blank=False` for the doc's "can not be
    empty" fields. Surrounding whitespace is kept."""

    json_type = "string"

    def __init__(self, **kwargs):
        kwargs.setdefault("allow_blank", True)
        kwargs.setdefault("trim_whitespace", False)
        kwargs.setdefault("required", False)
        self.null_as_blank = not kwargs.get("allow_null", False) and kwargs.get("allow_blank", True)
        if self.null_as_blank:
            kwargs["allow_null"] = True
        super().__init__(**kwargs)
        self.error_messages["blank"] = "This field can not be empty."

    def validate_empty_values(self, data):
        if data is None and self.null_as_blank:
            return True, ""
        return super().validate_empty_values(data)

    def to_internal_value(self, data):
        if not isinstance(data, str):
            raise serializers.ValidationError(not_of_type(data, "string"))
        return super().to_internal_value(data)


@extend_schema_field({"type": "integer", "nullable": True})
class Int(serializers.Field):
    """A JSON integer (null allowed unless `allow_null=False`); `accept_string` also takes digits
    in a string (the doc's `alternateuserid`). Bounded by `min_value`/`max_value`."""

    json_type = "integer"

    def __init__(self, *, accept_string=False, min_value=None, max_value=None, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("allow_null", True)
        self.accept_string = accept_string
        self.min_value = -INT64 if min_value is None else min_value
        self.max_value = INT64 if max_value is None else max_value
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        if isinstance(data, str) and self.accept_string and data.strip().lstrip("-").isdigit():
            data = int(data.strip())
        if isinstance(data, float) and data.is_integer():
            data = int(data)
        if isinstance(data, bool) or not isinstance(data, int):
            raise serializers.ValidationError(not_of_type(data, "integer"))
        if not self.min_value <= data <= self.max_value:
            raise serializers.ValidationError(f"{data} is not between {self.min_value} and {self.max_value}")
        return data

    def to_representation(self, value):
        return value


@extend_schema_field({"type": "integer", "minimum": 0, "maximum": 1})
class Flag(Int):
    """A 0/1 integer flag, as a bool."""

    def __init__(self, **kwargs):
        super().__init__(min_value=0, max_value=1, **kwargs)

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int) or data not in (0, 1):
            raise serializers.ValidationError(f"{data!r} is not one of [0, 1]")
        return bool(data)


@extend_schema_field({"type": "integer", "description": "The id of an existing record."})
class RefField(Int):
    """An id that must name a record of `queryset`; validated to the record."""

    def __init__(self, queryset, *, what: str = "", **kwargs):
        self.queryset = queryset
        self.what = what or queryset.model._meta.verbose_name
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        pk = super().to_internal_value(data)
        obj = self.queryset.filter(pk=pk).first()
        if obj is None:
            raise serializers.ValidationError(f"No {self.what} with id {pk}.")
        return obj


def object_id(item) -> int | None:
    """The integer `id` of an `{"id": n}` object; None when it is not one."""
    pk = item.get("id") if isinstance(item, dict) else None
    return pk if not isinstance(pk, bool) and isinstance(pk, int) and 0 < pk <= INT64 else None


@extend_schema_field(
    {"type": "object", "properties": {"id": {"type": "integer"}}, "required": ["id"], "nullable": True}
)
class RefObjectField(serializers.Field):
    """`{"id": 1}` (other keys ignored) -> the record of `queryset` with that id, which must exist;
    null when `allow_null`."""

    json_type = "object"

    def __init__(self, queryset, *, what: str = "", **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("allow_null", True)
        self.queryset = queryset
        self.what = what or queryset.model._meta.verbose_name
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        pk = object_id(data)
        if pk is None:
            raise serializers.ValidationError(f"{data!r} is not an object with an integer 'id'")
        obj = self.queryset.filter(pk=pk).first()
        if obj is None:
            raise serializers.ValidationError(f"No {self.what} with id {pk}.")
        return obj


class ParsedStr(Str):
    """A string the field parses (`parse`, a ValueError when it cannot) into a value of the kind
    `expected` names in its 400."""

    expected = ""

    def __init__(self, **kwargs):
        kwargs.setdefault("allow_null", True)
        super().__init__(**kwargs)

    @staticmethod
    def parse(text: str):
        raise NotImplementedError

    def to_internal_value(self, data):
        text = super().to_internal_value(data).strip()
        try:
            return self.parse(text)
        except ValueError:
            raise serializers.ValidationError(f"'{text}' is not a {self.expected}") from None


def _date(text: str) -> datetime.date:
    """`YYYY-MM-DD`, or the date of a date-time."""
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        return datetime.datetime.fromisoformat(text).date()


def _moment(text: str) -> datetime.datetime:
    value = datetime.datetime.fromisoformat(text)
    return timezone.make_aware(value) if timezone.is_naive(value) else value


@extend_schema_field({"type": "string", "format": "date", "nullable": True})
class DateIn(ParsedStr):
    """`YYYY-MM-DD` -> a date."""

    expected = "'date': use YYYY-MM-DD"
    parse = staticmethod(_date)


@extend_schema_field({"type": "string", "example": "14:30", "nullable": True})
class TimeIn(ParsedStr):
    """`HH:MM` (or `HH:MM:SS`) -> a time."""

    expected = "time: use HH:MM"
    parse = staticmethod(datetime.time.fromisoformat)


@extend_schema_field({"type": "string", "format": "date-time", "nullable": True})
class DateTimeIn(ParsedStr):
    """Any ISO 8601 date-time (`2019-08-24T14:15:22Z`, with an offset, or naive: local time)."""

    expected = "'date-time'"
    parse = staticmethod(_moment)


@extend_schema_field({"type": "number", "nullable": True})
class NumberIn(serializers.Field):
    """A JSON number (`accept_string`: or a numeric string) -> Decimal, within `max_digits`."""

    json_type = "number"

    def __init__(self, *, accept_string=False, max_digits=14, decimal_places=2, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("allow_null", True)
        self.accept_string = accept_string
        self.limit = Decimal(10) ** (max_digits - decimal_places)
        self.places = Decimal(1).scaleb(-decimal_places)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int | float | str):
            raise serializers.ValidationError(not_of_type(data, "number"))
        if isinstance(data, str) and not self.accept_string:
            raise serializers.ValidationError(not_of_type(data, "number"))
        try:
            value = Decimal(str(data).strip())
        except InvalidOperation:
            raise serializers.ValidationError(not_of_type(data, "number")) from None
        if not value.is_finite() or abs(value) >= self.limit:
            raise serializers.ValidationError(f"{data!r} is not a number below {self.limit}")
        return value.quantize(self.places)


class _RecordsField(serializers.Field):
    """A list naming records of `queryset` by id; every one must exist. Subclasses read the ids."""

    json_type = "array"

    def __init__(self, queryset, *, what: str = "", **kwargs):
        kwargs.setdefault("required", False)
        self.queryset = queryset
        self.what = what or queryset.model._meta.verbose_name
        super().__init__(**kwargs)

    def ids(self, data) -> list[int]:
        raise NotImplementedError

    def to_internal_value(self, data):
        if not isinstance(data, list):
            raise serializers.ValidationError(not_of_type(data, "array"))
        ids = self.ids(data)
        found = {obj.pk: obj for obj in self.queryset.filter(pk__in=ids)} if ids else {}
        missing = [pk for pk in ids if pk not in found]
        if missing:
            raise serializers.ValidationError(f"No {self.what} with id {missing[0]}.")
        return list({pk: found[pk] for pk in ids}.values())


@extend_schema_field(
    {
        "type": "array",
        "items": {"type": "object", "properties": {"id": {"type": "integer"}}, "required": ["id"]},
    }
)
class IdObjectsField(_RecordsField):
    """`[{"id": 1}, {"id": 2}]` (other keys ignored) -> the records, which must all exist."""

    def ids(self, data) -> list[int]:
        ids = []
        for item in data:
            pk = object_id(item)
            if pk is None:
                raise serializers.ValidationError(f"{item!r} is not an object with an integer 'id'")
            ids.append(pk)
        return ids


@extend_schema_field({"type": "array", "items": {"type": "integer"}})
class IdListField(_RecordsField):
    """`[1, 2]` -> the records of `queryset`, which must all exist."""

    def ids(self, data) -> list[int]:
        for item in data:
            if isinstance(item, bool) or not isinstance(item, int) or not 0 < item <= INT64:
                raise serializers.ValidationError(not_of_type(item, "integer"))
        return data


class CirrusSerializer(serializers.Serializer):
    """Base of request serializers: Flask-RESTPlus's "required property" message, and PUT's
    required fields (`required_on_update`) enforced even on a partial update."""

    required_on_update: tuple[str, ...] = ()

    def get_fields(self):
        fields = super().get_fields()
        for name, field in fields.items():
            field.error_messages["required"] = f"'{name}' is a required property"
            if field.required:
                field.error_messages["null"] = f"'{name}' is a required property"
            else:
                expected = getattr(field, "json_type", "object")
                field.error_messages["null"] = f"None is not of type '{expected}'"
        return fields

    def to_internal_value(self, data):
        if not isinstance(data, dict):
            raise serializers.ValidationError({"body": not_of_type(data, "object")})
        if self.partial and self.required_on_update:
            missing = {
                name: f"'{name}' is a required property"
                for name in self.required_on_update
                if data.get(name) is None
            }
            if missing:
                raise serializers.ValidationError(missing)
        return super().to_internal_value(data)


class FieldMap(dict):
    """The doc's field names -> the domain service's, for the values that pass as they are."""

    def changes(self, data: dict) -> dict:
        """The validated values the map names, under the service's names (only those sent)."""
        return {self[key]: value for key, value in data.items() if key in self}

    @property
    def errors(self) -> dict:
        """The service's names -> the doc's: a view's `error_field_map`."""
        return {domain: doc for doc, domain in self.items()}


class FollowIn(CirrusSerializer):
    """`{key, userid}` of the follow and unfollow operations: the record's id and the user's."""

    key = Int(required=True, allow_null=False, min_value=1)
    userid = RefField(get_user_model().objects.all(), what="user", required=True, allow_null=False)
