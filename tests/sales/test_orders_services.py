"""Orders and quotes (apps.sales.services_orders): totals in Decimal with ROUND_HALF_UP per row,
discounts and VAT rates; rows priced from the catalogue; an order from a won opportunity; a quote
becoming an order with its rows."""

import datetime
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError

from apps.catalogue import lookups as catalogue_lookups
from apps.catalogue import services as catalogue
from apps.parties import services_accounts
from apps.parties.models import AccountType
from apps.sales import lookups, lookups_orders, services_orders, services_pipeline
from apps.sales.models import OpportunityType, OrderStatus, QuoteRelation, QuoteStatus
from apps.sales.services_orders import document_totals, row_totals

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture(autouse=True)
def shipped(db):
    lookups.install(apps)
    lookups_orders.install(apps)
    catalogue_lookups.install(apps)


@pytest.fixture
def acme():
    return services_accounts.create_account(
        None, name="Acme AB", account_type=AccountType.objects.order_by("sort_order").first()
    )


@pytest.fixture
def eva(acme):
    return services_accounts.create_contact(None, organisation=acme, first_name="Eva", last_name="Ek")


@pytest.fixture
def drill():
    return catalogue.create_article(None, name="Drill", number="A-1", price=D("100.00"), vat=D("25"))


@pytest.mark.parametrize(
    "quantity, price, percent, amount, vat, net, tax",
    [
        (2, "100", 0, 0, 25, "200.00", "50.00"),
        (3, "0.335", 0, 0, 25, "1.01", "0.25"),  # 1.005 -> 1.01 (half up), VAT 0.2525 -> 0.25
        (1, "0.125", 0, 0, 0, "0.13", "0.00"),  # exactly half a cent rounds up
        (1, "10.00", "12.5", 0, 25, "8.75", "2.19"),  # VAT 2.1875 -> 2.19
        (4, "25.00", 10, "5.00", 12, "85.00", "10.20"),  # 100 - 10 % - 5
        (1, "9.99", 0, 0, 6, "9.99", "0.60"),  # 0.5994 -> 0.60
        (D("1.5"), "3.33", 0, 0, 25, "5.00", "1.25"),  # 4.995 -> 5.00
        (1, "10", 0, "15", 25, "-5.00", "-1.25"),  # a credit row
    ],
)
def test_row_totals_round_half_up_per_row(quantity, price, percent, amount, vat, net, tax):
    assert row_totals(quantity, D(price), D(percent), D(amount), D(vat)) == (D(net), D(tax))


def test_document_totals_sum_the_rounded_rows():
    class Row:
        def __init__(self, net, vat):
            self.total_price, self.vat_amount = D(net), D(vat)

    # three rows of 0.335 at 25 %: each 0.34 net (0.335 -> 0.34), VAT 0.085 -> 0.09
    rows = [Row(*row_totals(1, D("0.335"), vat_rate=25)) for _ in range(3)]
    assert document_totals(rows) == (D("1.02"), D("0.27"), D("1.29"))
    assert all(isinstance(value, Decimal) for value in document_totals(rows))


def test_order_totals_with_mixed_vat_rates_and_discounts(acme, eva, drill):
    book = catalogue.create_article(None, name="Book", number="B-1", price=D("199.00"), vat=D("6"))
    order = services_orders.create_order(
        None,
        account=acme,
        contact=eva,
        status=OrderStatus.objects.get(name="Registered"),
        rows=[
            {"article": drill, "quantity": D(2), "discount_percent": D(10)},  # 180.00 + 45.00
            {"article": book, "quantity": D(3), "discount_amount": D("0.01")},  # 596.99 + 35.82 (35.8194)
            {"specification": "Freight", "price": D("49.00"), "vat_rate": D(25)},  # 49.00 + 12.25
        ],
    )
    order.refresh_from_db()
    rows = list(order.rows.order_by("sort_order"))
    assert [r.total_price for r in rows] == [D("180.00"), D("596.99"), D("49.00")]
    assert [r.vat_amount for r in rows] == [D("45.00"), D("35.82"), D("12.25")]
    assert [r.vat_rate for r in rows] == [D(25), D(6), D(25)]  # from the article unless given
    assert (order.net_total, order.vat_total, order.gross_total) == (D("825.99"), D("93.07"), D("919.06"))
    assert order.number == str(order.pk)

    # rows replaced: one changed, one removed, one added; totals follow
    first, second, _ = rows
    services_orders.update_order(
        None,
        order,
        rows=[{"id": first.pk, "quantity": D(1)}, {"id": second.pk, "deleted": True}, {"article": drill}],
    )
    order.refresh_from_db()
    assert order.rows.count() == 2
    assert (order.net_total, order.vat_total, order.gross_total) == (D("190.00"), D("47.50"), D("237.50"))


