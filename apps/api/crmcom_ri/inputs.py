"""Translate contact_information create/update bodies into the parties domain's profile writes
(apps.parties.services_profile): field values, custom values by key and item changes."""

import datetime

from apps.parties import addresses
from apps.parties.models import (
    BusinessGroup,
    Country,
    Industry,
    IndustrySector,
    Party,
    PartyCategory,
    PrivacyLevel,
)
from apps.parties.services_profile import ItemChange

from . import codes
from .conventions import AMBIGUOUS_IDENTIFIER, NOT_FOUND, CrmError
from .params import MISSING, Params, invalid, missing, parse_identifier, resolve
from .present import crm_addresses, shown_item_values, text

CONTACT_IDENTIFIER = {
    "id": "uuid",
    "id_number": "id_number",
    "passport_number": "passport_number",
    "social_security_number": "social_security_number",
    "vat_registration_number": "vat_number",
    "registration_number": "registration_number",
}
PERSON_ONLY = {"id_number", "passport_number", "social_security_number"}
COMPANY_ONLY = {"vat_registration_number", "registration_number"}

COUNTRY_IDENTIFIER = {
    "id": "pk",
    "name": "name__iexact",
    "alternative_code": "alternative_code__iexact",
    "two_character_code": "alpha_2__iexact",
    "three_character_code": "alpha_3__iexact",
}
REFERENCES = {
    "category": (PartyCategory, {"id": "uuid", "name": "name__iexact", "code": "code__iexact"}),
    "owning_group": (
        BusinessGroup,
        {"id": "uuid", "name": "name__iexact", "alternative_code": "alternative_code__iexact"},
    ),
    "privacy_level": (PrivacyLevel, {"id": "uuid", "name": "name__iexact", "number": "number"}),
    "industry": (Industry, {"id": "uuid", "name": "name__iexact", "code": "code__iexact"}),
    "industry_sector": (
        IndustrySector,
        {"id": "uuid", "name": "name__iexact", "alternative_code": "alternative_code__iexact"},
    ),
    "country": (Country, COUNTRY_IDENTIFIER),
}


def find_contact(identifier: dict, name="contact_information_identifier", *, main=True) -> Party:
    """The party an identifier (already parsed) names; 404 NOT_FOUND / REFERENCED_ENTITY_NOT_FOUND."""
    (field,) = identifier
    queryset = Party.objects.all()
    if field in PERSON_ONLY:
        queryset = queryset.filter(kind=Party.Kind.PERSON)
    elif field in COMPANY_ONLY:
        queryset = queryset.filter(kind=Party.Kind.ORGANISATION)
    return resolve(queryset, CONTACT_IDENTIFIER, identifier, name, main=main)


def contact_identifier(params: Params, key="contact_information_identifier", *, required=True, main=True):
    identifier = params.identifier(key, CONTACT_IDENTIFIER, required=required)
    if identifier in (MISSING, None):
        return identifier
    return find_contact(identifier, params.name(key), main=main)


def reference(params: Params, key: str, kind: str):
    """An identifier parameter naming a lookup row; null clears, absent is MISSING."""
    model, lookups = REFERENCES[kind]
    identifier = params.identifier(key, lookups)
    if identifier in (MISSING, None):
        return identifier
    return resolve(model.objects.all(), lookups, identifier, params.name(key))


def _put(fields: dict, name: str, value, *, blank=""):
    """Record a field when it was given; null clears it (to `blank` for text fields)."""
    if value is MISSING:
        return
    fields[name] = blank if value is None else value


