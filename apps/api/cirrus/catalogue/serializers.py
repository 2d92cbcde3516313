"""Articles, article groups, article units and the article lookups (spec part 1 §3.3, §4.4):
request bodies, their translation to apps.catalogue.services' fields, and the shapes.

An Article's references are flat ids (`groupid`, `unitid`, ...); `accountid` is its supplier (an
organisation), `commision` (sic) its commission, `stockbalancewarningtreshold` (sic) the stock
level that warns. `businessareaid` is kept as a plain number (no business areas here).
"""

from rest_framework import serializers

from apps.catalogue.models import (
    ArticleGroup,
    ArticleUnit,
    Brand,
    BudgetGroup,
    DiscountGroup,
    Material,
    ServiceLevel,
    VolumeGroup,
    Warehouse,
    WarehouseStatus,
)
from apps.core.models import Tag
from apps.parties.models import Party

from .. import fragments as f
from ..toolkit.fields import (
    INT32,
    CirrusSerializer,
    FieldMap,
    Flag,
    IdObjectsField,
    Int,
    NumberIn,
    RefField,
    Str,
)
from ..toolkit.presenters import flag, number, text

# --- Requests ---------------------------------------------------------------------------------


class ArticleIn(CirrusSerializer):
    """O34, and O46 with name, price, description and vat still required."""

    required_on_update = ("name", "price", "description", "vat")
    name = Str(required=True, allow_blank=False, max_length=255)
    price = NumberIn(required=True, allow_null=False)
    description = Str(required=True)
    vat = NumberIn(required=True, allow_null=False, max_digits=5)
    number = Str(max_length=100)
    warehousestatusid = RefField(WarehouseStatus.objects.all(), what="warehouse status")
    businessareaid = Int(**INT32)
    servicelevelid = RefField(ServiceLevel.objects.all(), what="service level")
    warehouseid = RefField(Warehouse.objects.all(), what="warehouse")
    unitid = RefField(ArticleUnit.objects.all(), what="article unit")
    groupid = RefField(ArticleGroup.objects.all(), what="article group")
    brandid = RefField(Brand.objects.all(), what="brand")
    materialid = RefField(Material.objects.all(), what="material")
    volumegroupid = RefField(VolumeGroup.objects.all(), what="volume group")
    discountgroupid = RefField(DiscountGroup.objects.all(), what="discount group")
    budgetgroupid = RefField(BudgetGroup.objects.all(), what="budget group")
    buyprice = NumberIn()
    commision = NumberIn()
    externalkey = Str(max_length=100)
    imageurl = Str(max_length=500)
    url1 = Str(max_length=500)
    url2 = Str(max_length=500)
    stockbalance = Int(**INT32)
    accountid = RefField(Party.objects.filter(kind=Party.Kind.ORGANISATION), what="account")
    suppliername = Str(max_length=255)
    supplierarticlenumber = Str(max_length=100)
    stockbalancewarningtreshold = Int(**INT32)
    incampaign = Flag(allow_null=False)
    volume = Int(**INT32)
    area = NumberIn(max_digits=12)
    active = Flag(allow_null=False)
    presentation = Str()
    discount = NumberIn()
    sortorder = Int(allow_null=False, **INT32)
    tags = IdObjectsField(Tag.objects.all(), what="tag")


# doc field -> apps.catalogue.services field
ARTICLE = FieldMap(
    name="name",
    price="price",
    description="description",
    vat="vat",
    number="number",
    warehousestatusid="warehouse_status",
    businessareaid="business_area_id",
    servicelevelid="service_level",
    warehouseid="warehouse",
    unitid="unit",
    groupid="group",
    brandid="brand",
    materialid="material",
    volumegroupid="volume_group",
    discountgroupid="discount_group",
    budgetgroupid="budget_group",
    buyprice="buy_price",
    commision="commission",
    externalkey="external_key",
    imageurl="image_url",
    url1="url1",
    url2="url2",
    stockbalance="stock_balance",
    accountid="supplier",
    suppliername="supplier_name",
    supplierarticlenumber="supplier_article_number",
    stockbalancewarningtreshold="stock_balance_warning",
    incampaign="in_campaign",
    volume="volume",
    area="area",
    active="is_active",
    presentation="presentation",
    discount="discount",
    sortorder="sort_order",
    tags="tags",
)


class ArticleGroupIn(CirrusSerializer):
    """O30 and O32: a non-blank name (recommended by the spec), all optional on PUT."""

    name = Str(required=True, allow_blank=False, max_length=100)
    externalkey = Str(max_length=100)
    sortorder = Int(allow_null=False, **INT32)


