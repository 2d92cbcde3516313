"""Demo data for the core machinery: staff users with profiles, settings, budgets, departments and
roles; sort groups; the tenant's company details; the shipped KPI definitions and add-ons (one
enabled, with parameters); one merge of two duplicate organisations, so the merge records
screen has an entry; and a signed-out API log-in session. Everything goes through the services;
idempotent (found by names)."""

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from . import login_sessions
from . import services_staff as staff
from .models import (
    Addon,
    AddonParameter,
    Department,
    LoginSession,
    MergeRecord,
    Role,
    SortGroup,
    TenantSettings,
    UserBudget,
)

USERS = [
    # name, surname, title, e-mail, cellphone, roles, departments, language
    (
        "Anna",
        "Berg",
        "Sales manager",
        "anna.berg@example.com",
        "070 123 45 67",
        ["Manager", "Seller"],
        ["Sales"],
        "sv",
    ),
    (
        "Erik",
        "Lund",
        "Account manager",
        "erik.lund@example.com",
        "070 234 56 78",
        ["Seller"],
        ["Sales North"],
        "sv",
    ),
    (
        "Sofie",
        "Peeters",
        "Field seller",
        "sofie.peeters@example.com",
        "0475 12 34 56",
        ["Seller"],
        ["Sales South"],
        "nl",
    ),
    (
        "Tom",
        "Janssens",
        "Support agent",
        "tom.janssens@example.com",
        "0476 98 76 54",
        ["Support"],
        ["Support"],
        "en",
    ),
]
DEPARTMENTS = [("Sales", None), ("Sales North", "Sales"), ("Sales South", "Sales"), ("Support", None)]
SORT_GROUPS = [
    ("Hardware", 10, "HW"),
    ("Software", 20, "SW"),
    ("Services", 30, "SRV"),
    ("Freight", 40, "FRT"),
]


def _department(name, parent):
    existing = Department.objects.filter(name=name).first()
    return existing or staff.create_department(None, name=name, parent=parent)


def seed(stdout):
    User = get_user_model()
    roles = {name: Role.objects.filter(name=name).first() for name in ("Manager", "Seller", "Support")}
    for name, role in roles.items():
        roles[name] = role or staff.create_role(None, name=name)
    departments = {}
    for name, parent in DEPARTMENTS:
        departments[name] = _department(name, departments.get(parent))

    today = timezone.localdate()
    users = []
    for name, surname, title, email, cellphone, role_names, department_names, language in USERS:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = staff.create_user(
                None,
                name=name,
                surname=surname,
                title=title,
                email=email,
                cellphone=cellphone,
                language=language,
                presentation=f"{name} works in {department_names[0]}.",
                roles=[roles[r] for r in role_names],
                departments=[departments[d] for d in department_names],
                settings=[{"key": "startview", "value": "dashboard"}],
            )
        users.append(user)
    anna = users[0]
    staff.update_user(
        None,
        anna,
        licence_admin=True,
        sales_coach=True,
        email_settings={
            "email": anna.email,
            "name": "Anna Berg",
            "smtp_server": "smtp.example.com",
            "port": "587",
        },
    )
    for department_name in ("Sales", "Sales North", "Sales South"):
        department = departments[department_name]
        if department.manager_id is None:
            staff.update_department(None, department, manager=anna)

    # Budgets for the last, this and the next month.
    for offset, user in enumerate(users[:3]):
        for months in (-1, 0, 1):
            first = (today.replace(day=1) + datetime.timedelta(days=32 * months)).replace(day=1)
            if not UserBudget.objects.filter(user=user, year=first.year, month=first.month).exists():
                staff.set_budget(
                    None,
                    user,
                    first.year,
                    first.month,
                    budget=100_000 + 20_000 * offset,
                    pipeline=40_000 + 5_000 * months,
                )

    for name, sort, key in SORT_GROUPS:
        if not SortGroup.objects.filter(name=name).exists():
            staff.create_sort_group(None, name=name, sort=sort, external_key=key)

    if not (TenantSettings.load().portal or {}).get("name"):
        staff.update_settings(
            None,
            {
                "currency": "EUR",
                "portal": {
                    "name": "Demo CRM NV",
                    "street": "Rue de la Loi 16",
                    "zip": "1000",
                    "city": "Brussels",
                    "country": "BE",
                    "phone": "+32 2 123 45 67",
                    "email": "info@example.com",
                    "vatnumber": "BE0123456789",
                    "url": "https://crm.example.com",
                    "iban": "BE68539007547034",
                    "swift": "GKCCBEBB",
                },
                "sales": {"defaultinterest": 8},
                "fieldsales": {
                    "headlines": [{"title": "Spring campaign", "body": "Offer the service plan."}]
                },
            },
        )

    email = Addon.objects.filter(internal_name="email").first()
    if email is not None and not email.enabled:
        email.enabled = True
        email.url = "https://crm.example.com/addons/email"
        email.save()
        AddonParameter.objects.update_or_create(
            addon=email, name="server", defaults={"value": "smtp.example.com"}
        )

    _seed_merge(stdout)
    if not LoginSession.objects.filter(user=anna).exists():
        # Anna logged in through CRM.COM Back-Office v2 and signed out (her token is not kept).
        login_sessions.start_session(anna, datetime.timedelta(days=7))
        login_sessions.end_sessions(anna)
    stdout.write(
        f"Core: {User.objects.count()} users, {Department.objects.count()} departments, "
        f"{Role.objects.count()} roles, {SortGroup.objects.count()} sort groups, "
        f"{MergeRecord.objects.count()} merge records."
    )


def _seed_merge(stdout):
    """Two organisations entered twice, merged as staff would (the duplicate's e-mail and phone
    move to the one kept)."""
    from apps.parties import services as parties
    from apps.parties.merge import merge_parties
    from apps.parties.models import Party

    if MergeRecord.objects.exists():
        return
    kept = Party.objects.filter(name="Nordic Office Supplies AB").first() or parties.create_organisation(
        None,
        name="Nordic Office Supplies AB",
        email="order@nordicoffice.example",
        website="nordicoffice.example",
    )
    duplicate = parties.create_organisation(
        None, name="Nordic Office Supplies", email="info@nordicoffice.example", phone="+46 8 123 45 67"
    )
    merge_parties(None, kept, duplicate)
