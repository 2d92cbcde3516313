"""The reference rows an install ships with: every ISO country, the address types the APIs map
to, the lookups CRM.COM's contact_information examples name, and the numbered user-defined custom
fields (udf_*). The data migration installs them; `install` can be run again (demo data, tests
after a flush)."""

from .countries import COUNTRIES

ADDRESS_TYPES = [
    ("home", "Home"),
    ("business", "Business"),
    ("pobox", "PO box"),
    ("other", "Other"),
    *[(f"custom{n}", f"Custom {n}") for n in range(1, 6)],
]
CATEGORIES = [("Contact Category", "Contact Category"), ("Company Category", "Company Category")]
PRIVACY_LEVELS = [("Regular Customers", "8", 0)]
INDUSTRIES = [("Marketing", "MK"), ("Interior Design", "INTDS"), ("Industry2", "Ind2")]
SECTORS = [("FOREX", "FRX"), ("GOVERNMENTAL", "GOV"), ("EDUCATION", "")]
UDFS = (
    [(f"udf_string_{n}", f"UDF string {n}", "text") for n in range(1, 17)]
    + [(f"udf_float_{n}", f"UDF float {n}", "decimal") for n in range(1, 9)]
    + [(f"udf_date_{n}", f"UDF date {n}", "date") for n in range(1, 9)]
)


def install(apps):
    """Create the shipped rows that are missing (idempotent). `apps`: a migration's historical apps
    or django.apps.apps."""
    m = lambda name: apps.get_model("parties", name)  # noqa: E731
    Country = m("Country")
    existing = set(Country.objects.values_list("pk", flat=True))
    Country.objects.bulk_create(
        Country(pk=pk, alpha_2=a2, alpha_3=a3, name=name, alternative_code=alt, dialling_code=dial)
        for pk, a2, a3, name, alt, dial in COUNTRIES
        if pk not in existing
    )
    for code, description in ADDRESS_TYPES:
        m("AddressType").objects.get_or_create(
            code=code, defaults={"description": description, "max_amount": 10}
        )
    for name, code in CATEGORIES:
        m("PartyCategory").objects.get_or_create(name=name, defaults={"code": code})
    for name, number, level in PRIVACY_LEVELS:
        m("PrivacyLevel").objects.get_or_create(
            number=number, defaults={"name": name, "hierarchy_level": level}
        )
    for name, code in INDUSTRIES:
        m("Industry").objects.get_or_create(name=name, defaults={"code": code})
    for name, code in SECTORS:
        m("IndustrySector").objects.get_or_create(name=name, defaults={"alternative_code": code})
    group, _ = m("BusinessGroup").objects.get_or_create(
        name="Main Group",
        defaults={
            "description": "Main Group",
            "alternative_code": "MG",
            "community_name": "Internal Community",
        },
    )
    if not m("BusinessUnit").objects.filter(is_default=True).exists():
        m("BusinessUnit").objects.get_or_create(
            name="Admin Unit",
            defaults={
                "description": "admin unit",
                "alternative_code": "adminunit",
                "group": group,
                "is_default": True,
            },
        )
    CustomFieldCategory = apps.get_model("core", "CustomFieldCategory")
    CustomField = apps.get_model("core", "CustomField")
    category, _ = CustomFieldCategory.objects.get_or_create(
        name="User-defined fields", defaults={"applies_to": "party", "order": 100}
    )
    for order, (key, name, field_type) in enumerate(UDFS):
        CustomField.objects.get_or_create(
            key=key,
            defaults=dict(
                name=name, field_type=field_type, applies_to="party", category=category, order=1000 + order
            ),
        )
