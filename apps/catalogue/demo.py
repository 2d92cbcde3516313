"""Demo catalogue: the shipped reference data, a dozen articles across groups and units, a
default price list with quantity prices, and a customer price list linked to the first demo
organisation. Idempotent: articles are found by number, price lists by external key."""

import datetime
from decimal import Decimal

from django.apps import apps
from django.utils import timezone

from apps.parties.models import Party

from . import lookups, services
from .models import (
    Article,
    ArticleGroup,
    ArticleUnit,
    Brand,
    PriceGroup,
    PriceList,
    Warehouse,
    WarehouseStatus,
)

# number, name, group, unit, price, vat
ARTICLES = [
    ("A-100", "Cordless drill", "Products", "pcs", "1290.00", "25"),
    ("A-101", "Drill bit set", "Products", "pcs", "249.00", "25"),
    ("A-102", "Safety goggles", "Products", "pcs", "89.50", "25"),
    ("A-103", "Work gloves", "Products", "pcs", "59.90", "25"),
    ("A-200", "Installation", "Services", "h", "750.00", "25"),
    ("A-201", "Training", "Services", "h", "950.00", "6"),
    ("A-300", "Cable", "Spare parts", "m", "12.40", "25"),
    ("A-301", "Screws (box)", "Spare parts", "pcs", "35.00", "25"),
    ("A-302", "Handbook", "Spare parts", "pcs", "199.00", "6"),
    ("A-303", "Food hamper", "Products", "pcs", "420.00", "12"),
]


def seed(stdout):
    lookups.install(apps)
    brand = Brand.objects.order_by("sort_order").first()
    warehouse = Warehouse.objects.order_by("sort_order").first()
    in_stock = WarehouseStatus.objects.order_by("sort_order").first()
    for index, (number, name, group, unit, price, vat) in enumerate(ARTICLES):
        if Article.objects.filter(number=number).exists():
            continue
        services.create_article(
            None,
            number=number,
            name=name,
            description=f"{name} (demo)",
            group=ArticleGroup.objects.filter(name=group).first(),
            unit=ArticleUnit.objects.filter(name=unit).first(),
            price=Decimal(price),
            buy_price=(Decimal(price) * Decimal("0.6")).quantize(Decimal("0.01")),
            vat=Decimal(vat),
            brand=brand,
            warehouse=warehouse,
            warehouse_status=in_stock,
            stock_balance=10 * index,
            sort_order=index,
        )
    start = timezone.make_aware(datetime.datetime(timezone.localdate().year, 1, 1))
    stop = start.replace(year=start.year + 2)
    articles = {a.number: a for a in Article.objects.filter(number__in=[a[0] for a in ARTICLES])}
    groups = list(PriceGroup.objects.order_by("min_quantity"))
    if not PriceList.objects.filter(external_key="demo:default").exists():
        prices = [{"article": a, "price": a.price * Decimal("0.95")} for a in articles.values()]
        drill = articles.get("A-100")
        if drill is not None and len(groups) > 1:
            prices.append({"article": drill, "price_group": groups[1], "price": Decimal("1150.00")})
        services.create_price_list(
            None,
            name="Standard prices",
            external_key="demo:default",
            start=start,
            stop=stop,
            is_default=True,
            prices=prices,
        )
    organisation = Party.objects.filter(kind=Party.Kind.ORGANISATION).order_by("id").first()
    if organisation is not None and not PriceList.objects.filter(external_key="demo:customer").exists():
        services.create_price_list(
            None,
            name=f"Prices for {organisation}",
            external_key="demo:customer",
            start=start,
            stop=stop,
            accounts=[organisation],
            prices=[
                {"article": a, "price": a.price * Decimal("0.85"), "discount_percent": Decimal("2")}
                for a in list(articles.values())[:4]
            ],
        )
    stdout.write(f"Articles: {Article.objects.count()}, price lists: {PriceList.objects.count()}.")
