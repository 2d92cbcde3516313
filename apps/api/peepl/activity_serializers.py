"""Peepl wire shapes for activities, attendance, products and product prices (operations
#54-#80). Serializers validate and render; the views call the sales services."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.parties.models import Group
from apps.sales.models import Activity, Attendance, Product, ProductPrice

from .content_serializers import PeeplDateTimeField, permissions_field

Kind = Activity.Kind
# Q7: the seed's misspelling is a synonym of `announcement`.
KIND_SYNONYMS = {"annoucement": Kind.ANNOUNCEMENT}

ACTIVITY_WRITE_FIELDS = {
    "name": "name",
    "description": "description",
    "start": "start",
    "end": "end",
    "location": "location",
    "is_public": "is_public",
    "permissions": "permissions",
    "registration_start": "registration_start",
    "registration_deadline": "registration_deadline",
    "default_price": "default_price",
}


class ActivitySerializer(serializers.Serializer):
    """An activity of any type. The context names the type the path gives (`kind`, on create) or
    the activity being edited (`instance_kind`, on update)."""

    id = serializers.IntegerField(read_only=True)
    type = serializers.CharField(source="kind", required=False)
    name = serializers.CharField(max_length=255)
    description = serializers.CharField(allow_blank=True)
    start_date = PeeplDateTimeField(source="start")
    end_date = PeeplDateTimeField(source="end", required=False, allow_null=True)
    is_public = serializers.BooleanField()
    permissions = permissions_field()
    location = serializers.CharField(max_length=255, required=False, allow_null=True, allow_blank=True)
    registration_start = PeeplDateTimeField(required=False, allow_null=True)
    registration_deadline = PeeplDateTimeField(required=False, allow_null=True)
    default_price = serializers.DecimalField(
        max_digits=10, decimal_places=2, min_value=0, required=False, allow_null=True
    )
    parent = serializers.IntegerField(source="parent_id", read_only=True, allow_null=True)
    created = PeeplDateTimeField(read_only=True)
    modified = PeeplDateTimeField(source="updated", read_only=True)

    def validate_type(self, value):
        value = KIND_SYNONYMS.get(value, value)
        if "instance_kind" in self.context:
            if value != self.context["instance_kind"]:
                raise serializers.ValidationError("The type of an activity cannot be changed.")
        elif value != self.context.get("kind"):
            raise serializers.ValidationError(f'Must be "{self.context.get("kind")}" for this endpoint.')
        return value

    def validate(self, attrs):
        kind = self.context.get("instance_kind") or self.context.get("kind")
        creating = "instance_kind" not in self.context
        if creating and kind == Kind.INTERNAL and attrs.get("default_price") is None:
            raise serializers.ValidationError({"default_price": ["This field is required."]})
        start, end = attrs.get("start"), attrs.get("end")
        if start and end and end < start:
            raise serializers.ValidationError(
                {"end_date": ["The end date must not be before the start date."]}
            )
        return attrs

    def to_service_kwargs(self) -> dict:
        return {k: v for k, v in self.validated_data.items() if k in ACTIVITY_WRITE_FIELDS}


class ProductPriceSerializer(serializers.ModelSerializer):
    group = serializers.PrimaryKeyRelatedField(queryset=Group.objects.all())
    price = serializers.DecimalField(max_digits=10, decimal_places=2, min_value=0)

    class Meta:
        model = ProductPrice
        fields = ["id", "product", "group", "price"]
        read_only_fields = ["product"]
        validators = []  # the one-price-per-group rule is the service's (its own message)


class ProductSerializer(serializers.ModelSerializer):
    price = serializers.DecimalField(max_digits=10, decimal_places=2, min_value=0)
    max_quantity = serializers.IntegerField(min_value=1, max_value=2**31 - 1, required=False, allow_null=True)
    prices = ProductPriceSerializer(many=True, read_only=True)

    class Meta:
        model = Product
        fields = ["id", "name", "description", "price", "max_quantity", "prices"]
        extra_kwargs = {"description": {"required": False, "allow_null": True, "allow_blank": True}}


class SaleDetailSerializer(ActivitySerializer):
    """A sale's detail shows its products with their prices."""

    products = ProductSerializer(many=True, read_only=True)


class _ContactRef(serializers.Serializer):
    id = serializers.IntegerField()
    first_name = serializers.CharField()
    last_name = serializers.CharField()


class _OrganisationRef(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class AttendanceSerializer(serializers.ModelSerializer):
    contact = serializers.SerializerMethodField()
    organisation = serializers.SerializerMethodField()

    class Meta:
        model = Attendance
        fields = ["id", "contact", "organisation", "status", "checked_in_at"]
        read_only_fields = fields

    @extend_schema_field(_ContactRef(allow_null=True))
    def get_contact(self, obj):
        party = obj.party
        if not party.is_person:
            return None
        return {"id": party.pk, "first_name": party.first_name, "last_name": party.last_name}

    @extend_schema_field(_OrganisationRef(allow_null=True))
    def get_organisation(self, obj):
        party = obj.party
        if party.is_person:
            return None
        return {"id": party.pk, "name": party.name}
