"""Demo activities: one of each Peepl type (a sale with products and group prices, an internal
activity with sessions and attendance), CRM activity types and a completed task; CRM.COM's links;
and the sales pipeline: Cirrus appointments with their details, leads with lead activities (one
converted), opportunities at every stage, challenges waiting, running and decided. Idempotent:
records are found by their `external_key` (activities), title (leads) or name (lookups)."""

import datetime
from decimal import Decimal

from django.apps import apps
from django.contrib.auth import get_user_model
from django.utils import timezone

from apps.core.models import AppliesTo, CustomField, Tag
from apps.core.services import set_custom_field_value
from apps.parties import services as party_services
from apps.parties.models import Group, Party

from . import demo_orders, lookups, services, services_challenges, services_crm, services_pipeline
from .models import (
    Activity,
    ActivityPriority,
    ActivityType,
    Challenge,
    ChallengeType,
    Lead,
    LeadActivityType,
    LeadStatus,
    Opportunity,
    OpportunityEstimate,
    OpportunityReason,
    OpportunityState,
    OpportunityType,
    ProgressionState,
    Source,
)

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
    _seed_pipeline(stdout)
    demo_orders.seed(stdout)


# CRM.COM: activity tags with colours, a lead, an order and a service request, and activities
# linked to them (the standard types call/meeting/email/task come from a data migration).
TAGS = [("VIP", "#0000FF"), ("Follow-up", "FR547F"), ("Complaint", "#C0392B")]


def _seed_crm(persons, call):
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


# --- The sales pipeline: Cirrus appointments, leads, opportunities, challenges -----------------
# Found again by their titles and external keys, so a second run adds nothing.

LEADS = [
    # title, company, first name, last name, city, value, rating, status, source
    ("Forklift fleet", "Nordic Logistics AB", "Per", "Berg", "Umeå", "48000", 4, "New", "Trade fair"),
    ("Warehouse racks", "Kallax Lager AB", "Lina", "Holm", "Luleå", "12500", 3, "Contacted", "Website"),
    ("Service contract", "", "Ola", "Nord", "Skellefteå", "6000", 2, "Qualified", "Referral"),
    ("Pallet wrappers", "Baltic Pack Oy", "", "", "Vaasa", "9000", 1, "Unqualified", "Cold call"),
]
# title, account index, status, estimate %, days to close, value, reason
OPPORTUNITIES = [
    ("Ten trucks", 0, "Negotiation", 75, 20, "250000", None),
    ("Spare parts deal", 1, "Proposal sent", 50, 45, "18000", None),
    ("Fleet service", 2, "Prospecting", 25, 90, "32000", None),
    ("Yard tractors", 3, "Won", 90, -10, "120000", "Product fit"),
    ("Telematics", 4, "Lost", 10, -30, "15000", "Competitor"),
    ("Driver training", 5, "Prospecting", 50, 60, "8000", None),
]


