"""Demo accounts: the demo organisations as CRM accounts (type, number, groups, responsible and
alternate sales users, visit intervals, a parent, geocoded addresses, followers, monthly budgets,
a primary contact, an account folder with a file), so a demo install exercises every Cirrus
account, contact, file and folder operation. Runs after the parties demo; idempotent (each step
checks what is already there)."""

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.utils import timezone

from apps.parties import services, services_accounts
from apps.parties.data.accounts import install
from apps.parties.models import AccountGroup, AccountType, CompanyPosition, MonthlyBudget, Party

ACTOR = None
GROUPS = ["Key accounts", "Flanders", "Wallonia", "Brussels", "Hospitality"]
SALES_USERS = [
    ("anna.sales", "Anna", "Claes", "anna.sales@example.com"),
    ("marc.sales", "Marc", "Dubois", "marc.sales@example.com"),
]
# Coordinates of the demo cities (parties demo), for the proximity filters.
CITY_COORDINATES = {
    "Gent": ("51.054342", "3.717424"),
    "Antwerpen": ("51.219448", "4.402464"),
    "Brussel": ("50.850346", "4.351721"),
    "Leuven": ("50.879844", "4.700518"),
    "Brugge": ("51.209348", "3.224700"),
    "Liège": ("50.632557", "5.579666"),
    "Namur": ("50.467388", "4.871985"),
    "Mechelen": ("51.025876", "4.477536"),
    "Hasselt": ("50.930690", "5.332480"),
    "Mons": ("50.454241", "3.956659"),
}
OFFER = b"Offer\n\n12 crates of the seasonal beer at the usual conditions.\n"


def _sales_users():
    users = []
    for username, first, last, email in SALES_USERS:
        user, created = get_user_model().objects.get_or_create(
            username=username,
            defaults={"first_name": first, "last_name": last, "email": email, "is_staff": True},
        )
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        users.append(user)
    return users


def _groups():
    groups = {}
    for name in GROUPS:
        groups[name] = AccountGroup.objects.filter(
            name=name
        ).first() or services_accounts.create_account_group(ACTOR, name=name)
    return groups


def _geocode(organisation):
    for address in organisation.addresses.filter(latitude__isnull=True).exclude(city=""):
        if address.city in CITY_COORDINATES:
            latitude, longitude = CITY_COORDINATES[address.city]
            services.update_address(ACTOR, address, latitude=latitude, longitude=longitude)


def _budgets(organisation, index):
    year = timezone.localdate().year
    for month in range(1, 13):
        if not MonthlyBudget.objects.filter(party=organisation, year=year, month=month).exists():
            services_accounts.set_monthly_budget(
                ACTOR, organisation, year=year, month=month, amount=10_000 + 2_500 * ((index + month) % 5)
            )


def _account_file(organisation):
    from apps.content import services as content_services
    from apps.content.models import File, Folder

    folder = Folder.objects.filter(party=organisation).first()
    if folder is None:
        name = f"Account {organisation.account_number or organisation.pk}"
        folder = Folder.objects.filter(name=name, parent=None).first() or content_services.create_folder(
            ACTOR, name=name, party=organisation
        )
    if not File.objects.filter(parties=organisation).exists():
        content_services.add_file(
            ACTOR,
            ContentFile(OFFER, name="offer.txt"),
            name="Offer.txt",
            folder=folder,
            parties=[organisation],
        )


def _primary_contact(organisation):
    if organisation.primary_contact_id is not None:
        return
    position = (
        CompanyPosition.objects.filter(organisation=organisation, is_primary=True).order_by("id").first()
    )
    if position is not None:
        services_accounts.set_primary_contact(ACTOR, position.person, True)


def seed(stdout):
    install(apps)
    types = list(AccountType.objects.order_by("sort_order", "id"))
    users = _sales_users()
    groups = _groups()
    organisations = list(Party.objects.filter(kind=Party.Kind.ORGANISATION).order_by("id")[:12])
    for index, organisation in enumerate(organisations):
        member_of = [groups[GROUPS[1 + index % 3]]]
        if index % 4 == 0:
            member_of.insert(0, groups["Key accounts"])
        if not organisation.account_number:
            services_accounts.update_account(
                ACTOR,
                organisation,
                account_number=f"A-{1001 + index}",
                account_type=types[index % len(types)],
                responsible_user=users[index % 2],
                alternate_user=users[(index + 1) % 2] if index % 3 == 0 else None,
                visit_interval_weeks=4 + index % 3 * 4,
                alt_name=organisation.name.upper()[:40] if index % 4 == 0 else "",
                external_key=f"ERP-{5000 + index}",
                parent_organisation=organisations[0] if index in (5, 9) else None,
                groups=member_of,
                fax="+32 9 000 00 00" if index % 2 else "",
            )
        _geocode(organisation)
        for user in users[: 1 + index % 2]:
            services_accounts.follow(ACTOR, organisation, user)
        _budgets(organisation, index)
        _primary_contact(organisation)
        if index < 4:
            _account_file(organisation)
    stdout.write(f"Accounts: {len(organisations)} organisations with types, groups and this year's budgets.")
