"""Persons and organisations (one Party table, as Odoo's partner) and what hangs off them."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from apps.core.models import AppliesTo, BaseModel

from . import matchkeys
from .addresses import MAIN_KINDS, address_line


class MatchKeysMixin:
    """Rows that carry match keys (apps/parties/matchkeys.py) compute them on every save, so every
    write (services, admin, merges) keeps them; bulk writes call keystore.refresh_keys."""

    # The change log records what was written, not the keys derived from it.
    changelog_exclude = frozenset(
        {
            "name_key",
            "first_name_key",
            "last_name_key",
            "search_document",
            "vat_key",
            "registration_key",
            "id_number_key",
            "email_key",
            "phone_key",
            "street_key",
            "postal_code_key",
            "city_key",
            "title_key",
        }
    )

    def match_keys(self) -> dict:
        raise NotImplementedError

    def save(self, *args, **kwargs):
        keys = self.match_keys()
        for name, value in keys.items():
            setattr(self, name, value)
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], *keys}
        super().save(*args, **kwargs)


def key_field(max_length: int | None = None):
    """A match key column: derived, never edited (indexes: migration 0009_match_keys)."""
    if max_length is None:
        return models.TextField(blank=True, default="", editable=False)
    return models.CharField(max_length=max_length, blank=True, default="", editable=False)


# --- Reference lookups parties point at (CRM.COM's contact_information references them) -------


class Country(models.Model):
    """An ISO 3166-1 country. The integer id is the public one (CRM.COM shows it as a string)."""

    name = models.CharField(max_length=100)
    alpha_2 = models.CharField(
        "two-letter code", max_length=2, unique=True, null=True, blank=True, help_text="ISO 3166-1 alpha-2."
    )
    alpha_3 = models.CharField(
        "three-letter code", max_length=3, unique=True, null=True, blank=True, help_text="ISO 3166-1 alpha-3."
    )
    alternative_code = models.CharField(max_length=20, blank=True)
    dialling_code = models.CharField(
        max_length=5, blank=True, help_text="International calling code without + or 00, e.g. 357."
    )

    class Meta:
        verbose_name_plural = "countries"
        ordering = ["name"]

    def __str__(self):
        return self.name


class PartyCategory(BaseModel):
    """A category a party belongs to (CRM.COM's contact category)."""

    name = models.CharField(max_length=100, unique=True)
    code = models.CharField(max_length=100, unique=True)
    description = models.CharField(max_length=255, blank=True)

    class Meta:
        verbose_name_plural = "party categories"
        ordering = ["name"]

    def __str__(self):
        return self.name


class PrivacyLevel(BaseModel):
    """How private a party's data is; a higher hierarchy level is more restricted."""

    name = models.CharField(max_length=100, unique=True)
    number = models.CharField(max_length=20, unique=True)
    hierarchy_level = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["hierarchy_level", "number"]

    def __str__(self):
        return self.name


class Industry(BaseModel):
    name = models.CharField(max_length=100, unique=True)
    code = models.CharField(max_length=30, unique=True)

    class Meta:
        verbose_name_plural = "industries"
        ordering = ["name"]

    def __str__(self):
        return self.name


class IndustrySector(BaseModel):
    name = models.CharField(max_length=100, unique=True)
    alternative_code = models.CharField(max_length=30, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class BusinessGroup(BaseModel):
    """A group of staff that owns parties (CRM.COM's owning group), within a community."""

    name = models.CharField(max_length=100, unique=True)
    description = models.CharField(max_length=255, blank=True)
    alternative_code = models.CharField(max_length=30, blank=True)
    community_name = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class BusinessUnit(BaseModel):
    """A unit of a business group that staff users work in. The change log's entries are shown
    with the unit of the user who made them (the user's first unit, else the default unit)."""

    name = models.CharField(max_length=100, unique=True)
    description = models.CharField(max_length=255, blank=True)
    alternative_code = models.CharField(max_length=30, blank=True)
    group = models.ForeignKey(BusinessGroup, on_delete=models.PROTECT, related_name="units")
    users = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="business_units")
    is_default = models.BooleanField(default=False, help_text="The unit of users who belong to none.")

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=Q(is_default=True), name="one_default_business_unit"
            )
        ]

    def __str__(self):
        return self.name


