"""Every write to financial accounts, with its rules. The admin, the APIs and tasks call these.

Rules:
- A party holds at most one account per currency (terminated ones included) and, once it has
  any account, exactly one primary account: its first account is primary, and making another
  account primary un-marks the previous one.
- An account is ACTIVE, SUSPENDED or TERMINATED. ACTIVE and SUSPENDED switch freely; a
  suspended account takes no invoices (no purchases) but may still pay. TERMINATED is final: no
  entries, no state change. Terminating moves the balance to another account of the same
  currency (two ledger entries, one transaction) or, when none is named, writes it off.
- The balance changes only together with a ledger entry, under row locks taken in primary-key
  order, so the balance is always the sum of the account's entries.

Each top-level function runs in one transaction and records the change log. Rule violations raise
Django's ValidationError (keyed by field for a field's rule).
"""

import re
import uuid
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import DecimalField, F, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from apps.core.changelog import log_create, log_delete, log_save, log_update, snapshot, stored_snapshot
from apps.core.db import unique_or
from apps.parties.models import Party

from .models import Account, Classification, LedgerEntry

State = Account.State
Kind = LedgerEntry.Kind
CURRENCY = re.compile(r"^[A-Z]{3}$")
CENT = Decimal("0.01")
MAX_MONEY = Decimal(10) ** 16
ACCOUNT_FIELDS = {"name", "classification", "billing_address", "credit_limit", "payment_terms"}
# Entry kinds anyone may post (transfers and write-offs come only from termination), with the
# sign of their effect on the balance (None: the amount carries its own sign).
POSTABLE = {
    Kind.INVOICE: 1,
    Kind.REFUND: 1,
    Kind.PAYMENT: -1,
    Kind.CREDIT_NOTE: -1,
    Kind.ADJUSTMENT: None,
}
# What a suspended account may not take: purchases (invoices).
BLOCKED_WHEN_SUSPENDED = {Kind.INVOICE}

ALREADY_TERMINATED = "A terminated account cannot change."
DUPLICATE_CURRENCY = "This contact already has an account in this currency."


def _actor_fields(actor):
    if actor is None or not getattr(actor, "is_authenticated", False):
        return {"user": None, "user_name": ""}
    return {"user": actor, "user_name": actor.get_username()}


def money(value, field: str, *, allow_negative=False, allow_zero=True) -> Decimal:
    """A money amount rounded to cents; ValidationError({field}) when it is not one."""
    if isinstance(value, bool):
        raise ValidationError({field: "A valid number is required."})
    try:
        amount = Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)
    except (InvalidOperation, ValueError, TypeError):
        raise ValidationError({field: "A valid number is required."}) from None
    if not amount.is_finite() or abs(amount) >= MAX_MONEY:
        raise ValidationError({field: "A valid number is required."})
    if amount < 0 and not allow_negative:
        raise ValidationError({field: "Ensure this value is greater than or equal to 0."})
    if amount == 0 and not allow_zero:
        raise ValidationError({field: "The amount must not be zero."})
    return amount


def lock_accounts(*pks) -> dict[int, Account]:
    """Lock accounts for update, always in primary-key order (so two transfers between the same
    two accounts in opposite directions cannot deadlock), and return them fresh from the database."""
    rows = Account.objects.select_for_update().filter(pk__in=set(pks)).order_by("pk")
    return {account.pk: account for account in rows}


def _lock_party(party: Party) -> None:
    """Serialise the writes that keep a party's one-per-currency and one-primary rules."""
    Party.objects.select_for_update().filter(pk=party.pk).first()


def default_classification() -> Classification | None:
    return Classification.objects.filter(is_default=True).first()


def _check_currency(currency) -> str:
    code = (currency or "").strip().upper() if isinstance(currency, str) else ""
    if not CURRENCY.match(code):
        raise ValidationError({"currency": "An ISO 4217 currency code of three letters is required."})
    return code


def _check_account(account: Account) -> None:
    errors = {}
    if account.billing_address_id is not None and account.billing_address.party_id != account.party_id:
        errors["billing_address"] = "The billing address must be an address of the account's contact."
    if account.credit_limit is not None and account.credit_limit < 0:
        errors["credit_limit"] = "Ensure this value is greater than or equal to 0."
    if not (account.name or "").strip() and account.pk:
        errors["name"] = "This field may not be blank."
    if errors:
        raise ValidationError(errors)


def _unmark_primary(actor, party_id, keep_pk=None) -> None:
    for other in Account.objects.filter(party_id=party_id, is_primary=True).exclude(pk=keep_pk):
        before = snapshot(other)
        other.is_primary = False
        other.save(update_fields=["is_primary", "updated"])
        log_update(actor, other, before, parent=other.party)


