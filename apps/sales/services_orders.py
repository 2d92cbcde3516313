"""Every write to orders and quotes, with their rules: creating and changing them with their rows,
computing their totals, making an order from a won opportunity or from a quote. The admin and the
APIs call these; each top-level function runs in one transaction and records the change log.

Money is Decimal throughout, never float. Rounding (`row_totals`):

- a row's net total is `quantity × price × (1 − discountpercent / 100) − discountamount`
  (Cirrus OQ-26), rounded ROUND_HALF_UP to cents once per row;
- the row's VAT is its rounded net total × `vat_rate / 100`, rounded ROUND_HALF_UP to cents
  once per row;
- the document's net and VAT are the sums of its rows' rounded amounts (so they always add up
  on paper), and its gross is net + VAT. A row's net total may be negative (a credit row).
"""

from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from apps.catalogue.prices import price_for
from apps.core import services as core_services
from apps.core.changelog import log_delete, log_save, stored_snapshot
from apps.parties.models import Party

from .models import Opportunity, Order, OrderRow, QuoteRelation, QuoteStatus
from .models_orders import Quote, QuoteRow

CENT = Decimal("0.01")
HUNDRED = Decimal(100)

DOCUMENT_FIELDS = {
    "account",
    "contact",
    "user",
    "user2",
    "opportunity",
    "delivery_term",
    "delivery_type",
    "payment_term",
    "price_list",
    "place_date",
    "delivery_date",
    "currency_code",
    "currency_rate",
    "statistics_price",
    "alternative_value",
    "buy_price",
    "discounted",
    "alternate_id",
    "external_comment",
    "internal_comment",
    "delivery_name",
    "delivery_street",
    "delivery_zip",
    "delivery_city",
    "delivery_country",
    "external_key",
    "marking",
    "reference_code",
    "extra_code",
    "status",
}
ORDER_FIELDS = DOCUMENT_FIELDS | {
    "number",
    "description",
    "address",
    "order_type",
    "delivered",
    "invoice_name",
    "invoice_street",
    "invoice_zip",
    "invoice_city",
    "invoice_country",
    "invoice_email",
    "invoice_number",
    "invoice_date",
}
QUOTE_FIELDS = DOCUMENT_FIELDS | {"valid_to_date"}
ROW_FIELDS = {
    "article",
    "article_unit",
    "price_list",
    "price_group",
    "sort_group",
    "quantity",
    "price",
    "discount_percent",
    "discount_amount",
    "discount_special",
    "vat_rate",
    "currency_code",
    "currency_rate",
    "statistics_price",
    "alternative_value",
    "buy_price",
    "specification",
    "sort_order",
    "external_key",
}
ORDER_ROW_FIELDS = ROW_FIELDS | {"quantity_delivered", "no_print"}
QUOTE_ROW_FIELDS = ROW_FIELDS | {"alternate_id", "cost_center"}
# Row fields one document's rows hand to the other's (quote -> order)
SHARED_ROW_FIELDS = ROW_FIELDS


def cents(value: Decimal) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def row_totals(quantity, price, discount_percent=0, discount_amount=0, vat_rate=0) -> tuple[Decimal, Decimal]:
    """(net total, VAT) of one row, each rounded ROUND_HALF_UP to cents (see the module's doc)."""
    quantity, price = Decimal(quantity or 0), Decimal(price or 0)
    gross = quantity * price * (1 - Decimal(discount_percent or 0) / HUNDRED)
    net = cents(gross - Decimal(discount_amount or 0))
    return net, cents(net * Decimal(vat_rate or 0) / HUNDRED)


def document_totals(rows) -> tuple[Decimal, Decimal, Decimal]:
    """(net, VAT, gross) of rows whose totals are computed: the sums of the rounded row amounts."""
    net = sum((row.total_price for row in rows), Decimal(0))
    vat = sum((row.vat_amount for row in rows), Decimal(0))
    return cents(net), cents(vat), cents(net + vat)


def compute_row(row) -> None:
    """Fill a row's computed fields (totals, VAT, the price warning) from its inputs."""
    row.total_price, row.vat_amount = row_totals(
        row.quantity, row.price, row.discount_percent, row.discount_amount, row.vat_rate
    )
    quantity = Decimal(row.quantity or 0)
    row.total_price_statistics = cents(quantity * Decimal(row.statistics_price or 0))
    row.total_alternative_value = cents(quantity * Decimal(row.alternative_value or 0))


@transaction.atomic
def recompute(document) -> None:
    """Recompute every row's totals and the document's net, VAT and gross (and Cirrus's `price`,
    the net), storing what changed."""
    rows = list(document.rows.all())
    for row in rows:
        compute_row(row)
    if rows:
        type(rows[0]).objects.bulk_update(
            rows, ["total_price", "vat_amount", "total_price_statistics", "total_alternative_value"]
        )
    document.net_total, document.vat_total, document.gross_total = document_totals(rows)
    if document.pk:
        type(document).objects.filter(pk=document.pk).update(
            net_total=document.net_total, vat_total=document.vat_total, gross_total=document.gross_total
        )


