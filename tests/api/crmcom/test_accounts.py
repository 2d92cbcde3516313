"""Back-Office v2 accounts over HTTP: A1-A5 with their rules and errors (acceptance examples
2-9), the list's filters, paging and sorts, and constant queries per list."""

from decimal import Decimal

import pytest

from apps.accounts.models import Account, Classification, LedgerEntry, PaymentTerm
from apps.parties import services as party_services
from apps.parties.models import AddressType
from tests.api.crmcom.conftest import NOT_A_RECORD, assert_error, give

pytestmark = pytest.mark.django_db
NOT_FOUND = "CRM.EXCEPTIONS.NOTFOUNDEXCEPTION"


def create(bo, contact, **body):
    body.setdefault("currency_code", "EUR")
    response = bo.post(f"contacts/{contact.uuid}/accounts", body)
    assert response.status_code == 201, response.content
    assert set(response.json()) == {"id"}
    return Account.objects.get(uuid=response.json()["id"])


def ledger_total() -> Decimal:
    return sum((e.amount for e in LedgerEntry.objects.all()), Decimal(0))


# --- A4 create, A1 get (examples 2-4) ----------------------------------------------------------


def test_example_3_a_new_account_is_active_primary_and_empty(bo, contact):
    account = create(bo, contact)
    response = bo.get(f"accounts/{account.uuid}")
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == str(account.uuid)
    assert body["state"] == "ACTIVE" and body["is_primary"] is True and body["currency_code"] == "EUR"
    assert body["balance"] == 0 and body["overdue_amount"] == 0 and body["credit_limit"] is None
    assert body["number"].startswith("AC") and len(body["number"]) == 10
    assert body["name"] == f"{body['number']} John Smith"
    assert body["classification"] == {
        "id": str(Classification.objects.get(is_default=True).uuid),
        "name": "General",
    }
    assert body["payment_terms"] is None and body["billing_address"] is None


def test_example_2_unknown_account_is_404_with_entity_and_id(bo):
    response = bo.get(f"accounts/{NOT_A_RECORD}")
    assert response.status_code == 404
    assert response.json() == {
        "status": 404,
        "message": "Record not found.",
        "error": NOT_FOUND,
        "parameters": ["account", NOT_A_RECORD],
    }
    assert_error(bo.get("accounts/not-a-guid"), 404, NOT_FOUND, ["account", "not-a-guid"])


def test_example_4_currency_is_required_and_one_per_contact(bo, contact):
    assert_error(
        bo.post(f"contacts/{contact.uuid}/accounts", {"name": "x"}), 400, parameters=["currency_code"]
    )
    assert_error(bo.post(f"contacts/{contact.uuid}/accounts", {"currency_code": "EURO"}), 400)
    assert_error(bo.post(f"contacts/{contact.uuid}/accounts", {"currency_code": "E1R"}), 400)
    create(bo, contact)
    body = assert_error(bo.post(f"contacts/{contact.uuid}/accounts", {"currency_code": "eur"}), 400)
    assert body["parameters"] == ["currency_code"]
    assert Account.objects.filter(party=contact).count() == 1


def test_create_with_every_attribute(bo, contact):
    address = contact.addresses.get()
    wholesale = Classification.objects.get(name="Wholesale")
    account = create(
        bo,
        contact,
        currency_code="usd",
        name="Main ledger",
        is_primary="true",
        classification_id=str(wholesale.uuid),
        billing_address_id=str(address.uuid),
    )
    assert (account.currency, account.name, account.classification, account.billing_address) == (
        "USD",
        "Main ledger",
        wholesale,
        address,
    )


def test_create_refers_to_existing_records(bo, contact, other_contact):
    path = f"contacts/{contact.uuid}/accounts"
    assert_error(
        bo.post(f"contacts/{NOT_A_RECORD}/accounts", {"currency_code": "EUR"}), 404, NOT_FOUND, ["contact"]
    )
    assert_error(
        bo.post(path, {"currency_code": "EUR", "classification_id": NOT_A_RECORD}),
        404,
        NOT_FOUND,
        ["classification"],
    )
    assert_error(
        bo.post(path, {"currency_code": "EUR", "billing_address_id": NOT_A_RECORD}),
        404,
        NOT_FOUND,
        ["address"],
    )
    foreign = other_contact.addresses.get()
    body = assert_error(bo.post(path, {"currency_code": "EUR", "billing_address_id": str(foreign.uuid)}), 400)
    assert body["parameters"] == ["billing_address_id"]
    assert not Account.objects.exists()


