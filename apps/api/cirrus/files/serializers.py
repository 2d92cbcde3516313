"""Files and folders (spec part 1 §3.7, §4.8) over the content domain's File and Folder.

A file's connections are what the content domain records: the parties it is connected to (the
organisations are its `connectedaccounts`, the persons its `connectedcontacts`, any number of
both) and the activity it is attached to (`connectedactivities`, at most one). The other connection
kinds (opportunities, orders, leads, quotes, projects, objects, users, articles, missions,
subscriptions) have nothing to point at here: they read as empty lists, and a file cannot be
connected to them (400). `info` is the file's description; `timestamp` its upload time.
"""

import base64
import binascii

from django.core.files.base import ContentFile
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.content.models import Folder
from apps.parties.models import Party
from apps.sales.models import Activity

from .. import fragments as f
from ..toolkit.errors import invalid
from ..toolkit.fields import CirrusSerializer, IdListField, RefField, Str, not_of_type
from ..toolkit.presenters import local_date, text, utc

CONNECTIONS = [
    "connectedactivities",
    "connectedaccounts",
    "connectedcontacts",
    "connectedopportunities",
    "connectedorders",
    "connectedleads",
    "connectedquotes",
    "connectedprojects",
    "connectedobjects",
    "connectedusers",
    "connectedarticles",
    "connectedmissions",
    "connectedsubscriptions",
]
UNCONNECTABLE = [
    name
    for name in CONNECTIONS
    if name not in ("connectedactivities", "connectedaccounts", "connectedcontacts")
]

# --- Requests ---------------------------------------------------------------------------------


class Base64Field(Str):
    """File content in base64 (a `data:...;base64,` URL too) -> bytes."""

    def to_internal_value(self, data):
        value = super().to_internal_value(data).strip()
        if value.startswith("data:") and ";base64," in value[:200]:
            value = value.split(";base64,", 1)[1]
        try:
            return base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            raise serializers.ValidationError("The content is not valid base64.") from None


@extend_schema_field({"type": "array", "items": {"type": "integer"}})
class UnconnectableField(serializers.Field):
    """A connection kind this install has no records of: only an empty list is accepted."""

    json_type = "array"

    def __init__(self, **kwargs):
        super().__init__(required=False, allow_null=True, **kwargs)

    def to_internal_value(self, data):
        if not isinstance(data, list):
            raise serializers.ValidationError(not_of_type(data, "array"))
        if data:
            raise serializers.ValidationError(f"No record with id {data[0]!r} to connect the file to.")
        return []


class FileIn(CirrusSerializer):
    """O70's body; O74 (PUT) requires `name` and `content` too."""

    required_on_update = ("name", "content")

    name = Str(required=True, allow_blank=False, max_length=255)
    info = Str()
    folderid = RefField(Folder.objects.all(), what="folder")
    content = Base64Field(required=True, allow_blank=False, help_text="The file content in base64.")
    connectedactivities = IdListField(Activity.objects.all(), what="activity", allow_null=True)
    connectedaccounts = IdListField(
        Party.objects.filter(kind=Party.Kind.ORGANISATION), what="account", allow_null=True
    )
    connectedcontacts = IdListField(
        Party.objects.filter(kind=Party.Kind.PERSON), what="contact", allow_null=True
    )
    connectedopportunities = UnconnectableField()
    connectedorders = UnconnectableField()
    connectedleads = UnconnectableField()
    connectedquotes = UnconnectableField()
    connectedprojects = UnconnectableField()
    connectedobjects = UnconnectableField()
    connectedusers = UnconnectableField()
    connectedarticles = UnconnectableField()
    connectedmissions = UnconnectableField()
    connectedsubscriptions = UnconnectableField()


def file_changes(data: dict, file=None) -> dict:
    """Validated FileIn data as the content services' fields: name, description, folder, the
    connected parties and activity (those only when sent) and the upload. A connection list sent
    replaces that kind of connection: the accounts sent keep the file's contacts, and the other
    way round (`file`: the file being updated)."""
    changes = {}
    if "name" in data:
        changes["name"] = data["name"]
    if "info" in data:
        changes["description"] = data["info"]
    if "folderid" in data:
        changes["folder"] = data["folderid"]
    if "connectedaccounts" in data or "connectedcontacts" in data:
        current = list(file.parties.all()) if file is not None else []
        accounts = data.get("connectedaccounts", [p for p in current if not p.is_person]) or []
        contacts = data.get("connectedcontacts", [p for p in current if p.is_person]) or []
        changes["parties"] = [*accounts, *contacts]
    if "connectedactivities" in data:
        activities = data.get("connectedactivities") or []
        if len(activities) > 1:
            raise invalid({"connectedactivities": "A file is attached to at most one activity."})
        changes["activity"] = activities[0] if activities else None
    if "content" in data:
        changes["upload"] = ContentFile(data["content"], name=data.get("name") or "file")
    return changes