@transaction.atomic
def create_account(
    actor,
    party: Party,
    *,
    currency: str,
    is_primary: bool | None = None,
    name: str | None = None,
    classification=None,
    billing_address=None,
    credit_limit=None,
    payment_terms=None,
) -> Account:
    """Open an account for a party: ACTIVE, balance 0, number `AC` + 8 digits, name
    `<number> <party name>` unless given; the default classification unless one is given.
    The party's first account is primary whatever `is_primary` says."""
    _lock_party(party)
    currency = _check_currency(currency)
    if Account.objects.filter(party=party, currency=currency).exists():
        raise ValidationError({"currency": DUPLICATE_CURRENCY})
    if classification is None:
        classification = default_classification()
    account = Account(
        party=party,
        currency=currency,
        name=(name or "").strip(),
        classification=classification,
        billing_address=billing_address,
        credit_limit=None if credit_limit is None else money(credit_limit, "credit_limit"),
        payment_terms=payment_terms,
    )
    _check_account(account)
    first = not Account.objects.filter(party=party).exists()
    primary = first or bool(is_primary)
    if primary:
        _unmark_primary(actor, party.pk)
    account.is_primary = primary
    with unique_or({"currency": DUPLICATE_CURRENCY}):  # a concurrent writer that did not lock the party
        account.save()
    account.number = f"AC{account.pk:08d}"
    if not account.name:
        account.name = f"{account.number} {party.display_name}".strip()[:255]
    account.save(update_fields=["number", "name"])
    log_create(actor, account, parent=party)
    return account


@transaction.atomic
def update_account(actor, account: Account, *, is_primary: bool | None = None, **fields) -> Account:
    """Change an account's attributes. `is_primary=True` makes it the primary account (the old
    one is un-marked); `False` changes nothing: the primary moves only by marking another."""
    unknown = set(fields) - ACCOUNT_FIELDS
    if unknown:
        raise ValueError(f"Unknown account fields: {sorted(unknown)}")
    _lock_party(account.party)
    stored = lock_accounts(account.pk)[account.pk]
    before = snapshot(stored)
    for name, value in fields.items():
        if name == "credit_limit" and value is not None:
            value = money(value, "credit_limit")
        if name == "name":
            value = (value or "").strip()
        setattr(stored, name, value)
    _check_account(stored)
    if is_primary and not stored.is_primary:
        _unmark_primary(actor, stored.party_id, keep_pk=stored.pk)
        stored.is_primary = True
    stored.save()
    log_update(actor, stored, before, parent=stored.party)
    account.__dict__.update({k: v for k, v in stored.__dict__.items() if not k.startswith("_")})
    return account


@transaction.atomic
def set_primary(actor, account: Account) -> Account:
    return update_account(actor, account, is_primary=True)


def _post(actor, account: Account, kind: str, amount: Decimal, description="", **extra) -> LedgerEntry:
    """Add an entry to a locked account and move its balance with it (the one place that does)."""
    account.balance = account.balance + amount
    if abs(account.balance) >= MAX_MONEY:
        raise ValidationError({"amount": "The balance would be out of range."})
    account.save(update_fields=["balance", "updated"])
    return LedgerEntry.objects.create(
        account=account,
        kind=kind,
        amount=amount,
        balance_after=account.balance,
        description=(description or "")[:255],
        created=timezone.now(),
        **_actor_fields(actor),
        **extra,
    )


@transaction.atomic
def post_entry(actor, account: Account, *, kind: str, amount, description: str = "") -> LedgerEntry:
    """Post an invoice, payment, credit note, refund (positive amounts; the kind gives the sign)
    or an adjustment (signed amount) to an account."""
    if kind not in POSTABLE:
        raise ValidationError({"kind": f'"{kind}" entries cannot be posted by hand.'})
    sign = POSTABLE[kind]
    value = money(amount, "amount", allow_negative=sign is None, allow_zero=False)
    locked = lock_accounts(account.pk)[account.pk]
    if locked.state == State.TERMINATED:
        raise ValidationError("A terminated account takes no transactions.")
    if locked.state == State.SUSPENDED and kind in BLOCKED_WHEN_SUSPENDED:
        raise ValidationError("A suspended account takes no purchases; it may still pay.")
    signed = value if sign is None else value * sign
    if (
        kind == Kind.INVOICE
        and locked.credit_limit is not None
        and locked.balance + signed > locked.credit_limit
    ):
        raise ValidationError({"amount": "This would take the balance over the account's credit limit."})
    entry = _post(actor, locked, kind, signed, description)
    account.balance, account.updated = locked.balance, locked.updated
    return entry


