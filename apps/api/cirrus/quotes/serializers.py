"""Quotes, quote rows, quote relations and quote statuses (spec part 2 §2.15, §3.18, §3.19):
request bodies, their translation to apps.sales.services_orders, and the shapes.

A quote shares an order's header and row fields (apps.sales.models_orders.DocumentFields,
RowFields); its `price` is the net total of its rows, computed by the service. A row's `quantity`
is its quantity. `statisticsprice` is accepted on the quote but not shown (§3.18).
"""

from django.contrib.auth import get_user_model
from rest_framework import serializers

from apps.accounts.models import PaymentTerm
from apps.core.models import Tag
from apps.sales.models import DeliveryTerm, DeliveryType, Opportunity, Order, QuoteRelation, QuoteStatus
from apps.sales.models_orders import Quote

from .. import fragments as f
from ..fragments import ORGANISATIONS, PERSONS
from ..orders.serializers import ORDER, ROW, RowIn, row_common
from ..prices.serializers import (
    ListedArticleSerializer,
    PriceGroupSerializer,
    PriceListSerializer,
    price_list,
)
from ..toolkit.fields import (
    INT32,
    CirrusSerializer,
    DateIn,
    FieldMap,
    Flag,
    IdObjectsField,
    Int,
    NumberIn,
    RefField,
    RefObjectField,
    Str,
)
from ..toolkit.presenters import flag, local_date, number, text, utc

User = get_user_model()


class QuoteRowIn(RowIn):
    quantity = NumberIn(max_digits=14, decimal_places=3)
    alternativevalue = NumberIn()
    costcenter = Str(max_length=100)
    alternateid = Str(max_length=100)


QUOTE_ROW = FieldMap(
    **ROW,
    quantity="quantity",
    alternativevalue="alternative_value",
    costcenter="cost_center",
    alternateid="alternate_id",
)


class QuoteIn(CirrusSerializer):
    """P2-090: the eight references and the date required."""

    placedate = DateIn(required=True, allow_null=False, allow_blank=False)
    status = RefObjectField(QuoteStatus.objects.all(), what="quote status", required=True, allow_null=False)
    deliveryterm = RefObjectField(
        DeliveryTerm.objects.all(), what="delivery term", required=True, allow_null=False
    )
    paymentterm = RefObjectField(
        PaymentTerm.objects.all(), what="payment term", required=True, allow_null=False
    )
    deliverytype = RefObjectField(
        DeliveryType.objects.all(), what="delivery type", required=True, allow_null=False
    )
    account = RefObjectField(ORGANISATIONS, what="account", required=True, allow_null=False)
    contact = RefObjectField(PERSONS, what="contact", required=True, allow_null=False)
    user = RefObjectField(User.objects.all(), what="user", required=True, allow_null=False)
    user2 = RefObjectField(User.objects.all(), what="user")
    opportunity = RefObjectField(Opportunity.objects.all(), what="opportunity")
    validtodate = DateIn()
    currencycode = Str(max_length=3)
    currencyrate = NumberIn(max_digits=12, decimal_places=4)
    statisticsprice = NumberIn()
    alternativevalue = NumberIn()
    alternateid = Str(max_length=100)
    externalcomment = Str()
    deliverydate = DateIn()
    deliveryname = Str(max_length=255)
    deliverystreet = Str(max_length=255)
    deliveryzip = Str(max_length=20)
    deliverycity = Str(max_length=100)
    deliverycountry = Str(max_length=100)
    externalkey = Str(max_length=100)
    internalcomment = Str()
    marking = Str(max_length=255)
    referencecode = Str(max_length=100)
    extracode = Str(max_length=100)
    tags = IdObjectsField(Tag.objects.all(), what="tag")
    rows = QuoteRowIn(many=True, required=False)


class QuoteUpdateIn(QuoteIn):
    """P2-098: every field optional, plus buyprice and discounted."""

    buyprice = NumberIn()
    discounted = serializers.BooleanField(required=False)


QUOTE = FieldMap(
    {k: v for k, v in ORDER.items() if k not in ("delivered", "type") and not k.startswith("invoice")},
    validtodate="valid_to_date",
)