def _set_fields(obj, data: dict, allowed: set[str]) -> None:
    unknown = set(data) - allowed
    if unknown:
        raise ValueError(f"Unknown fields for {type(obj).__name__}: {sorted(unknown)}")
    for name, value in data.items():
        setattr(obj, name, value)


def check_document(document) -> None:
    errors = {}
    account = document.account if document.account_id else None
    if account is not None and account.kind != Party.Kind.ORGANISATION:
        errors["account"] = "The account must be an organisation."
    contact = document.contact if document.contact_id else None
    if contact is not None and contact.kind != Party.Kind.PERSON:
        errors["contact"] = "The contact must be a person."
    if errors:
        raise ValidationError(errors)


def _priced(row, document) -> None:
    """Defaults of a row from its article: the account's price (catalogue.prices), the article's
    VAT rate and unit; `price_warning` when the row sells below the account's price."""
    if row.article_id is None:
        return
    article = row.article
    rule = price_for(
        article, document.account if document.account_id else None, row.quantity or 1, document.place_date
    )
    if row.price is None:
        row.price = rule.price
        if row.discount_percent is None:
            row.discount_percent = rule.discount_percent
        if row.discount_amount is None:
            row.discount_amount = rule.discount_amount
        row.price_list = row.price_list or rule.price_list
        row.price_group = row.price_group or rule.price_group
    if row.vat_rate is None:
        row.vat_rate = article.vat
    if row.article_unit_id is None:
        row.article_unit_id = article.unit_id
    row.price_warning = Decimal(row.price) < Decimal(rule.price)


def _replace_rows(actor, document, rows: list[dict], row_model, allowed: set[str]) -> None:
    """`rows` become the document's rows: a dict with the `id` of an existing row changes it,
    one without creates a row, one with `deleted` (or an existing row left out) is removed."""
    existing = {row.pk: row for row in document.rows.all()}
    kept = {data["id"] for data in rows if data.get("id") in existing and not data.get("deleted")}
    unknown = [data["id"] for data in rows if data.get("id") is not None and data["id"] not in existing]
    if unknown:
        raise ValidationError({"rows": f"No row with id {unknown[0]} on this {document._meta.verbose_name}."})
    removed = [row for pk, row in existing.items() if pk not in kept]
    for row in removed:
        log_delete(actor, row, parent=document)
    row_model.objects.filter(pk__in=[row.pk for row in removed]).delete()
    for index, data in enumerate(rows):
        if data.get("deleted"):
            continue
        row = existing.get(data.get("id"))
        new = row is None
        if new:
            row = row_model(price=None, vat_rate=None, discount_percent=None, discount_amount=None)
            setattr(
                row, row_model._meta.get_field("order" if row_model is OrderRow else "quote").name, document
            )
            row.sort_order = index
        before = stored_snapshot(row)
        values = {k: v for k, v in data.items() if k not in ("id", "deleted", "tags")}
        _set_fields(row, values, allowed)
        _priced(row, document)
        for name in ("price", "vat_rate", "discount_percent", "discount_amount"):
            if getattr(row, name) is None:
                setattr(row, name, Decimal(0))
        if row.quantity is None:
            row.quantity = Decimal(1)
        compute_row(row)
        row.full_clean(exclude=["order", "quote"], validate_unique=False, validate_constraints=False)
        row.save()
        log_save(actor, row, before, parent=document)
        if data.get("tags") is not None:
            row.tags.set(data["tags"])


def _link_won_opportunity(document) -> None:
    """An order made for a won opportunity that has no order yet becomes that order."""
    opportunity = document.opportunity if document.opportunity_id else None
    if opportunity is not None and opportunity.status.won and opportunity.order_id is None:
        Opportunity.objects.filter(pk=opportunity.pk).update(order=document)
        opportunity.order = document


def _save_document(actor, document, *, rows, tags, row_model, row_fields) -> object:
    before = stored_snapshot(document)
    check_document(document)
    if isinstance(document, Order) and not document.number:
        document.number = f"tmp-{document.uuid}"
    document.full_clean(validate_unique=False, validate_constraints=False)
    document.save()
    if isinstance(document, Order) and document.number.startswith("tmp-"):
        document.number = str(document.pk)
        Order.objects.filter(pk=document.pk).update(number=document.number)
    log_save(actor, document, before)
    if tags is not None:
        core_services.set_related(actor, document, "tags", tags)
    if rows is not None:
        _replace_rows(actor, document, rows, row_model, row_fields)
    recompute(document)
    if isinstance(document, Order):
        _link_won_opportunity(document)
    return document


@transaction.atomic
def save_order(actor, order: Order, *, rows: list[dict] | None = None, tags=None) -> Order:
    """Create or update an order whose fields are set; `rows` (dicts of ORDER_ROW_FIELDS) replace
    its rows when given; the totals are recomputed either way. An order without a number takes
    its id as number."""
    return _save_document(actor, order, rows=rows, tags=tags, row_model=OrderRow, row_fields=ORDER_ROW_FIELDS)


