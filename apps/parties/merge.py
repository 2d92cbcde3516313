"""Merging two parties: `merge_parties(actor, target, source)` moves everything of the source onto
the target and removes the source, in one transaction. The Celery task `merge_parties_task`
(apps.parties.tasks) runs it; Cirrus's `POST /accounts/{target}/merge/{source}` and the admin's
"merge into…" action enqueue that task; `check_mergeable` checks the rules up front (a 400 before
anything is queued).

Relations are found from the model registry by apps.core.merging (foreign keys, one-to-ones,
many-to-many link tables in both directions, generic keys such as custom field values): a model
added later is merged without a change here. One UPDATE per relation.

The rule for conflicts:
- Both parties must be of one kind (two persons or two organisations), and different.
- The target's own fields win; each field empty on the target (None or "") is filled from the
  source (consent flags and their stamps, kind, ids and timestamps are never copied).
- "One flagged row per party" (a unique rule conditioned on a boolean flag): the target keeps its
  default address, primary e-mail, primary position, primary financial account; the source's
  move along as secondary rows.
- Many-to-many links (tags, segments' static members): a union.
- Any other unique rule with the same row on both sides (attendance of one activity, a custom
  field value of one field, a financial account in one currency): the target's row wins and the
  source's is removed, its values kept in the merge record (`dropped`), and what pointed at it
  loosely (an order's address, say) points at the target's row instead. When removing it would
  lose other rows (a financial account with ledger entries is protected), the merge is refused
  with a MergeError and nothing changes: staff settle that row first.
- A relation between the two parties themselves (a PartyRelation source <-> target) would relate
  the target to itself; it is dropped and recorded. The target's own link to the source (its
  parent organisation or primary contact being the source) is cleared, not made to point at itself.
- Per-model hooks where the generic rule is not enough:
  - addresses: a type holds at most `max_amount` addresses per party. The source's addresses of a
    type the target already fills are dropped and recorded; when the target's address of that
    type is blank, it first takes the dropped address's content.
  - e-mail addresses, phones and memberships: the source's ones equal to one of the target's
    (e-mail ignoring case; phone by kind and number; membership by combination and dates) are
    dropped as duplicates.
- The change log is history and is not rewritten: the source's entries keep its id; the merge
  record (admin: Core -> Merge records) holds the source's snapshot, what moved and what went.

Undo (`undo_merge`, within MERGE_UNDO_DAYS): the source comes back with its id and values, exactly
the rows that moved go back to it, demoted rows get their flag back, dropped rows return, and the
target's blanks that were filled are emptied again. A later change that conflicts (a moved row
deleted or given to another party, a filled field edited since, the target gone) refuses the
undo, naming each conflict, and nothing changes. One transaction, logged, safe to repeat.

Safe to run twice: the second run (the source is gone) finds the merge record and returns it,
`repeated` set. Locks are taken on both parties in primary-key order, so two merges of the same
parties never deadlock; a worker killed halfway leaves both parties as they were (the transaction
never committed), and the merge, queued as a job (`request_merge`, apps.core.jobs), runs again.
"""

import datetime
import time

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models import Count, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from apps.core import jobs
from apps.core.changelog import log_create, log_delete, log_update, log_values, snapshot
from apps.core.merging import (
    MergeError,
    MergePolicy,
    Merger,
    Relation,
    UndoRefused,
    Unmerger,
    creation_stamps,
    relations_to,
)
from apps.core.models import Job, MergeRecord

from . import keystore
from .models import Address, AddressType, Party
from .services import ADDRESS_FIELDS

# Never copied onto the target: identity, bookkeeping and consent (given per party, with stamps).
NOT_FILLED = {
    "id",
    "uuid",
    "created",
    "updated",
    "kind",
    "name_day_month",
    "name_day_day",
    "direct_marketing_consent",
    "direct_marketing_consent_set_at",
    "direct_marketing_consent_set_by",
    "affiliate_marketing_consent",
    "affiliate_marketing_consent_set_at",
    "affiliate_marketing_consent_set_by",
}
ADDRESS_CONTENT = sorted(ADDRESS_FIELDS - {"is_active", "country"})