def test_rows_take_the_accounts_price(acme, eva, drill):
    start = datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)
    stop = datetime.datetime(2040, 1, 1, tzinfo=datetime.UTC)
    catalogue.create_price_list(
        None,
        name="Acme",
        start=start,
        stop=stop,
        accounts=[acme],
        prices=[{"article": drill, "price": D("80.00")}],
    )
    order = services_orders.create_order(None, account=acme, rows=[{"article": drill, "quantity": D(1)}])
    row = order.rows.get()
    assert row.price == D("80.00") and row.price_list.name == "Acme" and not row.price_warning
    cheap = services_orders.create_order(None, account=acme, rows=[{"article": drill, "price": D("70.00")}])
    assert cheap.rows.get().price_warning  # sold below the account's price


def test_order_from_a_won_opportunity_links_both_ways(acme, eva):
    kind = OpportunityType.objects.get(name="New business")
    opportunity = services_pipeline.create_opportunity(
        None,
        title="Fleet",
        account=acme,
        contact=eva,
        opportunity_type=kind,
        status=kind.statuses.get(name="Prospecting"),
        estimated_end_date=datetime.date(2030, 1, 1),
    )
    with pytest.raises(ValidationError) as caught:
        services_orders.order_from_opportunity(None, opportunity)
    assert "opportunity" in caught.value.message_dict
    services_pipeline.update_opportunity(None, opportunity, status=kind.statuses.get(name="Won"))
    order = services_orders.order_from_opportunity(
        None, opportunity, rows=[{"specification": "Trucks", "price": D(10)}]
    )
    opportunity.refresh_from_db()
    assert opportunity.order == order and order.opportunity == opportunity
    assert (order.account, order.contact) == (acme, eva) and order.net_total == D("10.00")
    with pytest.raises(ValidationError):
        services_orders.order_from_opportunity(None, opportunity)


def test_quote_to_order_carries_the_rows(acme, eva, drill):
    quote = services_orders.create_quote(
        None,
        account=acme,
        contact=eva,
        currency_code="SEK",
        rows=[
            {"article": drill, "quantity": D(3), "discount_percent": D(5), "specification": "Blue"},
            {"specification": "Setup", "price": D("99.90"), "vat_rate": D(25)},
        ],
    )
    assert quote.status.metatype == "active"  # the default status
    order = services_orders.quote_to_order(None, quote)
    quote.refresh_from_db()
    assert quote.order == order and quote.status.metatype == QuoteStatus.MetaType.ORDER
    assert QuoteRelation.objects.filter(quote=quote, type="order", other_id=order.pk).exists()
    pairs = [
        (r.article_id, r.quantity, r.price, r.discount_percent, r.vat_rate, r.specification, r.total_price)
        for r in order.rows.order_by("sort_order", "id")
    ]
    expected = [
        (r.article_id, r.quantity, r.price, r.discount_percent, r.vat_rate, r.specification, r.total_price)
        for r in quote.rows.order_by("sort_order", "id")
    ]
    assert pairs == expected
    assert (order.account, order.contact, order.currency_code) == (acme, eva, "SEK")
    assert (order.net_total, order.gross_total) == (quote.net_total, quote.gross_total)
    with pytest.raises(ValidationError):
        services_orders.quote_to_order(None, quote)


def test_account_must_be_an_organisation(eva):
    with pytest.raises(ValidationError) as caught:
        services_orders.create_order(None, account=eva)
    assert "account" in caught.value.message_dict
