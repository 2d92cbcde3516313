"""O16 (merge two accounts, through the parties domain's merge job) over HTTP, and the shared
data model: an organisation written through Cirrus reads the same through Peepl and CRM.COM R."""

import pytest
from django.utils import timezone

from apps.core.api_keys import issue_api_key
from apps.core.models import MergeRecord
from apps.parties import services_accounts
from apps.parties.models import AccountType, Party
from apps.sales.models import Activity

from .support import *  # noqa: F403
from .support import CirrusClient

pytestmark = pytest.mark.django_db
# The merge is a job that runs once the request's write commits: these tests commit.
COMMITTED = pytest.mark.django_db(transaction=True)


def account(name, **fields):
    return services_accounts.create_account(
        None, name=name, account_type=AccountType.objects.first(), **fields
    )


@COMMITTED
def test_merge_moves_everything_and_removes_the_source(cirrus, admin_user, user):
    target = account("Target AB", phone="1")
    source = account("Source AB", website="https://source.example", vat_number="SE1")
    contact = services_accounts.create_contact(None, organisation=source, first_name="Eva", last_name="Ek")
    activity = Activity.objects.create(name="Visit", start=timezone.now(), account=source)
    services_accounts.follow(None, source, user)
    services_accounts.set_monthly_budget(None, source, year=2024, month=3, amount=500)

    response = cirrus.call("post", f"accounts/{target.pk}/merge/{source.pk}")

    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["id"] == target.pk and body["name"] == "Target AB"
    assert body["url"] == "https://source.example" and body["vatno"] == "SE1"  # blanks filled
    assert body["phone"] == "1"
    assert [c["id"] for c in body["contacts"]] == [contact.pk]
    assert [f["id"] for f in body["followers"]] == [user.pk]
    assert cirrus.call("get", f"contacts/{contact.pk}").json()["account"]["id"] == target.pk
    activity.refresh_from_db()
    assert activity.account_id == target.pk
    assert cirrus.call("get", f"accounts/{target.pk}/budget/2024/3").json()["budget"] == 500
    assert cirrus.call("get", f"accounts/{source.pk}").status_code == 404
    record = MergeRecord.objects.get(source_id=source.pk)
    assert record.target_id == target.pk and record.user == admin_user
    # safe to repeat: the same answer, nothing more happens
    again = cirrus.call("post", f"accounts/{target.pk}/merge/{source.pk}")
    assert again.status_code == 200 and again.json()["id"] == target.pk
    assert MergeRecord.objects.count() == 1


def test_merge_errors(cirrus):
    target = account("Target AB")
    person = services_accounts.create_contact(None, organisation=target, first_name="Eva", last_name="Ek")
    same = cirrus.call("post", f"accounts/{target.pk}/merge/{target.pk}")
    assert same.status_code == 400 and set(same.json()["errors"]) == {"source"}
    for path in (f"{target.pk}/merge/999999", f"999999/merge/{target.pk}", f"{target.pk}/merge/{person.pk}"):
        response = cirrus.call("post", f"accounts/{path}")
        assert response.status_code == 404, path
        assert set(response.json()) == {"message"}
    assert Party.objects.filter(pk=person.pk).exists()
    assert cirrus.call("get", f"accounts/{target.pk}/merge/{person.pk}").status_code == 405


@COMMITTED
def test_merge_needs_change_and_delete_permissions(django_user_model):
    from django.contrib.auth.models import Permission

    target, source = account("Target AB"), account("Source AB")
    clerk = django_user_model.objects.create_user("clerk")
    clerk.user_permissions.add(*Permission.objects.filter(codename__in=["view_party", "change_party"]))
    client = CirrusClient()
    client.credentials(HTTP_X_TOKEN=issue_api_key(clerk, "t")[1])
    assert client.call("post", f"accounts/{target.pk}/merge/{source.pk}").status_code == 403
    clerk.user_permissions.add(Permission.objects.get(codename="delete_party"))
    clerk = django_user_model.objects.get(pk=clerk.pk)  # fresh permission cache
    assert client.call("post", f"accounts/{target.pk}/merge/{source.pk}").status_code == 200


