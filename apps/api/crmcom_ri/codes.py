"""CRM.COM R enum values and the domain values they stand for."""

from apps.parties import addresses
from apps.parties.models import EmailAddress, Party, PartyRelation, Phone


def _customs(prefix=""):
    return {f"CUSTOM{n}": f"{prefix}custom{n}" for n in range(1, 6)}


TYPES = {"PERSON": Party.Kind.PERSON, "COMPANY": Party.Kind.ORGANISATION}
LIFE_CYCLE_STATES = {"MARKETING": Party.LifeCycleState.MARKETING, "FINANCIAL": Party.LifeCycleState.FINANCIAL}
GENDERS = {"MALE": Party.Gender.MALE, "FEMALE": Party.Gender.FEMALE}
LANGUAGES = {
    "ARA": "ar",
    "DAN": "da",
    "ENG": "en",
    "EST": "et",
    "FIN": "fi",
    "FRA": "fr",
    "DEU": "de",
    "ELL": "el",
    "JPN": "ja",
    "VIE": "vi",
    "MAL": "ms",
    "IND": "id",
    "TAI": "th",
    "LAV": "lv",
    "LIT": "lt",
    "NNO": "nn",
    "POL": "pl",
    "POR": "pt",
    "RUS": "ru",
    "SPA": "es",
    "SWE": "sv",
    "UKR": "uk",
    "CMN": "zh",
    "TGL": "tl",
    "HIN": "hi",
    **{f"CUSTOM{n}": f"custom{n}" for n in range(1, 9)},
}
# Address kinds (AddressType codes; the main address is one of them too: apps.parties.addresses).
ADDRESS_TYPES = addresses.CRMCOM_KINDS
PHONE_TYPES = {
    "LANDLINE": Phone.Kind.LANDLINE,
    "MOBILE": Phone.Kind.MOBILE,
    "FAX": Phone.Kind.FAX,
    **_customs(),
}
EMAIL_TYPES = {
    "PERSONAL": EmailAddress.Context.PERSONAL,
    "BUSINESS": EmailAddress.Context.BUSINESS,
    **_customs(),
}
RELATION_TYPES = {value.upper(): value for value in PartyRelation.Type.values}
ACTIONS = {"ADD": "add", "UPDATE": "update", "REMOVE": "remove"}


def reverse(mapping: dict) -> dict:
    return {value: key for key, value in mapping.items()}


TYPE_CODES = reverse(TYPES)
LIFE_CYCLE_CODES = reverse(LIFE_CYCLE_STATES)
GENDER_CODES = reverse(GENDERS)
LANGUAGE_CODES = reverse(LANGUAGES)
PHONE_TYPE_CODES = reverse(PHONE_TYPES)
EMAIL_TYPE_CODES = reverse(EMAIL_TYPES)
RELATION_TYPE_CODES = reverse(RELATION_TYPES)


def email_type(row: EmailAddress, party: Party) -> str:
    """An e-mail without a context (e.g. written by Peepl) is a person's personal one and a
    company's business one."""
    if row.context:
        return EMAIL_TYPE_CODES[row.context]
    return "PERSONAL" if party.is_person else "BUSINESS"


UDF_STRINGS = [f"udf_string_{n}" for n in range(1, 17)]
UDF_FLOATS = [f"udf_float_{n}" for n in range(1, 9)]
UDF_DATES = [f"udf_date_{n}" for n in range(1, 9)]
UDF_KEYS = UDF_STRINGS + UDF_FLOATS + UDF_DATES


def item_udf_keys(strings: int, floats: int = 4, dates: int = 4) -> list[str]:
    return (
        [f"udf_string_{n}" for n in range(1, strings + 1)]
        + [f"udf_float_{n}" for n in range(1, floats + 1)]
        + [f"udf_date_{n}" for n in range(1, dates + 1)]
    )


ADDRESS_UDF_KEYS = item_udf_keys(16)
ITEM_UDF_KEYS = item_udf_keys(8)
