"""Admin screens for the reference lookups parties point at: countries, party categories, privacy
levels, industries and sectors, business groups and units. They have no rules beyond their
uniqueness; a row in use cannot be deleted (the parties protect it)."""

from django.contrib import admin

from apps.core.admin_base import ModelAdmin, TabularInline
from apps.parties.models import (
    BusinessGroup,
    BusinessUnit,
    Country,
    Industry,
    IndustrySector,
    PartyCategory,
    PrivacyLevel,
)


@admin.register(Country)
class CountryAdmin(ModelAdmin):
    list_display = ["name", "id", "alpha_2", "alpha_3", "alternative_code", "dialling_code"]
    search_fields = ["name", "alpha_2", "alpha_3", "alternative_code"]
    ordering = ["name"]


@admin.register(PartyCategory)
class PartyCategoryAdmin(ModelAdmin):
    list_display = ["name", "code", "description"]
    search_fields = ["name", "code"]
    readonly_fields = ["uuid"]


@admin.register(PrivacyLevel)
class PrivacyLevelAdmin(ModelAdmin):
    list_display = ["name", "number", "hierarchy_level"]
    search_fields = ["name", "number"]
    readonly_fields = ["uuid"]


@admin.register(Industry)
class IndustryAdmin(ModelAdmin):
    list_display = ["name", "code"]
    search_fields = ["name", "code"]
    readonly_fields = ["uuid"]


@admin.register(IndustrySector)
class IndustrySectorAdmin(ModelAdmin):
    list_display = ["name", "alternative_code"]
    search_fields = ["name", "alternative_code"]
    readonly_fields = ["uuid"]


class BusinessUnitInline(TabularInline):
    model = BusinessUnit
    fields = ["name", "alternative_code", "description", "is_default"]
    extra = 0
    show_change_link = True


@admin.register(BusinessGroup)
class BusinessGroupAdmin(ModelAdmin):
    list_display = ["name", "alternative_code", "community_name"]
    search_fields = ["name", "alternative_code", "community_name"]
    readonly_fields = ["uuid"]
    inlines = [BusinessUnitInline]


@admin.register(BusinessUnit)
class BusinessUnitAdmin(ModelAdmin):
    list_display = ["name", "group", "alternative_code", "is_default"]
    list_filter = ["group"]
    search_fields = ["name", "alternative_code"]
    autocomplete_fields = ["users"]
    readonly_fields = ["uuid"]
