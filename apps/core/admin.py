"""Admin screens of the core machinery (tags, custom fields, API keys, the change log) and the
admin plumbing the domain apps share:

- `ServiceAdminMixin`: a ModelAdmin whose saves and deletes call domain services. A rule a
  service refuses (Django's ValidationError) shows as a form error or a message, never a 500;
  bulk deletes go through the same `delete_model`, one object at a time.
- `ChangeLogHistoryMixin`: the "History" page reads the change log (`changelog.history_for`),
  so it shows what the APIs, tasks and the admin changed, with before -> after values.
"""

from collections import defaultdict

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected as django_delete_selected
from django.contrib.admin.utils import model_ngettext, unquote
from django.contrib.admin.views.main import PAGE_VAR
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Exists, OuterRef
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import capfirst

from apps.core.admin_base import ModelAdmin, TabularInline

from .api_keys import issue_api_key, revoke_api_key
from .changelog import history_for, log_create, log_delete, log_update, snapshot
from .models import ApiKey, AppliesTo, CustomField, CustomFieldCategory, Job, ObjectChange, Tag

# The back office's names (unfold's sidebar and header read UNFOLD in the settings; these are
# the page titles and the "View site" link Django's own templates and views use).
admin.site.site_header = "CRM back office"
admin.site.site_title = "CRM back office"
admin.site.index_title = "Dashboard"
admin.site.site_url = "/admin/"

# --- Shared plumbing ------------------------------------------------------------------------


def add_service_error(form, error: ValidationError) -> None:
    """Attach a service's ValidationError to a form: to the field it names when the form has
    that field, otherwise as a form-wide error."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def formset_error(error: ValidationError) -> ValidationError:
    """A service's ValidationError as a formset-wide error (formsets take plain messages)."""
    return ValidationError(error.messages)


def adopt(target, saved) -> None:
    """Make the admin's in-memory object the one a service saved (services return their own
    instance; the admin keeps using the one it built the form and inlines on)."""
    target.__dict__.update(saved.__dict__)


def fresh(obj):
    """The object as stored: forms change the instance in memory before saving, and a service
    must see the stored state to validate a change and log its before-image."""
    return type(obj)._base_manager.get(pk=obj.pk)


def changed_values(form, allowed) -> dict:
    return {name: form.cleaned_data[name] for name in form.changed_data if name in allowed}


class _DryRun(Exception):
    pass


class ServiceAdminMixin:
    """Saves and deletes through services; their rule violations become form errors/messages.

    Subclasses implement `save_model` and `delete_model` with service calls (request.user as
    the actor). Errors raised while saving roll the whole save back (the admin's transaction),
    and the form is shown again with the service's message on it.
    """

    actions = ["delete_selected"]

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as error:
            if request.method != "POST" or getattr(request, "_service_error", None) is not None:
                raise
            # The save rolled back; validate the same input again with the error on the form.
            request._service_error = error
            return super().changeform_view(request, object_id, form_url, extra_context)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change=change, **kwargs)
        error = getattr(request, "_service_error", None)
        if error is None:
            return form_class

        class WithServiceError(form_class):
            def clean(self):
                cleaned_data = super().clean()
                add_service_error(self, error)
                return cleaned_data

        WithServiceError.__name__ = form_class.__name__
        return WithServiceError

    def delete_refusal(self, request, obj) -> ValidationError | None:
        """Ask the delete service, in a rolled-back transaction, whether it would refuse."""
        try:
            with transaction.atomic():
                self.delete_model(request, obj)
                raise _DryRun
        except _DryRun:
            return None
        except ValidationError as error:
            return error

    def _refused(self, request, object_id, error):
        self.message_user(request, " ".join(error.messages), messages.ERROR)
        url = reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[object_id])
        return HttpResponseRedirect(url)

    def delete_view(self, request, object_id, extra_context=None):
        if request.method == "GET":
            obj = self.get_object(request, unquote(object_id))
            if obj is not None and self.has_delete_permission(request, obj):
                error = self.delete_refusal(request, obj)
                if error is not None:
                    return self._refused(request, object_id, error)
        try:
            return super().delete_view(request, object_id, extra_context)
        except ValidationError as error:
            return self._refused(request, object_id, error)

    def delete_queryset(self, request, queryset):
        """Delete one by one through `delete_model`; report what a rule refused."""
        deleted, refused = 0, []
        for obj in queryset:
            try:
                with transaction.atomic():
                    self.log_deletions(request, [obj])
                    self.delete_model(request, obj)
                deleted += 1
            except ValidationError as error:
                refused.append(f"{obj}: {' '.join(error.messages)}")
        return deleted, refused

    @admin.action(permissions=["delete"], description="Delete selected %(verbose_name_plural)s")
    def delete_selected(self, request, queryset):
        if not request.POST.get("post"):
            return django_delete_selected(self, request, queryset)  # the confirmation page
        deleted, refused = self.delete_queryset(request, queryset)
        if deleted:
            self.message_user(
                request,
                f"Deleted {deleted} {model_ngettext(self.opts, deleted)}.",
                messages.SUCCESS,
            )
        for message in refused:
            self.message_user(request, f"Not deleted: {message}", messages.ERROR)
        return None


