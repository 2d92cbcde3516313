"""The accounts admin: pages load, accounts open and change through the services, the ledger shows
read-only, the account actions (state with a balance transfer, entries, overdue) work and show
rule violations as errors, lookups save through their service, nothing is deleted."""

from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from apps.accounts import services
from apps.accounts.models import Account, Classification, LedgerEntry, PaymentTerm
from apps.core.models import ObjectChange
from apps.parties import services as party_services

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _plain_static_files(settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def staff(client, admin_user):
    client.force_login(admin_user)
    return client


@pytest.fixture
def person():
    return party_services.create_person(None, first_name="John", last_name="Smith")


@pytest.fixture
def account(person):
    account = services.create_account(None, person, currency="EUR")
    services.post_entry(None, account, kind="invoice", amount=40, description="Fee")
    return account


def url(name, *args):
    return reverse(f"admin:accounts_{name}", args=args)


def test_pages_load(staff, account):
    for path in (
        url("account_changelist"),
        url("account_changelist") + "?q=John&state__exact=active",
        url("account_add"),
        url("account_change", account.pk),
        url("account_history", account.pk),
        url("account_state", account.pk),
        url("account_post", account.pk),
        url("account_overdue", account.pk),
        url("ledgerentry_changelist"),
        url("classification_changelist"),
        url("classification_add"),
        url("paymentterm_changelist"),
        url("paymentterm_change", PaymentTerm.objects.first().pk),
    ):
        response = staff.get(path)
        assert response.status_code == 200, path
    page = staff.get(url("account_change", account.pk)).content.decode()
    assert "Fee" in page and "40.00" in page  # the ledger inline


def test_the_ledger_is_read_only_and_accounts_are_never_deleted(staff, account):
    assert staff.get(url("account_delete", account.pk)).status_code == 403
    entry = LedgerEntry.objects.get()
    assert staff.post(url("ledgerentry_delete", entry.pk), {"post": "yes"}).status_code == 403
    assert staff.get(url("ledgerentry_add")).status_code == 403


def test_open_an_account(staff, person):
    data = {"party": person.pk, "currency": "usd", "name": "", "classification": "", "credit_limit": "50"}
    response = staff.post(url("account_add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    account = Account.objects.get()
    assert account.currency == "USD" and account.is_primary and account.credit_limit == 50
    assert account.name.endswith("John Smith") and account.number.startswith("AC")
    assert ObjectChange.objects.filter(object_id=account.pk, action="create").exists()


def test_the_service_rules_show_on_the_form(staff, account, person):
    response = staff.post(url("account_add"), {"party": person.pk, "currency": "EUR"})
    assert response.status_code == 200 and response.context["adminform"].form.errors
    assert Account.objects.count() == 1
    data = {"party": person.pk, "currency": "E1R"}
    response = staff.post(url("account_add"), data)
    assert "three letters" in response.content.decode()


def test_change_an_account_and_make_it_primary(staff, account, person):
    second = services.create_account(None, person, currency="USD")
    terms = PaymentTerm.objects.get(name="Net 7")
    data = {
        "name": "Dollars",
        "classification": "",
        "billing_address": "",
        "credit_limit": "",
        "payment_terms": terms.pk,
    }
    data.update({"make_primary": "on", "entries-TOTAL_FORMS": "0", "entries-INITIAL_FORMS": "0"})
    assert staff.post(url("account_change", second.pk), data).status_code == 302
    second.refresh_from_db()
    account.refresh_from_db()
    assert (second.name, second.payment_terms, second.is_primary) == ("Dollars", terms, True)
    assert not account.is_primary
    assert second.balance == 0  # the form cannot touch money


def test_terminate_with_a_transfer_from_the_admin(staff, account):
    other = party_services.create_person(None, first_name="Mary", last_name="Jones")
    target = services.create_account(None, other, currency="EUR")
    response = staff.post(url("account_state", account.pk), {"state": "terminated", "transfer_to": target.pk})
    assert response.status_code == 302
    account.refresh_from_db()
    target.refresh_from_db()
    assert account.state == "terminated" and account.balance == 0 and target.balance == Decimal("40")
    assert "terminated" in [str(m) for m in get_messages(response.wsgi_request)][0]
    assert "no more actions" in staff.get(url("account_change", account.pk)).content.decode()


def test_the_state_form_offers_only_possible_targets(staff, account, person):
    dollars = services.create_account(None, person, currency="USD")
    page = staff.get(url("account_state", account.pk))
    choices = [c[0].value for c in page.context["form"].fields["transfer_to"].choices if c[0]]
    assert dollars.pk not in choices and account.pk not in choices


def test_suspended_accounts_refuse_invoices_from_the_admin(staff, account):
    assert staff.post(url("account_state", account.pk), {"state": "suspended"}).status_code == 302
    response = staff.post(
        url("account_post", account.pk), {"kind": "invoice", "amount": "5", "description": ""}
    )
    assert response.status_code == 200 and "suspended account takes no purchases" in response.content.decode()
    response = staff.post(
        url("account_post", account.pk), {"kind": "payment", "amount": "15", "description": "Cash"}
    )
    assert response.status_code == 302
    account.refresh_from_db()
    assert account.balance == Decimal("25")
    assert not services.ledger_mismatches().exists()


def test_overdue_amount_from_the_admin(staff, account):
    assert staff.post(url("account_overdue", account.pk), {"overdue_amount": "12.50"}).status_code == 302
    account.refresh_from_db()
    assert account.overdue_amount == Decimal("12.5")
    assert staff.post(url("account_overdue", account.pk), {"overdue_amount": "-1"}).status_code == 200


def test_bulk_suspend_and_activate(staff, account):
    changelist = url("account_changelist")
    staff.post(changelist, {"action": "suspend", "_selected_action": [account.pk]})
    account.refresh_from_db()
    assert account.state == "suspended"
    staff.post(changelist, {"action": "activate", "_selected_action": [account.pk]})
    account.refresh_from_db()
    assert account.state == "active"


def test_lookups_through_their_service(staff, account):
    response = staff.post(
        url("classification_add"), {"name": "Partners", "description": "", "is_default": "on"}
    )
    assert response.status_code == 302
    assert Classification.objects.get(is_default=True).name == "Partners"
    response = staff.post(url("classification_add"), {"name": "partners", "description": ""})
    assert response.status_code == 200 and Classification.objects.filter(name__iexact="partners").count() == 1
    general = Classification.objects.get(name="General")  # the account uses it
    response = staff.post(url("classification_delete", general.pk), {"post": "yes"}, follow=True)
    assert Classification.objects.filter(pk=general.pk).exists()
    response = staff.post(url("paymentterm_add"), {"name": "Net 45", "days": "45", "external_key": "N45"})
    assert response.status_code == 302 and PaymentTerm.objects.filter(name="Net 45", days=45).exists()


def test_changelist_runs_constant_queries(staff, person, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    services.create_account(None, person, currency="EUR")
    with CaptureQueriesContext(connection) as one:
        staff.get(url("account_changelist"))
    for n in range(6):
        party = party_services.create_person(None, first_name=f"P{n}", last_name="X")
        services.create_account(None, party, currency="EUR")
    with django_assert_max_num_queries(len(one)):
        staff.get(url("account_changelist"))
