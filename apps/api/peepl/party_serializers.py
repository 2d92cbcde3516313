"""Peepl wire shapes for operations #1-#53 and the contact search. Serializers validate and render;
the views hand validated data to the domain services (serializer.save() is never used, so every
write goes through a service)."""

from rest_framework import serializers

from apps.api.common.schema import NullableInResponses
from apps.core.models import CustomField, CustomFieldCategory
from apps.parties import addresses
from apps.parties.models import (
    Address,
    AddressType,
    Combination,
    Function,
    Membership,
    Organisation,
    Party,
    Phone,
)

from .content_serializers import PeeplDateTimeField


class NullableCharField(serializers.CharField):
    """Optional text the domain keeps as "" when empty: null is accepted (stored as "") and an
    empty value is shown as null, as Peepl's `str|null` fields are."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("allow_null", True)
        kwargs.setdefault("allow_blank", True)
        super().__init__(**kwargs)

    def validate_empty_values(self, data):
        if data is None:
            return True, ""
        return super().validate_empty_values(data)

    def to_representation(self, value):
        return super().to_representation(value) or None


class NamedRefSerializer(serializers.Serializer):
    """`{id, name}`: how a position or combination shows its group and function."""

    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)


# --- Address types and addresses ------------------------------------------------------------


class AddressTypeSerializer(serializers.ModelSerializer):
    max_amount = serializers.IntegerField(min_value=1, max_value=32767)

    class Meta:
        model = AddressType
        fields = ["id", "description", "max_amount", "is_default"]
        read_only_fields = ["is_default"]


class AddressSerializer(serializers.ModelSerializer):
    address_type = serializers.PrimaryKeyRelatedField(queryset=AddressType.objects.all())
    # Not sent: the install's DEFAULT_COUNTRY on create, unchanged on update. "" (an address
    # written elsewhere without a country shows it) is accepted back.
    country = serializers.CharField(max_length=2, required=False, allow_blank=True)

    class Meta:
        model = Address
        fields = [
            "id",
            "address_type",
            "street",
            "number",
            "box",
            "postal_code",
            "city",
            "country",
            "is_default",
        ]
        read_only_fields = ["is_default"]
        extra_kwargs = {f: {"required": False} for f in ["street", "number", "box", "postal_code", "city"]}

    def validate_country(self, value):
        if value and (len(value) != 2 or addresses.country_code(value) != value.upper()):
            raise serializers.ValidationError("Enter a two-letter ISO 3166 country code.")
        return value.upper()


# --- Children of contacts and organisations -------------------------------------------------


class EmailAddressSerializer(serializers.Serializer):
    """A secondary e-mail address (the primary one is the contact's `email`)."""

    id = serializers.IntegerField(read_only=True)
    email = serializers.EmailField(max_length=254)
    description = NullableCharField(max_length=100)


class EducationSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    school = serializers.CharField(max_length=200)
    degree = NullableCharField(max_length=200)
    start_date = serializers.DateField(required=False, allow_null=True)
    end_date = serializers.DateField(required=False, allow_null=True)
    description = NullableCharField()


class CompanyPositionSerializer(serializers.Serializer):
    """A job the person holds: at an organisation of the CRM or at a company named in text."""

    id = serializers.IntegerField(read_only=True)
    organisation = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.all(), required=False, allow_null=True
    )
    company_name = NullableCharField(max_length=200)
    title = serializers.CharField(max_length=200)
    start_date = serializers.DateField(required=False, allow_null=True)
    end_date = serializers.DateField(required=False, allow_null=True)


# --- Custom fields --------------------------------------------------------------------------

# Peepl's field types are ours, except that a long text is shown as a text.
PEEPL_FIELD_TYPES = {CustomField.FieldType.LONG_TEXT: "text"}
VALUE_KEYS = [
    "text_value",
    "integer_value",
    "decimal_value",
    "date_value",
    "boolean_value",
    "choice_value",
    "multiple_choice_value",
]


def peepl_field_type(field: CustomField) -> str:
    return PEEPL_FIELD_TYPES.get(field.field_type, field.field_type)


def value_key(field: CustomField) -> str:
    """The one `<field_type>_value` key that carries a value of this field."""
    return f"{peepl_field_type(field)}_value"


class CustomFieldCategorySerializer(serializers.ModelSerializer):
    class Meta:
        model = CustomFieldCategory
        fields = ["id", "name", "order"]


