"""Orders and their rows (spec part 1 §3.11, §4.12), order types (part 2 §2.1, §3.1) and order
statuses (§2.8, §3.9): request bodies, their translation to apps.sales.services_orders, and the
shapes.

A Cirrus order is a sales.Order: `user` its seller, `user2` a second seller, `type` its order
type, `price` its net total (the sum of its rows, computed by the service: OQ-26), `placedate` and
`deliverydate` dates shown as midnight date-times (OQ-20). A row's `quantityordered` is its
quantity, `totalprice` its computed net total; a row's VAT rate comes from its article (or
`vat`, an extension).
"""

from django.contrib.auth import get_user_model
from rest_framework import serializers

from apps.accounts.models import PaymentTerm
from apps.catalogue.models import Article, ArticleUnit, PriceGroup, PriceList
from apps.core.models import SortGroup, Tag
from apps.sales.models import DeliveryTerm, DeliveryType, Opportunity, OrderStatus, OrderType

from .. import fragments as f
from ..fragments import ORGANISATIONS, PERSONS
from ..prices.serializers import (
    ListedArticleSerializer,
    PriceGroupSerializer,
    PriceListSerializer,
    listed_article,
    price_group,
    price_list,
)
from ..toolkit.fields import (
    INT32,
    CirrusSerializer,
    DateTimeIn,
    FieldMap,
    Flag,
    IdObjectsField,
    Int,
    NumberIn,
    RefField,
    RefObjectField,
    Str,
)
from ..toolkit.presenters import flag, number, text, utc

User = get_user_model()


class DateOfMoment(DateTimeIn):
    """A date-time of which only the date part is kept (OQ-20)."""

    def to_internal_value(self, data):
        moment = super().to_internal_value(data)
        return None if moment is None else moment.date()


def midnight(day) -> str | None:
    """A stored date as the doc's date-time: `2024-05-02T00:00:00Z`."""
    return None if day is None else f"{day.isoformat()}T00:00:00Z"


# --- Requests ---------------------------------------------------------------------------------


class RowIn(CirrusSerializer):
    """What order and quote rows share on input (computed fields are ignored)."""

    id = Int(min_value=1)
    article = RefObjectField(Article.objects.all(), what="article")
    articleunit = RefObjectField(ArticleUnit.objects.all(), what="article unit")
    pricegroup = RefObjectField(PriceGroup.objects.all(), what="price group")
    pricelist = RefObjectField(PriceList.objects.all(), what="price list")
    sortgroup = RefField(SortGroup.objects.all(), what="sort group")
    price = NumberIn(help_text="Unit price; absent: the account's price of the article.")
    vat = NumberIn(max_digits=5, help_text="VAT rate in per cent (extension); absent: the article's.")
    currencycode = Str(max_length=3)
    currencyrate = NumberIn(max_digits=12, decimal_places=4)
    statisticsprice = NumberIn()
    buyprice = NumberIn()
    specification = Str()
    discountpercent = NumberIn(max_digits=5)
    discountamount = NumberIn()
    discountspecial = Flag(allow_null=False)
    sortorder = Int(allow_null=False, **INT32)
    externalkey = Str(max_length=100)
    tags = IdObjectsField(Tag.objects.all(), what="tag")
    deleted = Flag(allow_null=False)


class OrderRowIn(RowIn):
    quantityordered = NumberIn(max_digits=14, decimal_places=3)
    quantitydelivered = NumberIn(max_digits=14, decimal_places=3)
    alternatvievalue = NumberIn(help_text="Sic.")
    alternativevalue = NumberIn(help_text="Also accepted.")
    noprint = Flag(allow_null=False)


ROW = FieldMap(
    id="id",
    article="article",
    articleunit="article_unit",
    pricegroup="price_group",
    pricelist="price_list",
    sortgroup="sort_group",
    price="price",
    vat="vat_rate",
    currencycode="currency_code",
    currencyrate="currency_rate",
    statisticsprice="statistics_price",
    buyprice="buy_price",
    specification="specification",
    discountpercent="discount_percent",
    discountamount="discount_amount",
    discountspecial="discount_special",
    sortorder="sort_order",
    externalkey="external_key",
    tags="tags",
    deleted="deleted",
)
ORDER_ROW = FieldMap(
    **ROW,
    quantityordered="quantity",
    quantitydelivered="quantity_delivered",
    alternatvievalue="alternative_value",
    alternativevalue="alternative_value",
    noprint="no_print",
)