def create_order(actor, *, rows=None, tags=None, **fields) -> Order:
    order = Order()
    order.place_date = fields.pop("place_date", None) or timezone.localdate()
    _set_fields(order, fields, ORDER_FIELDS)
    return save_order(actor, order, rows=rows if rows is not None else [], tags=tags)


@transaction.atomic
def update_order(actor, order: Order, *, rows=None, tags=None, **fields) -> Order:
    _set_fields(order, fields, ORDER_FIELDS)
    return save_order(actor, order, rows=rows, tags=tags)


@transaction.atomic
def save_quote(actor, quote: Quote, *, rows: list[dict] | None = None, tags=None) -> Quote:
    """Create or update a quote whose fields are set, as save_order does for orders."""
    return _save_document(actor, quote, rows=rows, tags=tags, row_model=QuoteRow, row_fields=QUOTE_ROW_FIELDS)


def create_quote(actor, *, rows=None, tags=None, **fields) -> Quote:
    quote = Quote()
    quote.place_date = fields.pop("place_date", None) or timezone.localdate()
    _set_fields(quote, fields, QUOTE_FIELDS)
    if not quote.status_id:
        quote.status = QuoteStatus.objects.filter(is_default=True).first() or QuoteStatus.objects.first()
    return save_quote(actor, quote, rows=rows if rows is not None else [], tags=tags)


@transaction.atomic
def update_quote(actor, quote: Quote, *, rows=None, tags=None, **fields) -> Quote:
    _set_fields(quote, fields, QUOTE_FIELDS)
    return save_quote(actor, quote, rows=rows, tags=tags)


@transaction.atomic
def order_from_opportunity(actor, opportunity: Opportunity, *, rows=None, **fields) -> Order:
    """The order a won opportunity became: its account, contact and responsible user, linked
    both ways (`order.opportunity`, `opportunity.order`). Only a won opportunity without an order
    becomes one."""
    opportunity = Opportunity.objects.select_for_update().select_related("status").get(pk=opportunity.pk)
    if not opportunity.status.won:
        raise ValidationError({"opportunity": "Only a won opportunity becomes an order."})
    if opportunity.order_id is not None:
        raise ValidationError({"opportunity": f"The opportunity already became order {opportunity.order}."})
    values = {
        "account": opportunity.account,
        "contact": opportunity.contact,
        "user": opportunity.owner,
        "opportunity": opportunity,
        **fields,
    }
    return create_order(actor, rows=rows, **values)


@transaction.atomic
def quote_to_order(actor, quote: Quote, **fields) -> Order:
    """The order an accepted quote becomes: its header and every row carry over (article, unit,
    quantity, price, discounts, VAT, texts, tags); the quote links to the order (its `order`, a
    relation of type `order`) and takes the `order` metatype status. A quote becomes one order."""
    quote = Quote.objects.select_for_update().get(pk=quote.pk)
    if quote.order_id is not None:
        raise ValidationError({"order": f"The quote already became order {quote.order}."})
    header = {name: getattr(quote, name) for name in DOCUMENT_FIELDS - {"status"}}
    rows = []
    for row in quote.rows.prefetch_related("tags").order_by("sort_order", "id"):
        data = {name: getattr(row, name) for name in SHARED_ROW_FIELDS}
        data["tags"] = list(row.tags.all())
        rows.append(data)
    order = create_order(actor, rows=rows, tags=list(quote.tags.all()), **{**header, **fields})
    before = stored_snapshot(quote)
    quote.order = order
    accepted = (
        QuoteStatus.objects.filter(metatype=QuoteStatus.MetaType.ORDER).order_by("sort_order", "id").first()
    )
    if accepted is not None:
        quote.status = accepted
    quote.save(update_fields=["order", "status", "updated"])
    log_save(actor, quote, before)
    QuoteRelation.objects.get_or_create(quote=quote, type=QuoteRelation.Type.ORDER, other_id=order.pk)
    return order


@transaction.atomic
def save_lookup(actor, obj):
    """Create or update an order type, order status, delivery term or type, or quote status.
    Marking one default un-marks the previous default."""
    before = stored_snapshot(obj)
    if not (obj.name or "").strip():
        raise ValidationError({"name": "This field may not be blank."})
    obj.full_clean(validate_unique=False, validate_constraints=False)
    obj.save()
    if obj.is_default:
        type(obj).objects.filter(is_default=True).exclude(pk=obj.pk).update(is_default=False)
    log_save(actor, obj, before)
    return obj


@transaction.atomic
def save_relation(actor, relation: QuoteRelation) -> QuoteRelation:
    before = stored_snapshot(relation)
    relation.full_clean(validate_unique=False, validate_constraints=False)
    if (
        QuoteRelation.objects.filter(quote=relation.quote, type=relation.type, other_id=relation.other_id)
        .exclude(pk=relation.pk)
        .exists()
    ):
        raise ValidationError({"other_id": "The quote is already connected to this record."})
    relation.save()
    log_save(actor, relation, before, parent=relation.quote)
    return relation
