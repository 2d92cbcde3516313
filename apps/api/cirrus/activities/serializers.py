"""Activities (spec part 1 §3.2, §4.3): request bodies, their translation to the CRM activity
services' fields, and the Activity, ActivityType, ActivityTypeQuestion and ProgressionState shapes.

A Cirrus activity is a sales.Activity, the same row Peepl and CRM.COM show. `description` is its
description (else its name; writing it sets both, the name being its first line), `date`,
`starttime` and `stoptime` are the local day and times of its `start` and `end` (`start`/`stop`
the same moments in UTC), `closed` is "no longer pending" (closing completes it),
`primarycontact` its contact, `userid` its owner, `invitedcontacts` its attendance, `answers`
its answers to its type's questions, `contactattempts` its contact attempts.
"""

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone
from rest_framework import serializers

from apps.core.models import Tag
from apps.parties.models import Party
from apps.sales.models import (
    Activity,
    ActivityPriority,
    ActivityType,
    ActivityTypeQuestion,
    Opportunity,
    ProgressionState,
)

from .. import fragments as f
from ..coordinates import CoordinateSerializer
from ..fragments import ORGANISATIONS, PERSONS
from ..toolkit.fields import (
    CirrusSerializer,
    DateIn,
    DateTimeIn,
    FieldMap,
    Flag,
    IdObjectsField,
    Int,
    RefField,
    RefObjectField,
    Str,
    TimeIn,
)
from ..toolkit.presenters import flag, local_date, local_time, text, utc

User = get_user_model()
ACTIVITY_STATES = ProgressionState.objects.filter(applies_to=ProgressionState.AppliesTo.ACTIVITY)

# --- Requests ---------------------------------------------------------------------------------


class ReminderIn(CirrusSerializer):
    text = Str(max_length=255)
    min = Int(min_value=0, max_value=2**31 - 1, help_text="Minutes before the start.")
    done = Flag()


class AnswerIn(CirrusSerializer):
    questionid = RefField(
        ActivityTypeQuestion.objects.all(), what="question", required=True, allow_null=False
    )
    answer = Str(help_text="The answer (OQ-14).")


class AttemptIn(CirrusSerializer):
    note = Str()


class ActivityChangesIn(CirrusSerializer):
    """What O17 and O28 share."""

    closed = Flag(allow_null=False)
    date = DateIn()
    description = Str(max_length=10000)
    location = Str(max_length=255)
    result = Str()
    starttime = TimeIn()
    stoptime = TimeIn()
    primarycontact = RefObjectField(PERSONS, what="contact", allow_null=False)
    invitedusers = IdObjectsField(User.objects.all(), what="user")
    invitedcontacts = IdObjectsField(PERSONS, what="contact")
    answers = serializers.ListField(child=AnswerIn(), required=False)
    tags = IdObjectsField(Tag.objects.all(), what="tag")


class ActivityIn(ActivityChangesIn):
    """O17: the Activity model, the doc's required fields required."""

    accountid = RefField(ORGANISATIONS, what="account", required=True, allow_null=False)
    description = Str(required=True, max_length=10000)
    location = Str(required=True, max_length=255)
    result = Str(required=True)
    primarycontact = RefObjectField(PERSONS, what="contact", required=True, allow_null=False)
    type = RefObjectField(ActivityType.objects.all(), what="activity type", required=True, allow_null=False)
    userid = RefField(User.objects.all(), what="user", required=True, allow_null=False)
    contactattempts = serializers.ListField(child=AttemptIn(), required=False)
    extrasexternalid = Int()
    priority = RefObjectField(ActivityPriority.objects.all(), what="priority")
    progressionstate = RefObjectField(ACTIVITY_STATES, what="progression state")
    opportunity = RefObjectField(Opportunity.objects.all(), what="opportunity")
    reminder = ReminderIn(required=False, allow_null=True)
    start = DateTimeIn()
    stop = DateTimeIn()
    externalkey = Str(max_length=100)


class ActivityUpdateIn(ActivityChangesIn):
    """O28: all optional; `user.id` (the owner) wins over `userid`; the account stays."""

    typeid = RefField(ActivityType.objects.all(), what="activity type")
    opportunityid = RefField(Opportunity.objects.all(), what="opportunity")
    userid = RefField(User.objects.all(), what="user")
    user = RefObjectField(User.objects.all(), what="user")


# doc field -> services_crm field, for the values that pass as they are
ACTIVITY = FieldMap(
    accountid="account",
    location="location",
    result="result",
    primarycontact="contact",
    type="activity_type",
    typeid="activity_type",
    userid="owner",
    priority="priority",
    progressionstate="progression_state",
    opportunity="opportunity",
    opportunityid="opportunity",
    externalkey="external_key",
    extrasexternalid="extras_external_id",
)
ACTIVITY_ERRORS = {
    **ACTIVITY.errors,
    "activity_type": "type",
    "opportunity": "opportunity",
    "name": "description",
    "description": "description",
    "start": "date",
    "end": "stoptime",
    "state": "closed",
    "reminder_minutes": "reminder.min",
    "reminder_text": "reminder.text",
}