class AddressType(BaseModel):
    """A kind of address. `max_amount` caps how many of this type one party may hold; the one
    default type is the correspondence address every party always has."""

    description = models.CharField(max_length=100)
    max_amount = models.PositiveSmallIntegerField(default=1, validators=[MinValueValidator(1)])
    is_default = models.BooleanField(default=False, editable=False)
    code = models.SlugField(
        max_length=30,
        unique=True,
        null=True,
        blank=True,
        help_text="Machine name the APIs map to (e.g. visiting, delivery, invoice, postal).",
    )

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=Q(is_default=True), name="one_default_address_type"
            )
        ]

    def __str__(self):
        return self.description


# --- What a CRM keeps about a customer organisation (an account): its type and groups --------


class AccountType(BaseModel):
    """A kind of account (customer, prospect, partner...) with the turnover bands a CRM uses to
    classify it. An install ships defaults; staff manage them in the admin (no API writes them)."""

    name = models.CharField(max_length=100)
    default_tab = models.CharField(
        max_length=50, blank=True, help_text="The tab a client opens first on accounts of this type."
    )
    sort_order = models.PositiveIntegerField(default=0)
    is_default = models.BooleanField(default=False, help_text="The type new accounts get unless told.")
    is_customer = models.BooleanField(default=False, help_text="Accounts of this type are customers.")
    is_prospect = models.BooleanField(default=False, help_text="Accounts of this type are prospects.")
    turnover_from = models.BigIntegerField(null=True, blank=True)
    turnover_to = models.BigIntegerField(null=True, blank=True)
    turnover_potential_from = models.BigIntegerField(null=True, blank=True)
    turnover_potential_to = models.BigIntegerField(null=True, blank=True)
    turnover_volume1_from = models.BigIntegerField(null=True, blank=True)
    turnover_volume1_to = models.BigIntegerField(null=True, blank=True)
    turnover_volume2_from = models.BigIntegerField(null=True, blank=True)
    turnover_volume2_to = models.BigIntegerField(null=True, blank=True)
    turnover_potential_volume1_from = models.BigIntegerField(null=True, blank=True)
    turnover_potential_volume1_to = models.BigIntegerField(null=True, blank=True)
    turnover_potential_volume2_from = models.BigIntegerField(null=True, blank=True)
    turnover_potential_volume2_to = models.BigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["sort_order", "name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=Q(is_default=True), name="one_default_account_type"
            )
        ]

    def __str__(self):
        return self.name


class AccountGroup(BaseModel):
    """A named group of accounts (e.g. a chain, a region, a buying group); an account may be in
    several."""

    name = models.CharField(max_length=100, db_index=True)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self):
        return self.name


