"""Every write to the parties domain, with its rules. The admin, the APIs and tasks call these.

Each function runs in one transaction and records the change log. Rule violations raise Django's
ValidationError: a dict keyed by field for a field's rule, a plain message otherwise; each API
renders it in its own error format.
"""

import calendar
import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.utils import timezone
from django.utils.dateparse import parse_date

from apps.core.changelog import (
    log_create,
    log_delete,
    log_save,
    log_update,
    log_values,
    snapshot,
    stored_snapshot,
)
from apps.core.db import unique_or

from . import addresses
from .models import (
    Address,
    AddressType,
    Combination,
    CompanyPosition,
    Education,
    EmailAddress,
    Function,
    Group,
    Membership,
    Party,
    Phone,
    Segment,
)

PERSON_FIELDS = {
    "title",
    "first_name",
    "middle_name",
    "last_name",
    "birth_date",
    "birth_place",
    "gender",
    "preferred_language",
    "website",
    "vat_number",
    "notes",
    "is_active",
}
ORGANISATION_FIELDS = {"name", "website", "vat_number", "notes", "is_active"}
# Fields persons and organisations share beyond the basics: profile, ownership, consent.
PARTY_PROFILE_FIELDS = {
    "life_cycle_state",
    "relationship",
    "category",
    "owning_group",
    "privacy_level",
    "industry",
    "industry_sector",
    "country_of_residence",
    "direct_marketing_consent",
    "affiliate_marketing_consent",
}
PERSON_FIELDS |= PARTY_PROFILE_FIELDS | {
    "id_number",
    "id_issued_by_country",
    "passport_number",
    "passport_issued_by_country",
    "social_security_number",
    "name_day_month",
    "name_day_day",
}
ORGANISATION_FIELDS |= PARTY_PROFILE_FIELDS | {
    "preferred_language",
    "registration_number",
    "registered_in_country",
    "tax_reference_number",
    "vat_registered_by",
    "vat_registration_date",
    "established_date",
    "profile_year",
    "annual_turnover",
    "number_of_employees",
}
# Any party: who follows it is a many-to-many (services_accounts); these are plain fields.
PARTY_LINK_FIELDS = {"external_key", "facebook", "twitter", "linkedin", "responsible_user"}
# An organisation as a CRM account (its groups and followers: services_accounts).
ACCOUNT_FIELDS = {
    "alt_name",
    "account_number",
    "account_type",
    "parent_organisation",
    "alternate_user",
    "visit_interval_weeks",
    "alternate_visit_interval_weeks",
    "primary_contact",
}
PERSON_FIELDS |= PARTY_LINK_FIELDS
ORGANISATION_FIELDS |= PARTY_LINK_FIELDS | ACCOUNT_FIELDS
CONSENT_FIELDS = ("direct_marketing_consent", "affiliate_marketing_consent")
ADDRESS_FIELDS = {
    "care_of",
    "addressee",
    "email",
    "street",
    "number",
    "box",
    "line2",
    "postal_code",
    "city",
    "region",
    "country",
    "latitude",
    "longitude",
    "notes",
    "floor",
    "po_box",
    "po_box_postal_code",
    "area",
    "district",
    "municipality",
    "is_active",
}


def _validated_save(obj, **kwargs):
    """Model-level validation (lengths, choices, formats) before every write: a safety net under
    the API serializers and admin forms, which validate their own input first."""
    obj.full_clean(validate_unique=False, validate_constraints=False)
    obj.save(**kwargs)


def _set_fields(obj, data: dict, allowed: set[str]):
    unknown = set(data) - allowed
    if unknown:
        raise ValueError(f"Unknown fields for {type(obj).__name__}: {sorted(unknown)}")
    for name, value in data.items():
        setattr(obj, name, value)


