"""Every write to the catalogue, with its rules: articles, article groups and units, reference
rows, price groups and price lists with their article prices. Each runs in one transaction and
records the change log; rule violations raise Django's ValidationError keyed by the domain field.
"""

from django.core.exceptions import ValidationError
from django.db import transaction

from apps.core import services as core_services
from apps.core.changelog import log_delete, log_save, stored_snapshot

from .models import Article, ArticlePrice, PriceGroup, PriceList

ARTICLE_FIELDS = {f.name for f in Article._meta.concrete_fields} - {"id", "uuid", "created", "updated"}
PRICE_LIST_FIELDS = {
    "name",
    "description",
    "is_active",
    "start",
    "stop",
    "is_default",
    "strict",
    "external_key",
    "currency_id",
}
PRICE_FIELDS = {"article", "price_group", "price", "discount_percent", "discount_amount"}


def _set_fields(obj, data: dict, allowed: set[str]) -> None:
    unknown = set(data) - allowed
    if unknown:
        raise ValueError(f"Unknown fields for {type(obj).__name__}: {sorted(unknown)}")
    for name, value in data.items():
        setattr(obj, name, value)


def _validated_save(obj) -> None:
    obj.full_clean(validate_unique=False, validate_constraints=False)
    obj.save()


@transaction.atomic
def save_named(actor, obj):
    """Create or update a row with a `name` that must not be blank: an article group or unit, a
    reference row (brand, warehouse...)."""
    before = stored_snapshot(obj)
    if not (obj.name or "").strip():
        raise ValidationError({"name": "This field may not be blank."})
    _validated_save(obj)
    log_save(actor, obj, before)
    return obj


@transaction.atomic
def save_article(actor, article: Article, *, tags=None) -> Article:
    before = stored_snapshot(article)
    if not (article.name or "").strip():
        raise ValidationError({"name": "This field may not be blank."})
    if article.vat is not None and not 0 <= article.vat <= 100:
        raise ValidationError({"vat": "A VAT rate is between 0 and 100 per cent."})
    _validated_save(article)
    log_save(actor, article, before)
    if tags is not None:
        core_services.set_related(actor, article, "tags", tags)
    return article


def create_article(actor, *, tags=None, **fields) -> Article:
    article = Article()
    _set_fields(article, fields, ARTICLE_FIELDS)
    return save_article(actor, article, tags=tags)


@transaction.atomic
def update_article(actor, article: Article, *, tags=None, **fields) -> Article:
    _set_fields(article, fields, ARTICLE_FIELDS)
    return save_article(actor, article, tags=tags)


@transaction.atomic
def save_price_group(actor, group: PriceGroup) -> PriceGroup:
    before = stored_snapshot(group)
    if not (group.name or "").strip():
        raise ValidationError({"name": "This field may not be blank."})
    if (
        group.min_quantity is not None
        and group.max_quantity is not None
        and group.min_quantity > group.max_quantity
    ):
        raise ValidationError({"max_quantity": "max must not be below min."})
    _validated_save(group)
    log_save(actor, group, before)
    return group


@transaction.atomic
def save_price_list(
    actor, price_list: PriceList, *, prices: list[dict] | None = None, accounts=None
) -> PriceList:
    """Create or update a price list whose fields are set. `prices` (dicts of PRICE_FIELDS, with
    the `id` of an existing price of the list to change it) replace the list's prices: prices
    left out are removed. One article price per article and price group."""
    before = stored_snapshot(price_list)
    if price_list.start and price_list.stop and price_list.stop < price_list.start:
        raise ValidationError({"stop": "The stop must not be before the start."})
    _validated_save(price_list)
    log_save(actor, price_list, before)
    if accounts is not None:
        core_services.set_related(actor, price_list, "accounts", accounts)
    if prices is not None:
        _replace_prices(actor, price_list, prices)
    return price_list


def _replace_prices(actor, price_list: PriceList, prices: list[dict]) -> None:
    seen = set()
    for index, data in enumerate(prices):
        key = (data["article"].pk, data.get("price_group").pk if data.get("price_group") else None)
        if key in seen:
            raise ValidationError(
                {"prices": f"Price {index + 1}: the article and price group are listed twice."}
            )
        seen.add(key)
    existing = {p.pk: p for p in price_list.prices.all()}
    keep = {data.get("id") for data in prices if data.get("id") in existing}
    for pk in set(existing) - keep:
        log_delete(actor, existing[pk], parent=price_list)
    ArticlePrice.objects.filter(pk__in=set(existing) - keep).delete()
    for data in prices:
        row = existing.get(data.get("id")) or ArticlePrice(price_list=price_list)
        row_before = stored_snapshot(row)
        _set_fields(row, {k: v for k, v in data.items() if k != "id"}, PRICE_FIELDS)
        row.discount_percent = row.discount_percent or 0
        row.discount_amount = row.discount_amount or 0
        row.save()
        log_save(actor, row, row_before, parent=price_list)


def create_price_list(actor, *, prices=None, accounts=None, **fields) -> PriceList:
    price_list = PriceList()
    _set_fields(price_list, fields, PRICE_LIST_FIELDS)
    return save_price_list(actor, price_list, prices=prices if prices is not None else [], accounts=accounts)


@transaction.atomic
def update_price_list(actor, price_list: PriceList, *, prices=None, accounts=None, **fields) -> PriceList:
    _set_fields(price_list, fields, PRICE_LIST_FIELDS)
    return save_price_list(actor, price_list, prices=prices, accounts=accounts)


@transaction.atomic
def save_article_price(actor, price: ArticlePrice) -> ArticlePrice:
    """Create or update one article price (the back office's inline rows)."""
    before = stored_snapshot(price)
    duplicate = ArticlePrice.objects.filter(
        price_list_id=price.price_list_id, article_id=price.article_id, price_group_id=price.price_group_id
    ).exclude(pk=price.pk)
    if duplicate.exists():
        raise ValidationError({"price_group": "The list already prices this article for this price group."})
    _validated_save(price)
    log_save(actor, price, before, parent=price.price_list)
    return price


@transaction.atomic
def delete_article_price(actor, price: ArticlePrice) -> None:
    log_delete(actor, price, parent=price.price_list)
    price.delete()
