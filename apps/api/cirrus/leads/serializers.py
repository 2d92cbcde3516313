"""Leads, lead activities (spec part 1 §3.9, §4.10) and lead statuses (part 2 §2.21, §3.25):
request bodies, their translation to services_pipeline's fields, and the shapes.

A Cirrus lead is a sales.Lead: the `contact*` fields are its prospect's (`contactname` the first
name, `contactzip` the postal code, `contactcellphone` the mobile...), `user` its owner. A lead
activity's `user` is its owner too, `followup` when to follow up.
"""

from django.contrib.auth import get_user_model
from rest_framework import serializers

from apps.core.models import Tag
from apps.sales.models import Lead, LeadActivityType, LeadStatus, Source

from .. import fragments as f
from ..toolkit.fields import (
    INT32,
    CirrusSerializer,
    DateTimeIn,
    FieldMap,
    Flag,
    IdObjectsField,
    Int,
    NumberIn,
    RefField,
    RefObjectField,
    Str,
)
from ..toolkit.presenters import flag, number, text, utc

User = get_user_model()

# --- Requests ---------------------------------------------------------------------------------

# doc field -> Lead field
PROSPECT = FieldMap(
    contacttitle="prospect_title",
    contactname="prospect_first_name",
    contactsurname="prospect_last_name",
    contactcompany="prospect_company",
    contactstreet="prospect_street",
    contactcity="prospect_city",
    contactzip="prospect_postal_code",
    contactphone="prospect_phone",
    contactcellphone="prospect_mobile",
    contactemail="prospect_email",
    contactvatno="prospect_vat_number",
)
LEAD = FieldMap(
    **PROSPECT,
    value="value",
    title="title",
    description="description",
    rating="rating",
    user="owner",
    source="source",
    status="status",
    tags="tags",
)


class LeadIn(CirrusSerializer):
    """O87 and O89: no field is required."""

    contacttitle = Str(max_length=100)
    contactname = Str(max_length=100)
    contactsurname = Str(max_length=100)
    contactcompany = Str(max_length=255)
    contactstreet = Str(max_length=200)
    contactcity = Str(max_length=100)
    contactzip = Str(max_length=20)
    contactphone = Str(max_length=50)
    contactcellphone = Str(max_length=50)
    contactemail = Str(max_length=254)
    contactvatno = Str(max_length=50)
    value = NumberIn()
    title = Str(max_length=255)
    description = Str()
    rating = Int(**INT32)
    user = RefObjectField(User.objects.all(), what="user")
    source = RefObjectField(Source.objects.all(), what="source")
    status = RefObjectField(LeadStatus.objects.all(), what="lead status")
    tags = IdObjectsField(Tag.objects.all(), what="tag")


class LeadActivityIn(CirrusSerializer):
    """O85: `comment` and `done` required, the lead stays (`lead` ignored)."""

    required_on_update = ("comment", "done")
    type = RefObjectField(LeadActivityType.objects.all(), what="lead activity type")
    comment = Str(required=True)
    user = RefObjectField(User.objects.all(), what="user")
    followup = DateTimeIn()
    done = Flag(required=True, allow_null=False)


class NewLeadActivityIn(LeadActivityIn):
    """O83: the lead by `lead.id` or `leadid` (OQ-17)."""

    lead = RefObjectField(Lead.objects.all(), what="lead", allow_null=False)
    leadid = RefField(Lead.objects.all(), what="lead", allow_null=False)

    def validate(self, attrs):
        if attrs.get("lead") is None and attrs.get("leadid") is None:
            raise serializers.ValidationError({"lead": "'lead' is a required property"})
        return attrs


LEAD_ACTIVITY = FieldMap(
    type="activity_type", comment="comment", user="owner", followup="followup", done="done"
)


def lead_activity_changes(data: dict) -> dict:
    changes = LEAD_ACTIVITY.changes(data)
    if data.get("lead") or data.get("leadid"):
        changes["lead"] = data.get("lead") or data["leadid"]
    return changes