ARTICLE_GROUP = FieldMap(name="name", externalkey="external_key", sortorder="sort_order")


class ArticleUnitIn(CirrusSerializer):
    """O48 and O50."""

    name = Str(required=True, allow_blank=False, max_length=100)
    externalkey = Str(max_length=100)


ARTICLE_UNIT = FieldMap(name="name", externalkey="external_key")


# --- Responses --------------------------------------------------------------------------------


class ArticleGroupSerializer(serializers.Serializer):
    """ArticleGroup (§4.4)."""

    id = serializers.IntegerField()
    name = f.nullable()
    externalkey = f.nullable()
    sortorder = serializers.IntegerField()

    def to_representation(self, row):
        return {
            "id": row.pk,
            "name": text(row.name),
            "externalkey": text(row.external_key),
            "sortorder": row.sort_order,
        }


class ArticleUnitSerializer(serializers.Serializer):
    """ArticleUnit (§4.4)."""

    id = serializers.IntegerField()
    name = f.nullable()
    externalkey = f.nullable()

    def to_representation(self, row):
        return {"id": row.pk, "name": text(row.name), "externalkey": text(row.external_key)}


class ArticleSerializer(serializers.Serializer):
    """Article (§4.4): references as flat ids; every key always present."""

    id = serializers.IntegerField()
    name = f.nullable()
    price = serializers.FloatField()
    description = f.nullable()
    warehousestatusid = serializers.IntegerField(allow_null=True)
    businessareaid = serializers.IntegerField(allow_null=True)
    servicelevelid = serializers.IntegerField(allow_null=True)
    warehouseid = serializers.IntegerField(allow_null=True)
    unitid = serializers.IntegerField(allow_null=True)
    groupid = serializers.IntegerField(allow_null=True)
    number = f.nullable()
    buyprice = serializers.FloatField(allow_null=True)
    commision = serializers.FloatField(allow_null=True)
    externalkey = f.nullable()
    imageurl = f.nullable()
    url1 = f.nullable()
    url2 = f.nullable()
    stockbalance = serializers.IntegerField(allow_null=True)
    vat = serializers.FloatField()
    accountid = serializers.IntegerField(allow_null=True)
    suppliername = f.nullable()
    supplierarticlenumber = f.nullable()
    stockbalancewarningtreshold = serializers.IntegerField(allow_null=True)
    brandid = serializers.IntegerField(allow_null=True)
    materialid = serializers.IntegerField(allow_null=True)
    incampaign = serializers.IntegerField()
    volume = serializers.IntegerField(allow_null=True)
    area = serializers.FloatField(allow_null=True)
    volumegroupid = serializers.IntegerField(allow_null=True)
    discountgroupid = serializers.IntegerField(allow_null=True)
    budgetgroupid = serializers.IntegerField(allow_null=True)
    active = serializers.IntegerField()
    presentation = f.nullable()
    discount = serializers.FloatField(allow_null=True)
    sortorder = serializers.IntegerField()
    tags = f.TagSerializer(many=True)

    def to_representation(self, row):
        return {
            "id": row.pk,
            "name": text(row.name),
            "price": number(row.price),
            "description": text(row.description),
            "warehousestatusid": row.warehouse_status_id,
            "businessareaid": row.business_area_id,
            "servicelevelid": row.service_level_id,
            "warehouseid": row.warehouse_id,
            "unitid": row.unit_id,
            "groupid": row.group_id,
            "number": text(row.number),
            "buyprice": number(row.buy_price),
            "commision": number(row.commission),
            "externalkey": text(row.external_key),
            "imageurl": text(row.image_url),
            "url1": text(row.url1),
            "url2": text(row.url2),
            "stockbalance": row.stock_balance,
            "vat": number(row.vat),
            "accountid": row.supplier_id,
            "suppliername": text(row.supplier_name),
            "supplierarticlenumber": text(row.supplier_article_number),
            "stockbalancewarningtreshold": row.stock_balance_warning,
            "brandid": row.brand_id,
            "materialid": row.material_id,
            "incampaign": flag(row.in_campaign),
            "volume": row.volume,
            "area": number(row.area),
            "volumegroupid": row.volume_group_id,
            "discountgroupid": row.discount_group_id,
            "budgetgroupid": row.budget_group_id,
            "active": flag(row.is_active),
            "presentation": text(row.presentation),
            "discount": number(row.discount),
            "sortorder": row.sort_order,
            "tags": [f.tag(tag, "article") for tag in row.tags.all()],
        }
