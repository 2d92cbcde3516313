"""The ContactInformation view (spec §6.1) of parties, rendered from prefetched rows so a page of
contacts costs a constant number of queries whatever it holds."""

import datetime
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db.models import OuterRef, Prefetch, Q, Subquery
from django.utils import timezone

from apps.core.models import CustomFieldValue, ObjectChange
from apps.parties import addresses
from apps.parties.models import (
    Address,
    BusinessUnit,
    Country,
    EmailAddress,
    Party,
    PartyRelation,
    Phone,
)

from . import codes

COMPANY_PROFILE_RELATED = ["industry", "industry_sector", "registered_in_country"]


def hex_id(obj) -> str:
    return obj.uuid.hex.upper()


def text(value):
    return value if value not in ("", None) else None


def date_time(value):
    """`YYYY-MM-DDTHH:MM:SS`, no zone: date-times in local time, dates at midnight."""
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.replace(microsecond=0, tzinfo=None).isoformat()
    return f"{value.isoformat()}T00:00:00"


def number(value):
    if value is None:
        return None
    value = Decimal(value)
    return int(value) if value == value.to_integral_value() else float(value)


def country_view(country):
    if country is None:
        return None
    return {
        "id": str(country.pk),
        "name": country.name,
        "alternative_code": text(country.alternative_code),
        "two_character_code": country.alpha_2,
        "three_character_code": country.alpha_3,
    }


def category_view(category):
    return category and {"id": hex_id(category), "name": category.name, "code": category.code}


def group_view(group):
    return group and {
        "id": hex_id(group),
        "name": group.name,
        "description": text(group.description),
        "alternative_code": text(group.alternative_code),
        "community_name": text(group.community_name),
    }


def privacy_level_view(level):
    return level and {
        "id": hex_id(level),
        "name": level.name,
        "number": level.number,
        "hierarchy_level": level.hierarchy_level,
    }


def industry_view(industry):
    return industry and {"id": hex_id(industry), "name": industry.name, "code": industry.code}


def sector_view(sector):
    return sector and {
        "id": hex_id(sector),
        "name": sector.name,
        "alternative_code": text(sector.alternative_code),
    }


def user_view(user):
    if user is None:
        return None
    return {
        "id": str(user.pk),
        "username": user.get_username(),
        "person_name": user.get_full_name() or user.get_username(),
        "email": text(user.email),
    }


def unit_view(unit):
    if unit is None:
        return None
    return {
        "id": hex_id(unit),
        "name": unit.name,
        "description": text(unit.description),
        "alternative_code": text(unit.alternative_code),
        "group_name": unit.group.name,
        "community_name": text(unit.group.community_name),
    }


def date_of_birth(party):
    day = party.birth_date
    return {"day": day and day.day, "month": day and day.month, "year": day and day.year}


def demographics_view(party, *, full=True):
    data = {
        "gender": codes.GENDER_CODES.get(party.gender),
        "id_number": text(party.id_number),
        "passport_number": text(party.passport_number),
        "social_security_number": text(party.social_security_number),
    }
    if full:
        data.update(
            {
                "passport_issued_by_country": country_view(party.passport_issued_by_country),
                "id_issued_by_country": country_view(party.id_issued_by_country),
                "country_of_residence": country_view(party.country_of_residence),
                "industry": industry_view(party.industry),
                "industry_sector": sector_view(party.industry_sector),
            }
        )
    data["date_of_birth"] = date_of_birth(party)
    data["name_day"] = {"day": party.name_day_day, "month": party.name_day_month}
    return data


def company_profile_view(party):
    return {
        "tax_reference_number": text(party.tax_reference_number),
        "annual_turnover": number(party.annual_turnover),
        "number_of_employees": party.number_of_employees,
        "profile_year": party.profile_year,
        "established_date": date_time(party.established_date),
        "industry_sector": sector_view(party.industry_sector),
        "registered_in_country": country_view(party.registered_in_country),
        "vat_registration_number": text(party.vat_number),
        "industry": industry_view(party.industry),
        "vat_registration_date": date_time(party.vat_registration_date),
        "vat_registered_by": text(party.vat_registered_by),
        "registration_number": text(party.registration_number),
    }


def crm_addresses(rows, party) -> list:
    """The addresses CRM.COM R shows: those listed (apps.parties.addresses) of a kind it has."""
    return [row for row, _kind in addresses.listed(rows, party) if addresses.crmcom_code(row, party)]


def address_values(row, party) -> dict:
    """An address's values as R shows them, keyed as R writes them (but `country`)."""
    return {
        "type": addresses.crmcom_code(row, party),
        "street_name": text(row.street),
        "street_number": text(row.number),
        "floor": row.floor,
        "apartment_number": text(row.box),
        "area": text(row.area),
        "town_city": text(row.city),
        "district": text(row.district),
        "municipality": text(row.municipality),
        "postal_code": text(row.postal_code),
        "po_box": text(row.po_box),
        "po_box_postal_code": text(row.po_box_postal_code),
        "care_of": text(row.care_of),
    }


