"""Writes of the CRM account side of parties: an organisation as an account (type, groups, number,
responsible users, its four account addresses, its monthly budgets), persons as the contacts of an
account (their job there, superior, the account's primary contact), and users following parties.

Built on services.py (which holds the rules of the fields themselves) and logged like it: each
function runs in one transaction, records the change log with the actor, and raises Django's
ValidationError keyed by domain field name on a rule violation.
"""

from django.core.exceptions import ValidationError
from django.db import transaction

from apps.core import services as core_services
from apps.core.changelog import log_create, log_delete, log_update, log_values, snapshot

from . import services
from .addresses import CIRRUS_ACCOUNT_ADDRESSES, CIRRUS_MAIN, CIRRUS_TYPED
from .models import AccountGroup, Address, AddressType, CompanyPosition, MonthlyBudget, Party, Phone

# The four addresses an account has (Cirrus): the postal one is the party's main address, the
# others one address each of the address type with that code (see addresses.py).
ACCOUNT_ADDRESS_CODES = CIRRUS_ACCOUNT_ADDRESSES
ACCOUNT_ADDRESS_DESCRIPTIONS = {"visiting": "Visiting", "delivery": "Delivery", "invoice": "Invoice"}
# What a contact's job at its account holds (its primary company position).
JOB_FIELDS = {"title", "department", "role", "reports_to"}


def account_address_type(code: str) -> AddressType:
    """The address type of an account address other than the postal (main) one; made (one per
    party) when missing."""
    if code not in CIRRUS_TYPED:
        raise ValueError(f"Not a typed account address: {code!r}")
    address_type = AddressType.objects.filter(code=code).first()
    if address_type is None:
        address_type = services.create_address_type(
            None, description=ACCOUNT_ADDRESS_DESCRIPTIONS[code], max_amount=1, code=code
        )
    return address_type


def _require_organisation(party: Party) -> None:
    if party.kind != Party.Kind.ORGANISATION:
        raise ValidationError("Only organisations are accounts.")


# --- Account groups -------------------------------------------------------------------------


def _check_group(group: AccountGroup) -> None:
    if not (group.name or "").strip():
        raise ValidationError({"name": "This field can not be empty."})


@transaction.atomic
def create_account_group(actor, *, name: str) -> AccountGroup:
    group = AccountGroup(name=name)
    _check_group(group)
    services._validated_save(group)
    log_create(actor, group)
    return group


@transaction.atomic
def update_account_group(actor, group: AccountGroup, *, name: str) -> AccountGroup:
    before = snapshot(group)
    group.name = name
    _check_group(group)
    services._validated_save(group)
    log_update(actor, group, before)
    return group


@transaction.atomic
def delete_account_group(actor, group: AccountGroup) -> None:
    """Delete a group; its accounts leave it."""
    log_delete(actor, group)
    group.delete()


@transaction.atomic
def set_account_groups(actor, party: Party, groups) -> None:
    _require_organisation(party)
    before = sorted(party.account_groups.values_list("pk", flat=True))
    party.account_groups.set(groups)
    after = sorted(party.account_groups.values_list("pk", flat=True))
    if log_values(actor, party, {"account_groups": before}, {"account_groups": after}):
        party.touch()


# --- Followers ------------------------------------------------------------------------------


def follow(actor, party: Party, user) -> None:
    """The user follows the party (again: nothing changes)."""
    core_services.follow(actor, party, user)


def unfollow(actor, party: Party, user) -> None:
    """The user no longer follows the party (not following: nothing changes)."""
    core_services.unfollow(actor, party, user)


# --- Typed addresses ------------------------------------------------------------------------


def account_address(party: Party, code: str) -> Address | None:
    """One of the four account addresses: `postal` is the main address; another is the party's
    (first) address of the type with that code."""
    if code == CIRRUS_MAIN:
        return party.addresses.get(is_default=True)
    if code not in CIRRUS_TYPED:
        raise ValueError(f"Not an account address: {code!r}")
    return party.addresses.filter(address_type__code=code).order_by("id").first()


@transaction.atomic
def set_typed_address(actor, party: Party, code: str, fields: dict) -> Address | None:
    """Merge `fields` into one of the four account addresses, creating a typed one when the
    party has none and some value is given."""
    address = account_address(party, code)
    if address is None:
        if not any(value not in ("", None) for value in fields.values()):
            return None
        return services.add_address(actor, party, address_type=account_address_type(code), **fields)
    return services.update_address(actor, address, **fields)


def _set_typed_addresses(actor, party: Party, addresses: dict) -> None:
    for code in ACCOUNT_ADDRESS_CODES:
        if addresses.get(code) is not None:
            try:
                set_typed_address(actor, party, code, addresses[code])
            except ValidationError as exc:
                if hasattr(exc, "error_dict"):
                    raise ValidationError(
                        {f"addresses.{code}.{name}": errors for name, errors in exc.message_dict.items()}
                    ) from None
                raise ValidationError({f"addresses.{code}": exc.messages}) from None


# --- Accounts -------------------------------------------------------------------------------


@transaction.atomic
def create_account(
    actor,
    *,
    fax: str = "",
    addresses: dict | None = None,
    groups=None,
    tags=None,
    **fields,
) -> Party:
    """An organisation as an account: its fields (services.ORGANISATION_FIELDS, plus `email`,
    `phone`, `mobile`), fax number, typed addresses ({code: {address field: value}}), groups
    and tags."""
    party = services.create_organisation(actor, **fields)
    if fax:
        services.set_phone(actor, party, Phone.Kind.FAX, fax)
    _set_typed_addresses(actor, party, addresses or {})
    if groups:
        set_account_groups(actor, party, groups)
    if tags:
        services.set_tags(actor, party, tags)
    return party