class Party(MatchKeysMixin, BaseModel):
    class Kind(models.TextChoices):
        PERSON = "person", "Person"
        ORGANISATION = "organisation", "Organisation"

    class Gender(models.TextChoices):
        MALE = "M", "Male"
        FEMALE = "F", "Female"
        OTHER = "X", "Other"

    class Language(models.TextChoices):
        """The languages most parties speak (Peepl's list); OTHER_LANGUAGES widens the field."""

        DUTCH = "nl", "Dutch"
        FRENCH = "fr", "French"
        ENGLISH = "en", "English"
        GERMAN = "de", "German"

    # ISO 639-1 codes (CRM.COM's list), plus eight install-defined ones.
    OTHER_LANGUAGES = [
        ("ar", "Arabic"),
        ("da", "Danish"),
        ("el", "Greek"),
        ("es", "Spanish"),
        ("et", "Estonian"),
        ("fi", "Finnish"),
        ("hi", "Hindi"),
        ("id", "Indonesian"),
        ("ja", "Japanese"),
        ("lt", "Lithuanian"),
        ("lv", "Latvian"),
        ("ms", "Malay"),
        ("nn", "Norwegian Nynorsk"),
        ("pl", "Polish"),
        ("pt", "Portuguese"),
        ("ru", "Russian"),
        ("sv", "Swedish"),
        ("th", "Thai"),
        ("tl", "Tagalog"),
        ("uk", "Ukrainian"),
        ("vi", "Vietnamese"),
        ("zh", "Chinese (Mandarin)"),
        *[(f"custom{n}", f"Custom language {n}") for n in range(1, 9)],
    ]

    class LifeCycleState(models.TextChoices):
        MARKETING = "marketing", "Marketing"
        FINANCIAL = "financial", "Financial"

    class Relationship(models.TextChoices):
        """What the party is to us (incwo's contact type)."""

        CLIENT = "client", "Client"
        PROSPECT = "prospect", "Prospect"
        SUPPLIER = "supplier", "Supplier"
        PRESS = "press", "Press"
        PARTNER = "partner", "Partner"
        STAFF = "staff", "Staff member"
        PERSONAL = "personal", "Personal contact"
        OTHER = "other", "Other"

    kind = models.CharField(max_length=12, choices=Kind.choices, db_index=True)
    name = models.CharField(
        max_length=255,
        blank=True,
        db_index=True,
        help_text="An organisation's name; for a person, kept as 'first last' for search and sorting.",
    )
    title = models.CharField(max_length=50, blank=True, help_text="Salutation, e.g. Mr, Dr.")
    first_name = models.CharField(max_length=100, blank=True)
    middle_name = models.CharField(max_length=100, blank=True)
    last_name = models.CharField(max_length=100, blank=True, db_index=True)
    birth_date = models.DateField(null=True, blank=True)
    birth_place = models.CharField(max_length=100, blank=True)
    gender = models.CharField(max_length=1, choices=Gender.choices, blank=True)
    preferred_language = models.CharField(
        max_length=10, choices=Language.choices + OTHER_LANGUAGES, blank=True
    )
    website = models.CharField(max_length=255, blank=True)
    vat_number = models.CharField(max_length=50, blank=True, db_index=True)
    notes = models.TextField(blank=True)
    is_active = models.BooleanField(default=True, db_index=True)
    life_cycle_state = models.CharField(
        max_length=10, choices=LifeCycleState.choices, default=LifeCycleState.MARKETING
    )
    relationship = models.CharField(
        max_length=10, choices=Relationship.choices, blank=True, help_text="What the party is to us."
    )
    category = models.ForeignKey(
        PartyCategory, null=True, blank=True, on_delete=models.PROTECT, related_name="parties"
    )
    owning_group = models.ForeignKey(
        BusinessGroup, null=True, blank=True, on_delete=models.PROTECT, related_name="parties"
    )
    privacy_level = models.ForeignKey(
        PrivacyLevel, null=True, blank=True, on_delete=models.PROTECT, related_name="parties"
    )
    industry = models.ForeignKey(Industry, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    industry_sector = models.ForeignKey(
        IndustrySector, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Marketing consent, with who set it last and when (set = given, even if unchanged).
    direct_marketing_consent = models.BooleanField(default=False)
    direct_marketing_consent_set_at = models.DateTimeField(null=True, blank=True, editable=False)
    direct_marketing_consent_set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    affiliate_marketing_consent = models.BooleanField(default=False)
    affiliate_marketing_consent_set_at = models.DateTimeField(null=True, blank=True, editable=False)
    affiliate_marketing_consent_set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    # A person's identity and demographics.
    id_number = models.CharField("ID number", max_length=50, blank=True, db_index=True)
    id_issued_by_country = models.ForeignKey(
        Country, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    passport_number = models.CharField(max_length=50, blank=True, db_index=True)
    passport_issued_by_country = models.ForeignKey(
        Country, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    social_security_number = models.CharField(max_length=50, blank=True, db_index=True)
    country_of_residence = models.ForeignKey(
        Country, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    name_day_month = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    name_day_day = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(31)]
    )
    # An organisation's company profile (vat_number above is its VAT registration number).
    registration_number = models.CharField(max_length=50, blank=True, db_index=True)
    registered_in_country = models.ForeignKey(
        Country, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    tax_reference_number = models.CharField(max_length=50, blank=True)
    vat_registered_by = models.CharField("VAT registered by", max_length=100, blank=True)
    vat_registration_date = models.DateField("VAT registration date", null=True, blank=True)
    established_date = models.DateField(null=True, blank=True)
    profile_year = models.PositiveSmallIntegerField(null=True, blank=True)
    annual_turnover = models.DecimalField(max_digits=18, decimal_places=2, null=True, blank=True)
    number_of_employees = models.PositiveIntegerField(null=True, blank=True)
    profile_photo = models.OneToOneField(
        "content.File",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="profile_photo_of",
        help_text="A picture of the party, stored as one of its files.",
    )
    tags = models.ManyToManyField("core.Tag", blank=True, related_name="parties")
    custom_field_values = GenericRelation("core.CustomFieldValue", related_query_name="party")
    # An organisation as a CRM account (Cirrus's account): number, type, groups, its parent, the
    # users responsible for it and how often they visit, its primary contact person.
    alt_name = models.CharField("alternative name", max_length=255, blank=True)
    account_number = models.CharField(max_length=50, blank=True, db_index=True)
    account_type = models.ForeignKey(
        AccountType, null=True, blank=True, on_delete=models.PROTECT, related_name="parties"
    )
    account_groups = models.ManyToManyField(AccountGroup, blank=True, related_name="parties")
    parent_organisation = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="subsidiaries"
    )
    responsible_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="responsible_for_parties",
    )
    alternate_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="alternate_for_parties",
        help_text="A second responsible user.",
    )
    visit_interval_weeks = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="How often the responsible user visits, in weeks."
    )
    alternate_visit_interval_weeks = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="How often the alternate user visits, in weeks."
    )
    primary_contact = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="primary_contact_of",
        help_text="An organisation's main contact person (one of its employees).",
    )
    # Any party: users following it, an integration's key, social media profiles.
    followers = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="followed_parties")
    external_key = models.CharField(
        max_length=100, blank=True, db_index=True, help_text="The party's key in an integrated system."
    )
    facebook = models.CharField(max_length=255, blank=True)
    twitter = models.CharField(max_length=255, blank=True)
    linkedin = models.CharField("LinkedIn", max_length=255, blank=True)
    # Match keys (search, duplicate detection): see matchkeys.party_keys.
    name_key = key_field(255)
    first_name_key = key_field(100)
    last_name_key = key_field(100)
    search_document = key_field()
    vat_key = key_field(50)
    registration_key = key_field(50)
    id_number_key = key_field(50)

    class Meta:
        verbose_name_plural = "parties"
        ordering = ["id"]
        indexes = [
            models.Index(fields=["kind", "id"]),
            models.Index(fields=["kind", "last_name", "first_name"]),
            models.Index(fields=["kind", "updated"]),
            # Account and contact lists: active ones by name, by number, by first or last name, by
            # user; the id last (every sort's tie-break), so a deep page's ids come from an
            # index-only scan (apps.core.paging).
            models.Index(fields=["kind", "is_active", "name", "id"], name="parties_party_kind_active_name"),
            models.Index(fields=["kind", "account_number", "id"], name="parties_party_kind_number"),
            models.Index(fields=["kind", "first_name", "id"], name="parties_party_kind_first_name"),
            models.Index(fields=["kind", "last_name", "id"], name="parties_party_kind_last_name"),
            models.Index(fields=["kind", "responsible_user", "id"], name="parties_party_kind_user"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(name_day_month__isnull=True, name_day_day__isnull=True)
                | Q(name_day_month__isnull=False, name_day_day__isnull=False),
                name="party_name_day_complete",
            )
        ]

    def __str__(self):
        return self.display_name or f"#{self.pk}"

    @property
    def display_name(self) -> str:
        if self.kind == self.Kind.PERSON:
            return " ".join(p for p in (self.first_name, self.middle_name, self.last_name) if p)
        return self.name

    @property
    def is_person(self) -> bool:
        return self.kind == self.Kind.PERSON

    def save(self, *args, **kwargs):
        if self.kind == self.Kind.PERSON:
            self.name = self.display_name[:255]
            if "update_fields" in kwargs and kwargs["update_fields"] is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "name"}
        super().save(*args, **kwargs)

    def match_keys(self) -> dict:
        return matchkeys.party_keys(self)

    def custom_field_targets(self) -> list[str]:
        return [self.kind, AppliesTo.PARTY]

    def touch(self) -> None:
        """Mark the party modified when one of its child rows changes."""
        self.updated = timezone.now()
        Party.objects.filter(pk=self.pk).update(updated=self.updated)

    # Children prefetched as `primary_emails` / `phone_list` by the selectors are used when present.
    @property
    def primary_email(self) -> str:
        rows = getattr(self, "primary_emails", None)
        if rows is None:
            rows = list(self.email_addresses.filter(is_primary=True))
        return rows[0].email if rows else ""

    def first_phone(self, kind: str) -> str:
        rows = getattr(self, "phone_list", None)
        if rows is None:
            rows = list(self.phones.all())
        for row in rows:
            if row.kind == kind:
                return row.number
        return ""