class CustomFieldSerializer(serializers.ModelSerializer):
    field_type = serializers.SerializerMethodField()

    class Meta:
        model = CustomField
        fields = ["id", "name", "category", "field_type", "choices", "required", "order"]

    def get_field_type(self, field) -> str:
        return peepl_field_type(field)


class CustomFieldValueSerializer(serializers.Serializer):
    """A contact's or organisation's value of one custom field. Input carries exactly the
    `*_value` key of the field's type; output shows every key, the non-matching ones null.
    Validated data is `{"field": CustomField, "value": <the matching key's value>}`."""

    id = serializers.IntegerField(read_only=True)
    custom_field = serializers.PrimaryKeyRelatedField(queryset=CustomField.objects.all(), source="field")
    text_value = serializers.CharField(required=False, allow_null=True, allow_blank=True)
    integer_value = serializers.IntegerField(
        required=False, allow_null=True, min_value=-(2**63) + 1, max_value=2**63 - 1
    )
    decimal_value = serializers.DecimalField(max_digits=20, decimal_places=6, required=False, allow_null=True)
    date_value = serializers.DateField(required=False, allow_null=True)
    boolean_value = serializers.BooleanField(required=False, allow_null=True)
    choice_value = serializers.CharField(required=False, allow_null=True, allow_blank=True)
    multiple_choice_value = serializers.ListField(
        child=serializers.CharField(), required=False, allow_null=True
    )

    def validate(self, attrs):
        current = self.instance.field if self.instance is not None else None
        field = attrs.get("field", current)
        if current is not None and field != current:
            raise serializers.ValidationError(
                {"custom_field": ["The custom field of a value cannot be changed."]}
            )
        key = value_key(field)
        errors = {
            other: [f'Not valid for field_type "{peepl_field_type(field)}".']
            for other in VALUE_KEYS
            if other != key and attrs.get(other) is not None
        }
        if key not in attrs:
            errors[key] = ["This field is required."]
        elif attrs[key] is None:
            errors[key] = ["This field may not be null."]
        if errors:
            raise serializers.ValidationError(errors)
        return {"field": field, "value": attrs[key]}

    def to_representation(self, row):
        data = {"id": row.pk, "custom_field": row.field_id, **dict.fromkeys(VALUE_KEYS)}
        key = value_key(row.field)
        if row.value is not None:
            data[key] = self.fields[key].to_representation(row.value)
        return data


class CustomFieldValueUpdateSerializer(CustomFieldValueSerializer):
    """On update the custom field may be repeated, but it cannot change."""

    custom_field = serializers.PrimaryKeyRelatedField(
        queryset=CustomField.objects.all(), source="field", required=False
    )


# --- Contacts and organisations -------------------------------------------------------------


class _PartyView:
    """A Party seen with Peepl's flat fields: the primary e-mail and the phones live in child
    rows, and `email_addresses` lists only the secondary e-mails (prefetched when present)."""

    def __init__(self, party: Party):
        self._party = party

    def __getattr__(self, name):
        party = self._party
        if name == "email":
            return party.primary_email or None
        if name == "phone":
            return party.first_phone(Phone.Kind.LANDLINE) or None
        if name == "mobile":
            return party.first_phone(Phone.Kind.MOBILE) or None
        if name == "email_addresses":
            rows = getattr(party, "secondary_emails", None)
            return rows if rows is not None else party.email_addresses.filter(is_primary=False)
        return getattr(party, name)


# Peepl's languages (nl, fr, en, de) and the others a contact written through another API may
# speak: what a contact shows is accepted back.
LANGUAGES = [code for code, _label in Party._meta.get_field("preferred_language").choices]


class ShownDateField(NullableInResponses, serializers.DateField):
    """Required in a request; null in a response for a contact made elsewhere without one."""


class ShownEmailField(NullableInResponses, serializers.EmailField):
    """Required in a request; null in a response for a contact made elsewhere without one."""


class ContactSerializer(serializers.Serializer):
    """A contact's basic fields (the list representation, also of member lists and segments)."""

    id = serializers.IntegerField(read_only=True)
    first_name = serializers.CharField(max_length=100)
    last_name = serializers.CharField(max_length=100)
    birth_date = ShownDateField()
    birth_place = serializers.CharField(max_length=100)
    preferred_language = serializers.ChoiceField(choices=LANGUAGES)
    gender = serializers.ChoiceField(choices=Party.Gender.values)
    email = ShownEmailField(max_length=254)
    phone = NullableCharField(max_length=50)
    mobile = NullableCharField(max_length=50)
    last_modified = PeeplDateTimeField(source="updated", read_only=True)

    def to_representation(self, party):
        return super().to_representation(_PartyView(party))


