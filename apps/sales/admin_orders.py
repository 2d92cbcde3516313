"""The back office of orders and quotes: their rows inline with the totals shown (net, VAT, gross)
and recomputed on every save through services_orders; a "convert to order" action on quotes; the
order list filtered by status, type, account and date, and exported as it is filtered (CSV,
streamed); the order and quote lookups. Imported by admin.py."""

import csv

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import StreamingHttpResponse
from django.urls import path, reverse
from django.utils.html import format_html

from apps.content.adminkit import ServiceAdmin
from apps.core.admin_base import ListExportMixin, TabularInline

from . import services_orders
from .models import (
    DeliveryTerm,
    DeliveryType,
    Order,
    OrderRow,
    OrderStatus,
    OrderType,
    Quote,
    QuoteRelation,
    QuoteRow,
    QuoteStatus,
)

ROW_INPUTS = [
    "article",
    "specification",
    "quantity",
    "article_unit",
    "price",
    "discount_percent",
    "discount_amount",
    "vat_rate",
    "sort_order",
]
ROW_TOTALS = ["total_price", "vat_amount"]
TOTALS = ["net_total", "vat_total", "gross_total"]
HEADER_SKIP = {"id", "uuid", "created", "updated", "tags", *TOTALS}


class RowInline(TabularInline):
    """Rows are saved by the document's service call (DocumentAdmin.save_related), never alone."""

    fields = [*ROW_INPUTS, *ROW_TOTALS]
    readonly_fields = ROW_TOTALS
    autocomplete_fields = ["article"]
    extra = 0


class OrderRowInline(RowInline):
    model = OrderRow
    fields = [*ROW_INPUTS, "quantity_delivered", *ROW_TOTALS]


class QuoteRowInline(RowInline):
    model = QuoteRow


class DocumentAdmin(ServiceAdmin):
    """An order or a quote: the header and its rows go to one service call, which recomputes the
    totals."""

    readonly_fields = [*TOTALS, "uuid", "created", "updated"]
    autocomplete_fields = ["account", "contact", "opportunity"]
    filter_horizontal = ["tags"]
    date_hierarchy = "place_date"
    save = None  # services_orders.save_order / save_quote

    def service_save(self, request, obj, form, change):
        return type(self).save(request.user, obj)

    def service_delete(self, request, obj):
        obj.delete()

    def save_related(self, request, form, formsets, change):
        rows = []
        for formset in formsets:
            # the change message reads these; the rows are saved by the one service call below
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
            for row in formset.forms:
                if not hasattr(row, "cleaned_data") or row.cleaned_data.get("DELETE"):
                    continue
                if row.instance.pk is None and not row.has_changed():
                    continue
                data = {
                    name: row.cleaned_data.get(name) for name in formset.form.base_fields if name in ROW_ALL
                }
                if row.instance.pk:
                    data["id"] = row.instance.pk
                rows.append(data)
        type(self).save(request.user, form.instance, rows=rows, tags=form.cleaned_data.get("tags"))

    def totals(self, obj):
        return format_html("{} + VAT {} = <b>{}</b>", obj.net_total, obj.vat_total, obj.gross_total)


ROW_ALL = set(ROW_INPUTS) | {"quantity_delivered"}


@admin.register(Order)
class OrderAdmin(ListExportMixin, DocumentAdmin):
    save = staticmethod(services_orders.save_order)
    inlines = [OrderRowInline]
    list_display = ["number", "place_date", "account", "status", "order_type", "net_total", "gross_total"]
    list_filter = ["status", "order_type", ("account", admin.RelatedOnlyFieldListFilter), "place_date"]
    list_select_related = ["account", "status", "order_type"]
    search_fields = ["number", "alternate_id", "account__name", "external_key"]
    raw_id_fields = ["address", "user", "user2"]
    change_list_template = "admin/sales/order/change_list.html"

    def get_urls(self):
        export = path("export.csv", self.admin_site.admin_view(self.export_csv), name="sales_order_export")
        return [export, *super().get_urls()]

    def changelist_view(self, request, extra_context=None):
        query = request.GET.urlencode()
        export_url = reverse("admin:sales_order_export") + (f"?{query}" if query else "")
        return super().changelist_view(request, {**(extra_context or {}), "export_url": export_url})

    def export_csv(self, request):
        """The order list as filtered on the change list, as CSV, streamed row by row."""
        changelist = self.get_changelist_instance(request)
        queryset = changelist.get_queryset(request).select_related("account", "status", "order_type", "user")
        header = [
            "id",
            "number",
            "place_date",
            "account",
            "status",
            "type",
            "user",
            "net",
            "vat",
            "gross",
            "currency",
        ]

        class Echo:
            def write(self, value):
                return value

        writer = csv.writer(Echo())

        def lines():
            yield writer.writerow(header)
            for order in queryset.iterator(chunk_size=500):
                yield writer.writerow(
                    [
                        order.pk,
                        order.number,
                        order.place_date or "",
                        order.account or "",
                        order.status or "",
                        order.order_type or "",
                        order.user.get_username() if order.user else "",
                        order.net_total,
                        order.vat_total,
                        order.gross_total,
                        order.currency_code,
                    ]
                )

        response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="orders.csv"'
        return response


class QuoteRelationInline(TabularInline):
    model = QuoteRelation
    fields = ["type", "other_id", "value"]
    extra = 0


@admin.register(Quote)
class QuoteAdmin(ListExportMixin, DocumentAdmin):
    save = staticmethod(services_orders.save_quote)
    inlines = [QuoteRowInline]
    list_display = [
        "id",
        "place_date",
        "valid_to_date",
        "account",
        "status",
        "net_total",
        "gross_total",
        "order",
    ]
    list_filter = ["status", ("account", admin.RelatedOnlyFieldListFilter), "place_date"]
    list_select_related = ["account", "status", "order"]
    search_fields = ["alternate_id", "account__name", "external_key"]
    raw_id_fields = ["user", "user2", "order"]
    actions = ["convert_to_order"]

    @admin.action(description="Convert the selected quotes to orders")
    def convert_to_order(self, request, queryset):
        made = 0
        for quote in queryset:
            try:
                services_orders.quote_to_order(request.user, quote)
                made += 1
            except ValidationError as exc:
                self.message_user(request, f"Quote {quote.pk}: {'; '.join(exc.messages)}", messages.WARNING)
        if made:
            self.message_user(request, f"{made} order(s) made from quotes.", messages.SUCCESS)


class OrderLookupAdmin(ServiceAdmin):
    list_display = ["name", "is_default"]
    search_fields = ["name"]

    def service_save(self, request, obj, form, change):
        return services_orders.save_lookup(request.user, obj)

    def service_delete(self, request, obj):
        obj.delete()


@admin.register(OrderType)
class OrderTypeAdmin(OrderLookupAdmin):
    list_display = ["name", "sort_order", "is_default"]


@admin.register(OrderStatus)
class OrderStatusAdmin(OrderLookupAdmin):
    list_display = ["name", "step", "is_default"]


@admin.register(DeliveryTerm)
class DeliveryTermAdmin(OrderLookupAdmin):
    list_display = ["name", "external_key", "is_default"]


@admin.register(DeliveryType)
class DeliveryTypeAdmin(OrderLookupAdmin):
    pass


@admin.register(QuoteStatus)
class QuoteStatusAdmin(OrderLookupAdmin):
    list_display = ["name", "metatype", "sort_order", "is_default"]
