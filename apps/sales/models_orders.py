"""Orders and quotes: what an account buys (an Order) or is offered (a Quote), as rows of
catalogue articles with quantity, unit price, discounts and VAT; the lookups they use (order
types and statuses, delivery terms and types, quote statuses) and a quote's relations.

Payment terms are apps.accounts' PaymentTerm (one table for CRM.COM's financial accounts and
Cirrus). Totals are never typed in: `services_orders.recompute` derives every row's total and
the document's net, VAT and gross from the rows, in Decimal (see its docstring for rounding).

`sales.Order` itself stays in models.py (CRM.COM's activities link to it); it takes the shared
document fields from `DocumentFields` below.
"""

from django.conf import settings
from django.db import models

from apps.core.models import BaseModel

MONEY = {"max_digits": 14, "decimal_places": 2}
RATE = {"max_digits": 12, "decimal_places": 4}
PERCENT = {"max_digits": 5, "decimal_places": 2}


class NamedLookup(BaseModel):
    name = models.CharField(max_length=100)
    is_default = models.BooleanField("default", default=False)

    class Meta:
        abstract = True
        ordering = ["name", "id"]

    def __str__(self):
        return self.name


class OrderType(NamedLookup):
    sort_order = models.IntegerField(default=0)

    class Meta(NamedLookup.Meta):
        ordering = ["sort_order", "id"]
        indexes = [
            models.Index(fields=["sort_order", "id"], name="order_type_sort"),
            models.Index(fields=["name", "id"], name="order_type_name"),
        ]


class OrderStatus(NamedLookup):
    step = models.IntegerField(default=0, help_text="Its place in the order workflow.")

    class Meta(NamedLookup.Meta):
        verbose_name_plural = "order statuses"
        indexes = [models.Index(fields=["name", "id"], name="order_status_name")]


class DeliveryTerm(NamedLookup):
    external_key = models.CharField(max_length=100, blank=True, db_index=True)

    class Meta(NamedLookup.Meta):
        indexes = [models.Index(fields=["name", "id"], name="delivery_term_name")]


class DeliveryType(NamedLookup):
    class Meta(NamedLookup.Meta):
        indexes = [models.Index(fields=["name", "id"], name="delivery_type_name")]


class QuoteStatus(NamedLookup):
    class MetaType(models.TextChoices):
        ACTIVE = "active", "Active"
        EXPIRED = "expired", "Expired"
        DENIED = "denied", "Denied"
        ORDER = "order", "Became an order"

    sort_order = models.IntegerField(default=0)
    metatype = models.CharField(max_length=10, choices=MetaType.choices, default=MetaType.ACTIVE)

    class Meta(NamedLookup.Meta):
        verbose_name_plural = "quote statuses"
        ordering = ["sort_order", "id"]
        indexes = [
            models.Index(fields=["sort_order", "id"], name="quote_status_sort"),
            models.Index(fields=["name", "id"], name="quote_status_name"),
            models.Index(fields=["metatype", "sort_order"], name="quote_status_metatype"),
        ]


