"""Cirrus's list filters as django-filter filters, so every list declares its parameters once
(and the OpenAPI schema shows them):

- `WildcardFilter`: case-insensitive; `%` matches any run of characters, otherwise exact; `_` is a
  plain character. `wildcard()` builds the same condition for any column or expression.
- `IntFilter`, `FlagFilter` (0/1), `ActiveFilter` (0 inactive, 1 active, 2 both; with a default),
  `DateFilter` (`YYYY-MM-DD`: on, from or until a day, of a date or a date-time column),
  `CsvIdsFilter` (`3,7,9`: any of them), `SortingFilter` (`<key>_asc|_desc` from a fixed set; ties
  broken by id), `FulltextFilter` (the term in any of the listed columns).
- `CirrusFilterSet` adds the paired `dynamicfield_id`/`dynamicfield_val` filters (for lists whose
  records hold dynamic data) and `nearto`/`distance` (for lists that define `near`).

A bad value is a 400 naming the parameter (the view's filter backend raises it). Every filter is a
condition on the one list query (EXISTS for child rows, never a join that repeats rows), so a list
costs the same number of queries whatever is filtered.
"""

import datetime
import json
import re
from decimal import Decimal, InvalidOperation

import django_filters
from django import forms
from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, F, Lookup, OuterRef, Q, TextField, Value
from django.db.models.functions import Cast
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework.exceptions import ValidationError

from apps.core.models import CustomField, CustomFieldValue

from . import geo

INT64 = 2**63 - 1


# --- The `%` wildcard -------------------------------------------------------------------------


class Like(Lookup):
    """`UPPER(lhs) LIKE UPPER(pattern)`: case-insensitive LIKE with `\\` as escape character."""

    lookup_name = "cirrus_like"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"UPPER({lhs}) LIKE UPPER({rhs}) ESCAPE '\\'", [*lhs_params, *rhs_params]


def like_pattern(value: str) -> str:
    """A Cirrus filter value as a LIKE pattern: `%` stays a wildcard, `_` and `\\` are literal."""
    return value.replace("\\", "\\\\").replace("_", "\\_")


def wildcard(column, value: str):
    """The condition "column matches value" (a name, an F() or any text expression)."""
    expression = F(column) if isinstance(column, str) else column
    return Like(expression, Value(like_pattern(value)))


def wildcard_matches(text: str, value: str) -> bool:
    """The same match in Python (for option labels known in advance)."""
    pattern = "".join(".*" if part == "%" else re.escape(part) for part in re.split(r"(%)", value))
    return re.fullmatch(pattern, text or "", flags=re.IGNORECASE | re.DOTALL) is not None


# --- Form fields with Cirrus's messages -------------------------------------------------------


class IntegerField(forms.Field):
    """A whole number that fits a database integer."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            number = int(str(value).strip())
        except ValueError:
            raise forms.ValidationError(f"invalid literal for int() with base 10: '{value}'") from None
        if abs(number) > INT64:
            raise forms.ValidationError(f"{value} is out of range")
        return number


class ChoiceIntegerField(IntegerField):
    def __init__(self, *args, allowed=(0, 1), **kwargs):
        self.allowed = tuple(allowed)
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        number = super().to_python(value)
        if number is not None and number not in self.allowed:
            allowed = ", ".join(str(a) for a in self.allowed)
            raise forms.ValidationError(f"The value '{value}' is not a valid choice: use one of {allowed}.")
        return number


class CsvIntegerField(forms.Field):
    """`3,7,9` (or repeated parameters) -> [3, 7, 9]."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", RepeatedWidget)
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        parts = [p.strip() for raw in (value or []) for p in str(raw).split(",") if p.strip()]
        numbers = []
        for part in parts:
            try:
                number = int(part)
            except ValueError:
                raise forms.ValidationError(
                    f"'{part}' is not an integer: give comma-separated ids."
                ) from None
            if abs(number) > INT64:
                raise forms.ValidationError(f"{part} is out of range")
            numbers.append(number)
        return numbers or None


