"""Price lists, article prices and price groups (spec part 2 §2.3, §3.3, §3.4): request bodies,
their translation to apps.catalogue.services, and the shapes. A price list's flags are real
booleans (the doc shows `true`), unlike the 0/1 flags elsewhere. Which price an account pays is
apps.catalogue.prices.price_for (its own list, else the default list, else the article's price).
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.catalogue.models import Article, ArticleUnit, PriceGroup

from .. import fragments as f
from ..toolkit.fields import (
    INT32,
    CirrusSerializer,
    DateTimeIn,
    FieldMap,
    Int,
    NumberIn,
    RefObjectField,
    Str,
    not_of_type,
)
from ..toolkit.presenters import number, text, utc


@extend_schema_field(OpenApiTypes.BOOL)
class Bool(serializers.Field):
    """A JSON boolean (true/false), strictly."""

    json_type = "boolean"

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        if not isinstance(data, bool):
            raise serializers.ValidationError(not_of_type(data, "boolean"))
        return data

    def to_representation(self, value):
        return value


class ArticlePriceIn(CirrusSerializer):
    id = Int(min_value=1)
    price = NumberIn(required=True, allow_null=False)
    discountpercent = NumberIn(max_digits=5)
    discountamount = NumberIn()
    pricegroup = RefObjectField(PriceGroup.objects.all(), what="price group")
    article = RefObjectField(Article.objects.all(), what="article", required=True, allow_null=False)


PRICE = FieldMap(
    id="id",
    price="price",
    discountpercent="discount_percent",
    discountamount="discount_amount",
    pricegroup="price_group",
    article="article",
)


class PriceListIn(CirrusSerializer):
    """P2-009, and P2-015 with active, start, stop, default, strict and prices still required."""

    required_on_update = ("active", "start", "stop", "default", "strict", "prices")
    name = Str(max_length=100)
    active = Bool(required=True)
    start = DateTimeIn(required=True, allow_null=False)
    stop = DateTimeIn(required=True, allow_null=False)
    default = Bool(required=True)
    externalkey = Str(max_length=100)
    strict = Bool(required=True)
    description = Str()
    currencyid = Int(**INT32)
    prices = ArticlePriceIn(many=True, required=True)

    def validate(self, data):
        start, stop = data.get("start"), data.get("stop")
        if start and stop and stop < start:
            raise serializers.ValidationError({"stop": "The stop must not be before the start."})
        return data


PRICE_LIST = FieldMap(
    name="name",
    active="is_active",
    start="start",
    stop="stop",
    default="is_default",
    externalkey="external_key",
    strict="strict",
    description="description",
    currencyid="currency_id",
)


def price_list_changes(data: dict) -> dict:
    changes = PRICE_LIST.changes(data)
    if "prices" in data:
        changes["prices"] = [PRICE.changes(row) for row in data["prices"]]
    return changes


class PriceGroupIn(CirrusSerializer):
    """P2-011, and P2-013 with every field still required."""

    required_on_update = ("name", "unit", "min", "max")
    name = Str(required=True, allow_blank=False, max_length=100)
    unit = RefObjectField(ArticleUnit.objects.all(), what="article unit", required=True, allow_null=False)
    min = Int(required=True, allow_null=False, **INT32)
    max = Int(required=True, allow_null=False, **INT32)


PRICE_GROUP = FieldMap(name="name", unit="unit", min="min_quantity", max="max_quantity")


class PriceGroupSerializer(serializers.Serializer):
    """PriceGroup (§3.4)."""

    id = serializers.IntegerField()
    name = f.nullable()
    unit = f.IdNameSerializer()
    min = serializers.IntegerField()
    max = serializers.IntegerField()

    def to_representation(self, row):
        return {
            "id": row.pk,
            "name": text(row.name),
            "unit": f.id_name(row.unit),
            "min": row.min_quantity,
            "max": row.max_quantity,
        }


def price_group(row) -> dict | None:
    return None if row is None else PriceGroupSerializer().to_representation(row)


class ListedArticleSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = f.nullable()
    number = f.nullable()


def listed_article(row) -> dict | None:
    return None if row is None else {"id": row.pk, "name": text(row.name), "number": text(row.number)}


class ArticlePriceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    price = serializers.FloatField()
    discountpercent = serializers.FloatField()
    discountamount = serializers.FloatField()
    pricegroup = PriceGroupSerializer(allow_null=True)
    article = ListedArticleSerializer()

    def to_representation(self, row):
        return {
            "id": row.pk,
            "price": number(row.price),
            "discountpercent": number(row.discount_percent),
            "discountamount": number(row.discount_amount),
            "pricegroup": price_group(row.price_group),
            "article": listed_article(row.article),
        }


class PriceListSerializer(serializers.Serializer):
    """PriceList (§3.3) with its prices; also an order's, an order row's and a quote's `pricelist`."""

    id = serializers.IntegerField()
    name = f.nullable()
    active = serializers.BooleanField()
    start = f.nullable(help_text="ISO 8601, UTC.")
    stop = f.nullable(help_text="ISO 8601, UTC.")
    default = serializers.BooleanField()
    externalkey = f.nullable()
    strict = serializers.BooleanField()
    description = f.nullable()
    currencyid = serializers.IntegerField(allow_null=True)
    prices = ArticlePriceSerializer(many=True)

    def to_representation(self, row):
        prices = ArticlePriceSerializer()
        return {
            "id": row.pk,
            "name": text(row.name),
            "active": row.is_active,
            "start": utc(row.start),
            "stop": utc(row.stop),
            "default": row.is_default,
            "externalkey": text(row.external_key),
            "strict": row.strict,
            "description": text(row.description),
            "currencyid": row.currency_id,
            "prices": [prices.to_representation(p) for p in row.prices.all()],
        }


def price_list(row) -> dict | None:
    return None if row is None else PriceListSerializer().to_representation(row)
