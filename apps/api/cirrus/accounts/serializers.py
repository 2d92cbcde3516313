"""Accounts (spec part 1 §3.1, §4.2): request bodies, their translation to the account services'
fields, and the response shapes (Account, AccountType, AccountGroup, AccountBudget,
AccountCoordinate).

A Cirrus account is an organisation party: `url` is its website, `vatno` its VAT number, `info`
its notes, `active` is_active, `phone`/`cellphone`/`fax` its first landline, mobile and fax
numbers, `email` its primary e-mail, `number` its account number, `userid` its responsible user,
`addresses` its visiting, delivery, invoice and postal addresses (address types with those codes).
"""

from decimal import Decimal, InvalidOperation

from django.contrib.auth import get_user_model
from django.core.validators import EmailValidator
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.core.models import Tag
from apps.parties import addresses
from apps.parties.models import AccountGroup, AccountType, Party, Phone

from .. import fragments as f
from ..coordinates import CoordinateSerializer
from ..toolkit.fields import CirrusSerializer, Flag, IdObjectsField, Int, RefField, Str
from ..toolkit.presenters import flag, text

User = get_user_model()
EMAIL = [EmailValidator(message="Not a valid e-mail address.")]

# --- Requests ---------------------------------------------------------------------------------


@extend_schema_field({"type": "string", "nullable": True, "example": "63.82"})
class CoordinateField(serializers.Field):
    """Degrees as a string or a number (null or "" clears); stored with 6 decimals."""

    json_type = "string"

    def __init__(self, *, limit: int, **kwargs):
        self.limit = limit
        kwargs.setdefault("required", False)
        kwargs.setdefault("allow_null", True)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        if data == "":
            return None
        if isinstance(data, bool) or not isinstance(data, str | int | float):
            raise serializers.ValidationError(f"{data!r} is not a coordinate")
        try:
            value = Decimal(str(data).strip())
        except InvalidOperation:
            raise serializers.ValidationError(f"{data!r} is not a coordinate") from None
        if not value.is_finite() or abs(value) > self.limit:
            raise serializers.ValidationError(f"{data!r} is not between -{self.limit} and {self.limit}")
        return value.quantize(Decimal("0.000001"))


class CountryField(Str):
    """A country as its ISO code (alpha-2 or alpha-3) or name; stored as alpha-2."""

    def to_internal_value(self, data):
        value = super().to_internal_value(data).strip()
        if not value:
            return ""
        code = addresses.country_code(value)
        if code is None:
            raise serializers.ValidationError(f"'{value}' is not a known country.")
        return code


class CoordinatesIn(CirrusSerializer):
    latitude = CoordinateField(limit=90)
    longitude = CoordinateField(limit=180)
    # `distance` is output only: ignored


class AddressIn(CirrusSerializer):
    careof = Str(max_length=100)
    name = Str(max_length=200)
    street = Str(max_length=200)
    zip = Str(max_length=20)
    city = Str(max_length=100)
    country = CountryField()
    email = Str(max_length=254, validators=EMAIL)
    coordinates = CoordinatesIn(required=False, allow_null=True)
    number = Str(max_length=20)
    letter = Str(max_length=20)


class AddressesIn(CirrusSerializer):
    visiting = AddressIn(required=False, allow_null=True)
    delivery = AddressIn(required=False, allow_null=True)
    invoice = AddressIn(required=False, allow_null=True)
    postal = AddressIn(required=False, allow_null=True)


ADDRESS_FIELDS = {
    "careof": "care_of",
    "name": "addressee",
    "street": "street",
    "zip": "postal_code",
    "city": "city",
    "country": "country",
    "email": "email",
    "number": "number",
    "letter": "box",
}


def address_changes(data: dict) -> dict:
    """An AddressIn's validated data as Address field values (only those sent)."""
    changes = {ADDRESS_FIELDS[key]: value for key, value in data.items() if key in ADDRESS_FIELDS}
    for key in ("latitude", "longitude"):
        if key in (data.get("coordinates") or {}):
            changes[key] = data["coordinates"][key]
    return changes


class AccountIn(CirrusSerializer):
    """AccountWrite (O1). On PUT (O14) every field is optional; a name sent must not be blank."""

    name = Str(required=True, allow_blank=False, max_length=255)
    alt_name = Str(max_length=255)
    typeid = RefField(AccountType.objects.all(), what="account type", required=True, allow_null=False)
    number = Str(max_length=50)
    userid = RefField(User.objects.all(), what="user", required=True, allow_null=False)
    alternateuserid = RefField(User.objects.all(), what="user", accept_string=True)
    phone = Str(max_length=50)
    cellphone = Str(max_length=50)
    fax = Str(max_length=50)
    email = Str(max_length=254, validators=EMAIL)
    url = Str(max_length=255)
    vatno = Str(max_length=50)
    active = Flag(allow_null=False)
    info = Str()
    socialmedia_fb = Str(max_length=255)
    socialmedia_tw = Str(max_length=255)
    socialmedia_li = Str(max_length=255)
    uservisitintervalweeks = Int(min_value=0, max_value=32767)
    alternateuservisitintervalweeks = Int(min_value=0, max_value=32767)
    parentaccountid = RefField(Party.objects.filter(kind=Party.Kind.ORGANISATION), what="account")
    addresses = AddressesIn(required=False, allow_null=True)
    accountgroups = IdObjectsField(AccountGroup.objects.all(), what="account group")
    externalkey = Str(max_length=100)
    tags = IdObjectsField(Tag.objects.all(), what="tag")


