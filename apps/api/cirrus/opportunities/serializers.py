"""Opportunities and their lookups (spec part 1 §3.10, §4.11): request bodies, their translation
to services_pipeline's fields, and the shapes.

A Cirrus opportunity is a sales.Opportunity: `userid` is its owner (the responsible user),
`estimatedenddate` when it should close, `enddate` when it did (kept, not shown: the `actual_*`
filters read it), `reguser`/`regdate` who registered it and when, `changeuser`/`changedate` the
last change. An estimate's `value` is its probability in per cent, as a string.
"""

from django.contrib.auth import get_user_model
from rest_framework import serializers

from apps.core.models import Tag
from apps.parties.models import Party
from apps.sales.models import (
    OpportunityEstimate,
    OpportunityReason,
    OpportunityState,
    OpportunityStatus,
    OpportunityType,
    Source,
)

from .. import fragments as f
from ..fragments import ORGANISATIONS
from ..toolkit.fields import CirrusSerializer, DateIn, FieldMap, Flag, IdObjectsField, NumberIn, RefField, Str
from ..toolkit.presenters import flag, local_date, number, text, utc

User = get_user_model()

# --- Requests ---------------------------------------------------------------------------------


class OpportunityIn(CirrusSerializer):
    """O91, and O102 with the same eight fields still required."""

    required_on_update = (
        "accountid",
        "contactid",
        "title",
        "description",
        "userid",
        "statusid",
        "estimatedenddate",
        "typeid",
    )
    accountid = RefField(ORGANISATIONS, what="account", required=True, allow_null=False)
    altaccountid = RefField(ORGANISATIONS, what="account")
    contactid = RefField(
        Party.objects.filter(kind=Party.Kind.PERSON), what="contact", required=True, allow_null=False
    )
    phone = Str(max_length=50)
    title = Str(required=True, max_length=255)
    description = Str(required=True)
    userid = RefField(User.objects.all(), what="user", required=True, allow_null=False)
    result = Str()
    value = NumberIn()
    altvalue = NumberIn(accept_string=True, help_text="A string or a number (OQ-22).")
    altvaluelabel = Str(max_length=100)
    statusid = RefField(OpportunityStatus.objects.all(), what="status", required=True, allow_null=False)
    estimatedenddate = DateIn(required=True, allow_null=False)
    lostreasonid = RefField(OpportunityReason.objects.filter(kind="lost"), what="lost reason")
    typeid = RefField(OpportunityType.objects.all(), what="opportunity type", required=True, allow_null=False)
    winreasonid = RefField(OpportunityReason.objects.filter(kind="won"), what="win reason")
    enddate = DateIn()
    stateid = RefField(OpportunityState.objects.all(), what="state")
    estimateid = RefField(OpportunityEstimate.objects.all(), what="estimate")
    sourceid = RefField(
        Source.objects.all(), what="source", accept_string=True, help_text="A string (OQ-22)."
    )
    closed = Flag(allow_null=False)
    tags = IdObjectsField(Tag.objects.all(), what="tag")


# doc field -> services_pipeline field
OPPORTUNITY = FieldMap(
    accountid="account",
    altaccountid="alt_account",
    contactid="contact",
    phone="phone",
    title="title",
    description="description",
    userid="owner",
    result="result",
    value="value",
    altvalue="alt_value",
    altvaluelabel="alt_value_label",
    statusid="status",
    estimatedenddate="estimated_end_date",
    lostreasonid="lost_reason",
    typeid="opportunity_type",
    winreasonid="win_reason",
    enddate="end_date",
    stateid="state",
    estimateid="estimate",
    sourceid="source",
    closed="closed",
    tags="tags",
)


# --- Lookups ----------------------------------------------------------------------------------


class EstimateSerializer(serializers.Serializer):
    """OpportunityEstimate (O93)."""

    id = serializers.IntegerField()
    description = f.nullable()
    sortorder = serializers.IntegerField()
    value = f.nullable(help_text="The probability in per cent.")
    visible = serializers.IntegerField()

    def to_representation(self, row):
        return {
            "id": row.pk,
            "description": text(row.name),
            "sortorder": row.sort_order,
            "value": str(row.probability),
            "visible": flag(row.visible),
        }


class ReasonSerializer(serializers.Serializer):
    """LostReason (O95) and WinReason (O101); OpportunityState shows its name as `state`."""

    name_key = "name"
    id = serializers.IntegerField()
    name = f.nullable()
    sortorder = serializers.IntegerField()

    def to_representation(self, row):
        return {"id": row.pk, self.name_key: text(row.name), "sortorder": row.sort_order}


class StateSerializer(ReasonSerializer):
    name_key = "state"
    name = None
    state = f.nullable()


class StatusSerializer(serializers.Serializer):
    """OpportunityStatus (O98)."""

    id = serializers.IntegerField()
    color = f.nullable()
    description = f.nullable()
    name = f.nullable()
    lost = serializers.IntegerField()
    opportunitytypeid = serializers.IntegerField()
    sortorder = serializers.IntegerField()
    sortorderplug = serializers.IntegerField()
    won = serializers.IntegerField()

    def to_representation(self, row):
        return {
            "id": row.pk,
            "color": text(row.colour),
            "description": text(row.description),
            "name": text(row.name),
            "lost": flag(row.lost),
            "opportunitytypeid": row.opportunity_type_id,
            "sortorder": row.sort_order,
            "sortorderplug": row.sort_order_plug,
            "won": flag(row.won),
        }


