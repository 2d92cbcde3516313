"""Writing the change log. Services call these inside their transaction, so a change and its log
entry commit or roll back together."""

import datetime
import uuid
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db import models

from .models import ObjectChange


def _json_value(value):
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, Decimal):
        # canonical form, so 50.1 and the database's 50.100000 compare equal (no spurious update)
        return format(value.normalize(), "f") if value.is_finite() else str(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, models.fields.files.FieldFile):
        return value.name or None
    return value


def snapshot(obj: models.Model) -> dict:
    """The object's concrete field values, JSON-safe (foreign keys as ids)."""
    data = {}
    derived = getattr(obj, "changelog_exclude", ())  # e.g. match keys, computed from other fields
    for field in obj._meta.concrete_fields:
        if field.name in ("created", "updated") or field.name in derived:
            continue
        data[field.attname] = _json_value(getattr(obj, field.attname))
    return data


def stored_snapshot(obj: models.Model) -> dict | None:
    """The stored row's snapshot, for an instance the caller (a form, the admin) has already
    changed in memory; None for an instance not saved yet."""
    return snapshot(type(obj)._base_manager.get(pk=obj.pk)) if obj.pk else None


def _user_fields(actor):
    if actor is None or not getattr(actor, "is_authenticated", False):
        return {"user": None, "user_name": ""}
    return {"user": actor, "user_name": actor.get_username()}


def _parent_fields(parent):
    if parent is None:
        return {}
    return {
        "related_content_type": ContentType.objects.get_for_model(parent, for_concrete_model=True),
        "related_object_id": parent.pk,
    }


def _record(actor, obj, action, before, after, parent):
    return ObjectChange.objects.create(
        action=action,
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=True),
        object_id=obj.pk,
        object_repr=str(obj)[:200],
        before=before,
        after=after,
        **_user_fields(actor),
        **_parent_fields(parent),
    )


def log_create(actor, obj, parent=None):
    return _record(actor, obj, ObjectChange.Action.CREATE, None, snapshot(obj), parent)


def log_update(actor, obj, before: dict, parent=None):
    """Record an update against the snapshot taken before it; nothing is written if nothing changed."""
    after = snapshot(obj)
    if after == before:
        return None
    return _record(actor, obj, ObjectChange.Action.UPDATE, before, after, parent)


def log_save(actor, obj, before: dict | None, parent=None):
    """Record a save: a create when there was nothing `before`, else an update against it."""
    if before is None:
        return log_create(actor, obj, parent=parent)
    return log_update(actor, obj, before, parent=parent)


def log_values(actor, obj, before: dict, after: dict, parent=None):
    """Record an update given as explicit values, for what a snapshot does not hold (e.g. a
    many-to-many set: {"tags": [ids]}); nothing is written if nothing changed."""
    if after == before:
        return None
    return _record(actor, obj, ObjectChange.Action.UPDATE, before, after, parent)


def log_delete(actor, obj, parent=None, before: dict | None = None):
    return _record(actor, obj, ObjectChange.Action.DELETE, before or snapshot(obj), None, parent)


def history_for(obj: models.Model):
    """Every change of the object itself and of the rows that name it as their parent."""
    content_type = ContentType.objects.get_for_model(obj, for_concrete_model=True)
    return ObjectChange.objects.filter(
        models.Q(content_type=content_type, object_id=obj.pk)
        | models.Q(related_content_type=content_type, related_object_id=obj.pk)
    ).select_related("user", "content_type")
