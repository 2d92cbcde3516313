"""The incwo `<contact>` object over a person party: its code lists, reading a `<contact>` body
into the parties domain's profile writes, and rendering a person as `<contact>`.

The seed swaps the titles of two code lists; as the spec resolves it, 20/21/22 are address kinds
(`contact_address/address_type`) and 23…554 the channels (`contact_item/type_id`). A code from
the other list is refused (422).
"""

from xml.etree import ElementTree as ET  # noqa: S405 - generation only

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models import Prefetch

from apps.parties import addresses
from apps.parties.models import (
    Address,
    CompanyPosition,
    Country,
    EmailAddress,
    MessengerAccount,
    Party,
    Phone,
)
from apps.parties.services_profile import UNSET, ItemChange, Job

from .conventions import MalformedXML, Unprocessable

CIVILITIES = {17: "Mr", 18: "Mrs", 19: "Miss"}
# Titles (lower case, without dots) read as a civility.
TITLE_CIVILITY = {
    "mr": 17,
    "m": 17,
    "monsieur": 17,
    "mrs": 18,
    "ms": 18,
    "madam": 18,
    "madame": 18,
    "mme": 18,
    "miss": 19,
    "mademoiselle": 19,
    "mlle": 19,
}
CONTACT_TYPES = {
    "client": Party.Relationship.CLIENT,
    "prospect": Party.Relationship.PROSPECT,
    "supplier": Party.Relationship.SUPPLIER,
    "press": Party.Relationship.PRESS,
    "partner": Party.Relationship.PARTNER,
    "staff": Party.Relationship.STAFF,
    "perso": Party.Relationship.PERSONAL,
    "other": Party.Relationship.OTHER,
}
CONTACT_TYPE_CODES = {value: key for key, value in CONTACT_TYPES.items()}
# address_type -> the kind of address (apps.parties.addresses: 22 shows every other kind).
ADDRESS_TYPES = addresses.INCWO_KINDS

P, B = EmailAddress.Context.PERSONAL, EmailAddress.Context.BUSINESS
# type_id -> (domain table, attributes)
ITEM_TYPES = {
    23: ("phone", {"kind": Phone.Kind.LANDLINE, "context": P}),
    24: ("phone", {"kind": Phone.Kind.LANDLINE, "context": B}),
    471: ("phone", {"kind": Phone.Kind.LANDLINE, "context": B, "is_primary": True}),
    25: ("phone", {"kind": Phone.Kind.FAX, "context": P}),
    26: ("phone", {"kind": Phone.Kind.FAX, "context": B}),
    554: ("phone", {"kind": Phone.Kind.MOBILE, "context": P}),
    88: ("phone", {"kind": Phone.Kind.MOBILE, "context": B}),
    28: ("email", {"context": P}),
    27: ("email", {"context": B}),
    430: ("messenger", {"service": MessengerAccount.Service.SKYPE}),
    431: ("messenger", {"service": MessengerAccount.Service.YAHOO}),
    432: ("messenger", {"service": MessengerAccount.Service.MSN}),
    433: ("messenger", {"service": MessengerAccount.Service.AIM}),
    457: ("messenger", {"service": MessengerAccount.Service.ICQ}),
}
MESSENGER_CODES = {
    attrs["service"]: code for code, (kind, attrs) in ITEM_TYPES.items() if kind == "messenger"
}
# incwo is French: country names are rendered in French (django-countries' translations).
LANGUAGE = "fr"


def civility_of(title: str):
    return TITLE_CIVILITY.get(title.strip().rstrip(".").lower()) if title else None


def phone_code(row: Phone) -> int:
    business = row.context == B
    if row.kind == Phone.Kind.MOBILE:
        return 88 if business else 554
    if row.kind == Phone.Kind.FAX:
        return 26 if business else 25
    if business:
        return 471 if row.is_primary else 24
    return 23


def email_code(row: EmailAddress) -> int:
    return 27 if row.context == B else 28