class ContactInput:
    """Reads one create or update body. `creating` applies the create rules (mandatory fields,
    set items without actions); otherwise only given keys change and sets carry actions."""

    def __init__(self, params: Params, kind: str, *, party: Party | None = None):
        self.p = params
        self.kind = kind
        self.party = party
        self.creating = party is None
        self.fields: dict = {}
        self.custom_values: dict = {}
        self.items: list[ItemChange] = []

    # --- the contact's own fields ----------------------------------------------------------

    def read(self):
        p, fields = self.p, self.fields
        is_person = self.kind == Party.Kind.PERSON
        if is_person:
            for key in ("title", "first_name", "middle_name", "last_name"):
                _put(fields, key, p.string(key, max_length=50 if key == "title" else 100))
            for key in ("first_name", "last_name"):
                if self.unchanged(
                    key, p.raw(key), None if self.party is None else text(getattr(self.party, key))
                ):
                    fields.pop(key)  # a name the party lacks (made elsewhere) written back as shown
                if (self.creating or key in fields) and not (fields.get(key) or "").strip():
                    raise missing(key)
        else:
            _put(fields, "name", p.string("company_name"))
            if (self.creating or "name" in fields) and not (fields.get("name") or "").strip():
                raise missing("company_name")
        _put(fields, "preferred_language", p.enum("preferred_language", codes.LANGUAGES))
        if self.party is not None and self.unchanged(
            "preferred_language",
            p.raw("preferred_language"),
            codes.LANGUAGE_CODES.get(self.party.preferred_language),
        ):
            fields.pop("preferred_language")  # a language R has no code for, written back as shown
        _put(fields, "notes", p.string("notes", max_length=None))
        for key, name in (
            ("category_identifier", "category"),
            ("owned_by_group_identifier", "owning_group"),
            ("privacy_level_identifier", "privacy_level"),
        ):
            _put(fields, name, reference(p, key, name), blank=None)
        for key, name in (
            ("send_direct_marketing_material", "direct_marketing_consent"),
            ("send_affiliate_marketing_material", "affiliate_marketing_consent"),
        ):
            _put(fields, name, p.boolean(key), blank=False)
        self.read_udfs()
        if is_person:
            demographics = p.object("demographics")
            if isinstance(demographics, Params):
                self.read_demographics(demographics)
        else:
            profile = p.object("company_profile")
            if isinstance(profile, Params):
                self.read_company_profile(profile)
        self.read_sets()
        return self

    def unchanged(self, key, sent, shown) -> bool:
        """Whether an update writes back null where the view shows null for a value R cannot
        show (a language or gender it has no code for, a name the party lacks): that keeps it."""
        return not self.creating and sent is None and shown is None and key in self.fields

    def read_udfs(self):
        p = self.p
        for key in codes.UDF_STRINGS:
            value = p.string(key, max_length=1000)
            if value is not MISSING:
                self.custom_values[key] = value if value != "" else None
        for key in codes.UDF_FLOATS:
            value = p.number(key)
            if value is not MISSING:
                self.custom_values[key] = value
        for key in codes.UDF_DATES:
            value = p.date(key)
            if value is not MISSING:
                self.custom_values[key] = value

    def read_demographics(self, d: Params):
        fields = self.fields
        _put(fields, "gender", d.enum("gender", codes.GENDERS))
        if self.party is not None and self.unchanged(
            "gender", d.raw("gender"), codes.GENDER_CODES.get(self.party.gender)
        ):
            fields.pop("gender")
        for key in ("id_number", "passport_number", "social_security_number"):
            _put(fields, key, d.string(key, max_length=50))
        for key, name in (
            ("country_of_residence_identifier", "country_of_residence"),
            ("id_issued_by_country_identifier", "id_issued_by_country"),
            ("passport_issued_by_country_identifier", "passport_issued_by_country"),
        ):
            _put(fields, name, reference(d, key, "country"), blank=None)
        _put(fields, "industry", reference(d, "industry_identifier", "industry"), blank=None)
        _put(
            fields,
            "industry_sector",
            reference(d, "industry_sector_identifier", "industry_sector"),
            blank=None,
        )
        birth = d.object("date_of_birth")
        if birth is None:
            fields["birth_date"] = None
        elif birth is not MISSING:
            parts = [birth.integer(k) for k in ("year", "month", "day")]
            if all(v in (MISSING, None) for v in parts):
                fields["birth_date"] = None
            elif any(v in (MISSING, None) for v in parts):
                raise invalid(d.name("date_of_birth"), "A date of birth needs a day, a month and a year")
            else:
                try:
                    fields["birth_date"] = datetime.date(*parts)
                except ValueError:
                    raise invalid(d.name("date_of_birth"), "Not a valid date") from None
        name_day = d.object("name_day")
        if name_day is None:
            fields["name_day_month"] = fields["name_day_day"] = None
        elif name_day is not MISSING:
            month = name_day.integer("month", minimum=1, maximum=12)
            day = name_day.integer("day", minimum=1, maximum=31)
            if {month, day} <= {MISSING, None}:
                fields["name_day_month"] = fields["name_day_day"] = None
            elif MISSING in (month, day) or None in (month, day):
                raise invalid(d.name("name_day"), "A name day needs a day and a month")
            else:
                try:
                    datetime.date(2000, month, day)
                except ValueError:
                    raise invalid(d.name("name_day"), "Not a valid day of the year") from None
                fields["name_day_month"], fields["name_day_day"] = month, day

    def read_company_profile(self, c: Params):
        fields = self.fields
        _put(fields, "profile_year", c.integer("profile_year", minimum=0, maximum=32767), blank=None)
        _put(fields, "annual_turnover", c.number("annual_turnover"), blank=None)
        _put(fields, "established_date", c.date("established_date"), blank=None)
        _put(fields, "number_of_employees", c.integer("number_of_employees", minimum=0), blank=None)
        _put(fields, "registration_number", c.string("registration_number", max_length=50))
        _put(fields, "vat_number", c.string("vat_registration_number", max_length=50))
        _put(fields, "vat_registered_by", c.string("vat_registered_by", max_length=100))
        _put(fields, "tax_reference_number", c.string("tax_reference_number", max_length=50))
        _put(fields, "vat_registration_date", c.date("vat_registration_date"), blank=None)
        _put(
            fields,
            "registered_in_country",
            reference(c, "registered_in_country_identifier", "country"),
            blank=None,
        )
        _put(fields, "industry", reference(c, "industry_identifier", "industry"), blank=None)
        _put(
            fields,
            "industry_sector",
            reference(c, "industry_sector_identifier", "industry_sector"),
            blank=None,
        )

    # --- the sets ---------------------------------------------------------------------------

    def read_sets(self):
        for key, kind, reader in (
            ("address_set", "address", self.address_data),
            ("phone_set", "phone", self.phone_data),
            ("email_set", "email", self.email_data),
            ("relation_set", "relation", self.relation_data),
        ):
            for item in self.p.items(key):
                if self.creating:
                    self.items.append(ItemChange(kind, "add", data=reader(item, adding=True)))
                else:
                    self.items.append(self.set_update(kind, item, reader))

    def set_update(self, kind, item: Params, reader) -> ItemChange:
        action = item.enum("action", codes.ACTIONS, required=True)
        if action == "add":
            return ItemChange(kind, "add", data=reader(item, adding=True))
        row = self.find_item(kind, item)
        if action == "remove":
            return ItemChange(kind, "remove", row=row)
        # A value written back as the view shows it changes nothing (R cannot show everything a
        # row holds: a main address of a kind R lacks, an e-mail without a context...).
        shown = shown_item_values(kind, row, self.party)
        sent = Params({k: v for k, v in item.data.items() if k not in shown or shown[k] != v}, item.path)
        return ItemChange(kind, "update", row=row, data=reader(sent, adding=False))

    def find_item(self, kind, item: Params):
        key = f"{kind}_identifier"
        allowed = {"id"} if kind == "relation" else {"id", "type"}
        value = item.raw(key)
        if value in (MISSING, None):
            raise missing(item.name(key))
        identifier = parse_identifier(value, allowed, item.name(key))
        ((field, wanted),) = identifier.items()
        party = self.party
        rows = {
            "address": lambda: crm_addresses(party.addresses.select_related("address_type", "party"), party),
            "phone": lambda: party.phones.select_related("party").order_by("id"),
            "email": lambda: party.email_addresses.select_related("party").order_by("id"),
            "relation": lambda: party.relations.select_related("party", "related_party").order_by("id"),
        }[kind]()
        if field == "id":
            matches = [r for r in rows if r.uuid.hex.upper() == wanted.strip().upper().replace("-", "")]
        else:
            wanted = wanted.strip().upper().replace(" ", "_")
            matches = [r for r in rows if self.item_type(kind, r) == wanted]
        if not matches:
            raise CrmError(NOT_FOUND, f"No such {kind} on this contact information", item.name(key))
        if len(matches) > 1:
            raise CrmError(AMBIGUOUS_IDENTIFIER, f"Several {kind}s match", item.name(key))
        return matches[0]

    def item_type(self, kind, row):
        if kind == "address":
            return addresses.crmcom_code(row, self.party)
        if kind == "phone":
            return codes.PHONE_TYPE_CODES.get(row.kind)
        return codes.email_type(row, self.party)

    def country_code(self, item: Params):
        country = reference(item, "country_identifier", "country")
        if country in (MISSING, None):
            return country
        if not country.alpha_2:
            raise invalid(item.name("country_identifier"), "This country has no two-character code")
        return country

    def address_data(self, item: Params, *, adding):
        data = {}
        kind = item.enum("type", codes.ADDRESS_TYPES, required=adding)
        if kind not in (MISSING, None):
            data["kind"] = kind
        _put(data, "street", item.string("street_name", required=adding, max_length=200))
        if not adding and data.get("street", MISSING) == "":
            raise missing(item.name("street_name"))
        for key, name, length in (
            ("street_number", "number", 20),
            ("apartment_number", "box", 20),
            ("area", "area", 100),
            ("town_city", "city", 100),
            ("district", "district", 100),
            ("municipality", "municipality", 100),
            ("postal_code", "postal_code", 20),
            ("po_box", "po_box", 30),
            ("po_box_postal_code", "po_box_postal_code", 20),
            ("care_of", "care_of", 100),
        ):
            _put(data, name, item.string(key, max_length=length))
        _put(data, "floor", item.integer("floor", minimum=-32768, maximum=32767), blank=None)
        _put(data, "notes", item.string("notes", max_length=None))
        country = self.country_code(item)
        if country is not MISSING:  # not given: the install's default (apps.parties.addresses)
            data["country"] = country.alpha_2 if country else ""
        return data

    def phone_data(self, item: Params, *, adding):
        data = {}
        _put(data, "kind", item.enum("type", codes.PHONE_TYPES, required=adding))
        _put(data, "number", item.string("number", required=adding, max_length=50))
        if not adding and data.get("number", MISSING) == "":
            raise missing(item.name("number"))
        _put(data, "area_code", item.string("area_code", max_length=10))
        _put(data, "description", item.string("notes", max_length=255))
        country = self.country_code(item)
        if country not in (MISSING, None):
            data["country"] = country.alpha_2
            data.setdefault("area_code", country.dialling_code)
        elif country is None:
            data["country"] = ""
        return data

    def email_data(self, item: Params, *, adding):
        data = {}
        _put(data, "context", item.enum("type", codes.EMAIL_TYPES, required=adding))
        _put(data, "email", item.email("email_address", required=adding))
        if not adding and data.get("email", MISSING) == "":
            raise missing(item.name("email_address"))
        _put(data, "description", item.string("notes", max_length=255))
        return data

    def relation_data(self, item: Params, *, adding):
        data = {}
        _put(data, "type", item.enum("type", codes.RELATION_TYPES, required=adding))
        if item.raw("contact_information_identifier") in (MISSING, None) and adding:
            raise missing(item.name("contact_information_identifier"))
        related = contact_identifier(item, required=False, main=False)
        if related is None:
            raise missing(item.name("contact_information_identifier"))
        if related is not MISSING:
            data["related_party"] = related
        _put(data, "notes", item.string("notes", max_length=None))
        return data