# doc field -> services_accounts field
ACCOUNT_FIELDS = {
    "name": "name",
    "alt_name": "alt_name",
    "typeid": "account_type",
    "number": "account_number",
    "userid": "responsible_user",
    "alternateuserid": "alternate_user",
    "phone": "phone",
    "cellphone": "mobile",
    "email": "email",
    "url": "website",
    "vatno": "vat_number",
    "active": "is_active",
    "info": "notes",
    "socialmedia_fb": "facebook",
    "socialmedia_tw": "twitter",
    "socialmedia_li": "linkedin",
    "uservisitintervalweeks": "visit_interval_weeks",
    "alternateuservisitintervalweeks": "alternate_visit_interval_weeks",
    "parentaccountid": "parent_organisation",
    "externalkey": "external_key",
}
# The services' field names -> the doc's, for rule violations.
ADDRESS_ERRORS = {
    **{domain: doc for doc, domain in ADDRESS_FIELDS.items()},
    "latitude": "coordinates.latitude",
    "longitude": "coordinates.longitude",
}
ACCOUNT_ERRORS = {
    **{domain: doc for doc, domain in ACCOUNT_FIELDS.items()},
    "primary_contact": "primarycontact",
    **{
        f"addresses.{code}.{domain}": f"addresses.{code}.{doc}"
        for code in ("visiting", "delivery", "invoice", "postal")
        for domain, doc in ADDRESS_ERRORS.items()
    },
}


def account_changes(data: dict) -> dict:
    """Validated AccountIn data as keyword arguments of services_accounts.create/update_account."""
    changes = {ACCOUNT_FIELDS[key]: value for key, value in data.items() if key in ACCOUNT_FIELDS}
    if "fax" in data:
        changes["fax"] = data["fax"]
    if data.get("addresses"):
        changes["addresses"] = {
            code: address_changes(value) for code, value in data["addresses"].items() if value is not None
        }
    if "accountgroups" in data:
        changes["groups"] = data["accountgroups"] or []
    if "tags" in data:
        changes["tags"] = data["tags"] or []
    return changes


class AccountGroupIn(CirrusSerializer):
    required_on_update = ("name",)
    name = Str(required=True, allow_blank=False, max_length=100)


class BudgetIn(CirrusSerializer):
    budget = Int(help_text="The budget assigned to the account for the year/month period.")


# --- Responses --------------------------------------------------------------------------------


class AccountContactSerializer(f.ContactSummarySerializer):
    primary = serializers.IntegerField(help_text="1 for the account's primary contact.")


def account_contact(position, account: Party) -> dict:
    person = position.person
    return {
        "id": person.pk,
        "name": text(person.first_name),
        "surname": text(person.last_name),
        "email": text(person.primary_email),
        "phone": text(person.first_phone(Phone.Kind.LANDLINE)),
        "cellphone": text(person.first_phone(Phone.Kind.MOBILE)),
        "primary": flag(account.primary_contact_id == person.pk),
        "title": text(position.title),
    }