def _as_date(value):
    """A date from a date, a datetime or ISO text; None when it is none of those (full_clean then
    reports the bad format)."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, str):
        try:
            return parse_date(value)
        except ValueError:
            return None
    return value


def check_dates(start, end, field="end_date"):
    """Refuse an end date before the start date (admin forms call it in their clean, too)."""
    start, end = _as_date(start), _as_date(end)
    if start and end and end < start:
        raise ValidationError({field: "The end date must not be before the start date."})


def _stamp_consents(actor, party: Party, fields: dict) -> None:
    """Giving a marketing consent flag (even unchanged) records when and by whom it was set."""
    for name in CONSENT_FIELDS:
        if name in fields:
            setattr(party, f"{name}_set_at", timezone.now())
            setattr(party, f"{name}_set_by", actor if getattr(actor, "is_authenticated", False) else None)


def check_account_links(party: Party) -> None:
    """An organisation's parent is another organisation, never one of its own subsidiaries; its
    primary contact is a person."""
    if party.parent_organisation_id is not None:
        if party.is_person or party.parent_organisation.kind != Party.Kind.ORGANISATION:
            raise ValidationError({"parent_organisation": "The parent must be an organisation."})
        ancestor, seen = party.parent_organisation, set()
        while ancestor is not None and ancestor.pk not in seen:
            if party.pk is not None and ancestor.pk == party.pk:
                raise ValidationError({"parent_organisation": "An organisation cannot be its own parent."})
            seen.add(ancestor.pk)
            ancestor = ancestor.parent_organisation
    if party.primary_contact_id is not None and (
        party.is_person or party.primary_contact.kind != Party.Kind.PERSON
    ):
        raise ValidationError({"primary_contact": "The primary contact must be a person."})


def _check_name_day(party: Party) -> None:
    month, day = party.name_day_month, party.name_day_day
    if month is None and day is None:
        return
    if month is None or day is None:
        raise ValidationError({"name_day_day": "A name day needs both a day and a month."})
    if not 1 <= month <= 12 or not 1 <= day <= calendar.monthrange(2000, month)[1]:
        raise ValidationError({"name_day_day": "Not a valid day of the year."})


# --- Address types --------------------------------------------------------------------------


def get_default_address_type() -> AddressType:
    address_type = AddressType.objects.filter(is_default=True).first()
    if address_type is None:  # a fresh database without the data migration (e.g. a flushed test db)
        address_type = AddressType.objects.create(
            description="Correspondence", max_amount=1, is_default=True, code="correspondence"
        )
    return address_type


@transaction.atomic
def create_address_type(actor, *, description: str, max_amount: int, code: str | None = None) -> AddressType:
    address_type = AddressType(description=description, max_amount=max_amount, code=code or None)
    address_type.validate_unique()  # a code in use: a ValidationError, not an IntegrityError
    _validated_save(address_type)
    log_create(actor, address_type)
    return address_type


def _max_addresses_of_type(address_type: AddressType) -> int:
    from django.db.models import Count

    top = (
        Address.objects.filter(address_type=address_type)
        .values("party")
        .annotate(n=Count("id"))
        .order_by("-n")
        .values_list("n", flat=True)
        .first()
    )
    return top or 0


@transaction.atomic
def update_address_type(
    actor, address_type: AddressType, *, description: str, max_amount: int
) -> AddressType:
    if max_amount < address_type.max_amount and _max_addresses_of_type(address_type) > max_amount:
        raise ValidationError(
            {"max_amount": "A party already has more addresses of this type than this maximum."}
        )
    before = snapshot(address_type)
    address_type.description = description
    address_type.max_amount = max_amount
    _validated_save(address_type)
    log_update(actor, address_type, before)
    return address_type


@transaction.atomic
def delete_address_type(actor, address_type: AddressType) -> None:
    if address_type.is_default:
        raise ValidationError("The default address type cannot be deleted.")
    if address_type.addresses.exists():
        raise ValidationError("This address type is in use and cannot be deleted.")
    log_delete(actor, address_type)
    address_type.delete()


# --- Parties --------------------------------------------------------------------------------


@transaction.atomic
def create_person(actor, *, email: str = "", phone: str = "", mobile: str = "", **fields) -> Party:
    """A person with its primary e-mail, phones and the default correspondence address."""
    if not ((fields.get("first_name") or "").strip() or (fields.get("last_name") or "").strip()):
        raise ValidationError({"last_name": "A person needs a first or a last name."})
    person = Party(kind=Party.Kind.PERSON)
    _set_fields(person, fields, PERSON_FIELDS)
    _stamp_consents(actor, person, fields)
    return _finish_create(actor, person, email=email, phone=phone, mobile=mobile)


@transaction.atomic
def create_organisation(actor, *, email: str = "", phone: str = "", mobile: str = "", **fields) -> Party:
    if not (fields.get("name") or "").strip():
        raise ValidationError({"name": "An organisation needs a name."})
    organisation = Party(kind=Party.Kind.ORGANISATION)
    _set_fields(organisation, fields, ORGANISATION_FIELDS)
    _stamp_consents(actor, organisation, fields)
    return _finish_create(actor, organisation, email=email, phone=phone, mobile=mobile)


def _finish_create(actor, party: Party, *, email, phone, mobile) -> Party:
    _check_name_day(party)
    check_account_links(party)
    _validated_save(party)
    log_create(actor, party)
    # The main address, empty until an API writes it (no country either: see _write_address).
    address = Address(party=party, address_type=get_default_address_type(), is_default=True)
    address.save()
    log_create(actor, address, parent=party)
    if email:
        _save_email(actor, party, EmailAddress(party=party, email=email, is_primary=True))
    if phone:
        set_phone(actor, party, Phone.Kind.LANDLINE, phone)
    if mobile:
        set_phone(actor, party, Phone.Kind.MOBILE, mobile)
    return party


@transaction.atomic
def update_party(actor, party: Party, **fields) -> Party:
    """Change a party's own fields; `email`, `phone` and `mobile` set its primary e-mail and
    first landline / mobile number (an empty value removes them)."""
    contact = {key: fields.pop(key) for key in ("email", "phone", "mobile") if key in fields}
    before = snapshot(party)
    _set_fields(party, fields, PERSON_FIELDS if party.is_person else ORGANISATION_FIELDS)
    _stamp_consents(actor, party, fields)
    _check_name_day(party)
    check_account_links(party)
    if party.is_person and not ((party.first_name or "").strip() or (party.last_name or "").strip()):
        raise ValidationError({"last_name": "A person needs a first or a last name."})
    if not party.is_person and not party.name.strip():
        raise ValidationError({"name": "An organisation needs a name."})
    _validated_save(party)
    log_update(actor, party, before)
    if "email" in contact:
        set_primary_email(actor, party, contact["email"])
    if "phone" in contact:
        set_phone(actor, party, Phone.Kind.LANDLINE, contact["phone"])
    if "mobile" in contact:
        set_phone(actor, party, Phone.Kind.MOBILE, contact["mobile"])
    return party


@transaction.atomic
def delete_party(actor, party: Party) -> None:
    """Delete a party with its addresses, e-mails, phones, memberships and custom field values
    (and the files connected to it alone: content.signals). Its employees' positions keep the
    organisation's name as their company name."""
    for position in CompanyPosition.objects.filter(organisation=party).select_related("person"):
        before = snapshot(position)
        position.organisation = None
        position.company_name = position.company_name.strip() or party.name[:200]
        position.save(update_fields=["organisation", "company_name", "updated"])
        log_update(actor, position, before, parent=position.person)
    _delete_protected(actor, party, "This party cannot be deleted: {protected} still refer to it.")


