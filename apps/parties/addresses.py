"""A party's addresses as the five APIs see them: which address is the main one, what each API
calls the kind of an address, how street + number + box make one street line and back, and which
country a name or a code means. The address services and every API read this module, so the
mapping lives in one place; docs/addresses.md explains it with a table.

- The main address is the party's default (correspondence) address: every party has exactly one,
  created empty with the party. Cirrus shows it as a contact's street/zip/city and as an
  account's `postal` address; Peepl lists it as the default address; incwo and CRM.COM R list it
  first (when it has content) with the kind it was written as (`main_kind`; unset: home for a
  person, business for an organisation).
- One street line is `street number box` (`number street box` in countries that write the number
  first). A line written by a client is split back only when the parts render to exactly that
  line, so whatever a client writes reads back identically, and a line written back unchanged
  keeps the stored parts.
- Countries are stored as ISO 3166-1 alpha-2 codes; names come from django-countries in the
  language an API speaks (incwo: French).
"""

import re
import unicodedata
from functools import lru_cache

from django.conf import settings
from django.utils import translation
from django_countries import countries

from .data.countries import COUNTRIES as ISO_COUNTRIES

# --- Countries --------------------------------------------------------------------------------

# Names people write that neither django-countries nor the ISO names of the reference data list.
COUNTRY_ALIASES = {
    "england": "GB",
    "angleterre": "GB",
    "uk": "GB",
    "usa": "US",
    "etats unis": "US",
    "holland": "NL",
    "hollande": "NL",
}


def default_country() -> str:
    """The country of an address written without one (the DEFAULT_COUNTRY setting)."""
    return settings.DEFAULT_COUNTRY


def _fold(text: str) -> str:
    """Lower case, without accents, punctuation or repeated spaces: `États-Unis` -> `etats unis`."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    text = re.sub(r"[^\w]+", " ", text)
    return " ".join(text.split())


@lru_cache(maxsize=1)
def _country_index() -> dict[str, str]:
    index = {}
    for language in ("en", "fr"):
        with translation.override(language):
            for code, name in countries:
                index.setdefault(_fold(str(name)), code)
            for code, name in countries.COMMON_NAMES.items():
                index.setdefault(_fold(str(name)), code)
    for code, names in countries.OLD_NAMES.items():
        for name in names:
            index.setdefault(_fold(str(name)), code)
    for _pk, code, _alpha3, name, *_rest in ISO_COUNTRIES:  # ISO 3166 short names
        index.setdefault(_fold(name), code)
    for code, _name in countries:
        index[_fold(code)] = code
        if alpha3 := countries.alpha3(code):
            index[_fold(alpha3)] = code
    index.update(COUNTRY_ALIASES)
    return index


def country_code(value: str) -> str | None:
    """The alpha-2 code a country name (English or French) or an ISO code (alpha-2 or alpha-3)
    names, ignoring case and accents; None when it names no country."""
    return _country_index().get(_fold(value or "")) or None


def country_name(code: str, language: str = "en") -> str:
    """The country's name in a language (its code when unknown, "" for none)."""
    if not code:
        return ""
    with translation.override(language):
        return str(countries.name(code)) or code


def country_alpha3(code: str) -> str:
    return (countries.alpha3(code) or "") if code else ""


# --- Street lines -----------------------------------------------------------------------------

# Where the house number comes before the street (`1 rue de la Paix`, `173 Main Street`).
NUMBER_FIRST_COUNTRIES = frozenset({"AU", "CA", "FR", "GB", "IE", "MC", "NZ", "US"})
_NUMBER = r"\d+[a-z]?(?:[-/]\d+[a-z]?)?"
# A box: a marker and its number (`bte 3`, `bus 3`, `lgh 1102`, `Apt 5`), or after a number
# written last, one letter (`Storgatan 12 B`).
_MARKED_BOX = r"(?:bus|bte|boîte|boite|box|bt|lgh|apt|appt|app|unit|flat|suite)\.?\s*\w+"
_STREET_FIRST = re.compile(
    rf"(?P<street>.*?\D)\s+(?P<number>{_NUMBER})(?:\s+(?P<box>[a-z]|{_MARKED_BOX}))?", re.I
)
_NUMBER_FIRST = re.compile(
    rf"(?P<number>{_NUMBER}(?:\s+(?:bis|ter|quater))?)\s+(?P<street>\D.*?)(?:\s+(?P<box>{_MARKED_BOX}))?",
    re.I,
)
NUMBER_MAX, BOX_MAX = 20, 20  # Address.number and Address.box