class LeadStatusIn(CirrusSerializer):
    """P2-123 and P2-125: `name` and `sortorder` required on both."""

    required_on_update = ("name", "sortorder")
    name = Str(required=True, allow_blank=False, max_length=100)
    sortorder = Int(required=True, allow_null=False, **INT32)


# --- Responses --------------------------------------------------------------------------------


class LeadStatusSerializer(serializers.Serializer):
    """LeadStatus (part 2 §3.25)."""

    id = serializers.IntegerField()
    name = serializers.CharField()
    sortorder = serializers.IntegerField()

    def to_representation(self, row):
        return {"id": row.pk, "name": row.name, "sortorder": row.sort_order}


class LeadStatusBriefSerializer(LeadStatusSerializer):
    """A lead's `status`: the lead status with its timestamps."""

    created = f.nullable(help_text="ISO 8601, UTC.")
    updated = f.nullable(help_text="ISO 8601, UTC.")

    def to_representation(self, row):
        return {**super().to_representation(row), "created": utc(row.created), "updated": utc(row.updated)}


class LeadBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = f.nullable()
    user = serializers.JSONField(help_text="{id, name, surname} of the lead's owner, or null.")


class LeadActivitySerializer(serializers.Serializer):
    """LeadActivity (§4.10)."""

    id = serializers.IntegerField()
    type = f.IdNameSerializer(allow_null=True)
    comment = f.nullable()
    user = f.ListedUserSerializer(allow_null=True)
    followup = f.nullable(help_text="ISO 8601, UTC.")
    done = serializers.IntegerField()
    created = f.nullable()
    updated = f.nullable()
    lead = LeadBriefSerializer()

    def to_representation(self, row):
        lead, owner = row.lead, row.lead.owner
        return {
            "id": row.pk,
            "type": f.id_name(row.activity_type),
            "comment": text(row.comment),
            "user": f.listed_user(row.owner),
            "followup": utc(row.followup),
            "done": flag(row.done),
            "created": utc(row.created),
            "updated": utc(row.updated),
            "lead": {
                "id": lead.pk,
                "title": text(lead.title),
                "user": {"id": owner.pk, "name": text(owner.first_name), "surname": text(owner.last_name)}
                if owner
                else None,
            },
        }


class LeadSerializer(serializers.Serializer):
    """Lead (§4.10), with its lead activities."""

    id = serializers.IntegerField()
    contacttitle = f.nullable()
    contactname = f.nullable()
    contactsurname = f.nullable()
    contactcompany = f.nullable()
    contactstreet = f.nullable()
    contactcity = f.nullable()
    contactzip = f.nullable()
    contactphone = f.nullable()
    contactcellphone = f.nullable()
    contactemail = f.nullable()
    contactvatno = f.nullable()
    value = serializers.FloatField(allow_null=True)
    created = f.nullable()
    updated = f.nullable()
    title = f.nullable()
    description = f.nullable()
    rating = serializers.IntegerField(allow_null=True)
    user = f.ListedUserSerializer(allow_null=True)
    source = f.SourceSerializer(allow_null=True)
    status = LeadStatusBriefSerializer(allow_null=True)
    tags = f.TagSerializer(many=True)
    activities = LeadActivitySerializer(many=True)

    def to_representation(self, lead):
        activities = LeadActivitySerializer(context=self.context)
        return {
            "id": lead.pk,
            **{doc: text(getattr(lead, domain)) for doc, domain in PROSPECT.items()},
            "value": number(lead.value),
            "created": utc(lead.created),
            "updated": utc(lead.updated),
            "title": text(lead.title),
            "description": text(lead.description),
            "rating": lead.rating,
            "user": f.listed_user(lead.owner),
            "source": f.source(lead.source),
            "status": LeadStatusBriefSerializer(lead.status).data if lead.status_id else None,
            "tags": [f.tag(row, "lead") for row in lead.tags.all()],
            "activities": [activities.to_representation(row) for row in lead.lead_activities.all()],
        }
