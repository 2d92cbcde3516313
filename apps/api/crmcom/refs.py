"""Finding the records an id names: GUIDs (the public uuid) for most, the contact's `code` (its
integer id, the one Peepl, Cirrus and incwo show) as an alternative for contacts, an activity
type's code, a user's id. An id that names nothing is a 404 `[entity, id]`."""

import uuid

from django.contrib.auth import get_user_model

from apps.accounts.models import Account, Classification, PaymentTerm
from apps.core.models import Tag
from apps.insights.models import Insight, InsightExport
from apps.insights.services import exports_visible_to
from apps.parties.models import Address, BusinessUnit, Party
from apps.sales.models import Activity, ActivityType, Lead, Order, ServiceRequest

from .conventions import not_found

MAX_ID = 2**63 - 1


def parse_uuid(raw) -> uuid.UUID | None:
    if not isinstance(raw, str) or len(raw) > 64:
        return None
    try:
        return uuid.UUID(raw.strip())
    except ValueError:
        return None


def parse_int(raw) -> int | None:
    text = str(raw).strip() if isinstance(raw, str | int) and not isinstance(raw, bool) else ""
    if not text.isdigit() or not 0 < int(text) <= MAX_ID:
        return None
    return int(text)


def by_uuid(queryset, raw, entity: str):
    key = parse_uuid(raw)
    found = queryset.filter(uuid=key).first() if key is not None else None
    if found is None:
        raise not_found(entity, raw)
    return found


def contact(raw, queryset=None, entity="contact") -> Party:
    """A party by GUID, else by code."""
    queryset = Party.objects.all() if queryset is None else queryset
    key = parse_uuid(raw)
    found = queryset.filter(uuid=key).first() if key is not None else None
    if found is None and (code := parse_int(raw)) is not None:
        found = queryset.filter(pk=code).first()
    if found is None:
        raise not_found(entity, raw)
    return found


def organisation(raw) -> Party:
    return contact(raw, Party.objects.filter(kind=Party.Kind.ORGANISATION), "organisation")


def account(raw, queryset=None) -> Account:
    return by_uuid(Account.objects.all() if queryset is None else queryset, raw, "account")


def classification(raw) -> Classification:
    return by_uuid(Classification.objects.all(), raw, "classification")


def payment_terms(raw) -> PaymentTerm:
    return by_uuid(PaymentTerm.objects.all(), raw, "payment_terms")


def address(raw) -> Address:
    return by_uuid(Address.objects.select_related("party"), raw, "address")


def activity_type(raw) -> ActivityType:
    """By GUID or code (call, meeting, email, task...)."""
    key = parse_uuid(raw)
    found = ActivityType.objects.filter(uuid=key).first() if key is not None else None
    if found is None and isinstance(raw, str) and raw.strip():
        found = ActivityType.objects.filter(code=raw.strip()).first()
    if found is None:
        raise not_found("activity_type", raw)
    return found


def crm_activities():
    return Activity.objects.filter(kind=Activity.Kind.TASK)


def activity(raw, queryset=None) -> Activity:
    return by_uuid(crm_activities() if queryset is None else queryset, raw, "activity")


def tag(raw) -> Tag:
    return by_uuid(Tag.objects.all(), raw, "tag")


def tags(raws) -> list[Tag]:
    """Every tag named, in one query; the first unknown one is a 404."""
    keys = {raw: parse_uuid(raw) for raw in raws}
    found = {t.uuid: t for t in Tag.objects.filter(uuid__in=[k for k in keys.values() if k])}
    result = []
    for raw, key in keys.items():
        if key not in found:
            raise not_found("tag", raw)
        result.append(found[key])
    return result


def user(raw):
    key = parse_int(raw)
    found = get_user_model().objects.filter(pk=key, is_active=True).first() if key is not None else None
    if found is None:
        raise not_found("user", raw)
    return found


def team(raw) -> BusinessUnit:
    return by_uuid(BusinessUnit.objects.all(), raw, "team")


LINKED = {
    "LEAD": (Lead, "lead"),
    "ORDER": (Order, "order"),
    "SERVICE_REQUEST": (ServiceRequest, "service_request"),
}


def linked(kind: str, raw):
    model, entity = LINKED[kind]
    return by_uuid(model.objects.select_related("contact"), raw, entity)


def insight(raw) -> Insight:
    return by_uuid(Insight.objects.all(), raw, "insight")


def export(insight_obj: Insight, raw, user) -> InsightExport:
    """One of the insight's exports that `user` may see (their own unless they may see all)."""
    return by_uuid(exports_visible_to(user, insight_obj.exports.all()), raw, "export")