def _local(day: datetime.date, time: datetime.time) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, time))


def schedule(data: dict, activity: Activity | None = None) -> dict:
    """`start` and `end` from the doc's date, starttime and stoptime (which win, OQ-16) and, on
    create, start and stop. A new date moves the end with the start; an end without a time stays
    where it was."""
    keys = ("date", "starttime", "stoptime", "start", "stop")
    if activity is not None and not any(key in data for key in keys):
        return {}
    start = data.get("start") or (activity.start if activity else None)
    end = data.get("stop", activity.end if activity else None)
    was = timezone.localtime(start) if start else None
    day = data.get("date") or (was.date() if was else timezone.localdate())
    new_start = _local(day, data.get("starttime") or (was.time() if was else datetime.time()))
    if data.get("stoptime") is not None:
        end = _local(day, data["stoptime"])
    elif "stoptime" in data:
        end = None
    elif end is not None and was is not None and "stop" not in data:
        end += datetime.timedelta(days=(day - was.date()).days)
    return {"start": new_start, "end": end}


def activity_changes(data: dict, activity: Activity | None = None) -> dict:
    """Validated ActivityIn/ActivityUpdateIn data as keyword arguments of
    services_crm.create_crm_activity/update_crm_activity."""
    changes = ACTIVITY.changes(data)
    if data.get("user") is not None:
        changes["owner"] = data["user"]
    if "description" in data:
        lines = data["description"].strip().splitlines()
        changes["name"] = (lines[0] if lines else "")[:255]
        changes["description"] = data["description"]
    changes.update(schedule(data, activity))
    if "closed" in data:
        pending = Activity.State.PENDING
        if not data["closed"]:
            changes["state"] = pending
        elif activity is None or activity.state == pending:
            changes["state"] = Activity.State.COMPLETED
    if "reminder" in data:
        reminder = data["reminder"] or {}
        changes["reminder_minutes"] = reminder.get("min")
        changes["reminder_text"] = reminder.get("text") or ""
        changes["reminder_done"] = bool(reminder.get("done"))
    for name, field in (
        ("tags", "tags"),
        ("invitedusers", "invited_users"),
        ("invitedcontacts", "invited_contacts"),
    ):
        if name in data:
            changes[field] = data[name] or []
    if "answers" in data:
        changes["answers"] = {row["questionid"]: row.get("answer") or "" for row in data["answers"] or []}
    if data.get("contactattempts"):
        changes["attempt_notes"] = [row.get("note") or "" for row in data["contactattempts"]]
    return changes


class ActivityTypeIn(CirrusSerializer):
    """O20 (`name` required, OQ-7) and O23 (all optional)."""

    name = Str(required=True, allow_blank=False, max_length=100)
    value = Int(min_value=-(2**31), max_value=2**31 - 1)
    icon = Int(min_value=-(2**31), max_value=2**31 - 1)
    sortorder = Int(min_value=0, max_value=2**31 - 1, allow_null=False)
    default = Flag(allow_null=False)
    quick = Flag(allow_null=False)
    defaultdescription = Str()
    defaultresult = Str()
    userfollowups = Int(min_value=-(2**31), max_value=2**31 - 1)
    alternateuserfollowups = Int(min_value=-(2**31), max_value=2**31 - 1)


ACTIVITY_TYPES = FieldMap(
    name="name",
    value="value",
    icon="icon",
    sortorder="sort_order",
    default="is_default",
    quick="is_quick",
    defaultdescription="default_description",
    defaultresult="default_result",
    userfollowups="user_followups",
    alternateuserfollowups="alternate_user_followups",
)


# --- Responses --------------------------------------------------------------------------------


def primary_contact(person: Party | None) -> dict | None:
    brief = f.listed_contact(person)
    if brief is None:
        return None
    keys = ("id", "name", "surname", "email", "cellphone", "title")
    return {**{key: brief[key] for key in keys}, "phone": brief["officephone"]}


class AttemptSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    note = f.nullable()
    timestamp = f.nullable(help_text="ISO 8601, UTC.")
    user = f.ListedUserSerializer(allow_null=True)


class PrioritySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    description = f.nullable()


class ReminderSerializer(serializers.Serializer):
    text = f.nullable()
    min = serializers.IntegerField(allow_null=True)
    done = serializers.IntegerField()


class AnswerSerializer(serializers.Serializer):
    questionid = serializers.IntegerField()
    answer = f.nullable()


def reminder(activity: Activity) -> dict | None:
    if not activity.has_reminder:
        return None
    return {
        "text": text(activity.reminder_text),
        "min": activity.reminder_minutes,
        "done": flag(activity.reminder_done),
    }


