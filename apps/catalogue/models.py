"""The catalogue: articles (what is sold, at which list price and VAT rate), their groups, units
and reference data (brands, budget groups, discount groups, materials, service levels, volume
groups, warehouses and warehouse statuses), and prices: price lists with article prices per
price group (a quantity bracket of one unit).

Cirrus serves all of it (part 1 §3.3, part 2 §2.3); orders and quotes (apps.sales) take their
rows' articles and prices from here. Which price an account pays is `prices.price_for`.
"""

from django.db import models
from django.db.models import F, Q

from apps.core.models import BaseModel

MONEY = {"max_digits": 14, "decimal_places": 2}


class Reference(BaseModel):
    """A named row of article reference data; Cirrus only lists them (O36-O45): the admin and a
    data migration keep them."""

    name = models.CharField(max_length=100)
    sort_order = models.IntegerField(default=0)

    class Meta:
        abstract = True
        ordering = ["sort_order", "name", "id"]

    def __str__(self):
        return self.name


class Brand(Reference):
    pass


class BudgetGroup(Reference):
    pass


class DiscountGroup(Reference):
    pass


class Material(Reference):
    pass


class ServiceLevel(Reference):
    pass


class VolumeGroup(Reference):
    pass


class Warehouse(Reference):
    pass


class WarehouseStatus(Reference):
    class Meta(Reference.Meta):
        verbose_name_plural = "warehouse statuses"


class ArticleGroup(BaseModel):
    name = models.CharField(max_length=100)
    external_key = models.CharField(max_length=100, blank=True, db_index=True)
    sort_order = models.IntegerField(default=0)

    class Meta:
        ordering = ["name", "id"]
        indexes = [
            models.Index(fields=["name", "id"], name="article_group_name"),
            models.Index(fields=["sort_order", "id"], name="article_group_sort"),
        ]

    def __str__(self):
        return self.name


class ArticleUnit(BaseModel):
    name = models.CharField(max_length=100)
    external_key = models.CharField(max_length=100, blank=True, db_index=True)

    class Meta:
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["name", "id"], name="article_unit_name")]

    def __str__(self):
        return self.name


class Article(BaseModel):
    """Something sold: its list price (`price`, net of VAT) and VAT rate in per cent."""

    name = models.CharField(max_length=255)
    number = models.CharField(max_length=100, blank=True, help_text="The article number.")
    description = models.TextField(blank=True)
    price = models.DecimalField(default=0, help_text="List price, net of VAT.", **MONEY)
    vat = models.DecimalField(max_digits=5, decimal_places=2, default=0, help_text="VAT rate in per cent.")
    buy_price = models.DecimalField(null=True, blank=True, **MONEY)
    commission = models.DecimalField(null=True, blank=True, **MONEY)
    discount = models.DecimalField(null=True, blank=True, **MONEY)
    is_active = models.BooleanField("active", default=True)
    in_campaign = models.BooleanField(default=False)
    sort_order = models.IntegerField(default=0)
    external_key = models.CharField(max_length=100, blank=True)
    image_url = models.CharField(max_length=500, blank=True)
    url1 = models.CharField(max_length=500, blank=True)
    url2 = models.CharField(max_length=500, blank=True)
    presentation = models.TextField(blank=True)
    stock_balance = models.IntegerField(null=True, blank=True)
    stock_balance_warning = models.IntegerField(null=True, blank=True, help_text="Warn below this stock.")
    volume = models.IntegerField(null=True, blank=True)
    area = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    supplier = models.ForeignKey(
        "parties.Party", null=True, blank=True, on_delete=models.SET_NULL, related_name="supplied_articles"
    )
    supplier_name = models.CharField(max_length=255, blank=True)
    supplier_article_number = models.CharField(max_length=100, blank=True)
    business_area_id = models.IntegerField(null=True, blank=True, help_text="No business areas here yet.")
    group = models.ForeignKey(
        ArticleGroup, null=True, blank=True, on_delete=models.PROTECT, related_name="articles"
    )
    unit = models.ForeignKey(
        ArticleUnit, null=True, blank=True, on_delete=models.PROTECT, related_name="articles"
    )
    brand = models.ForeignKey(Brand, null=True, blank=True, on_delete=models.PROTECT, related_name="articles")
    budget_group = models.ForeignKey(
        BudgetGroup, null=True, blank=True, on_delete=models.PROTECT, related_name="articles"
    )
    discount_group = models.ForeignKey(
        DiscountGroup, null=True, blank=True, on_delete=models.PROTECT, related_name="articles"
    )
    material = models.ForeignKey(
        Material, null=True, blank=True, on_delete=models.PROTECT, related_name="articles"
    )
    service_level = models.ForeignKey(
        ServiceLevel, null=True, blank=True, on_delete=models.PROTECT, related_name="articles"
    )
    volume_group = models.ForeignKey(
        VolumeGroup, null=True, blank=True, on_delete=models.PROTECT, related_name="articles"
    )
    warehouse = models.ForeignKey(
        Warehouse, null=True, blank=True, on_delete=models.PROTECT, related_name="articles"
    )
    warehouse_status = models.ForeignKey(
        WarehouseStatus, null=True, blank=True, on_delete=models.PROTECT, related_name="articles"
    )
    tags = models.ManyToManyField("core.Tag", blank=True, related_name="articles")

    class Meta:
        ordering = ["number", "id"]
        indexes = [
            # Cirrus's article sort orders (O35), and the active flag with the default order
            models.Index(fields=["number", "id"], name="article_number"),
            models.Index(fields=["name", "id"], name="article_name"),
            models.Index(fields=["supplier_name", "id"], name="article_supplier_name"),
            models.Index(fields=["supplier_article_number", "id"], name="article_supplier_number"),
            models.Index(fields=["external_key", "id"], name="article_external_key"),
            models.Index(fields=["sort_order", "id"], name="article_sort"),
            models.Index(fields=["is_active", "number"], name="article_active_number"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(vat__gte=0) & Q(vat__lte=100), name="article_vat_percent"),
        ]

    def __str__(self):
        return f"{self.number} {self.name}".strip()