class DocumentFields(models.Model):
    """What an order and a quote both carry: who buys and sells, the terms, the delivery address,
    the money (computed totals), the texts and keys."""

    account = models.ForeignKey(
        "parties.Party", null=True, blank=True, on_delete=models.PROTECT, related_name="account_%(class)ss"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="sold_%(class)ss",
        help_text="The seller.",
    )
    user2 = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="second_sold_%(class)ss",
        verbose_name="second seller",
    )
    opportunity = models.ForeignKey(
        "sales.Opportunity", null=True, blank=True, on_delete=models.SET_NULL, related_name="%(class)ss"
    )
    delivery_term = models.ForeignKey(
        "sales.DeliveryTerm", null=True, blank=True, on_delete=models.PROTECT, related_name="%(class)ss"
    )
    delivery_type = models.ForeignKey(
        "sales.DeliveryType", null=True, blank=True, on_delete=models.PROTECT, related_name="%(class)ss"
    )
    payment_term = models.ForeignKey(
        "accounts.PaymentTerm", null=True, blank=True, on_delete=models.PROTECT, related_name="%(class)ss"
    )
    price_list = models.ForeignKey(
        "catalogue.PriceList", null=True, blank=True, on_delete=models.SET_NULL, related_name="%(class)ss"
    )
    place_date = models.DateField(null=True, blank=True)
    delivery_date = models.DateField(null=True, blank=True)
    currency_code = models.CharField(max_length=3, blank=True)
    currency_rate = models.DecimalField(null=True, blank=True, **RATE)
    statistics_price = models.DecimalField(null=True, blank=True, **MONEY)
    alternative_value = models.DecimalField(null=True, blank=True, **MONEY)
    buy_price = models.DecimalField(null=True, blank=True, **MONEY)
    discounted = models.BooleanField(default=False)
    net_total = models.DecimalField(
        default=0, editable=False, help_text="Sum of the rows, net of VAT.", **MONEY
    )
    vat_total = models.DecimalField(default=0, editable=False, **MONEY)
    gross_total = models.DecimalField(default=0, editable=False, **MONEY)
    alternate_id = models.CharField(max_length=100, blank=True)
    external_comment = models.TextField(blank=True)
    internal_comment = models.TextField(blank=True)
    delivery_name = models.CharField(max_length=255, blank=True)
    delivery_street = models.CharField(max_length=255, blank=True)
    delivery_zip = models.CharField(max_length=20, blank=True)
    delivery_city = models.CharField(max_length=100, blank=True)
    delivery_country = models.CharField(max_length=100, blank=True)
    external_key = models.CharField(max_length=100, blank=True)
    marking = models.CharField(max_length=255, blank=True)
    reference_code = models.CharField(max_length=100, blank=True)
    extra_code = models.CharField(max_length=100, blank=True)
    tags = models.ManyToManyField("core.Tag", blank=True, related_name="%(class)ss")

    class Meta:
        abstract = True


class RowFields(models.Model):
    """What an order row and a quote row both carry. `total_price` is computed (net of VAT,
    after discounts); `vat_amount` is its VAT at `vat_rate`."""

    article = models.ForeignKey(
        "catalogue.Article", null=True, blank=True, on_delete=models.PROTECT, related_name="%(class)ss"
    )
    article_unit = models.ForeignKey(
        "catalogue.ArticleUnit", null=True, blank=True, on_delete=models.PROTECT, related_name="%(class)ss"
    )
    price_list = models.ForeignKey(
        "catalogue.PriceList", null=True, blank=True, on_delete=models.SET_NULL, related_name="%(class)ss"
    )
    price_group = models.ForeignKey(
        "catalogue.PriceGroup", null=True, blank=True, on_delete=models.SET_NULL, related_name="%(class)ss"
    )
    sort_group = models.ForeignKey(
        "core.SortGroup", null=True, blank=True, on_delete=models.SET_NULL, related_name="%(class)ss"
    )
    quantity = models.DecimalField(max_digits=14, decimal_places=3, default=1)
    price = models.DecimalField(default=0, help_text="Unit price, net of VAT.", **MONEY)
    discount_percent = models.DecimalField(default=0, **PERCENT)
    discount_amount = models.DecimalField(default=0, help_text="Off the row's total.", **MONEY)
    discount_special = models.BooleanField(default=False, help_text="A special discount set by hand.")
    vat_rate = models.DecimalField(default=0, help_text="Per cent.", **PERCENT)
    currency_code = models.CharField(max_length=3, blank=True)
    currency_rate = models.DecimalField(null=True, blank=True, **RATE)
    statistics_price = models.DecimalField(null=True, blank=True, **MONEY)
    alternative_value = models.DecimalField(null=True, blank=True, **MONEY)
    buy_price = models.DecimalField(null=True, blank=True, **MONEY)
    specification = models.TextField(blank=True)
    sort_order = models.IntegerField(default=0)
    external_key = models.CharField(max_length=100, blank=True)
    price_warning = models.BooleanField(default=False, editable=False, help_text="Below the account's price.")
    total_price = models.DecimalField(default=0, editable=False, **MONEY)
    vat_amount = models.DecimalField(default=0, editable=False, **MONEY)
    total_price_statistics = models.DecimalField(default=0, editable=False, **MONEY)
    total_alternative_value = models.DecimalField(default=0, editable=False, **MONEY)
    tags = models.ManyToManyField("core.Tag", blank=True, related_name="%(class)ss")

    class Meta:
        abstract = True
        ordering = ["sort_order", "id"]


