"""Concurrent writers on PostgreSQL (.ci/run's second pass): the row locks keep every balance the
sum of its entries, and two terminations moving balances in opposite directions at once do not
deadlock (locks are taken in primary-key order); one wins, the other is refused, no money lost."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Sum

from apps.accounts import services
from apps.accounts.models import Account, LedgerEntry
from apps.parties import services as party_services
from tests.processes import run_together

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _server_database():
    if connection.vendor == "sqlite":
        pytest.skip("row locks need a server database (PostgreSQL): run by .ci/run")


def account_for(first_name, amount):
    party = party_services.create_person(None, first_name=first_name, last_name="X")
    account = services.create_account(None, party, currency="EUR")
    services.post_entry(None, account, kind="invoice", amount=amount)
    return account


def test_concurrent_entries_keep_the_balance_the_sum_of_the_entries():
    account = account_for("A", "1")
    jobs = [
        (
            lambda: [
                services.post_entry(None, Account.objects.get(pk=account.pk), kind="invoice", amount="1")
                for _ in range(10)
            ]
        )
        for _ in range(8)
    ]
    assert run_together(*jobs) == [None] * 8
    account.refresh_from_db()
    assert account.balance == Decimal("81")
    assert account.entries.aggregate(total=Sum("amount"))["total"] == Decimal("81")
    assert not services.ledger_mismatches().exists()


def test_opposite_terminations_at_once_do_not_deadlock_or_lose_money():
    a, b = account_for("A", "30"), account_for("B", "12")
    before = LedgerEntry.objects.aggregate(total=Sum("amount"))["total"]
    outcome = run_together(
        lambda: services.change_state(None, Account.objects.get(pk=a.pk), "terminated", transfer_to=b),
        lambda: services.change_state(None, Account.objects.get(pk=b.pk), "terminated", transfer_to=a),
    )
    assert sorted(type(e).__name__ for e in outcome if e is not None) == ["ValidationError"]
    assert all(e is None or isinstance(e, ValidationError) for e in outcome)
    a.refresh_from_db()
    b.refresh_from_db()
    assert {a.state, b.state} == {"terminated", "active"}
    assert a.balance + b.balance == Decimal("42")
    assert LedgerEntry.objects.aggregate(total=Sum("amount"))["total"] == before
    assert not services.ledger_mismatches().exists()