def find_country(name: str) -> Country | None:
    """The Country a name (English or French) or an ISO code names (apps.parties.addresses)."""
    code = addresses.country_code(name)
    return Country.objects.filter(alpha_2=code).first() if code else None


def country_of(party) -> str | None:
    country = party.country_of_residence
    if country is None:
        return None
    return addresses.country_name(country.alpha_2, LANGUAGE) if country.alpha_2 else country.name


def item_rows(party) -> list[tuple[int, str, str, object]]:
    """The party's phones, e-mails and messenger ids as incwo shows them, in its order:
    (type_id, value, domain table, row). Prefetched as `incwo_*` when present."""

    def rows(name, related):
        prefetched = getattr(party, name, None)
        return prefetched if prefetched is not None else list(related.select_related("party").order_by("id"))

    listed = (
        [
            (row.created, 0, row.pk, phone_code(row), row.number, "phone", row)
            for row in rows("incwo_phones", party.phones)
        ]
        + [
            (row.created, 1, row.pk, email_code(row), row.email, "email", row)
            for row in rows("incwo_emails", party.email_addresses)
        ]
        + [
            (row.created, 2, row.pk, MESSENGER_CODES[row.service], row.handle, "messenger", row)
            for row in rows("incwo_messengers", party.messenger_accounts)
        ]
    )
    return [(code, value, kind, row) for *_, code, value, kind, row in sorted(listed, key=lambda r: r[:3])]


def listed_addresses(party) -> list:
    """(address, kind) as incwo lists them: apps.parties.addresses.listed."""
    rows = getattr(party, "incwo_addresses", None)
    if rows is None:
        rows = list(party.addresses.select_related("address_type"))
    return addresses.listed(rows, party)


# --- Reading a <contact> ------------------------------------------------------------------------


def _text(element) -> str | None:
    """An element's text; an empty element clears (None)."""
    value = "".join(element.itertext()).strip()
    return value or None


def _code(element, allowed, label, errors):
    value = _text(element)
    if value is None:
        return None
    if not value.isdigit() or int(value) not in allowed:
        errors.append(f"{label} is not included in the list")
        return UNSET
    return int(value)


