"""Admin screens for financial accounts (with their ledger, read-only), classifications, payment
terms and the ledger. Every write goes through apps.accounts.services: opening and editing an
account, and the account actions (activate, suspend, terminate with a balance transfer, post an
entry, record the overdue amount), which have their own pages. Accounts are never deleted."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html_join

from apps.core.admin import ChangeLogHistoryMixin, ServiceAdminMixin, add_service_error, adopt, fresh
from apps.core.admin_base import ListExportMixin, ModelAdmin, TabularInline

from . import services
from .models import Account, Classification, LedgerEntry, PaymentTerm

State = Account.State


class LedgerEntryInline(TabularInline):
    """The account's ledger, newest first; entries are written by the services only."""

    model = LedgerEntry
    fk_name = "account"
    fields = ["created", "kind", "amount", "balance_after", "description", "counter_account", "user_name"]
    readonly_fields = fields
    ordering = ["-created", "-id"]
    extra = 0
    can_delete = False
    verbose_name_plural = "ledger"

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("counter_account")


class AccountAddForm(forms.ModelForm):
    make_primary = forms.BooleanField(
        required=False, help_text="Make it the contact's primary account (its first account always is)."
    )

    class Meta:
        model = Account
        fields = [
            "party",
            "currency",
            "name",
            "classification",
            "billing_address",
            "credit_limit",
            "payment_terms",
        ]
        help_texts = {"name": "Empty: '<number> <contact name>'."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].required = False
        self.fields["classification"].initial = services.default_classification()


class AccountChangeForm(forms.ModelForm):
    make_primary = forms.BooleanField(required=False, help_text="Make it the contact's primary account.")

    class Meta:
        model = Account
        fields = ["name", "classification", "billing_address", "credit_limit", "payment_terms"]


EDITABLE = ["name", "classification", "billing_address", "credit_limit", "payment_terms"]