# --- Responses --------------------------------------------------------------------------------


class FolderBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    parentfolderid = serializers.IntegerField(allow_null=True)


class FileActivitySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    description = f.nullable()
    date = serializers.DateField(allow_null=True)
    user = f.ListedUserSerializer(allow_null=True)
    type = f.IdNameSerializer(allow_null=True)
    account = f.ListedAccountSerializer(allow_null=True)


def file_activity(activity: Activity, nearto=None) -> dict:
    account = activity.account if activity.account_id and not activity.account.is_person else None
    return {
        "id": activity.pk,
        "description": f.activity_description(activity),
        "date": local_date(activity.start),
        "user": f.listed_user(activity.owner),
        "type": f.id_name(activity.activity_type),
        "account": f.listed_account(account, nearto),
    }


class FileSerializer(serializers.Serializer):
    """File (§4.8), metadata only: the content is never echoed."""

    id = serializers.IntegerField()
    name = serializers.CharField()
    info = f.nullable()
    timestamp = serializers.CharField(help_text="Upload time, ISO 8601 UTC.")
    folderid = serializers.IntegerField(allow_null=True)
    templateid = serializers.IntegerField(allow_null=True, help_text="Always null: no templates here.")
    folder = FolderBriefSerializer(allow_null=True)
    template = f.IdNameSerializer(allow_null=True)
    activities = FileActivitySerializer(many=True)
    accounts = f.ListedAccountSerializer(many=True)
    contacts = f.ListedContactSerializer(many=True)
    opportunities = serializers.ListField(child=serializers.DictField(), help_text="Always empty here.")
    connectedactivities = serializers.ListField(child=serializers.IntegerField())
    connectedaccounts = serializers.ListField(child=serializers.IntegerField())
    connectedcontacts = serializers.ListField(child=serializers.IntegerField())
    connectedopportunities = serializers.ListField(child=serializers.IntegerField())
    connectedorders = serializers.ListField(child=serializers.IntegerField())
    connectedleads = serializers.ListField(child=serializers.IntegerField())
    connectedquotes = serializers.ListField(child=serializers.IntegerField())
    connectedprojects = serializers.ListField(child=serializers.IntegerField())
    connectedobjects = serializers.ListField(child=serializers.IntegerField())
    connectedusers = serializers.ListField(child=serializers.IntegerField())
    connectedarticles = serializers.ListField(child=serializers.IntegerField())
    connectedmissions = serializers.ListField(child=serializers.IntegerField())
    connectedsubscriptions = serializers.ListField(child=serializers.IntegerField())

    def to_representation(self, row):
        nearto = self.context.get("nearto")
        parties = list(row.parties.all())
        accounts = [party for party in parties if not party.is_person]
        contacts = [party for party in parties if party.is_person]
        folder = row.folder
        return {
            "id": row.pk,
            "name": row.name,
            "info": text(row.description),
            "timestamp": utc(row.created),
            "folderid": row.folder_id,
            "templateid": None,
            "folder": {"id": folder.pk, "name": folder.name, "parentfolderid": folder.parent_id}
            if folder
            else None,
            "template": None,
            "activities": [file_activity(row.activity, nearto)] if row.activity_id else [],
            "accounts": [f.listed_account(account, nearto) for account in accounts],
            "contacts": [f.listed_contact(contact) for contact in contacts],
            "opportunities": [],
            **{name: [] for name in UNCONNECTABLE},
            "connectedactivities": [row.activity_id] if row.activity_id else [],
            "connectedaccounts": [account.pk for account in accounts],
            "connectedcontacts": [contact.pk for contact in contacts],
        }


class FolderSerializer(serializers.Serializer):
    """Folder (§4.8)."""

    id = serializers.IntegerField()
    name = serializers.CharField()
    parentfolderid = serializers.IntegerField(allow_null=True)
    accountid = serializers.IntegerField(allow_null=True)
    files = f.ListedFileSerializer(many=True)
    account = f.ListedAccountSerializer(allow_null=True)
    folders = f.IdNameSerializer(many=True, help_text="The child folders.")

    def to_representation(self, row):
        account = row.party if row.party_id and not row.party.is_person else None
        return {
            "id": row.pk,
            "name": row.name,
            "parentfolderid": row.parent_id,
            "accountid": account.pk if account else None,
            "files": f.listed_files(row.files.all()),
            "account": f.listed_account(account, self.context.get("nearto")),
            "folders": [f.id_name(child) for child in row.subfolders.all()],
        }
