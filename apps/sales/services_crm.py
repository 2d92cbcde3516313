"""CRM activities (kind `task`) as CRM.COM and Cirrus write them, on top of `services`: links to
a contact and to a lead, order, service request or opportunity, an address copied from a party's
address or from the linked record, the account, the assigned user and team, custom field values,
and Cirrus's details: invited users and contacts (contacts as attendance), answers to the activity
type's questions, contact attempts, priority, reminder. Also the orders and service requests
themselves (leads live in services_pipeline).

Each top-level function runs in one transaction and records the change log; state changes go
through `services.save_activity`, which keeps the state history.
"""

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from apps.core import services as core_services
from apps.core.changelog import log_create, log_delete, log_save, snapshot, stored_snapshot
from apps.core.models import AppliesTo, CustomField, CustomFieldValue
from apps.parties import addresses

from . import services
from .models import Activity, ActivityAnswer, Attendance, ContactAttempt

State = Activity.State
CRM_FIELDS = {
    "name",
    "description",
    "activity_type",
    "start",
    "end",
    "contact",
    "lead",
    "order",
    "service_request",
    "owner",
    "team",
    "address",
    "account",
    "location",
    "result",
    "progression_state",
    "external_key",
    "priority",
    "opportunity",
    "reminder_minutes",
    "reminder_text",
    "reminder_done",
    "extras_external_id",
}


def address_copy(address) -> dict | None:
    """The embedded copy of a party address an activity keeps (CRM.COM's activity address)."""
    if address is None:
        return None
    return {
        "address_line_1": addresses.address_line(address),
        "address_line_2": address.line2,
        "state_province_county": address.region,
        "town_city": address.city,
        "postal_code": address.postal_code,
        "country": addresses.country_alpha3(address.country) or None,
        "lat": float(address.latitude) if address.latitude is not None else None,
        "lon": float(address.longitude) if address.longitude is not None else None,
        "google_place_id": None,
    }


def entity_address(*, contact=None, lead=None, order=None, service_request=None):
    """The address of what the activity is linked to: the order's or service request's, else the
    contact's default address; None when there is none."""
    for record in (order, service_request):
        if record is not None and record.address_id is not None:
            return record.address
    if contact is not None:
        return contact.addresses.filter(is_default=True).first() or contact.addresses.first()
    return None


def activity_fields() -> list[CustomField]:
    return list(CustomField.objects.filter(applies_to=AppliesTo.ACTIVITY))


def check_custom_values(values: dict) -> dict:
    """{key: raw} -> {CustomField: value}; unknown keys and values that do not fit the field's
    type are ValidationErrors on `custom_fields`."""
    fields = {field.key: field for field in activity_fields()}
    cleaned = {}
    for key, raw in values.items():
        field = fields.get(key)
        if field is None:
            raise ValidationError({"custom_fields": f'"{key}" is not a custom field of activities.'})
        try:
            cleaned[field] = core_services.clean_custom_value(field, raw)
        except ValidationError as exc:
            raise ValidationError({"custom_fields": f'"{key}": {" ".join(exc.messages)}'}) from None
    return cleaned


def _replace_custom_values(actor, activity: Activity, values: dict) -> None:
    cleaned = check_custom_values(values)
    wanted = {field.pk for field in cleaned}
    content_type = ContentType.objects.get_for_model(Activity)
    for row in CustomFieldValue.objects.filter(content_type=content_type, object_id=activity.pk).exclude(
        field_id__in=wanted
    ):
        core_services.delete_custom_field_value(actor, row)
    for field, value in cleaned.items():
        core_services.set_custom_field_value(actor, activity, field, value)