class OrderIn(CirrusSerializer):
    """O104; O106 takes the same fields, all optional, plus buyprice and discounted."""

    placedate = DateOfMoment(required=True, allow_null=False, allow_blank=False)
    account = RefObjectField(ORGANISATIONS, what="account", required=True, allow_null=False)
    user = RefObjectField(User.objects.all(), what="user", required=True, allow_null=False)
    contact = RefObjectField(PERSONS, what="contact", required=True, allow_null=False)
    status = RefObjectField(OrderStatus.objects.all(), what="order status", required=True, allow_null=False)
    deliveryterm = RefObjectField(DeliveryTerm.objects.all(), what="delivery term")
    paymentterm = RefObjectField(PaymentTerm.objects.all(), what="payment term")
    deliverytype = RefObjectField(DeliveryType.objects.all(), what="delivery type")
    currencyrate = NumberIn(max_digits=12, decimal_places=4)
    statisticsprice = NumberIn()
    alternativevalue = NumberIn()
    currencycode = Str(max_length=3)
    alternateid = Str(max_length=100)
    externalcomment = Str()
    internalcomment = Str()
    delivered = Flag(allow_null=False)
    deliverydate = DateOfMoment()
    deliveryname = Str(max_length=255)
    deliverystreet = Str(max_length=255)
    deliveryzip = Str(max_length=20)
    deliverycity = Str(max_length=100)
    deliverycountry = Str(max_length=100)
    invoicename = Str(max_length=255)
    invoicestreet = Str(max_length=255)
    invoicezip = Str(max_length=20)
    invoicecity = Str(max_length=100)
    invoicecountry = Str(max_length=100)
    invoiceemail = Str(max_length=254)
    invoicenumber = Str(max_length=100)
    invoicedate = Str(max_length=30)
    externalkey = Str(max_length=100)
    marking = Str(max_length=255)
    referencecode = Str(max_length=100)
    extracode = Str(max_length=100)
    user2 = RefObjectField(User.objects.all(), what="user")
    opportunity = RefObjectField(Opportunity.objects.all(), what="opportunity")
    type = RefObjectField(OrderType.objects.all(), what="order type")
    tags = IdObjectsField(Tag.objects.all(), what="tag")
    rows = OrderRowIn(many=True, required=False)


class OrderUpdateIn(OrderIn):
    """O106: every field optional (a partial update), plus buyprice and discounted."""

    buyprice = NumberIn()
    discounted = serializers.BooleanField(required=False)


ORDER = FieldMap(
    placedate="place_date",
    account="account",
    user="user",
    contact="contact",
    status="status",
    deliveryterm="delivery_term",
    paymentterm="payment_term",
    deliverytype="delivery_type",
    currencyrate="currency_rate",
    statisticsprice="statistics_price",
    alternativevalue="alternative_value",
    currencycode="currency_code",
    alternateid="alternate_id",
    externalcomment="external_comment",
    internalcomment="internal_comment",
    delivered="delivered",
    deliverydate="delivery_date",
    deliveryname="delivery_name",
    deliverystreet="delivery_street",
    deliveryzip="delivery_zip",
    deliverycity="delivery_city",
    deliverycountry="delivery_country",
    invoicename="invoice_name",
    invoicestreet="invoice_street",
    invoicezip="invoice_zip",
    invoicecity="invoice_city",
    invoicecountry="invoice_country",
    invoiceemail="invoice_email",
    invoicenumber="invoice_number",
    invoicedate="invoice_date",
    externalkey="external_key",
    marking="marking",
    referencecode="reference_code",
    extracode="extra_code",
    user2="user2",
    opportunity="opportunity",
    type="order_type",
    tags="tags",
    buyprice="buy_price",
    discounted="discounted",
)


def order_changes(data: dict) -> dict:
    changes = ORDER.changes(data)
    if "rows" in data:
        changes["rows"] = [ORDER_ROW.changes(row) for row in data["rows"]]
    return changes


class OrderTypeIn(CirrusSerializer):
    """P2-001, and P2-003 with `name` and `sortorder` still required."""

    required_on_update = ("name", "sortorder")
    default = Flag(allow_null=False)
    name = Str(required=True, allow_blank=False, max_length=100)
    sortorder = Int(required=True, allow_null=False, **INT32)


ORDER_TYPE = FieldMap(default="is_default", name="name", sortorder="sort_order")


