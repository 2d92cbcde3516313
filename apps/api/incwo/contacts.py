"""The incwo `<contact>` object over a person party: its code lists, reading a `<contact>` body
into the parties domain's profile writes, and rendering a person as `<contact>`.

The seed swaps the titles of two code lists; as the spec resolves it, 20/21/22 are address kinds
(`contact_address/address_type`) and 23…554 the channels (`contact_item/type_id`). A code from
the other list is refused (422).
"""

from xml.etree import ElementTree as ET  # noqa: S405 - generation only

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models import Prefetch, Q

from apps.parties.models import (
    Address,
    AddressType,
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
ADDRESS_TYPES = {20: "home", 21: "business", 22: "other"}
ADDRESS_TYPE_CODES = {value: key for key, value in ADDRESS_TYPES.items()}

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
# Country names incwo users write in French.
FRENCH_COUNTRY_NAMES = {
    "allemagne": "DE",
    "angleterre": "GB",
    "autriche": "AT",
    "belgique": "BE",
    "canada": "CA",
    "chine": "CN",
    "chypre": "CY",
    "espagne": "ES",
    "états-unis": "US",
    "etats-unis": "US",
    "grèce": "GR",
    "irlande": "IE",
    "italie": "IT",
    "japon": "JP",
    "luxembourg": "LU",
    "maroc": "MA",
    "pays-bas": "NL",
    "pologne": "PL",
    "portugal": "PT",
    "royaume-uni": "GB",
    "suisse": "CH",
    "suède": "SE",
    "tunisie": "TN",
    "algérie": "DZ",
}


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


def find_country(name: str):
    text = name.strip()
    lowered = text.lower()
    if lowered in FRENCH_COUNTRY_NAMES:
        return Country.objects.filter(alpha_2=FRENCH_COUNTRY_NAMES[lowered]).first()
    return (
        Country.objects.filter(Q(name__iexact=text) | Q(alpha_2__iexact=text) | Q(alpha_3__iexact=text))
        .order_by("pk")
        .first()
    )


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
            if code is not UNSET:
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
            f["country_of_residence"] = Country.objects.filter(alpha_2="FR").first()
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

    def address_type(self, code) -> AddressType | None:
        if self._address_types is None:
            self._address_types = {t.code: t for t in AddressType.objects.filter(code__in=ADDRESS_TYPE_CODES)}
        return self._address_types.get(ADDRESS_TYPES[code])

    def read_addresses(self):
        collection = self.child("contact_addresses")
        if collection is None:
            return
        if self.party is not None:
            for row in self.party.addresses.filter(address_type__code__in=ADDRESS_TYPE_CODES).select_related(
                "party"
            ):
                self.items.append(ItemChange("address", "remove", row=row))
        for element in collection.findall("contact_address"):
            type_element = element.find("address_type")
            if type_element is None or _text(type_element) is None:
                self.errors.append("Address type can't be blank")
                continue
            code = _code(type_element, ADDRESS_TYPES, "Address type", self.errors)
            if code is UNSET:
                continue
            address_type = self.address_type(code)
            if address_type is None:
                self.errors.append("Address type is not set up")
                continue
            data = {"address_type": address_type, "country": ""}
            for name, attr, length in (
                ("street_address", "street", 200),
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
            if child is not None and _text(child):
                country = find_country(_text(child))
                if country is None or not country.alpha_2:
                    self.errors.append(f"Country {_text(child)} is unknown")
                else:
                    data["country"] = country.alpha_2
            self.items.append(ItemChange("address", "add", data=data))

    def read_items(self):
        collection = self.child("contact_items")
        if collection is None:
            return
        if self.party is not None:
            party = self.party
            for row in party.phones.select_related("party"):
                self.items.append(ItemChange("phone", "remove", row=row))
            for row in party.email_addresses.select_related("party"):
                self.items.append(ItemChange("email", "remove", row=row))
            for row in party.messenger_accounts.select_related("party"):
                self.items.append(ItemChange("messenger", "remove", row=row))
        for element in collection.findall("contact_item"):
            type_element = element.find("type_id")
            if type_element is None or _text(type_element) is None:
                self.errors.append("Type can't be blank")
                continue
            code = _code(type_element, ITEM_TYPES, "Type", self.errors)
            if code is UNSET:
                continue
            value_element = element.find("value")
            value = _text(value_element) if value_element is not None else None
            if value is None:
                self.errors.append("Value can't be blank")
                continue
            kind, attrs = ITEM_TYPES[code]
            if kind == "email":
                try:
                    validate_email(value)
                except ValidationError:
                    self.errors.append(f"Value {value} is not a valid e-mail address")
                    continue
                self.items.append(ItemChange("email", "add", data={"email": value, **attrs}))
            elif kind == "phone":
                if len(value) > 50:
                    self.errors.append("Value is too long (maximum is 50 characters)")
                    continue
                self.items.append(ItemChange("phone", "add", data={"number": value, **attrs}))
            else:
                if len(value) > 200:
                    self.errors.append("Value is too long (maximum is 200 characters)")
                    continue
                self.items.append(ItemChange("messenger", "add", data={"handle": value, **attrs}))


# --- Rendering ----------------------------------------------------------------------------------


def contact_queryset():
    return (
        Party.objects.filter(kind=Party.Kind.PERSON)
        .select_related("country_of_residence")
        .prefetch_related(
            Prefetch(
                "addresses",
                queryset=Address.objects.filter(address_type__code__in=ADDRESS_TYPE_CODES)
                .select_related("address_type")
                .order_by("id"),
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
    """Renders persons of `contact_queryset()`; country names of addresses in one query."""

    def __init__(self, parties):
        parties = list(parties)
        codes = {a.country for p in parties for a in p.incwo_addresses if a.country}
        self.country_names = (
            dict(Country.objects.filter(alpha_2__in=codes).values_list("alpha_2", "name")) if codes else {}
        )

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
        _sub(root, "country", party.country_of_residence.name if party.country_of_residence else None)
        _sub(root, "contact_type", CONTACT_TYPE_CODES.get(party.relationship))
        _sub(root, "firm_id", job.organisation_id if job else None)
        addresses = _sub(root, "contact_addresses")
        for row in party.incwo_addresses:
            element = _sub(addresses, "contact_address")
            _sub(element, "address_type", ADDRESS_TYPE_CODES[row.address_type.code])
            _sub(element, "street_address", " ".join(p for p in (row.street, row.number) if p))
            _sub(element, "street_address2", row.line2)
            _sub(element, "zip_code", row.postal_code)
            _sub(element, "city", row.city)
            _sub(element, "country", self.country_names.get(row.country, row.country))
        items = _sub(root, "contact_items")
        rows = (
            [(row.created, 0, row.pk, phone_code(row), row.number) for row in party.incwo_phones]
            + [(row.created, 1, row.pk, email_code(row), row.email) for row in party.incwo_emails]
            + [
                (row.created, 2, row.pk, MESSENGER_CODES[row.service], row.handle)
                for row in party.incwo_messengers
            ]
        )
        for *_, code, value in sorted(rows):
            element = _sub(items, "contact_item")
            _sub(element, "type_id", code)
            _sub(element, "value", value)
        return root