def quote_changes(data: dict) -> dict:
    changes = QUOTE.changes(data)
    if "rows" in data:
        changes["rows"] = [QUOTE_ROW.changes(row) for row in data["rows"]]
    return changes


class QuoteStatusIn(CirrusSerializer):
    """P2-094 (name required) and P2-096 (all optional)."""

    name = Str(required=True, allow_blank=False, max_length=100)
    sortorder = Int(allow_null=False, **INT32)
    isdefault = Flag(allow_null=False)
    metatype = serializers.ChoiceField(choices=QuoteStatus.MetaType.values, required=False)


QUOTE_STATUS = FieldMap(name="name", sortorder="sort_order", isdefault="is_default", metatype="metatype")

# relation type -> the records `otherid` may name
RELATED = {
    "account": ORGANISATIONS,
    "opportunity": Opportunity.objects.all(),
    "contact": PERSONS,
    "user": User.objects.all(),
    "user2": User.objects.all(),
    "order": Order.objects.all(),
}


class QuoteRelationIn(CirrusSerializer):
    """P2-092."""

    quoteid = RefField(Quote.objects.all(), what="quote", required=True, allow_null=False)
    type = serializers.ChoiceField(choices=QuoteRelation.Type.values, required=True)
    otherid = Int(required=True, allow_null=False, min_value=1)
    value = Str(max_length=255)

    def validate(self, data):
        if not RELATED[data["type"]].filter(pk=data["otherid"]).exists():
            raise serializers.ValidationError({"otherid": f"No {data['type']} with id {data['otherid']}."})
        return data


QUOTE_RELATION = FieldMap(quoteid="quote", type="type", otherid="other_id", value="value")


# --- Responses --------------------------------------------------------------------------------


class QuoteStatusSerializer(serializers.Serializer):
    """QuoteStatus (§3.19)."""

    id = serializers.IntegerField()
    name = f.nullable()
    sortorder = serializers.IntegerField()
    isdefault = serializers.IntegerField()
    metatype = f.nullable()
    tscreated = f.nullable()
    tsupdated = f.nullable()

    def to_representation(self, row):
        return {
            "id": row.pk,
            "name": text(row.name),
            "sortorder": row.sort_order,
            "isdefault": flag(row.is_default),
            "metatype": row.metatype,
            "tscreated": utc(row.created),
            "tsupdated": utc(row.updated),
        }


class QuoteRelationSerializer(serializers.Serializer):
    """QuoteRelation (§3.18)."""

    id = serializers.IntegerField()
    quoteid = serializers.IntegerField()
    otherid = serializers.IntegerField()
    type = serializers.CharField()
    value = f.nullable()

    def to_representation(self, row):
        return {
            "id": row.pk,
            "quoteid": row.quote_id,
            "otherid": row.other_id,
            "type": row.type,
            "value": text(row.value),
        }


class QuoteRowSerializer(serializers.Serializer):
    """QuoteRow (§3.18)."""

    id = serializers.IntegerField()
    quoteid = serializers.IntegerField()
    alternateid = f.nullable()
    quantity = serializers.FloatField()
    discountspecial = serializers.IntegerField()
    sortorder = serializers.IntegerField()
    price = serializers.FloatField()
    currencycode = f.nullable()
    currencyrate = serializers.FloatField(allow_null=True)
    statisticsprice = serializers.FloatField(allow_null=True)
    alternativevalue = serializers.FloatField(allow_null=True)
    buyprice = serializers.FloatField(allow_null=True)
    specification = f.nullable()
    discountpercent = serializers.FloatField()
    discountamount = serializers.FloatField()
    costcenter = f.nullable()
    externalkey = f.nullable()
    pricewarning = serializers.IntegerField()
    totalprice = serializers.FloatField()
    totalpricestatistics = serializers.FloatField()
    totalalternativevalue = serializers.FloatField()
    pricelist = PriceListSerializer(allow_null=True)
    pricegroup = PriceGroupSerializer(allow_null=True)
    article = ListedArticleSerializer(allow_null=True)
    articleunit = f.IdNameSerializer(allow_null=True)
    sortgroup = serializers.IntegerField(allow_null=True)
    tags = f.TagSerializer(many=True)

    def to_representation(self, row):
        return {
            **row_common(row),
            "quoteid": row.quote_id,
            "alternateid": text(row.alternate_id),
            "quantity": number(row.quantity),
            "alternativevalue": number(row.alternative_value),
            "costcenter": text(row.cost_center),
        }