@transaction.atomic
def set_tags(actor, party: Party, tags) -> None:
    before = sorted(party.tags.values_list("pk", flat=True))
    party.tags.set(tags)
    log_values(actor, party, {"tags": before}, {"tags": sorted(party.tags.values_list("pk", flat=True))})
    party.touch()


# --- E-mail addresses and phones ------------------------------------------------------------


def _demote(actor, rows, parent):
    """Make the primary one of `rows` (a constraint allows one) no longer primary, logged."""
    for row in rows.filter(is_primary=True):
        before = snapshot(row)
        row.is_primary = False
        row.save(update_fields=["is_primary", "updated"])
        log_update(actor, row, before, parent=parent)


def _save_email(actor, party, row: EmailAddress, before=None):
    _validated_save(row)
    log_save(actor, row, before, parent=party)
    party.touch()
    return row


@transaction.atomic
def set_primary_email(actor, party: Party, email: str) -> EmailAddress | None:
    row = party.email_addresses.filter(is_primary=True).first()
    if not email:
        if row is not None:
            delete_email_address(actor, row)
        return None
    if row is None:
        return _save_email(actor, party, EmailAddress(party=party, email=email, is_primary=True))
    if row.email == email:
        return row
    before = snapshot(row)
    row.email = email
    return _save_email(actor, party, row, before)


