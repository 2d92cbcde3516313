"""Admin screens for activities (with their attendance, products, sessions and attachments
inline), products (with their prices per group inline) and the activity lookups. Every save and
delete goes through apps.sales.services (attachments through apps.content.services)."""

from django.contrib import admin
from django.db.models import Count

from apps.content.adminkit import FileInline, ServiceAdmin, ServiceCheckedForm, ServiceInlineMixin

from . import services, services_crm, services_pipeline
from .models import (
    Activity,
    ActivityStateChange,
    ActivityType,
    Attendance,
    Lead,
    Order,
    Product,
    ProductPrice,
    ProgressionState,
    ServiceRequest,
)


class ActivityForm(ServiceCheckedForm):
    service_check = staticmethod(services.check_activity)

    class Meta:
        model = Activity
        fields = "__all__"


class AttendanceInline(ServiceInlineMixin, admin.TabularInline):
    model = Attendance
    fields = ["party", "status", "registered_at", "checked_in_at", "note"]
    raw_id_fields = ["party"]
    extra = 0

    def save_via(self, request, obj, form):
        return services.save_attendance(request.user, obj)

    def delete_via(self, request, obj):
        services.delete_attendance(request.user, obj)


class ProductInline(ServiceInlineMixin, admin.TabularInline):
    model = Product
    fields = ["name", "description", "price", "max_quantity", "price_count"]
    readonly_fields = ["price_count"]
    show_change_link = True  # the prices per group are on the product's page
    extra = 0

    @admin.display(description="group prices")
    def price_count(self, obj):
        return obj.prices.count() if obj.pk else 0

    def save_via(self, request, obj, form):
        return services.save_product(request.user, obj)

    def delete_via(self, request, obj):
        services.delete_product(request.user, obj)


class SessionInline(ServiceInlineMixin, admin.TabularInline):
    model = Activity
    fk_name = "parent"
    fields = ["name", "start", "end", "location"]
    extra = 0
    verbose_name = "session"
    verbose_name_plural = "sessions"

    def save_via(self, request, obj, form):
        obj.kind = Activity.Kind.SESSION
        obj.permissions = obj.parent.permissions if obj.pk is None else obj.permissions
        return services.save_activity(request.user, obj)

    def delete_via(self, request, obj):
        services.delete_activity(request.user, obj)


class AttachmentInline(FileInline):
    fk_name = "activity"
    verbose_name = "attachment"
    verbose_name_plural = "attachments (files)"


class StateChangeInline(admin.TabularInline):
    """The state history (CRM.COM's `states`), read-only: set_activity_state writes it."""

    model = ActivityStateChange
    fields = ["state", "time"]
    readonly_fields = ["state", "time"]
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Activity)
class ActivityAdmin(ServiceAdmin):
    form = ActivityForm
    list_display = ["name", "kind", "start", "end", "state", "is_public", "activity_type"]
    list_filter = ["kind", "state", "is_public", "activity_type"]
    search_fields = ["name", "description", "location", "external_key"]
    date_hierarchy = "start"
    raw_id_fields = ["parent", "account", "contact", "owner", "lead", "order", "service_request"]
    filter_horizontal = ["tags"]
    readonly_fields = ["completed_at", "uuid", "created", "updated"]
    fieldsets = [
        (
            None,
            {"fields": ["kind", "parent", "name", "description", "activity_type", "state", "completed_at"]},
        ),
        (
            "When and where",
            {"fields": ["start", "end", "location", "registration_start", "registration_deadline"]},
        ),
        ("Visibility and price", {"fields": ["is_public", "permissions", "default_price"]}),
        (
            "CRM",
            {
                "fields": [
                    "account",
                    "contact",
                    "owner",
                    "team",
                    "lead",
                    "order",
                    "service_request",
                    "address",
                    "progression_state",
                    "result",
                    "tags",
                    "external_key",
                ]
            },
        ),
        ("Record", {"fields": ["uuid", "created", "updated"], "classes": ["collapse"]}),
    ]
    inlines = [AttendanceInline, ProductInline, SessionInline, AttachmentInline, StateChangeInline]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("activity_type")

    def service_save(self, request, obj, form, change):
        return services.save_activity(request.user, obj)

    def save_m2m(self, request, form, change):
        if "tags" in form.cleaned_data:
            services.set_activity_tags(request.user, form.instance, list(form.cleaned_data["tags"]))

    def service_delete(self, request, obj):
        services.delete_activity(request.user, obj)


