"""Demo persons, organisations, groups, functions, memberships, segments and custom fields.

`seed` builds a small realistic data set through the services (so the change log has history
to show) and is idempotent: each record is looked up by a natural key first (a tag's name, a
field's key, an address type's code, a person's e-mail...), so running it twice adds nothing.

`seed_parties_bulk` adds N parties fast for benchmarks and load tests: bulk_create in batches,
no per-row change log, each party with its default address, an e-mail, a phone, most with a
membership and custom field values.
"""

import datetime
import itertools
import random
import time
import uuid
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from apps.core import services as core_services
from apps.core.api_keys import issue_api_key, revoke_api_key
from apps.core.bulkload import BulkLoad, after_load
from apps.core.changelog import log_create
from apps.core.models import ApiKey, AppliesTo, CustomField, CustomFieldCategory, CustomFieldValue, Tag
from apps.parties import keystore, services, services_profile
from apps.parties.models import (
    Address,
    AddressType,
    Combination,
    EmailAddress,
    Function,
    Group,
    Membership,
    MessengerAccount,
    Party,
    PartyRelation,
    Phone,
    Segment,
)

ACTOR = None  # demo records are written by "system"
FT = CustomField.FieldType

TAGS = [
    ("VIP", "#d4a017", "Give priority."),
    ("Newsletter", "#2e86c1", "Receives the monthly newsletter."),
    ("Volunteer", "#27ae60", ""),
    ("Press", "#8e44ad", "Journalists and media contacts."),
    ("Customer", "#16a085", ""),
    ("Supplier", "#d35400", ""),
    ("Prospect", "#7f8c8d", ""),
    ("Sponsor", "#c0392b", ""),
]

CATEGORIES = [
    ("Membership", AppliesTo.PERSON, 1),
    ("Preferences", AppliesTo.PERSON, 2),
    ("Company profile", AppliesTo.ORGANISATION, 3),
    ("General", AppliesTo.PARTY, 4),
]

# key, name, category, applies_to, type, choices, help text
CUSTOM_FIELDS = [
    (
        "member_level",
        "Member level",
        "Membership",
        AppliesTo.PERSON,
        FT.CHOICE,
        ["bronze", "silver", "gold"],
        "",
    ),
    ("member_since", "Member since", "Membership", AppliesTo.PERSON, FT.DATE, [], ""),
    ("household_size", "Household size", "Membership", AppliesTo.PERSON, FT.INTEGER, [], "People at home."),
    (
        "interests",
        "Interests",
        "Preferences",
        AppliesTo.PERSON,
        FT.MULTIPLE_CHOICE,
        ["sports", "culture", "nature", "technology", "food"],
        "",
    ),
    ("nickname", "Nickname", "Preferences", AppliesTo.PERSON, FT.TEXT, [], ""),
    ("newsletter_opt_in", "Newsletter opt-in", "General", AppliesTo.PARTY, FT.BOOLEAN, [], "Consent given."),
    ("remarks", "Remarks", "General", AppliesTo.PARTY, FT.LONG_TEXT, [], ""),
    ("employee_count", "Employees", "Company profile", AppliesTo.ORGANISATION, FT.INTEGER, [], ""),
    ("annual_revenue", "Annual revenue (EUR)", "Company profile", AppliesTo.ORGANISATION, FT.DECIMAL, [], ""),
    (
        "sector",
        "Sector",
        "Company profile",
        AppliesTo.ORGANISATION,
        FT.CHOICE,
        ["food and drink", "culture", "services", "retail", "public"],
        "",
    ),
]

# Cirrus's account address kinds besides postal (the main address), and a person's home.
ADDRESS_TYPES = [
    ("visiting", "Visiting", 1),
    ("delivery", "Delivery", 3),
    ("invoice", "Invoice", 1),
    ("home", "Home", 10),
]
DEMO_COUNTRY = "BE"  # the demo's streets and cities are Belgian