class OrderStatusIn(CirrusSerializer):
    """P2-044, and P2-046 with `name` and `step` still required."""

    required_on_update = ("name", "step")
    default = Flag(allow_null=False)
    name = Str(required=True, allow_blank=False, max_length=100)
    step = Int(required=True, allow_null=False, **INT32)


ORDER_STATUS = FieldMap(default="is_default", name="name", step="step")


# --- Responses --------------------------------------------------------------------------------


class OrderTypeSerializer(serializers.Serializer):
    """OrderType (part 2 §3.1)."""

    id = serializers.IntegerField()
    default = serializers.IntegerField()
    name = f.nullable()
    sortorder = serializers.IntegerField()

    def to_representation(self, row):
        return {
            "id": row.pk,
            "default": flag(row.is_default),
            "name": text(row.name),
            "sortorder": row.sort_order,
        }


class OrderStatusSerializer(serializers.Serializer):
    """OrderStatus (part 2 §3.9)."""

    id = serializers.IntegerField()
    default = serializers.IntegerField()
    name = f.nullable()
    step = serializers.IntegerField()

    def to_representation(self, row):
        return {"id": row.pk, "default": flag(row.is_default), "name": text(row.name), "step": row.step}


def row_common(row) -> dict:
    """What order and quote rows show alike."""
    return {
        "id": row.pk,
        "discountspecial": flag(row.discount_special),
        "sortorder": row.sort_order,
        "price": number(row.price),
        "currencycode": text(row.currency_code),
        "currencyrate": number(row.currency_rate),
        "statisticsprice": number(row.statistics_price),
        "buyprice": number(row.buy_price),
        "specification": text(row.specification),
        "discountpercent": number(row.discount_percent),
        "discountamount": number(row.discount_amount),
        "externalkey": text(row.external_key),
        "pricewarning": flag(row.price_warning),
        "totalprice": number(row.total_price),
        "totalpricestatistics": number(row.total_price_statistics),
        "totalalternativevalue": number(row.total_alternative_value),
        "pricelist": price_list(row.price_list),
        "pricegroup": price_group(row.price_group),
        "sortgroup": row.sort_group_id,
        "article": listed_article(row.article),
        "articleunit": f.id_name(row.article_unit),
        "tags": [f.tag(tag, "article") for tag in row.tags.all()],
    }


class OrderRowSerializer(serializers.Serializer):
    """OrderRow (§4.12)."""

    id = serializers.IntegerField()
    orderid = serializers.IntegerField()
    accountid = serializers.IntegerField(allow_null=True)
    userid = serializers.IntegerField(allow_null=True)
    opportunityid = serializers.IntegerField(allow_null=True)
    quantityordered = serializers.FloatField()
    quantitydelivered = serializers.FloatField()
    discountspecial = serializers.IntegerField()
    sortorder = serializers.IntegerField()
    price = serializers.FloatField()
    currencycode = f.nullable()
    currencyrate = serializers.FloatField(allow_null=True)
    statisticsprice = serializers.FloatField(allow_null=True)
    alternatvievalue = serializers.FloatField(allow_null=True, help_text="Sic.")
    buyprice = serializers.FloatField(allow_null=True)
    specification = f.nullable()
    discountpercent = serializers.FloatField()
    discountamount = serializers.FloatField()
    externalkey = f.nullable()
    noprint = serializers.IntegerField()
    deleted = serializers.IntegerField()
    pricewarning = serializers.IntegerField()
    totalprice = serializers.FloatField()
    totalpricestatistics = serializers.FloatField()
    totalalternativevalue = serializers.FloatField()
    pricelist = PriceListSerializer(allow_null=True)
    pricegroup = PriceGroupSerializer(allow_null=True)
    sortgroup = serializers.IntegerField(allow_null=True)
    article = ListedArticleSerializer(allow_null=True)
    articleunit = f.IdNameSerializer(allow_null=True)
    tags = f.TagSerializer(many=True)

    def to_representation(self, row):
        order = row.order
        return {
            **row_common(row),
            "orderid": row.order_id,
            "accountid": order.account_id,
            "userid": order.user_id,
            "opportunityid": order.opportunity_id,
            "quantityordered": number(row.quantity),
            "quantitydelivered": number(row.quantity_delivered),
            "alternatvievalue": number(row.alternative_value),
            "noprint": flag(row.no_print),
            "deleted": 0,
        }