class CsvStringField(forms.Field):
    """`a,b` (or repeated parameters) -> ["a", "b"], each one of `choices` when given (a list, or a
    callable returning it: the OpenAPI generator reads a filter's list `choices` as pairs)."""

    def __init__(self, *args, choices=None, **kwargs):
        self.choices = choices
        kwargs.setdefault("widget", RepeatedWidget)
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        parts = [p.strip() for raw in (value or []) for p in str(raw).split(",") if p.strip()]
        choices = self.choices() if callable(self.choices) else self.choices
        if choices is not None:
            for part in parts:
                if part not in choices:
                    raise forms.ValidationError(f"'{part}' is not one of {', '.join(choices)}.")
        return parts or None


class RepeatedWidget(forms.TextInput):
    """Every value of a repeated query parameter, in order."""

    def value_from_datadict(self, data, files, name):
        if hasattr(data, "getlist"):
            return data.getlist(name) or data.getlist(f"{name}[]")
        value = data.get(name)
        return [] if value is None else [value]


class DecimalNumberField(forms.Field):
    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation:
            raise forms.ValidationError(f"'{value}' is not a number.") from None
        if not number.is_finite() or number < 0:
            raise forms.ValidationError(f"'{value}' is not a distance in kilometres.")
        return float(number)


class PointField(forms.Field):
    def to_python(self, value):
        if value in self.empty_values:
            return None
        point = geo.parse_point(value)
        if point is None:
            raise forms.ValidationError(f"'{value}' is not a location: give latitude,longitude.")
        return point


class DateField(forms.Field):
    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return datetime.date.fromisoformat(str(value).strip())
        except ValueError:
            raise forms.ValidationError(f"'{value}' is not a date: use YYYY-MM-DD.") from None


# --- Filters ----------------------------------------------------------------------------------


@extend_schema_field(OpenApiTypes.STR)
class WildcardFilter(django_filters.CharFilter):
    """A text column matched with `%` wildcards, case-insensitively; `method` filters may call
    `wildcard()` for columns of child rows."""

    def filter(self, qs, value):
        if value in (None, ""):
            return qs
        return qs.filter(wildcard(self.field_name, value))


@extend_schema_field(OpenApiTypes.INT)
class IntFilter(django_filters.Filter):
    field_class = IntegerField


@extend_schema_field({"type": "integer", "minimum": 0, "maximum": 1})
class FlagFilter(django_filters.Filter):
    """A 0/1 flag; `field_name` is a boolean column unless a `method` says otherwise."""

    field_class = ChoiceIntegerField

    def filter(self, qs, value):
        if value is None or self.method:
            return super().filter(qs, value)
        return qs.filter(**{self.field_name: bool(value)})


@extend_schema_field({"type": "integer", "minimum": 0, "maximum": 2})
class ActiveFilter(django_filters.Filter):
    """0 inactive, 1 active, 2 both; `default` when absent (None: no filter)."""

    field_class = ChoiceIntegerField

    def __init__(self, *args, default=None, **kwargs):
        self.default = default
        kwargs.setdefault("field_name", "is_active")
        kwargs.setdefault("allowed", (0, 1, 2))
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        value = self.default if value is None else value
        if value is None or value == 2:
            return qs
        return qs.filter(**{self.field_name: bool(value)})


@extend_schema_field(OpenApiTypes.DATE)
class DateFilter(django_filters.Filter):
    """`YYYY-MM-DD`: the rows `on` that day, `from` it or `until` it (inclusive). On a date-time
    column (`moment=True`) a day is the install's time zone's, compared as a range so that the
    column's index serves it."""

    field_class = DateField

    def __init__(self, *args, bound: str = "on", moment: bool = False, **kwargs):
        self.bound = bound
        self.moment = moment
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if value is None or self.method:
            return super().filter(qs, value)
        return qs.filter(day_condition(self.field_name, value, self.bound, moment=self.moment))


def day_condition(column: str, day: datetime.date, bound: str = "on", *, moment: bool = False) -> Q:
    if not moment:
        lookup = {"on": "exact", "from": "gte", "until": "lte"}[bound]
        return Q(**{f"{column}__{lookup}": day})
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time()))
    after = timezone.make_aware(datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time()))
    conditions = {"from": {"gte": start}, "until": {"lt": after}, "on": {"gte": start, "lt": after}}[bound]
    return Q(**{f"{column}__{lookup}": value for lookup, value in conditions.items()})


@extend_schema_field(OpenApiTypes.STR)
class CsvIdsFilter(django_filters.Filter):
    """Comma-separated ids: any of them."""

    field_class = CsvIntegerField

    def filter(self, qs, value):
        if not value or self.method:
            return super().filter(qs, value)
        return qs.filter(**{f"{self.field_name}__in": value})


