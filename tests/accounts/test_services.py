"""The financial accounts services: every rule (one account per currency, one primary, numbering
and names, the state machine, termination with a transfer or a write-off, the ledger), checked
by summing ledger entries across accounts before and after, failure paths included."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum

from apps.accounts import services
from apps.accounts.models import Account, Classification, LedgerEntry, PaymentTerm
from apps.core.models import ObjectChange
from apps.parties import services as party_services
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
State = Account.State


@pytest.fixture
def person():
    return party_services.create_person(None, first_name="John", last_name="Smith")


@pytest.fixture
def other():
    return party_services.create_person(None, first_name="Mary", last_name="Jones")


def ledger_total() -> Decimal:
    return LedgerEntry.objects.aggregate(total=Sum("amount"))["total"] or Decimal(0)


def balances_total() -> Decimal:
    return Account.objects.aggregate(total=Sum("balance"))["total"] or Decimal(0)


def assert_ledgers_hold():
    """Every stored balance is the sum of its account's entries."""
    assert not services.ledger_mismatches().exists()
    assert balances_total() == ledger_total()


def funded(party, currency="EUR", amount="50"):
    account = services.create_account(None, party, currency=currency)
    services.post_entry(None, account, kind="invoice", amount=amount)
    return account


# --- Opening accounts -------------------------------------------------------------------------------


def test_a_new_account(person):
    account = services.create_account(None, person, currency="eur")
    assert account.currency == "EUR" and account.state == State.ACTIVE and account.balance == 0
    assert account.number == f"AC{account.pk:08d}" and account.name == f"{account.number} John Smith"
    assert account.is_primary and account.classification == Classification.objects.get(is_default=True)
    assert account.credit_limit is None and account.payment_terms is None and account.overdue_amount == 0
    assert ObjectChange.objects.filter(object_id=account.pk, action="create").exists()


def test_numbers_are_unique(person, other):
    numbers = {
        services.create_account(None, p, currency=c).number for p in (person, other) for c in ("EUR", "USD")
    }
    assert len(numbers) == 4


@pytest.mark.parametrize("currency", ["", "EU", "EURO", "E1R", None, 978])
def test_currency_is_three_letters(person, currency):
    with pytest.raises(ValidationError) as exc:
        services.create_account(None, person, currency=currency)
    assert "currency" in exc.value.message_dict


def test_one_account_per_currency_terminated_ones_included(person, other):
    account = services.create_account(None, person, currency="EUR")
    with pytest.raises(ValidationError) as exc:
        services.create_account(None, person, currency="eur")
    assert exc.value.message_dict == {"currency": [services.DUPLICATE_CURRENCY]}
    services.create_account(None, other, currency="EUR")  # another contact may
    services.change_state(None, account, State.TERMINATED)
    with pytest.raises(ValidationError):
        services.create_account(None, person, currency="EUR")


