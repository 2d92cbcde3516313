"""The back office of the sales pipeline: activities (with their attendance, products, sessions,
attachments, answers and contact attempts inline), products (with their prices per group), leads
(with their lead activities; bulk owner and status changes, conversion to opportunities),
opportunities (bulk owner and status changes; value and probability columns), challenges with their
scores and the participants' stats, and every lookup (activity types with their questions inline).
Every save, delete and action goes through the sales services the APIs call."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch
from django.template.response import TemplateResponse
from django.utils.html import format_html

from apps.content.adminkit import FileInline, ServiceAdmin, ServiceCheckedForm, ServiceInlineMixin
from apps.core import services as core_services
from apps.core.admin_base import ListExportMixin, ModelAdmin, TabularInline

from . import selectors, services, services_challenges, services_crm, services_pipeline
from .models import (
    Activity,
    ActivityAnswer,
    ActivityPriority,
    ActivityStateChange,
    ActivityType,
    ActivityTypeQuestion,
    Attendance,
    Challenge,
    ChallengeParticipant,
    ChallengeType,
    ContactAttempt,
    Lead,
    LeadActivity,
    LeadActivityType,
    LeadStatus,
    Opportunity,
    OpportunityEstimate,
    OpportunityReason,
    OpportunityState,
    OpportunityStatus,
    OpportunityType,
    Product,
    ProductPrice,
    ProgressionState,
    ServiceRequest,
    Source,
)

User = get_user_model()


class ActivityForm(ServiceCheckedForm):
    service_check = staticmethod(services.check_activity)

    class Meta:
        model = Activity
        fields = "__all__"


class AttendanceInline(ServiceInlineMixin, TabularInline):
    model = Attendance
    fields = ["party", "status", "registered_at", "checked_in_at", "note"]
    raw_id_fields = ["party"]
    extra = 0

    def save_via(self, request, obj, form):
        return services.save_attendance(request.user, obj)

    def delete_via(self, request, obj):
        services.delete_attendance(request.user, obj)


class ProductInline(ServiceInlineMixin, TabularInline):
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


class SessionInline(ServiceInlineMixin, TabularInline):
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


class ReadOnlyInline(TabularInline):
    """Rows other screens or the APIs write, shown here."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class AnswerInline(ReadOnlyInline):
    model = ActivityAnswer
    fields = ["question", "answer"]


class ContactAttemptInline(ReadOnlyInline):
    model = ContactAttempt
    fields = ["time", "user", "note"]