class PersonManager(models.Manager):
    def get_queryset(self):
        return super().get_queryset().filter(kind=Party.Kind.PERSON)


class OrganisationManager(models.Manager):
    def get_queryset(self):
        return super().get_queryset().filter(kind=Party.Kind.ORGANISATION)


class Person(Party):
    objects = PersonManager()

    class Meta:
        proxy = True

    def save(self, *args, **kwargs):
        self.kind = Party.Kind.PERSON
        super().save(*args, **kwargs)


class Organisation(Party):
    objects = OrganisationManager()

    class Meta:
        proxy = True

    def save(self, *args, **kwargs):
        self.kind = Party.Kind.ORGANISATION
        super().save(*args, **kwargs)


class Address(MatchKeysMixin, BaseModel):
    party = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="addresses")
    address_type = models.ForeignKey(AddressType, on_delete=models.PROTECT, related_name="addresses")
    is_default = models.BooleanField(default=False, editable=False)
    care_of = models.CharField(max_length=100, blank=True)
    addressee = models.CharField(
        max_length=200, blank=True, help_text="Who the address is for, e.g. a delivery recipient."
    )
    email = models.EmailField(
        max_length=254, blank=True, help_text="An e-mail address for this use, e.g. where invoices go."
    )
    street = models.CharField(max_length=200, blank=True)
    number = models.CharField(max_length=20, blank=True)
    box = models.CharField(max_length=20, blank=True, help_text="Box or apartment number in the building.")
    floor = models.SmallIntegerField(null=True, blank=True)
    line2 = models.CharField(max_length=200, blank=True, help_text="A second address line.")
    po_box = models.CharField("PO box", max_length=30, blank=True)
    po_box_postal_code = models.CharField("PO box postal code", max_length=20, blank=True)
    postal_code = models.CharField(max_length=20, blank=True, db_index=True)
    area = models.CharField(max_length=100, blank=True)
    city = models.CharField(max_length=100, blank=True, db_index=True)
    district = models.CharField(max_length=100, blank=True)
    municipality = models.CharField(max_length=100, blank=True)
    region = models.CharField(max_length=100, blank=True)
    country = models.CharField(
        max_length=2,
        blank=True,
        help_text="ISO 3166-1 alpha-2 code. Written without one, an address takes DEFAULT_COUNTRY.",
    )
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    notes = models.TextField(blank=True)
    is_active = models.BooleanField(default=True)
    main_kind = models.CharField(
        max_length=30,
        blank=True,
        choices=MAIN_KINDS,
        help_text="The main address only: the kind it was written as through incwo or CRM.COM R "
        "(empty: home for a person, business for an organisation).",
    )
    # Match keys: see matchkeys.address_keys.
    street_key = key_field(200)
    postal_code_key = key_field(20)
    city_key = key_field(100)
    search_document = key_field()

    class Meta:
        verbose_name_plural = "addresses"
        ordering = ["-is_default", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["party"], condition=Q(is_default=True), name="one_default_address_per_party"
            ),
            models.CheckConstraint(
                condition=Q(is_default=True) | Q(main_kind=""), name="main_kind_only_on_the_main_address"
            ),
        ]
        indexes = [
            models.Index(fields=["party", "address_type"]),
            models.Index(fields=["latitude", "longitude"]),
        ]

    def __str__(self):
        parts = [address_line(self), self.postal_code, self.city]
        return ", ".join(p for p in parts if p) or f"{self.address_type} address"

    def match_keys(self) -> dict:
        return matchkeys.address_keys(self)