# name, parent name, description
GROUPS = [
    ("Members", None, "Everyone with a membership card."),
    ("Active members", "Members", ""),
    ("Honorary members", "Members", "Former board members and founders."),
    ("Board", None, "The board of directors."),
    ("Executive committee", "Board", "Meets weekly."),
    ("Volunteers", None, ""),
    ("Events team", "Volunteers", "Runs the summer festival."),
    ("Communication team", "Volunteers", "Newsletter and website."),
    ("Partners", None, "Sponsors and suppliers."),
]
FUNCTIONS = [
    ("Member", ""),
    ("Chair", "Chairs the meetings."),
    ("Treasurer", ""),
    ("Secretary", ""),
    ("Volunteer", ""),
    ("Coordinator", "Leads a team."),
    ("Contact person", "Our contact at a partner."),
]
COMBINATIONS = [
    ("Active members", "Member"),
    ("Honorary members", "Member"),
    ("Board", "Chair"),
    ("Board", "Treasurer"),
    ("Board", "Secretary"),
    ("Executive committee", "Chair"),
    ("Events team", "Volunteer"),
    ("Events team", "Coordinator"),
    ("Communication team", "Volunteer"),
    ("Partners", "Contact person"),
]

FIRST_NAMES = {
    "M": ["Jan", "Pieter", "Luc", "Koen", "Tom", "Wim", "Bart", "Johan", "Thomas", "Lucas", "Louis", "Noah"],
    "F": [
        "An",
        "Els",
        "Sofie",
        "Lies",
        "Marie",
        "Emma",
        "Julie",
        "Lotte",
        "Sarah",
        "Nathalie",
        "Inge",
        "Olivia",
    ],
}
LAST_NAMES = [
    "Peeters",
    "Janssens",
    "Maes",
    "Jacobs",
    "Mertens",
    "Willems",
    "Claes",
    "Goossens",
    "Wouters",
    "De Smet",
    "Dubois",
    "Lambert",
    "Dupont",
    "Martin",
    "Vermeulen",
    "Van Damme",
    "Hermans",
    "Leclercq",
]
CITIES = [
    ("9000", "Gent"),
    ("2000", "Antwerpen"),
    ("1000", "Brussel"),
    ("3000", "Leuven"),
    ("8000", "Brugge"),
    ("4000", "Liège"),
    ("5000", "Namur"),
    ("2800", "Mechelen"),
    ("3500", "Hasselt"),
    ("7000", "Mons"),
]
STREETS = [
    "Kerkstraat",
    "Stationsstraat",
    "Dorpsstraat",
    "Molenstraat",
    "Nieuwstraat",
    "Schoolstraat",
    "Rue de la Gare",
    "Rue de l'Église",
    "Veldstraat",
    "Kouter",
    "Meir",
    "Grote Markt",
]
ORGANISATIONS = [
    ("Brouwerij De Klok", "food and drink"),
    ("Atelier Lumière", "culture"),
    ("Gentse Fietsvrienden vzw", "public"),
    ("Bakkerij Peeters & Zonen", "food and drink"),
    ("Théâtre du Parc", "culture"),
    ("Drukkerij Vanhove", "services"),
    ("Stad Leuven", "public"),
    ("Boekhandel Het Leesteken", "retail"),
    ("Koffiebranderij Mokka", "food and drink"),
    ("Studio Noord Architecten", "services"),
    ("Fromagerie Lambert", "retail"),
    ("Muziekcentrum De Bijloke", "culture"),
]
SCHOOLS = ["Universiteit Gent", "KU Leuven", "Université libre de Bruxelles", "Hogeschool PXL", "UCLouvain"]
DEGREES = ["Master of Laws", "Bachelor in Business", "Master in History", "Master of Engineering", ""]
TITLES = ["Manager", "Accountant", "Designer", "Sales representative", "Director", "Engineer", "Chef"]
COMPANY_FORMS = ["BV", "NV", "vzw", "SRL", "SA", "Group", "& Co"]
PERSON_COUNT = 40


def _landline(rng):
    return f"+32 {rng.randint(2, 9)} {rng.randint(100, 999)} {rng.randint(10, 99)} {rng.randint(10, 99)}"


def _mobile(rng):
    return f"+32 4{rng.randint(70, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)}"


def _say(stdout, message):
    if stdout is not None:
        stdout.write(message)


# --- Reference data ---------------------------------------------------------------------------


def _tags():
    tags = {}
    for name, colour, description in TAGS:
        tag = Tag.objects.filter(name=name).first()
        if tag is None:
            tag = Tag.objects.create(name=name, colour=colour, description=description)
            log_create(ACTOR, tag)
        tags[name] = tag
    return tags