@transaction.atomic
def add_email_address(
    actor,
    party: Party,
    *,
    email: str,
    description: str = "",
    context: str = "",
    is_primary: bool = False,
    is_active: bool = True,
) -> EmailAddress:
    if is_primary:
        _demote(actor, party.email_addresses.all(), party)
    row = EmailAddress(
        party=party,
        email=email,
        description=description,
        context=context,
        is_primary=is_primary,
        is_active=is_active,
    )
    return _save_email(actor, party, row)


@transaction.atomic
def update_email_address(actor, row: EmailAddress, **fields) -> EmailAddress:
    before = snapshot(row)
    if fields.get("is_primary") and not row.is_primary:
        _demote(actor, row.party.email_addresses.all(), row.party)
    _set_fields(row, fields, {"email", "description", "context", "is_primary", "is_active"})
    return _save_email(actor, row.party, row, before)


@transaction.atomic
def delete_email_address(actor, row: EmailAddress) -> None:
    log_delete(actor, row, parent=row.party)
    row.delete()
    row.party.touch()


@transaction.atomic
def set_phone(actor, party: Party, kind: str, number: str) -> Phone | None:
    """Set the party's first phone of a kind (its Peepl `phone` / `mobile`); empty removes it."""
    row = party.phones.filter(kind=kind).order_by("id").first()
    if not number:
        if row is not None:
            delete_phone(actor, row)
        return None
    if row is None:
        return add_phone(actor, party, kind=kind, number=number)
    if row.number == number:
        return row
    return update_phone(actor, row, number=number)


@transaction.atomic
def add_phone(
    actor,
    party: Party,
    *,
    number: str,
    kind: str = Phone.Kind.LANDLINE,
    context: str = "",
    description: str = "",
    area_code: str = "",
    country: str = "",
    is_primary: bool = False,
    is_active: bool = True,
) -> Phone:
    row = Phone(
        party=party,
        number=number,
        kind=kind,
        context=context,
        description=description,
        area_code=area_code,
        country=country,
        is_primary=is_primary,
        is_active=is_active,
    )
    if is_primary:
        _demote(actor, _same_kind_phones(row), party)
    _validated_save(row)
    log_create(actor, row, parent=party)
    party.touch()
    return row


def _same_kind_phones(row: Phone):
    """The party's other numbers of the row's kind and context: one of them is the primary."""
    return row.party.phones.filter(kind=row.kind, context=row.context).exclude(pk=row.pk)


@transaction.atomic
def update_phone(actor, row: Phone, **fields) -> Phone:
    before = snapshot(row)
    _set_fields(
        row,
        fields,
        {"number", "kind", "context", "description", "area_code", "country", "is_primary", "is_active"},
    )
    if row.is_primary:
        _demote(actor, _same_kind_phones(row), row.party)
    _validated_save(row)
    log_update(actor, row, before, parent=row.party)
    row.party.touch()
    return row


@transaction.atomic
def delete_phone(actor, row: Phone) -> None:
    log_delete(actor, row, parent=row.party)
    row.delete()
    row.party.touch()


# --- Addresses ------------------------------------------------------------------------------


def check_address_amount(address_type: AddressType, count: int):
    """Refuse one party holding `count` addresses of the type (admin formsets check the count a
    whole form would leave before saving)."""
    if count > address_type.max_amount:
        raise ValidationError({"address_type": "Maximum number of addresses of this type reached."})


def _check_max_amount(party: Party, address_type: AddressType, exclude_pk=None):
    others = Address.objects.filter(party=party, address_type=address_type)
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    check_address_amount(address_type, others.count() + 1)


