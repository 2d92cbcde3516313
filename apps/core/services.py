"""Writes with rules for the core machinery: custom field values, and the many-to-many sets any
record may have (followers, tags, invited users), logged."""

import datetime
import math
from decimal import Decimal, InvalidOperation

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction

from .changelog import log_create, log_delete, log_update, log_values, snapshot
from .db import UniqueTaken, unique_or
from .models import VALUE_COLUMNS, CustomField, CustomFieldValue

FieldType = CustomField.FieldType


def custom_field_targets(obj) -> set[str]:
    """The `applies_to` keys of the custom fields an object can hold (its model decides)."""
    return set(obj.custom_field_targets())


def fields_for(obj):
    return CustomField.objects.filter(applies_to__in=custom_field_targets(obj))


def _invalid(message):
    return ValidationError({"value": message})


def clean_custom_value(field: CustomField, raw):
    """Turn a raw value (a Python value or its string form) into the field type's value.
    None clears the value. Raises ValidationError({"value": ...}) when it does not fit."""
    if raw is None:
        return None
    kind = field.field_type
    if kind in (FieldType.TEXT, FieldType.LONG_TEXT):
        if not isinstance(raw, str):
            raise _invalid("Not a valid string.")
        if kind == FieldType.TEXT and len(raw) > 1000:
            raise _invalid("Ensure this value has at most 1000 characters.")
        return raw
    if kind == FieldType.INTEGER:
        if isinstance(raw, bool):
            raise _invalid("A valid integer is required.")
        try:
            # whole numbers only: int() would truncate 1.5 and overflow on an infinity
            if isinstance(raw, float | Decimal) and (not math.isfinite(raw) or raw != int(raw)):
                raise ValueError
            value = int(raw) if not isinstance(raw, str) else int(raw.strip())
        except (TypeError, ValueError):
            raise _invalid("A valid integer is required.") from None
        if abs(value) >= 2**63:
            raise _invalid("Ensure this value is a 64-bit integer.")
        return value
    if kind == FieldType.DECIMAL:
        if isinstance(raw, bool):
            raise _invalid("A valid number is required.")
        try:
            value = Decimal(str(raw).strip())
        except (InvalidOperation, ValueError):
            raise _invalid("A valid number is required.") from None
        if not value.is_finite() or abs(value) >= Decimal(10) ** 14:
            raise _invalid("A valid number is required.")
        value = value.quantize(Decimal("0.000001"))
        if abs(value) >= Decimal(10) ** 14:  # rounding may carry into a 15th integer digit
            raise _invalid("A valid number is required.")
        return value
    if kind == FieldType.BOOLEAN:
        if isinstance(raw, bool):
            return raw
        lowered = str(raw).strip().lower()
        if lowered in ("true", "1", "yes"):
            return True
        if lowered in ("false", "0", "no"):
            return False
        raise _invalid("Must be a valid boolean.")
    if kind == FieldType.DATE:
        if isinstance(raw, datetime.datetime):
            return raw.date()
        if isinstance(raw, datetime.date):
            return raw
        try:
            if not isinstance(raw, str):  # a number such as 20240131 is not a date
                raise ValueError
            return datetime.date.fromisoformat(raw.strip())
        except ValueError:
            raise _invalid("Date has wrong format. Use one of these formats instead: YYYY-MM-DD.") from None
    if kind == FieldType.CHOICE:
        if not isinstance(raw, str) or raw not in field.choices:
            raise _invalid(f'"{raw}" is not a valid choice.')
        return raw
    if kind == FieldType.MULTIPLE_CHOICE:
        if not isinstance(raw, list | tuple) or not all(isinstance(v, str) for v in raw):
            raise _invalid("Expected a list of items.")
        unknown = [v for v in raw if v not in field.choices]
        if unknown:
            raise _invalid(f'"{unknown[0]}" is not a valid choice.')
        return list(dict.fromkeys(raw))
    raise _invalid("Unsupported field type.")


def _assign(value_row: CustomFieldValue, value) -> None:
    for column in set(VALUE_COLUMNS.values()):
        setattr(value_row, column, None)
    setattr(value_row, value_row.field.value_column, value)


def _touch(obj):
    """Mark the owner as modified (its `updated` stamp)."""
    if hasattr(obj, "touch"):
        obj.touch()


@transaction.atomic
def create_custom_field_value(actor, obj, field: CustomField, raw) -> CustomFieldValue:
    """Give `obj` a value for `field`. One value per field and object."""
    if field.applies_to not in custom_field_targets(obj):
        raise ValidationError({"field": "This custom field does not apply to this object."})
    content_type = ContentType.objects.get_for_model(obj, for_concrete_model=True)
    taken = {"field": "This object already has a value for this custom field."}
    if CustomFieldValue.objects.filter(field=field, content_type=content_type, object_id=obj.pk).exists():
        raise UniqueTaken(taken)
    row = CustomFieldValue(field=field, content_type=content_type, object_id=obj.pk)
    _assign(row, clean_custom_value(field, raw))
    with unique_or(taken):
        row.save()
    log_create(actor, row, parent=obj)
    _touch(obj)
    return row


@transaction.atomic
def update_custom_field_value(actor, row: CustomFieldValue, raw) -> CustomFieldValue:
    before = snapshot(row)
    _assign(row, clean_custom_value(row.field, raw))
    row.save()
    owner = row.content_object
    log_update(actor, row, before, parent=owner)
    _touch(owner)
    return row


@transaction.atomic
def set_custom_field_value(actor, obj, field: CustomField, raw) -> CustomFieldValue | None:
    """Create, update or (with None) remove the object's value for the field. An upsert under
    concurrent writers too: a value another writer created first is updated instead."""
    content_type = ContentType.objects.get_for_model(obj, for_concrete_model=True)
    existing = CustomFieldValue.objects.filter(field=field, content_type=content_type, object_id=obj.pk)
    row = existing.select_for_update().first()
    if raw is None:
        if row is not None:
            delete_custom_field_value(actor, row)
        return None
    if row is None:
        try:
            return create_custom_field_value(actor, obj, field, raw)
        except UniqueTaken:
            row = existing.select_for_update().get()
    return update_custom_field_value(actor, row, raw)


@transaction.atomic
def delete_custom_field_value(actor, row: CustomFieldValue) -> None:
    owner = row.content_object
    log_delete(actor, row, parent=owner)
    row.delete()
    _touch(owner)


def values_for(obj):
    content_type = ContentType.objects.get_for_model(obj, for_concrete_model=True)
    return CustomFieldValue.objects.filter(content_type=content_type, object_id=obj.pk).select_related(
        "field"
    )


# --- Many-to-many sets: followers, tags, invited users ---------------------------------------


@transaction.atomic
def set_related(actor, obj, name: str, rows) -> bool:
    """Replace obj's many-to-many `name` by `rows`, logged as `{name: [ids]}` before and after;
    False when nothing changed."""
    manager = getattr(obj, name)
    before = sorted(manager.values_list("pk", flat=True))
    after = sorted({row.pk for row in rows})
    if before == after:
        return False
    manager.set(rows)
    log_values(actor, obj, {name: before}, {name: after})
    return True


@transaction.atomic
def follow(actor, obj, user) -> None:
    """The user follows `obj` (any record with `followers`); following again changes nothing."""
    set_related(actor, obj, "followers", [*obj.followers.all(), user])


@transaction.atomic
def unfollow(actor, obj, user) -> None:
    """The user no longer follows `obj`; not following changes nothing."""
    set_related(actor, obj, "followers", [row for row in obj.followers.all() if row.pk != user.pk])