def _labels(model) -> dict:
    if model is None:
        return {}
    labels = {}
    for field in model._meta.concrete_fields:
        labels[field.attname] = str(capfirst(field.verbose_name))
    for field in model._meta.many_to_many:
        labels[field.name] = str(capfirst(field.verbose_name))
    return labels


def _relations(model) -> dict:
    """{logged key: the model it refers to} for the model's foreign keys and many-to-many fields."""
    if model is None:
        return {}
    out = {f.attname: f.related_model for f in model._meta.concrete_fields if f.many_to_one}
    out.update({f.name: f.related_model for f in model._meta.many_to_many})
    return out


def related_names(entries) -> dict:
    """{(model, pk): its name} for every object the entries' values refer to: one query per
    model referred to, whatever the number of entries (a history page names its objects)."""
    wanted = defaultdict(set)
    for entry in entries:
        relations = _relations(entry.content_type.model_class())
        for values in (entry.before or {}, entry.after or {}):
            for key, value in values.items():
                target = relations.get(key)
                if target is None or value in (None, ""):
                    continue
                for pk in value if isinstance(value, list) else [value]:
                    if isinstance(pk, int):
                        wanted[target].add(pk)
    names = {}
    for model, pks in wanted.items():
        for pk, obj in model._base_manager.in_bulk(list(pks)).items():
            names[(model, pk)] = str(obj)
    return names


def _named(value, target, names) -> str:
    """A referred object as "its name (#id)" ("#id" when it is gone)."""
    if target is None or value in (None, "", []):
        return _show(value)
    values = value if isinstance(value, list) else [value]
    shown = [f"{names[(target, v)]} (#{v})" if (target, v) in names else f"#{v}" for v in values]
    return ", ".join(shown) or "—"