@extend_schema_field(OpenApiTypes.STR)
class FulltextFilter(django_filters.CharFilter):
    """The term (a plain substring, case-insensitive) in any of `columns`: column names, or
    callables term -> Q for columns of child rows. Or `condition`, a callable term -> Q that
    searches them all (the parties' searches: apps/parties/search.py)."""

    def __init__(self, *args, columns=(), condition=None, **kwargs):
        self.columns = columns
        self.condition = condition
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if value in (None, ""):
            return qs
        if self.condition is not None:
            return qs.filter(self.condition(value))
        condition = Q()
        for column in self.columns:
            condition |= column(value) if callable(column) else Q(**{f"{column}__icontains": value})
        return qs.filter(condition)


class SortingFilter(django_filters.ChoiceFilter):
    """`sorting=<key>_asc|<key>_desc`. `keys` maps a key to the columns it orders by (names or
    expressions), or to a callable (queryset, descending) -> ordered queryset. Ties: id."""

    def __init__(self, *args, keys: dict, default: str, tiebreak: str = "id", **kwargs):
        self.keys = keys
        self.default = default
        self.tiebreak = tiebreak
        self.values = [f"{key}_{way}" for key in keys for way in ("asc", "desc")]
        kwargs.setdefault("field_name", "sorting")
        kwargs["choices"] = [(v, v) for v in self.values]
        kwargs["error_messages"] = {
            "invalid_choice": "The value '%(value)s' is not a valid choice for 'sorting'."
        }
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        key, _, way = (value or self.default).rpartition("_")
        if callable(self.keys[key]):
            return self.keys[key](qs, way == "desc")
        return qs.order_by(*self.columns(value), self.tiebreak)

    def columns(self, value, prefix: str = "") -> list:
        """The order expressions of a value whose key names columns, each under `prefix` (a
        path from another model to the listed one, e.g. `party__`)."""
        key, _, way = (value or self.default).rpartition("_")
        columns = []
        for column in self.keys[key]:
            expression = F(f"{prefix}{column}") if isinstance(column, str) else column
            columns.append(
                expression.desc(nulls_last=True) if way == "desc" else expression.asc(nulls_last=True)
            )
        return columns


class EnumFilter(django_filters.ChoiceFilter):
    """One of `values` (a 400 naming the parameter otherwise); the filter set reads it (`method`)."""

    def __init__(self, *args, values, **kwargs):
        kwargs["choices"] = [(value, value) for value in values]
        kwargs["error_messages"] = {
            "invalid_choice": "The value '%(value)s' is not a valid choice for '"
            + kwargs["field_name"]
            + "'."
        }
        super().__init__(*args, **kwargs)


@extend_schema_field({"type": "array", "items": {"type": "integer"}})
class RepeatedIntFilter(django_filters.Filter):
    """A repeated integer parameter; the filter set uses the values (see dynamic field pairs)."""

    field_class = CsvIntegerField

    def filter(self, qs, value):
        return qs


class RepeatedStringField(forms.Field):
    widget = RepeatedWidget

    def to_python(self, value):
        return list(value or []) or None


@extend_schema_field({"type": "array", "items": {"type": "string"}})
class RepeatedStringFilter(django_filters.Filter):
    field_class = RepeatedStringField

    def filter(self, qs, value):
        return qs


@extend_schema_field(OpenApiTypes.STR)
class PointFilter(django_filters.Filter):
    field_class = PointField

    def filter(self, qs, value):
        return qs


@extend_schema_field(OpenApiTypes.STR)
class DistanceFilter(django_filters.Filter):
    field_class = DecimalNumberField

    def filter(self, qs, value):
        return qs


# --- Dynamic field values ---------------------------------------------------------------------


def option_labels(field: CustomField, value: str) -> list[str]:
    """The options of a choice field a filter value names: by label (with `%`) or by option id."""
    choices = list(field.choices or [])
    labels = [label for label in choices if wildcard_matches(str(label), value)]
    if value.strip().isdigit() and 1 <= int(value) <= len(choices):
        labels.append(choices[int(value) - 1])
    return list(dict.fromkeys(labels))