class QuoteSerializer(serializers.Serializer):
    """Quote (§3.18): every key always present, null when unset."""

    id = serializers.IntegerField()
    price = serializers.FloatField()
    currencycode = f.nullable()
    currencyrate = serializers.FloatField(allow_null=True)
    alternativevalue = serializers.FloatField(allow_null=True)
    buyprice = serializers.FloatField(allow_null=True)
    discounted = serializers.BooleanField()
    placedate = f.nullable(help_text="YYYY-MM-DD")
    validtodate = f.nullable(help_text="YYYY-MM-DD")
    alternateid = f.nullable()
    externalcomment = f.nullable()
    deliverydate = f.nullable(help_text="YYYY-MM-DD")
    deliveryname = f.nullable()
    deliverystreet = f.nullable()
    deliveryzip = f.nullable()
    deliverycity = f.nullable()
    deliverycountry = f.nullable()
    externalkey = f.nullable()
    internalcomment = f.nullable()
    marking = f.nullable()
    referencecode = f.nullable()
    extracode = f.nullable()
    pricelist = PriceListSerializer(allow_null=True)
    tscreated = f.nullable()
    tsupdated = f.nullable()
    status = QuoteStatusSerializer()
    deliveryterm = f.IdNameSerializer(allow_null=True)
    paymentterm = f.IdNameSerializer(allow_null=True)
    deliverytype = f.IdNameSerializer(allow_null=True)
    user = f.ListedUserSerializer(allow_null=True)
    user2 = f.ListedUserSerializer(allow_null=True)
    account = f.ListedAccountSerializer(allow_null=True)
    contact = f.ListedContactSerializer(allow_null=True)
    opportunity = f.ListedOpportunitySerializer(allow_null=True)
    tags = f.TagSerializer(many=True)
    rows = QuoteRowSerializer(many=True)

    def to_representation(self, row):
        nearto = self.context.get("nearto")
        rows = QuoteRowSerializer()
        return {
            "id": row.pk,
            "price": number(row.net_total),
            "currencycode": text(row.currency_code),
            "currencyrate": number(row.currency_rate),
            "alternativevalue": number(row.alternative_value),
            "buyprice": number(row.buy_price),
            "discounted": row.discounted,
            "placedate": local_date(row.place_date),
            "validtodate": local_date(row.valid_to_date),
            "alternateid": text(row.alternate_id),
            "externalcomment": text(row.external_comment),
            "deliverydate": local_date(row.delivery_date),
            "deliveryname": text(row.delivery_name),
            "deliverystreet": text(row.delivery_street),
            "deliveryzip": text(row.delivery_zip),
            "deliverycity": text(row.delivery_city),
            "deliverycountry": text(row.delivery_country),
            "externalkey": text(row.external_key),
            "internalcomment": text(row.internal_comment),
            "marking": text(row.marking),
            "referencecode": text(row.reference_code),
            "extracode": text(row.extra_code),
            "pricelist": price_list(row.price_list),
            "tscreated": utc(row.created),
            "tsupdated": utc(row.updated),
            "status": QuoteStatusSerializer().to_representation(row.status),
            "deliveryterm": f.id_name(row.delivery_term),
            "paymentterm": f.id_name(row.payment_term),
            "deliverytype": f.id_name(row.delivery_type),
            "user": f.listed_user(row.user),
            "user2": f.listed_user(row.user2),
            "account": f.listed_account(row.account, nearto),
            "contact": f.listed_contact(row.contact),
            "opportunity": f.listed_opportunity(row.opportunity, nearto),
            "tags": [f.tag(tag, "quote") for tag in row.tags.all()],
            "rows": [rows.to_representation(r) for r in row.rows.all()],
        }