class AccountSerializer(serializers.Serializer):
    """Account (§4.2): every key always present, null when unset."""

    id = serializers.IntegerField()
    name = serializers.CharField()
    alt_name = f.nullable()
    number = f.nullable()
    phone = f.nullable()
    cellphone = f.nullable()
    fax = f.nullable()
    email = f.nullable()
    url = f.nullable()
    vatno = f.nullable()
    active = serializers.IntegerField(help_text="1 active, 0 inactive.")
    info = f.nullable()
    socialmedia_fb = f.nullable()
    socialmedia_tw = f.nullable()
    socialmedia_li = f.nullable()
    department = f.nullable(help_text="Read-only; always null here.")
    externalkey = f.nullable()
    uservisitintervalweeks = serializers.IntegerField(allow_null=True)
    alternateuservisitintervalweeks = serializers.IntegerField(allow_null=True)
    addresses = f.AddressesSerializer()
    files = f.ListedFileSerializer(many=True)
    type = f.IdNameSerializer(allow_null=True)
    user = f.ListedUserSerializer(allow_null=True)
    parentaccount = f.ListedAccountSerializer(allow_null=True)
    contacts = AccountContactSerializer(many=True)
    followers = f.ListedUserSerializer(many=True)
    accountgroups = f.IdNameSerializer(many=True)
    tags = f.TagSerializer(many=True)
    alternateuserid = f.nullable(help_text="A string, as the doc's sample shows (OQ-22).")
    alternateuser = f.ListedUserSerializer(allow_null=True)

    def to_representation(self, party):
        nearto = self.context.get("nearto")
        return {
            "id": party.pk,
            "name": party.name,
            "alt_name": text(party.alt_name),
            "number": text(party.account_number),
            "phone": text(party.first_phone(Phone.Kind.LANDLINE)),
            "cellphone": text(party.first_phone(Phone.Kind.MOBILE)),
            "fax": text(party.first_phone(Phone.Kind.FAX)),
            "email": text(party.primary_email),
            "url": text(party.website),
            "vatno": text(party.vat_number),
            "active": flag(party.is_active),
            "info": text(party.notes),
            "socialmedia_fb": text(party.facebook),
            "socialmedia_tw": text(party.twitter),
            "socialmedia_li": text(party.linkedin),
            "department": None,
            "externalkey": text(party.external_key),
            "uservisitintervalweeks": party.visit_interval_weeks,
            "alternateuservisitintervalweeks": party.alternate_visit_interval_weeks,
            "addresses": f.addresses(party, nearto),
            "files": f.listed_files(party.files.all()),
            "type": f.id_name(party.account_type),
            "user": f.listed_user(party.responsible_user),
            "parentaccount": f.listed_account(party.parent_organisation, nearto),
            "contacts": [account_contact(position, party) for position in party.account_contacts],
            "followers": [f.listed_user(user) for user in party.followers.all()],
            "accountgroups": [f.id_name(group) for group in party.account_groups.all()],
            "tags": [f.tag(row, "company") for row in party.tags.all()],
            "alternateuserid": str(party.alternate_user_id) if party.alternate_user_id else None,
            "alternateuser": f.listed_user(party.alternate_user),
        }


class AccountTypeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    defaulttab = f.nullable()
    sortorder = serializers.IntegerField()
    isdefault = serializers.IntegerField()
    turnover_from = serializers.IntegerField(allow_null=True)
    turnover_to = serializers.IntegerField(allow_null=True)
    turnoverpotential_from = serializers.IntegerField(allow_null=True)
    turnoverpotential_to = serializers.IntegerField(allow_null=True)
    turnover_volume1from = serializers.IntegerField(allow_null=True)
    turnover_volume1to = serializers.IntegerField(allow_null=True)
    turnover_volume2from = serializers.IntegerField(allow_null=True)
    turnover_volume2to = serializers.IntegerField(allow_null=True)
    turnoverpotential_volume1from = serializers.IntegerField(allow_null=True)
    turnoverpotential_volume1to = serializers.IntegerField(allow_null=True)
    turnoverpotential_volume2from = serializers.IntegerField(allow_null=True)
    turnoverpotential_volume2to = serializers.IntegerField(allow_null=True)
    typeiscustomer = serializers.IntegerField()
    typeisprospect = serializers.IntegerField()

    def to_representation(self, row):
        return {
            "id": row.pk,
            "name": row.name,
            "defaulttab": text(row.default_tab),
            "sortorder": row.sort_order,
            "isdefault": flag(row.is_default),
            "turnover_from": row.turnover_from,
            "turnover_to": row.turnover_to,
            "turnoverpotential_from": row.turnover_potential_from,
            "turnoverpotential_to": row.turnover_potential_to,
            "turnover_volume1from": row.turnover_volume1_from,
            "turnover_volume1to": row.turnover_volume1_to,
            "turnover_volume2from": row.turnover_volume2_from,
            "turnover_volume2to": row.turnover_volume2_to,
            "turnoverpotential_volume1from": row.turnover_potential_volume1_from,
            "turnoverpotential_volume1to": row.turnover_potential_volume1_to,
            "turnoverpotential_volume2from": row.turnover_potential_volume2_from,
            "turnoverpotential_volume2to": row.turnover_potential_volume2_to,
            "typeiscustomer": flag(row.is_customer),
            "typeisprospect": flag(row.is_prospect),
        }


class AccountGroupSerializer(f.IdNameSerializer):
    def to_representation(self, row):
        return {"id": row.pk, "name": row.name}


class AccountBudgetSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    year = serializers.IntegerField()
    month = serializers.IntegerField()
    budget = serializers.IntegerField()

    def to_representation(self, row):
        return {"id": row.pk, "year": row.year, "month": row.month, "budget": row.amount}


class AccountCoordinateSerializer(CoordinateSerializer):
    id_key = "accountid"
    accountid = serializers.IntegerField()