def _write_address(address: Address, fields: dict, *, creating: bool) -> None:
    """Set an address's fields. `street_line` (a one-line street, as incwo and Cirrus contacts
    write it) sets street, number and box (addresses.split_street) unless it is the line the
    address shows already. A new address, or an empty one without a country that gets content,
    takes DEFAULT_COUNTRY unless a country is given."""
    line = fields.pop("street_line", None)
    shown_line = addresses.address_line(address)
    gets_default = creating or (not address.country and not addresses.has_content(address))
    _set_fields(address, fields, ADDRESS_FIELDS)
    if gets_default and "country" not in fields and (creating or line or addresses.has_content(address)):
        address.country = addresses.default_country()
    if line is not None and line != shown_line:
        address.street, address.number, address.box = addresses.split_street(line, address.country)


def _save_address(actor, address: Address, before=None) -> Address:
    """Save and log an address, unless an update changed nothing."""
    if before is not None and snapshot(address) == before:
        return address
    _validated_save(address)
    log_save(actor, address, before, parent=address.party)
    address.party.touch()
    return address


@transaction.atomic
def add_address(actor, party: Party, *, address_type: AddressType, **fields) -> Address:
    """Add an address of a type (up to the type's max_amount per party); see _write_address."""
    Party.objects.select_for_update().filter(pk=party.pk).first()  # serialise concurrent adds
    _check_max_amount(party, address_type)
    address = Address(party=party, address_type=address_type)
    _write_address(address, fields, creating=True)
    return _save_address(actor, address)


@transaction.atomic
def update_address(
    actor, address: Address, *, address_type: AddressType | None = None, kind: str | None = None, **fields
) -> Address:
    """Change an address (see _write_address). `kind` is the kind an API with typed address lists
    gives it: the main address keeps its type and records the kind, another one changes type."""
    before = snapshot(address)
    if kind is not None:
        if address.is_default:
            address.main_kind = kind
        else:
            address_type = address_type_of_kind(kind)
    if address_type is not None and address_type.pk != address.address_type_id:
        if address.is_default:
            raise ValidationError({"address_type": "The default address must keep the default address type."})
        _check_max_amount(address.party, address_type, exclude_pk=address.pk)
        address.address_type = address_type
    _write_address(address, fields, creating=False)
    return _save_address(actor, address, before)


def check_address_deletable(address: Address):
    if address.is_default:
        raise ValidationError("The default address cannot be deleted.")


@transaction.atomic
def delete_address(actor, address: Address) -> None:
    check_address_deletable(address)
    log_delete(actor, address, parent=address.party)
    address.delete()
    address.party.touch()


# --- Addresses as the APIs with typed address lists write them (incwo, CRM.COM R) -------------


def address_type_of_kind(kind: str) -> AddressType:
    """The address type of a kind (its code); a ValidationError when the install has none."""
    address_type = AddressType.objects.filter(code=kind, is_default=False).first()
    if address_type is None:
        raise ValidationError({"address_type": f"The address type {kind} is not set up."})
    return address_type


@transaction.atomic
def add_listed_address(actor, party: Party, *, kind: str, **fields) -> Address:
    """Add an address of a kind. A party's first address (while it has no other and its main
    address is empty) is written into the main address, recording its kind; the others are
    addresses of the kind's type."""
    main = Address.objects.select_for_update().get(party=party, is_default=True)
    gives_content = fields.get("street_line") or any(
        fields.get(name) not in ("", None) for name in addresses.CONTENT_FIELDS
    )
    alone = not party.addresses.filter(is_default=False).exists()
    if alone and gives_content and not addresses.has_content(main):
        return update_address(actor, main, kind=kind, **fields)
    return add_address(actor, party, address_type=address_type_of_kind(kind), **fields)


@transaction.atomic
def remove_listed_address(actor, address: Address) -> None:
    """Remove an address as the APIs with typed address lists do: the main address is emptied
    (every party keeps one), another one is deleted."""
    if not address.is_default:
        return delete_address(actor, address)
    before = snapshot(address)
    for name in addresses.CONTENT_FIELDS:
        setattr(address, name, None if address._meta.get_field(name).null else "")
    address.country = address.main_kind = ""
    _save_address(actor, address, before)


# --- Educations and company positions -------------------------------------------------------


def _require_person(party: Party):
    if not party.is_person:
        raise ValidationError("Only persons have educations and company positions.")


@transaction.atomic
def add_education(actor, person: Party, **fields) -> Education:
    _require_person(person)
    education = Education(person=person)
    _set_fields(education, fields, {"school", "degree", "start_date", "end_date", "description"})
    check_dates(education.start_date, education.end_date)
    _validated_save(education)
    log_create(actor, education, parent=person)
    person.touch()
    return education


