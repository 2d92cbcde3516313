"""OpenAPI description of the CRM.COM R methods: these serializers only document the wire shapes
(the views read parameters with apps.api.crmcom_ri.params and render with present.py)."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, inline_serializer
from rest_framework import serializers as s

from . import codes


class CrmTokenScheme(OpenApiAuthenticationExtension):
    target_class = "apps.api.crmcom_ri.conventions.CrmTokenAuthentication"
    name = "CrmToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "query",
            "name": "token",
            "description": "The token from `authentication/token`: a `token` query parameter on GET, a "
            "`token` body field on POST (a form field on multipart).",
        }


class CrmStatus(s.Serializer):
    code = s.CharField(help_text="`OK`, or an error code such as `INVALID_TOKEN`, `NOT_FOUND`.")
    message = s.CharField(allow_blank=True)
    description = s.CharField(allow_blank=True)


_envelopes: dict = {}


def envelope_of(serializer, many=False):
    name = f"{serializer.__name__}{'List' if many else ''}Envelope"
    if name not in _envelopes:
        _envelopes[name] = inline_serializer(
            name=name, fields={"status": CrmStatus(), "data": serializer(many=many)}
        )
    return _envelopes[name]


ErrorEnvelope = inline_serializer(
    name="CrmErrorEnvelope",
    fields={"status": CrmStatus(), "data": s.JSONField(allow_null=True, help_text="null")},
)
NullEnvelope = inline_serializer(
    name="CrmNullEnvelope",
    fields={"status": CrmStatus(), "data": s.JSONField(allow_null=True, help_text="null")},
)


class CrmTokenData(s.Serializer):
    token = s.CharField()


class CrmTokenRequest(s.Serializer):
    token = s.CharField()


class CrmUnitRequest(s.Serializer):
    unit = s.CharField(required=False, help_text="Id of one of the user's units.")


class CrmLoginRequest(CrmUnitRequest):
    username = s.CharField()
    password = s.CharField()
    organisation = s.CharField(help_text="The install's organisation code (setting CRMCOM_ORGANISATION).")


def _choices(mapping):
    return sorted(mapping)


def _enum(mapping, **kwargs):
    """A documented enum as a string: case-insensitive on input, `_` or space."""
    values = ", ".join(f"`{v}`" for v in _choices(mapping))
    extra = kwargs.pop("help_text", "")
    return s.CharField(help_text=f"{extra} One of {values}.".strip(), **kwargs)


class CrmIdentifier(s.Serializer):
    id = s.CharField(required=False, help_text="32 upper-case hex digits (countries: a number).")
    name = s.CharField(required=False)
    code = s.CharField(required=False)


class CrmContactIdentifier(s.Serializer):
    id = s.CharField(required=False)
    id_number = s.CharField(required=False)
    passport_number = s.CharField(required=False)
    social_security_number = s.CharField(required=False)
    vat_registration_number = s.CharField(required=False)
    registration_number = s.CharField(required=False)


class CrmCountryIdentifier(s.Serializer):
    id = s.CharField(required=False)
    name = s.CharField(required=False)
    alternative_code = s.CharField(required=False)
    two_character_code = s.CharField(required=False)
    three_character_code = s.CharField(required=False)


class CrmDayMonthYear(s.Serializer):
    day = s.IntegerField(allow_null=True)
    month = s.IntegerField(allow_null=True)
    year = s.IntegerField(allow_null=True)


class CrmDayMonth(s.Serializer):
    day = s.IntegerField(allow_null=True)
    month = s.IntegerField(allow_null=True)


class CrmDemographicsInput(s.Serializer):
    gender = _enum(codes.GENDERS, required=False)
    id_number = s.CharField(required=False)
    passport_number = s.CharField(required=False)
    social_security_number = s.CharField(required=False)
    country_of_residence_identifier = CrmCountryIdentifier(required=False)
    id_issued_by_country_identifier = CrmCountryIdentifier(required=False)
    passport_issued_by_country_identifier = CrmCountryIdentifier(required=False)
    industry_identifier = CrmIdentifier(required=False)
    industry_sector_identifier = CrmIdentifier(required=False)
    date_of_birth = CrmDayMonthYear(required=False)
    name_day = CrmDayMonth(required=False)


class CrmCompanyProfileInput(s.Serializer):
    profile_year = s.IntegerField(required=False)
    annual_turnover = s.FloatField(required=False)
    established_date = s.CharField(required=False, help_text="YYYY-MM-DDTHH:MM:SS")
    number_of_employees = s.IntegerField(required=False)
    registration_number = s.CharField(required=False)
    vat_registration_number = s.CharField(required=False)
    vat_registered_by = s.CharField(required=False)
    tax_reference_number = s.CharField(required=False)
    vat_registration_date = s.CharField(required=False, help_text="YYYY-MM-DDTHH:MM:SS")
    registered_in_country_identifier = CrmCountryIdentifier(required=False)
    industry_identifier = CrmIdentifier(required=False)
    industry_sector_identifier = CrmIdentifier(required=False)


SET_ACTION_HELP = "On update: `ADD`, `UPDATE` or `REMOVE` (UPDATE/REMOVE need the item identifier)."


class CrmItemIdentifier(s.Serializer):
    id = s.CharField(required=False)
    type = s.CharField(required=False)


class CrmAddressInput(s.Serializer):
    action = _enum(codes.ACTIONS, required=False, help_text=SET_ACTION_HELP)
    address_identifier = CrmItemIdentifier(required=False)
    type = _enum(codes.ADDRESS_TYPES)
    street_name = s.CharField()
    street_number = s.CharField(required=False)
    floor = s.IntegerField(required=False)
    apartment_number = s.CharField(required=False)
    area = s.CharField(required=False)
    town_city = s.CharField(required=False)
    district = s.CharField(required=False)
    municipality = s.CharField(required=False)
    postal_code = s.CharField(required=False)
    po_box = s.CharField(required=False)
    po_box_postal_code = s.CharField(required=False)
    care_of = s.CharField(required=False)
    country_identifier = CrmCountryIdentifier(required=False)
    notes = s.CharField(required=False)


class CrmPhoneInput(s.Serializer):
    action = _enum(codes.ACTIONS, required=False, help_text=SET_ACTION_HELP)
    phone_identifier = CrmItemIdentifier(required=False)
    type = _enum(codes.PHONE_TYPES)
    number = s.CharField()
    area_code = s.CharField(required=False, help_text="Defaults to the country's dialling code.")
    country_identifier = CrmCountryIdentifier(required=False)
    notes = s.CharField(required=False)


class CrmEmailInput(s.Serializer):
    action = _enum(codes.ACTIONS, required=False, help_text=SET_ACTION_HELP)
    email_identifier = CrmItemIdentifier(required=False)
    type = _enum(codes.EMAIL_TYPES)
    email_address = s.EmailField()
    notes = s.CharField(required=False)


class CrmRelationIdentifier(s.Serializer):
    id = s.CharField()


class CrmRelationInput(s.Serializer):
    action = _enum(codes.ACTIONS, required=False, help_text=SET_ACTION_HELP)
    relation_identifier = CrmRelationIdentifier(required=False)
    type = _enum(codes.RELATION_TYPES)
    contact_information_identifier = CrmContactIdentifier()
    notes = s.CharField(required=False)


def _udf_fields(required=False):
    fields = {}
    for key in codes.UDF_STRINGS:
        fields[key] = s.CharField(required=required, allow_null=True)
    for key in codes.UDF_FLOATS:
        fields[key] = s.FloatField(required=required, allow_null=True)
    for key in codes.UDF_DATES:
        fields[key] = s.CharField(required=required, allow_null=True, help_text="YYYY-MM-DDTHH:MM:SS")
    return fields


class CrmContactFieldsInput(s.Serializer):
    token = s.CharField()
    title = s.CharField(required=False, help_text="PERSON only.")
    first_name = s.CharField(required=False, help_text="PERSON: mandatory.")
    middle_name = s.CharField(required=False)
    last_name = s.CharField(required=False, help_text="PERSON: mandatory.")
    company_name = s.CharField(required=False, help_text="COMPANY: mandatory.")
    preferred_language = _enum(codes.LANGUAGES, required=False)
    category_identifier = CrmIdentifier(required=False)
    owned_by_group_identifier = CrmIdentifier(required=False)
    privacy_level_identifier = CrmIdentifier(required=False)
    notes = s.CharField(required=False)
    send_direct_marketing_material = s.BooleanField(required=False)
    send_affiliate_marketing_material = s.BooleanField(required=False)
    demographics = CrmDemographicsInput(required=False)
    company_profile = CrmCompanyProfileInput(required=False)
    address_set = CrmAddressInput(many=True, required=False)
    phone_set = CrmPhoneInput(many=True, required=False)
    email_set = CrmEmailInput(many=True, required=False)
    relation_set = CrmRelationInput(many=True, required=False)
    fields_set = s.CharField(required=False, help_text="Comma-separated response keys to return.")


CreateRequest = type(
    "CrmCreateRequest",
    (CrmContactFieldsInput,),
    {"type": _enum(codes.TYPES), **_udf_fields()},
)
UpdateRequest = type(
    "CrmUpdateRequest",
    (CrmContactFieldsInput,),
    {"contact_information_identifier": CrmContactIdentifier(), **_udf_fields()},
)


class CrmCountry(s.Serializer):
    id = s.CharField()
    name = s.CharField()
    alternative_code = s.CharField(allow_null=True)
    two_character_code = s.CharField(allow_null=True)
    three_character_code = s.CharField(allow_null=True)


class CrmReference(s.Serializer):
    id = s.CharField()
    name = s.CharField()
    code = s.CharField(required=False)
    alternative_code = s.CharField(required=False, allow_null=True)


class CrmGroup(s.Serializer):
    id = s.CharField()
    name = s.CharField()
    description = s.CharField(allow_null=True)
    alternative_code = s.CharField(allow_null=True)
    community_name = s.CharField(allow_null=True)


class CrmPrivacyLevel(s.Serializer):
    id = s.CharField()
    name = s.CharField()
    number = s.CharField()
    hierarchy_level = s.IntegerField()


class CrmDemographics(s.Serializer):
    gender = _enum(codes.GENDERS, allow_null=True)
    id_number = s.CharField(allow_null=True)
    passport_number = s.CharField(allow_null=True)
    social_security_number = s.CharField(allow_null=True)
    passport_issued_by_country = CrmCountry(allow_null=True)
    id_issued_by_country = CrmCountry(allow_null=True)
    country_of_residence = CrmCountry(allow_null=True)
    industry = CrmReference(allow_null=True)
    industry_sector = CrmReference(allow_null=True)
    date_of_birth = CrmDayMonthYear()
    name_day = CrmDayMonth()


class CrmCompanyProfile(s.Serializer):
    tax_reference_number = s.CharField(allow_null=True)
    annual_turnover = s.FloatField(allow_null=True)
    number_of_employees = s.IntegerField(allow_null=True)
    profile_year = s.IntegerField(allow_null=True)
    established_date = s.CharField(allow_null=True)
    industry_sector = CrmReference(allow_null=True)
    registered_in_country = CrmCountry(allow_null=True)
    vat_registration_number = s.CharField(allow_null=True)
    industry = CrmReference(allow_null=True)
    vat_registration_date = s.CharField(allow_null=True)
    vat_registered_by = s.CharField(allow_null=True)
    registration_number = s.CharField(allow_null=True)


def _item(name, fields, udfs):
    extra = {key: s.JSONField(allow_null=True, help_text="Always null (see the README).") for key in udfs}
    return type(
        name,
        (s.Serializer,),
        {
            "id": s.CharField(),
            "type": s.CharField(),
            "state": s.CharField(help_text="`Active` or `Inactive`."),
            **fields,
            **extra,
        },
    )


Address = _item(
    "CrmAddress",
    {
        key: s.CharField(allow_null=True)
        for key in (
            "street_name",
            "street_number",
            "apartment_number",
            "area",
            "town_city",
            "district",
            "municipality",
            "postal_code",
            "po_box",
            "po_box_postal_code",
            "care_of",
            "notes",
        )
    }
    | {"floor": s.IntegerField(allow_null=True), "country": CrmCountry(allow_null=True)},
    codes.ADDRESS_UDF_KEYS,
)
PhoneView = _item(
    "CrmPhone",
    {
        "number": s.CharField(),
        "area_code": s.CharField(allow_null=True),
        "full_number": s.CharField(),
        "country": CrmCountry(allow_null=True),
        "notes": s.CharField(allow_null=True),
    },
    codes.ITEM_UDF_KEYS,
)
EmailView = _item(
    "CrmEmail", {"email": s.CharField(), "notes": s.CharField(allow_null=True)}, codes.ITEM_UDF_KEYS
)


class CrmUser(s.Serializer):
    id = s.CharField()
    username = s.CharField()
    person_name = s.CharField()
    email = s.CharField(allow_null=True)


class CrmUnit(s.Serializer):
    id = s.CharField()
    name = s.CharField()
    description = s.CharField(allow_null=True)
    alternative_code = s.CharField(allow_null=True)
    group_name = s.CharField()
    community_name = s.CharField(allow_null=True)


class CrmLogInformation(s.Serializer):
    created_date = s.CharField()
    updated_date = s.CharField()
    created_by_user = CrmUser(allow_null=True)
    updated_by_user = CrmUser(allow_null=True)
    created_by_unit = CrmUnit(allow_null=True)
    updated_by_unit = CrmUnit(allow_null=True)


class CrmAuthorizationSettings(s.Serializer):
    send_direct_marketing_material = s.BooleanField()
    send_affiliate_marketing_material = s.BooleanField()
    direct_marketing_setting_updated_date = s.CharField(allow_null=True)
    affiliate_marketing_setting_updated_date = s.CharField(allow_null=True)
    direct_marketing_setting_updated_by_user = CrmUser(allow_null=True)
    affiliate_marketing_setting_updated_by_user = CrmUser(allow_null=True)


class CrmRelatedContact(s.Serializer):
    id = s.CharField()
    type = s.CharField()
    name = s.CharField()
    title = s.CharField(allow_null=True)
    first_name = s.CharField(allow_null=True)
    middle_name = s.CharField(allow_null=True)
    last_name = s.CharField(allow_null=True)
    company_name = s.CharField(allow_null=True)
    life_cycle_state = s.CharField()
    company_profile = CrmCompanyProfile(allow_null=True)
    demographics = s.JSONField(allow_null=True)


class CrmRelation(s.Serializer):
    id = s.CharField()
    type = _enum(codes.RELATION_TYPES)
    notes = s.CharField(allow_null=True)
    contact = CrmRelatedContact()


def _view_udfs():
    fields = {}
    for key in codes.UDF_STRINGS:
        fields[key] = s.CharField(allow_null=True)
    for key in codes.UDF_FLOATS:
        fields[key] = s.FloatField(allow_null=True)
    for key in codes.UDF_DATES:
        fields[key] = s.CharField(allow_null=True)
    return fields


ContactInformation = type(
    "CrmContactInformation",
    (s.Serializer,),
    {
        "id": s.CharField(help_text="32 upper-case hex digits."),
        "type": _enum(codes.TYPES),
        "life_cycle_state": _enum(codes.LIFE_CYCLE_STATES),
        "name": s.CharField(),
        "title": s.CharField(allow_null=True),
        "first_name": s.CharField(allow_null=True),
        "middle_name": s.CharField(allow_null=True),
        "last_name": s.CharField(allow_null=True),
        "company_name": s.CharField(allow_null=True),
        "notes": s.CharField(allow_null=True),
        "organizational_unit": s.IntegerField(),
        "preferred_language": _enum(codes.LANGUAGES, allow_null=True),
        "category": CrmReference(allow_null=True),
        "owned_by_group": CrmGroup(allow_null=True),
        "privacy_level": CrmPrivacyLevel(allow_null=True),
        **_view_udfs(),
        "demographics": CrmDemographics(allow_null=True),
        "company_profile": CrmCompanyProfile(allow_null=True),
        "addresses_set": Address(many=True),
        "phones_set": PhoneView(many=True),
        "emails_set": EmailView(many=True),
        "relation_set": CrmRelation(many=True),
        "log_information": CrmLogInformation(),
        "authorization_settings": CrmAuthorizationSettings(),
    },
)

TOKEN = OpenApiParameter(
    "token", OpenApiTypes.STR, required=True, description="The token from the login method."
)
FIELDS_SET = OpenApiParameter("fields_set", OpenApiTypes.STR, description="Comma-separated response keys.")
IDENTIFIER = OpenApiParameter(
    "contact_information_identifier",
    OpenApiTypes.STR,
    required=True,
    description="`field=value` with exactly one of id, id_number, passport_number, social_security_number, "
    "vat_registration_number, registration_number (or a URL-encoded JSON object).",
)
SHOW_PARAMETERS = [TOKEN, IDENTIFIER, FIELDS_SET]
LIST_PARAMETERS = [
    TOKEN,
    *[
        OpenApiParameter(name, OpenApiTypes.STR, description="Semi-optional: at least one is required.")
        for name in (
            "id_number",
            "passport_number",
            "social_security_number",
            "vat_registration_number",
            "email_address",
            "phone_number",
        )
    ],
    OpenApiParameter(
        "number_of_results", OpenApiTypes.INT, description="At most this many (no limit if absent)."
    ),
    OpenApiParameter("offset", OpenApiTypes.INT, description="Skip this many results."),
    FIELDS_SET,
]