def test_the_database_holds_the_rules_too(person):
    services.create_account(None, person, currency="EUR")
    with pytest.raises(IntegrityError), transaction.atomic():
        Account.objects.create(party=person, currency="EUR", name="x")
    with pytest.raises(IntegrityError), transaction.atomic():
        Account.objects.create(party=person, currency="USD", name="x", is_primary=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        Account.objects.create(party=person, currency="GBP", name="x", state="terminated", balance=1)


def test_first_account_is_primary_and_a_new_primary_unmarks_the_old(person):
    first = services.create_account(None, person, currency="EUR", is_primary=False)
    assert first.is_primary
    second = services.create_account(None, person, currency="USD")
    assert not second.is_primary
    third = services.create_account(None, person, currency="GBP", is_primary=True)
    first.refresh_from_db()
    assert third.is_primary and not first.is_primary
    assert Account.objects.filter(party=person, is_primary=True).count() == 1


def test_set_primary_and_false_is_a_no_op(person):
    first = services.create_account(None, person, currency="EUR")
    second = services.create_account(None, person, currency="USD")
    services.update_account(None, first, is_primary=False)
    first.refresh_from_db()
    assert first.is_primary
    services.set_primary(None, second)
    first.refresh_from_db()
    assert second.is_primary and not first.is_primary


def test_billing_address_must_be_the_contacts(person, other):
    with pytest.raises(ValidationError) as exc:
        services.create_account(None, person, currency="EUR", billing_address=other.addresses.get())
    assert "billing_address" in exc.value.message_dict
    account = services.create_account(None, person, currency="EUR", billing_address=person.addresses.get())
    with pytest.raises(ValidationError):
        services.update_account(None, account, billing_address=other.addresses.get())


def test_update_attributes(person):
    account = services.create_account(None, person, currency="EUR", name="Main")
    terms = PaymentTerm.objects.get(name="Net 14")
    services.update_account(None, account, credit_limit="100.005", payment_terms=terms, classification=None)
    account.refresh_from_db()
    assert account.credit_limit == Decimal("100.01") and account.payment_terms == terms
    assert account.classification is None and account.name == "Main"
    with pytest.raises(ValidationError):
        services.update_account(None, account, credit_limit=-1)
    with pytest.raises(ValidationError):
        services.update_account(None, account, name="  ")
    with pytest.raises(ValueError):
        services.update_account(None, account, balance=5)  # the balance is the ledger's


# --- The ledger -------------------------------------------------------------------------------------


def test_entries_move_the_balance_and_sum_to_it(person):
    account = services.create_account(None, person, currency="EUR")
    services.post_entry(None, account, kind="invoice", amount="100")
    services.post_entry(None, account, kind="payment", amount="30.50")
    services.post_entry(None, account, kind="credit_note", amount="9.50")
    services.post_entry(None, account, kind="refund", amount="5")
    services.post_entry(None, account, kind="adjustment", amount="-15")
    account.refresh_from_db()
    assert account.balance == Decimal("50")
    assert [e.balance_after for e in account.entries.all()] == [
        Decimal(v) for v in ("100", "69.5", "60", "65", "50")
    ]
    assert_ledgers_hold()


@pytest.mark.parametrize(
    "kind,amount",
    [
        ("invoice", 0),
        ("invoice", -5),
        ("payment", "x"),
        ("adjustment", 0),
        ("transfer_in", 5),
        ("write_off", 5),
        ("gift", 5),
    ],
)
def test_bad_entries_are_refused(person, kind, amount):
    account = services.create_account(None, person, currency="EUR")
    with pytest.raises(ValidationError):
        services.post_entry(None, account, kind=kind, amount=amount)
    assert not LedgerEntry.objects.exists()
    account.refresh_from_db()
    assert account.balance == 0


def test_credit_limit_caps_invoices(person):
    account = services.create_account(None, person, currency="EUR", credit_limit=100)
    services.post_entry(None, account, kind="invoice", amount=100)
    with pytest.raises(ValidationError) as exc:
        services.post_entry(None, account, kind="invoice", amount="0.01")
    assert "amount" in exc.value.message_dict
    services.post_entry(None, account, kind="payment", amount=10)
    services.post_entry(None, account, kind="invoice", amount=10)
    assert_ledgers_hold()


def test_suspended_pays_but_does_not_buy_and_terminated_does_nothing(person):
    account = funded(person)
    services.change_state(None, account, State.SUSPENDED)
    with pytest.raises(ValidationError):
        services.post_entry(None, account, kind="invoice", amount=1)
    services.post_entry(None, account, kind="payment", amount=10)
    services.change_state(None, account, State.TERMINATED)
    for kind in ("invoice", "payment", "adjustment"):
        with pytest.raises(ValidationError):
            services.post_entry(None, account, kind=kind, amount=1)
    assert_ledgers_hold()


def test_entries_record_who_posted_them(person):
    user = UserFactory()
    account = services.create_account(user, person, currency="EUR")
    entry = services.post_entry(user, account, kind="invoice", amount=1, description="Invoice 7")
    assert (entry.user, entry.user_name, entry.description) == (user, user.username, "Invoice 7")


# --- The state machine and termination ---------------------------------------------------------------


@pytest.mark.parametrize(
    "path,final",
    [
        (["suspended"], "suspended"),
        (["suspended", "active"], "active"),
        (["active"], "active"),  # the same state: no-op
        (["suspended", "suspended", "active", "active"], "active"),
    ],
)
def test_active_and_suspended_switch_freely(person, path, final):
    account = services.create_account(None, person, currency="EUR")
    for state in path:
        services.change_state(None, account, state)
    account.refresh_from_db()
    assert account.state == final


@pytest.mark.parametrize("start", ["active", "suspended"])
def test_terminated_is_final(person, start):
    account = services.create_account(None, person, currency="EUR")
    services.change_state(None, account, start)
    services.change_state(None, account, State.TERMINATED)
    for state in State.values:
        with pytest.raises(ValidationError):
            services.change_state(None, account, state)
    with pytest.raises(ValidationError):
        services.set_overdue_amount(None, account, 1)
    account.refresh_from_db()
    assert account.state == State.TERMINATED and account.terminated_at is not None


def test_unknown_state_is_refused(person):
    account = services.create_account(None, person, currency="EUR")
    with pytest.raises(ValidationError):
        services.change_state(None, account, "closed")


def test_termination_transfers_the_balance_in_two_entries(person, other):
    source = funded(person, amount="50")
    target = funded(other, amount="5")
    services.set_overdue_amount(None, source, 10)
    before = ledger_total()
    services.change_state(None, source, State.TERMINATED, transfer_to=target)
    source.refresh_from_db()
    target.refresh_from_db()
    assert (source.state, source.balance, source.overdue_amount) == (State.TERMINATED, 0, 0)
    assert target.balance == Decimal("55") and target.state == State.ACTIVE
    out, in_ = LedgerEntry.objects.get(kind="transfer_out"), LedgerEntry.objects.get(kind="transfer_in")
    assert (out.account, out.amount, out.counter_account) == (source, Decimal("-50"), target)
    assert (in_.account, in_.amount, in_.counter_account) == (target, Decimal("50"), source)
    assert out.transfer == in_.transfer is not None
    assert ledger_total() == before  # no money created or lost
    assert_ledgers_hold()


def test_a_negative_balance_transfers_too(person, other):
    source = services.create_account(None, person, currency="EUR")
    services.post_entry(None, source, kind="payment", amount="20")  # a credit of 20
    target = funded(other, amount="30")
    before = ledger_total()
    services.change_state(None, source, State.TERMINATED, transfer_to=target)
    target.refresh_from_db()
    assert target.balance == Decimal("10") and ledger_total() == before
    assert_ledgers_hold()


def test_termination_to_a_suspended_account_is_allowed(person, other):
    source, target = funded(person), funded(other)
    services.change_state(None, target, State.SUSPENDED)
    services.change_state(None, source, State.TERMINATED, transfer_to=target)
    target.refresh_from_db()
    assert target.balance == Decimal("100")


def test_termination_without_a_target_writes_the_balance_off(person, other):
    source = funded(person, amount="20")
    bystander = funded(other, amount="7")
    before = ledger_total()
    services.change_state(None, source, State.TERMINATED)
    source.refresh_from_db()
    bystander.refresh_from_db()
    assert source.balance == 0 and bystander.balance == Decimal("7")
    write_off = LedgerEntry.objects.get(kind="write_off")
    assert write_off.amount == Decimal("-20") and write_off.account == source
    assert ledger_total() == before - Decimal("20")  # exactly the balance is lost, and recorded
    assert_ledgers_hold()


def test_terminating_an_empty_account_posts_nothing(person):
    account = services.create_account(None, person, currency="EUR")
    services.change_state(None, account, State.TERMINATED)
    assert not LedgerEntry.objects.exists()


@pytest.mark.parametrize("problem", ["itself", "currency", "terminated"])
def test_failed_terminations_change_nothing(person, other, problem):
    source = funded(person, amount="50")
    if problem == "itself":
        target = source
    elif problem == "currency":
        target = funded(other, currency="USD", amount="5")
    else:
        target = funded(other, amount="5")
        services.change_state(None, target, State.TERMINATED)
    before_total, before_entries = ledger_total(), LedgerEntry.objects.count()
    with pytest.raises(ValidationError) as exc:
        services.change_state(None, source, State.TERMINATED, transfer_to=target)
    assert "account" in exc.value.message_dict
    source.refresh_from_db()
    assert source.state == State.ACTIVE and source.balance == Decimal("50")
    assert ledger_total() == before_total and LedgerEntry.objects.count() == before_entries
    assert_ledgers_hold()


def test_a_failure_after_the_transfer_rolls_everything_back(person, other, monkeypatch):
    source, target = funded(person, amount="50"), funded(other, amount="5")
    before_total, before_entries = ledger_total(), LedgerEntry.objects.count()

    def broken(*args, **kwargs):
        raise RuntimeError("the change log is down")

    monkeypatch.setattr(services, "log_update", broken)
    with pytest.raises(RuntimeError):
        services.change_state(None, source, State.TERMINATED, transfer_to=target)
    source.refresh_from_db()
    target.refresh_from_db()
    assert (source.state, source.balance, target.balance) == (State.ACTIVE, Decimal("50"), Decimal("5"))
    assert ledger_total() == before_total and LedgerEntry.objects.count() == before_entries


def test_termination_keeps_the_primary_flag(person):
    account = funded(person)
    services.change_state(None, account, State.TERMINATED)
    account.refresh_from_db()
    assert account.is_primary


def test_many_transfers_create_no_money(person, other):
    a, b = funded(person, amount="100"), funded(other, amount="40")
    third = party_services.create_person(None, first_name="Third", last_name="Party")
    c = funded(third, amount="1")
    before = ledger_total()
    services.change_state(None, a, State.TERMINATED, transfer_to=b)
    services.change_state(None, b, State.TERMINATED, transfer_to=c)
    c.refresh_from_db()
    assert c.balance == Decimal("141") and ledger_total() == before
    assert_ledgers_hold()


def test_locks_are_taken_in_key_order(person, other, django_assert_num_queries):
    a, b = funded(person), funded(other)
    locked = services.lock_accounts(b.pk, a.pk)
    assert list(locked) == sorted([a.pk, b.pk])


# --- Overdue amounts and lookups ------------------------------------------------------------------------


def test_overdue_amount(person):
    account = services.create_account(None, person, currency="EUR")
    services.set_overdue_amount(None, account, "12.5")
    account.refresh_from_db()
    assert account.overdue_amount == Decimal("12.5")
    with pytest.raises(ValidationError):
        services.set_overdue_amount(None, account, -1)


def test_fresh_install_lookups():
    assert Classification.objects.filter(is_default=True).count() == 1
    assert set(PaymentTerm.objects.values_list("name", "days")) >= {("Net 7", 7), ("Net 30", 30)}
    assert PaymentTerm.objects.get(is_default=True).name == "Net 30"


def test_lookups_one_default_unique_names_and_in_use(person):
    new = services.save_lookup(None, Classification(name="Key accounts", is_default=True))
    assert list(Classification.objects.filter(is_default=True)) == [new]
    with pytest.raises(ValidationError):
        services.save_lookup(None, Classification(name="key ACCOUNTS"))
    with pytest.raises(ValidationError):
        services.save_lookup(None, PaymentTerm(name=" ", days=3))
    terms = services.save_lookup(None, PaymentTerm(name="Net 60", days=60, is_default=True))
    assert PaymentTerm.objects.get(is_default=True) == terms
    services.create_account(None, person, currency="EUR", payment_terms=terms)
    with pytest.raises(ValidationError):
        services.delete_lookup(None, terms)
    with pytest.raises(ValidationError):
        services.delete_lookup(None, new)  # the default classification of the new account
    unused = services.save_lookup(None, Classification(name="Spare"))
    services.delete_lookup(None, unused)
    assert not Classification.objects.filter(name="Spare").exists()


def test_a_party_with_accounts_cannot_vanish(person):
    from django.db.models import ProtectedError

    services.create_account(None, person, currency="EUR")
    with pytest.raises(ProtectedError), transaction.atomic():
        person.delete()