class TypeSerializer(serializers.Serializer):
    """OpportunityType (O99): `validstatuses` are the statuses of the type (OQ-1: an array)."""

    id = serializers.IntegerField()
    isdefault = serializers.IntegerField()
    name = f.nullable()
    sortorder = serializers.IntegerField()
    validstatuses = StatusSerializer(many=True)

    def to_representation(self, row):
        status = StatusSerializer()
        return {
            "id": row.pk,
            "isdefault": flag(row.is_default),
            "name": text(row.name),
            "sortorder": row.sort_order,
            "validstatuses": [status.to_representation(s) for s in row.statuses.all()],
        }


def present(serializer_class, row) -> dict | None:
    return None if row is None else serializer_class().to_representation(row)


# --- The opportunity --------------------------------------------------------------------------


class OpportunitySerializer(serializers.Serializer):
    """Opportunity (§4.11): every key always present, null when unset."""

    id = serializers.IntegerField()
    account = f.ListedAccountSerializer(allow_null=True)
    accountid = serializers.IntegerField()
    altaccount = f.ListedAccountSerializer(allow_null=True)
    altaccountid = serializers.IntegerField(allow_null=True)
    altvalue = serializers.FloatField(allow_null=True)
    altvaluelabel = f.nullable()
    changedate = f.nullable(help_text="ISO 8601, UTC.")
    changeuserid = serializers.IntegerField(allow_null=True)
    changeuser = f.ListedUserSerializer(allow_null=True)
    closed = serializers.IntegerField()
    contact = f.ListedContactSerializer(allow_null=True)
    contactid = serializers.IntegerField()
    description = f.nullable()
    estimate = EstimateSerializer(allow_null=True)
    estimatedenddate = f.nullable(help_text="YYYY-MM-DD")
    files = f.ListedFileSerializer(
        many=True, help_text="Always empty: files do not link to opportunities yet."
    )
    followers = f.ListedUserSerializer(many=True)
    lostreason = ReasonSerializer(allow_null=True)
    lostreasonid = serializers.IntegerField(allow_null=True)
    phone = f.nullable()
    progressionstate = f.IdNameSerializer(allow_null=True)
    regdate = f.nullable(help_text="ISO 8601, UTC.")
    reguser = f.ListedUserSerializer(allow_null=True)
    reguserid = serializers.IntegerField(allow_null=True)
    result = f.nullable()
    source = f.SourceSerializer(allow_null=True)
    sourceid = serializers.IntegerField(allow_null=True)
    state = StateSerializer(allow_null=True)
    stateid = serializers.IntegerField(allow_null=True)
    status = StatusSerializer()
    statusid = serializers.IntegerField()
    title = f.nullable()
    type = TypeSerializer()
    typeid = serializers.IntegerField()
    user = f.ListedUserSerializer(allow_null=True)
    userid = serializers.IntegerField(allow_null=True)
    value = serializers.FloatField(allow_null=True)
    businessarea = serializers.JSONField(allow_null=True, help_text="Always null: no business areas here.")
    winreason = ReasonSerializer(allow_null=True)
    winreasonid = serializers.IntegerField(allow_null=True)
    tags = f.TagSerializer(many=True)

    def to_representation(self, row):
        nearto = self.context.get("nearto")
        return {
            "id": row.pk,
            "account": f.listed_account(row.account, nearto),
            "accountid": row.account_id,
            "altaccount": f.listed_account(row.alt_account, nearto),
            "altaccountid": row.alt_account_id,
            "altvalue": number(row.alt_value),
            "altvaluelabel": text(row.alt_value_label),
            "changedate": utc(row.updated),
            "changeuserid": row.changed_by_id,
            "changeuser": f.listed_user(row.changed_by),
            "closed": flag(row.closed),
            "contact": f.listed_contact(row.contact),
            "contactid": row.contact_id,
            "description": text(row.description),
            "estimate": present(EstimateSerializer, row.estimate),
            "estimatedenddate": local_date(row.estimated_end_date),
            "files": [],
            "followers": [f.listed_user(user) for user in row.followers.all()],
            "lostreason": present(ReasonSerializer, row.lost_reason),
            "lostreasonid": row.lost_reason_id,
            "phone": text(row.phone),
            "progressionstate": f.id_name(row.progression_state),
            "regdate": utc(row.created),
            "reguser": f.listed_user(row.created_by),
            "reguserid": row.created_by_id,
            "result": text(row.result),
            "source": f.source(row.source),
            "sourceid": row.source_id,
            "state": present(StateSerializer, row.state),
            "stateid": row.state_id,
            "status": present(StatusSerializer, row.status),
            "statusid": row.status_id,
            "title": text(row.title),
            "type": present(TypeSerializer, row.opportunity_type),
            "typeid": row.opportunity_type_id,
            "user": f.listed_user(row.owner),
            "userid": row.owner_id,
            "value": number(row.value),
            "businessarea": None,
            "winreason": present(ReasonSerializer, row.win_reason),
            "winreasonid": row.win_reason_id,
            "tags": [f.tag(tag, "opportunity") for tag in row.tags.all()],
        }
