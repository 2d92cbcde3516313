"""Match keys: the normalised forms of a party's names, e-mails, phones, addresses and id numbers
that search (apps/parties/search.py) and duplicate detection read, so that neither compares raw
text. Pure functions, no database: the models compute their keys with them on save, and
`keystore` recomputes them in bulk.

- `fold`: case, accents and punctuation folded (`"Lumière-Dupont, S.A."` -> `"lumiere dupont s a"`;
  an apostrophe joins: `"O'Brien"` -> `"obrien"`).
- `email_key`: trimmed and lower-cased.
- `phone_key`: E.164 (`"+32493511338"`) read with `phonenumbers` in the phone's country, else the
  PHONE_DEFAULT_REGION setting; a number it cannot read keeps its digits.
- `postal_code_key`: upper-case letters and digits (`"sw1a 1aa"` -> `"SW1A1AA"`).
- `id_key`: the same for VAT, registration and id numbers (`"BE 0123.456.789"` -> `"BE0123456789"`).
"""

import re
import unicodedata

import phonenumbers
from django.conf import settings

# Letters that Unicode does not decompose into a base letter and a mark.
_LETTERS = str.maketrans(
    {
        "ß": "ss",
        "æ": "ae",
        "Æ": "ae",
        "œ": "oe",
        "Œ": "oe",
        "ø": "o",
        "Ø": "o",
        "ł": "l",
        "Ł": "l",
        "đ": "d",
        "Đ": "d",
        "ð": "d",
        "þ": "th",
        "ı": "i",
        "’": "",
        "'": "",
        "`": "",
        "´": "",
    }
)
_NOT_WORD = re.compile(r"[\W_]+")
_NOT_ALNUM = re.compile(r"[^0-9A-Z]+")
_NOT_DIGIT = re.compile(r"\D+")
# What a phone number may be written with (a term made of these and digits is a phone search).
PHONE_CHARACTERS = frozenset("0123456789+-./() ")


def fold(text) -> str:
    """Lower case, no accents, punctuation as single spaces, trimmed."""
    if not text:
        return ""
    text = unicodedata.normalize("NFKD", str(text).translate(_LETTERS))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    return _NOT_WORD.sub(" ", text.translate(_LETTERS)).strip()


def fold_like(value: str) -> str:
    """A LIKE pattern folded like the column it is matched against: `%` stays a wildcard (and
    swallows the spaces punctuation next to it folds into). The pattern has no `_` or `\\` left
    (fold removes them), so it needs no escaping."""
    parts = [fold(part) for part in str(value).split("%")]
    return "%".join(parts)


def email_key(email) -> str:
    return str(email or "").strip().lower()


def default_region() -> str:
    return getattr(settings, "PHONE_DEFAULT_REGION", "") or settings.DEFAULT_COUNTRY


def digits(text) -> str:
    return _NOT_DIGIT.sub("", str(text or ""))


def phone_key(number, country: str = "", area_code: str = "") -> str:
    """The number in E.164 (`+32493511338`). `area_code` is a country calling code written apart
    (`357` with `22114455`); `country` the ISO code of the number's country, else the default
    region. A number phonenumbers cannot read keeps its digits (with `+` when written
    internationally); no digits at all: ""."""
    text = str(number or "").strip()
    if not digits(text):
        return ""
    region = (country or "").upper() or default_region()
    area = digits(area_code)
    if area and not text.startswith(("+", "00")):
        # The area code is the country calling code: read the number as that country's.
        code_region = phonenumbers.region_code_for_country_code(int(area[:3]))
        if code_region != phonenumbers.UNKNOWN_REGION:
            region = code_region
        else:
            text = f"+{area}{digits(text)}"
    try:
        parsed = phonenumbers.parse(text, region if len(region) == 2 else None)
    except phonenumbers.NumberParseException:
        parsed = None
    if parsed is not None and phonenumbers.is_possible_number(parsed):
        return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
    plain = digits(text)
    if text.startswith("+"):
        return f"+{plain}"
    if text.startswith("00"):
        return f"+{plain[2:]}"
    return plain


def valid_phone_key(term) -> str:
    """The E.164 key of a term that is a complete, valid number (in the default region unless
    written internationally); "" otherwise."""
    text = str(term or "").strip()
    try:
        parsed = phonenumbers.parse(text, default_region())
    except phonenumbers.NumberParseException:
        return ""
    if not phonenumbers.is_valid_number(parsed):
        return ""
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def phone_search_digits(term) -> str:
    """The digits a phone search looks for anywhere in the keys: the term's digits without the
    leading zeros of a trunk or international prefix, so `0493 51 13 38`, `+32 493 51 13 38`,
    `0032493511338` and `493511338` all look for digits of `+32493511338`."""
    text = str(term or "").strip()
    if text.startswith(("+", "00")):
        text = text.replace("(0)", "")  # "+32 (0)493 ...": the trunk zero not dialled from abroad
    return digits(text).lstrip("0")


def looks_like_phone(term) -> bool:
    """A term written with phone characters only and at least three digits."""
    text = str(term or "").strip()
    return len(digits(text)) >= 3 and set(text) <= PHONE_CHARACTERS


def postal_code_key(postal_code) -> str:
    return _NOT_ALNUM.sub("", fold(postal_code).upper())


def id_key(value) -> str:
    """A VAT, registration, id, passport or social security number: letters and digits only,
    upper case."""
    return _NOT_ALNUM.sub("", fold(value).upper())


def join(*parts) -> str:
    """A search document: folded parts, one per line (a folded search term has no line break, so
    it never matches across two parts)."""
    return "\n".join(p for p in (fold(part) for part in parts) if p)


# --- The keys of one row, as the models store them -------------------------------------------


def party_keys(party) -> dict:
    """The key columns of a Party (its `name` must be current: for a person, "first middle last")."""
    # Id numbers both as written (folded: "be 0123 456 789") and as keys ("be0123456789").
    if party.kind == "person":
        document = join(
            party.name, party.first_name, party.last_name, party.id_number, id_key(party.id_number)
        )
    else:
        document = join(
            party.name,
            party.alt_name,
            party.account_number,
            party.vat_number,
            id_key(party.vat_number),
            party.registration_number,
            id_key(party.registration_number),
        )
    return {
        "name_key": fold(party.name)[:255],
        "first_name_key": fold(party.first_name)[:100],
        "last_name_key": fold(party.last_name)[:100],
        "search_document": document,
        "vat_key": id_key(party.vat_number)[:50],
        "registration_key": id_key(party.registration_number)[:50],
        "id_number_key": id_key(party.id_number)[:50],
    }


def email_keys(row) -> dict:
    return {"email_key": email_key(row.email)[:254]}


def phone_keys(row) -> dict:
    return {"phone_key": phone_key(row.number, row.country, row.area_code)[:32]}


def address_keys(row) -> dict:
    street = fold(row.street)
    document = [street, fold(row.number), fold(row.postal_code), fold(row.city)]
    if not row.is_default:  # Cirrus accounts search the care-of / addressee of their other addresses
        document += [fold(row.care_of), fold(row.addressee)]
    return {
        "street_key": street[:200],
        "postal_code_key": postal_code_key(row.postal_code)[:20],
        "city_key": fold(row.city)[:100],
        "search_document": "\n".join(p for p in document if p),
    }


def position_keys(row) -> dict:
    return {"title_key": fold(row.title)[:200]}