class ContactReader:
    """Reads a `<contact>` into profile writes; `errors` collects validation messages (422)."""

    def __init__(self, root, *, party: Party | None = None):
        if not isinstance(root, ET.Element):
            raise MalformedXML("Empty body.")
        if root.tag != "contact":
            raise MalformedXML("The root element must be <contact>.")
        self.root = root
        self.party = party
        self.creating = party is None
        self.fields: dict = {}
        self.job = Job()
        self.items: list[ItemChange] = []
        self.errors: list[str] = []
        self._address_types = None

    def child(self, name):
        return self.root.find(name)

    def read(self):
        f, errors = self.fields, self.errors
        for name in ("last_name", "first_name"):
            element = self.child(name)
            if element is not None:
                value = _text(element) or ""
                if len(value) > 100:
                    errors.append(
                        f"{name.replace('_', ' ').capitalize()} is too long (maximum is 100 characters)"
                    )
                f[name] = value
        last = f.get("last_name", self.party.last_name if self.party else "")
        first = f.get("first_name", self.party.first_name if self.party else "")
        if not (last or "").strip() and not (first or "").strip():
            errors.append("Last name can't be blank")
        if (element := self.child("comment")) is not None:
            f["notes"] = _text(element) or ""
        if (element := self.child("civility_label_id")) is not None:
            code = _code(element, CIVILITIES, "Civility label", errors)
            # the civility shown (none for a title like Dr) written back keeps the title
            if code is not UNSET and not (self.party and code == civility_of(self.party.title)):
                f["title"] = CIVILITIES[code] if code else ""
        if (element := self.child("contact_type")) is not None:
            value = _text(element)
            if value is None:
                f["relationship"] = ""
            elif value in CONTACT_TYPES:
                f["relationship"] = CONTACT_TYPES[value]
            else:
                errors.append("Contact type is not included in the list")
        element = self.child("country")
        if element is not None:
            name = _text(element)
            if name is None:
                f["country_of_residence"] = None
            else:
                country = find_country(name)
                if country is None:
                    errors.append(f"Country {name} is unknown")
                f["country_of_residence"] = country
        elif self.creating:
            f["country_of_residence"] = Country.objects.filter(alpha_2=addresses.default_country()).first()
        self.read_job()
        self.read_addresses()
        self.read_items()
        if errors:
            raise Unprocessable(errors)
        return self

    def read_job(self):
        for name, attr in (("job_title", "title"), ("job_department", "department")):
            element = self.child(name)
            if element is not None:
                value = _text(element) or ""
                if len(value) > 200:
                    self.errors.append(f"{name.replace('_', ' ').capitalize()} is too long")
                setattr(self.job, attr, value)
        element = self.child("firm_id")
        if element is not None:
            value = _text(element)
            if value is None:
                self.job.organisation = None
            else:
                firm = (
                    Party.objects.filter(pk=int(value), kind=Party.Kind.ORGANISATION).first()
                    if value.isdigit()
                    else None
                )
                if firm is None:
                    self.errors.append("Firm does not exist")
                else:
                    self.job.organisation = firm

    def read_addresses(self):
        """The collection replaces the addresses incwo shows, position by position: the n-th
        address written updates the n-th one shown (its kind changes only when its code does),
        more are added, fewer remove the rest (the main address is emptied, not deleted)."""
        collection = self.child("contact_addresses")
        if collection is None:
            return
        shown = listed_addresses(self.party) if self.party is not None else []
        elements = collection.findall("contact_address")
        for index, element in enumerate(elements):
            data = self.address_data(element)
            if data is None:
                continue
            code = data.pop("code")
            if index < len(shown):
                row, kind = shown[index]
                if code != addresses.incwo_code(kind):
                    data["kind"] = ADDRESS_TYPES[code]
                self.items.append(ItemChange("address", "update", row=row, data=data))
            else:
                self.items.append(ItemChange("address", "add", data={"kind": ADDRESS_TYPES[code], **data}))
        for row, _kind in shown[len(elements) :]:
            self.items.append(ItemChange("address", "remove", row=row))

    def address_data(self, element) -> dict | None:
        type_element = element.find("address_type")
        if type_element is None or _text(type_element) is None:
            self.errors.append("Address type can't be blank")
            return None
        code = _code(type_element, ADDRESS_TYPES, "Address type", self.errors)
        if code is UNSET:
            return None
        data = {"code": code}
        for name, attr, length in (
            ("street_address", "street_line", 200),
            ("street_address2", "line2", 200),
            ("zip_code", "postal_code", 20),
            ("city", "city", 100),
        ):
            child = element.find(name)
            if child is not None:
                value = _text(child) or ""
                if len(value) > length:
                    self.errors.append(f"{name.replace('_', ' ').capitalize()} is too long")
                data[attr] = value
        child = element.find("country")
        if child is not None:
            name = _text(child)
            country = addresses.country_code(name) if name else ""
            if country is None:
                self.errors.append(f"Country {name} is unknown")
            else:
                data["country"] = country
        return data

    def read_items(self):
        """The collection replaces the phones, e-mails and messenger ids: an item written as
        shown keeps its row (and what incwo does not show of it), the others are added and the
        rows not written back removed."""
        collection = self.child("contact_items")
        if collection is None:
            return
        kept = item_rows(self.party) if self.party is not None else []
        for element in collection.findall("contact_item"):
            item = self.item_data(element)
            if item is None:
                continue
            code, value, kind, data = item
            same = next((row for row in kept if row[:2] == (code, value)), None)
            if same is not None:
                kept.remove(same)
            else:
                self.items.append(ItemChange(kind, "add", data=data))
        for _code, _value, kind, row in kept:
            self.items.append(ItemChange(kind, "remove", row=row))

    def item_data(self, element):
        """(type_id, value, domain table, fields) of a <contact_item>; None when invalid."""
        type_element = element.find("type_id")
        if type_element is None or _text(type_element) is None:
            self.errors.append("Type can't be blank")
            return None
        code = _code(type_element, ITEM_TYPES, "Type", self.errors)
        if code is UNSET:
            return None
        value_element = element.find("value")
        value = _text(value_element) if value_element is not None else None
        if value is None:
            self.errors.append("Value can't be blank")
            return None
        kind, attrs = ITEM_TYPES[code]
        if kind == "email":
            try:
                validate_email(value)
            except ValidationError:
                self.errors.append(f"Value {value} is not a valid e-mail address")
                return None
            return code, value, kind, {"email": value, **attrs}
        if kind == "phone":
            if len(value) > 50:
                self.errors.append("Value is too long (maximum is 50 characters)")
                return None
            return code, value, kind, {"number": value, **attrs}
        if len(value) > 200:
            self.errors.append("Value is too long (maximum is 200 characters)")
            return None
        return code, value, kind, {"handle": value, **attrs}