@transaction.atomic
def update_education(actor, education: Education, **fields) -> Education:
    before = snapshot(education)
    _set_fields(education, fields, {"school", "degree", "start_date", "end_date", "description"})
    check_dates(education.start_date, education.end_date)
    _validated_save(education)
    log_update(actor, education, before, parent=education.person)
    education.person.touch()
    return education


@transaction.atomic
def delete_education(actor, education: Education) -> None:
    log_delete(actor, education, parent=education.person)
    education.delete()
    education.person.touch()


POSITION_FIELDS = {
    "organisation",
    "company_name",
    "title",
    "department",
    "role",
    "reports_to",
    "start_date",
    "end_date",
    "is_primary",
}


def check_position(position: CompanyPosition):
    if position.organisation_id is not None and position.organisation.kind != Party.Kind.ORGANISATION:
        raise ValidationError({"organisation": "Not an organisation."})
    if (
        position.organisation_id is None
        and not position.company_name.strip()
        and not (position.is_primary and (position.title.strip() or position.department.strip()))
    ):
        # A current job may name only a title or department (incwo's job title without a firm).
        raise ValidationError({"company_name": "This field is required."})
    if position.reports_to_id is not None and (
        position.reports_to_id == position.person_id or position.reports_to.kind != Party.Kind.PERSON
    ):
        raise ValidationError({"reports_to": "A superior is another person."})
    check_dates(position.start_date, position.end_date)


def _save_position(actor, position: CompanyPosition, before=None):
    check_position(position)
    if position.is_primary:
        _demote(
            actor,
            CompanyPosition.objects.filter(person=position.person).exclude(pk=position.pk),
            position.person,
        )
    _validated_save(position)
    log_save(actor, position, before, parent=position.person)
    position.person.touch()
    return position


@transaction.atomic
def add_company_position(actor, person: Party, **fields) -> CompanyPosition:
    _require_person(person)
    position = CompanyPosition(person=person)
    _set_fields(position, fields, POSITION_FIELDS)
    return _save_position(actor, position)


@transaction.atomic
def update_company_position(actor, position: CompanyPosition, **fields) -> CompanyPosition:
    before = snapshot(position)
    _set_fields(position, fields, POSITION_FIELDS)
    return _save_position(actor, position, before)


@transaction.atomic
def delete_company_position(actor, position: CompanyPosition) -> None:
    log_delete(actor, position, parent=position.person)
    position.delete()
    position.person.touch()


@transaction.atomic
def end_company_position(actor, position: CompanyPosition) -> CompanyPosition:
    """The job is over: no longer the person's current one, ended today unless it has an end."""
    ended = position.end_date or max(timezone.localdate(), position.start_date or datetime.date.min)
    return update_company_position(actor, position, is_primary=False, end_date=ended)


@transaction.atomic
def set_employer(actor, person: Party, organisation: Party | None, *, title=None, department=None):
    """Make `organisation` the person's current (primary) employer; None: no current employer.
    A job at another employer is ended, not rewritten: it keeps its organisation, stops being the
    primary one and gets today as its end date (unless it has one), so the job history stays
    true. At the same employer, the title and department given change in place."""
    current = CompanyPosition.objects.filter(person=person, is_primary=True).first()
    if current is not None and (organisation is None or current.organisation_id != organisation.pk):
        end_company_position(actor, current)
        current = None
    if organisation is None:
        return None
    changes = {}
    if title is not None:
        changes["title"] = title
    if department is not None:
        changes["department"] = department
    if current is None:
        return add_company_position(actor, person, organisation=organisation, is_primary=True, **changes)
    return update_company_position(actor, current, **changes) if changes else current


# --- Groups, functions, combinations, memberships -------------------------------------------

GROUP_FIELDS = {"name", "description", "parent"}


def check_group_parent(group: Group):
    ancestor = group.parent
    while ancestor is not None:
        if ancestor.pk == group.pk:
            raise ValidationError({"parent": "A group cannot be its own ancestor."})
        ancestor = ancestor.parent


