"""Writes of a party's full profile in one go: its own fields, custom field values by key, current
job, and its addresses, phones, e-mails, messenger accounts and relations. The CRM.COM and incwo
APIs create and update a party with everything attached in one atomic call: either all of it is
written, or (on any rule violation) nothing.

Child changes are `ItemChange`s: add (no row), update (a row of this party, the fields to
change) or remove (a row of this party). Addresses are written as the APIs with typed address
lists write them: by kind, the first one into the main address (services.add_listed_address).
Rule violations raise ValidationError keyed by field; those of a child are keyed
`<kind>.<index>.<field>` (index in the list given), so an API can point at the offending item.
"""

from dataclasses import dataclass, field
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.db import transaction

from apps.core import services as core_services
from apps.core.changelog import log_create, log_delete, log_update, snapshot
from apps.core.models import CustomField

from . import services
from .models import (
    CompanyPosition,
    EmailAddress,
    MessengerAccount,
    Party,
    PartyRelation,
)

ItemKind = Literal["address", "phone", "email", "messenger", "relation"]
UNSET: Any = object()


@dataclass
class ItemChange:
    kind: ItemKind
    action: Literal["add", "update", "remove"]
    row: Any = None
    data: dict = field(default_factory=dict)


@dataclass
class Job:
    """The person's current (primary) position; UNSET parts are kept."""

    organisation: Any = UNSET
    title: Any = UNSET
    department: Any = UNSET


# --- Relations and messenger accounts ---------------------------------------------------------

RELATION_FIELDS = {"type", "notes", "related_party"}


def _check_relation(relation: PartyRelation):
    if relation.related_party_id == relation.party_id:
        raise ValidationError({"related_party": "A party cannot be related to itself."})


@transaction.atomic
def add_relation(actor, party: Party, *, related_party: Party, type: str, notes: str = "") -> PartyRelation:
    relation = PartyRelation(party=party, related_party=related_party, type=type, notes=notes)
    _check_relation(relation)
    services._validated_save(relation)
    log_create(actor, relation, parent=party)
    party.touch()
    return relation


@transaction.atomic
def update_relation(actor, relation: PartyRelation, **fields) -> PartyRelation:
    before = snapshot(relation)
    services._set_fields(relation, fields, RELATION_FIELDS)
    _check_relation(relation)
    services._validated_save(relation)
    log_update(actor, relation, before, parent=relation.party)
    relation.party.touch()
    return relation


@transaction.atomic
def delete_relation(actor, relation: PartyRelation) -> None:
    log_delete(actor, relation, parent=relation.party)
    relation.delete()
    relation.party.touch()


@transaction.atomic
def add_messenger_account(actor, party: Party, *, service: str, handle: str) -> MessengerAccount:
    account = MessengerAccount(party=party, service=service, handle=handle)
    services._validated_save(account)
    log_create(actor, account, parent=party)
    party.touch()
    return account


@transaction.atomic
def delete_messenger_account(actor, account: MessengerAccount) -> None:
    log_delete(actor, account, parent=account.party)
    account.delete()
    account.party.touch()


# --- E-mails: the first one is the primary ------------------------------------------------------


@transaction.atomic
def add_email(actor, party: Party, **fields) -> EmailAddress:
    """Add an e-mail; it becomes the primary one when the party has none."""
    has_primary = party.email_addresses.filter(is_primary=True).exists()
    return services.add_email_address(actor, party, is_primary=not has_primary, **fields)


@transaction.atomic
def remove_email(actor, row: EmailAddress) -> None:
    """Delete an e-mail; when it was the primary one, the oldest remaining one takes over."""
    party, was_primary = row.party, row.is_primary
    services.delete_email_address(actor, row)
    if was_primary:
        successor = party.email_addresses.order_by("id").first()
        if successor is not None:
            services.update_email_address(actor, successor, is_primary=True)


# --- The current job ----------------------------------------------------------------------------


@transaction.atomic
def set_current_job(actor, person: Party, job: Job) -> CompanyPosition | None:
    """Set the person's primary position: employer organisation, title, department. A job at
    another employer is ended (services.end_company_position) and a new one starts; a position
    left with none of them is removed."""
    current = CompanyPosition.objects.filter(person=person, is_primary=True).first()
    values = {
        "organisation": current.organisation if current else None,
        "title": current.title if current else "",
        "department": current.department if current else "",
    }
    for name in values:
        value = getattr(job, name)
        if value is not UNSET:
            values[name] = value if value is not None or name == "organisation" else ""
    if values["organisation"] is not None and values["organisation"].kind != Party.Kind.ORGANISATION:
        raise ValidationError({"organisation": "Not an organisation."})
    empty = values["organisation"] is None and not values["title"] and not values["department"]
    if current is not None and current.organisation_id not in (
        None,
        getattr(values["organisation"], "pk", None),
    ):
        services.end_company_position(actor, current)
        current = None
    if current is None:
        if empty:
            return None
        return services.add_company_position(actor, person, is_primary=True, **values)
    if empty and not current.company_name:
        services.delete_company_position(actor, current)
        return None
    return services.update_company_position(actor, current, **values)


# --- The whole profile --------------------------------------------------------------------------