class OrderSerializer(serializers.Serializer):
    """Order (§4.12): every key always present, null when unset."""

    id = serializers.IntegerField()
    price = serializers.FloatField(help_text="The net total of the rows.")
    currencycode = f.nullable()
    currencyrate = serializers.FloatField(allow_null=True)
    statisticsprice = serializers.FloatField(allow_null=True)
    alternativevalue = serializers.FloatField(allow_null=True)
    buyprice = serializers.FloatField(allow_null=True)
    discounted = serializers.BooleanField()
    placedate = f.nullable(help_text="Midnight, UTC.")
    alternateid = f.nullable()
    externalcomment = f.nullable()
    deliverydate = f.nullable(help_text="Midnight, UTC.")
    deliveryname = f.nullable()
    deliverystreet = f.nullable()
    deliveryzip = f.nullable()
    deliverycity = f.nullable()
    deliverycountry = f.nullable()
    invoicename = f.nullable()
    invoicestreet = f.nullable()
    invoicezip = f.nullable()
    invoicecity = f.nullable()
    invoicecountry = f.nullable()
    invoiceemail = f.nullable()
    invoicenumber = f.nullable()
    invoicedate = f.nullable()
    externalkey = f.nullable()
    internalcomment = f.nullable()
    marking = f.nullable()
    referencecode = f.nullable()
    extracode = f.nullable()
    pricelist = PriceListSerializer(allow_null=True)
    tscreated = f.nullable()
    tsupdated = f.nullable()
    account = f.ListedAccountSerializer(allow_null=True)
    user = f.ListedUserSerializer(allow_null=True)
    user2 = f.ListedUserSerializer(allow_null=True)
    opportunity = f.ListedOpportunitySerializer(allow_null=True)
    contact = f.ListedContactSerializer(allow_null=True)
    status = f.IdNameSerializer(allow_null=True)
    deliveryterm = f.IdNameSerializer(allow_null=True)
    paymentterm = f.IdNameSerializer(allow_null=True)
    deliverytype = f.IdNameSerializer(allow_null=True)
    type = f.IdNameSerializer(allow_null=True)
    delivered = serializers.IntegerField()
    tags = f.TagSerializer(many=True)
    rows = OrderRowSerializer(many=True)

    def to_representation(self, row):
        nearto = self.context.get("nearto")
        rows = OrderRowSerializer()
        return {
            "id": row.pk,
            "price": number(row.net_total),
            "currencycode": text(row.currency_code),
            "currencyrate": number(row.currency_rate),
            "statisticsprice": number(row.statistics_price),
            "alternativevalue": number(row.alternative_value),
            "buyprice": number(row.buy_price),
            "discounted": row.discounted,
            "placedate": midnight(row.place_date),
            "alternateid": text(row.alternate_id),
            "externalcomment": text(row.external_comment),
            "deliverydate": midnight(row.delivery_date),
            "deliveryname": text(row.delivery_name),
            "deliverystreet": text(row.delivery_street),
            "deliveryzip": text(row.delivery_zip),
            "deliverycity": text(row.delivery_city),
            "deliverycountry": text(row.delivery_country),
            "invoicename": text(row.invoice_name),
            "invoicestreet": text(row.invoice_street),
            "invoicezip": text(row.invoice_zip),
            "invoicecity": text(row.invoice_city),
            "invoicecountry": text(row.invoice_country),
            "invoiceemail": text(row.invoice_email),
            "invoicenumber": text(row.invoice_number),
            "invoicedate": text(row.invoice_date),
            "externalkey": text(row.external_key),
            "internalcomment": text(row.internal_comment),
            "marking": text(row.marking),
            "referencecode": text(row.reference_code),
            "extracode": text(row.extra_code),
            "pricelist": price_list(row.price_list),
            "tscreated": utc(row.created),
            "tsupdated": utc(row.updated),
            "account": f.listed_account(row.account, nearto),
            "user": f.listed_user(row.user),
            "user2": f.listed_user(row.user2),
            "opportunity": f.listed_opportunity(row.opportunity, nearto),
            "contact": f.listed_contact(row.contact),
            "status": f.id_name(row.status),
            "deliveryterm": f.id_name(row.delivery_term),
            "paymentterm": f.id_name(row.payment_term),
            "deliverytype": f.id_name(row.delivery_type),
            "type": f.id_name(row.order_type),
            "delivered": flag(row.delivered),
            "tags": [f.tag(tag, "order") for tag in row.tags.all()],
            "rows": [rows.to_representation(r) for r in row.rows.all()],
        }