def street_line(street: str, number: str, box: str, country: str = "") -> str:
    """Street, number and box as one line, in the order the country writes them."""
    parts = (number, street, box) if country in NUMBER_FIRST_COUNTRIES else (street, number, box)
    return " ".join(part for part in parts if part)


def address_line(address) -> str:
    """An address's street line."""
    return street_line(address.street, address.number, address.box, address.country)


def split_street(line: str, country: str = "") -> tuple[str, str, str]:
    """(street, number, box) of a one-line street; the whole line as the street when it does not
    split into parts that render back to exactly the same line."""
    pattern = _NUMBER_FIRST if country in NUMBER_FIRST_COUNTRIES else _STREET_FIRST
    match = pattern.fullmatch(line or "")
    if match:
        street, number, box = match["street"], match["number"], match["box"] or ""
        if (
            len(number) <= NUMBER_MAX
            and len(box) <= BOX_MAX
            and street_line(street, number, box, country) == line
        ):
            return street, number, box
    return line or "", "", ""


# --- Kinds: what each API calls an address --------------------------------------------------

# The kinds the APIs with typed address lists give an address: codes of AddressType rows
# (shipped by the reference data), also what the main address can be (`Address.main_kind`).
MAIN_KINDS = [
    ("home", "Home"),
    ("business", "Business"),
    ("other", "Other"),
    ("pobox", "PO box"),
    *[(f"custom{n}", f"Custom {n}") for n in range(1, 6)],
]
# incwo `address_type`: 20 personal, 21 professional, 22 none of the above (every other kind).
INCWO_KINDS = {20: "home", 21: "business", 22: "other"}
# CRM.COM R `type`: these kinds only; addresses of other kinds are not in its `addresses_set`.
CRMCOM_KINDS = {"HOME": "home", "BUSINESS": "business", "POBOX": "pobox"} | {
    f"CUSTOM{n}": f"custom{n}" for n in range(1, 6)
}
# Cirrus account addresses: `postal` is the main address, the others address types of that code.
CIRRUS_MAIN = "postal"
CIRRUS_TYPED = ("visiting", "delivery", "invoice")
CIRRUS_ACCOUNT_ADDRESSES = ("visiting", "delivery", "invoice", "postal")

# What an address holds beyond its type and state: an address without any of it is empty.
CONTENT_FIELDS = (
    "care_of",
    "addressee",
    "email",
    "street",
    "number",
    "box",
    "floor",
    "line2",
    "po_box",
    "po_box_postal_code",
    "postal_code",
    "area",
    "city",
    "district",
    "municipality",
    "region",
    "latitude",
    "longitude",
    "notes",
)


def has_content(address) -> bool:
    return any(getattr(address, name) not in ("", None) for name in CONTENT_FIELDS)


def main_kind(address, party) -> str:
    """The kind the main address is listed as: the one it was written as, else home for a
    person and business for an organisation."""
    return address.main_kind or ("home" if party.is_person else "business")


def kind_of(address, party) -> str:
    """The kind an API with typed address lists shows an address as (its type's code)."""
    if address.is_default:
        return main_kind(address, party)
    return address.address_type.code or ""


def listed(addresses, party) -> list:
    """The addresses an API with typed lists shows, as (address, kind): the main one first when
    it has content (an empty one is the placeholder every party has), then the others by id.
    `addresses`: the party's addresses with their types (prefetched)."""
    rows = sorted(addresses, key=lambda row: (not row.is_default, row.pk))
    return [(row, kind_of(row, party)) for row in rows if not row.is_default or has_content(row)]


def incwo_code(kind: str) -> int:
    return 20 if kind == "home" else 21 if kind == "business" else 22


CRMCOM_CODES = {kind: code for code, kind in CRMCOM_KINDS.items()}


def crmcom_code(address, party) -> str | None:
    """The CRM.COM R type of an address; None when R has no such kind. The main address always
    has one: a kind R lacks shows as the party's (HOME for a person, BUSINESS for a company)."""
    kind = kind_of(address, party)
    if address.is_default and kind not in CRMCOM_CODES:
        kind = "home" if party.is_person else "business"
    return CRMCOM_CODES.get(kind)