@transaction.atomic
def update_account(
    actor,
    party: Party,
    *,
    fax: str | None = None,
    addresses: dict | None = None,
    groups=None,
    tags=None,
    **fields,
) -> Party:
    """Change what is given: fields, fax (None: unchanged, "": removed), addresses merged per type
    and field, groups and tags replaced."""
    _require_organisation(party)
    if fields:
        services.update_party(actor, party, **fields)
    if fax is not None:
        services.set_phone(actor, party, Phone.Kind.FAX, fax)
    _set_typed_addresses(actor, party, addresses or {})
    if groups is not None:
        set_account_groups(actor, party, groups)
    if tags is not None:
        services.set_tags(actor, party, tags)
    return party


# --- Monthly budgets ------------------------------------------------------------------------


def _check_period(year: int, month: int) -> None:
    if not 1 <= month <= 12:
        raise ValidationError({"month": "A month is 1 to 12."})
    if not 1 <= year <= 9999:
        raise ValidationError({"year": "A year is 1 to 9999."})


@transaction.atomic
def set_monthly_budget(actor, party: Party, *, year: int, month: int, amount: int | None) -> MonthlyBudget:
    """Set the party's budget for a month (created at 0 when no amount is given)."""
    _check_period(year, month)
    Party.objects.select_for_update().filter(pk=party.pk).first()  # serialise concurrent upserts
    budget = MonthlyBudget.objects.filter(party=party, year=year, month=month).first()
    if budget is None:
        budget = MonthlyBudget(party=party, year=year, month=month, amount=amount or 0)
        services._validated_save(budget)
        log_create(actor, budget, parent=party)
        return budget
    if amount is not None and amount != budget.amount:
        before = snapshot(budget)
        budget.amount = amount
        services._validated_save(budget)
        log_update(actor, budget, before, parent=party)
    return budget


@transaction.atomic
def delete_monthly_budget(actor, budget: MonthlyBudget) -> None:
    log_delete(actor, budget, parent=budget.party)
    budget.delete()


# --- Contacts: persons at an account --------------------------------------------------------


def current_position(person: Party) -> CompanyPosition | None:
    return (
        CompanyPosition.objects.filter(person=person, is_primary=True).select_related("organisation").first()
    )


def _set_job(actor, person: Party, organisation, job: dict) -> CompanyPosition | None:
    """Set the person's primary position: employer (None: keep) and job fields given."""
    position = current_position(person)
    changes = dict(job)
    if organisation is not None:
        changes["organisation"] = organisation
    if position is None:
        if not any(value not in ("", None) for value in changes.values()):
            return None
        return services.add_company_position(actor, person, is_primary=True, **changes)
    if organisation is not None and position.organisation_id != organisation.pk:
        _clear_primary_contact(actor, person, position.organisation)
    return services.update_company_position(actor, position, **changes) if changes else position


def _clear_primary_contact(actor, person: Party, organisation: Party | None) -> None:
    if organisation is not None and organisation.primary_contact_id == person.pk:
        services.update_party(actor, organisation, primary_contact=None)


def set_primary_contact(actor, person: Party, primary: bool) -> None:
    """Make the person its employer's primary contact (or no longer)."""
    position = current_position(person)
    organisation = position.organisation if position else None
    if primary:
        if organisation is None:
            raise ValidationError({"primary_contact": "The person works at no organisation."})
        if organisation.primary_contact_id != person.pk:
            services.update_party(actor, organisation, primary_contact=person)
    else:
        _clear_primary_contact(actor, person, organisation)


@transaction.atomic
def create_contact(
    actor,
    *,
    organisation: Party,
    job: dict | None = None,
    address: dict | None = None,
    primary_contact: bool = False,
    tags=None,
    **fields,
) -> Party:
    """A person working at `organisation`: person fields (services.PERSON_FIELDS, plus `email`,
    `phone`, `mobile`), the job there (JOB_FIELDS), fields of its correspondence address, whether
    it is the organisation's primary contact, and tags."""
    if organisation.kind != Party.Kind.ORGANISATION:
        raise ValidationError({"organisation": "Not an organisation."})
    unknown = set(job or {}) - JOB_FIELDS
    if unknown:
        raise ValueError(f"Unknown job fields: {sorted(unknown)}")
    person = services.create_person(actor, **fields)
    _set_job(actor, person, organisation, job or {})
    if address:
        services.update_address(actor, person.addresses.get(is_default=True), **address)
    if primary_contact:
        set_primary_contact(actor, person, True)
    if tags:
        services.set_tags(actor, person, tags)
    return person


@transaction.atomic
def update_contact(
    actor,
    person: Party,
    *,
    job: dict | None = None,
    address: dict | None = None,
    primary_contact: bool | None = None,
    tags=None,
    **fields,
) -> Party:
    """Change what is given (None: unchanged); the employer stays (see services.set_employer)."""
    if not person.is_person:
        raise ValidationError("Only persons are contacts.")
    unknown = set(job or {}) - JOB_FIELDS
    if unknown:
        raise ValueError(f"Unknown job fields: {sorted(unknown)}")
    if fields:
        services.update_party(actor, person, **fields)
    if job:
        _set_job(actor, person, None, job)
    if address:
        services.update_address(actor, person.addresses.get(is_default=True), **address)
    if primary_contact is not None:
        set_primary_contact(actor, person, primary_contact)
    if tags is not None:
        services.set_tags(actor, person, tags)
    return person
