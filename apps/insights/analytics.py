"""Contact and organisation analytics (CRM.COM's `/contacts/{id}/analytics` and
`/organisations/{id}/analytics`): the financial accounts and CRM activities of a party, in a
fixed number of aggregate queries.

An organisation's figures cover the organisation itself and the persons it employs (a company
position at it, current or past), counted in `contacts`."""

from django.db.models import Count, Max, Q, Sum

from apps.accounts.models import Account
from apps.parties.models import CompanyPosition, Party
from apps.sales.models import Activity

AccountState = Account.State
ActivityState = Activity.State


def _figures(party_ids) -> dict:
    accounts = Account.objects.filter(party_id__in=party_ids).order_by()
    by_state = dict(accounts.values_list("state").annotate(n=Count("pk")))
    financials = [
        {
            "currency_code": row["currency"],
            "balance": row["balance"],
            "overdue_amount": row["overdue"],
        }
        for row in accounts.values("currency")
        .annotate(balance=Sum("balance"), overdue=Sum("overdue_amount"))
        .order_by("currency")
    ]
    activities = Activity.objects.filter(kind=Activity.Kind.TASK, contact_id__in=party_ids).aggregate(
        total=Count("pk"),
        pending=Count("pk", filter=Q(state=ActivityState.PENDING)),
        completed=Count("pk", filter=Q(state=ActivityState.COMPLETED)),
        cancelled=Count("pk", filter=Q(state=ActivityState.CANCELLED)),
        last_created=Max("created"),
    )
    return {
        "accounts": {
            "total": sum(by_state.values()),
            **{state: by_state.get(state, 0) for state in AccountState.values},
        },
        "financials": financials,
        "activities": activities,
    }


def contact_analytics(party: Party) -> dict:
    return _figures([party.pk])


def organisation_analytics(organisation: Party) -> dict:
    employees = (
        CompanyPosition.objects.filter(organisation=organisation)
        .exclude(person=organisation)
        .values_list("person_id", flat=True)
        .distinct()
    )
    people = list(employees)
    return {**_figures([organisation.pk, *people]), "contacts": {"total": len(people)}}