class StateChangeInline(TabularInline):
    """The state history (CRM.COM's `states`), read-only: set_activity_state writes it."""

    model = ActivityStateChange
    fields = ["state", "time"]
    readonly_fields = ["state", "time"]
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Activity)
class ActivityAdmin(ListExportMixin, ServiceAdmin):
    form = ActivityForm
    list_display = ["name", "kind", "start", "end", "state", "is_public", "activity_type"]
    list_filter = ["kind", "state", "is_public", "activity_type"]
    search_fields = ["name", "description", "location", "external_key"]
    date_hierarchy = "start"
    raw_id_fields = [
        "parent",
        "account",
        "contact",
        "owner",
        "lead",
        "order",
        "service_request",
        "opportunity",
    ]
    filter_horizontal = ["tags", "invited_users", "followers"]
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
        (
            "Appointment (Cirrus)",
            {
                "fields": [
                    "priority",
                    "opportunity",
                    "reminder_minutes",
                    "reminder_text",
                    "reminder_done",
                    "invited_users",
                    "followers",
                    "extras_external_id",
                ]
            },
        ),
        ("Record", {"fields": ["uuid", "created", "updated"], "classes": ["collapse"]}),
    ]
    inlines = [
        AttendanceInline,
        ProductInline,
        SessionInline,
        AttachmentInline,
        AnswerInline,
        ContactAttemptInline,
        StateChangeInline,
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("activity_type")

    def service_save(self, request, obj, form, change):
        return services.save_activity(request.user, obj)

    def save_m2m(self, request, form, change):
        if "tags" in form.cleaned_data:
            services.set_activity_tags(request.user, form.instance, list(form.cleaned_data["tags"]))
        for name in ("invited_users", "followers"):
            if name in form.cleaned_data:
                core_services.set_related(request.user, form.instance, name, list(form.cleaned_data[name]))

    def service_delete(self, request, obj):
        services.delete_activity(request.user, obj)


class ProductPriceInline(ServiceInlineMixin, TabularInline):
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


# --- Lookups --------------------------------------------------------------------------------


class LookupAdmin(ServiceAdmin):
    """Reference data: saved and deleted through services.save_lookup/delete_lookup (a lookup in
    use cannot be deleted)."""

    list_display = ["name", "sort_order"]
    search_fields = ["name"]

    def service_save(self, request, obj, form, change):
        return services.save_lookup(request.user, obj)

    def service_delete(self, request, obj):
        services.delete_lookup(request.user, obj)


class QuestionInline(ServiceInlineMixin, TabularInline):
    model = ActivityTypeQuestion
    fields = ["question", "sort_order"]
    extra = 1

    def save_via(self, request, obj, form):
        return services.save_question(request.user, obj)

    def delete_via(self, request, obj):
        services.delete_question(request.user, obj)


@admin.register(ActivityType)
class ActivityTypeAdmin(LookupAdmin):
    list_display = ["name", "code", "colour", "sort_order", "is_default", "is_quick", "question_count"]
    search_fields = ["name", "code"]
    inlines = [QuestionInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(questions_total=Count("questions"))

    @admin.display(description="questions", ordering="questions_total")
    def question_count(self, obj):
        return obj.questions_total


@admin.register(ProgressionState)
class ProgressionStateAdmin(LookupAdmin):
    list_display = ["name", "applies_to", "sort_order"]
    list_filter = ["applies_to"]


class StatusInline(ServiceInlineMixin, TabularInline):
    model = OpportunityStatus
    fields = ["name", "description", "colour", "sort_order", "sort_order_plug", "won", "lost"]
    extra = 0

    def save_via(self, request, obj, form):
        return services.save_lookup(request.user, obj)

    def delete_via(self, request, obj):
        services.delete_lookup(request.user, obj)


@admin.register(OpportunityType)
class OpportunityTypeAdmin(LookupAdmin):
    list_display = ["name", "sort_order", "is_default"]
    inlines = [StatusInline]


@admin.register(OpportunityStatus)
class OpportunityStatusAdmin(LookupAdmin):
    list_display = ["name", "opportunity_type", "sort_order", "won", "lost"]
    list_filter = ["opportunity_type", "won", "lost"]
    list_select_related = ["opportunity_type"]


@admin.register(OpportunityEstimate)
class OpportunityEstimateAdmin(LookupAdmin):
    list_display = ["name", "probability", "sort_order", "visible"]


@admin.register(OpportunityReason)
class OpportunityReasonAdmin(LookupAdmin):
    list_display = ["name", "kind", "sort_order"]
    list_filter = ["kind"]


@admin.register(Source)
class SourceAdmin(LookupAdmin):
    list_display = ["name", "sort_order", "is_default"]


@admin.register(ChallengeType)
class ChallengeTypeAdmin(LookupAdmin):
    list_display = ["name", "metric", "duration_days", "sort_order"]


for lookup in (ActivityPriority, LeadStatus, LeadActivityType, OpportunityState):
    admin.site.register(lookup, LookupAdmin)


# --- Bulk actions with a form -------------------------------------------------------------------


def bulk_action(model_admin, request, queryset, form_class, run, title: str):
    """An admin action that asks for values first: the form on a page of its own, then `run(rows,
    cleaned data)` -> a message. A rule the service refuses is an error message; nothing changed."""
    form = form_class(request.POST if "apply" in request.POST else None)
    if "apply" in request.POST and form.is_valid():
        try:
            message = run(queryset, form.cleaned_data)
        except ValidationError as error:
            model_admin.message_user(request, " ".join(error.messages), messages.ERROR)
        else:
            model_admin.message_user(request, message, messages.SUCCESS)
        return None
    context = {
        **model_admin.admin_site.each_context(request),
        "title": title,
        "form": form,
        "queryset": queryset,
        "opts": model_admin.opts,
        "action": request.POST.get("action", ""),
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
    }
    return TemplateResponse(request, "admin/sales/bulk_action.html", context)


class OwnerForm(forms.Form):
    owner = forms.ModelChoiceField(User.objects.filter(is_active=True).order_by("username"))


# --- Leads ----------------------------------------------------------------------------------


def lead_names_something(lead: Lead) -> None:
    """Staff name what a lead is about: a title, the party it belongs to, or a prospect. (Cirrus's
    `POST /leads` requires no field, so this is the back office's rule, not the domain's.)"""
    named = [lead.title, *(getattr(lead, name) for name in services_pipeline.PROSPECT_NAMES)]
    if lead.contact_id is None and not any((value or "").strip() for value in named):
        raise ValidationError({"title": "A lead needs a title, an account or a prospect's name."})


class LeadForm(ServiceCheckedForm):
    service_check = staticmethod(lead_names_something)


class LeadActivityInline(ServiceInlineMixin, TabularInline):
    model = LeadActivity
    fields = ["activity_type", "comment", "owner", "followup", "done"]
    extra = 0

    def save_via(self, request, obj, form):
        return services_pipeline.save_lead_activity(request.user, obj)

    def delete_via(self, request, obj):
        services_pipeline.delete_lead_activity(request.user, obj)


class LeadStatusForm(forms.Form):
    status = forms.ModelChoiceField(LeadStatus.objects.all())


class ConversionForm(forms.Form):
    opportunity_type = forms.ModelChoiceField(
        OpportunityType.objects.all(), required=False, help_text="Empty: the default type."
    )
    status = forms.ModelChoiceField(
        OpportunityStatus.objects.filter(won=False, lost=False).select_related("opportunity_type"),
        required=False,
        help_text="Empty: the type's first open status.",
    )
    estimated_end_date = forms.DateField(required=False, help_text="Empty: in 30 days.")


@admin.register(Lead)
class LeadAdmin(ServiceAdmin):
    form = LeadForm
    list_display = [
        "__str__",
        "prospect_company",
        "contact",
        "owner",
        "status",
        "source",
        "value",
        "rating",
        "created",
        "opportunity",
    ]
    list_filter = [("owner", admin.RelatedOnlyFieldListFilter), "status", "source", "created"]
    list_select_related = ["contact", "owner", "status", "source", "opportunity"]
    search_fields = ["title", "prospect_company", "prospect_last_name", "prospect_email"]
    raw_id_fields = ["contact"]
    filter_horizontal = ["tags"]
    readonly_fields = ["opportunity", "uuid", "created", "updated"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "title",
                    "description",
                    "contact",
                    "owner",
                    "status",
                    "source",
                    "value",
                    "rating",
                    "tags",
                ]
            },
        ),
        (
            "Prospect",
            {
                "fields": [
                    ("prospect_first_name", "prospect_last_name", "prospect_title"),
                    "prospect_company",
                    ("prospect_street", "prospect_postal_code", "prospect_city"),
                    ("prospect_phone", "prospect_mobile", "prospect_email"),
                    "prospect_vat_number",
                ]
            },
        ),
        ("Record", {"fields": ["opportunity", "uuid", "created", "updated"], "classes": ["collapse"]}),
    ]
    inlines = [LeadActivityInline]
    actions = ["assign_owner", "change_status", "convert_to_opportunity"]

    def service_save(self, request, obj, form, change):
        return services_pipeline.save_lead(request.user, obj)

    def save_m2m(self, request, form, change):
        if "tags" in form.cleaned_data:
            core_services.set_related(request.user, form.instance, "tags", list(form.cleaned_data["tags"]))

    def service_delete(self, request, obj):
        services_pipeline.delete_lead(request.user, obj)

    @admin.action(description="Assign an owner", permissions=["change"])
    def assign_owner(self, request, queryset):
        def run(leads, data):
            changed = services_pipeline.assign_leads(request.user, leads, data["owner"])
            return f"{changed} lead(s) now belong to {data['owner']}."

        return bulk_action(self, request, queryset, OwnerForm, run, "Assign an owner")

    @admin.action(description="Change the status", permissions=["change"])
    def change_status(self, request, queryset):
        def run(leads, data):
            return (
                f"{services_pipeline.set_lead_status(request.user, leads, data['status'])} lead(s) changed."
            )

        return bulk_action(self, request, queryset, LeadStatusForm, run, "Change the status")

    @admin.action(description="Convert to opportunity", permissions=["change"])
    def convert_to_opportunity(self, request, queryset):
        def run(leads, data):
            made = [services_pipeline.convert_lead(request.user, lead, **data) for lead in leads]
            return f"Converted to {len(made)} opportunity(ies): {', '.join(str(o) for o in made)}."

        return bulk_action(self, request, queryset, ConversionForm, run, "Convert to opportunity")