# --- Rendering ----------------------------------------------------------------------------------


def contact_queryset():
    return (
        Party.objects.filter(kind=Party.Kind.PERSON)
        .select_related("country_of_residence")
        .prefetch_related(
            Prefetch(
                "addresses",
                queryset=Address.objects.select_related("address_type").order_by("id"),
                to_attr="incwo_addresses",
            ),
            Prefetch("phones", queryset=Phone.objects.order_by("id"), to_attr="incwo_phones"),
            Prefetch("email_addresses", queryset=EmailAddress.objects.order_by("id"), to_attr="incwo_emails"),
            Prefetch(
                "messenger_accounts",
                queryset=MessengerAccount.objects.order_by("id"),
                to_attr="incwo_messengers",
            ),
            Prefetch(
                "company_positions",
                queryset=CompanyPosition.objects.filter(is_primary=True),
                to_attr="incwo_jobs",
            ),
        )
        .order_by("id")
    )


def _sub(parent, name, value=None):
    element = ET.SubElement(parent, name)
    if value not in (None, ""):
        element.text = str(value)
    return element


class ContactWriter:
    """Renders persons of `contact_queryset()` (countries by name, in French)."""

    def __init__(self, parties):
        self.parties = list(parties)

    def contact(self, party, parent=None) -> ET.Element:
        root = ET.Element("contact") if parent is None else ET.SubElement(parent, "contact")
        job = party.incwo_jobs[0] if party.incwo_jobs else None
        _sub(root, "id", party.pk)
        _sub(root, "civility_label_id", civility_of(party.title))
        _sub(root, "last_name", party.last_name)
        _sub(root, "first_name", party.first_name)
        _sub(root, "comment", party.notes)
        _sub(root, "job_title", job.title if job else None)
        _sub(root, "job_department", job.department if job else None)
        _sub(root, "country", country_of(party))
        _sub(root, "contact_type", CONTACT_TYPE_CODES.get(party.relationship))
        _sub(root, "firm_id", job.organisation_id if job else None)
        collection = _sub(root, "contact_addresses")
        for row, kind in listed_addresses(party):
            element = _sub(collection, "contact_address")
            _sub(element, "address_type", addresses.incwo_code(kind))
            _sub(element, "street_address", addresses.address_line(row))
            _sub(element, "street_address2", row.line2)
            _sub(element, "zip_code", row.postal_code)
            _sub(element, "city", row.city)
            _sub(element, "country", addresses.country_name(row.country, LANGUAGE))
        items = _sub(root, "contact_items")
        for code, value, _kind, _row in item_rows(party):
            element = _sub(items, "contact_item")
            _sub(element, "type_id", code)
            _sub(element, "value", value)
        return root