class _DryRun(Exception):
    pass


def fillable_fields(party: Party) -> list[str]:
    fields = [
        f.name
        for f in Party._meta.concrete_fields
        if f.name not in NOT_FILLED and f.editable and not isinstance(f, models.BooleanField)
    ]
    if party.is_person:
        fields.remove("name")  # derived from the person's names on save
    return fields


# --- Per-model hooks ----------------------------------------------------------------------------


def _address_caps(merger: Merger, relation: Relation) -> None:
    """No party holds more addresses of a type than the type's `max_amount`."""
    target, source = merger.target, merger.source
    counts = {
        (row["party"], row["address_type"]): row["n"]
        for row in Address.objects.filter(party__in=[target, source])
        .values("party", "address_type")
        .annotate(n=Count("id"))
    }
    source_types = {t for (party, t) in counts if party == source.pk}
    if not source_types:
        return
    for address_type in AddressType.objects.filter(pk__in=source_types).order_by("pk"):
        free = max(address_type.max_amount - counts.get((target.pk, address_type.pk), 0), 0)
        mine = list(
            Address.objects.filter(party=source, address_type=address_type).order_by("-is_default", "id")
        )
        extra = mine[free:]
        if not extra:
            continue
        blank = [
            a
            for a in Address.objects.filter(party=target, address_type=address_type).order_by(
                "-is_default", "id"
            )
            if not any(getattr(a, name) not in (None, "") for name in ADDRESS_CONTENT)
        ]
        kept = (
            Address.objects.filter(party=target, address_type=address_type)
            .order_by("-is_default", "id")
            .first()
        )
        winners = {address.pk: kept.pk if kept else None for address in extra}
        for address, empty in zip(extra, blank, strict=False):
            before = snapshot(empty)
            for name in [*ADDRESS_CONTENT, "country"]:
                setattr(empty, name, getattr(address, name))
            if empty.is_default and address.is_default:  # the main address, with its kind
                empty.main_kind = address.main_kind
            empty.save()
            log_update(merger.actor, empty, before, parent=target)
            merger.filled.setdefault("addresses", []).append({"id": empty.pk, "from": address.pk})
            winners[address.pk] = empty.pk
        merger.drop(
            relation,
            Address.objects.filter(pk__in=list(winners)),
            f"the target holds its {address_type.max_amount} {address_type} address(es)",
            winner=lambda row, winners=winners: winners[row.pk],
        )


def _duplicates(*columns, ignore_case=(), nulls=None):
    """Drop the source's rows equal to one of the target's on `columns` (`nulls`: a stand-in
    value per nullable column, so two empty values are equal)."""
    nulls = nulls or {}

    def hook(merger: Merger, relation: Relation) -> None:
        same = {(f"{c}__iexact" if c in ignore_case else c): OuterRef(c) for c in columns if c not in nulls}
        twin = merger.target_rows(relation).filter(**same)
        for column, stand_in in nulls.items():
            name = f"_merge_{column}"
            twin = twin.annotate(**{name: Coalesce(column, Value(stand_in))}).filter(
                **{name: Coalesce(OuterRef(column), Value(stand_in))}
            )
        twins = merger.source_rows(relation).annotate(_twin=Subquery(twin.values("pk")[:1]))
        merger.drop(
            relation,
            twins.filter(_twin__isnull=False),
            "the target has the same",
            winner=lambda row: row._twin,
        )

    return hook


POLICY = MergePolicy(
    relation_hooks={
        "parties.Address.party": _address_caps,
        "parties.EmailAddress.party": _duplicates("email", ignore_case=("email",)),
        "parties.Phone.party": _duplicates("kind", "number"),
        "parties.Membership.party": _duplicates(
            "combination", "start_date", "end_date", nulls={"end_date": datetime.date.max}
        ),
    }
)