# --- Opportunities --------------------------------------------------------------------------


class OpportunityForm(ServiceCheckedForm):
    service_check = staticmethod(services_pipeline.check_opportunity)


class OpportunityStatusForm(forms.Form):
    status = forms.ModelChoiceField(OpportunityStatus.objects.select_related("opportunity_type"))


@admin.register(Opportunity)
class OpportunityAdmin(ServiceAdmin):
    form = OpportunityForm
    list_display = [
        "title",
        "account",
        "owner",
        "opportunity_type",
        "status",
        "progression_state",
        "value",
        "probability",
        "estimated_end_date",
        "closed",
    ]
    list_filter = [
        ("owner", admin.RelatedOnlyFieldListFilter),
        "status",
        "progression_state",
        "estimated_end_date",
        "opportunity_type",
        "closed",
    ]
    list_select_related = ["account", "owner", "opportunity_type", "status", "progression_state", "estimate"]
    search_fields = ["title", "description", "account__name"]
    date_hierarchy = "estimated_end_date"
    raw_id_fields = ["account", "alt_account", "contact", "order"]
    filter_horizontal = ["tags", "followers"]
    readonly_fields = ["created_by", "changed_by", "uuid", "created", "updated"]
    fieldsets = [
        (None, {"fields": ["title", "description", "account", "contact", "owner", "phone"]}),
        (
            "Pipeline",
            {
                "fields": [
                    ("opportunity_type", "status"),
                    "progression_state",
                    ("value", "estimate"),
                    ("alt_value", "alt_value_label"),
                    ("estimated_end_date", "end_date", "closed"),
                    ("win_reason", "lost_reason"),
                    "state",
                    "source",
                    "result",
                ]
            },
        ),
        ("More", {"fields": ["alt_account", "tags", "followers", "order"]}),
        (
            "Record",
            {"fields": ["created_by", "changed_by", "uuid", "created", "updated"], "classes": ["collapse"]},
        ),
    ]
    actions = ["assign_owner", "change_status"]

    @admin.display(description="probability", ordering="estimate__probability")
    def probability(self, obj):
        return f"{obj.probability} %" if obj.probability is not None else "-"

    def service_save(self, request, obj, form, change):
        return services_pipeline.save_opportunity(request.user, obj)

    def save_m2m(self, request, form, change):
        for name in ("tags", "followers"):
            if name in form.cleaned_data:
                core_services.set_related(request.user, form.instance, name, list(form.cleaned_data[name]))

    def service_delete(self, request, obj):
        services_pipeline.delete_opportunity(request.user, obj)

    @admin.action(description="Assign an owner", permissions=["change"])
    def assign_owner(self, request, queryset):
        def run(rows, data):
            changed = services_pipeline.assign_opportunities(request.user, rows, data["owner"])
            return f"{changed} opportunity(ies) now belong to {data['owner']}."

        return bulk_action(self, request, queryset, OwnerForm, run, "Assign an owner")

    @admin.action(description="Change the status", permissions=["change"])
    def change_status(self, request, queryset):
        def run(rows, data):
            changed = services_pipeline.set_opportunity_status(request.user, rows, data["status"])
            return f"{changed} opportunity(ies) changed."

        return bulk_action(self, request, queryset, OpportunityStatusForm, run, "Change the status")