class EmailAddress(MatchKeysMixin, BaseModel):
    class Context(models.TextChoices):
        PERSONAL = "personal", "Personal"
        BUSINESS = "business", "Business"
        CUSTOM1 = "custom1", "Custom 1"
        CUSTOM2 = "custom2", "Custom 2"
        CUSTOM3 = "custom3", "Custom 3"
        CUSTOM4 = "custom4", "Custom 4"
        CUSTOM5 = "custom5", "Custom 5"

    party = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="email_addresses")
    email = models.EmailField(max_length=254, db_index=True)
    is_primary = models.BooleanField(default=False)
    context = models.CharField(max_length=10, choices=Context.choices, blank=True)
    description = models.CharField(max_length=255, blank=True)
    is_active = models.BooleanField(default=True)
    email_key = key_field(254)  # matchkeys.email_keys

    class Meta:
        verbose_name = "e-mail address"
        verbose_name_plural = "e-mail addresses"
        ordering = ["-is_primary", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["party"], condition=Q(is_primary=True), name="one_primary_email_per_party"
            )
        ]

    def __str__(self):
        return self.email

    def match_keys(self) -> dict:
        return matchkeys.email_keys(self)


class Phone(MatchKeysMixin, BaseModel):
    class Kind(models.TextChoices):
        LANDLINE = "landline", "Landline"
        MOBILE = "mobile", "Mobile"
        FAX = "fax", "Fax"
        CUSTOM1 = "custom1", "Custom 1"
        CUSTOM2 = "custom2", "Custom 2"
        CUSTOM3 = "custom3", "Custom 3"
        CUSTOM4 = "custom4", "Custom 4"
        CUSTOM5 = "custom5", "Custom 5"

    party = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="phones")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.LANDLINE)
    context = models.CharField(max_length=10, choices=EmailAddress.Context.choices, blank=True)
    is_primary = models.BooleanField(default=False, help_text="The main number of its kind and context.")
    area_code = models.CharField(max_length=10, blank=True, help_text="Country calling code, e.g. 357.")
    number = models.CharField(max_length=50, db_index=True)
    country = models.CharField(max_length=2, blank=True, help_text="ISO 3166-1 alpha-2 code.")
    description = models.CharField(max_length=255, blank=True)
    is_active = models.BooleanField(default=True)
    phone_key = key_field(32)  # E.164: matchkeys.phone_keys

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return self.number

    def match_keys(self) -> dict:
        return matchkeys.phone_keys(self)

    @property
    def full_number(self) -> str:
        """`00` + area code + number when an area code is known, else the number."""
        return f"00{self.area_code}{self.number}" if self.area_code else self.number