# --- The service ------------------------------------------------------------------------------


def _pk(value) -> int:
    return value.pk if isinstance(value, Party) else int(value)


def check_mergeable(target: Party, source: Party) -> None:
    """The rules a merge checks before it moves anything (callers may check them up front)."""
    if target.pk == source.pk:
        raise MergeError("A party cannot be merged into itself.")
    if target.kind != source.kind:
        raise MergeError("Only two persons or two organisations can be merged.")


def _test_pause():
    """Test hook: settings.PARTIES_MERGE_TEST_PAUSE seconds of sleep halfway through a merge (the
    rows moved, nothing committed), so a test can kill the worker mid-merge. Zero elsewhere."""
    pause = getattr(settings, "PARTIES_MERGE_TEST_PAUSE", 0)
    if pause:
        time.sleep(pause)


def request_merge(actor, target, source) -> Job:
    """Queue the merge of `source` into `target` as a job, run by `merge_parties_task` once this
    transaction commits. Eagerly (the embedded default) it has run when this returns, and a merge
    refused raises here."""
    from .tasks import merge_parties_task

    actor_id = actor.pk if getattr(actor, "is_authenticated", False) else None
    return jobs.enqueue(merge_parties_task, _pk(target), _pk(source), actor_id)


def merge_parties(actor, target, source, *, dry_run: bool = False) -> MergeRecord:
    """Merge `source` into `target` (Party instances or ids). Returns the merge record; a repeat
    of a merge already done returns the earlier record with `repeated` set. With `dry_run`, the
    merge runs and is rolled back: the unsaved record shows what it would do (the admin preview).
    Raises MergeError (a ValidationError) when the merge must not happen; Party.DoesNotExist for an
    unknown party."""
    target_id, source_id = _pk(target), _pk(source)
    if target_id == source_id:
        raise MergeError("A party cannot be merged into itself.")
    try:
        with transaction.atomic():
            record = _merge(actor, target_id, source_id)
            if dry_run:
                raise _DryRun
    except _DryRun:
        if not record.repeated:
            record.pk = None
    record.dry_run = dry_run
    return record


def _merge(actor, target_id: int, source_id: int) -> MergeRecord:
    locked = {
        p.pk: p
        for p in Party.objects.select_for_update().filter(pk__in=[target_id, source_id]).order_by("pk")
    }
    content_type = ContentType.objects.get_for_model(Party)
    if source_id not in locked:
        earlier = MergeRecord.objects.filter(
            content_type=content_type, source_id=source_id, undone_at__isnull=True
        ).first()
        if earlier is not None and earlier.target_id == target_id:
            earlier.repeated = True
            return earlier
        if earlier is not None:
            raise MergeError(f"Party #{source_id} was merged into #{earlier.target_id}.")
        raise Party.DoesNotExist(f"No party #{source_id}.")
    if target_id not in locked:
        raise Party.DoesNotExist(f"No party #{target_id}.")
    target, source = locked[target_id], locked[source_id]
    check_mergeable(target, source)

    merger = Merger(actor, target, source, POLICY)
    merger.move_all()
    _test_pause()
    return _finish(merger, content_type)