@transaction.atomic
def set_overdue_amount(actor, account: Account, amount) -> Account:
    """Record the unpaid amount past its due date (what billing computes)."""
    locked = lock_accounts(account.pk)[account.pk]
    if locked.state == State.TERMINATED:
        raise ValidationError(ALREADY_TERMINATED)
    before = snapshot(locked)
    locked.overdue_amount = money(amount, "overdue_amount")
    locked.save(update_fields=["overdue_amount", "updated"])
    log_update(actor, locked, before, parent=locked.party)
    account.overdue_amount = locked.overdue_amount
    return account


@transaction.atomic
def change_state(actor, account: Account, state: str, *, transfer_to: Account | None = None) -> Account:
    """An account action: activate, suspend or terminate. `transfer_to` applies to termination
    only: that account receives the balance; without it the balance is written off (lost).
    Asking for the state the account is in changes nothing."""
    if state not in State.values:
        raise ValidationError({"state": f'"{state}" is not a valid state.'})
    terminating = state == State.TERMINATED
    target_pk = transfer_to.pk if terminating and transfer_to is not None else None
    if target_pk == account.pk:
        raise ValidationError({"account": "The balance cannot move to the account being terminated."})
    locked = lock_accounts(account.pk, *([target_pk] if target_pk else []))
    source = locked[account.pk]
    if source.state == State.TERMINATED:
        raise ValidationError({"state": ALREADY_TERMINATED})
    if source.state == state:
        return account
    before = snapshot(source)
    if terminating:
        target = locked.get(target_pk) if target_pk else None
        if target_pk and target is None:
            raise ValidationError({"account": "The account to receive the balance does not exist."})
        if target is not None:
            if target.state == State.TERMINATED:
                raise ValidationError({"account": "A terminated account cannot receive a balance."})
            if target.currency != source.currency:
                raise ValidationError({"account": "The balance can only move to an account of its currency."})
        balance = source.balance
        if balance:
            if target is not None:
                leg = uuid.uuid4()
                text = f"Balance of {source.number} on termination"
                _post(actor, source, Kind.TRANSFER_OUT, -balance, text, transfer=leg, counter_account=target)
                _post(actor, target, Kind.TRANSFER_IN, balance, text, transfer=leg, counter_account=source)
            else:
                _post(actor, source, Kind.WRITE_OFF, -balance, "Balance lost on termination")
        source.overdue_amount = Decimal(0)
        source.terminated_at = timezone.now()
    source.state = state
    source.save()
    log_update(actor, source, before, parent=source.party)
    account.__dict__.update({k: v for k, v in source.__dict__.items() if not k.startswith("_")})
    return account


def ledger_mismatches():
    """Accounts whose stored balance is not the sum of their entries (there should be none)."""
    total = (
        LedgerEntry.objects.filter(account=OuterRef("pk"))
        .order_by()
        .values("account")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    zero = Value(Decimal(0), output_field=DecimalField(max_digits=18, decimal_places=2))
    return Account.objects.annotate(ledger_total=Coalesce(Subquery(total), zero)).exclude(
        balance=F("ledger_total")
    )


# --- Lookups: classifications and payment terms -------------------------------------------------


@transaction.atomic
def save_lookup(actor, obj):
    """Create or update a Classification or PaymentTerm. Marking one default un-marks the
    previous default."""
    before = stored_snapshot(obj)
    obj.name = (obj.name or "").strip()
    if not obj.name:
        raise ValidationError({"name": "This field may not be blank."})
    if type(obj).objects.filter(name__iexact=obj.name).exclude(pk=obj.pk).exists():
        raise ValidationError({"name": f"A {obj._meta.verbose_name} with this name already exists."})
    if obj.is_default:
        for other in type(obj).objects.select_for_update().filter(is_default=True).exclude(pk=obj.pk):
            other_before = snapshot(other)
            other.is_default = False
            other.save(update_fields=["is_default", "updated"])
            log_update(actor, other, other_before)
    obj.full_clean(validate_unique=False, validate_constraints=False)
    obj.save()
    log_save(actor, obj, before)
    return obj


@transaction.atomic
def delete_lookup(actor, obj) -> None:
    """Delete a classification or payment term no account uses."""
    if obj.accounts.exists():
        raise ValidationError(f"This {obj._meta.verbose_name} is used by accounts and cannot be deleted.")
    log_delete(actor, obj)
    obj.delete()