def shown_item_values(kind: str, row, party) -> dict:
    """A set item's values as R shows them, keyed as an update item writes them."""
    if kind == "address":
        return {**address_values(row, party), "notes": text(row.notes)}
    if kind == "phone":
        return {
            "type": codes.PHONE_TYPE_CODES.get(row.kind),
            "number": row.number,
            "area_code": text(row.area_code),
            "notes": text(row.description),
        }
    if kind == "email":
        return {
            "type": codes.email_type(row, party),
            "email_address": row.email,
            "notes": text(row.description),
        }
    return {"type": codes.RELATION_TYPE_CODES.get(row.type), "notes": text(row.notes)}


def crm_name(party) -> str:
    """PERSON: first and last name (no middle name); COMPANY: its name."""
    if party.is_person:
        return " ".join(p for p in (party.first_name, party.last_name) if p)
    return party.name


def contact_queryset():
    """Parties with everything the view shows, in a fixed number of queries."""
    party_type = ContentType.objects.get_for_model(Party)
    own = Q(content_type=party_type, object_id=OuterRef("pk"))
    children = Q(related_content_type=party_type, related_object_id=OuterRef("pk"))
    created = ObjectChange.objects.filter(own, action=ObjectChange.Action.CREATE).order_by("time", "id")
    latest = ObjectChange.objects.filter(own | children).order_by("-time", "-id")
    return (
        Party.objects.select_related(
            "category",
            "owning_group",
            "privacy_level",
            "industry",
            "industry_sector",
            "id_issued_by_country",
            "passport_issued_by_country",
            "country_of_residence",
            "registered_in_country",
            "direct_marketing_consent_set_by",
            "affiliate_marketing_consent_set_by",
        )
        .prefetch_related(
            Prefetch(
                "addresses",
                queryset=Address.objects.select_related("address_type").order_by("id"),
                to_attr="crm_addresses",
            ),
            Prefetch("phones", queryset=Phone.objects.order_by("id"), to_attr="crm_phones"),
            Prefetch("email_addresses", queryset=EmailAddress.objects.order_by("id"), to_attr="crm_emails"),
            Prefetch(
                "relations",
                queryset=PartyRelation.objects.select_related(
                    *[f"related_party__{name}" for name in COMPANY_PROFILE_RELATED]
                ).order_by("id"),
                to_attr="crm_relations",
            ),
            Prefetch(
                "custom_field_values",
                queryset=CustomFieldValue.objects.filter(field__key__in=codes.UDF_KEYS).select_related(
                    "field"
                ),
                to_attr="crm_udfs",
            ),
        )
        .annotate(
            created_change_id=Subquery(created.values("id")[:1]),
            latest_change_id=Subquery(latest.values("id")[:1]),
        )
    )


def udf_values(party) -> dict:
    values = dict.fromkeys(codes.UDF_KEYS)
    for row in getattr(party, "crm_udfs", []):
        key, value = row.field.key, row.value
        if key.startswith("udf_float_"):
            value = number(value)
        elif key.startswith("udf_date_"):
            value = date_time(value)
        values[key] = value
    return values


