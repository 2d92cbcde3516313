"""Everything about a party on one timeline, newest first: its activities, financial accounts
and their ledger entries, files, memberships, merges into it and the change log's lines about it
and its rows.

Page N of size S needs at most N*S+1 newest rows of each source: each source is one query
(ordered by an indexed time and limited), so a page costs the same number of queries whatever
its size, and the sources are merged in Python."""

import datetime
import heapq
from dataclasses import dataclass

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from .models import Membership, Party

PER_PAGE = 20
MAX_PAGE = 50  # deeper than 1,000 events: the full lists (activities, change log) are the tool


@dataclass
class Event:
    time: datetime.datetime
    kind: str  # activity, account, ledger, file, membership, merge, change
    icon: str
    title: str
    detail: str = ""
    url: str = ""
    user: str = ""


def _url(name: str, pk) -> str:
    try:
        return reverse(name, args=[pk])
    except NoReverseMatch:
        return ""


def _aware(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=timezone.get_current_timezone())


def _activities(party, limit):
    Activity = apps.get_model("sales", "Activity")
    rows = (
        Activity.objects.filter(Q(contact=party) | Q(account=party))
        .select_related("activity_type", "owner")
        .order_by("-start", "-id")[:limit]
    )
    for row in rows:
        label = row.activity_type.name if row.activity_type_id else row.get_kind_display()
        yield Event(
            row.start,
            "activity",
            "event",
            f"{label}: {row.name}",
            f"{row.get_state_display()}" + (f" — {row.description[:140]}" if row.description else ""),
            _url("admin:sales_activity_change", row.pk),
            row.owner.get_username() if row.owner_id else "",
        )


def _accounts(party, limit):
    Account = apps.get_model("accounts", "Account")
    for row in Account.objects.filter(party=party).order_by("-created", "-id")[:limit]:
        yield Event(
            row.created,
            "account",
            "account_balance_wallet",
            f"Financial account opened: {row.name}",
            f"{row.number or ''} {row.currency} · balance {row.balance}".strip(),
            _url("admin:accounts_account_change", row.pk),
        )


def _ledger(party, limit):
    LedgerEntry = apps.get_model("accounts", "LedgerEntry")
    rows = (
        LedgerEntry.objects.filter(account__party=party)
        .select_related("account")
        .order_by("-created", "-id")[:limit]
    )
    for row in rows:
        yield Event(
            row.created,
            "ledger",
            "receipt_long",
            f"{row.get_kind_display()} {row.amount} {row.account.currency} on {row.account.name}",
            f"{row.description} · balance after {row.balance_after}".strip(" ·"),
            _url("admin:accounts_ledgerentry_change", row.pk),
            row.user_name,
        )


def _files(party, limit):
    File = apps.get_model("content", "File")
    for row in File.objects.filter(parties=party).order_by("-created", "-id")[:limit]:
        yield Event(
            row.created,
            "file",
            "description",
            f"File: {row.name}",
            "",
            _url("admin:content_file_change", row.pk),
        )


def _memberships(party, limit):
    rows = (
        Membership.objects.filter(party=party)
        .select_related("combination__group", "combination__function")
        .order_by("-start_date", "-id")[:limit]
    )
    for row in rows:
        ended = f", until {row.end_date:%Y-%m-%d}" if row.end_date else ""
        yield Event(
            _aware(row.start_date),
            "membership",
            "group_add",
            f"Member of {row.combination}",
            f"from {row.start_date:%Y-%m-%d}{ended}",
            _url("admin:parties_membership_change", row.pk),
        )


def _merges(party, party_type, limit):
    MergeRecord = apps.get_model("core", "MergeRecord")
    rows = MergeRecord.objects.filter(content_type=party_type, target_id=party.pk).order_by("-time", "-id")
    for row in rows[:limit]:
        yield Event(
            row.time,
            "merge",
            "merge",
            f"Merged: {row.source_repr} (#{row.source_id}) into this record",
            "",
            _url("admin:core_mergerecord_change", row.pk),
            row.user_name,
        )


def _changes(party, party_type, limit):
    ObjectChange = apps.get_model("core", "ObjectChange")
    own = ObjectChange.objects.filter(content_type=party_type, object_id=party.pk)
    rows_of = ObjectChange.objects.filter(related_content_type=party_type, related_object_id=party.pk)
    for query in (own, rows_of):
        for row in query.select_related("content_type").order_by("-time", "-id")[:limit]:
            fields = ", ".join(row.changed_fields) if row.action == "update" else ""
            what = "" if query is own else f"{row.content_type.name}: {row.object_repr}"
            yield Event(
                row.time,
                "change",
                "history",
                f"{row.get_action_display()}{' ' + what if what else ''}",
                f"fields: {fields}" if fields else "",
                "",
                row.user_name,
            )


def timeline(party: Party, page: int = 1, per_page: int = PER_PAGE) -> tuple[list[Event], bool]:
    """(the events of page `page`, newest first; whether there is a next page)."""
    page = max(1, min(page, MAX_PAGE))
    limit = page * per_page + 1
    party_type = ContentType.objects.get_for_model(Party)
    sources = [
        _activities(party, limit),
        _accounts(party, limit),
        _ledger(party, limit),
        _files(party, limit),
        _memberships(party, limit),
        _merges(party, party_type, limit),
        _changes(party, party_type, limit),
    ]
    events = heapq.nlargest(limit, (e for source in sources for e in source), key=lambda e: e.time)
    start = (page - 1) * per_page
    return events[start : start + per_page], len(events) > page * per_page