# --- Challenges -----------------------------------------------------------------------------


class ParticipantInline(ReadOnlyInline):
    model = ChallengeParticipant
    fields = ["user", "is_owner", "accepted", "score", "stats"]
    readonly_fields = ["score", "stats"]

    def get_queryset(self, request):
        return selectors.participants_with_scores()

    @admin.display(description="score in this challenge")
    def score(self, obj):
        return obj.score

    @admin.display(description="the user's stats")
    def stats(self, obj):
        stats = selectors.user_stats(obj.user)
        return format_html(
            "level {} ({}), {} points; this week {}, last 7 days {}",
            stats["level"],
            stats["category"],
            stats["score"],
            stats["achievements"]["week"],
            stats["heartbeat"],
        )


@admin.register(Challenge)
class ChallengeAdmin(ModelAdmin):
    """Users issue and answer challenges (the API); here staff see them with their scores and
    decide the finished ones."""

    list_display = ["__str__", "challenge_type", "players", "start", "stop", "active", "winner"]
    list_filter = ["active", "challenge_type"]
    list_select_related = ["challenge_type", "winner"]
    readonly_fields = ["challenge_type", "start", "stop", "active", "winner", "uuid", "created", "updated"]
    fields = readonly_fields
    inlines = [ParticipantInline]
    actions = ["settle"]

    def get_queryset(self, request):
        rows = selectors.participants_with_scores().order_by("-is_owner")
        return super().get_queryset(request).prefetch_related(Prefetch("participants", queryset=rows))

    def has_add_permission(self, request):
        return False

    @admin.display(description="challenger – challenged (scores)")
    def players(self, obj):
        return " – ".join(f"{row.user} ({row.score})" for row in obj.participants.all())

    @admin.action(description="Decide the finished ones", permissions=["change"])
    def settle(self, request, queryset):
        for challenge in queryset:
            services_challenges.settle_challenge(request.user, challenge)
        self.message_user(request, "Finished challenges are decided.", messages.SUCCESS)


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


@admin.register(ServiceRequest)
class ServiceRequestAdmin(ListExportMixin, ReferenceAdmin):
    list_display = ["number", "contact", "created"]
    search_fields = ["number", "contact__name"]
    list_select_related = ["contact"]
    raw_id_fields = ["contact", "address"]
    fields = ["number", "description", "contact", "address", "uuid", "created", "updated"]


from . import admin_orders  # noqa: E402, F401  (orders, quotes and their lookups)
