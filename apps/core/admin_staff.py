"""Admin screens for staff users' profiles, settings and budgets, departments, roles, KPI
definitions, the tenant settings, add-ons and sort groups (Cirrus's users and lookups). Django's
user screen gains the profile, e-mail settings and settings inlines."""

from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group as AuthGroup
from django.core.exceptions import ValidationError
from unfold.forms import AdminPasswordChangeForm, UserChangeForm, UserCreationForm

from apps.core.admin_base import ModelAdmin, StackedInline, TabularInline

from .admin import ChangeLoggedAdmin
from .kpis import CALCULATOR_CHOICES
from .models import (
    Addon,
    AddonParameter,
    Department,
    KpiDefinition,
    Role,
    SortGroup,
    TenantSettings,
    UserBudget,
    UserEmailSettings,
    UserProfile,
    UserSetting,
)
from .services_staff import _check_parent

User = get_user_model()


class UserProfileInline(StackedInline):
    model = UserProfile
    can_delete = False
    autocomplete_fields = ["tags"]
    fieldsets = [
        (None, {"fields": [("title", "language"), ("phone", "cellphone"), "presentation", "code", "tags"]}),
        ("Licence", {"fields": [("licence_admin", "elevated_account", "sales_coach", "crm_version")]}),
        ("Images (base64)", {"fields": ["avatar_b64", "photo_b64", "start_page"], "classes": ["collapse"]}),
    ]


class UserEmailSettingsInline(StackedInline):
    model = UserEmailSettings
    can_delete = False
    classes = ["collapse"]
    fields = [
        ("email", "name"),
        ("username", "password"),
        ("smtp_server", "incoming_server", "port"),
        ("auth_type", "default_email_type"),
        "signature",
    ]
    widgets = {"password": forms.PasswordInput(render_value=True)}


class UserSettingInline(TabularInline):
    model = UserSetting
    extra = 0


class UserBudgetInline(TabularInline):
    model = UserBudget
    fields = ["year", "month", "budget", "pipeline"]
    extra = 0


for _model in (User, AuthGroup):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)


@admin.register(User)
class StaffUserAdmin(DjangoUserAdmin, ModelAdmin):
    form = UserChangeForm
    add_form = UserCreationForm
    change_password_form = AdminPasswordChangeForm
    inlines = [UserProfileInline, UserEmailSettingsInline, UserSettingInline, UserBudgetInline]
    list_select_related = ["profile"]


@admin.register(Role)
class RoleAdmin(ChangeLoggedAdmin):
    list_display = ["name", "id"]
    search_fields = ["name"]
    filter_horizontal = ["users"]


class DepartmentForm(forms.ModelForm):
    class Meta:
        model = Department
        fields = ["name", "parent", "manager", "users"]

    def clean_parent(self):
        parent = self.cleaned_data.get("parent")
        try:
            _check_parent(self.instance, parent)
        except ValidationError as error:
            raise ValidationError(error.message_dict["parent"]) from None
        return parent


@admin.register(Department)
class DepartmentAdmin(ChangeLoggedAdmin):
    form = DepartmentForm
    list_display = ["name", "parent", "manager"]
    list_select_related = ["parent", "manager"]
    list_filter = ["parent"]
    search_fields = ["name"]
    autocomplete_fields = ["parent", "manager"]
    filter_horizontal = ["users"]


@admin.register(UserBudget)
class UserBudgetAdmin(ChangeLoggedAdmin):
    list_display = ["user", "year", "month", "budget", "pipeline"]
    list_select_related = ["user"]
    list_filter = ["year", "month"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    autocomplete_fields = ["user"]
    fields = ["user", ("year", "month"), ("budget", "pipeline")]


class KpiDefinitionForm(forms.ModelForm):
    calculator = forms.ChoiceField(choices=CALCULATOR_CHOICES)

    class Meta:
        model = KpiDefinition
        fields = ["title", "subtitle", "display_type", "calculator", "sort", "on_dashboard"]


@admin.register(KpiDefinition)
class KpiDefinitionAdmin(ChangeLoggedAdmin):
    form = KpiDefinitionForm
    list_display = ["title", "calculator", "display_type", "sort", "on_dashboard"]
    list_editable = ["sort", "on_dashboard"]
    list_filter = ["on_dashboard", "display_type"]


@admin.register(TenantSettings)
class TenantSettingsAdmin(ChangeLoggedAdmin):
    """The one settings row: edited here or through Cirrus's PUT /settings."""

    fields = ["currency", "portal", "sales", "fieldsales", "consent"]

    def has_add_permission(self, request):
        return not TenantSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


class AddonParameterInline(TabularInline):
    model = AddonParameter
    fields = ["name", "value"]
    extra = 0


@admin.register(Addon)
class AddonAdmin(ChangeLoggedAdmin):
    list_display = ["title", "internal_name", "sort", "enabled", "url"]
    list_editable = ["enabled"]
    search_fields = ["title", "internal_name"]
    inlines = [AddonParameterInline]


@admin.register(SortGroup)
class SortGroupAdmin(ChangeLoggedAdmin):
    list_display = ["name", "sort", "external_key"]
    search_fields = ["name", "external_key"]


@admin.register(AuthGroup)
class PermissionGroupAdmin(DjangoGroupAdmin, ModelAdmin):
    pass
