"""The back office of orders, quotes and the catalogue (Django test client): every screen loads;
an order saved with its rows inline gets its totals from the service (and again when a row
changes or goes); quotes convert to orders by an action; the order list filters by status, type,
account and date, and exports what it shows as streamed CSV; an article shows its prices per
price list inline."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.apps import apps
from django.urls import reverse

from apps.catalogue import lookups as catalogue_lookups
from apps.catalogue import services as catalogue
from apps.catalogue.models import ArticleUnit
from apps.parties import services_accounts
from apps.parties.data.accounts import install as install_account_types
from apps.parties.models import AccountType
from apps.sales import lookups, lookups_orders, services_orders
from apps.sales.models import Order, OrderStatus, OrderType, QuoteStatus
from apps.sales.models_orders import Quote

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture(autouse=True)
def shipped(db):
    install_account_types(apps)
    lookups.install(apps)
    lookups_orders.install(apps)
    catalogue_lookups.install(apps)


@pytest.fixture
def account():
    return services_accounts.create_account(None, name="Acme AB", account_type=AccountType.objects.first())


@pytest.fixture
def contact(account):
    return services_accounts.create_contact(None, organisation=account, first_name="Eva", last_name="Ek")


@pytest.fixture
def drill():
    unit = ArticleUnit.objects.get(name="pcs")
    return catalogue.create_article(None, name="Drill", number="A-1", price=D("100.00"), vat=D(25), unit=unit)


def management(prefix, total=0, initial=0) -> dict:
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def row(n, **fields) -> dict:
    values = {
        "quantity": "1",
        "price": "0",
        "discount_percent": "0",
        "discount_amount": "0",
        "vat_rate": "0",
        "sort_order": str(n),
    }
    values.update(fields)
    return {f"rows-{n}-{k}": v for k, v in values.items()}


@pytest.mark.parametrize(
    "app, model",
    [
        ("sales", "order"),
        ("sales", "quote"),
        ("sales", "ordertype"),
        ("sales", "orderstatus"),
        ("sales", "deliveryterm"),
        ("sales", "deliverytype"),
        ("sales", "quotestatus"),
        ("catalogue", "article"),
        ("catalogue", "articlegroup"),
        ("catalogue", "articleunit"),
        ("catalogue", "pricegroup"),
        ("catalogue", "pricelist"),
        ("catalogue", "brand"),
        ("catalogue", "warehousestatus"),
    ],
)
def test_pages_load(admin_client, app, model, account, contact, drill):
    order = services_orders.create_order(None, account=account, contact=contact, rows=[{"article": drill}])
    quote = services_orders.create_quote(None, account=account, contact=contact, rows=[{"article": drill}])
    assert admin_client.get(reverse(f"admin:{app}_{model}_changelist")).status_code == 200
    assert admin_client.get(reverse(f"admin:{app}_{model}_add")).status_code == 200
    obj = {"order": order, "quote": quote, "article": drill}.get(model)
    if obj is not None:
        page = admin_client.get(reverse(f"admin:{app}_{model}_change", args=[obj.pk]))
        assert page.status_code == 200


def test_order_saved_with_rows_gets_totals_from_the_service(admin_client, account, contact, drill):
    def row(n, **fields):  # an order row also has its delivered quantity
        return globals()["row"](n, quantity_delivered="0", **fields)

    status = OrderStatus.objects.get(name="Registered")
    data = {
        "account": account.pk,
        "contact": contact.pk,
        "status": status.pk,
        "place_date": "2024-05-02",
        "currency_code": "SEK",
        **management("rows", total=2),
        **row(0, article=drill.pk, quantity="2", price="100.00", discount_percent="10", vat_rate="25"),
        **row(1, specification="Freight", price="49.90", vat_rate="25", quantity="1"),
    }
    response = admin_client.post(reverse("admin:sales_order_add"), data)
    assert response.status_code == 302, response.context["errors"] if response.context else response
    order = Order.objects.get()
    assert order.number == str(order.pk)
    # 180.00 + 49.90 net; VAT 45.00 + 12.475 -> 12.48 (ROUND_HALF_UP per row)
    assert (order.net_total, order.vat_total, order.gross_total) == (D("229.90"), D("57.48"), D("287.38"))
    first, second = order.rows.order_by("sort_order")
    change = {
        **{k: v for k, v in data.items() if not k.startswith("rows-")},
        **management("rows", total=2, initial=2),
        **row(
            0,
            id=str(first.pk),
            order=str(order.pk),
            article=drill.pk,
            quantity="3",
            price="100.00",
            vat_rate="25",
        ),
        **row(
            1,
            id=str(second.pk),
            order=str(order.pk),
            specification="Freight",
            price="49.90",
            vat_rate="25",
            DELETE="on",
        ),
    }
    response = admin_client.post(reverse("admin:sales_order_change", args=[order.pk]), change)
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.rows.count() == 1
    assert (order.net_total, order.vat_total, order.gross_total) == (D("300.00"), D("75.00"), D("375.00"))
    page = admin_client.get(reverse("admin:sales_order_change", args=[order.pk]))
    assert b"375.00" in page.content


def test_convert_quote_to_order_action(admin_client, account, contact, drill):
    quote = services_orders.create_quote(
        None,
        account=account,
        contact=contact,
        rows=[{"article": drill, "quantity": D(3)}, {"specification": "Setup", "price": D(50)}],
    )
    url = reverse("admin:sales_quote_changelist")
    response = admin_client.post(
        url, {"action": "convert_to_order", "_selected_action": [quote.pk]}, follow=True
    )
    assert response.status_code == 200
    quote.refresh_from_db()
    order = quote.order
    assert order is not None and order.rows.count() == 2 and order.net_total == D("350.00")
    assert quote.status == QuoteStatus.objects.get(metatype="order")
    again = admin_client.post(
        url, {"action": "convert_to_order", "_selected_action": [quote.pk]}, follow=True
    )
    assert any("already" in str(m) for m in again.context["messages"])
    assert Order.objects.count() == 1


def test_quote_saved_with_rows(admin_client, account, contact, drill):
    data = {
        "account": account.pk,
        "contact": contact.pk,
        "status": QuoteStatus.objects.get(name="Open").pk,
        "place_date": "2024-05-02",
        **management("rows", total=1),
        **row(0, article=drill.pk, quantity="1", price="99.99", vat_rate="6"),
    }
    response = admin_client.post(reverse("admin:sales_quote_add"), data)
    assert response.status_code == 302
    quote = Quote.objects.get()
    assert (quote.net_total, quote.vat_total, quote.gross_total) == (D("99.99"), D("6.00"), D("105.99"))


def test_order_list_filters_and_csv_export(admin_client, account, contact):
    other = services_accounts.create_account(None, name="Beta AB", account_type=AccountType.objects.first())
    registered, confirmed = (
        OrderStatus.objects.get(name="Registered"),
        OrderStatus.objects.get(name="Confirmed"),
    )
    service = OrderType.objects.get(name="Service")
    a = services_orders.create_order(
        None,
        account=account,
        status=registered,
        place_date=datetime.date(2024, 5, 2),
        rows=[{"price": D(10), "vat_rate": D(25)}],
    )
    b = services_orders.create_order(
        None, account=other, status=confirmed, order_type=service, place_date=datetime.date(2024, 6, 2)
    )
    url = reverse("admin:sales_order_changelist")

    def listed(query):
        response = admin_client.get(f"{url}?{query}")
        assert response.status_code == 200
        return {o.pk for o in response.context["cl"].result_list}

    assert listed(f"status__id__exact={confirmed.pk}") == {b.pk}
    assert listed(f"order_type__id__exact={service.pk}") == {b.pk}
    assert listed(f"account__id__exact={account.pk}") == {a.pk}
    assert listed("place_date__gte=2024-06-01&place_date__lt=2024-07-01") == {b.pk}
    page = admin_client.get(f"{url}?status__id__exact={registered.pk}")
    assert reverse("admin:sales_order_export").encode() in page.content

    export = admin_client.get(reverse("admin:sales_order_export") + f"?status__id__exact={registered.pk}")
    assert export.status_code == 200 and export.streaming
    assert export["Content-Type"].startswith("text/csv")
    lines = list(csv.reader(io.StringIO(b"".join(export.streaming_content).decode())))
    assert lines[0][:3] == ["id", "number", "place_date"]
    assert [line[0] for line in lines[1:]] == [str(a.pk)]
    assert lines[1][7:10] == ["10.00", "2.50", "12.50"]
    everything = admin_client.get(reverse("admin:sales_order_export"))
    assert len(list(csv.reader(io.StringIO(b"".join(everything.streaming_content).decode())))) == 3


def test_article_prices_inline(admin_client, drill):
    price_list = catalogue.create_price_list(
        None,
        name="Default",
        start=datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC),
        stop=datetime.datetime(2024, 12, 31, tzinfo=datetime.UTC),
        prices=[{"article": drill, "price": D("90.00")}],
    )
    page = admin_client.get(reverse("admin:catalogue_article_change", args=[drill.pk]))
    assert page.status_code == 200 and b"90.00" in page.content
    page = admin_client.get(reverse("admin:catalogue_pricelist_change", args=[price_list.pk]))
    assert page.status_code == 200 and b"90.00" in page.content