def _set(activity: Activity, fields: dict) -> None:
    unknown = set(fields) - CRM_FIELDS
    if unknown:
        raise ValueError(f"Unknown fields for a CRM activity: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(activity, name, value)


def _check_answers(activity: Activity, answers: dict) -> None:
    for question in answers:
        if question.activity_type_id != activity.activity_type_id:
            raise ValidationError({"answers": f'"{question}" is not a question of this activity type.'})


def _replace_answers(actor, activity: Activity, answers: dict) -> None:
    """{ActivityTypeQuestion: answer text}: the activity's whole set of answers."""
    for row in activity.answers.exclude(question__in=list(answers)):
        log_delete(actor, row, parent=activity)
        row.delete()
    stored = {row.question_id: row for row in activity.answers.all()}
    for question, text in answers.items():
        row = stored.get(question.pk) or ActivityAnswer(activity=activity, question=question)
        before = snapshot(row) if row.pk else None
        row.answer = text or ""
        row.save()
        log_save(actor, row, before, parent=activity)


def _replace_invited_contacts(actor, activity: Activity, parties) -> None:
    """Invited contacts are the activity's attendance: those no longer invited are removed, new
    ones registered."""
    wanted = {party.pk: party for party in parties}
    for row in Attendance.objects.filter(activity=activity).exclude(party_id__in=list(wanted)):
        services.delete_attendance(actor, row)
    registered = set(Attendance.objects.filter(activity=activity).values_list("party_id", flat=True))
    for pk, party in wanted.items():
        if pk not in registered:
            services.register(actor, activity, party)


def add_contact_attempt(actor, activity: Activity, note: str = "", when=None) -> ContactAttempt:
    attempt = ContactAttempt.objects.create(
        activity=activity, note=note or "", time=when or timezone.now(), user=actor if actor else None
    )
    log_create(actor, attempt, parent=activity)
    return attempt


def _save_details(actor, activity, *, tags, invited_users, invited_contacts, answers, custom_values):
    if tags is not None:
        core_services.set_related(actor, activity, "tags", tags)
    if invited_users is not None:
        core_services.set_related(actor, activity, "invited_users", invited_users)
    if invited_contacts is not None:
        _replace_invited_contacts(actor, activity, invited_contacts)
    if answers is not None:
        _replace_answers(actor, activity, answers)
    if custom_values is not None:
        _replace_custom_values(actor, activity, custom_values)


@transaction.atomic
def create_crm_activity(
    actor,
    *,
    state: str | None = None,
    custom_values: dict | None = None,
    tags=None,
    invited_users=None,
    invited_contacts=None,
    answers: dict | None = None,
    attempt_notes=(),
    **fields,
) -> Activity:
    """A new CRM activity (PENDING unless `state` says otherwise; its first state recorded), with
    its custom field values, tags, invited users and contacts, answers ({question: text}) and
    contact attempts (notes, made now by the actor)."""
    if state is not None and state not in State.values:
        raise ValidationError({"state": f'"{state}" is not a valid choice.'})
    if custom_values:
        check_custom_values(custom_values)
    activity = Activity(kind=Activity.Kind.TASK, state=state or State.PENDING)
    _set(activity, fields)
    if answers:
        _check_answers(activity, answers)
    services.save_activity(actor, activity)
    _save_details(
        actor,
        activity,
        tags=tags,
        invited_users=invited_users,
        invited_contacts=invited_contacts,
        answers=answers,
        custom_values=custom_values or None,
    )
    for note in attempt_notes:
        add_contact_attempt(actor, activity, note)
    return activity


@transaction.atomic
def update_crm_activity(
    actor,
    activity: Activity,
    *,
    state: str | None = None,
    custom_values: dict | None = None,
    tags=None,
    invited_users=None,
    invited_contacts=None,
    answers: dict | None = None,
    **fields,
) -> Activity:
    """Change what is given: `state` (the history records a change; COMPLETED stamps the
    completion), fields, and the sets (each replaces the whole set): `custom_values`, `tags`,
    `invited_users`, `invited_contacts`, `answers`."""
    if state is not None and state not in State.values:
        raise ValidationError({"state": f'"{state}" is not a valid choice.'})
    if custom_values is not None:
        check_custom_values(custom_values)
    _set(activity, fields)
    if state is not None:
        activity.state = state
    if answers is not None:
        _check_answers(activity, answers)
    elif "activity_type" in fields:  # a new type: the answers to the old type's questions go
        kept = activity.answers.filter(question__activity_type=activity.activity_type_id)
        answers = {row.question: row.answer for row in kept.select_related("question")}
    services.save_activity(actor, activity)
    _save_details(
        actor,
        activity,
        tags=tags,
        invited_users=invited_users,
        invited_contacts=invited_contacts,
        answers=answers,
        custom_values=custom_values,
    )
    return activity


@transaction.atomic
def follow_activity(actor, activity: Activity, user) -> None:
    core_services.follow(actor, activity, user)


@transaction.atomic
def unfollow_activity(actor, activity: Activity, user) -> None:
    core_services.unfollow(actor, activity, user)


# --- Orders and service requests ----------------------------------------------------------------


def check_reference(obj) -> None:
    """The rules of an order or service request: a unique number; the address is the contact's."""
    errors = {}
    obj.number = (obj.number or "").strip()
    if not obj.number:
        errors["number"] = "This field may not be blank."
    elif type(obj).objects.filter(number=obj.number).exclude(pk=obj.pk).exists():
        errors["number"] = "This number is already in use."
    address = obj.address if obj.address_id is not None else None
    if address is not None and obj.contact_id is not None and address.party_id != obj.contact_id:
        errors["address"] = "The address must be an address of the contact."
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def save_reference(actor, obj):
    """Create or update an Order or ServiceRequest."""
    before = stored_snapshot(obj)
    check_reference(obj)
    obj.full_clean(validate_unique=False, validate_constraints=False)
    obj.save()
    log_save(actor, obj, before)
    return obj


@transaction.atomic
def delete_reference(actor, obj) -> None:
    """Delete an order or service request; its activities stay, unlinked."""
    log_delete(actor, obj)
    obj.delete()
