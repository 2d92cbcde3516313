"""Demo values for the reference lookups parties point at (idempotent): what an install ships
(countries, address types, CRM.COM's example lookups, the udf_* custom fields) plus a few more
categories, privacy levels, industries, sectors and a sales unit."""

from django.apps import apps

from apps.parties.data.reference import install
from apps.parties.models import (
    BusinessGroup,
    BusinessUnit,
    Industry,
    IndustrySector,
    PartyCategory,
    PrivacyLevel,
)


def seed(stdout):
    install(apps)
    for name, code in [("VIP", "VIP"), ("Supplier", "SUP"), ("Press", "PRESS")]:
        PartyCategory.objects.get_or_create(name=name, defaults={"code": code})
    for name, number, level in [("Public", "1", 0), ("Confidential", "9", 5)]:
        PrivacyLevel.objects.get_or_create(number=number, defaults={"name": name, "hierarchy_level": level})
    for name, code in [("Software", "SW"), ("Retail", "RTL"), ("Construction", "CNS")]:
        Industry.objects.get_or_create(name=name, defaults={"code": code})
    for name, code in [("PRIVATE", "PRV"), ("NON-PROFIT", "NPO")]:
        IndustrySector.objects.get_or_create(name=name, defaults={"alternative_code": code})
    group, _ = BusinessGroup.objects.get_or_create(
        name="Sales",
        defaults={
            "description": "Sales team",
            "alternative_code": "SL",
            "community_name": "Internal Community",
        },
    )
    BusinessUnit.objects.get_or_create(
        name="Sales Unit",
        defaults={"description": "Field sales", "alternative_code": "sales", "group": group},
    )
    stdout.write("Reference lookups ready.")
