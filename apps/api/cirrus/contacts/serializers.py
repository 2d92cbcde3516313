"""Contacts (spec part 1 §3.4, §4.5): request bodies, their translation to the contact services'
fields, and the Contact shape.

A Cirrus contact is a person party. Its account is the organisation of its primary (current)
company position, where its `title`, `department`, `function` (the position's role) and `superior`
(who it reports to) live too; `primarycontact` says whether it is that organisation's primary
contact. `street` (one line: street, number, box), `city` and `zip` are its main address;
`officephone` and `cellphone` its first landline and mobile numbers; `email` its primary e-mail;
`idnumber` its ID number.
"""

from django.core.validators import EmailValidator
from rest_framework import serializers

from apps.content import downloads
from apps.core.models import Tag
from apps.parties.addresses import address_line
from apps.parties.models import Party, Phone

from .. import fragments as f
from ..toolkit.fields import CirrusSerializer, Flag, IdObjectsField, RefField, Str
from ..toolkit.presenters import flag, text

EMAIL = [EmailValidator(message="Not a valid e-mail address.")]

# --- Requests ---------------------------------------------------------------------------------


class ContactIn(CirrusSerializer):
    """ContactWrite (O52)."""

    name = Str(required=True, allow_blank=False, max_length=100, help_text="First name.")
    surname = Str(required=True, allow_blank=False, max_length=100)
    function = Str(max_length=200)
    department = Str(max_length=200)
    email = Str(max_length=254, validators=EMAIL)
    officephone = Str(max_length=50)
    cellphone = Str(max_length=50)
    title = Str(max_length=200)
    street = Str(max_length=200, help_text="One line: street, house number and box (Storgatan 12 B).")
    city = Str(max_length=100)
    zip = Str(max_length=20)
    accountid = RefField(
        Party.objects.filter(kind=Party.Kind.ORGANISATION), what="account", required=True, allow_null=False
    )
    primarycontact = Flag(allow_null=False)
    socialmedia_fb = Str(max_length=255)
    socialmedia_tw = Str(max_length=255)
    socialmedia_li = Str(max_length=255)
    idnumber = Str(max_length=50)
    externalkey = Str(max_length=100)
    active = Flag(allow_null=False)
    superiorid = RefField(Party.objects.filter(kind=Party.Kind.PERSON), what="contact")
    tags = IdObjectsField(Tag.objects.all(), what="tag")


class ContactUpdateIn(ContactIn):
    """O56: the O52 fields, all optional; a contact keeps its account (`accountid` is ignored).
    A name or surname sent must not be blank; null (what a contact without one shows) keeps it."""

    name = Str(allow_blank=False, allow_null=True, max_length=100, help_text="First name.")
    surname = Str(allow_blank=False, allow_null=True, max_length=100)
    accountid = None


PERSON_FIELDS = {
    "name": "first_name",
    "surname": "last_name",
    "email": "email",
    "officephone": "phone",
    "cellphone": "mobile",
    "socialmedia_fb": "facebook",
    "socialmedia_tw": "twitter",
    "socialmedia_li": "linkedin",
    "idnumber": "id_number",
    "externalkey": "external_key",
    "active": "is_active",
}
JOB_FIELDS = {"function": "role", "department": "department", "title": "title", "superiorid": "reports_to"}
# The main address; `street` is one line (street, number and box: apps.parties.addresses).
ADDRESS_FIELDS = {"street": "street_line", "city": "city", "zip": "postal_code"}
CONTACT_ERRORS = {
    **{
        domain: doc
        for mapping in (PERSON_FIELDS, JOB_FIELDS, ADDRESS_FIELDS)
        for doc, domain in mapping.items()
    },
    "street": "street",
    "number": "street",
    "box": "street",
    "organisation": "accountid",
    "primary_contact": "primarycontact",
    "company_name": "accountid",
}


