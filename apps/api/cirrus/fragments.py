"""The shapes several Cirrus resources share (spec part 1 §4.1): Address(es) with Coordinates,
ListedUser, ListedAccount, ListedContact, AccountContact, ListedOpportunity, Source, Tag,
ListedFile, IdName. Each is a
function from prefetched rows to a dict with every key of the shape (null when unset), plus the
prefetches it needs, so a page of any resource reads a fixed number of queries. The serializers
beside each function document the shape in the OpenAPI schema.
"""

from django.contrib.auth import get_user_model
from django.db.models import Prefetch, Q
from rest_framework import serializers

from apps.parties.addresses import CIRRUS_ACCOUNT_ADDRESSES, CIRRUS_MAIN, CIRRUS_TYPED
from apps.parties.models import Address, CompanyPosition, EmailAddress, Party, Phone

from .toolkit import geo
from .toolkit.presenters import coordinate, flag, local_date, text

User = get_user_model()
# What a Cirrus account and a contact are: an organisation and a person (reference querysets).
ORGANISATIONS = Party.objects.filter(kind=Party.Kind.ORGANISATION)
PERSONS = Party.objects.filter(kind=Party.Kind.PERSON)


def nullable(**kwargs):
    return serializers.CharField(allow_null=True, **kwargs)


# --- Users ------------------------------------------------------------------------------------


def users_have_profiles() -> bool:
    """Whether users carry a staff profile (title, phones): core.UserProfile as `user.profile`."""
    return any(rel.related_name == "profile" and rel.one_to_one for rel in User._meta.related_objects)


def user_paths(path: str) -> list[str]:
    """select_related paths for a ListedUser at `path`."""
    return [path, f"{path}__profile"] if users_have_profiles() else [path]


def users_queryset():
    """Users for a ListedUser prefetch."""
    queryset = User.objects.order_by("id")
    return queryset.select_related("profile") if users_have_profiles() else queryset


def _profile_value(user, name: str):
    try:
        return text(getattr(user.profile, name))
    except AttributeError:  # no profile relation, or no profile row (RelatedObjectDoesNotExist)
        return None


class ListedUserSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = nullable()
    surname = nullable()
    title = nullable()
    email = nullable()
    phone = nullable()
    cellphone = nullable()


def listed_user(user) -> dict | None:
    if user is None:
        return None
    return {
        "id": user.pk,
        "name": text(user.first_name),
        "surname": text(user.last_name),
        "title": _profile_value(user, "title"),
        "email": text(user.email),
        "phone": _profile_value(user, "phone"),
        "cellphone": _profile_value(user, "cellphone"),
    }


# --- Addresses --------------------------------------------------------------------------------


class CoordinatesSerializer(serializers.Serializer):
    latitude = nullable(help_text="Degrees, as a string.")
    longitude = nullable(help_text="Degrees, as a string.")
    distance = nullable(help_text="Kilometres from `nearto`; null without it.")


class AddressSerializer(serializers.Serializer):
    careof = nullable()
    name = nullable()
    street = nullable()
    zip = nullable()
    city = nullable()
    country = nullable(help_text="ISO 3166-1 alpha-2 code.")
    email = nullable()
    coordinates = CoordinatesSerializer()
    number = nullable(help_text="Street number.")
    letter = nullable(help_text="Door letter.")


class AddressesSerializer(serializers.Serializer):
    visiting = AddressSerializer()
    delivery = AddressSerializer()
    invoice = AddressSerializer()
    postal = AddressSerializer()


def coordinates(address: Address | None, nearto=None) -> dict:
    if address is None:
        return {"latitude": None, "longitude": None, "distance": None}
    distance = geo.distance_km(nearto, address.latitude, address.longitude) if nearto else None
    return {
        "latitude": coordinate(address.latitude),
        "longitude": coordinate(address.longitude),
        "distance": geo.format_km(distance),
    }


def address(row: Address | None, nearto=None) -> dict:
    if row is None:
        row = Address()
    return {
        "careof": text(row.care_of),
        "name": text(row.addressee),
        "street": text(row.street),
        "zip": text(row.postal_code),
        "city": text(row.city),
        "country": text(row.country),
        "email": text(row.email),
        "coordinates": coordinates(row if row.pk else None, nearto),
        "number": text(row.number),
        "letter": text(row.box),
    }


def account_addresses_condition(prefix: str = "") -> Q:
    """The four account addresses among a party's: the main one (postal) and the typed ones."""
    return Q(**{f"{prefix}is_default": True}) | Q(**{f"{prefix}address_type__code__in": CIRRUS_TYPED})


def account_addresses_prefetch(prefix: str = "") -> Prefetch:
    """The party's four account addresses, as `account_addresses`."""
    rows = Address.objects.filter(account_addresses_condition()).select_related("address_type")
    return Prefetch(f"{prefix}addresses", queryset=rows.order_by("id"), to_attr="account_addresses")


def account_address_code(row: Address) -> str:
    """Which of the four account addresses a row is."""
    return CIRRUS_MAIN if row.is_default else row.address_type.code


def typed_address(party: Party, code: str) -> Address | None:
    for row in party.account_addresses:
        if account_address_code(row) == code:
            return row
    return None


def addresses(party: Party, nearto=None) -> dict:
    return {code: address(typed_address(party, code), nearto) for code in CIRRUS_ACCOUNT_ADDRESSES}


# --- Listed parties ---------------------------------------------------------------------------