@transaction.atomic
def create_group(actor, **fields) -> Group:
    group = Group()
    _set_fields(group, fields, GROUP_FIELDS)
    _validated_save(group)
    log_create(actor, group)
    return group


@transaction.atomic
def update_group(actor, group: Group, **fields) -> Group:
    before = snapshot(group)
    _set_fields(group, fields, GROUP_FIELDS)
    check_group_parent(group)
    _validated_save(group)
    log_update(actor, group, before)
    return group


def _delete_protected(actor, obj, message):
    """Delete unless protected rows refer to the object; `{protected}` in the message names them."""
    log_delete(actor, obj)
    try:
        with transaction.atomic():
            obj.delete()
    except ProtectedError as exc:
        kinds = sorted({str(row._meta.verbose_name_plural) for row in exc.protected_objects})
        raise ValidationError(message.format(protected=", ".join(kinds))) from None


@transaction.atomic
def delete_group(actor, group: Group) -> None:
    _delete_protected(actor, group, "A group with subgroups or members cannot be deleted.")


@transaction.atomic
def create_function(actor, **fields) -> Function:
    function = Function()
    _set_fields(function, fields, {"name", "description"})
    _validated_save(function)
    log_create(actor, function)
    return function


@transaction.atomic
def update_function(actor, function: Function, **fields) -> Function:
    before = snapshot(function)
    _set_fields(function, fields, {"name", "description"})
    _validated_save(function)
    log_update(actor, function, before)
    return function


@transaction.atomic
def delete_function(actor, function: Function) -> None:
    _delete_protected(actor, function, "A function with members cannot be deleted.")


@transaction.atomic
def create_combination(actor, *, group: Group, function: Function) -> Combination:
    taken = {"function": "This group already has this function."}
    if Combination.objects.filter(group=group, function=function).exists():
        raise ValidationError(taken)
    with unique_or(taken):
        combination = Combination.objects.create(group=group, function=function)
    log_create(actor, combination)
    return combination


@transaction.atomic
def delete_combination(actor, combination: Combination) -> None:
    _delete_protected(actor, combination, "A combination with members cannot be deleted.")


@transaction.atomic
def add_membership(actor, party: Party, *, combination: Combination, start_date, end_date=None) -> Membership:
    check_dates(start_date, end_date)
    membership = Membership(party=party, combination=combination, start_date=start_date, end_date=end_date)
    _validated_save(membership)
    log_create(actor, membership, parent=party)
    party.touch()
    return membership


@transaction.atomic
def update_membership(actor, membership: Membership, **fields) -> Membership:
    before = snapshot(membership)
    _set_fields(membership, fields, {"combination", "start_date", "end_date"})
    check_dates(membership.start_date, membership.end_date)
    _validated_save(membership)
    log_update(actor, membership, before, parent=membership.party)
    membership.party.touch()
    return membership


@transaction.atomic
def delete_membership(actor, membership: Membership) -> None:
    log_delete(actor, membership, parent=membership.party)
    membership.delete()
    membership.party.touch()


# --- Segments -------------------------------------------------------------------------------


@transaction.atomic
def save_segment(actor, segment: Segment) -> Segment:
    """Validate the segment's rule against the party rule set, then save it."""
    from .rules import PARTY_RULES

    PARTY_RULES.validate(segment.rules)
    # The caller hands over the segment already changed: the "before" is the stored row.
    before = stored_snapshot(segment)
    _validated_save(segment)
    log_save(actor, segment, before)
    return segment


@transaction.atomic
def set_segment_members(actor, segment: Segment, parties) -> None:
    """Set the parties listed by hand, beside those the rule selects; only the segment's kind."""
    parties = list(parties)
    if any(party.kind != segment.applies_to for party in parties):
        raise ValidationError({"static_members": f"Only {segment.get_applies_to_display().lower()}s."})
    before = sorted(segment.static_members.values_list("pk", flat=True))
    segment.static_members.set(parties)
    after = sorted(segment.static_members.values_list("pk", flat=True))
    log_values(actor, segment, {"static_members": before}, {"static_members": after})


@transaction.atomic
def delete_segment(actor, segment: Segment) -> None:
    log_delete(actor, segment)
    segment.delete()