@admin.register(Account)
class AccountAdmin(ListExportMixin, ServiceAdminMixin, ChangeLogHistoryMixin, ModelAdmin):
    list_display = ["number", "name", "party", "currency", "state", "balance", "overdue_amount", "is_primary"]
    list_filter = ["state", "currency", "is_primary", "classification"]
    search_fields = ["number", "name", "party__name"]
    list_select_related = ["party", "classification"]
    raw_id_fields = ["party", "billing_address"]
    readonly_fields = [
        "number",
        "party",
        "currency",
        "state",
        "is_primary",
        "balance",
        "overdue_amount",
        "terminated_at",
        "actions_links",
        "uuid",
        "created",
        "updated",
    ]
    inlines = [LedgerEntryInline]
    actions = ["activate", "suspend"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["form"] = AccountChangeForm if obj is not None else AccountAddForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return [(None, {"fields": ["party", "currency", "name", "make_primary", *EDITABLE[1:]]})]
        return [
            (None, {"fields": ["number", "party", "currency", "name", "make_primary", "is_primary"]}),
            (
                "State and money",
                {"fields": ["state", "actions_links", "balance", "overdue_amount", "terminated_at"]},
            ),
            ("Terms", {"fields": EDITABLE[1:]}),
            ("Record", {"fields": ["uuid", "created", "updated"], "classes": ["collapse"]}),
        ]

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.readonly_fields

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None else []

    def has_delete_permission(self, request, obj=None):
        return False  # money records are terminated, not deleted

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if not change:
            saved = services.create_account(
                request.user,
                data["party"],
                currency=data["currency"],
                is_primary=data.get("make_primary"),
                name=data.get("name"),
                classification=data.get("classification"),
                billing_address=data.get("billing_address"),
                credit_limit=data.get("credit_limit"),
                payment_terms=data.get("payment_terms"),
            )
        else:
            changed = {name: data[name] for name in form.changed_data if name in EDITABLE}
            saved = services.update_account(
                request.user, fresh(obj), is_primary=data.get("make_primary") or None, **changed
            )
        adopt(obj, saved)

    def save_related(self, request, form, formsets, change):
        """The ledger inline is read-only: nothing to save."""
        for formset in formsets:
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []

    @admin.display(description="Account actions")
    def actions_links(self, obj):
        if obj.pk is None:
            return "-"
        if obj.state == State.TERMINATED:
            return "Terminated: no more actions."
        links = [
            ("Change state (activate, suspend, terminate)", "state"),
            ("Post an entry", "post"),
            ("Overdue amount", "overdue"),
        ]
        return format_html_join(
            " · ",
            '<a href="{}">{}</a>',
            ((reverse(f"admin:accounts_account_{name}", args=[obj.pk]), label) for label, name in links),
        )

    # --- Account actions -----------------------------------------------------------------------

    def get_urls(self):
        own = [
            path(
                "<path:object_id>/state/",
                self.admin_site.admin_view(self.state_view),
                name="accounts_account_state",
            ),
            path(
                "<path:object_id>/post/",
                self.admin_site.admin_view(self.post_view),
                name="accounts_account_post",
            ),
            path(
                "<path:object_id>/overdue/",
                self.admin_site.admin_view(self.overdue_view),
                name="accounts_account_overdue",
            ),
        ]
        return own + super().get_urls()

    def _action_view(self, request, object_id, form_class, run, title):
        account = get_object_or_404(Account.objects.select_related("party"), pk=unquote(object_id))
        if not self.has_change_permission(request, account):
            raise PermissionDenied
        form = form_class(account, request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                with transaction.atomic():
                    message = run(account, form.cleaned_data)
            except ValidationError as error:
                add_service_error(form, error)
            else:
                self.message_user(request, message, messages.SUCCESS)
                return HttpResponseRedirect(reverse("admin:accounts_account_change", args=[account.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": f"{title}: {account}",
            "subtitle": None,
            "form": form,
            "object": account,
            "opts": self.opts,
            "has_view_permission": True,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/accounts/account/action.html", context)

    def state_view(self, request, object_id):
        def run(account, data):
            services.change_state(request.user, account, data["state"], transfer_to=data.get("transfer_to"))
            return f"{account} is {account.get_state_display().lower()}."

        return self._action_view(request, object_id, StateForm, run, "Change state")

    def post_view(self, request, object_id):
        def run(account, data):
            entry = services.post_entry(
                request.user,
                account,
                kind=data["kind"],
                amount=data["amount"],
                description=data["description"],
            )
            kind = entry.get_kind_display().lower()
            return f"Posted {kind} of {abs(entry.amount)}; balance {entry.balance_after}."

        return self._action_view(request, object_id, EntryForm, run, "Post an entry")

    def overdue_view(self, request, object_id):
        def run(account, data):
            services.set_overdue_amount(request.user, account, data["overdue_amount"])
            return f"Overdue amount of {account}: {account.overdue_amount}."

        return self._action_view(request, object_id, OverdueForm, run, "Overdue amount")

    def _bulk_state(self, request, queryset, state):
        done, refused = 0, []
        for account in queryset:
            try:
                services.change_state(request.user, account, state)
                done += 1
            except ValidationError as error:
                refused.append(f"{account}: {' '.join(error.messages)}")
        if done:
            self.message_user(request, f"{done} account(s) {state}.", messages.SUCCESS)
        for message in refused:
            self.message_user(request, message, messages.ERROR)

    @admin.action(permissions=["change"], description="Activate selected accounts")
    def activate(self, request, queryset):
        self._bulk_state(request, queryset, State.ACTIVE)

    @admin.action(permissions=["change"], description="Suspend selected accounts")
    def suspend(self, request, queryset):
        self._bulk_state(request, queryset, State.SUSPENDED)


class AccountActionForm(forms.Form):
    def __init__(self, account, *args, **kwargs):
        self.account = account
        super().__init__(*args, **kwargs)


class StateForm(AccountActionForm):
    state = forms.ChoiceField(choices=State.choices)
    transfer_to = forms.ModelChoiceField(
        queryset=Account.objects.none(),
        required=False,
        label="Balance goes to",
        help_text="Termination only: an account in the same currency receives the balance. "
        "Empty: the balance is written off (lost). Termination is final.",
    )

    def __init__(self, account, *args, **kwargs):
        super().__init__(account, *args, **kwargs)
        self.fields["state"].initial = account.state
        self.fields["transfer_to"].queryset = (
            Account.objects.filter(currency=account.currency)
            .exclude(pk=account.pk)
            .exclude(state=State.TERMINATED)
            .select_related("party")
            .order_by("number")
        )


class EntryForm(AccountActionForm):
    kind = forms.ChoiceField(
        choices=[(kind, label) for kind, label in LedgerEntry.Kind.choices if kind in services.POSTABLE],
        help_text="Invoices and refunds raise the balance, payments and credit notes lower it; "
        "an adjustment takes a signed amount.",
    )
    amount = forms.DecimalField(max_digits=18, decimal_places=2)
    description = forms.CharField(max_length=255, required=False)


class OverdueForm(AccountActionForm):
    overdue_amount = forms.DecimalField(max_digits=18, decimal_places=2, min_value=0)

    def __init__(self, account, *args, **kwargs):
        super().__init__(account, *args, **kwargs)
        self.fields["overdue_amount"].initial = account.overdue_amount


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ModelAdmin):
    """Every entry of every account, read-only."""

    list_display = ["created", "account", "kind", "amount", "balance_after", "description", "user_name"]
    list_filter = ["kind", "account__currency"]
    search_fields = ["account__number", "account__name", "description"]
    list_select_related = ["account"]
    date_hierarchy = "created"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class LookupForm(forms.ModelForm):
    def _get_validation_exclusions(self):
        """The service keeps one default (it un-marks the previous one): leave that constraint to it."""
        return {*super()._get_validation_exclusions(), "is_default"}


class LookupAdmin(ServiceAdminMixin, ChangeLogHistoryMixin, ModelAdmin):
    form = LookupForm

    def save_model(self, request, obj, form, change):
        adopt(obj, services.save_lookup(request.user, obj))

    def delete_model(self, request, obj):
        services.delete_lookup(request.user, obj)


@admin.register(Classification)
class ClassificationAdmin(LookupAdmin):
    list_display = ["name", "description", "is_default"]
    search_fields = ["name"]
    fields = ["name", "description", "is_default"]


@admin.register(PaymentTerm)
class PaymentTermAdmin(LookupAdmin):
    list_display = ["name", "days", "is_default", "external_key"]
    search_fields = ["name", "external_key"]
    fields = ["name", "days", "is_default", "external_key"]
