"""Demo activities: one of each Peepl type (a sale with products and group prices, an internal
activity with sessions and attendance), CRM activity types and a completed task. Idempotent:
records are found by their `external_key` (activities) or name (lookups)."""

import datetime
from decimal import Decimal

from django.utils import timezone

from apps.parties import services as party_services
from apps.parties.models import Group, Party

from . import services
from .models import Activity, ActivityType, ProgressionState

ACTIVITY_TYPES = [("Call", "call", "876FD5"), ("Meeting", "meeting", "0000FF"), ("Visit", "visit", "2E8B57")]
PROGRESSION = ["Planned", "In progress", "Done"]


def _at(days: int, hour: int) -> datetime.datetime:
    day = timezone.localdate() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _activity(key: str, **fields) -> Activity:
    existing = Activity.objects.filter(external_key=key).first()
    if existing is not None:
        return existing
    return services.create_activity(None, external_key=key, **fields)


def _group(name: str) -> Group:
    return Group.objects.filter(name=name).first() or party_services.create_group(None, name=name)


def seed(stdout):
    for sort_order, (name, code, colour) in enumerate(ACTIVITY_TYPES):
        if not ActivityType.objects.filter(code=code).exists():
            services.save_lookup(
                None, ActivityType(name=name, code=code, colour=colour, sort_order=sort_order)
            )
    for sort_order, name in enumerate(PROGRESSION):
        if not ProgressionState.objects.filter(name=name, applies_to="activity").exists():
            services.save_lookup(None, ProgressionState(name=name, sort_order=sort_order))

    common = {"is_public": True, "permissions": []}
    course = _activity(
        "demo:course",
        kind="internal",
        name="First aid course",
        description="Three evenings, certificate included.",
        start=_at(14, 19),
        end=_at(28, 22),
        location="Club house",
        default_price=Decimal("45.00"),
        registration_start=_at(-7, 9),
        registration_deadline=_at(10, 23),
        **common,
    )
    for n, days in enumerate((14, 21, 28), start=1):
        _activity(
            f"demo:course:{n}",
            kind="session",
            parent=course,
            name=f"Evening {n}",
            start=_at(days, 19),
            end=_at(days, 22),
            **common,
        )
    _activity(
        "demo:open-day",
        kind="external",
        name="Open day",
        description="Everyone welcome.",
        start=_at(30, 10),
        end=_at(30, 17),
        location="Main square",
        **common,
    )
    _activity(
        "demo:announcement",
        kind="announcement",
        name="New season calendar",
        description="The calendar for next season is online.",
        start=_at(0, 9),
        **common,
    )
    sale = _activity(
        "demo:dinner",
        kind="sale",
        name="Spaghetti dinner",
        description="Our yearly fundraiser.",
        start=_at(45, 18),
        end=_at(45, 23),
        location="Parish hall",
        **common,
    )
    if not sale.products.exists():
        members = _group("Members")
        youth = _group("Youth")
        adult = services.create_product(
            None, sale, name="Adult meal", price=Decimal("15.00"), max_quantity=10
        )
        child = services.create_product(None, sale, name="Child meal", price=Decimal("8.00"))
        services.create_product_price(None, adult, group=members, price=Decimal("12.00"))
        services.create_product_price(None, child, group=youth, price=Decimal("6.00"))

    persons = list(Party.objects.filter(kind=Party.Kind.PERSON).order_by("id")[:5])
    if persons and not course.attendances.exists():
        for index, person in enumerate(persons):
            row = services.register(None, course, person)
            if index % 2 == 0:
                services.check_in(None, row)

    call = ActivityType.objects.get(code="call")
    task = _activity(
        "demo:call",
        kind="task",
        name="Call about the sponsorship",
        description="Ask about next year's budget.",
        activity_type=call,
        start=_at(-3, 10),
        end=_at(-3, 10) + datetime.timedelta(minutes=30),
        contact=persons[0] if persons else None,
        result="Positive, send a proposal.",
    )
    if task.state == Activity.State.PENDING:
        services.set_activity_state(None, task, Activity.State.COMPLETED)
    _seed_crm(persons, call)
    stdout.write(f"Activities: {Activity.objects.count()}.")


# CRM.COM: activity tags with colours, a lead, an order and a service request, and activities
# linked to them (the standard types call/meeting/email/task come from a data migration).
TAGS = [("VIP", "#0000FF"), ("Follow-up", "FR547F"), ("Complaint", "#C0392B")]


def _seed_crm(persons, call):
    from apps.core.models import Tag

    from . import services_crm, services_pipeline
    from .models import Order, ServiceRequest

    tags = {}
    for name, colour in TAGS:
        tags[name] = Tag.objects.filter(name=name).first() or Tag.objects.create(name=name, colour=colour)
    if not persons or Order.objects.filter(number="SO-1001").exists():
        return
    customer = persons[0]
    address = customer.addresses.filter(is_default=True).first()
    lead = services_pipeline.create_lead(
        None, title="Sponsorship next season", contact=customer, description="Asked for a proposal."
    )
    order = services_crm.save_reference(None, Order(number="SO-1001", contact=customer, address=address))
    request = services_crm.save_reference(
        None, ServiceRequest(number="SR-2001", contact=customer, description="Projector does not start.")
    )
    meeting = ActivityType.objects.filter(code="meeting").first() or call
    visit = services_crm.create_crm_activity(
        None,
        name="Install the new projector",
        activity_type=meeting,
        start=_at(2, 14),
        end=_at(2, 16),
        contact=customer,
        order=order,
        address=services_crm.address_copy(address),
        tags=[tags["VIP"]],
    )
    services_crm.create_crm_activity(
        None,
        name="Call back about the projector",
        activity_type=call,
        start=_at(1, 9),
        contact=customer,
        service_request=request,
        tags=[tags["Complaint"], tags["Follow-up"]],
    )
    services_crm.create_crm_activity(
        None,
        name="Send the sponsorship proposal",
        activity_type=call,
        start=_at(3, 11),
        contact=customer,
        lead=lead,
    )
    services.set_activity_tags(None, visit, [tags["VIP"], tags["Follow-up"]])