def test_the_contact_is_found_by_its_code(bo, contact):
    response = bo.post(f"contacts/{contact.pk}/accounts", {"currency_code": "EUR"})
    assert response.status_code == 201
    assert bo.get(f"contacts/{contact.pk}/accounts").json()["paging"]["total"] == 1


def test_form_encoded_bodies_are_accepted(bo, contact):
    response = bo.post(
        f"contacts/{contact.uuid}/accounts",
        "currency_code=EUR&is_primary=false",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 201
    assert Account.objects.get().is_primary  # the first account is primary anyway


# --- A3 list (examples 5, 6) -------------------------------------------------------------------


def test_example_5_a_new_primary_unmarks_the_old_one(bo, contact):
    first = create(bo, contact)
    second = create(bo, contact, currency_code="USD", is_primary=True)
    first.refresh_from_db()
    assert not first.is_primary and second.is_primary
    response = bo.get(f"contacts/{contact.uuid}/accounts?is_primary=true")
    assert response.status_code == 200
    assert [a["id"] for a in response.json()["content"]] == [str(second.uuid)]
    assert response.json()["paging"] == {"page": 1, "size": 10, "total": 1, "has_more": False}
    item = response.json()["content"][0]
    assert set(item) == {"id", "is_primary", "name", "number", "state", "currency_code", "classification"}
    assert bo.get(f"contacts/{contact.uuid}/accounts?is_primary=false").json()["paging"]["total"] == 2


def test_example_6_states_paging_and_total(bo, contact):
    accounts = [create(bo, contact, currency_code=code) for code in ("EUR", "USD", "GBP", "CHF")]
    assert bo.post(f"accounts/{accounts[3].uuid}/actions", {"state": "TERMINATED"}).status_code == 200
    assert bo.post(f"accounts/{accounts[2].uuid}/actions", {"state": "SUSPENDED"}).status_code == 200
    response = bo.get(f"contacts/{contact.uuid}/accounts?state=ACTIVE,SUSPENDED&size=1&page=2")
    assert response.status_code == 200
    body = response.json()
    assert len(body["content"]) == 1 and body["paging"] == {
        "page": 2,
        "size": 1,
        "total": 3,
        "has_more": True,
    }
    everything = bo.get(f"contacts/{contact.uuid}/accounts").json()
    assert everything["paging"]["total"] == 4  # terminated ones included by default
    assert [
        a["state"] for a in bo.get(f"contacts/{contact.uuid}/accounts?state=terminated").json()["content"]
    ] == ["TERMINATED"]
    last = bo.get(f"contacts/{contact.uuid}/accounts?state=ACTIVE,SUSPENDED&size=1&page=3").json()
    assert len(last["content"]) == 1 and last["paging"]["has_more"] is False
    beyond = bo.get(f"contacts/{contact.uuid}/accounts?page=9").json()
    assert beyond["content"] == [] and beyond["paging"]["total"] == 4
    assert beyond["paging"]["has_more"] is False


def test_list_sorts(bo, contact):
    for code, name in (("EUR", "b"), ("USD", "a"), ("GBP", "c")):
        create(bo, contact, currency_code=code, name=name)
    path = f"contacts/{contact.uuid}/accounts"
    assert [a["name"] for a in bo.get(path).json()["content"]] == ["c", "a", "b"]  # newest first
    assert [a["name"] for a in bo.get(f"{path}?sort=NAME&order=ASC").json()["content"]] == ["a", "b", "c"]
    assert [a["name"] for a in bo.get(f"{path}?sort=CREATED_DATE&order=ASC").json()["content"]] == [
        "b",
        "a",
        "c",
    ]
    assert bo.get(f"{path}?sort=UPDATED_DATE").status_code == 200
    assert [a["name"] for a in bo.get(f"{path}?sort=SCHEDULED_DATE&order=ASC").json()["content"]] == [
        "b",
        "a",
        "c",
    ]


@pytest.mark.parametrize(
    "query,parameter",
    [
        ("sort=COLOUR", "sort"),
        ("order=UP", "order"),
        ("page=0", "page"),
        ("page=x", "page"),
        ("size=-1", "size"),
        ("size=101", "size"),
        ("state=CLOSED", "state"),
        ("is_primary=maybe", "is_primary"),
    ],
)
def test_bad_list_parameters_are_400(bo, contact, query, parameter):
    body = assert_error(bo.get(f"contacts/{contact.uuid}/accounts?{query}"), 400)
    assert body["parameters"] == [parameter]


def test_unknown_contact_list_is_404(bo):
    assert_error(bo.get(f"contacts/{NOT_A_RECORD}/accounts"), 404, NOT_FOUND, ["contact", NOT_A_RECORD])


def test_list_runs_constant_queries(bo, contact, count_queries, django_assert_max_num_queries):
    path = f"contacts/{contact.uuid}/accounts"
    create(bo, contact)
    one = count_queries(bo, path)
    for code in ("USD", "GBP", "CHF", "JPY", "SEK"):
        create(bo, contact, currency_code=code)
    assert count_queries(bo, path) == one
    with django_assert_max_num_queries(one):
        assert len(bo.get(path).json()["content"]) == 6


# --- A2 update -----------------------------------------------------------------------------------


def test_update_changes_only_what_is_given(bo, contact):
    account = create(bo, contact)
    terms = PaymentTerm.objects.get(name="Net 7")
    retail = Classification.objects.get(name="Retail")
    address = contact.addresses.get()
    response = bo.put(
        f"accounts/{account.uuid}",
        {
            "credit_limit": 99.99,
            "payment_terms_id": str(terms.uuid),
            "classification_id": str(retail.uuid),
            "billing_address_id": str(address.uuid),
        },
    )
    assert response.status_code == 200 and response.json() == {"id": str(account.uuid)}
    body = bo.get(f"accounts/{account.uuid}").json()
    assert body["credit_limit"] == 99.99
    assert body["payment_terms"] == {"id": str(terms.uuid), "name": "Net 7"}
    assert body["classification"]["name"] == "Retail"
    assert (
        body["billing_address"]["id"] == str(address.uuid)
        and body["billing_address"]["country_code"] == "BEL"
    )
    assert set(body["billing_address"]) == {
        "id",
        "address_line_1",
        "address_line_2",
        "state_province_county",
        "town_city",
        "postal_code",
        "country_code",
    }
    # null clears; omitted stays
    assert (
        bo.put(f"accounts/{account.uuid}", {"credit_limit": None, "classification_id": None}).status_code
        == 200
    )
    body = bo.get(f"accounts/{account.uuid}").json()
    assert body["credit_limit"] is None and body["classification"] is None
    assert body["payment_terms"]["name"] == "Net 7"


def test_update_is_primary(bo, contact):
    first = create(bo, contact)
    second = create(bo, contact, currency_code="USD")
    assert bo.put(f"accounts/{second.uuid}", {"is_primary": False}).status_code == 200  # no-op
    first.refresh_from_db()
    assert first.is_primary
    assert bo.put(f"accounts/{second.uuid}", {"is_primary": "true"}).status_code == 200
    first.refresh_from_db()
    second.refresh_from_db()
    assert second.is_primary and not first.is_primary


def test_update_rules_and_errors(bo, contact, other_contact):
    account = create(bo, contact)
    path = f"accounts/{account.uuid}"
    assert_error(bo.put(path, {}), 400)
    assert_error(bo.put(path, {"unknown": 1}), 400)
    assert_error(bo.put(path, {"credit_limit": -1}), 400, parameters=["credit_limit"])
    assert_error(bo.put(path, {"credit_limit": "lots"}), 400, parameters=["credit_limit"])
    assert_error(bo.put(path, {"is_primary": "perhaps"}), 400, parameters=["is_primary"])
    assert_error(
        bo.put(path, {"payment_terms_id": NOT_A_RECORD}), 404, NOT_FOUND, ["payment_terms", NOT_A_RECORD]
    )
    assert_error(bo.put(path, {"classification_id": "x"}), 404, NOT_FOUND, ["classification", "x"])
    assert_error(bo.put(path, {"billing_address_id": NOT_A_RECORD}), 404, NOT_FOUND, ["address"])
    foreign = other_contact.addresses.get()
    assert_error(
        bo.put(path, {"billing_address_id": str(foreign.uuid)}), 400, parameters=["billing_address_id"]
    )
    assert_error(bo.put(f"accounts/{NOT_A_RECORD}", {"credit_limit": 1}), 404, NOT_FOUND, ["account"])
    # 404 for the path object comes before 400 for the body
    assert_error(bo.put(f"accounts/{NOT_A_RECORD}", {}), 404, NOT_FOUND, ["account"])
    account.refresh_from_db()
    assert account.credit_limit is None


def test_payment_terms_take_cirrus_style_hex_ids(bo, contact):
    account = create(bo, contact)
    terms = PaymentTerm.objects.get(name="Net 30")
    assert bo.put(f"accounts/{account.uuid}", {"payment_terms_id": terms.uuid.hex.upper()}).status_code == 200
    account.refresh_from_db()
    assert account.payment_terms == terms


# --- A5 actions (examples 7-9) -------------------------------------------------------------------


def test_example_7_termination_moves_the_balance(bo, contact, other_contact):
    a1 = create(bo, contact)
    a3 = create(bo, other_contact)
    give(a1, 50)
    give(a3, 5)
    before = ledger_total()
    response = bo.post(f"accounts/{a1.uuid}/actions", {"state": "TERMINATED", "account_id": str(a3.uuid)})
    assert response.status_code == 200 and response.json() == {"id": str(a1.uuid)}
    assert bo.get(f"accounts/{a1.uuid}").json()["state"] == "TERMINATED"
    assert bo.get(f"accounts/{a1.uuid}").json()["balance"] == 0
    assert bo.get(f"accounts/{a3.uuid}").json()["balance"] == 55
    assert ledger_total() == before  # no money created or lost


def test_example_8_termination_without_a_target_loses_the_balance_and_is_final(bo, contact, other_contact):
    a4 = create(bo, contact)
    other = create(bo, other_contact)
    give(a4, 20)
    give(other, 7)
    response = bo.post(f"accounts/{a4.uuid}/actions", {"state": "TERMINATED"})
    assert response.status_code == 200
    assert bo.get(f"accounts/{a4.uuid}").json()["balance"] == 0
    assert bo.get(f"accounts/{other.uuid}").json()["balance"] == 7
    write_off = LedgerEntry.objects.get(account=a4, kind="write_off")
    assert write_off.amount == Decimal("-20")
    assert_error(bo.post(f"accounts/{a4.uuid}/actions", {"state": "ACTIVE"}), 400, parameters=["state"])
    assert_error(bo.post(f"accounts/{a4.uuid}/actions", {"state": "TERMINATED"}), 400)


def test_example_9_state_must_be_valid(bo, contact):
    a2 = create(bo, contact)
    assert_error(bo.post(f"accounts/{a2.uuid}/actions", {"state": "CLOSED"}), 400, parameters=["state"])
    assert_error(bo.post(f"accounts/{a2.uuid}/actions", {}), 400, parameters=["state"])
    assert bo.post(f"accounts/{a2.uuid}/actions", {"state": "SUSPENDED"}).status_code == 200
    assert bo.get(f"accounts/{a2.uuid}").json()["state"] == "SUSPENDED"
    assert bo.post(f"accounts/{a2.uuid}/actions", {"state": "SUSPENDED"}).status_code == 200  # no-op
    # account_id is ignored for other states (the seed example sends it with ACTIVE)
    response = bo.post(f"accounts/{a2.uuid}/actions", {"state": "ACTIVE", "account_id": NOT_A_RECORD})
    assert response.status_code == 200
    assert bo.get(f"accounts/{a2.uuid}").json()["state"] == "ACTIVE"


def test_termination_target_rules(bo, contact, other_contact):
    source = create(bo, contact)
    dollars = create(bo, contact, currency_code="USD")
    target = create(bo, other_contact)
    give(source, 10)
    path = f"accounts/{source.uuid}/actions"
    assert_error(
        bo.post(path, {"state": "TERMINATED", "account_id": NOT_A_RECORD}), 404, NOT_FOUND, ["account"]
    )
    assert_error(
        bo.post(path, {"state": "TERMINATED", "account_id": str(source.uuid)}), 400, parameters=["account_id"]
    )
    assert_error(
        bo.post(path, {"state": "TERMINATED", "account_id": str(dollars.uuid)}),
        400,
        parameters=["account_id"],
    )
    assert bo.post(f"accounts/{target.uuid}/actions", {"state": "TERMINATED"}).status_code == 200
    assert_error(
        bo.post(path, {"state": "TERMINATED", "account_id": str(target.uuid)}), 400, parameters=["account_id"]
    )
    source.refresh_from_db()
    assert source.state == "active" and source.balance == 10  # nothing half done


def test_unknown_account_action_is_404(bo):
    assert_error(
        bo.post(f"accounts/{NOT_A_RECORD}/actions", {"state": "ACTIVE"}), 404, NOT_FOUND, ["account"]
    )


def test_a_second_address_of_the_contact_can_bill(bo, contact):
    kind = AddressType.objects.create(description="Invoice", max_amount=2, code="invoice-test")
    address = party_services.add_address(
        None, contact, address_type=kind, street="Oak Street", number="2265", city="Old Forge"
    )
    account = create(bo, contact, billing_address_id=str(address.uuid))
    body = bo.get(f"accounts/{account.uuid}").json()["billing_address"]
    assert body["address_line_1"] == "Oak Street 2265" and body["town_city"] == "Old Forge"
