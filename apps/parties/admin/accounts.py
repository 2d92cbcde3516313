"""Admin screens for the account lookups: account types (shipped defaults, no API writes them),
account groups (saved through services_accounts, with their accounts listed) and monthly budgets
(set through services_accounts, one per account and month)."""

from django.contrib import admin
from django.core.exceptions import ValidationError

from apps.core.admin_base import ModelAdmin, TabularInline
from apps.parties import services_accounts
from apps.parties.models import AccountGroup, AccountType, MonthlyBudget, Party


@admin.register(AccountType)
class AccountTypeAdmin(ModelAdmin):
    list_display = ["name", "sort_order", "is_default", "is_customer", "is_prospect", "default_tab"]
    list_editable = ["sort_order"]
    search_fields = ["name"]
    readonly_fields = ["uuid", "created", "updated"]
    fieldsets = [
        (None, {"fields": ["name", "default_tab", "sort_order", "is_default", "is_customer", "is_prospect"]}),
        (
            "Turnover bands",
            {
                "fields": [
                    ("turnover_from", "turnover_to"),
                    ("turnover_potential_from", "turnover_potential_to"),
                    ("turnover_volume1_from", "turnover_volume1_to"),
                    ("turnover_volume2_from", "turnover_volume2_to"),
                    ("turnover_potential_volume1_from", "turnover_potential_volume1_to"),
                    ("turnover_potential_volume2_from", "turnover_potential_volume2_to"),
                ],
                "classes": ["collapse"],
            },
        ),
        ("Record", {"fields": ["uuid", "created", "updated"], "classes": ["collapse"]}),
    ]


class GroupAccountsInline(TabularInline):
    model = Party.account_groups.through
    verbose_name = "account"
    verbose_name_plural = "accounts in this group"
    fields = ["party"]
    readonly_fields = ["party"]
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(AccountGroup)
class AccountGroupAdmin(ModelAdmin):
    list_display = ["name", "id"]
    search_fields = ["name"]
    readonly_fields = ["uuid", "created", "updated"]
    inlines = [GroupAccountsInline]

    def save_model(self, request, obj, form, change):
        try:
            if change:
                services_accounts.update_account_group(request.user, obj, name=obj.name)
            else:
                saved = services_accounts.create_account_group(request.user, name=obj.name)
                obj.pk, obj.uuid = saved.pk, saved.uuid
        except ValidationError as exc:  # the form checked the name already; a rule left over
            raise ValidationError(exc.messages) from None

    def delete_model(self, request, obj):
        services_accounts.delete_account_group(request.user, obj)

    def delete_queryset(self, request, queryset):
        for group in queryset:
            services_accounts.delete_account_group(request.user, group)


@admin.register(MonthlyBudget)
class MonthlyBudgetAdmin(ModelAdmin):
    list_display = ["party", "year", "month", "amount"]
    list_filter = ["year"]
    search_fields = ["party__name", "party__account_number"]
    autocomplete_fields = ["party"]
    ordering = ["-year", "-month", "party__name"]
    list_select_related = ["party"]
    readonly_fields = ["uuid", "created", "updated"]

    def save_model(self, request, obj, form, change):
        if change:
            stored = MonthlyBudget.objects.get(pk=obj.pk)
            if (stored.party_id, stored.year, stored.month) != (obj.party_id, obj.year, obj.month):
                services_accounts.delete_monthly_budget(request.user, stored)
        saved = services_accounts.set_monthly_budget(
            request.user, obj.party, year=obj.year, month=obj.month, amount=obj.amount
        )
        obj.pk, obj.uuid = saved.pk, saved.uuid

    def delete_model(self, request, obj):
        services_accounts.delete_monthly_budget(request.user, obj)

    def delete_queryset(self, request, queryset):
        for budget in queryset.select_related("party"):
            services_accounts.delete_monthly_budget(request.user, budget)