def dynamic_value_condition(field: CustomField, value: str) -> Q | None:
    """Q over CustomFieldValue rows of `field` whose value matches; None when nothing can."""
    kind = field.field_type
    has_wildcard = "%" in value
    FT = CustomField.FieldType
    if kind in (FT.TEXT, FT.LONG_TEXT):
        return Q(wildcard("text_value", value))
    if kind == FT.CHOICE:
        labels = option_labels(field, value)
        return Q(text_value__in=labels) if labels else None
    if kind == FT.MULTIPLE_CHOICE:
        condition = Q()
        for label in option_labels(field, value):
            # a JSON array holds the label as a JSON string (ASCII-escaped or not, per database)
            for form in {json.dumps(label), json.dumps(label, ensure_ascii=False)}:
                condition |= Q(list_text__contains=form)
        return condition or None
    if kind == FT.BOOLEAN:
        lowered = value.strip().lower()
        if lowered in ("1", "true", "yes"):
            return Q(boolean_value=True)
        if lowered in ("0", "false", "no"):
            return Q(boolean_value=False)
        return None
    column = field.value_column
    if has_wildcard:
        return Q(wildcard(Cast(column, TextField()), value))
    try:
        if kind == FT.INTEGER:
            return Q(integer_value=int(value.strip()))
        if kind == FT.DECIMAL:
            return Q(decimal_value=Decimal(value.strip()))
        if kind == FT.DATE:
            return Q(date_value=datetime.date.fromisoformat(value.strip()))
    except (ValueError, InvalidOperation):
        return None
    return None


def dynamic_field_filter(queryset, pairs: list[tuple[int, str]], targets: set[str]):
    """Records that hold, for each (field id, value) pair, a matching value (pairs AND)."""
    if not pairs:
        return queryset
    fields = {
        f.pk: f for f in CustomField.objects.filter(pk__in=[pk for pk, _ in pairs], applies_to__in=targets)
    }
    content_type = ContentType.objects.get_for_model(queryset.model, for_concrete_model=True)
    for field_id, value in pairs:
        field = fields.get(field_id)
        condition = dynamic_value_condition(field, value) if field is not None else None
        if condition is None:
            return queryset.none()
        rows = CustomFieldValue.objects.filter(
            field_id=field_id, content_type=content_type, object_id=OuterRef("pk")
        ).annotate(list_text=Cast("list_value", TextField()))
        queryset = queryset.filter(Exists(rows.filter(condition)))
    return queryset


# --- The filter set ---------------------------------------------------------------------------


class CirrusFilterSet(django_filters.FilterSet):
    """Base of every Cirrus list's filters.

    - `dynamic_field_targets`: the custom field `applies_to` keys of the listed records; when set,
      the list takes `dynamicfield_id`/`dynamicfield_val` pairs.
    - `near(queryset, point, km)`: define it (and declare `nearto`/`distance` with PointFilter and
      DistanceFilter) to filter by proximity; `self.nearto` is the parsed point afterwards, for
      the distances the response shows.
    """

    dynamic_field_targets: set[str] | None = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.nearto = None
        if self.dynamic_field_targets is not None:
            self.filters["dynamicfield_id"] = RepeatedIntFilter(field_name="dynamicfield_id")
            self.filters["dynamicfield_val"] = RepeatedStringFilter(field_name="dynamicfield_val")

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        data = self.form.cleaned_data
        if self.dynamic_field_targets is not None:
            pairs = list(
                zip(data.get("dynamicfield_id") or [], data.get("dynamicfield_val") or [], strict=False)
            )
            queryset = dynamic_field_filter(queryset, pairs, self.dynamic_field_targets)
        if data.get("nearto") is not None and hasattr(self, "near"):
            self.nearto = data["nearto"]
            queryset = self.near(queryset, self.nearto, data.get("distance"))
        return queryset


def raise_filter_errors(filterset):
    """A 400 naming each bad parameter (the first reason of each)."""
    if not filterset.is_valid():
        raise ValidationError({name: errors[0] for name, errors in filterset.errors.items()})


@extend_schema_field(OpenApiTypes.STR)
class PrefixFilter(django_filters.CharFilter):
    """A text column that begins with the value, case-insensitively (`%` and `_` literal)."""

    def filter(self, qs, value):
        if value in (None, ""):
            return qs
        pattern = like_pattern(value).replace("%", "\\%") + "%"
        return qs.filter(Like(F(self.field_name), Value(pattern)))