class PriceGroup(BaseModel):
    """A quantity bracket of one unit (e.g. 10-49 pieces): article prices may differ per group."""

    name = models.CharField(max_length=100)
    unit = models.ForeignKey(ArticleUnit, on_delete=models.PROTECT, related_name="price_groups")
    min_quantity = models.IntegerField("min")
    max_quantity = models.IntegerField("max")

    class Meta:
        ordering = ["min_quantity", "id"]
        indexes = [
            models.Index(fields=["min_quantity", "id"], name="price_group_min"),
            models.Index(fields=["unit", "min_quantity"], name="price_group_unit_min"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(max_quantity__gte=F("min_quantity")), name="price_group_min_max"
            )
        ]

    def __str__(self):
        return f"{self.name} ({self.min_quantity}-{self.max_quantity} {self.unit})"


class PriceList(BaseModel):
    """Article prices valid between `start` and `stop`. The default list applies to every account;
    other lists apply to the accounts linked to them (`accounts`)."""

    name = models.CharField(max_length=100, blank=True)
    description = models.TextField(blank=True)
    is_active = models.BooleanField("active", default=True)
    start = models.DateTimeField()
    stop = models.DateTimeField()
    is_default = models.BooleanField("default", default=False)
    strict = models.BooleanField(default=False, help_text="Only the listed articles may be sold.")
    external_key = models.CharField(max_length=100, blank=True, db_index=True)
    currency_id = models.IntegerField(null=True, blank=True)
    accounts = models.ManyToManyField("parties.Party", blank=True, related_name="price_lists")

    class Meta:
        ordering = ["start", "id"]
        indexes = [
            models.Index(fields=["start", "id"], name="price_list_start"),
            models.Index(fields=["name", "id"], name="price_list_name"),
            models.Index(fields=["is_active", "start"], name="price_list_active_start"),
            models.Index(fields=["is_default", "start"], name="price_list_default_start"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(stop__gte=F("start")), name="price_list_stop_after_start")
        ]

    def __str__(self):
        return self.name or f"Price list {self.pk}"


class ArticlePrice(BaseModel):
    """An article's price on a price list, for one price group or (no group) for any quantity."""

    price_list = models.ForeignKey(PriceList, on_delete=models.CASCADE, related_name="prices")
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="list_prices")
    price_group = models.ForeignKey(
        PriceGroup, null=True, blank=True, on_delete=models.PROTECT, related_name="article_prices"
    )
    price = models.DecimalField(**MONEY)
    discount_percent = models.DecimalField(max_digits=5, decimal_places=2, default=0)
    discount_amount = models.DecimalField(default=0, **MONEY)

    class Meta:
        ordering = ["price_list", "id"]
        indexes = [models.Index(fields=["article", "price_list"], name="article_price_article")]
        constraints = [
            models.UniqueConstraint(
                fields=["price_list", "article", "price_group"], name="one_article_price_per_group"
            ),
            models.UniqueConstraint(
                fields=["price_list", "article"],
                condition=Q(price_group__isnull=True),
                name="one_article_price_without_group",
            ),
        ]

    def __str__(self):
        return f"{self.article} on {self.price_list}: {self.price}"