def _finish(merger: Merger, content_type) -> MergeRecord:
    """Fill the target's blanks, remove the source and write the record."""
    actor, target, source = merger.actor, merger.target, merger.source
    target.refresh_from_db()  # the moves may have changed both rows (self-relations)
    source.refresh_from_db()
    before = snapshot(target)
    filled = merger.fill_blanks(target, source, fillable_fields(target))
    if filled:
        target.save(update_fields=[*_names(filled), "updated"])
        log_update(actor, target, before)
    else:
        target.touch()  # its child rows changed
    merger.filled.update({k: v for k, v in snapshot(target).items() if k in filled})
    source_before = snapshot(source)
    source_repr = str(source)[:200]
    log_delete(actor, source, before=source_before)
    _, removed = source.delete()
    lost = {label: n for label, n in removed.items() if label != Party._meta.label and n}
    if lost:  # a row added while the merge ran, or a relation the registry did not show
        raise MergeError(f"Removing the source would also remove {lost}; nothing was merged.")
    user = actor if getattr(actor, "is_authenticated", False) else None
    record = MergeRecord.objects.create(
        user=user,
        user_name=user.get_username() if user else "",
        content_type=content_type,
        target_id=target.pk,
        target_repr=str(target)[:200],
        source_id=source_before["id"],
        source_repr=source_repr,
        source={**source_before, **creation_stamps(source)},  # undo restores the creation stamp too
        moved=merger.moved,
        demoted=merger.demoted,
        dropped=merger.dropped,
        filled=merger.filled,
    )
    log_values(actor, target, {}, {"merged": source_before["id"], "merge_record": record.pk})
    record.repeated = False
    return record


def _names(attnames) -> list[str]:
    by_attname = {f.attname: f.name for f in Party._meta.concrete_fields}
    return [by_attname[a] for a in attnames]


def discovered_relations() -> list[str]:
    """The labels of every relation a party merge moves (for tests and the admin)."""
    return [r.label for r in relations_to(Party)]


# --- Undo ---------------------------------------------------------------------------------------


def _filled_addresses(record: MergeRecord) -> list[tuple[Address | None, dict]]:
    """The target's blank addresses that took a dropped address's content: (address, content)."""
    dropped = {e["id"]: e["row"] for e in record.dropped if e["model"] == Address._meta.label}
    taken = record.filled.get("addresses", [])
    current = Address.objects.in_bulk([entry["id"] for entry in taken])
    return [(current.get(entry["id"]), dropped[entry["from"]]) for entry in taken]


def undo_merge(actor, record) -> MergeRecord:
    """Undo a merge (a MergeRecord or its id). Raises UndoRefused (a ValidationError) naming every
    conflict; a second undo of the same merge returns the record with `repeated` set."""
    with transaction.atomic():
        record = MergeRecord.objects.select_for_update().get(pk=getattr(record, "pk", record))
        record.repeated = record.undone_at is not None
        if record.repeated:
            return record
        if record.time < timezone.now() - datetime.timedelta(days=settings.MERGE_UNDO_DAYS):
            raise UndoRefused(f"Merges can be undone for {settings.MERGE_UNDO_DAYS} days; this one is older.")
        target = Party.objects.select_for_update().filter(pk=record.target_id).first()
        if target is None:
            raise UndoRefused(f"The target #{record.target_id} no longer exists.")
        unmerger = Unmerger(record, Party, target)
        problems = unmerger.check()
        addresses = _filled_addresses(record)
        for address, content in addresses:
            now = snapshot(address) if address is not None else {}
            if address is None or any(now.get(name) != content.get(name) for name in ADDRESS_CONTENT):
                problems.append("An address the target took from the source changed since the merge.")
        if problems:
            raise UndoRefused(problems)

        source = unmerger.restore_source()
        unmerger.restore_dropped()
        unmerger.move_back()
        unmerger.promote_back()
        for address, _ in addresses:
            before = snapshot(address)
            for name in ADDRESS_CONTENT:
                setattr(address, name, None if Address._meta.get_field(name).null else "")
            address.save()
            log_update(actor, address, before, parent=target)
        before = snapshot(target)
        emptied = unmerger.empty_filled()
        if emptied:
            target.save(update_fields=[*emptied, "updated"])
            log_update(actor, target, before)
        else:
            target.touch()
        keystore.refresh_keys([source.pk])  # snapshots leave the derived match keys out
        log_create(actor, source)
        log_values(actor, target, {"merged": record.source_id}, {"unmerged": record.source_id})
        record.undone_at = timezone.now()
        record.undone_by = actor if getattr(actor, "is_authenticated", False) else None
        record.save(update_fields=["undone_at", "undone_by"])
    return record
