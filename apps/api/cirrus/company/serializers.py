"""The shapes and request bodies of Cirrus's company-wide resources: settings (§2.12, one object),
add-ons (§2.13) and sort groups (§2.17)."""

from rest_framework import serializers

from apps.core import services_staff as staff

from ..toolkit.fields import CirrusSerializer, Int, Str
from ..toolkit.presenters import text, utc

# --- Settings ------------------------------------------------------------------------------------


class SettingsSerializer(serializers.Serializer):
    """Settings (§3.14): every documented key, null when unset."""

    currency = serializers.CharField(allow_null=True)
    portal = serializers.JSONField(
        help_text="name, street, zip, city, country, phone, fax, email, plusgiro, "
        "bankgiro, vatnumber, vatregnumber, url, iban, swift, seat."
    )
    sales = serializers.JSONField(help_text="defaultinterest.")
    fieldsales = serializers.JSONField(
        help_text="activitytypes{assigned, knock, note, return, notavailable, rejected, erpaccepted, "
        "erpdeclined}, numberporting{group, name, number, phone}, filter, headlines[{title, body}], erpurl, "
        "signaturefields[], terms."
    )
    consent = serializers.JSONField(
        help_text="logofileid, email{fromemail, fromname, user, port, server, body, password, auth, userid, "
        "type}."
    )

    def to_representation(self, row):
        return staff.settings_values(row)


class SettingsBody(CirrusSerializer):
    """Every group is optional; services_staff checks each key's type and merges it."""

    currency = Str(allow_null=True, max_length=3)
    portal = serializers.JSONField(required=False, allow_null=True)
    sales = serializers.JSONField(required=False, allow_null=True)
    fieldsales = serializers.JSONField(required=False, allow_null=True)
    consent = serializers.JSONField(required=False, allow_null=True)


# --- Add-ons -------------------------------------------------------------------------------------


class AddonParameterSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(allow_null=True)
    value = serializers.CharField(allow_null=True)
    created = serializers.DateTimeField()
    updated = serializers.DateTimeField()


class AddonSerializer(serializers.Serializer):
    """Addon (§3.15)."""

    id = serializers.IntegerField()
    title = serializers.CharField(allow_null=True)
    url = serializers.CharField(allow_null=True)
    internalname = serializers.CharField(allow_null=True)
    sort = serializers.IntegerField()
    enabled = serializers.BooleanField()
    parameters = AddonParameterSerializer(many=True)

    def to_representation(self, addon):
        return {
            "id": addon.pk,
            "title": text(addon.title),
            "url": text(addon.url),
            "internalname": text(addon.internal_name),
            "sort": addon.sort,
            "enabled": addon.enabled,
            "parameters": [
                {
                    "id": p.pk,
                    "name": text(p.name),
                    "value": text(p.value),
                    "created": utc(p.created),
                    "updated": utc(p.updated),
                }
                for p in addon.parameters.all()
            ],
        }


# --- Sort groups ---------------------------------------------------------------------------------


class SortGroupSerializer(serializers.Serializer):
    """SortGroup (§3.21)."""

    id = serializers.IntegerField()
    name = serializers.CharField()
    sort = serializers.IntegerField()
    externalkey = serializers.CharField(allow_null=True)

    def to_representation(self, group):
        return {
            "id": group.pk,
            "name": group.name,
            "sort": group.sort,
            "externalkey": text(group.external_key),
        }


class SortGroupBody(CirrusSerializer):
    name = Str(required=True, allow_blank=False, max_length=100)
    sort = Int(required=True, allow_null=False, min_value=-(2**31), max_value=2**31 - 1)
    externalkey = Str(max_length=100)


def sort_group_fields(data: dict) -> dict:
    fields = {key: data[key] for key in ("name", "sort") if key in data}
    if "externalkey" in data:
        fields["external_key"] = data["externalkey"] or ""
    return fields