def _show(value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or "—"
    return str(value)


HIDDEN_FIELDS = {"id", "uuid", "content_type_id", "object_id"}


def change_rows(entry: ObjectChange, names: dict | None = None) -> list[tuple[str, str, str]]:
    """(field label, before, after) for what an entry changed; a creation lists the values it
    set and a deletion those it removed, leaving out empty ones, ids and the parent link. A
    value referring to another object is shown by its name ("Classification: Customer (#1)");
    `names` is related_names() of the page's entries (computed here for one entry if None)."""
    model = entry.content_type.model_class()
    labels = _labels(model)
    relations = _relations(model)
    if names is None:
        names = related_names([entry])
    before, after = entry.before or {}, entry.after or {}
    hidden = set(HIDDEN_FIELDS)
    if model is not None and entry.related_content_type_id is not None:
        parent = ContentType.objects.get_for_id(entry.related_content_type_id).model_class()
        hidden |= {
            f.attname
            for f in model._meta.concrete_fields
            if f.many_to_one
            and f.related_model is parent
            and entry.related_object_id in (before.get(f.attname), after.get(f.attname))
        }
    shown = after if entry.action == ObjectChange.Action.CREATE else before
    rows = []
    for name in entry.changed_fields:
        if name in hidden:
            continue
        if entry.action != ObjectChange.Action.UPDATE and shown.get(name) in (None, "", [], False):
            continue
        target = relations.get(name)
        rows.append(
            (
                labels.get(name, name),
                _named(before.get(name), target, names),
                _named(after.get(name), target, names),
            )
        )
    return rows


def render_changes(entry: ObjectChange, names: dict | None = None):
    rows = change_rows(entry, names)
    if not rows:
        return "—"
    if entry.action == ObjectChange.Action.CREATE:
        return format_html_join(mark_safe("<br>"), "{}: {}", ((label, new) for label, _old, new in rows))
    if entry.action == ObjectChange.Action.DELETE:
        return format_html_join(mark_safe("<br>"), "{}: {}", ((label, old) for label, old, _new in rows))
    return format_html_join(mark_safe("<br>"), "{}: {} → {}", rows)


class ChangeLogHistoryMixin:
    """A history page fed by the change log: the object's own changes and its child rows'."""

    history_per_page = 100

    def history_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        paginator = self.get_paginator(request, history_for(obj), self.history_per_page)
        page = paginator.get_page(request.GET.get(PAGE_VAR, 1))
        own_type = ContentType.objects.get_for_model(obj, for_concrete_model=True).pk
        names = related_names(list(page))
        entries = [
            {
                "entry": entry,
                "kind": capfirst(entry.content_type.name),
                "own": entry.content_type_id == own_type and entry.object_id == obj.pk,
                "changes": render_changes(entry, names),
            }
            for entry in page
        ]
        context = {
            **self.admin_site.each_context(request),
            "title": f"Change history: {obj}",
            "subtitle": None,
            "entries": entries,
            "page_obj": page,
            "page_range": paginator.get_elided_page_range(page.number),
            "page_var": PAGE_VAR,
            "pagination_required": paginator.num_pages > 1,
            "module_name": str(capfirst(self.opts.verbose_name_plural)),
            "object": obj,
            "opts": self.opts,
            "preserved_filters": self.get_preserved_filters(request),
            **(extra_context or {}),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/change_log_history.html", context)


class ChangeLoggedAdmin(ChangeLogHistoryMixin, ModelAdmin):
    """For core models without a domain service: saves and deletes write the change log."""

    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            before = snapshot(fresh(obj)) if change else None
            obj.save()
            if change:
                log_update(request.user, obj, before)
            else:
                log_create(request.user, obj)

    def delete_model(self, request, obj):
        with transaction.atomic():
            log_delete(request.user, obj)
            obj.delete()

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)


# --- Tags -----------------------------------------------------------------------------------


@admin.register(Tag)
class TagAdmin(ChangeLoggedAdmin):
    list_display = ["name", "swatch", "description", "party_count", "updated"]
    search_fields = ["name", "description"]
    fields = ["name", "colour", "description"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(party_count=Count("parties"))

    @admin.display(description="Colour")
    def swatch(self, obj):
        if not obj.colour:
            return "—"
        return format_html(
            '<span style="display:inline-block;width:1em;height:1em;vertical-align:middle;'
            'border:1px solid #999;background:{}"></span> {}',
            obj.colour,
            obj.colour,
        )

    @admin.display(description="Parties", ordering="party_count")
    def party_count(self, obj):
        return obj.party_count


# --- Custom fields --------------------------------------------------------------------------


class CustomFieldInline(TabularInline):
    model = CustomField
    fields = ["key", "name", "field_type", "applies_to", "required", "order"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(CustomFieldCategory)
class CustomFieldCategoryAdmin(ChangeLoggedAdmin):
    list_display = ["name", "applies_to", "order", "field_names"]
    list_filter = ["applies_to"]
    search_fields = ["name"]
    fields = ["name", "applies_to", "order"]
    inlines = [CustomFieldInline]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("fields")

    @admin.display(description="Fields")
    def field_names(self, obj):
        return ", ".join(field.name for field in obj.fields.all()) or "—"


CHOICE_TYPES = {CustomField.FieldType.CHOICE, CustomField.FieldType.MULTIPLE_CHOICE}


class CustomFieldForm(forms.ModelForm):
    choices_text = forms.CharField(
        label="Choices",
        required=False,
        widget=forms.Textarea(attrs={"rows": 6, "cols": 40}),
        help_text="Choice fields only: one allowed value per line.",
    )

    class Meta:
        model = CustomField
        fields = ["key", "name", "category", "applies_to", "field_type", "required", "order", "help_text"]
        fields += ["visible", "in_overview", "read_only", "size"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["choices_text"].initial = "\n".join(self.instance.choices or [])

    def clean(self):
        cleaned_data = super().clean()
        field_type = cleaned_data.get("field_type", self.instance.field_type)
        choices = list(
            dict.fromkeys(line.strip() for line in cleaned_data.get("choices_text", "").splitlines())
        )
        choices = [choice for choice in choices if choice]
        if field_type in CHOICE_TYPES and not choices:
            self.add_error("choices_text", "A choice field needs at least one choice.")
        if field_type not in CHOICE_TYPES and choices:
            self.add_error("choices_text", "Only choice fields have choices.")
        cleaned_data["choices"] = choices if field_type in CHOICE_TYPES else []

        category, applies_to = cleaned_data.get("category"), cleaned_data.get("applies_to")
        if category and applies_to and category.applies_to not in (applies_to, AppliesTo.PARTY):
            self.add_error("category", "This category holds fields for other objects.")

        if self.instance.pk:
            values = self.instance.values.all()
            if field_type != self.instance.field_type and values.exists():
                self.add_error(
                    "field_type", "This field has values; its type cannot change (remove them first)."
                )
            elif field_type in CHOICE_TYPES:
                removed = set(self.instance.choices or []) - set(choices)
                in_use = sorted(removed & _choices_in_use(self.instance, removed))
                if in_use:
                    self.add_error("choices_text", f"Still in use, cannot be removed: {', '.join(in_use)}.")
        return cleaned_data

    def save(self, commit=True):
        self.instance.choices = self.cleaned_data["choices"]
        return super().save(commit)


def _choices_in_use(field: CustomField, candidates: set[str]) -> set[str]:
    if not candidates:
        return set()
    if field.field_type == CustomField.FieldType.CHOICE:
        return set(
            field.values.filter(text_value__in=candidates).values_list("text_value", flat=True).distinct()
        )
    used = set()
    for values in field.values.exclude(list_value=None).values_list("list_value", flat=True).iterator():
        used.update(v for v in values or [] if v in candidates)
    return used


@admin.register(CustomField)
class CustomFieldAdmin(ChangeLoggedAdmin):
    form = CustomFieldForm
    list_display = ["name", "key", "field_type", "applies_to", "category", "required", "order", "choice_list"]
    list_filter = ["applies_to", "field_type", "category", "required"]
    list_select_related = ["category"]
    search_fields = ["name", "key"]
    fieldsets = [
        (None, {"fields": ["key", "name", "category", "applies_to", "order", "help_text"]}),
        ("Type", {"fields": ["field_type", "required", "choices_text"]}),
        ("Display", {"fields": ["visible", "in_overview", "read_only", "size"], "classes": ["collapse"]}),
    ]

    def get_readonly_fields(self, request, obj=None):
        # The key is a stable machine name (segment rules say `cf.<key>`, CRM.COM udf names).
        return ["key"] if obj is not None else []

    @admin.display(description="Choices")
    def choice_list(self, obj):
        return ", ".join(obj.choices or []) or "—"


# --- API keys -------------------------------------------------------------------------------


class ApiKeyAddForm(forms.ModelForm):
    class Meta:
        model = ApiKey
        fields = ["name", "user", "expires"]


class UsableFilter(admin.SimpleListFilter):
    title = "status"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [("revoked", "Revoked"), ("active", "Not revoked")]

    def queryset(self, request, queryset):
        if self.value() == "revoked":
            return queryset.filter(revoked__isnull=False)
        if self.value() == "active":
            return queryset.filter(revoked__isnull=True)
        return queryset


@admin.register(ApiKey)
class ApiKeyAdmin(ModelAdmin):
    """Keys are issued by `issue_api_key`; the raw key is shown once, in the message after
    saving, and never stored (only its hash is)."""

    list_display = ["name", "user", "prefix", "created", "last_used", "expires", "revoked", "usable"]
    list_filter = [UsableFilter, "expires", "created"]
    list_select_related = ["user"]
    search_fields = ["name", "prefix", "user__username"]
    autocomplete_fields = ["user"]
    actions = ["revoke"]
    fields = ["name", "user", "prefix", "created", "last_used", "expires", "revoked"]

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = ApiKeyAddForm
        return super().get_form(request, obj, **kwargs)

    def get_fields(self, request, obj=None):
        return ApiKeyAddForm.Meta.fields if obj is None else self.fields

    def get_readonly_fields(self, request, obj=None):
        return ["user", "prefix", "created", "last_used"] if obj is not None else []

    def save_model(self, request, obj, form, change):
        if change:
            obj.save()
            return
        key, raw = issue_api_key(form.cleaned_data["user"], form.cleaned_data["name"], obj.expires)
        adopt(obj, key)
        self.message_user(
            request,
            format_html(
                "The new API key is <code>{}</code> — copy it now: it is not stored and will not be "
                "shown again.",
                raw,
            ),
            messages.SUCCESS,
        )

    @admin.display(boolean=True, description="Usable")
    def usable(self, obj):
        return obj.is_usable

    @admin.action(permissions=["change"], description="Revoke selected API keys")
    def revoke(self, request, queryset):
        count = 0
        for key in queryset.filter(revoked__isnull=True):
            revoke_api_key(key)
            count += 1
        self.message_user(request, f"Revoked {count} API key{'s' if count != 1 else ''}.", messages.SUCCESS)


# --- Change log -----------------------------------------------------------------------------


@admin.register(Job)
class JobAdmin(ModelAdmin):
    """Background jobs, read-only (apps.core.jobs): what is queued, running, done or failed, and why."""

    list_display = ["created", "task", "args", "state", "attempts", "published", "finished"]
    list_filter = ["state", "task", ("created", admin.DateFieldListFilter)]
    search_fields = ["=uuid", "task"]
    show_full_result_count = False
    fields = [
        "uuid",
        "task",
        "args",
        "state",
        "attempts",
        "created",
        "published",
        "started",
        "heartbeat",
        "finished",
        "result",
        "error",
    ]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class UsedContentTypeFilter(admin.RelatedFieldListFilter):
    """The content types the listed model has rows for (not every model of the project): one
    index probe per content type."""

    def field_choices(self, field, request, model_admin):
        rows = model_admin.model._base_manager.filter(content_type=OuterRef("pk"))
        used = ContentType.objects.filter(Exists(rows)).order_by("app_label", "model")
        return [(ct.pk, capfirst(ct.name)) for ct in used]


@admin.register(ObjectChange)
class ObjectChangeAdmin(ModelAdmin):
    """The change log, read-only: services write it, nobody edits it."""

    list_display = ["time", "user_name", "action", "content_type", "object_link", "parent", "fields_changed"]
    list_filter = [
        "action",
        ("content_type", UsedContentTypeFilter),
        "user",
        ("time", admin.DateFieldListFilter),
    ]
    list_select_related = ["content_type", "related_content_type"]
    search_fields = ["object_repr", "user_name"]
    show_full_result_count = False
    fields = [
        "time",
        "user",
        "user_name",
        "action",
        "content_type",
        "object_id",
        "object_repr",
        "related_content_type",
        "related_object_id",
        "changes",
    ]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="Object", ordering="object_repr")
    def object_link(self, obj):
        url = (
            _admin_url(obj.content_type, obj.object_id) if obj.action != ObjectChange.Action.DELETE else None
        )
        return format_html('<a href="{}">{}</a>', url, obj.object_repr) if url else obj.object_repr

    @admin.display(description="Parent")
    def parent(self, obj):
        if obj.related_content_type_id is None:
            return "—"
        label = f"{capfirst(obj.related_content_type.name)} #{obj.related_object_id}"
        url = _admin_url(obj.related_content_type, obj.related_object_id)
        return format_html('<a href="{}">{}</a>', url, label) if url else label

    @admin.display(description="Changed fields")
    def fields_changed(self, obj):
        if obj.action != ObjectChange.Action.UPDATE:
            return "—"
        return ", ".join(name for name in obj.changed_fields) or "—"

    @admin.display(description="Changes")
    def changes(self, obj):
        return render_changes(obj)


def _admin_url(content_type, object_id):
    """The admin change page of a logged object, if the admin has one (the log names concrete
    models: a party's page redirects to its person or organisation screen)."""
    model = content_type.model_class()
    if model is None or model not in admin.site._registry:
        return None
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[object_id])


from . import admin_staff  # noqa: E402,F401  (staff users, departments, roles, KPIs, settings...)