class ContactPresenter:
    """Renders parties of `contact_queryset()`; reads what rows point at (countries by code,
    change log entries, users' units) in one query each for the whole lot."""

    def __init__(self, parties):
        self.parties = list(parties)
        country_codes = {a.country for p in self.parties for a in p.crm_addresses if a.country}
        country_codes |= {ph.country for p in self.parties for ph in p.crm_phones if ph.country}
        self.countries = (
            {c.alpha_2: c for c in Country.objects.filter(alpha_2__in=country_codes)} if country_codes else {}
        )
        change_ids = {p.created_change_id for p in self.parties} | {p.latest_change_id for p in self.parties}
        change_ids.discard(None)
        self.changes = (
            ObjectChange.objects.select_related("user")
            .prefetch_related(
                Prefetch("user__business_units", queryset=BusinessUnit.objects.select_related("group"))
            )
            .in_bulk(change_ids)
            if change_ids
            else {}
        )
        self._default_unit = None

    @property
    def default_unit(self):
        if self._default_unit is None:
            self._default_unit = BusinessUnit.objects.select_related("group").filter(is_default=True).first()
        return self._default_unit

    def unit_of(self, user):
        if user is None:
            return None
        units = list(user.business_units.all())
        return units[0] if units else self.default_unit

    def country(self, code):
        return country_view(self.countries.get(code)) if code else None

    def log_information(self, party):
        created = self.changes.get(party.created_change_id)
        latest = self.changes.get(party.latest_change_id)
        created_user = created.user if created else None
        updated_user = latest.user if latest else created_user
        return {
            "created_date": date_time(created.time if created else party.created),
            "updated_date": date_time(party.updated),
            "created_by_user": user_view(created_user),
            "updated_by_user": user_view(updated_user),
            "created_by_unit": unit_view(self.unit_of(created_user)),
            "updated_by_unit": unit_view(self.unit_of(updated_user)),
        }

    def address(self, row, party):
        values = address_values(row, party)
        return {
            "id": hex_id(row),
            "type": values.pop("type"),
            "state": "Active" if row.is_active else "Inactive",
            **values,
            "country": self.country(row.country),
            "notes": text(row.notes),
            **dict.fromkeys(codes.ADDRESS_UDF_KEYS),
        }

    def phone(self, row):
        return {
            "id": hex_id(row),
            "type": codes.PHONE_TYPE_CODES.get(row.kind),
            "state": "Active" if row.is_active else "Inactive",
            "number": row.number,
            "area_code": text(row.area_code),
            "full_number": row.full_number,
            "country": self.country(row.country),
            "notes": text(row.description),
            **dict.fromkeys(codes.ITEM_UDF_KEYS),
        }

    def email(self, row, party):
        return {
            "id": hex_id(row),
            "type": codes.email_type(row, party),
            "state": "Active" if row.is_active else "Inactive",
            "email": row.email,
            "notes": text(row.description),
            **dict.fromkeys(codes.ITEM_UDF_KEYS),
        }

    def relation(self, row):
        other = row.related_party
        return {
            "id": hex_id(row),
            "type": codes.RELATION_TYPE_CODES.get(row.type),
            "notes": text(row.notes),
            "contact": {
                "id": hex_id(other),
                "type": codes.TYPE_CODES[other.kind],
                "name": crm_name(other),
                "title": text(other.title),
                "first_name": text(other.first_name),
                "middle_name": text(other.middle_name),
                "last_name": text(other.last_name),
                "company_name": None if other.is_person else other.name,
                "life_cycle_state": codes.LIFE_CYCLE_CODES.get(other.life_cycle_state),
                "company_profile": None if other.is_person else company_profile_view(other),
                "demographics": demographics_view(other, full=False) if other.is_person else None,
            },
        }

    def render(self, party, *, creating=False) -> dict:
        is_person = party.is_person
        data = {
            "id": hex_id(party),
            "type": codes.TYPE_CODES[party.kind],
            "life_cycle_state": codes.LIFE_CYCLE_CODES.get(party.life_cycle_state),
            "name": crm_name(party),
            "title": text(party.title) if is_person else None,
            "first_name": text(party.first_name) if is_person else None,
            "middle_name": text(party.middle_name) if is_person else None,
            "last_name": text(party.last_name) if is_person else None,
            "company_name": None if is_person else party.name,
            "notes": text(party.notes),
            "organizational_unit": 0,
            "preferred_language": codes.LANGUAGE_CODES.get(party.preferred_language),
            "category": category_view(party.category),
            "owned_by_group": group_view(party.owning_group),
            "privacy_level": privacy_level_view(party.privacy_level),
            **udf_values(party),
            "demographics": demographics_view(party),
            "company_profile": company_profile_view(party),
            "addresses_set": [self.address(row, party) for row in crm_addresses(party.crm_addresses, party)],
            "phones_set": [self.phone(row) for row in party.crm_phones],
            "emails_set": [self.email(row, party) for row in party.crm_emails],
            "relation_set": [self.relation(row) for row in party.crm_relations],
            "log_information": self.log_information(party),
            "authorization_settings": {
                "send_direct_marketing_material": party.direct_marketing_consent,
                "send_affiliate_marketing_material": party.affiliate_marketing_consent,
                "direct_marketing_setting_updated_date": date_time(party.direct_marketing_consent_set_at),
                "affiliate_marketing_setting_updated_date": date_time(
                    party.affiliate_marketing_consent_set_at
                ),
                "direct_marketing_setting_updated_by_user": user_view(party.direct_marketing_consent_set_by),
                "affiliate_marketing_setting_updated_by_user": user_view(
                    party.affiliate_marketing_consent_set_by
                ),
            },
        }
        if creating:  # the create examples keep the object of the other type null
            data["company_profile" if is_person else "demographics"] = None
        return data


def select_fields(data: dict, fields_set) -> dict:
    """Only the requested top-level keys (unknown names are ignored)."""
    if fields_set is None:
        return data
    return {key: value for key, value in data.items() if key in fields_set}


def parse_fields_set(value):
    if value in (None, ""):
        return None
    names = [str(v) for v in value] if isinstance(value, list) else str(value).split(",")
    return {name.strip() for name in names if name.strip()}
