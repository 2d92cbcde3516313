"""Reads shared by the admin and the APIs: member lists on a date, segment members, and the
prefetches that keep a page of parties at a constant number of queries."""

from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.utils import timezone

from .models import EmailAddress, Membership, Party, Phone, Segment


def with_contact_details(queryset: QuerySet) -> QuerySet:
    """Prefetch what a party's list representation shows: primary e-mail and phones."""
    return queryset.prefetch_related(
        Prefetch(
            "email_addresses", queryset=EmailAddress.objects.filter(is_primary=True), to_attr="primary_emails"
        ),
        Prefetch("phones", queryset=Phone.objects.order_by("id"), to_attr="phone_list"),
    )


def has_membership(day=None, *, group=None, function=None, combination=None) -> Exists:
    """A condition on parties: holding, on `day` (today by default), a membership of the
    combination, or of any combination of the group / function. Direct group only."""
    memberships = Membership.objects.active_on(day or timezone.localdate()).filter(party=OuterRef("pk"))
    if combination is not None:
        memberships = memberships.filter(combination=combination)
    if group is not None:
        memberships = memberships.filter(combination__group=group)
    if function is not None:
        memberships = memberships.filter(combination__function=function)
    return Exists(memberships)


def members_on(kind: str, day=None, *, group=None, function=None, combination=None) -> QuerySet:
    """Parties of `kind` that are members on `day` (see `has_membership`)."""
    condition = has_membership(day, group=group, function=function, combination=combination)
    return Party.objects.filter(kind=kind).filter(condition).order_by("id")


def segment_members(segment: Segment) -> QuerySet:
    from .rules import PARTY_RULES

    static = segment.static_members.through.objects.filter(segment=segment, party=OuterRef("pk"))
    selection = Exists(static)
    rule = PARTY_RULES.q(segment.rules)  # empty when the rule has no condition: static members only
    if rule:
        selection = selection | rule
    return Party.objects.filter(kind=segment.applies_to).filter(selection).order_by("id")
