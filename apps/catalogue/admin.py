"""The back office of the catalogue: articles with their prices per price list inline, article
groups and units, price groups, price lists with their article prices inline, and every reference
table. Saves go through apps.catalogue.services."""

from django.contrib import admin

from apps.content.adminkit import ServiceAdmin, ServiceInlineMixin
from apps.core.admin_base import ListExportMixin, TabularInline

from . import services
from .models import (
    Article,
    ArticleGroup,
    ArticlePrice,
    ArticleUnit,
    Brand,
    BudgetGroup,
    DiscountGroup,
    Material,
    PriceGroup,
    PriceList,
    ServiceLevel,
    VolumeGroup,
    Warehouse,
    WarehouseStatus,
)


class NamedAdmin(ServiceAdmin):
    list_display = ["name", "sort_order"]
    search_fields = ["name"]
    fields = ["name", "sort_order"]

    def service_save(self, request, obj, form, change):
        return services.save_named(request.user, obj)

    def service_delete(self, request, obj):
        obj.delete()


for model in (
    Brand,
    BudgetGroup,
    DiscountGroup,
    Material,
    ServiceLevel,
    VolumeGroup,
    Warehouse,
    WarehouseStatus,
):
    admin.site.register(model, NamedAdmin)


@admin.register(ArticleGroup)
class ArticleGroupAdmin(NamedAdmin):
    list_display = ["name", "external_key", "sort_order"]
    fields = ["name", "external_key", "sort_order"]


@admin.register(ArticleUnit)
class ArticleUnitAdmin(NamedAdmin):
    list_display = ["name", "external_key"]
    fields = ["name", "external_key"]


class ArticlePriceInline(ServiceInlineMixin, TabularInline):
    """An article's prices on each price list (on the article's page), or a list's prices of each
    article (on the list's page)."""

    model = ArticlePrice
    fields = ["price_list", "article", "price_group", "price", "discount_percent", "discount_amount"]
    autocomplete_fields = ["price_list", "article"]
    extra = 0

    def save_via(self, request, obj, form):
        return services.save_article_price(request.user, obj)

    def delete_via(self, request, obj):
        services.delete_article_price(request.user, obj)


@admin.register(Article)
class ArticleAdmin(ListExportMixin, ServiceAdmin):
    list_display = ["number", "name", "price", "vat", "group", "unit", "is_active"]
    list_filter = ["is_active", "group", "brand", "warehouse"]
    search_fields = ["number", "name", "description", "supplier_article_number"]
    list_select_related = ["group", "unit"]
    autocomplete_fields = ["supplier"]
    filter_horizontal = ["tags"]
    inlines = [ArticlePriceInline]
    readonly_fields = ["uuid", "created", "updated"]

    def service_save(self, request, obj, form, change):
        return services.save_article(request.user, obj)

    def save_m2m(self, request, form, change):
        services.save_article(request.user, form.instance, tags=form.cleaned_data.get("tags", []))

    def service_delete(self, request, obj):
        obj.delete()


@admin.register(PriceGroup)
class PriceGroupAdmin(ServiceAdmin):
    list_display = ["name", "unit", "min_quantity", "max_quantity"]
    list_filter = ["unit"]
    search_fields = ["name"]

    def service_save(self, request, obj, form, change):
        return services.save_price_group(request.user, obj)

    def service_delete(self, request, obj):
        obj.delete()


@admin.register(PriceList)
class PriceListAdmin(ServiceAdmin):
    list_display = ["name", "start", "stop", "is_active", "is_default", "strict"]
    list_filter = ["is_active", "is_default", "strict"]
    search_fields = ["name", "external_key"]
    autocomplete_fields = ["accounts"]
    inlines = [ArticlePriceInline]
    readonly_fields = ["uuid", "created", "updated"]

    def service_save(self, request, obj, form, change):
        return services.save_price_list(request.user, obj)

    def save_m2m(self, request, form, change):
        services.save_price_list(request.user, form.instance, accounts=form.cleaned_data.get("accounts", []))

    def service_delete(self, request, obj):
        obj.delete()