class ProductPriceInline(ServiceInlineMixin, admin.TabularInline):
    model = ProductPrice
    fields = ["group", "price"]
    extra = 1

    def save_via(self, request, obj, form):
        return services.save_product_price(request.user, obj)

    def delete_via(self, request, obj):
        services.delete_product_price(request.user, obj)


class ProductForm(ServiceCheckedForm):
    class Meta:
        model = Product
        fields = ["activity", "name", "description", "price", "max_quantity"]


@admin.register(Product)
class ProductAdmin(ServiceAdmin):
    form = ProductForm
    list_display = ["name", "activity", "price", "max_quantity", "group_prices"]
    search_fields = ["name", "activity__name"]
    raw_id_fields = ["activity"]
    inlines = [ProductPriceInline]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("activity").annotate(price_total=Count("prices"))

    @admin.display(description="group prices", ordering="price_total")
    def group_prices(self, obj):
        return obj.price_total

    def service_save(self, request, obj, form, change):
        return services.save_product(request.user, obj)

    def service_delete(self, request, obj):
        services.delete_product(request.user, obj)


@admin.register(ActivityType)
class ActivityTypeAdmin(ServiceAdmin):
    list_display = ["name", "code", "colour", "sort_order", "is_default"]
    search_fields = ["name", "code"]

    def service_save(self, request, obj, form, change):
        return services.save_lookup(request.user, obj)

    def service_delete(self, request, obj):
        services.delete_lookup(request.user, obj)


@admin.register(ProgressionState)
class ProgressionStateAdmin(ServiceAdmin):
    list_display = ["name", "applies_to", "sort_order"]
    list_filter = ["applies_to"]

    def service_save(self, request, obj, form, change):
        return services.save_lookup(request.user, obj)

    def service_delete(self, request, obj):
        services.delete_lookup(request.user, obj)


# --- What CRM.COM activities link to (saved through services_crm) ---------------------------


class ReferenceForm(ServiceCheckedForm):
    service_check = staticmethod(services_crm.check_reference)


class ReferenceAdmin(ServiceAdmin):
    form = ReferenceForm
    raw_id_fields = ["contact"]
    readonly_fields = ["uuid", "created", "updated"]

    def service_save(self, request, obj, form, change):
        return services_crm.save_reference(request.user, obj)

    def service_delete(self, request, obj):
        services_crm.delete_reference(request.user, obj)


class LeadForm(ServiceCheckedForm):
    service_check = staticmethod(services_pipeline.check_lead)


@admin.register(Lead)
class LeadAdmin(ServiceAdmin):
    form = LeadForm
    raw_id_fields = ["contact"]
    readonly_fields = ["uuid", "created", "updated"]
    list_display = ["title", "contact", "created"]
    search_fields = ["title", "contact__name"]
    list_select_related = ["contact"]
    fields = ["title", "description", "contact", "uuid", "created", "updated"]

    def service_save(self, request, obj, form, change):
        return services_pipeline.save_lead(request.user, obj)

    def service_delete(self, request, obj):
        services_pipeline.delete_lead(request.user, obj)


@admin.register(Order)
class OrderAdmin(ReferenceAdmin):
    list_display = ["number", "contact", "created"]
    search_fields = ["number", "contact__name"]
    list_select_related = ["contact"]
    raw_id_fields = ["contact", "address"]
    fields = ["number", "description", "contact", "address", "uuid", "created", "updated"]


@admin.register(ServiceRequest)
class ServiceRequestAdmin(OrderAdmin):
    pass
