"""The pipeline's back office (Django test client): every screen loads; leads, opportunities and
activity types save through the services with their inlines; the bulk actions (assign an owner,
change the status, convert leads to opportunities) and the challenge action run the services the
APIs call; the list filters and columns a salesperson uses."""

import datetime
from decimal import Decimal

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import timezone

from apps.core.models import ObjectChange
from apps.parties import services_accounts
from apps.parties.data.accounts import install as install_account_types
from apps.parties.models import AccountType
from apps.sales import lookups, services, services_challenges, services_pipeline
from apps.sales.models import (
    Activity,
    ActivityType,
    Challenge,
    ChallengeType,
    Lead,
    LeadActivityType,
    LeadStatus,
    Opportunity,
    OpportunityEstimate,
    OpportunityStatus,
    OpportunityType,
    ProgressionState,
    Source,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def shipped(db):
    install_account_types(apps)
    lookups.install(apps)


@pytest.fixture
def seller():
    return UserFactory(username="seller", first_name="Sara", last_name="Säljare")


@pytest.fixture
def account():
    return services_accounts.create_account(None, name="Acme AB", account_type=AccountType.objects.first())


@pytest.fixture
def contact(account):
    return services_accounts.create_contact(None, organisation=account, first_name="Eva", last_name="Ek")


def management(prefix, total=0, initial=0) -> dict:
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def new_business():
    kind = OpportunityType.objects.get(name="New business")
    return kind, kind.statuses.get(name="Prospecting")


def opportunity(account, contact, **fields):
    kind, status = new_business()
    values = {
        "title": "Fleet deal",
        "account": account,
        "contact": contact,
        "opportunity_type": kind,
        "status": status,
        "estimated_end_date": datetime.date(2030, 1, 31),
        **fields,
    }
    return services_pipeline.create_opportunity(None, **values)


def action(admin_client, model, name, rows, **form):
    """Run a changelist action: the form page first, then `apply` with `form` (when given)."""
    url = reverse(f"admin:sales_{model}_changelist")
    data = {"action": name, "_selected_action": [row.pk for row in rows]}
    page = admin_client.post(url, data)
    if not form:
        return page
    assert page.status_code == 200 and b'name="apply"' in page.content
    return admin_client.post(url, {**data, "apply": "1", **form}, follow=True)


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


# --- Every screen loads ---------------------------------------------------------------------


MODELS = [
    "lead",
    "opportunity",
    "challenge",
    "activitytype",
    "activitypriority",
    "leadstatus",
    "leadactivitytype",
    "source",
    "opportunitytype",
    "opportunitystatus",
    "opportunityestimate",
    "opportunityreason",
    "opportunitystate",
    "challengetype",
]


@pytest.mark.parametrize("model", MODELS)
def test_pages_load(admin_client, model, account, contact, seller):
    rival = UserFactory(username="rival")
    lead = services_pipeline.create_lead(None, title="Lead", owner=seller)
    services_pipeline.create_lead_activity(None, lead=lead, comment="Call")
    deal = opportunity(account, contact, owner=seller, estimate=OpportunityEstimate.objects.first())
    challenge = services_challenges.create_challenge(
        seller, challenged=rival, challenge_type=ChallengeType.objects.first(), start=timezone.now()
    )
    rows = {
        "lead": lead,
        "opportunity": deal,
        "challenge": challenge,
        "activitytype": ActivityType.objects.first(),
    }
    changelist = admin_client.get(reverse(f"admin:sales_{model}_changelist"))
    assert changelist.status_code == 200
    if model != "challenge":
        assert admin_client.get(reverse(f"admin:sales_{model}_add")).status_code == 200
    row = rows.get(model)
    if row is not None:
        assert admin_client.get(reverse(f"admin:sales_{model}_change", args=[row.pk])).status_code == 200


# --- Leads ----------------------------------------------------------------------------------


def lead_form(**fields) -> dict:
    data = {
        "title": "",
        "description": "",
        "contact": "",
        "owner": "",
        "status": "",
        "source": "",
        "value": "",
        "rating": "",
        **{
            f"prospect_{name}": ""
            for name in (
                "first_name",
                "last_name",
                "title",
                "company",
                "street",
                "postal_code",
                "city",
                "phone",
                "mobile",
                "email",
                "vat_number",
            )
        },
        **management("lead_activities"),
        **fields,
    }
    return data


def test_add_a_lead_with_its_activities(admin_client, admin_user, seller):
    data = lead_form(
        title="Forklifts",
        prospect_company="Beta AB",
        owner=str(seller.pk),
        status=str(LeadStatus.objects.get(name="New").pk),
        value="5000",
        **management("lead_activities", total=1),
    )
    data.update(
        {
            "lead_activities-0-activity_type": str(LeadActivityType.objects.get(name="Call").pk),
            "lead_activities-0-comment": "Call back on Monday",
            "lead_activities-0-owner": str(seller.pk),
        }
    )
    response = admin_client.post(reverse("admin:sales_lead_add"), data)
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    lead = Lead.objects.get()
    assert (lead.title, lead.owner, lead.value) == ("Forklifts", seller, Decimal("5000"))
    assert lead.lead_activities.get().comment == "Call back on Monday"
    logged = ObjectChange.objects.filter(user=admin_user).values_list("content_type__model", flat=True)
    assert {"lead", "leadactivity"} <= set(logged)


def test_a_lead_naming_nothing_is_a_form_error(admin_client):
    response = admin_client.post(reverse("admin:sales_lead_add"), lead_form(description="?"))
    assert response.status_code == 200 and "title" in response.context["adminform"].form.errors
    assert not Lead.objects.exists()


def test_leads_list_filters(admin_client, seller):
    new = LeadStatus.objects.get(name="New")
    mine = services_pipeline.create_lead(None, title="Mine", owner=seller, status=new)
    services_pipeline.create_lead(None, title="Other")
    url = reverse("admin:sales_lead_changelist")
    for query in (f"owner__id__exact={seller.pk}", f"status__id__exact={new.pk}"):
        rows = list(admin_client.get(f"{url}?{query}").context["cl"].result_list)
        assert rows == [mine], query


def test_bulk_assign_owner_and_status_of_leads(admin_client, seller):
    leads = [services_pipeline.create_lead(None, title=f"Lead {n}") for n in range(3)]
    response = action(admin_client, "lead", "assign_owner", leads[:2], owner=str(seller.pk))
    assert "2 lead(s) now belong to" in messages_of(response)[0]
    assert list(Lead.objects.filter(owner=seller).order_by("id")) == leads[:2]
    qualified = LeadStatus.objects.get(name="Qualified")
    response = action(admin_client, "lead", "change_status", leads, status=str(qualified.pk))
    assert set(Lead.objects.values_list("status", flat=True)) == {qualified.pk}
    page = action(admin_client, "lead", "change_status", leads)
    assert page.status_code == 200 and b"Change the status" in page.content


def test_convert_leads_to_opportunities(admin_client, seller):
    lead = services_pipeline.create_lead(
        None, title="Forklifts", prospect_company="Beta AB", prospect_last_name="Berg", owner=seller
    )
    kind = OpportunityType.objects.get(name="Additional sale")
    response = action(
        admin_client,
        "lead",
        "convert_to_opportunity",
        [lead],
        opportunity_type=str(kind.pk),
        estimated_end_date="2030-06-30",
    )
    assert "Converted to 1 opportunity" in messages_of(response)[0]
    deal = Opportunity.objects.get()
    lead.refresh_from_db()
    assert lead.opportunity == deal and deal.opportunity_type == kind and deal.owner == seller
    assert deal.estimated_end_date == datetime.date(2030, 6, 30) and deal.account.name == "Beta AB"
    again = action(admin_client, "lead", "convert_to_opportunity", [lead], estimated_end_date="2030-06-30")
    assert "converted already" in messages_of(again)[0] and Opportunity.objects.count() == 1


# --- Opportunities ----------------------------------------------------------------------------


def opportunity_form(account, contact, **fields) -> dict:
    kind, status = new_business()
    return {
        "title": "Fleet deal",
        "description": "",
        "account": str(account.pk),
        "contact": str(contact.pk),
        "owner": "",
        "phone": "",
        "opportunity_type": str(kind.pk),
        "status": str(status.pk),
        "progression_state": "",
        "value": "1000",
        "estimate": str(OpportunityEstimate.objects.get(probability=50).pk),
        "alt_value": "",
        "alt_value_label": "",
        "estimated_end_date": "2030-01-31",
        "end_date": "",
        "win_reason": "",
        "lost_reason": "",
        "state": "",
        "source": "",
        "result": "",
        "alt_account": "",
        "order": "",
        **fields,
    }


def test_add_an_opportunity_through_the_service(admin_client, admin_user, account, contact):
    response = admin_client.post(reverse("admin:sales_opportunity_add"), opportunity_form(account, contact))
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    deal = Opportunity.objects.get()
    assert deal.created_by == admin_user and deal.changed_by == admin_user and deal.probability == 50
    other = OpportunityType.objects.get(name="Additional sale")
    wrong = opportunity_form(account, contact, opportunity_type=str(other.pk))
    response = admin_client.post(reverse("admin:sales_opportunity_add"), wrong)
    assert response.status_code == 200 and "status" in response.context["adminform"].form.errors


def test_opportunity_list_columns_and_filters(admin_client, account, contact, seller):
    proposal = ProgressionState.objects.get(name="Proposal")
    mine = opportunity(
        account,
        contact,
        owner=seller,
        value=Decimal("1500"),
        estimate=OpportunityEstimate.objects.get(probability=75),
        progression_state=proposal,
        estimated_end_date=datetime.date(2030, 3, 1),
    )
    other = opportunity(account, contact, estimated_end_date=datetime.date(2031, 1, 1))
    url = reverse("admin:sales_opportunity_changelist")
    page = admin_client.get(url)
    assert b"75 %" in page.content and b"1500" in page.content
    _, status = new_business()
    cases = {
        f"owner__id__exact={seller.pk}": [mine],
        f"status__id__exact={status.pk}": [mine, other],
        f"progression_state__id__exact={proposal.pk}": [mine],
        "estimated_end_date__gte=2030-01-01&estimated_end_date__lt=2030-12-31": [mine],
        "estimated_end_date__year=2031": [other],
    }
    for query, expected in cases.items():
        rows = list(admin_client.get(f"{url}?{query}").context["cl"].result_list)
        assert sorted(r.pk for r in rows) == sorted(r.pk for r in expected), query


def test_bulk_owner_and_status_of_opportunities(admin_client, account, contact, seller):
    deals = [opportunity(account, contact) for _ in range(2)]
    response = action(admin_client, "opportunity", "assign_owner", deals, owner=str(seller.pk))
    assert "2 opportunity(ies) now belong to" in messages_of(response)[0]
    assert set(Opportunity.objects.values_list("owner", flat=True)) == {seller.pk}
    won = OpportunityStatus.objects.get(name="Won", opportunity_type__name="New business")
    action(admin_client, "opportunity", "change_status", deals, status=str(won.pk))
    assert set(Opportunity.objects.values_list("status", "closed")) == {(won.pk, True)}
    offer = OpportunityStatus.objects.get(name="Offer")  # another type's: refused, nothing changes
    response = action(admin_client, "opportunity", "change_status", deals, status=str(offer.pk))
    assert "not valid for the opportunity's type" in messages_of(response)[0]
    assert set(Opportunity.objects.values_list("status", flat=True)) == {won.pk}


# --- Activity types with their questions, lookups ------------------------------------------------


def test_activity_type_with_questions_inline(admin_client, admin_user):
    data = {
        "name": "Demo",
        "code": "demo",
        "colour": "",
        "sort_order": "5",
        "default_description": "",
        "default_result": "",
        "value": "",
        "icon": "",
        "user_followups": "",
        "alternate_user_followups": "",
        **management("questions", total=2),
        "questions-0-question": "Did it run?",
        "questions-0-sort_order": "0",
        "questions-1-question": "Who came?",
        "questions-1-sort_order": "1",
    }
    response = admin_client.post(reverse("admin:sales_activitytype_add"), data)
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    demo = ActivityType.objects.get(code="demo")
    assert list(demo.questions.values_list("question", flat=True)) == ["Did it run?", "Who came?"]
    assert (
        ObjectChange.objects.filter(user=admin_user, content_type__model="activitytypequestion").count() == 2
    )
    listed = admin_client.get(reverse("admin:sales_activitytype_changelist"))
    assert any(row.pk == demo.pk and row.questions_total == 2 for row in listed.context["cl"].result_list)


def test_a_lookup_in_use_cannot_be_deleted(admin_client):
    source = Source.objects.get(name="Website")
    services_pipeline.create_lead(None, title="L", source=source)
    response = admin_client.post(
        reverse("admin:sales_source_delete", args=[source.pk]), {"post": "yes"}, follow=True
    )
    assert Source.objects.filter(pk=source.pk).exists()
    assert b"protected related objects" in response.content


# --- Challenges ---------------------------------------------------------------------------------


def test_challenges_show_scores_and_stats_and_settle(admin_client, seller):
    rival = UserFactory(username="rival")
    challenge = services_challenges.create_challenge(
        seller,
        challenged=rival,
        challenge_type=ChallengeType.objects.get(metric="activities"),
        start=timezone.now() - datetime.timedelta(days=1),
    )
    services_challenges.accept_challenge(rival, challenge)
    call = services.create_activity(None, kind="task", name="Call", start=timezone.now(), owner=seller)
    services.set_activity_state(None, call, Activity.State.COMPLETED)
    listed = admin_client.get(reverse("admin:sales_challenge_changelist"))
    assert b"seller (1)" in listed.content and b"rival (0)" in listed.content
    page = admin_client.get(reverse("admin:sales_challenge_change", args=[challenge.pk]))
    assert b"level 1 (Rookie), 1 points" in page.content
    Challenge.objects.filter(pk=challenge.pk).update(
        start=timezone.now() - datetime.timedelta(days=8), stop=timezone.now() - datetime.timedelta(minutes=1)
    )
    Activity.objects.filter(pk=call.pk).update(completed_at=timezone.now() - datetime.timedelta(days=2))
    response = admin_client.post(
        reverse("admin:sales_challenge_changelist"),
        {"action": "settle", "_selected_action": [challenge.pk]},
        follow=True,
    )
    assert response.status_code == 200
    challenge.refresh_from_db()
    assert challenge.winner == seller and not challenge.active