class OrderRow(RowFields):
    order = models.ForeignKey("sales.Order", on_delete=models.CASCADE, related_name="rows")
    quantity_delivered = models.DecimalField(max_digits=14, decimal_places=3, default=0)
    no_print = models.BooleanField(default=False)

    class Meta(RowFields.Meta):
        indexes = [models.Index(fields=["order", "sort_order", "id"], name="order_row_order")]

    def __str__(self):
        return f"{self.order}: {self.quantity} × {self.article or self.specification}"


class Quote(DocumentFields, BaseModel):
    """An offer to an account; accepted, it becomes an order (`services_orders.quote_to_order`)."""

    contact = models.ForeignKey(
        "parties.Party", null=True, blank=True, on_delete=models.SET_NULL, related_name="quotes"
    )
    status = models.ForeignKey(QuoteStatus, on_delete=models.PROTECT, related_name="quotes")
    valid_to_date = models.DateField(null=True, blank=True, help_text="The last valid day.")
    order = models.ForeignKey(
        "sales.Order",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="quotes",
        help_text="The order the quote became.",
    )

    class Meta:
        ordering = ["-place_date", "-id"]
        indexes = [
            models.Index(fields=["place_date", "id"], name="quote_place_date"),
            models.Index(fields=["valid_to_date", "id"], name="quote_valid_to"),
            models.Index(fields=["delivery_date", "id"], name="quote_delivery_date"),
            models.Index(fields=["external_key", "id"], name="quote_external_key"),
            models.Index(fields=["alternate_id"], name="quote_alternate_id"),
            models.Index(fields=["account", "place_date"], name="quote_account_place"),
            models.Index(fields=["status", "place_date"], name="quote_status_place"),
            models.Index(fields=["contact", "place_date"], name="quote_contact_place"),
            models.Index(fields=["opportunity", "place_date"], name="quote_opportunity_place"),
            models.Index(fields=["user", "place_date"], name="quote_user_place"),
            models.Index(fields=["user2", "place_date"], name="quote_user2_place"),
        ]

    def __str__(self):
        return f"Quote {self.pk}"


class QuoteRow(RowFields):
    quote = models.ForeignKey(Quote, on_delete=models.CASCADE, related_name="rows")
    alternate_id = models.CharField(max_length=100, blank=True)
    cost_center = models.CharField(max_length=100, blank=True)

    class Meta(RowFields.Meta):
        indexes = [models.Index(fields=["quote", "sort_order", "id"], name="quote_row_quote")]

    def __str__(self):
        return f"{self.quote}: {self.quantity} × {self.article or self.specification}"


class QuoteRelation(BaseModel):
    """A quote's link to another record, named by its type and id (Cirrus's /quotes/relations)."""

    class Type(models.TextChoices):
        ACCOUNT = "account", "Account"
        OPPORTUNITY = "opportunity", "Opportunity"
        CONTACT = "contact", "Contact"
        USER = "user", "User"
        USER2 = "user2", "Second user"
        ORDER = "order", "Order"

    quote = models.ForeignKey(Quote, on_delete=models.CASCADE, related_name="relations")
    type = models.CharField(max_length=20, choices=Type.choices)
    other_id = models.BigIntegerField()
    value = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["type", "other_id"], name="quote_relation_other"),
            models.Index(fields=["quote", "id"], name="quote_relation_quote"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["quote", "type", "other_id"], name="one_quote_relation_per_record"
            )
        ]

    def __str__(self):
        return f"{self.quote} → {self.type} {self.other_id}"
