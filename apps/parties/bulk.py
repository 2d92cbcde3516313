"""Bulk changes on many parties at once (the back office's list actions): tag, untag, add to a
group (a membership), add to / remove from a static segment, assign the responsible user, set
marketing consent. Every change goes through the parties services, so each party's change is
validated and written to the change log.

`run(actor, operation, ids, params)` applies one operation; each party is its own transaction
and every operation is idempotent (a tag already there, a membership already held, a consent
already given change nothing), so a background run that starts again after dying halfway only
finishes the rest. Above `INLINE_LIMIT` parties the admin enqueues `bulk_parties_task` (an
outbox Job) and shows its progress (the job's `result` while it runs)."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction

from apps.core.models import Job, Tag

from . import services
from .models import Combination, Membership, Party, Segment

INLINE_LIMIT = 200
BATCH = 500
OPERATIONS = {
    "tag": "Tag",
    "untag": "Remove tag",
    "add_to_group": "Add to group",
    "segment_add": "Add to static segment",
    "segment_remove": "Remove from static segment",
    "assign_responsible": "Assign responsible user",
    "set_consent": "Set marketing consent",
}


def _params(params: dict) -> dict:
    """JSON parameters (ids, ISO dates) to the objects the services take."""
    import datetime

    out = dict(params)
    if "tag" in params:
        out["tag"] = Tag.objects.get(pk=params["tag"])
    if "combination" in params:
        out["combination"] = Combination.objects.get(pk=params["combination"])
    if "segment" in params:
        out["segment"] = Segment.objects.get(pk=params["segment"])
    if "user" in params:
        out["user"] = get_user_model().objects.get(pk=params["user"]) if params["user"] else None
    if "start_date" in params:
        out["start_date"] = datetime.date.fromisoformat(params["start_date"])
    return out


def _apply(actor, operation: str, party: Party, p: dict) -> bool:
    """Apply to one party; True when it changed."""
    if operation in ("tag", "untag"):
        tags = set(party.tags.all())
        wanted = tags | {p["tag"]} if operation == "tag" else tags - {p["tag"]}
        if wanted == tags:
            return False
        services.set_tags(actor, party, list(wanted))
        return True
    if operation == "add_to_group":
        if Membership.objects.filter(
            party=party, combination=p["combination"], start_date=p["start_date"]
        ).exists():
            return False
        services.add_membership(actor, party, combination=p["combination"], start_date=p["start_date"])
        return True
    if operation == "assign_responsible":
        if party.responsible_user_id == (p["user"].pk if p["user"] else None):
            return False
        services.update_party(actor, party, responsible_user=p["user"])
        return True
    if operation == "set_consent":
        field, value = p["consent"], bool(p["value"])
        if field not in services.CONSENT_FIELDS:
            raise ValidationError(f"Unknown consent {field}.")
        if getattr(party, field) == value:
            return False
        services.update_party(actor, party, **{field: value})
        return True
    raise ValidationError(f"Unknown operation {operation}.")


def _segment(actor, operation: str, ids: list[int], p: dict) -> int:
    segment = p["segment"]
    with transaction.atomic():
        current = set(segment.static_members.values_list("pk", flat=True))
        if operation == "segment_add":
            kind_ok = set(
                Party.objects.filter(pk__in=ids, kind=segment.applies_to).values_list("pk", flat=True)
            )
            wanted = current | kind_ok
        else:
            wanted = current - set(ids)
        if wanted == current:
            return 0
        services.set_segment_members(actor, segment, Party.objects.filter(pk__in=wanted))
        return len(wanted ^ current)


def run(actor, operation: str, ids: list[int], params: dict, progress=None) -> dict:
    """Apply `operation` to the parties `ids`: {"total", "changed", "failed", "errors"}."""
    if operation not in OPERATIONS:
        raise ValidationError(f"Unknown operation {operation}.")
    p = _params(params)
    ids = sorted(set(ids))
    if operation in ("segment_add", "segment_remove"):
        changed = _segment(actor, operation, ids, p)
        return {"total": len(ids), "done": len(ids), "changed": changed, "failed": 0, "errors": []}
    changed = failed = done = 0
    errors = []
    for start in range(0, len(ids), BATCH):
        chunk = Party.objects.filter(pk__in=ids[start : start + BATCH]).prefetch_related("tags")
        for party in chunk:
            try:
                with transaction.atomic():
                    changed += _apply(actor, operation, party, p)
            except ValidationError as error:
                failed += 1
                if len(errors) < 20:
                    errors.append(f"{party}: {' '.join(error.messages)}")
        done = min(start + BATCH, len(ids))
        if progress:
            progress({"total": len(ids), "done": done, "changed": changed, "failed": failed})
    return {"total": len(ids), "done": done, "changed": changed, "failed": failed, "errors": errors}


def report_progress(job_uuid):
    """A progress callback writing the running job's `result` (what the jobs screen shows)."""

    def write(state: dict) -> None:
        Job.objects.filter(uuid=job_uuid, state=Job.State.RUNNING).update(result=state)

    return write