class ContactDetailSerializer(ContactSerializer):
    email_addresses = EmailAddressSerializer(many=True, read_only=True)
    educations = EducationSerializer(many=True, read_only=True)
    company_positions = CompanyPositionSerializer(many=True, read_only=True)
    custom_field_values = CustomFieldValueSerializer(many=True, read_only=True)


class ContactUpdateSerializer(ContactDetailSerializer):
    """#4's body: #2's fields, all required again, but a contact made through another API shows
    empty values (no birth date, birth place, language, gender, e-mail or one of its names) and
    a PUT of what it shows is accepted: an empty value leaves the field empty."""

    first_name = serializers.CharField(max_length=100, allow_blank=True)
    last_name = serializers.CharField(max_length=100, allow_blank=True)
    birth_date = serializers.DateField(allow_null=True)
    birth_place = serializers.CharField(max_length=100, allow_blank=True)
    preferred_language = serializers.ChoiceField(choices=LANGUAGES, allow_blank=True)
    gender = serializers.ChoiceField(choices=Party.Gender.values, allow_blank=True)
    email = serializers.EmailField(max_length=254, allow_null=True, allow_blank=True)

    def validate_email(self, value):
        return value or ""


class OrganisationSerializer(serializers.Serializer):
    """An organisation's basic fields. Read-only: organisations are edited in the back office."""

    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)
    email = serializers.CharField(read_only=True, allow_null=True)
    phone = serializers.CharField(read_only=True, allow_null=True)
    website = NullableCharField(read_only=True)
    vat_number = NullableCharField(read_only=True)
    last_modified = PeeplDateTimeField(source="updated", read_only=True)

    def to_representation(self, party):
        return super().to_representation(_PartyView(party))


class OrganisationDetailSerializer(OrganisationSerializer):
    email_addresses = EmailAddressSerializer(many=True, read_only=True)
    custom_field_values = CustomFieldValueSerializer(many=True, read_only=True)


LIST_SERIALIZERS = {Party.Kind.PERSON: ContactSerializer, Party.Kind.ORGANISATION: OrganisationSerializer}


class ContactSearchSerializer(serializers.Serializer):
    """The criteria of POST /contacts/search/; text criteria match case-insensitively anywhere."""

    operator = serializers.ChoiceField(choices=["AND", "OR"])
    first_name = serializers.CharField(required=False, max_length=100)
    last_name = serializers.CharField(required=False, max_length=100)
    city = serializers.CharField(required=False, max_length=100)
    email = serializers.CharField(required=False, max_length=254)
    last_modified = serializers.DateField(required=False, input_formats=["%Y-%m-%d"])

    CRITERIA = ["first_name", "last_name", "city", "email", "last_modified"]


# --- Groups, functions, combinations and positions ------------------------------------------


class GroupSerializer(serializers.Serializer):
    """A group with its subgroups, recursively. The view attaches each group's children as
    `subgroup_list` (built from one query), so rendering the tree reads nothing more."""

    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)
    description = NullableCharField(read_only=True)
    parent = serializers.IntegerField(source="parent_id", read_only=True, allow_null=True)

    def get_fields(self):
        fields = super().get_fields()
        fields["subgroups"] = GroupSerializer(many=True, read_only=True, source="subgroup_list")
        return fields


class FunctionSerializer(serializers.ModelSerializer):
    description = NullableCharField(read_only=True)

    class Meta:
        model = Function
        fields = ["id", "name", "description"]


class CombinationSerializer(serializers.ModelSerializer):
    group = NamedRefSerializer(read_only=True)
    function = NamedRefSerializer(read_only=True)

    class Meta:
        model = Combination
        fields = ["id", "group", "function"]


class PositionSerializer(serializers.ModelSerializer):
    """A dated membership of a combination (Peepl's "position")."""

    group = NamedRefSerializer(source="combination.group", read_only=True)
    function = NamedRefSerializer(source="combination.function", read_only=True)

    class Meta:
        model = Membership
        fields = ["id", "combination", "group", "function", "start_date", "end_date"]
        read_only_fields = fields