@COMMITTED
def test_merge_with_a_mask(cirrus):
    target, source = account("Target AB"), account("Source AB")
    response = cirrus.call("post", f"accounts/{target.pk}/merge/{source.pk}", HTTP_X_FIELDS="{id,name}")
    assert response.json() == {"id": target.pk, "name": "Target AB"}


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_merge_runs_on_a_real_worker(celery_worker, django_user_model):
    from django.apps import apps

    from apps.parties.data.accounts import install

    install(apps)
    admin = django_user_model.objects.create_superuser("merger", "m@example.com", "pw-not-used-123")
    client = CirrusClient()
    client.credentials(HTTP_X_TOKEN=issue_api_key(admin, "t")[1])
    target, source = account("Target AB"), account("Source AB", website="https://source.example")
    contact = services_accounts.create_contact(None, organisation=source, first_name="Eva", last_name="Ek")

    response = client.call("post", f"accounts/{target.pk}/merge/{source.pk}")

    assert response.status_code == 200, response.json()
    assert response.json()["url"] == "https://source.example"
    assert [c["id"] for c in response.json()["contacts"]] == [contact.pk]
    assert not Party.objects.filter(pk=source.pk).exists()


# --- One data model -------------------------------------------------------------------------


def test_an_account_created_through_cirrus_reads_the_same_through_peepl_and_crmcom(
    cirrus, account_type, admin_user, api_key
):
    body = {
        "name": "Acme AB",
        "typeid": account_type.pk,
        "userid": admin_user.pk,
        "email": "info@acme.example",
        "phone": "090-123456",
        "url": "https://acme.example",
        "vatno": "SE556677",
        "info": "Key account",
        "addresses": {"visiting": {"street": "Storgatan", "number": "12", "zip": "90326", "city": "Umeå"}},
    }
    created = cirrus.call("post", "accounts", body)
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]

    from tests.api.peepl.conftest import PeeplClient

    peepl = PeeplClient()
    peepl.credentials(HTTP_AUTHORIZATION=f"Token {api_key}")
    organisation = peepl.get(f"organisations/{pk}/").json()
    assert {k: organisation[k] for k in ("id", "name", "email", "phone", "website", "vat_number")} == {
        "id": pk,
        "name": "Acme AB",
        "email": "info@acme.example",
        "phone": "090-123456",
        "website": "https://acme.example",
        "vat_number": "SE556677",
    }
    addresses = peepl.get(f"organisations/{pk}/addresses/").json()
    visiting = [a for a in addresses if a["street"] == "Storgatan"]
    assert visiting and (visiting[0]["number"], visiting[0]["postal_code"], visiting[0]["city"]) == (
        "12",
        "90326",
        "Umeå",
    )

    from tests.api.crmcom_ri.conftest import CrmClient, login

    crm = CrmClient()
    crm.token = login(crm)
    uuid = Party.objects.get(pk=pk).uuid.hex.upper()
    shown = crm.query("contact_information/show", {"contact_information_identifier": f"id={uuid}"})
    assert shown.status_code == 200, shown.content
    data = shown.json()["data"]
    assert data["type"] == "COMPANY" and data["name"] == "Acme AB" and data["company_name"] == "Acme AB"
    assert data["notes"] == "Key account"
    assert data["company_profile"]["vat_registration_number"] == "SE556677"
    assert [p["number"] for p in data["phones_set"]] == ["090-123456"]
    assert [e["email"] for e in data["emails_set"]] == ["info@acme.example"]
    # (CRM.COM R shows addresses of its own types only: home, business, PO box...; not visiting)

    # and back: a change through Peepl's address API shows in Cirrus
    address_id = visiting[0]["id"]
    changed = peepl.put(
        f"organisations/{pk}/addresses/{address_id}/",
        {**{k: visiting[0][k] for k in ("address_type", "street", "number", "postal_code")}, "city": "Luleå"},
        format="json",
    )
    assert changed.status_code == 200, changed.content
    assert cirrus.call("get", f"accounts/{pk}").json()["addresses"]["visiting"]["city"] == "Luleå"