class MessengerAccount(BaseModel):
    """A party's instant messaging id (Skype, ...)."""

    class Service(models.TextChoices):
        SKYPE = "skype", "Skype"
        YAHOO = "yahoo", "Yahoo Messenger"
        MSN = "msn", "MSN Messenger"
        AIM = "aim", "AIM"
        ICQ = "icq", "ICQ"

    party = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="messenger_accounts")
    service = models.CharField(max_length=10, choices=Service.choices)
    handle = models.CharField(max_length=200)

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return f"{self.get_service_display()}: {self.handle}"


class PartyRelation(BaseModel):
    """A party's relation to another party, e.g. a family member or an employer."""

    class Type(models.TextChoices):
        FAMILY_MEMBER = "family_member", "Family member"
        EXTENDED_FAMILY = "extended_family", "Extended family"
        PARTNER = "partner", "Partner"
        CLOSE_FRIEND = "close_friend", "Close friend"
        FRIEND = "friend", "Friend"
        WORK_COLLEAGUE = "work_colleague", "Work colleague"
        PARTNER_COMPANY = "partner_company", "Partner company"
        CLIENT = "client", "Client"
        EMPLOYER = "employer", "Employer"
        EMPLOYEE = "employee", "Employee"
        BUSINESS = "business", "Business"
        CUSTOM1 = "custom1", "Custom 1"
        CUSTOM2 = "custom2", "Custom 2"
        CUSTOM3 = "custom3", "Custom 3"
        CUSTOM4 = "custom4", "Custom 4"
        CUSTOM5 = "custom5", "Custom 5"

    party = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="relations")
    related_party = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="related_by")
    type = models.CharField(max_length=20, choices=Type.choices)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(party=models.F("related_party")), name="party_relation_not_to_itself"
            )
        ]

    def __str__(self):
        return f"{self.party} — {self.get_type_display()} — {self.related_party}"


class Education(BaseModel):
    person = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="educations")
    school = models.CharField(max_length=200)
    degree = models.CharField(max_length=200, blank=True)
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["start_date", "id"]

    def __str__(self):
        return self.school