class ActivitySerializer(serializers.Serializer):
    """Activity (§4.3): every key always present, null when unset."""

    id = serializers.IntegerField()
    account = f.ListedAccountSerializer(allow_null=True)
    accountid = serializers.IntegerField(allow_null=True)
    closed = serializers.IntegerField(help_text="1 when no longer pending.")
    contactattempts = AttemptSerializer(many=True)
    description = f.nullable()
    date = f.nullable(help_text="YYYY-MM-DD")
    extrasexternalid = serializers.IntegerField(allow_null=True)
    files = f.ListedFileSerializer(many=True)
    followers = f.ListedUserSerializer(many=True)
    invitedusers = f.ListedUserSerializer(many=True)
    invitedcontacts = f.ListedContactSerializer(many=True)
    location = f.nullable()
    primarycontact = f.ContactSummarySerializer(allow_null=True)
    priority = PrioritySerializer(allow_null=True)
    progressionstate = f.IdNameSerializer(allow_null=True)
    opportunity = f.ListedOpportunitySerializer(allow_null=True)
    reminder = ReminderSerializer(allow_null=True)
    start = f.nullable(help_text="ISO 8601, UTC.")
    starttime = f.nullable(help_text="HH:MM")
    stop = f.nullable(help_text="ISO 8601, UTC.")
    stoptime = f.nullable(help_text="HH:MM")
    result = f.nullable()
    type = f.IdNameSerializer(allow_null=True)
    user = f.ListedUserSerializer(many=True, help_text="The owner, as a one-element array (OQ-15).")
    userid = serializers.IntegerField(allow_null=True)
    answers = AnswerSerializer(many=True)
    externalkey = f.nullable()
    tags = f.TagSerializer(many=True)

    def to_representation(self, activity):
        nearto = self.context.get("nearto")
        account = activity.account if activity.account_id and not activity.account.is_person else None
        return {
            "id": activity.pk,
            "account": f.listed_account(account, nearto),
            "accountid": activity.account_id,
            "closed": flag(activity.closed),
            "contactattempts": [
                {
                    "id": row.pk,
                    "note": text(row.note),
                    "timestamp": utc(row.time),
                    "user": f.listed_user(row.user),
                }
                for row in activity.contact_attempts.all()
            ],
            "description": f.activity_description(activity),
            "date": local_date(activity.start),
            "extrasexternalid": activity.extras_external_id,
            "files": f.listed_files(activity.files.all()),
            "followers": [f.listed_user(user) for user in activity.followers.all()],
            "invitedusers": [f.listed_user(user) for user in activity.invited_users.all()],
            "invitedcontacts": [f.listed_contact(row.party) for row in activity.attendances.all()],
            "location": text(activity.location),
            "primarycontact": primary_contact(activity.contact if activity.contact_id else None),
            "priority": f.id_name(activity.priority, key="description"),
            "progressionstate": f.id_name(activity.progression_state),
            "opportunity": f.listed_opportunity(activity.opportunity, nearto),
            "reminder": reminder(activity),
            "start": utc(activity.start),
            "starttime": local_time(activity.start),
            "stop": utc(activity.end),
            "stoptime": local_time(activity.end),
            "result": text(activity.result),
            "type": f.id_name(activity.activity_type),
            "user": [f.listed_user(activity.owner)] if activity.owner_id else [],
            "userid": activity.owner_id,
            "answers": [
                {"questionid": row.question_id, "answer": text(row.answer)} for row in activity.answers.all()
            ],
            "externalkey": text(activity.external_key),
            "tags": [f.tag(row, "activity") for row in activity.tags.all()],
        }


class ActivityCoordinateSerializer(CoordinateSerializer):
    id_key = "activityid"
    activityid = serializers.IntegerField()


class ActivityTypeSerializer(serializers.Serializer):
    """ActivityType (§4.3)."""

    id = serializers.IntegerField()
    name = serializers.CharField()
    value = serializers.IntegerField(allow_null=True)
    icon = serializers.IntegerField(allow_null=True)
    sortorder = serializers.IntegerField()
    default = serializers.IntegerField()
    quick = serializers.IntegerField()
    defaultdescription = f.nullable()
    defaultresult = f.nullable()
    userfollowups = serializers.IntegerField(allow_null=True)
    alternateuserfollowups = serializers.IntegerField(allow_null=True)

    def to_representation(self, row):
        return {
            "id": row.pk,
            "name": row.name,
            "value": row.value,
            "icon": row.icon,
            "sortorder": row.sort_order,
            "default": flag(row.is_default),
            "quick": flag(row.is_quick),
            "defaultdescription": text(row.default_description),
            "defaultresult": text(row.default_result),
            "userfollowups": row.user_followups,
            "alternateuserfollowups": row.alternate_user_followups,
        }


class QuestionSerializer(serializers.Serializer):
    """ActivityTypeQuestion (§4.3)."""

    id = serializers.IntegerField()
    question = serializers.CharField()
    activitytypeid = serializers.IntegerField()
    sortorder = serializers.IntegerField()

    def to_representation(self, row):
        return {
            "id": row.pk,
            "question": row.question,
            "activitytypeid": row.activity_type_id,
            "sortorder": row.sort_order,
        }