def _seed_pipeline(stdout):
    lookups.install(apps)
    sellers = list(get_user_model().objects.filter(is_active=True).exclude(email="").order_by("id")[:3])
    accounts = list(
        Party.objects.filter(kind=Party.Kind.ORGANISATION, primary_contact__isnull=False).order_by("id")[:6]
    )
    if len(sellers) < 2 or len(accounts) < 6 or Lead.objects.filter(title=LEADS[0][0]).exists():
        return
    fleet = CustomField.objects.filter(key="fleet_size").first() or CustomField.objects.create(
        key="fleet_size", name="Fleet size", applies_to=AppliesTo.OPPORTUNITY, field_type="integer"
    )
    tags = {name: _tag(name) for name in ("Hot", "Fleet", "Renewal")}

    # Leads with lead activities; the first one converted to an opportunity.
    leads = []
    for index, (title, company, first, last, city, value, rating, status, source) in enumerate(LEADS):
        lead = services_pipeline.create_lead(
            None,
            title=title,
            prospect_company=company,
            prospect_first_name=first,
            prospect_last_name=last,
            prospect_city=city,
            prospect_email=f"{first.lower()}@{company.split()[0].lower()}.example"
            if first and company
            else "",
            value=Decimal(value),
            rating=rating,
            owner=sellers[index % len(sellers)],
            status=LeadStatus.objects.get(name=status),
            source=Source.objects.get(name=source),
            tags=[tags["Hot"]] if rating >= 4 else [],
        )
        for offset, kind in enumerate(LeadActivityType.objects.order_by("sort_order")[:2]):
            services_pipeline.create_lead_activity(
                None,
                lead=lead,
                activity_type=kind,
                comment=f"{kind.name} about {title.lower()}",
                owner=lead.owner,
                followup=_at(index + offset + 1, 10),
                done=offset == 0,
            )
        leads.append(lead)
    services_pipeline.convert_lead(sellers[0], leads[0])

    # Opportunities of the first accounts, at every stage.
    kind = OpportunityType.objects.get(is_default=True)
    progression = list(ProgressionState.objects.filter(applies_to="opportunity").order_by("sort_order"))
    deals = []
    for index, (title, account_index, status, probability, days, value, reason) in enumerate(OPPORTUNITIES):
        account = accounts[account_index]
        deal = services_pipeline.create_opportunity(
            sellers[index % len(sellers)],
            title=title,
            description=f"{title} for {account.name}",
            account=account,
            contact=account.primary_contact,
            owner=sellers[index % len(sellers)],
            opportunity_type=kind,
            status=kind.statuses.get(name=status),
            estimate=OpportunityEstimate.objects.get(probability=probability),
            estimated_end_date=timezone.localdate() + datetime.timedelta(days=days),
            value=Decimal(value),
            state=OpportunityState.objects.order_by("sort_order")[index % 4],
            source=Source.objects.order_by("sort_order")[index % 4],
            progression_state=progression[index % len(progression)],
            win_reason=OpportunityReason.objects.get(kind="won", name=reason) if status == "Won" else None,
            lost_reason=OpportunityReason.objects.get(kind="lost", name=reason) if status == "Lost" else None,
            alt_account=accounts[(account_index + 1) % len(accounts)] if index == 0 else None,
            end_date=timezone.localdate() + datetime.timedelta(days=days)
            if status in ("Won", "Lost")
            else None,
            tags=[tags["Fleet"]] if "truck" in title.lower() or "fleet" in title.lower() else [],
        )
        services_pipeline.follow_opportunity(None, deal, sellers[(index + 1) % len(sellers)])
        set_custom_field_value(None, deal, fleet, 5 + index * 3)
        deals.append(deal)

    # Cirrus appointments (CRM tasks): one per account, with the details Cirrus shows.
    meeting, call = ActivityType.objects.get(code="meeting"), ActivityType.objects.get(code="call")
    questions = list(meeting.questions.order_by("sort_order"))
    states = list(ProgressionState.objects.filter(applies_to="activity").order_by("sort_order"))
    priorities = list(ActivityPriority.objects.order_by("sort_order"))
    for index, account in enumerate(accounts):
        owner = sellers[index % len(sellers)]
        visit = index % 2 == 0
        activity = services_crm.create_crm_activity(
            owner,
            name=f"{'Visit' if visit else 'Call'} {account.name}",
            description=f"Follow up {deals[index].title.lower()}",
            activity_type=meeting if visit else call,
            start=_at(index * 3 - 6, 9 + index % 4),
            end=_at(index * 3 - 6, 10 + index % 4),
            account=account,
            contact=account.primary_contact,
            owner=owner,
            location=f"{account.name} office" if visit else "Phone",
            result="Positive" if index < 2 else "",
            state=Activity.State.COMPLETED if index < 2 else None,
            priority=priorities[index % len(priorities)],
            progression_state=states[index % len(states)],
            opportunity=deals[index],
            reminder_minutes=30 if index % 3 == 0 else None,
            reminder_text="Bring the offer" if index % 3 == 0 else "",
            external_key=f"demo:pipeline:{index}",
            invited_users=[sellers[(index + 1) % len(sellers)]] if visit else [],
            answers={questions[0]: "Yes"} if visit and questions else None,
            attempt_notes=[] if visit else ["No answer, left a message"],
            tags=[tags["Renewal"]] if index == 5 else [],
        )
        services_crm.follow_activity(None, activity, owner)

    # Challenges: one waiting for an answer, one running, one decided.
    activities_type, won_type = (
        ChallengeType.objects.get(metric="activities"),
        ChallengeType.objects.get(metric="won"),
    )
    services_challenges.create_challenge(
        sellers[0], challenged=sellers[1], challenge_type=activities_type, start=_at(1, 8)
    )
    running = services_challenges.create_challenge(
        sellers[1], challenged=sellers[0], challenge_type=activities_type, start=_at(-2, 8)
    )
    services_challenges.accept_challenge(sellers[0], running)
    decided = services_challenges.create_challenge(
        sellers[0], challenged=sellers[1], challenge_type=won_type, start=_at(-40, 8)
    )
    services_challenges.accept_challenge(sellers[1], decided)
    services_challenges.settle_finished_challenges()
    stdout.write(
        f"Pipeline: {Lead.objects.count()} leads, {Opportunity.objects.count()} opportunities, "
        f"{Challenge.objects.count()} challenges."
    )


def _tag(name: str) -> Tag:
    return Tag.objects.filter(name=name).first() or Tag.objects.create(name=name)
