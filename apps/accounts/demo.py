"""Demo financial accounts: a few persons and an organisation with accounts in EUR (and one in
USD), invoices and payments on their ledgers, a suspended account and a terminated one whose
balance moved to another account. Idempotent: parties that already have accounts are skipped."""

from apps.parties.models import Party

from . import services
from .models import Account, PaymentTerm

State = Account.State


def seed(stdout):
    persons = list(Party.objects.filter(kind=Party.Kind.PERSON).order_by("id")[:4])
    organisation = Party.objects.filter(kind=Party.Kind.ORGANISATION).order_by("id").first()
    net_30 = PaymentTerm.objects.filter(name="Net 30").first()
    parties = [p for p in [*persons, organisation] if p is not None]
    for index, party in enumerate(parties):
        if Account.objects.filter(party=party).exists():
            continue
        account = services.create_account(
            None, party, currency="EUR", credit_limit=1000 if index % 2 == 0 else None, payment_terms=net_30
        )
        services.post_entry(
            None, account, kind="invoice", amount=120 + 35 * index, description="Membership fee"
        )
        services.post_entry(None, account, kind="payment", amount=50, description="Bank transfer")
        if index == 1:
            services.set_overdue_amount(None, account, 25)
        if index == 2:
            services.change_state(None, account, State.SUSPENDED)
        if index == 3:  # a USD account terminated, its balance moving to the first party's
            dollars = services.create_account(None, party, currency="USD")
            services.post_entry(None, dollars, kind="invoice", amount=80, description="Conference ticket")
            target = Account.objects.filter(party=parties[0], currency="USD").first()
            if target is None:
                target = services.create_account(None, parties[0], currency="USD")
            services.change_state(None, dollars, State.TERMINATED, transfer_to=target)
    stdout.write(f"Financial accounts: {Account.objects.count()}.")