def _custom_fields():
    categories = {}
    for name, applies_to, order in CATEGORIES:
        category = CustomFieldCategory.objects.filter(name=name).first()
        if category is None:
            category = CustomFieldCategory.objects.create(name=name, applies_to=applies_to, order=order)
            log_create(ACTOR, category)
        categories[name] = category
    fields = {}
    for order, (key, name, category, applies_to, field_type, choices, help_text) in enumerate(CUSTOM_FIELDS):
        field = CustomField.objects.filter(key=key).first()
        if field is None:
            field = CustomField.objects.create(
                key=key,
                name=name,
                category=categories[category],
                applies_to=applies_to,
                field_type=field_type,
                choices=choices,
                order=order,
                help_text=help_text,
            )
            log_create(ACTOR, field)
        fields[key] = field
    return fields


def _address_types():
    types = {"correspondence": services.get_default_address_type()}
    for code, description, max_amount in ADDRESS_TYPES:
        address_type = AddressType.objects.filter(code=code).first()
        if address_type is None:
            address_type = services.create_address_type(
                ACTOR, description=description, max_amount=max_amount, code=code
            )
        types[code] = address_type
    return types


def _groups_and_functions():
    groups = {}
    for name, parent, description in GROUPS:
        parent_group = groups.get(parent)
        group = Group.objects.filter(name=name, parent=parent_group).first()
        if group is None:
            group = services.create_group(ACTOR, name=name, description=description, parent=parent_group)
        groups[name] = group
    functions = {}
    for name, description in FUNCTIONS:
        function = Function.objects.filter(name=name).first()
        if function is None:
            function = services.create_function(ACTOR, name=name, description=description)
        functions[name] = function
    combinations = {}
    for group, function in COMBINATIONS:
        combination = Combination.objects.filter(group=groups[group], function=functions[function]).first()
        if combination is None:
            combination = services.create_combination(
                ACTOR, group=groups[group], function=functions[function]
            )
        combinations[(group, function)] = combination
    return groups, functions, combinations


