"""Every write to leads, lead activities and opportunities, with their rules; converting a lead
to an opportunity; the back office's bulk changes. The admin and the APIs call these.

Each top-level function runs in one transaction and records the change log (`log_save`,
`log_values` for many-to-many sets). Rule violations raise Django's ValidationError keyed by the
domain field name.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from apps.core import services as core_services
from apps.core.changelog import log_delete, log_save, stored_snapshot
from apps.parties import services_accounts
from apps.parties.models import AccountType, Party

from .models import (
    Lead,
    LeadActivity,
    Opportunity,
    OpportunityReason,
    OpportunityStatus,
    OpportunityType,
    ProgressionState,
)

LEAD_FIELDS = {
    "title",
    "description",
    "contact",
    "prospect_title",
    "prospect_first_name",
    "prospect_last_name",
    "prospect_company",
    "prospect_street",
    "prospect_city",
    "prospect_postal_code",
    "prospect_phone",
    "prospect_mobile",
    "prospect_email",
    "prospect_vat_number",
    "value",
    "rating",
    "owner",
    "source",
    "status",
}
LEAD_ACTIVITY_FIELDS = {"lead", "activity_type", "comment", "owner", "followup", "done"}
OPPORTUNITY_FIELDS = {
    "title",
    "description",
    "account",
    "alt_account",
    "contact",
    "phone",
    "owner",
    "result",
    "value",
    "alt_value",
    "alt_value_label",
    "opportunity_type",
    "status",
    "estimate",
    "estimated_end_date",
    "end_date",
    "closed",
    "lost_reason",
    "win_reason",
    "state",
    "source",
    "progression_state",
}
# What a converted lead's opportunity closes by, when the caller gives no date.
CONVERSION_CLOSE_DAYS = 30


def _set_fields(obj, data: dict, allowed: set[str]) -> None:
    unknown = set(data) - allowed
    if unknown:
        raise ValueError(f"Unknown fields for {type(obj).__name__}: {sorted(unknown)}")
    for name, value in data.items():
        setattr(obj, name, value)


def _validated_save(obj) -> None:
    """Model validation (lengths, choices) as a safety net under the forms and serializers."""
    obj.full_clean(validate_unique=False, validate_constraints=False)
    obj.save()


# --- Leads ------------------------------------------------------------------------------------

PROSPECT_NAMES = ("prospect_company", "prospect_first_name", "prospect_last_name")


@transaction.atomic
def save_lead(actor, lead: Lead, *, tags=None) -> Lead:
    """Create or update a lead whose fields are set (the admin's way in); `tags` replace its set."""
    before = stored_snapshot(lead)
    _validated_save(lead)
    log_save(actor, lead, before)
    if tags is not None:
        core_services.set_related(actor, lead, "tags", tags)
    return lead


@transaction.atomic
def create_lead(actor, *, tags=None, **fields) -> Lead:
    lead = Lead()
    _set_fields(lead, fields, LEAD_FIELDS)
    return save_lead(actor, lead, tags=tags)


@transaction.atomic
def update_lead(actor, lead: Lead, *, tags=None, **fields) -> Lead:
    _set_fields(lead, fields, LEAD_FIELDS)
    return save_lead(actor, lead, tags=tags)


@transaction.atomic
def delete_lead(actor, lead: Lead) -> None:
    """Delete a lead with its lead activities; CRM activities linked to it stay, unlinked."""
    log_delete(actor, lead)
    lead.delete()


@transaction.atomic
def assign_leads(actor, leads, owner) -> int:
    """Give every lead of `leads` to `owner` (the back office's bulk action); how many changed."""
    changed = 0
    for lead in leads:
        if lead.owner_id != getattr(owner, "pk", None):
            update_lead(actor, lead, owner=owner)
            changed += 1
    return changed


@transaction.atomic
def set_lead_status(actor, leads, status) -> int:
    changed = 0
    for lead in leads:
        if lead.status_id != status.pk:
            update_lead(actor, lead, status=status)
            changed += 1
    return changed


# --- Lead activities --------------------------------------------------------------------------


@transaction.atomic
def save_lead_activity(actor, row: LeadActivity) -> LeadActivity:
    before = stored_snapshot(row)
    if not (row.comment or "").strip():
        raise ValidationError({"comment": "This field may not be blank."})
    _validated_save(row)
    log_save(actor, row, before, parent=row.lead)
    return row


@transaction.atomic
def create_lead_activity(actor, **fields) -> LeadActivity:
    row = LeadActivity()
    _set_fields(row, fields, LEAD_ACTIVITY_FIELDS)
    return save_lead_activity(actor, row)


@transaction.atomic
def update_lead_activity(actor, row: LeadActivity, **fields) -> LeadActivity:
    if "lead" in fields and fields["lead"].pk != row.lead_id:
        raise ValidationError({"lead": "A lead activity stays with its lead."})
    _set_fields(row, fields, LEAD_ACTIVITY_FIELDS)
    return save_lead_activity(actor, row)


@transaction.atomic
def delete_lead_activity(actor, row: LeadActivity) -> None:
    log_delete(actor, row, parent=row.lead)
    row.delete()


# --- Opportunities ----------------------------------------------------------------------------


def check_opportunity(opportunity: Opportunity) -> None:
    """The rules an opportunity keeps whoever writes it. Raises ValidationError."""
    errors = {}
    if not (opportunity.title or "").strip():
        errors["title"] = "This field may not be blank."
    account = opportunity.account if opportunity.account_id else None
    if account is not None and account.kind != Party.Kind.ORGANISATION:
        errors["account"] = "The account must be an organisation."
    alt_account = opportunity.alt_account if opportunity.alt_account_id else None
    if alt_account is not None and alt_account.kind != Party.Kind.ORGANISATION:
        errors["alt_account"] = "The alternative account must be an organisation."
    contact = opportunity.contact if opportunity.contact_id else None
    if contact is not None and contact.kind != Party.Kind.PERSON:
        errors["contact"] = "The contact must be a person."
    status = opportunity.status if opportunity.status_id else None
    if status is not None and opportunity.opportunity_type_id != status.opportunity_type_id:
        errors["status"] = "This status is not valid for the opportunity's type."
    for name, kind in (
        ("lost_reason", OpportunityReason.Kind.LOST),
        ("win_reason", OpportunityReason.Kind.WON),
    ):
        reason = getattr(opportunity, name)
        if reason is not None and reason.kind != kind:
            errors[name] = f"Not a {OpportunityReason.Kind(kind).label.lower()}."
    state = opportunity.progression_state
    if state is not None and state.applies_to != ProgressionState.AppliesTo.OPPORTUNITY:
        errors["progression_state"] = "This progression state is not one of opportunities."
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def save_opportunity(actor, opportunity: Opportunity, *, tags=None) -> Opportunity:
    """Create or update an opportunity whose fields are set. A won or lost status closes it (its
    end date defaults to today); who registered it and who changed it last are recorded."""
    before = stored_snapshot(opportunity)
    check_opportunity(opportunity)
    status = opportunity.status
    if status.won or status.lost:
        opportunity.closed = True
        opportunity.end_date = opportunity.end_date or timezone.localdate()
    user = actor if getattr(actor, "is_authenticated", False) else None
    if before is None:
        opportunity.created_by = opportunity.created_by or user
    opportunity.changed_by = user
    _validated_save(opportunity)
    log_save(actor, opportunity, before)
    if tags is not None:
        core_services.set_related(actor, opportunity, "tags", tags)
    return opportunity


@transaction.atomic
def create_opportunity(actor, *, tags=None, **fields) -> Opportunity:
    opportunity = Opportunity()
    _set_fields(opportunity, fields, OPPORTUNITY_FIELDS)
    return save_opportunity(actor, opportunity, tags=tags)


@transaction.atomic
def update_opportunity(actor, opportunity: Opportunity, *, tags=None, **fields) -> Opportunity:
    _set_fields(opportunity, fields, OPPORTUNITY_FIELDS)
    return save_opportunity(actor, opportunity, tags=tags)


@transaction.atomic
def delete_opportunity(actor, opportunity: Opportunity) -> None:
    """Delete an opportunity; its activities and the leads converted to it stay, unlinked."""
    log_delete(actor, opportunity)
    opportunity.delete()


@transaction.atomic
def follow_opportunity(actor, opportunity: Opportunity, user) -> None:
    core_services.follow(actor, opportunity, user)


@transaction.atomic
def unfollow_opportunity(actor, opportunity: Opportunity, user) -> None:
    core_services.unfollow(actor, opportunity, user)


@transaction.atomic
def assign_opportunities(actor, opportunities, owner) -> int:
    """Give every opportunity of `opportunities` to `owner` (bulk action); how many changed."""
    changed = 0
    for opportunity in opportunities:
        if opportunity.owner_id != getattr(owner, "pk", None):
            update_opportunity(actor, opportunity, owner=owner)
            changed += 1
    return changed


@transaction.atomic
def set_opportunity_status(actor, opportunities, status: OpportunityStatus) -> int:
    """Move opportunities to `status` (bulk action). All of them must be of the status's type:
    otherwise nothing changes and the ValidationError names the first that is not."""
    changed = 0
    for opportunity in opportunities:
        if opportunity.status_id != status.pk:
            update_opportunity(actor, opportunity, status=status)
            changed += 1
    return changed


# --- Converting a lead --------------------------------------------------------------------------


def _lead_account(actor, lead: Lead, owner) -> Party:
    """The organisation a converted lead's opportunity is for: the lead's own, its person's
    employer, or a new account made from the prospect's company (or name)."""
    party = lead.contact
    if party is not None and party.kind == Party.Kind.ORGANISATION:
        return party
    if party is not None:
        position = services_accounts.current_position(party)
        if position is None or position.organisation_id is None:
            raise ValidationError({"contact": "The lead's person works for no organisation to sell to."})
        return position.organisation
    name = lead.prospect_company.strip() or " ".join(
        part for part in (lead.prospect_first_name.strip(), lead.prospect_last_name.strip()) if part
    )
    if not name:
        raise ValidationError({"prospect_company": "The lead has no account and no prospect to make one of."})
    address = {
        "street": lead.prospect_street,
        "city": lead.prospect_city,
        "postal_code": lead.prospect_postal_code,
    }
    return services_accounts.create_account(
        actor,
        name=name,
        account_type=AccountType.objects.filter(is_prospect=True).order_by("sort_order", "id").first(),
        responsible_user=owner,
        vat_number=lead.prospect_vat_number,
        email=lead.prospect_email if not lead.prospect_first_name and not lead.prospect_last_name else "",
        phone=lead.prospect_phone,
        addresses={"visiting": address},
    )


def _lead_contact(actor, lead: Lead, account: Party) -> Party:
    """The person: the lead's own, else one made from the prospect's names at the account, else
    the account's primary contact."""
    party = lead.contact
    if party is not None and party.kind == Party.Kind.PERSON:
        return party
    if lead.prospect_first_name.strip() or lead.prospect_last_name.strip():
        return services_accounts.create_contact(
            actor,
            organisation=account,
            first_name=lead.prospect_first_name,
            last_name=lead.prospect_last_name,
            email=lead.prospect_email,
            mobile=lead.prospect_mobile,
            phone=lead.prospect_phone,
            job={"title": lead.prospect_title} if lead.prospect_title else {},
        )
    if account.primary_contact_id is not None:
        return account.primary_contact
    raise ValidationError({"prospect_last_name": "The lead names no person to be the opportunity's contact."})


@transaction.atomic
def convert_lead(
    actor,
    lead: Lead,
    *,
    opportunity_type: OpportunityType | None = None,
    status: OpportunityStatus | None = None,
    owner=None,
    estimated_end_date: datetime.date | None = None,
) -> Opportunity:
    """Make an opportunity of a lead: for the lead's account (made from the prospect when there
    is none) and person, with its title, description, value, source and owner; the lead then
    points at it and belongs to the account. A lead converts once."""
    lead = Lead.objects.select_for_update().get(pk=lead.pk)
    if lead.opportunity_id is not None:
        raise ValidationError(f"The lead was converted already (opportunity {lead.opportunity_id}).")
    opportunity_type = (
        opportunity_type or OpportunityType.objects.order_by("-is_default", "sort_order", "id").first()
    )
    if opportunity_type is None:
        raise ValidationError({"opportunity_type": "There is no opportunity type to convert to."})
    status = (
        status or opportunity_type.statuses.filter(won=False, lost=False).order_by("sort_order", "id").first()
    )
    if status is None:
        raise ValidationError({"status": f"The type {opportunity_type} has no open status."})
    owner = owner or lead.owner or (actor if getattr(actor, "is_authenticated", False) else None)
    account = _lead_account(actor, lead, owner)
    opportunity = create_opportunity(
        actor,
        title=lead.title or str(lead),
        description=lead.description,
        account=account,
        contact=_lead_contact(actor, lead, account),
        phone=lead.prospect_phone,
        owner=owner,
        value=lead.value,
        source=lead.source,
        opportunity_type=opportunity_type,
        status=status,
        estimated_end_date=estimated_end_date
        or timezone.localdate() + datetime.timedelta(days=CONVERSION_CLOSE_DAYS),
        tags=list(lead.tags.all()),
    )
    lead.opportunity = opportunity
    lead.contact = lead.contact or account
    save_lead(actor, lead)
    return opportunity