def contact_changes(data: dict) -> dict:
    """Validated ContactIn data as keyword arguments of services_accounts.create/update_contact."""
    changes = {
        PERSON_FIELDS[key]: value
        for key, value in data.items()
        if key in PERSON_FIELDS and not (value is None and key in ("name", "surname"))
    }
    job = {JOB_FIELDS[key]: value for key, value in data.items() if key in JOB_FIELDS}
    address = {ADDRESS_FIELDS[key]: value for key, value in data.items() if key in ADDRESS_FIELDS}
    if job:
        changes["job"] = job
    if address:
        changes["address"] = address
    if "primarycontact" in data:
        changes["primary_contact"] = data["primarycontact"]
    if "tags" in data:
        changes["tags"] = data["tags"] or []
    if data.get("accountid") is not None:
        changes["organisation"] = data["accountid"]
    return changes


# --- Responses --------------------------------------------------------------------------------


class PhotoSerializer(serializers.Serializer):
    avatar = f.nullable(help_text="URL of the contact's picture.")
    photo = f.nullable(help_text="URL of the contact's picture.")


def parties_have_photos() -> bool:
    """Whether parties carry a profile photo (a content file)."""
    return any(field.name == "profile_photo" for field in Party._meta.get_fields())


def photo(person: Party, request=None) -> dict:
    row = getattr(person, "profile_photo", None)
    url = downloads.file_url(row.file, getattr(request, "user", None), request) if row is not None else None
    return {"avatar": url, "photo": url}


class ContactSerializer(serializers.Serializer):
    """Contact (§4.5): every key always present, null when unset."""

    id = serializers.IntegerField()
    account = f.ListedAccountSerializer(allow_null=True)
    name = f.nullable()
    surname = f.nullable()
    function = f.nullable()
    department = f.nullable()
    email = f.nullable()
    officephone = f.nullable()
    cellphone = f.nullable()
    title = f.nullable()
    street = f.nullable()
    city = f.nullable()
    zip = f.nullable()
    primarycontact = serializers.IntegerField(help_text="1 when it is its account's primary contact.")
    socialmedia_fb = f.nullable()
    socialmedia_tw = f.nullable()
    socialmedia_li = f.nullable()
    idnumber = f.nullable()
    externalkey = f.nullable()
    active = serializers.IntegerField()
    superior = f.ListedContactSerializer(allow_null=True)
    files = f.ListedFileSerializer(many=True)
    followers = f.ListedUserSerializer(many=True)
    photo = PhotoSerializer()
    tags = f.TagSerializer(many=True)

    def to_representation(self, person):
        nearto = self.context.get("nearto")
        position = f.primary_position(person)
        account = position.organisation if position else None
        address = person.default_addresses[0] if person.default_addresses else None
        return {
            "id": person.pk,
            "account": f.listed_account(account, nearto),
            "name": text(person.first_name),
            "surname": text(person.last_name),
            "function": text(position.role) if position else None,
            "department": text(position.department) if position else None,
            "email": text(person.primary_email),
            "officephone": text(person.first_phone(Phone.Kind.LANDLINE)),
            "cellphone": text(person.first_phone(Phone.Kind.MOBILE)),
            "title": text(position.title) if position else None,
            "street": text(address_line(address)) if address else None,
            "city": text(address.city) if address else None,
            "zip": text(address.postal_code) if address else None,
            "primarycontact": flag(account is not None and account.primary_contact_id == person.pk),
            "socialmedia_fb": text(person.facebook),
            "socialmedia_tw": text(person.twitter),
            "socialmedia_li": text(person.linkedin),
            "idnumber": text(person.id_number),
            "externalkey": text(person.external_key),
            "active": flag(person.is_active),
            "superior": f.listed_contact(position.reports_to) if position else None,
            "files": f.listed_files(person.files.all()),
            "followers": [f.listed_user(user) for user in person.followers.all()],
            "photo": photo(person, self.context.get("request")),
            "tags": [f.tag(row, "contact") for row in person.tags.all()],
        }
