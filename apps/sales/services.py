"""Every write to activities, attendance, products and product prices, with its rules. The admin,
the APIs and tasks call these.

Each top-level function runs in one transaction and records the change log. Rule violations raise
Django's ValidationError: keyed by field for a field's rule, a plain message otherwise.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.utils import timezone

from apps.core.changelog import log_create, log_delete, log_save, log_update, snapshot, stored_snapshot

from .models import Activity, ActivityStateChange, Attendance, Product, ProductPrice

Kind = Activity.Kind
State = Activity.State

ACTIVITY_FIELDS = {
    "name",
    "description",
    "activity_type",
    "start",
    "end",
    "location",
    "is_public",
    "permissions",
    "registration_start",
    "registration_deadline",
    "default_price",
    "result",
    "account",
    "contact",
    "owner",
    "progression_state",
    "external_key",
    "parent",
    "priority",
    "opportunity",
    "reminder_minutes",
    "reminder_text",
    "reminder_done",
    "extras_external_id",
}
PRODUCT_FIELDS = {"name", "description", "price", "max_quantity"}


def _set_fields(obj, data: dict, allowed: set[str]):
    unknown = set(data) - allowed
    if unknown:
        raise ValueError(f"Unknown fields for {type(obj).__name__}: {sorted(unknown)}")
    for name, value in data.items():
        setattr(obj, name, value)


def _validated_save(obj, **kwargs):
    """Model-level validation (lengths, choices, ranges) before every write: a safety net under
    the API serializers and admin forms, which validate their own input first."""
    obj.full_clean(validate_unique=False, validate_constraints=False)
    obj.save(**kwargs)


# --- Activities -----------------------------------------------------------------------------


def check_activity(activity: Activity) -> None:
    """The rules an activity must keep whoever writes it. Raises ValidationError."""
    errors = {}
    if not (activity.name or "").strip():
        errors["name"] = "This field may not be blank."
    if activity.start and activity.end and activity.end < activity.start:
        errors["end"] = "The end must not be before the start."
    if (
        activity.registration_start
        and activity.registration_deadline
        and activity.registration_deadline < activity.registration_start
    ):
        errors["registration_deadline"] = "The registration deadline must not be before its start."
    if not isinstance(activity.permissions, list):
        errors["permissions"] = "Must be a list."
    if activity.default_price is not None and activity.default_price < 0:
        errors["default_price"] = "Ensure this value is greater than or equal to 0."
    if activity.kind == Kind.INTERNAL and activity.default_price is None:
        errors["default_price"] = "An internal activity needs a default price."
    if activity.kind == Kind.SESSION:
        parent = activity.parent
        if parent is None:
            errors["parent"] = "A session belongs to an activity."
        elif parent.kind == Kind.SESSION:
            errors["parent"] = "A session cannot belong to another session."
        elif activity.pk and parent.pk == activity.pk:
            errors["parent"] = "An activity cannot be its own session."
    elif activity.parent_id is not None:
        errors["parent"] = "Only a session belongs to another activity."
    state = activity.progression_state
    if state is not None and state.applies_to != state.AppliesTo.ACTIVITY:
        errors["progression_state"] = "This progression state is not one of activities."
    if errors:
        raise ValidationError(errors)


def _record_state(activity: Activity, when=None):
    ActivityStateChange.objects.create(activity=activity, state=activity.state, time=when or timezone.now())


@transaction.atomic
def create_activity(actor, *, kind: str, tags=None, **fields) -> Activity:
    activity = Activity(kind=kind)
    _set_fields(activity, fields, ACTIVITY_FIELDS)
    return save_activity(actor, activity, tags=tags)


@transaction.atomic
def update_activity(actor, activity: Activity, *, kind: str | None = None, tags=None, **fields) -> Activity:
    if kind is not None and kind != activity.kind:
        raise ValidationError({"kind": "The type of an activity cannot be changed."})
    _set_fields(activity, fields, ACTIVITY_FIELDS)
    return save_activity(actor, activity, tags=tags)


@transaction.atomic
def save_activity(actor, activity: Activity, *, tags=None) -> Activity:
    """Create or update an activity whose fields are already set (the admin's way in)."""
    before = None
    if activity.pk:
        stored = Activity.objects.select_for_update().get(pk=activity.pk)
        if stored.kind != activity.kind:
            raise ValidationError({"kind": "The type of an activity cannot be changed."})
        before = snapshot(stored)
    check_activity(activity)
    state_changed = before is not None and before["state"] != activity.state
    if activity.state == State.COMPLETED and (before is None or state_changed):
        activity.completed_at = timezone.now()
    elif activity.state != State.COMPLETED:
        activity.completed_at = None
    _validated_save(activity)
    if tags is not None:
        activity.tags.set(tags)
    if before is None:
        _record_state(activity)
        log_create(actor, activity)
    else:
        if state_changed:
            _record_state(activity)
        log_update(actor, activity, before)
    return activity


@transaction.atomic
def set_activity_state(actor, activity: Activity, state: str) -> Activity:
    """Move an activity to a state (CRM.COM's state, Cirrus's closed); the history records it."""
    if state not in State.values:
        raise ValidationError({"state": f'"{state}" is not a valid choice.'})
    activity.state = state
    return save_activity(actor, activity)


@transaction.atomic
def set_activity_tags(actor, activity: Activity, tags) -> Activity:
    before = sorted(activity.tags.values_list("pk", flat=True))
    activity.tags.set(tags)
    after = sorted(t.pk for t in tags)
    if before != after:
        log_update(actor, activity, {**snapshot(activity), "tags": before})
    return activity


@transaction.atomic
def delete_activity(actor, activity: Activity) -> None:
    """Delete an activity with its sessions, attendance, products, prices and attachments (their
    stored files go after commit)."""
    log_delete(actor, activity)
    activity.delete()


# --- Attendance -----------------------------------------------------------------------------


def _check_attendance(attendance: Attendance):
    if attendance.checked_in_at and attendance.status != Attendance.Status.PRESENT:
        raise ValidationError({"status": "Someone who checked in is present."})
    if (
        Attendance.objects.filter(activity_id=attendance.activity_id, party_id=attendance.party_id)
        .exclude(pk=attendance.pk)
        .exists()
    ):
        raise ValidationError({"party": "This party is already registered for this activity."})


@transaction.atomic
def save_attendance(actor, attendance: Attendance) -> Attendance:
    before = stored_snapshot(attendance)
    if attendance.registered_at is None:
        attendance.registered_at = timezone.now()
    _check_attendance(attendance)
    _validated_save(attendance)
    log_save(actor, attendance, before, parent=attendance.activity)
    return attendance


@transaction.atomic
def register(actor, activity: Activity, party, *, status=Attendance.Status.REGISTERED, note="") -> Attendance:
    return save_attendance(actor, Attendance(activity=activity, party=party, status=status, note=note))


@transaction.atomic
def check_in(actor, attendance: Attendance, when=None) -> Attendance:
    attendance.status = Attendance.Status.PRESENT
    attendance.checked_in_at = when or timezone.now()
    return save_attendance(actor, attendance)


@transaction.atomic
def delete_attendance(actor, attendance: Attendance) -> None:
    log_delete(actor, attendance, parent=attendance.activity)
    attendance.delete()


# --- Products and prices per group ----------------------------------------------------------


@transaction.atomic
def save_product(actor, product: Product) -> Product:
    before = stored_snapshot(product)
    if not (product.name or "").strip():
        raise ValidationError({"name": "This field may not be blank."})
    _validated_save(product)
    log_save(actor, product, before, parent=product.activity)
    return product


@transaction.atomic
def create_product(actor, activity: Activity, **fields) -> Product:
    product = Product(activity=activity)
    _set_fields(product, fields, PRODUCT_FIELDS)
    return save_product(actor, product)


@transaction.atomic
def update_product(actor, product: Product, **fields) -> Product:
    _set_fields(product, fields, PRODUCT_FIELDS)
    return save_product(actor, product)


@transaction.atomic
def delete_product(actor, product: Product) -> None:
    """Delete a product and its prices."""
    log_delete(actor, product, parent=product.activity)
    product.delete()


DUPLICATE_PRICE = "A price for this group already exists for this product."


@transaction.atomic
def save_product_price(actor, price: ProductPrice) -> ProductPrice:
    """One price per product and group."""
    before = stored_snapshot(price)
    # Lock the product so two concurrent writes cannot both pass the duplicate check.
    Product.objects.select_for_update().filter(pk=price.product_id).first()
    if (
        ProductPrice.objects.filter(product_id=price.product_id, group_id=price.group_id)
        .exclude(pk=price.pk)
        .exists()
    ):
        raise ValidationError({"group": DUPLICATE_PRICE})
    _validated_save(price)
    activity = price.product.activity
    log_save(actor, price, before, parent=activity)
    return price


@transaction.atomic
def create_product_price(actor, product: Product, *, group, price) -> ProductPrice:
    return save_product_price(actor, ProductPrice(product=product, group=group, price=price))


@transaction.atomic
def update_product_price(actor, product_price: ProductPrice, *, group=None, price=None) -> ProductPrice:
    if group is not None:
        product_price.group = group
    if price is not None:
        product_price.price = price
    return save_product_price(actor, product_price)


@transaction.atomic
def delete_product_price(actor, product_price: ProductPrice) -> None:
    log_delete(actor, product_price, parent=product_price.product.activity)
    product_price.delete()


# --- Lookups (activity types, progression states and the pipeline's other reference data) ---


@transaction.atomic
def save_lookup(actor, obj):
    """Create or update a named lookup: an ActivityType, ProgressionState, LeadStatus, Source,
    OpportunityType, OpportunityStatus, ChallengeType..."""
    before = stored_snapshot(obj)
    if not (obj.name or "").strip():
        raise ValidationError({"name": "This field may not be blank."})
    _validated_save(obj)
    log_save(actor, obj, before)
    return obj


@transaction.atomic
def save_question(actor, question) -> object:
    """Create or update an activity type's question."""
    before = stored_snapshot(question)
    if not (question.question or "").strip():
        raise ValidationError({"question": "This field may not be blank."})
    _validated_save(question)
    log_save(actor, question, before, parent=question.activity_type)
    return question


@transaction.atomic
def delete_question(actor, question) -> None:
    """Delete a question with the answers given to it."""
    log_delete(actor, question, parent=question.activity_type)
    question.delete()


@transaction.atomic
def delete_lookup(actor, obj) -> None:
    """Delete a lookup; an activity type still in use cannot be deleted."""
    log_delete(actor, obj)
    try:
        with transaction.atomic():
            obj.delete()
    except ProtectedError:
        what = obj._meta.verbose_name
        raise ValidationError(f"This {what} is in use and cannot be deleted.") from None