def _custom_fields_by_key(keys) -> dict[str, CustomField]:
    fields = {f.key: f for f in CustomField.objects.filter(key__in=list(keys))}
    unknown = set(keys) - set(fields)
    if unknown:
        raise ValidationError({sorted(unknown)[0]: "No such custom field."})
    return fields


def set_custom_values(actor, party: Party, values: dict) -> None:
    """Set custom field values by field key (None removes a value)."""
    if not values:
        return
    fields = _custom_fields_by_key(values)
    for key, raw in values.items():
        try:
            core_services.set_custom_field_value(actor, party, fields[key], raw)
        except ValidationError as exc:
            raise ValidationError({key: exc.messages}) from None


def _apply_item(actor, party: Party, change: ItemChange):
    data = dict(change.data)
    if change.kind == "address":  # as the APIs with typed address lists write them (by kind)
        if change.action == "add":
            return services.add_listed_address(actor, party, **data)
        if change.action == "update":
            return services.update_address(actor, change.row, **data)
        return services.remove_listed_address(actor, change.row)
    if change.kind == "phone":
        if change.action == "add":
            return services.add_phone(actor, party, **data)
        if change.action == "update":
            return services.update_phone(actor, change.row, **data)
        return services.delete_phone(actor, change.row)
    if change.kind == "email":
        if change.action == "add":
            return add_email(actor, party, **data)
        if change.action == "update":
            return services.update_email_address(actor, change.row, **data)
        return remove_email(actor, change.row)
    if change.kind == "messenger":
        if change.action == "add":
            return add_messenger_account(actor, party, **data)
        return delete_messenger_account(actor, change.row)
    if change.kind == "relation":
        if change.action == "add":
            return add_relation(actor, party, **data)
        if change.action == "update":
            return update_relation(actor, change.row, **data)
        return delete_relation(actor, change.row)
    raise ValueError(f"Unknown item kind {change.kind!r}")


def _apply_items(actor, party: Party, changes, *, removals_first=False) -> None:
    indexed, counters = [], {}
    for change in changes:
        indexed.append((counters.get(change.kind, 0), change))
        counters[change.kind] = counters.get(change.kind, 0) + 1
    if removals_first:
        indexed.sort(key=lambda pair: pair[1].action != "remove")
    for index, change in indexed:
        if change.action != "add" and change.row.party_id != party.pk:
            raise ValueError("The item does not belong to this party.")
        if change.action == "update":
            change.row.refresh_from_db()  # an earlier change may have touched it (a new primary)
        try:
            _apply_item(actor, party, change)
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                raise ValidationError(
                    {f"{change.kind}.{index}.{name}": errors for name, errors in exc.message_dict.items()}
                ) from None
            raise ValidationError({f"{change.kind}.{index}": exc.messages}) from None


@transaction.atomic
def create_party_profile(
    actor,
    kind: str,
    *,
    fields: dict,
    custom_values: dict | None = None,
    job: Job | None = None,
    items: list[ItemChange] = (),
) -> Party:
    """Create a person or organisation with everything attached, atomically."""
    if kind == Party.Kind.PERSON:
        party = services.create_person(actor, **fields)
    else:
        party = services.create_organisation(actor, **fields)
    set_custom_values(actor, party, custom_values or {})
    if job is not None and kind == Party.Kind.PERSON:
        set_current_job(actor, party, job)
    _apply_items(actor, party, items)
    return party


@transaction.atomic
def update_party_profile(
    actor,
    party: Party,
    *,
    fields: dict | None = None,
    custom_values: dict | None = None,
    job: Job | None = None,
    items: list[ItemChange] = (),
) -> Party:
    """Change a party's fields, custom values, current job and children, atomically. Removals
    run first, so a replaced collection never trips a per-type maximum."""
    if fields:
        services.update_party(actor, party, **fields)
    set_custom_values(actor, party, custom_values or {})
    if job is not None and party.is_person:
        set_current_job(actor, party, job)
    _apply_items(actor, party, items, removals_first=True)
    return party


# --- The profile photo: one of the party's files (content domain) -------------------------------


@transaction.atomic
def set_profile_photo(actor, party: Party, upload):
    """Store an uploaded image (type sniffed, size limited by the content domain) as the party's
    profile photo; a previous photo is deleted. ValidationError keyed `file` when it is no image."""
    from apps.content import services as content_services
    from apps.content.uploads import inspect_upload

    info = inspect_upload(upload, image=True)
    old = party.profile_photo
    photo = content_services.add_file(actor, upload, parties=[party], description="Profile photo", info=info)
    before = snapshot(party)
    party.profile_photo = photo
    party.save(update_fields=["profile_photo", "updated"])
    log_update(actor, party, before)
    if old is not None:
        content_services.delete_file(actor, old)
    return photo


@transaction.atomic
def remove_profile_photo(actor, party: Party) -> None:
    """Delete the party's profile photo, if it has one."""
    from apps.content import services as content_services

    photo = party.profile_photo
    if photo is None:
        return
    before = snapshot(party)
    party.profile_photo = None
    party.save(update_fields=["profile_photo", "updated"])
    log_update(actor, party, before)
    content_services.delete_file(actor, photo)
