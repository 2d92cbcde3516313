"""Demo orders and quotes: the shipped order lookups, an open quote, a quote converted to an
order, and the order of a won demo opportunity. Idempotent: found by external key."""

from decimal import Decimal

from django.apps import apps
from django.contrib.auth import get_user_model

from apps.accounts.models import PaymentTerm
from apps.catalogue.models import Article
from apps.parties.models import Party

from . import lookups_orders, services_orders
from .models import DeliveryTerm, DeliveryType, Opportunity, Order, OrderStatus, OrderType, Quote


def seed(stdout):
    lookups_orders.install(apps)
    organisation = Party.objects.filter(kind=Party.Kind.ORGANISATION).order_by("id").first()
    contact = Party.objects.filter(kind=Party.Kind.PERSON).order_by("id").first()
    articles = list(Article.objects.order_by("number")[:4])
    if organisation is None or not articles:
        return
    seller = get_user_model().objects.order_by("id").first()
    header = {
        "account": organisation,
        "contact": contact,
        "user": seller,
        "delivery_term": DeliveryTerm.objects.filter(is_default=True).first(),
        "delivery_type": DeliveryType.objects.filter(is_default=True).first(),
        "payment_term": PaymentTerm.objects.filter(is_default=True).first() or PaymentTerm.objects.first(),
        "currency_code": "SEK",
    }
    rows = [{"article": article, "quantity": Decimal(n + 1)} for n, article in enumerate(articles)]
    if not Quote.objects.filter(external_key="demo:quote:open").exists():
        services_orders.create_quote(None, external_key="demo:quote:open", rows=rows, **header)
    if not Quote.objects.filter(external_key="demo:quote:accepted").exists():
        quote = services_orders.create_quote(
            None, external_key="demo:quote:accepted", rows=rows[:2], **header
        )
        services_orders.quote_to_order(
            None, quote, status=OrderStatus.objects.filter(is_default=True).first()
        )
    won = Opportunity.objects.filter(status__won=True, order__isnull=True).order_by("id").first()
    if won is not None and not Order.objects.filter(opportunity=won).exists():
        services_orders.order_from_opportunity(
            None,
            won,
            status=OrderStatus.objects.filter(is_default=True).first(),
            order_type=OrderType.objects.filter(is_default=True).first(),
            rows=[{"article": articles[0], "quantity": Decimal(2), "discount_percent": Decimal(10)}],
        )
    stdout.write(f"Orders: {Order.objects.count()}, quotes: {Quote.objects.count()}.")