def _api_keys():
    """An integration user with an example key (its raw value is not kept: `demo_admin` prints
    a usable key) and a revoked one, so the API key screens have something to show."""
    user, created = get_user_model().objects.get_or_create(
        username="integration", defaults={"email": "integration@example.com"}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    if not ApiKey.objects.filter(user=user, name="Demo integration").exists():
        issue_api_key(user, "Demo integration")
    if not ApiKey.objects.filter(user=user, name="Old integration (revoked)").exists():
        key, _raw = issue_api_key(user, "Old integration (revoked)")
        revoke_api_key(key)


# --- Parties --------------------------------------------------------------------------------


def _fill_address(party, address_type, rng, *, default=False):
    postal_code, city = rng.choice(CITIES)
    fields = {
        "street": rng.choice(STREETS),
        "number": str(rng.randint(1, 250)),
        "postal_code": postal_code,
        "city": city,
        "country": DEMO_COUNTRY,
    }
    if default:
        return services.update_address(ACTOR, party.addresses.get(is_default=True), **fields)
    return services.add_address(ACTOR, party, address_type=address_type, **fields)


def _organisations(rng, tags, fields, types):
    organisations = []
    for index, (name, sector) in enumerate(ORGANISATIONS):
        organisation = Party.objects.filter(kind=Party.Kind.ORGANISATION, name=name).first()
        if organisation is not None:
            organisations.append(organisation)
            continue
        slug = "".join(ch for ch in name.lower() if ch.isalnum())[:20]
        organisation = services.create_organisation(
            ACTOR,
            name=name,
            website=f"https://www.{slug}.example",
            vat_number=f"BE0{400000000 + index * 7919:09d}",
            email=f"info@{slug}.example",
            phone=_landline(rng),
        )
        _fill_address(organisation, types["correspondence"], rng, default=True)
        _fill_address(organisation, types["visiting"], rng)
        if index % 2 == 0:
            _fill_address(organisation, types["invoice"], rng)
            _fill_address(organisation, types["delivery"], rng)
        services.add_email_address(
            ACTOR, organisation, email=f"billing@{slug}.example", description="Invoices", context="business"
        )
        services.set_tags(
            ACTOR, organisation, [tags[rng.choice(["Customer", "Supplier", "Sponsor", "Prospect"])]]
        )
        core_services.set_custom_field_value(ACTOR, organisation, fields["sector"], sector)
        core_services.set_custom_field_value(
            ACTOR, organisation, fields["employee_count"], rng.randint(3, 400)
        )
        core_services.set_custom_field_value(
            ACTOR, organisation, fields["annual_revenue"], Decimal(rng.randint(100_000, 20_000_000)) / 100
        )
        core_services.set_custom_field_value(ACTOR, organisation, fields["newsletter_opt_in"], index % 3 != 0)
        organisations.append(organisation)
    return organisations


def _email_for(first, last, index):
    local = f"{first}.{last}".lower().replace(" ", "")
    return f"{local}.{index}@demo.example"


def _persons(rng, tags, fields, types, organisations, combinations):
    today = timezone.localdate()
    persons = []
    for index in range(PERSON_COUNT):
        gender = "F" if index % 2 else "M"
        first, last = FIRST_NAMES[gender][index % 12], LAST_NAMES[(index * 7) % len(LAST_NAMES)]
        email = _email_for(first, last, index)
        existing = EmailAddress.objects.filter(email=email, is_primary=True).select_related("party").first()
        if existing is not None:
            persons.append(existing.party)
            continue
        person = services.create_person(
            ACTOR,
            title="Ms" if gender == "F" else "Mr",
            first_name=first,
            last_name=last,
            gender=gender,
            birth_date=datetime.date(1950 + rng.randint(0, 50), rng.randint(1, 12), rng.randint(1, 28)),
            birth_place=rng.choice(CITIES)[1],
            preferred_language=rng.choice(["nl", "nl", "fr", "en"]),
            email=email,
            phone=_landline(rng),
            mobile=_mobile(rng),
        )
        _fill_address(person, types["correspondence"], rng, default=True)
        if index % 4 == 0:
            _fill_address(person, types["home"], rng)
        if index % 3 == 0:
            services.add_email_address(
                ACTOR, person, email=f"{first.lower()}.{index}@work.example", context="business"
            )
        if index % 3 != 2:
            employer = organisations[index % len(organisations)]
            services.add_company_position(
                ACTOR,
                person,
                organisation=employer,
                title=rng.choice(TITLES),
                start_date=today - datetime.timedelta(days=rng.randint(100, 3000)),
                is_primary=True,
            )
            if index % 5 == 0:
                services.add_company_position(
                    ACTOR,
                    person,
                    company_name="Vroeger BV",
                    title=rng.choice(TITLES),
                    start_date=datetime.date(2005, 1, 1),
                    end_date=datetime.date(2012, 6, 30),
                )
        if index % 2 == 0:
            services.add_education(
                ACTOR,
                person,
                school=rng.choice(SCHOOLS),
                degree=rng.choice(DEGREES),
                start_date=datetime.date(1970 + index, 9, 15),
                end_date=datetime.date(1974 + index, 6, 30),
            )
        _memberships(person, index, today, combinations)
        person_tags = [tags["Newsletter"]] if index % 2 == 0 else []
        if index % 7 == 0:
            person_tags.append(tags["VIP"])
        if index % 5 == 1:
            person_tags.append(tags["Volunteer"])
        if index == 3:
            person_tags.append(tags["Press"])
        services.set_tags(ACTOR, person, person_tags)
        _person_values(person, index, rng, fields, today)
        _messengers_and_relations(person, index, persons, organisations)
        persons.append(person)
    return persons


def _messengers_and_relations(person, index, persons, organisations):
    if index % 4 == 1:
        services_profile.add_messenger_account(
            ACTOR,
            person,
            service=MessengerAccount.Service.SKYPE,
            handle=f"live:{person.first_name.lower()}{index}",
        )
    relations = []
    if index % 6 == 1 and persons:
        relations.append((persons[-1], PartyRelation.Type.FAMILY_MEMBER))
    if index % 9 == 4 and len(persons) > 2:
        relations.append((persons[index // 3], PartyRelation.Type.CLOSE_FRIEND))
    if index % 10 == 7:
        relations.append((organisations[(index + 3) % len(organisations)], PartyRelation.Type.CLIENT))
    for other, relation_type in relations:
        services_profile.add_relation(ACTOR, person, related_party=other, type=relation_type)


def _memberships(person, index, today, combinations):
    """Past, current and future memberships, so "members on a date" has something to show."""
    member = combinations[("Active members", "Member")]
    if index % 4 != 3:
        services.add_membership(
            ACTOR, person, combination=member, start_date=today - datetime.timedelta(days=400)
        )
    else:  # lapsed
        services.add_membership(
            ACTOR,
            person,
            combination=member,
            start_date=today - datetime.timedelta(days=900),
            end_date=today - datetime.timedelta(days=30),
        )
    board = [("Board", "Chair"), ("Board", "Treasurer"), ("Board", "Secretary")]
    if index < 3:
        services.add_membership(
            ACTOR,
            person,
            combination=combinations[board[index]],
            start_date=today - datetime.timedelta(days=200),
        )
    elif index < 5:  # the next board, starting next month
        services.add_membership(
            ACTOR,
            person,
            combination=combinations[board[index - 3]],
            start_date=today + datetime.timedelta(days=30),
        )
    if index % 5 == 1:
        team = ("Events team", "Volunteer") if index % 2 else ("Communication team", "Volunteer")
        services.add_membership(
            ACTOR, person, combination=combinations[team], start_date=datetime.date(2022, 3, 1)
        )
    if index == 11:
        services.add_membership(
            ACTOR,
            person,
            combination=combinations[("Honorary members", "Member")],
            start_date=datetime.date(2015, 1, 1),
        )


def _person_values(person, index, rng, fields, today):
    set_value = core_services.set_custom_field_value
    set_value(ACTOR, person, fields["member_level"], ["bronze", "silver", "gold"][index % 3])
    set_value(ACTOR, person, fields["member_since"], today - datetime.timedelta(days=rng.randint(100, 4000)))
    set_value(ACTOR, person, fields["newsletter_opt_in"], index % 2 == 0)
    if index % 2 == 0:
        set_value(ACTOR, person, fields["household_size"], rng.randint(1, 6))
    if index % 3 == 0:
        set_value(ACTOR, person, fields["interests"], rng.sample(fields["interests"].choices, 2))
    if index % 6 == 0:
        set_value(ACTOR, person, fields["nickname"], person.first_name[:3])
    if index % 8 == 0:
        set_value(
            ACTOR, person, fields["remarks"], "Prefers to be called in the morning.\nSpeaks Dutch and French."
        )


def _segments(tags, groups, persons, organisations):
    definitions = [
        (
            "Gold members",
            Party.Kind.PERSON,
            "Members at the gold level.",
            {"match": "all", "conditions": [{"field": "cf.member_level", "op": "eq", "value": "gold"}]},
            [],
        ),
        (
            "Newsletter in Gent or Antwerpen",
            Party.Kind.PERSON,
            "Opted in, living in Gent or Antwerpen.",
            {
                "match": "all",
                "conditions": [
                    {"field": "cf.newsletter_opt_in", "op": "eq", "value": True},
                    {
                        "match": "any",
                        "conditions": [
                            {"field": "city", "op": "eq", "value": "Gent"},
                            {"field": "city", "op": "eq", "value": "Antwerpen"},
                        ],
                    },
                ],
            },
            [],
        ),
        (
            "Board today",
            Party.Kind.PERSON,
            "Whoever is on the board today.",
            {"match": "all", "conditions": [{"field": "group", "op": "eq", "value": groups["Board"].pk}]},
            [],
        ),
        (
            "VIP guests",
            Party.Kind.PERSON,
            "Tagged VIP, plus a few invited by hand.",
            {"match": "all", "conditions": [{"field": "tag", "op": "eq", "value": tags["VIP"].pk}]},
            persons[1:4],
        ),
        ("Festival crew", Party.Kind.PERSON, "Listed by hand only.", {}, persons[5:12]),
        (
            "Food and drink partners",
            Party.Kind.ORGANISATION,
            "Organisations in the food and drink sector.",
            {"match": "all", "conditions": [{"field": "cf.sector", "op": "eq", "value": "food and drink"}]},
            organisations[:1],
        ),
    ]
    for name, applies_to, description, rules, static in definitions:
        if Segment.objects.filter(name=name).exists():
            continue
        segment = services.save_segment(
            ACTOR, Segment(name=name, applies_to=applies_to, description=description, rules=rules)
        )
        services.set_segment_members(ACTOR, segment, static)


def seed(stdout):
    rng = random.Random(20240131)
    with transaction.atomic():
        tags = _tags()
        fields = _custom_fields()
        types = _address_types()
        groups, _functions, combinations = _groups_and_functions()
        organisations = _organisations(rng, tags, fields, types)
        persons = _persons(rng, tags, fields, types, organisations, combinations)
        _segments(tags, groups, persons, organisations)
        _api_keys()
    _say(
        stdout,
        f"Parties: {Party.objects.filter(kind=Party.Kind.PERSON).count()} persons, "
        f"{Party.objects.filter(kind=Party.Kind.ORGANISATION).count()} organisations, "
        f"{Segment.objects.count()} segments.",
    )


# --- Bulk parties ---------------------------------------------------------------------------

BATCH = 10_000


class FastRandom(random.Random):
    """`choice` and `randint` by scaling `random()`: over twice as fast as the exact versions
    (they are most of the bulk load's Python time), and their bias (n / 2**53) is nothing for
    demo data."""

    def choice(self, seq):
        return seq[int(self.random() * len(seq))]

    def randint(self, a, b):
        return a + int(self.random() * (b - a + 1))


def _bulk_value(field: CustomField, rng):
    """A random typed value for a custom field, as {column: python value}."""
    kind = field.field_type
    if kind == FT.CHOICE and field.choices:
        return {"text_value": rng.choice(field.choices)}
    if kind == FT.MULTIPLE_CHOICE and field.choices:
        return {"list_value": rng.sample(field.choices, min(2, len(field.choices)))}
    if kind == FT.BOOLEAN:
        return {"boolean_value": rng.random() < 0.6}
    if kind == FT.INTEGER:
        return {"integer_value": rng.randint(1, 500)}
    if kind == FT.DECIMAL:
        return {"decimal_value": Decimal(rng.randint(100, 10_000_000)) / 100}
    if kind == FT.DATE:
        return {"date_value": datetime.date(2000, 1, 1) + datetime.timedelta(days=rng.randint(0, 9000))}
    if kind in (FT.TEXT, FT.LONG_TEXT):
        return {"text_value": rng.choice(["yes please", "call first", "via e-mail only", "n/a"])}
    return None


BULK_MODELS = (Party, Address, EmailAddress, Phone, Membership, CustomFieldValue)


@after_load
def refresh_party_match_keys(connection, loaded):
    """The bulk-loaded parties (a range of ids) and their e-mails, phones and addresses get their
    match keys (apps.parties.keystore) inside the load's transaction, after the indexes are built
    again and before ANALYZE."""
    ids = loaded.get(Party)
    if ids:
        keystore.refresh_all(first=ids[0], last=ids[-1], analyze=False)


def seed_parties_bulk(count, stdout):
    """Bulk-load `count` parties (nine persons to one organisation), each with its default
    address, a primary e-mail and a phone; two in three get a current membership, each one or
    two custom field values. One transaction (`apps.core.bulkload.BulkLoad`: COPY on PostgreSQL
    with the secondary indexes and constraints built after the load, executemany on SQLite with
    the non-unique indexes built after), by batches of 10,000 parties; every row gets an explicit
    id (reserved up front, so children point at their party without reading it back) and a
    precomputed uuid. The change log is skipped for these rows (a summary line goes to stdout)."""
    if count <= 0:
        return
    started = time.monotonic()
    rng = FastRandom()

    # Precomputed UUIDv7-style ids: milliseconds and a counter first, so the unique index grows
    # at its end (random uuids land all over the b-tree), then 32 random bits. The counter stays
    # below the version (bits 76-79) and variant (bits 62-63) fields. 32 hex digits is a uuid's
    # database form on SQLite and an accepted input on PostgreSQL.
    sequence = itertools.count()
    prefix = (int(time.time() * 1000) << 80) | (0x7 << 76) | (0x2 << 62)
    getrandbits = rng.getrandbits

    def new_uuid() -> str:
        return "%032x" % (prefix | (next(sequence) << 32) | getrandbits(32))

    default_type = services.get_default_address_type().pk
    combinations = list(Combination.objects.values_list("pk", flat=True))
    party_type = ContentType.objects.get_for_model(Party).pk
    demo_keys = [key for key, *_rest in CUSTOM_FIELDS]
    value_fields = {
        kind: sorted(
            (
                f
                for f in CustomField.objects.filter(applies_to__in=[kind, AppliesTo.PARTY])
                if _bulk_value(f, rng) is not None
            ),
            key=lambda f: (demo_keys.index(f.key) if f.key in demo_keys else len(demo_keys), f.pk),
        )[:3]
        for kind in (Party.Kind.PERSON, Party.Kind.ORGANISATION)
    }
    first_names = FIRST_NAMES["M"] + FIRST_NAMES["F"]
    suffix = uuid.uuid4().hex[:6]  # keeps e-mail addresses apart between runs
    PERSON, ORGANISATION = Party.Kind.PERSON.value, Party.Kind.ORGANISATION.value
    MOBILE, LANDLINE = Phone.Kind.MOBILE.value, Phone.Kind.LANDLINE.value
    languages = ("nl", "fr", "en")

    with BulkLoad(BULK_MODELS) as load:
        ops = load.connection.ops
        today = timezone.localdate()
        start_dates = [ops.adapt_datefield_value(today - datetime.timedelta(days=d)) for d in range(0, 3000)]
        add = load.add
        done = 0
        while done < count:
            size = min(BATCH, count - done)
            now = ops.adapt_datetimefield_value(timezone.now())
            first_party = load.reserve_ids(Party, size)
            address_id = load.reserve_ids(Address, size)
            email_id = load.reserve_ids(EmailAddress, size)
            phone_id = load.reserve_ids(Phone, size)
            for i in range(size):
                pk = first_party + i
                if (done + i) % 10 == 9:
                    kind = ORGANISATION
                    name = f"{rng.choice(LAST_NAMES)} {rng.choice(COMPANY_FORMS)}"
                    add(Party, id=pk, kind=kind, name=name, uuid=new_uuid(), created=now, updated=now)
                    local = "info"
                    phone_kind, number = LANDLINE, _landline(rng)
                else:
                    kind, first, last = PERSON, rng.choice(first_names), rng.choice(LAST_NAMES)
                    add(
                        Party,
                        id=pk,
                        kind=kind,
                        name=f"{first} {last}",
                        first_name=first,
                        last_name=last,
                        preferred_language=rng.choice(languages),
                        uuid=new_uuid(),
                        created=now,
                        updated=now,
                    )
                    local = first.lower()
                    phone_kind, number = MOBILE, _mobile(rng)
                postal_code, city = rng.choice(CITIES)
                add(
                    Address,
                    id=address_id + i,
                    party_id=pk,
                    address_type_id=default_type,
                    is_default=True,
                    street=rng.choice(STREETS),
                    number=str(rng.randint(1, 250)),
                    postal_code=postal_code,
                    city=city,
                    country=DEMO_COUNTRY,
                    uuid=new_uuid(),
                    created=now,
                    updated=now,
                )
                add(
                    EmailAddress,
                    id=email_id + i,
                    party_id=pk,
                    email=f"{local}.{pk}.{suffix}@bulk.example",
                    is_primary=True,
                    uuid=new_uuid(),
                    created=now,
                    updated=now,
                )
                add(
                    Phone,
                    id=phone_id + i,
                    party_id=pk,
                    kind=phone_kind,
                    number=number,
                    uuid=new_uuid(),
                    created=now,
                    updated=now,
                )
                if combinations and rng.random() < 0.66:
                    add(
                        Membership,
                        id=load.reserve_ids(Membership, 1),
                        party_id=pk,
                        combination_id=rng.choice(combinations),
                        start_date=rng.choice(start_dates),
                        end_date=None,
                        uuid=new_uuid(),
                        created=now,
                        updated=now,
                    )
                for field in value_fields[kind][: rng.randint(1, 2)]:
                    typed = {
                        column: load.prep(CustomFieldValue, column, value)
                        for column, value in _bulk_value(field, rng).items()
                    }
                    add(
                        CustomFieldValue,
                        id=load.reserve_ids(CustomFieldValue, 1),
                        field_id=field.pk,
                        content_type_id=party_type,
                        object_id=pk,
                        uuid=new_uuid(),
                        created=now,
                        updated=now,
                        **typed,
                    )
            load.flush()
            done += size
        totals = load.loaded()

    elapsed = time.monotonic() - started
    rows = ", ".join(
        f"{n} {model._meta.verbose_name_plural}" for model, n in totals.items() if model is not Party
    )
    _say(
        stdout,
        f"Bulk-created {count} parties ({rows}) in {elapsed:.1f} s: {count / elapsed:.0f} parties/s. "
        "The change log has no entries for them (bulk demo data).",
    )