def contact_details_prefetches(prefix: str = "") -> list[Prefetch]:
    """A party's primary e-mail (`primary_emails`) and phones (`phone_list`)."""
    return [
        Prefetch(
            f"{prefix}email_addresses",
            queryset=EmailAddress.objects.filter(is_primary=True),
            to_attr="primary_emails",
        ),
        Prefetch(f"{prefix}phones", queryset=Phone.objects.order_by("id"), to_attr="phone_list"),
    ]


def listed_account_prefetches(prefix: str = "") -> list[Prefetch]:
    return [*contact_details_prefetches(prefix), account_addresses_prefetch(prefix)]


def primary_positions_prefetch(prefix: str = "", *, with_reports_to=False) -> Prefetch:
    """The person's primary (current) position with its organisation, as `primary_positions`."""
    related = ["organisation", "reports_to"] if with_reports_to else ["organisation"]
    rows = CompanyPosition.objects.filter(is_primary=True).select_related(*related)
    return Prefetch(f"{prefix}company_positions", queryset=rows, to_attr="primary_positions")


def primary_position(person: Party) -> CompanyPosition | None:
    positions = getattr(person, "primary_positions", None)
    return positions[0] if positions else None


class ListedAccountSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = nullable()
    alt_name = nullable()
    number = nullable()
    email = nullable()
    phone = nullable()
    cellphone = nullable()
    coordinates = CoordinatesSerializer()


def listed_account(party: Party | None, nearto=None) -> dict | None:
    """An account in brief; its coordinates are the visiting address's, else the postal one's."""
    if party is None:
        return None
    located = next(
        (
            row
            for code in ("visiting", "postal")
            if (row := typed_address(party, code)) is not None and row.latitude is not None
        ),
        None,
    )
    return {
        "id": party.pk,
        "name": text(party.name),
        "alt_name": text(party.alt_name),
        "number": text(party.account_number),
        "email": text(party.primary_email),
        "phone": text(party.first_phone(Phone.Kind.LANDLINE)),
        "cellphone": text(party.first_phone(Phone.Kind.MOBILE)),
        "coordinates": coordinates(located, nearto),
    }


class ListedContactSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = nullable()
    surname = nullable()
    title = nullable()
    email = nullable()
    officephone = nullable()
    cellphone = nullable()
    number = nullable(help_text="Always null: the doc names no source (OQ-24).")


class ContactSummarySerializer(serializers.Serializer):
    """An account's contact and an activity's primary contact (AccountContact has `primary` too)."""

    id = serializers.IntegerField()
    name = nullable()
    surname = nullable()
    email = nullable()
    phone = nullable(help_text="The contact's office phone.")
    cellphone = nullable()
    title = nullable()


def listed_contact(person: Party | None) -> dict | None:
    """A contact in brief (its `primary_positions` and contact details prefetched)."""
    if person is None:
        return None
    position = primary_position(person)
    return {
        "id": person.pk,
        "name": text(person.first_name),
        "surname": text(person.last_name),
        "title": text(position.title) if position else None,
        "email": text(person.primary_email),
        "officephone": text(person.first_phone(Phone.Kind.LANDLINE)),
        "cellphone": text(person.first_phone(Phone.Kind.MOBILE)),
        "number": None,
    }


def listed_contact_prefetches(prefix: str = "") -> list[Prefetch]:
    return [*contact_details_prefetches(prefix), primary_positions_prefetch(prefix)]


# --- The pipeline -----------------------------------------------------------------------------


def activity_description(activity) -> str | None:
    """An activity's Cirrus `description`: its description, else its name (the one line every API
    shows; Cirrus writes both)."""
    return text(activity.description) or text(activity.name)


class ListedOpportunitySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = nullable()
    description = nullable()
    estimatedenddate = nullable(help_text="YYYY-MM-DD")
    account = ListedAccountSerializer(allow_null=True)
    user = ListedUserSerializer(allow_null=True)


def listed_opportunity_paths(path: str) -> list[str]:
    """select_related paths for a ListedOpportunity at `path` (its account's rows are prefetched
    with listed_account_prefetches(f"{path}__account__"))."""
    return [path, f"{path}__account", *user_paths(f"{path}__owner")]


def listed_opportunity(opportunity, nearto=None) -> dict | None:
    if opportunity is None:
        return None
    return {
        "id": opportunity.pk,
        "title": text(opportunity.title),
        "description": text(opportunity.description),
        "estimatedenddate": local_date(opportunity.estimated_end_date),
        "account": listed_account(opportunity.account, nearto),
        "user": listed_user(opportunity.owner),
    }


class SourceSerializer(serializers.Serializer):
    """Where a lead or an opportunity came from (O97)."""

    id = serializers.IntegerField()
    name = nullable()
    default = serializers.IntegerField()

    def to_representation(self, row):
        return source(row)


def source(row) -> dict | None:
    return None if row is None else {"id": row.pk, "name": text(row.name), "default": flag(row.is_default)}


# --- Small shapes -----------------------------------------------------------------------------


class IdNameSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = nullable()


def id_name(obj, name: str = "name", *, key: str = "name") -> dict | None:
    """`{id, name}` of a record (its `name` attribute shown under `key`); None for none."""
    return None if obj is None else {"id": obj.pk, key: text(getattr(obj, name))}


class TagSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    type = serializers.CharField(help_text="`company` on accounts, `contact` on contacts (OQ-25).")


def tag(row, kind: str) -> dict:
    return {"id": row.pk, "name": row.name, "type": kind}


class ListedFileSerializer(IdNameSerializer):
    pass


def listed_files(rows) -> list[dict]:
    return [{"id": row.pk, "name": text(row.name)} for row in rows]