class CompanyPosition(MatchKeysMixin, BaseModel):
    """A person's job: at an organisation in the CRM, or at a company named in free text.
    The primary position is the person's current employer (Cirrus's contact account, incwo's firm)."""

    person = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="company_positions")
    organisation = models.ForeignKey(
        Party, null=True, blank=True, on_delete=models.SET_NULL, related_name="employee_positions"
    )
    company_name = models.CharField(max_length=200, blank=True)
    title = models.CharField(max_length=200, blank=True)
    department = models.CharField(max_length=200, blank=True)
    role = models.CharField(
        max_length=200, blank=True, help_text="The person's function there, e.g. purchaser or decision maker."
    )
    reports_to = models.ForeignKey(
        Party,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="subordinate_positions",
        help_text="The person's superior in this job.",
    )
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    is_primary = models.BooleanField(default=False)
    title_key = key_field(200)  # matchkeys.position_keys

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"], condition=Q(is_primary=True), name="one_primary_position_per_person"
            )
        ]
        indexes = [models.Index(fields=["organisation", "is_primary"])]

    def __str__(self):
        return f"{self.title} at {self.employer_name}".strip()

    def match_keys(self) -> dict:
        return matchkeys.position_keys(self)

    @property
    def employer_name(self) -> str:
        return self.organisation.name if self.organisation_id else self.company_name


class Group(BaseModel):
    """A node of the group tree."""

    name = models.CharField(max_length=100)
    description = models.TextField(blank=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )

    class Meta:
        ordering = ["name", "id"]

    def __str__(self):
        return self.name


class Function(BaseModel):
    """A role a party can hold in a group."""

    name = models.CharField(max_length=100)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self):
        return self.name


class Combination(BaseModel):
    """A group paired with a function: what a membership assigns."""

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="combinations")
    function = models.ForeignKey(Function, on_delete=models.CASCADE, related_name="combinations")

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["group", "function"], name="unique_group_function")]

    def __str__(self):
        return f"{self.group} / {self.function}"


class MembershipQuerySet(models.QuerySet):
    def active_on(self, day):
        return self.filter(Q(end_date__isnull=True) | Q(end_date__gte=day), start_date__lte=day)


class Membership(BaseModel):
    """A party holds a combination from `start_date` to `end_date` (inclusive; open-ended when
    empty), so "members on a date" is a query, not a snapshot."""

    party = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="memberships")
    combination = models.ForeignKey(Combination, on_delete=models.PROTECT, related_name="memberships")
    start_date = models.DateField(default=timezone.localdate)
    end_date = models.DateField(null=True, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["start_date", "id"]
        indexes = [
            # Members on a date: the combination's memberships by period, with the party, read
            # from the index alone.
            models.Index(
                fields=["combination", "start_date", "end_date", "party"], name="parties_membership_on_date"
            ),
            models.Index(fields=["party", "start_date"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="membership_end_after_start",
            )
        ]

    def __str__(self):
        return f"{self.party} — {self.combination}"


class Segment(BaseModel):
    """A saved selection of parties: the parties its rule matches (core rule engine) plus any
    listed by hand. With no rule, only the listed ones."""

    name = models.CharField(max_length=100)
    description = models.TextField(blank=True)
    applies_to = models.CharField(
        max_length=12,
        choices=Party.Kind.choices,
        default=Party.Kind.PERSON,
        help_text="Whether the segment selects persons or organisations.",
    )
    rules = models.JSONField(default=dict, blank=True)
    static_members = models.ManyToManyField(Party, blank=True, related_name="static_segments")

    class Meta:
        ordering = ["name", "id"]

    def __str__(self):
        return self.name


class MonthlyBudget(BaseModel):
    """What a party (an account) is budgeted to bring in during one month."""

    party = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="monthly_budgets")
    year = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(9999)])
    month = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(12)])
    amount = models.BigIntegerField(default=0)

    class Meta:
        ordering = ["party", "year", "month"]
        constraints = [
            models.UniqueConstraint(fields=["party", "year", "month"], name="one_budget_per_party_and_month"),
            models.CheckConstraint(condition=Q(month__gte=1, month__lte=12), name="budget_month_1_to_12"),
        ]

    def __str__(self):
        return f"{self.party} {self.year}-{self.month:02d}: {self.amount}"
