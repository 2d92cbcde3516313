"""Delivery terms, delivery types (spec part 1 §3.5, §4.6) and payment terms (part 2 §2.2, §3.2):
request bodies, their translation to the models' fields, and the shapes. `default` is a 0/1
integer. A payment term is apps.accounts' PaymentTerm, the table CRM.COM's financial accounts use.
"""

from rest_framework import serializers

from .. import fragments as f
from ..toolkit.fields import CirrusSerializer, FieldMap, Flag, Int, Str
from ..toolkit.presenters import flag, text


class DeliveryTermIn(CirrusSerializer):
    """O58, and O60 with `name` and `externalkey` still required."""

    required_on_update = ("name", "externalkey")
    name = Str(required=True, allow_blank=False, max_length=100)
    default = Flag(allow_null=False)
    externalkey = Str(required=True, allow_null=False, max_length=100)


DELIVERY_TERM = FieldMap(name="name", default="is_default", externalkey="external_key")


class DeliveryTypeIn(CirrusSerializer):
    """O62, and O64 with `name` still required."""

    required_on_update = ("name",)
    name = Str(required=True, allow_blank=False, max_length=100)
    default = Flag(allow_null=False)


DELIVERY_TYPE = FieldMap(name="name", default="is_default")


class PaymentTermIn(CirrusSerializer):
    """P2-005, and P2-007 with `name`, `externalkey` and `days` still required."""

    required_on_update = ("name", "externalkey", "days")
    name = Str(required=True, allow_blank=False, max_length=100)
    default = Flag(allow_null=False)
    externalkey = Str(required=True, allow_null=False, max_length=100)
    days = Int(required=True, allow_null=False, min_value=0, max_value=2**31 - 1)


PAYMENT_TERM = FieldMap(name="name", default="is_default", externalkey="external_key", days="days")


class DeliveryTermSerializer(serializers.Serializer):
    """DeliveryTerm (§4.6)."""

    id = serializers.IntegerField()
    name = f.nullable()
    default = serializers.IntegerField()
    externalkey = f.nullable()

    def to_representation(self, row):
        return {
            "id": row.pk,
            "name": text(row.name),
            "default": flag(row.is_default),
            "externalkey": text(row.external_key),
        }


class DeliveryTypeSerializer(serializers.Serializer):
    """DeliveryType (§4.6)."""

    id = serializers.IntegerField()
    name = f.nullable()
    default = serializers.IntegerField()

    def to_representation(self, row):
        return {"id": row.pk, "name": text(row.name), "default": flag(row.is_default)}


class PaymentTermSerializer(serializers.Serializer):
    """PaymentTerm (part 2 §3.2)."""

    id = serializers.IntegerField()
    name = f.nullable()
    default = serializers.IntegerField()
    externalkey = f.nullable()
    days = serializers.IntegerField()

    def to_representation(self, row):
        return {
            "id": row.pk,
            "name": text(row.name),
            "default": flag(row.is_default),
            "externalkey": text(row.external_key),
            "days": row.days,
        }
