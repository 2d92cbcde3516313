"""Which price an account pays for an article (Cirrus part 2 §2.3):

1. the account's own price list: an active list linked to the account, valid on the day, that
   prices the article;
2. else the default list: an active default list valid on the day that prices the article;
3. else the article's own `price` (and its `discount` per cent).

Within a list, a price for the price group whose quantity bracket holds the quantity (and whose
unit is the article's, when the article has one) wins over the list's price without a group.
When several lists qualify, the one that started last wins (then the highest id).
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone

from .models import Article, ArticlePrice, PriceGroup, PriceList


@dataclass(frozen=True)
class Price:
    price: Decimal
    discount_percent: Decimal = Decimal(0)
    discount_amount: Decimal = Decimal(0)
    price_list: PriceList | None = None
    price_group: PriceGroup | None = None


def valid_lists(on: datetime.date):
    start = timezone.make_aware(datetime.datetime.combine(on + datetime.timedelta(days=1), datetime.time()))
    stop = timezone.make_aware(datetime.datetime.combine(on, datetime.time()))
    return PriceList.objects.filter(is_active=True, start__lt=start, stop__gte=stop)


def _best(prices: list[ArticlePrice], article: Article, quantity: Decimal) -> ArticlePrice | None:
    grouped = [
        p
        for p in prices
        if p.price_group_id
        and p.price_group.min_quantity <= quantity <= p.price_group.max_quantity
        and (article.unit_id is None or p.price_group.unit_id == article.unit_id)
    ]
    if grouped:
        return grouped[0]
    return next((p for p in prices if p.price_group_id is None), None)


def price_for(article: Article, account=None, quantity=1, on: datetime.date | None = None) -> Price:
    """The price `account` (a Party, or None) pays for `quantity` of `article` on day `on`."""
    on = on or timezone.localdate()
    quantity = Decimal(quantity)
    lists = valid_lists(on)
    tiers = []
    if account is not None:
        tiers.append(Q(accounts=account))
    tiers.append(Q(is_default=True))
    for condition in tiers:
        candidates = (
            ArticlePrice.objects.filter(article=article, price_list__in=lists.filter(condition))
            .select_related("price_list", "price_group")
            .order_by("-price_list__start", "-price_list_id", "id")
        )
        by_list: dict[int, list[ArticlePrice]] = {}
        for row in candidates:
            by_list.setdefault(row.price_list_id, []).append(row)
        for rows in by_list.values():
            best = _best(rows, article, quantity)
            if best is not None:
                return Price(
                    best.price, best.discount_percent, best.discount_amount, best.price_list, best.price_group
                )
    return Price(article.price, article.discount or Decimal(0))
