"""Admin screens for persons, organisations and everything attached to them.

Every save and delete goes through apps.parties.services (custom field values through
apps.core.services) with the signed-in user as the actor, so the domain rules hold and the
change log records admin edits; the History page of each screen reads that change log. Rules a
form can check before saving (end before start, addresses of a type, the default address) are
checked in form/formset validation by the services' own check functions; anything a service
still refuses shows on the form (ServiceAdminMixin), never as a 500.
"""

import json
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.admin.views.main import ORDER_VAR, PAGE_VAR, ChangeList
from django.contrib.admin.widgets import AdminDateWidget
from django.contrib.contenttypes.admin import BaseGenericInlineFormSet
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Prefetch, Q, Value, When
from django.forms.models import BaseInlineFormSet
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django_countries import countries

from apps.core import services as core_services
from apps.core.admin import (
    ChangeLogHistoryMixin,
    ServiceAdminMixin,
    adopt,
    changed_values,
    formset_error,
    fresh,
)
from apps.core.admin_base import (
    GenericTabularInline,
    ListExportMixin,
    ModelAdmin,
    StackedInline,
    TabularInline,
)
from apps.core.models import AppliesTo, CustomField, CustomFieldValue, Tag
from apps.parties import addresses, search, services, services_profile
from apps.parties.admin.bulk import BULK_ACTIONS
from apps.parties.admin.timeline import TimelineTab, log_activity_view
from apps.parties.models import (
    Address,
    AddressType,
    Combination,
    CompanyPosition,
    Education,
    EmailAddress,
    Function,
    Group,
    Membership,
    MessengerAccount,
    Organisation,
    Party,
    PartyRelation,
    Person,
    Phone,
    Segment,
)
from apps.parties.rules import PARTY_RULES
from apps.parties.selectors import has_membership, segment_members, with_contact_details

# --- Helpers --------------------------------------------------------------------------------


def group_tree() -> list[tuple[Group, int]]:
    """Every group with its depth, in tree order (children under their parent, by name)."""
    groups = list(Group.objects.only("id", "name", "parent_id").order_by("name", "id"))
    children = defaultdict(list)
    for group in groups:
        children[group.parent_id].append(group)
    ordered, seen = [], set()
    stack = [(group, 0) for group in reversed(children[None])]
    while stack:
        group, depth = stack.pop()
        if group.pk in seen:
            continue
        seen.add(group.pk)
        ordered.append((group, depth))
        stack.extend((child, depth + 1) for child in reversed(children[group.pk]))
    ordered.extend((group, 0) for group in groups if group.pk not in seen)  # unreachable: none
    return ordered


TREE_ORDER_LIMIT = 5000


def tree_ordered(queryset, tree=None):
    """The groups annotated with their tree position and depth, in tree order."""
    tree = group_tree() if tree is None else tree
    if not tree or len(tree) > TREE_ORDER_LIMIT:
        return queryset.annotate(tree_position=Value(0), tree_depth=Value(0)).order_by("name", "id")
    position = Case(
        *[When(pk=group.pk, then=Value(i)) for i, (group, _depth) in enumerate(tree)],
        default=Value(len(tree)),
        output_field=IntegerField(),
    )
    depth = Case(
        *[When(pk=group.pk, then=Value(d)) for group, d in tree if d],
        default=Value(0),
        output_field=IntegerField(),
    )
    return queryset.annotate(tree_position=position, tree_depth=depth).order_by("tree_position")


def indented(name: str, depth: int) -> str:
    return f"{'— ' * depth}{name}"


def descendant_ids(group: Group) -> set[int]:
    children = defaultdict(list)
    for pk, parent_id in Group.objects.values_list("id", "parent_id"):
        children[parent_id].append(pk)
    found, stack = set(), [group.pk]
    while stack:
        for child in children[stack.pop()]:
            if child not in found:
                found.add(child)
                stack.append(child)
    return found


KIND_OF_MODEL = {Person: Party.Kind.PERSON, Organisation: Party.Kind.ORGANISATION}


def party_change_url(party: Party) -> str:
    name = "person" if party.kind == Party.Kind.PERSON else "organisation"
    return reverse(f"admin:parties_{name}_change", args=[party.pk])


def membership_status(membership: Membership, today) -> str:
    if membership.start_date > today:
        return "future"
    if membership.end_date is not None and membership.end_date < today:
        return "past"
    return "current"


def raise_as_form_error(check, *args):
    """Run a service check in a formset's clean, turning its error into a formset error."""
    try:
        check(*args)
    except ValidationError as error:
        raise formset_error(error) from None


# --- Changelist filters ---------------------------------------------------------------------


class _IdFilter(admin.SimpleListFilter):
    def value_id(self):
        try:
            return int(self.value())
        except (TypeError, ValueError):
            return None


def subtrees() -> dict[int, set[int]]:
    """{group id: the ids of the group and of every group under it}, from one query."""
    tree = group_tree()
    out = {}
    for index, (group, depth) in enumerate(tree):
        ids = {group.pk}
        for below, below_depth in tree[index + 1 :]:
            if below_depth <= depth:
                break
            ids.add(below.pk)
        out[group.pk] = ids
    return out


def group_member_counts() -> dict[int, tuple[int, int]]:
    """{group id: (persons and organisations who are members today directly, ... of the group
    or any group under it)}: one aggregate query over today's memberships for every group."""
    trees = subtrees()
    if not trees:
        return {}
    active = Membership.objects.active_on(timezone.localdate())
    aggregates = {}
    for pk, ids in trees.items():
        aggregates[f"d{pk}"] = Count("party", distinct=True, filter=Q(combination__group_id=pk))
        aggregates[f"t{pk}"] = Count("party", distinct=True, filter=Q(combination__group_id__in=ids))
    totals = active.aggregate(**aggregates)
    return {pk: (totals[f"d{pk}"], totals[f"t{pk}"]) for pk in trees}


class GroupFilter(_IdFilter):
    """Parties with an active membership today in (a combination of) the group or of any group
    under it (the tree's meaning: the board's members include its committees')."""

    title = "group, including subgroups (member today)"
    parameter_name = "group"

    def lookups(self, request, model_admin):
        return [(group.pk, indented(group.name, depth)) for group, depth in group_tree()]

    def queryset(self, request, queryset):
        pk = self.value_id()
        if pk is None:
            return queryset
        ids = subtrees().get(pk, {pk})
        memberships = Membership.objects.active_on(timezone.localdate()).filter(
            party=OuterRef("pk"), combination__group_id__in=ids
        )
        return queryset.filter(Exists(memberships))


class FunctionFilter(_IdFilter):
    title = "function (held today)"
    parameter_name = "function"

    def lookups(self, request, model_admin):
        return list(Function.objects.values_list("pk", "name"))

    def queryset(self, request, queryset):
        pk = self.value_id()
        if pk is None:
            return queryset
        return queryset.filter(has_membership(function=pk))


class SegmentFilter(_IdFilter):
    title = "segment"
    parameter_name = "segment"

    def lookups(self, request, model_admin):
        return list(Segment.objects.filter(applies_to=model_admin.kind).values_list("pk", "name"))

    def queryset(self, request, queryset):
        pk = self.value_id()
        if pk is None:
            return queryset
        segment = Segment.objects.filter(pk=pk).first()
        if segment is None:
            return queryset.none()
        try:
            return queryset.filter(pk__in=segment_members(segment).values("pk"))
        except ValidationError as error:
            messages.error(request, f"Segment “{segment}” has an invalid rule: {' '.join(error.messages)}")
            return queryset.none()


class TagFilter(_IdFilter):
    title = "tag"
    parameter_name = "tag"

    def lookups(self, request, model_admin):
        return list(Tag.objects.values_list("pk", "name"))

    def queryset(self, request, queryset):
        pk = self.value_id()
        if pk is None:
            return queryset
        return queryset.filter(Exists(Party.tags.through.objects.filter(party=OuterRef("pk"), tag_id=pk)))


class CustomFieldValueFilter(admin.SimpleListFilter):
    """`<field id>:<value>`: a choice, yes/no, or `*` for "has a value"."""

    title = "custom field"
    parameter_name = "cf"
    ANY = "*"

    def lookups(self, request, model_admin):
        options = []
        fields = CustomField.objects.filter(applies_to__in=[model_admin.kind, AppliesTo.PARTY])
        for field in fields:
            kind = field.field_type
            if kind in (CustomField.FieldType.CHOICE, CustomField.FieldType.MULTIPLE_CHOICE):
                options += [(f"{field.pk}:{choice}", f"{field.name}: {choice}") for choice in field.choices]
            elif kind == CustomField.FieldType.BOOLEAN:
                options += [
                    (f"{field.pk}:true", f"{field.name}: yes"),
                    (f"{field.pk}:false", f"{field.name}: no"),
                ]
            options.append((f"{field.pk}:{self.ANY}", f"{field.name}: has a value"))
        return options

    def queryset(self, request, queryset):
        field_id, sep, value = (self.value() or "").partition(":")
        if not sep or not field_id.isdigit():
            return queryset
        field = CustomField.objects.filter(pk=int(field_id)).first()
        if field is None:
            return queryset.none()
        rows = CustomFieldValue.objects.filter(
            field=field, content_type=ContentType.objects.get_for_model(Party), object_id=OuterRef("pk")
        )
        column = field.value_column
        if value == self.ANY:
            rows = rows.filter(**{f"{column}__isnull": False})
        elif field.field_type == CustomField.FieldType.BOOLEAN:
            rows = rows.filter(boolean_value=(value == "true"))
        elif field.field_type == CustomField.FieldType.MULTIPLE_CHOICE:
            if connection.features.supports_json_field_contains:
                rows = rows.filter(list_value__contains=[value])
            else:  # SQLite: match the quoted item in the stored JSON text
                rows = rows.filter(list_value__icontains=f'"{value}"')
        else:
            rows = rows.filter(**{column: value})
        return queryset.filter(Exists(rows))


class MembershipStatusFilter(admin.SimpleListFilter):
    title = "status today"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [("current", "Current"), ("past", "Past"), ("future", "Future")]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() == "current":
            return queryset.filter(pk__in=Membership.objects.active_on(today).values("pk"))
        if self.value() == "past":
            return queryset.filter(end_date__lt=today)
        if self.value() == "future":
            return queryset.filter(start_date__gt=today)
        return queryset


# --- Inline rows: forms and the services that save them -------------------------------------


@dataclass(frozen=True)
class RowService:
    """How one kind of child row is added, changed and deleted through the services."""

    fields: frozenset[str]
    add: Any  # (actor, party, data: dict, merge_default: bool) -> row
    update: Any  # (actor, row, data: dict) -> row, or None when the change removed it
    delete: Any  # (actor, row) -> None


def _add_address(actor, party, data, merge_default):
    address_type = data.pop("address_type")
    if merge_default and address_type.is_default:
        # On the add page the correspondence row fills the default address the service made.
        default = party.addresses.get(is_default=True)
        return services.update_address(actor, default, **data)
    return services.add_address(actor, party, address_type=address_type, **data)


def _update_custom_value(actor, row, data):
    if "value" not in data:
        return row
    if data["value"] is None:
        core_services.delete_custom_field_value(actor, row)
        return None
    return core_services.update_custom_field_value(actor, row, data["value"])


EMAIL_FIELDS = frozenset({"email", "description", "context", "is_primary", "is_active"})
PHONE_FIELDS = frozenset(
    {"number", "kind", "context", "description", "area_code", "country", "is_primary", "is_active"}
)
EDUCATION_FIELDS = frozenset({"school", "degree", "start_date", "end_date", "description"})
MEMBERSHIP_FIELDS = frozenset({"combination", "start_date", "end_date"})

ROW_SERVICES = {
    Address: RowService(
        frozenset(services.ADDRESS_FIELDS | {"address_type"}),
        _add_address,
        lambda actor, row, data: services.update_address(actor, row, **data),
        services.delete_address,
    ),
    EmailAddress: RowService(
        EMAIL_FIELDS,
        lambda actor, party, data, _m: services.add_email_address(actor, party, **data),
        lambda actor, row, data: services.update_email_address(actor, row, **data),
        services.delete_email_address,
    ),
    Phone: RowService(
        PHONE_FIELDS,
        lambda actor, party, data, _m: services.add_phone(actor, party, **data),
        lambda actor, row, data: services.update_phone(actor, row, **data),
        services.delete_phone,
    ),
    Education: RowService(
        EDUCATION_FIELDS,
        lambda actor, party, data, _m: services.add_education(actor, party, **data),
        lambda actor, row, data: services.update_education(actor, row, **data),
        services.delete_education,
    ),
    CompanyPosition: RowService(
        frozenset(services.POSITION_FIELDS),
        lambda actor, party, data, _m: services.add_company_position(actor, party, **data),
        lambda actor, row, data: services.update_company_position(actor, row, **data),
        services.delete_company_position,
    ),
    Membership: RowService(
        MEMBERSHIP_FIELDS,
        lambda actor, party, data, _m: services.add_membership(actor, party, **data),
        lambda actor, row, data: services.update_membership(actor, row, **data),
        services.delete_membership,
    ),
    MessengerAccount: RowService(
        frozenset({"service", "handle"}),
        lambda actor, party, data, _m: services_profile.add_messenger_account(actor, party, **data),
        None,  # no update: an account is replaced (deleted and added)
        services_profile.delete_messenger_account,
    ),
    PartyRelation: RowService(
        frozenset(services_profile.RELATION_FIELDS),
        lambda actor, party, data, _m: services_profile.add_relation(actor, party, **data),
        lambda actor, row, data: services_profile.update_relation(actor, row, **data),
        services_profile.delete_relation,
    ),
    CustomFieldValue: RowService(
        frozenset({"field", "value"}),
        lambda actor, party, data, _m: core_services.create_custom_field_value(
            actor, party, data["field"], data["value"]
        ),
        _update_custom_value,
        core_services.delete_custom_field_value,
    ),
}


class DatesForm(forms.ModelForm):
    """A row with start and end dates: the services' date rule, checked before saving."""

    def clean(self):
        cleaned_data = super().clean()
        try:
            services.check_dates(cleaned_data.get("start_date"), cleaned_data.get("end_date"))
        except ValidationError as error:
            self.add_error("end_date", error.messages)
        return cleaned_data


class AddressForm(forms.ModelForm):
    # Countries by name (django-countries); a new address starts with the install's default.
    country = forms.ChoiceField(choices=[("", "---------"), *countries], required=False)

    class Meta:
        model = Address
        fields = sorted(services.ADDRESS_FIELDS | {"address_type"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            self.fields["country"].initial = addresses.default_country()
        if self.instance.pk and self.instance.is_default:
            # The default address keeps the default type (update_address refuses a change).
            self.fields["address_type"].disabled = True


class AddressFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        counts = Counter()
        for form in self.forms:
            if self._should_delete_form(form):
                if form.instance.pk:
                    raise_as_form_error(services.check_address_deletable, form.instance)
                continue
            if form.instance.pk or form.has_changed():
                counts[form.cleaned_data["address_type"]] += 1
        for address_type, count in counts.items():
            try:
                services.check_address_amount(address_type, count)
            except ValidationError:
                raise ValidationError(
                    f"At most {address_type.max_amount} {address_type} address"
                    f"{'es' if address_type.max_amount != 1 else ''} per party."
                ) from None


class OnePrimaryFormSet(BaseInlineFormSet):
    """At most one row marked primary (e-mail addresses, company positions)."""

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        primary = [
            form
            for form in self.forms
            if not self._should_delete_form(form)
            and (form.instance.pk or form.has_changed())
            and form.cleaned_data.get("is_primary")
        ]
        if len(primary) > 1:
            raise ValidationError(f"Only one {self.model._meta.verbose_name} can be primary.")


class PositionForm(DatesForm):
    class Meta:
        model = CompanyPosition
        fields = sorted(services.POSITION_FIELDS)

    def clean(self):
        cleaned_data = super().clean()
        if self.errors:
            return cleaned_data
        position = CompanyPosition(
            organisation=cleaned_data.get("organisation"),
            company_name=cleaned_data.get("company_name") or "",
            title=cleaned_data.get("title") or "",
            department=cleaned_data.get("department") or "",
            is_primary=bool(cleaned_data.get("is_primary")),
            start_date=cleaned_data.get("start_date"),
            end_date=cleaned_data.get("end_date"),
        )
        services.check_position(position)
        return cleaned_data


# Custom field values: one typed value per field, entered in the widget of the field's type.

CF = CustomField.FieldType
RAW_VALUE_HELP = "Yes/no for yes-no fields, YYYY-MM-DD for dates, commas between multiple choices."


def typed_form_field(field: CustomField) -> forms.Field:
    common = {"required": False, "label": "Value", "help_text": field.help_text}
    kind = field.field_type
    choices = [(choice, choice) for choice in field.choices or []]
    if kind == CF.LONG_TEXT:
        return forms.CharField(widget=forms.Textarea(attrs={"rows": 2, "cols": 40}), **common)
    if kind == CF.INTEGER:
        return forms.IntegerField(**common)
    if kind == CF.DECIMAL:
        return forms.DecimalField(max_digits=20, decimal_places=6, **common)
    if kind == CF.BOOLEAN:
        return forms.NullBooleanField(**common)
    if kind == CF.DATE:
        return forms.DateField(widget=AdminDateWidget, **common)
    if kind == CF.CHOICE:
        return forms.ChoiceField(choices=[("", "---------"), *choices], **common)
    if kind == CF.MULTIPLE_CHOICE:
        return forms.MultipleChoiceField(choices=choices, widget=forms.CheckboxSelectMultiple, **common)
    return forms.CharField(max_length=1000, **common)


class CustomFieldValueForm(forms.ModelForm):
    value = forms.CharField(required=False, help_text=RAW_VALUE_HELP)

    class Meta:
        model = CustomFieldValue
        fields = ["field"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            field = self.instance.field
            self.fields["field"].queryset = CustomField.objects.filter(pk=field.pk)
            self.fields["field"].disabled = True
            self.fields["value"] = typed_form_field(field)
            self.initial["value"] = self.instance.value

    def clean(self):
        cleaned_data = super().clean()
        field, raw = cleaned_data.get("field"), cleaned_data.get("value")
        if raw in ("", [], None):
            raw = None
        elif isinstance(raw, str) and field is not None and field.field_type == CF.MULTIPLE_CHOICE:
            raw = [item.strip() for item in raw.split(",") if item.strip()]
        if field is None:
            if raw is not None:
                self.add_error("field", "Choose the custom field this value is for.")
            return cleaned_data
        if raw is None and not self.instance.pk:
            self.add_error("value", "Enter a value (or remove the row).")
            return cleaned_data
        try:
            cleaned_data["value"] = core_services.clean_custom_value(field, raw)
        except ValidationError as error:
            self.add_error("value", error.messages)
        return cleaned_data


class CustomFieldValueFormSet(BaseGenericInlineFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        seen = Counter(
            form.cleaned_data.get("field")
            for form in self.forms
            if not self._should_delete_form(form) and (form.instance.pk or form.has_changed())
        )
        twice = sorted(str(field) for field, count in seen.items() if field is not None and count > 1)
        if twice:
            raise ValidationError(f"One value per custom field: {', '.join(twice)} appears twice.")


# --- Inlines --------------------------------------------------------------------------------


def _placed(layout) -> set[str]:
    placed = set()
    for item in layout:
        placed.update(item if isinstance(item, tuple) else [item])
    return placed


def _keep(layout, accepted) -> list:
    """A layout (names, or tuples of names shown on one line) limited to accepted fields."""
    kept = []
    for item in layout:
        if isinstance(item, tuple):
            item = tuple(name for name in item if name in accepted)
            if item:
                kept.append(item)
        elif item in accepted:
            kept.append(item)
    return kept


def _with_rest(layout, accepted) -> list:
    """A layout limited to the fields the service accepts, plus any it accepts the layout lacks."""
    kept = _keep(layout, set(accepted))
    return kept + sorted(set(accepted) - _placed(kept))


class AddressInline(StackedInline):
    tab = True
    model = Address
    form = AddressForm
    formset = AddressFormSet
    extra = 0
    fields = _with_rest(
        [
            ("address_type", "is_default", "is_active"),
            ("street", "number", "box", "floor"),
            ("care_of", "line2"),
            ("po_box", "po_box_postal_code"),
            ("postal_code", "city", "area", "district"),
            ("municipality", "region", "country"),
            ("latitude", "longitude"),
            "notes",
        ],
        services.ADDRESS_FIELDS | {"address_type", "is_default"},
    )
    readonly_fields = ["is_default"]

    def get_extra(self, request, obj=None, **kwargs):
        return 1 if obj is None or obj.pk is None else 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("address_type")


class EmailInline(TabularInline):
    tab = True
    model = EmailAddress
    formset = OnePrimaryFormSet
    fields = _with_rest(["email", "is_primary", "context", "description", "is_active"], EMAIL_FIELDS)
    extra = 0


class PhoneInline(TabularInline):
    tab = True
    model = Phone
    fields = _with_rest(
        ["number", "kind", "context", "is_primary", "area_code", "country", "description", "is_active"],
        PHONE_FIELDS,
    )
    extra = 0


class EducationInline(TabularInline):
    tab = True
    model = Education
    form = DatesForm
    fields = ["school", "degree", "start_date", "end_date", "description"]
    extra = 0

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "description":
            kwargs["widget"] = forms.Textarea(attrs={"rows": 1, "cols": 30})
        return super().formfield_for_dbfield(db_field, request, **kwargs)


class PositionInline(TabularInline):
    tab = True
    model = CompanyPosition
    fk_name = "person"
    form = PositionForm
    formset = OnePrimaryFormSet
    fields = ["organisation", "company_name", "title", "department", "start_date", "end_date", "is_primary"]
    autocomplete_fields = ["organisation"]
    extra = 0
    verbose_name = "company position"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("organisation")


class EmployeeInline(TabularInline):
    tab = True
    """An organisation's people (edited on each person's page)."""

    model = CompanyPosition
    fk_name = "organisation"
    fields = ["person_link", "title", "department", "start_date", "end_date", "is_primary"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name = "employee"
    verbose_name_plural = "employees"

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("person")

    @admin.display(description="Person")
    def person_link(self, obj):
        return format_html('<a href="{}">{}</a>', party_change_url(obj.person), obj.person)


class MembershipInline(TabularInline):
    tab = True
    model = Membership
    form = DatesForm
    fields = ["combination", "start_date", "end_date", "status"]
    readonly_fields = ["status"]
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("combination__group", "combination__function")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "combination":
            kwargs["queryset"] = Combination.objects.select_related("group", "function").order_by(
                "group__name", "function__name"
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description="Today")
    def status(self, obj):
        return membership_status(obj, timezone.localdate()) if obj.pk else ""


class MessengerAccountForm(forms.ModelForm):
    class Meta:
        model = MessengerAccount
        fields = ["service", "handle"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:  # the services replace an account rather than change it
            for field in self.fields.values():
                field.disabled = True


class MessengerAccountInline(TabularInline):
    tab = True
    model = MessengerAccount
    form = MessengerAccountForm
    fields = ["service", "handle"]
    extra = 0


class RelationFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        if self.instance.pk is None:
            return
        for form in self.forms:
            related = getattr(form, "cleaned_data", {}).get("related_party")
            if related == self.instance and not self._should_delete_form(form):
                form.add_error("related_party", "A party cannot be related to itself.")


class RelationInline(TabularInline):
    tab = True
    model = PartyRelation
    fk_name = "party"
    formset = RelationFormSet
    fields = ["type", "related_party", "notes"]
    autocomplete_fields = ["related_party"]
    extra = 0
    verbose_name = "relation"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("related_party")

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "notes":
            kwargs["widget"] = forms.Textarea(attrs={"rows": 1, "cols": 30})
        return super().formfield_for_dbfield(db_field, request, **kwargs)


class CustomFieldValueInline(GenericTabularInline):
    tab = True
    model = CustomFieldValue
    form = CustomFieldValueForm
    formset = CustomFieldValueFormSet
    fields = ["field", "value", "field_type"]
    readonly_fields = ["field_type"]
    extra = 0
    verbose_name = "custom field value"
    verbose_name_plural = "custom fields"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("field")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "field":
            kind = KIND_OF_MODEL[self.parent_model]
            kwargs["queryset"] = CustomField.objects.filter(applies_to__in=[kind, AppliesTo.PARTY])
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description="Type")
    def field_type(self, obj):
        return obj.field.get_field_type_display() if obj.pk else ""


# --- Persons and organisations --------------------------------------------------------------


CONSENT_STAMPS = [
    "direct_marketing_consent_set_at",
    "direct_marketing_consent_set_by",
    "affiliate_marketing_consent_set_at",
    "affiliate_marketing_consent_set_by",
]


def _layout(sections, service_fields):
    """Fieldsets from a layout of the fields the service accepts (others are dropped), plus a
    "More" section for any it accepts that the layout lacks, and the record's stamps."""
    accepted = set(service_fields) | {"tags"}
    fieldsets, placed = [], set()
    for title, fields, *options in sections:
        kept = _keep(fields, accepted | set(CONSENT_STAMPS))
        if kept:
            extra = dict(options[0]) if options else {}
            if title:  # every titled section is a tab of the details (the page fits a screen)
                extra["classes"] = [c for c in extra.get("classes", []) if c != "collapse"] + ["tab"]
            fieldsets.append((title, {"fields": kept, **extra}))
            placed |= _placed(kept)
    more = sorted(accepted - placed)
    if more:
        fieldsets.append(("More", {"fields": more, "classes": ["tab"]}))
    fieldsets.append(("Record", {"fields": ["uuid", "created", "updated"], "classes": ["tab"]}))
    return fieldsets


PROFILE_SECTIONS = [
    (
        "Relationship",
        [
            ("relationship", "life_cycle_state"),
            ("category", "owning_group", "privacy_level"),
            ("industry", "industry_sector"),
        ],
    ),
    (
        "Marketing consent",
        [
            (
                "direct_marketing_consent",
                "direct_marketing_consent_set_at",
                "direct_marketing_consent_set_by",
            ),
            (
                "affiliate_marketing_consent",
                "affiliate_marketing_consent_set_at",
                "affiliate_marketing_consent_set_by",
            ),
        ],
    ),
    ("Status and notes", ["is_active", "tags", "notes"]),
]


class PartyAdminBase(ListExportMixin, ServiceAdminMixin, ChangeLogHistoryMixin, ModelAdmin):
    change_form_datasets = [TimelineTab]
    actions = ["delete_selected", *BULK_ACTIONS]
    kind: str = ""
    service_fields: frozenset[str] = frozenset()
    autocomplete_fields = ["tags"]
    readonly_fields = ["uuid", "created", "updated", *CONSENT_STAMPS]
    list_filter = [
        GroupFilter,
        FunctionFilter,
        SegmentFilter,
        TagFilter,
        CustomFieldValueFilter,
        "relationship",
        "is_active",
    ]
    show_full_result_count = False
    list_per_page = 50

    def create(self, actor, **data) -> Party:
        raise NotImplementedError

    def get_autocomplete_fields(self, request):
        """Tags, and every lookup (countries, categories...) whose admin screen can search."""
        fields = ["tags"]
        for name in sorted(self.service_fields):
            field = Party._meta.get_field(name)
            related_admin = self.admin_site._registry.get(field.related_model) if field.many_to_one else None
            if related_admin is not None and related_admin.search_fields:
                fields.append(name)
        return fields

    def get_queryset(self, request):
        return with_contact_details(super().get_queryset(request)).prefetch_related(
            Prefetch(
                "addresses", queryset=Address.objects.filter(is_default=True), to_attr="default_addresses"
            ),
            "tags",
        )

    def get_search_results(self, request, queryset, search_term):
        """Each word in the party's names, numbers, e-mails or phones, or the whole term as a
        phone number, on the match keys (apps/parties/search.py)."""
        return search.admin_search(queryset, search_term), False

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        if isinstance(inline, AddressInline) and obj.pk is None:
            kwargs["initial"] = [{"address_type": services.get_default_address_type().pk}]
        return kwargs

    # Saving through the services.

    def save_model(self, request, obj, form, change):
        data = {name: form.cleaned_data[name] for name in self.service_fields if name in form.cleaned_data}
        if change:
            party = services.update_party(request.user, fresh(obj), **changed_values(form, data))
        else:
            party = self.create(request.user, **data)
        adopt(obj, party)

    def save_related(self, request, form, formsets, change):
        if "tags" in form.cleaned_data and (not change or "tags" in form.changed_data):
            services.set_tags(request.user, form.instance, form.cleaned_data["tags"])
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def save_formset(self, request, form, formset, change):
        service = ROW_SERVICES[formset.model]
        actor, party = request.user, form.instance
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        if not formset.has_changed():
            return
        deleted = formset.deleted_forms
        for row_form in deleted:
            if row_form.instance.pk:
                service.delete(actor, fresh(row_form.instance))
                formset.deleted_objects.append(row_form.instance)
        for row_form in formset.forms:
            if row_form in deleted or not row_form.has_changed():
                continue
            if row_form.instance.pk:
                if service.update is None:
                    continue  # nothing editable (the form disables every field)
                data = changed_values(row_form, service.fields)
                row = service.update(actor, fresh(row_form.instance), data)
                if row is None:
                    formset.deleted_objects.append(row_form.instance)
                    continue
                formset.changed_objects.append((row, list(data)))
            else:
                data = {
                    name: row_form.cleaned_data.get(name)
                    for name in service.fields
                    if name in row_form.fields
                }
                row = service.add(actor, party, data, not change)
                formset.new_objects.append(row)
            adopt(row_form.instance, row)

    def delete_model(self, request, obj):
        services.delete_party(request.user, obj)

    # List columns.

    @admin.display(description="E-mail")
    def primary_email(self, obj):
        return obj.primary_email or "—"

    @admin.display(description="Phone")
    def phone(self, obj):
        rows = obj.phone_list
        return rows[0].number if rows else "—"

    @admin.display(description="City")
    def city(self, obj):
        rows = obj.default_addresses
        return rows[0].city if rows and rows[0].city else "—"

    @admin.display(description="Tags")
    def tag_list(self, obj):
        return ", ".join(tag.name for tag in obj.tags.all()) or "—"

    @admin.display(description="Last modified", ordering="updated")
    def last_modified(self, obj):
        return obj.updated


@admin.register(Person)
class PersonAdmin(PartyAdminBase):
    kind = Party.Kind.PERSON
    service_fields = frozenset(services.PERSON_FIELDS)
    list_display = ["display_name", "primary_email", "phone", "city", "tag_list", "last_modified"]
    # A person's `name` is kept as "first middle last", so it covers first and last names.
    search_fields = ["name", "email_addresses__email", "phones__number"]
    ordering = ["last_name", "first_name", "id"]
    fieldsets = _layout(
        [
            (None, ["title", ("first_name", "middle_name", "last_name")]),
            (
                "Personal",
                [
                    ("birth_date", "birth_place"),
                    ("gender", "preferred_language"),
                    ("name_day_day", "name_day_month"),
                    "country_of_residence",
                ],
            ),
            (
                "Identity",
                [
                    ("id_number", "id_issued_by_country"),
                    ("passport_number", "passport_issued_by_country"),
                    "social_security_number",
                ],
                {"classes": ["collapse"]},
            ),
            ("Business", [("website", "vat_number")]),
            *PROFILE_SECTIONS,
        ],
        services.PERSON_FIELDS,
    )
    inlines = [
        AddressInline,
        EmailInline,
        PhoneInline,
        PositionInline,
        EducationInline,
        MembershipInline,
        RelationInline,
        MessengerAccountInline,
        CustomFieldValueInline,
    ]

    def create(self, actor, **data):
        return services.create_person(actor, **data)

    @admin.display(description="Name", ordering="last_name")
    def display_name(self, obj):
        return obj.display_name or f"#{obj.pk}"


@admin.register(Organisation)
class OrganisationAdmin(PartyAdminBase):
    kind = Party.Kind.ORGANISATION
    service_fields = frozenset(services.ORGANISATION_FIELDS)
    list_display = ["name", "primary_email", "phone", "city", "vat_number", "tag_list", "last_modified"]
    search_fields = ["name", "vat_number", "registration_number", "email_addresses__email", "phones__number"]
    ordering = ["name", "id"]
    fieldsets = _layout(
        [
            (None, ["name", "preferred_language"]),
            (
                "Company",
                [
                    "website",
                    ("registration_number", "registered_in_country"),
                    "country_of_residence",
                    ("vat_number", "vat_registered_by", "vat_registration_date"),
                    "tax_reference_number",
                    ("established_date", "profile_year"),
                    ("annual_turnover", "number_of_employees"),
                ],
            ),
            *PROFILE_SECTIONS,
        ],
        services.ORGANISATION_FIELDS,
    )
    inlines = [
        AddressInline,
        EmailInline,
        PhoneInline,
        EmployeeInline,
        MembershipInline,
        RelationInline,
        MessengerAccountInline,
        CustomFieldValueInline,
    ]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if "name" in form.base_fields:
            form.base_fields["name"].required = True
        return form

    def create(self, actor, **data):
        return services.create_organisation(actor, **data)


@admin.register(Party)
class PartyAdmin(ModelAdmin):
    """Not on the index: it serves the party pickers (autocomplete) of company positions,
    memberships and segments, and sends links to a party to its person or organisation page."""

    search_fields = ["name", "email_addresses__email"]
    list_display = ["__str__", "kind", "updated"]
    list_filter = ["kind"]
    show_full_result_count = False

    def get_model_perms(self, request):
        return {}

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_search_results(self, request, queryset, search_term):
        queryset, may_have_duplicates = search.admin_search(queryset, search_term), False
        if (
            request.GET.get("model_name") == "companyposition"
            and request.GET.get("field_name") == "organisation"
        ):
            queryset = queryset.filter(kind=Party.Kind.ORGANISATION)
        return queryset, may_have_duplicates

    def get_urls(self):
        view = self.admin_site.admin_view(self.log_activity_view)
        return [
            path("<path:object_id>/log-activity/", view, name="parties_party_log_activity"),
            *super().get_urls(),
        ]

    def log_activity_view(self, request, object_id):
        return log_activity_view(self, request, unquote(object_id))

    def change_view(self, request, object_id, form_url="", extra_context=None):
        party = Party.objects.filter(pk=unquote(object_id)).first()
        if party is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        return HttpResponseRedirect(party_change_url(party))


# --- Address types --------------------------------------------------------------------------


@admin.register(AddressType)
class AddressTypeAdmin(ServiceAdminMixin, ChangeLogHistoryMixin, ModelAdmin):
    list_display = ["description", "code", "max_amount", "is_default", "address_count"]
    search_fields = ["description", "code"]

    def get_fields(self, request, obj=None):
        return ["description", "code", "max_amount"] + (["is_default"] if obj else [])

    def get_readonly_fields(self, request, obj=None):
        # The code is the machine name the APIs map to: set once.
        return ["code", "is_default"] if obj is not None else []

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(address_count=Count("addresses"))

    @admin.display(description="Addresses", ordering="address_count")
    def address_count(self, obj):
        return obj.address_count

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if change:
            saved = services.update_address_type(
                request.user, fresh(obj), description=data["description"], max_amount=data["max_amount"]
            )
        else:
            saved = services.create_address_type(
                request.user,
                description=data["description"],
                max_amount=data["max_amount"],
                code=data["code"],
            )
        adopt(obj, saved)

    def delete_model(self, request, obj):
        services.delete_address_type(request.user, obj)


# --- Groups, functions, combinations, memberships -------------------------------------------


class GroupTreeChangeList(ChangeList):
    """The group list in tree order, unless a column header asks for another order."""

    def get_ordering(self, request, queryset):
        if ORDER_VAR in self.params:
            return super().get_ordering(request, queryset)
        return ["tree_position", "pk"]

    def get_results(self, request):
        super().get_results(request)
        counts = group_member_counts()
        for group in self.result_list:
            group.member_counts = counts.get(group.pk, (0, 0))


class GroupChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return indented(obj.name, getattr(obj, "tree_depth", 0))


class GroupForm(forms.ModelForm):
    class Meta:
        model = Group
        fields = ["name", "description", "parent"]
        field_classes = {"parent": GroupChoiceField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        candidates = Group.objects.all()
        if self.instance.pk:  # a group cannot move under itself or its own subgroups
            candidates = candidates.exclude(pk__in={self.instance.pk, *descendant_ids(self.instance)})
        self.fields["parent"].queryset = tree_ordered(candidates)

    def clean(self):
        cleaned_data = super().clean()
        if self.instance.pk and "parent" in cleaned_data:
            services.check_group_parent(Group(pk=self.instance.pk, parent=cleaned_data["parent"]))
        return cleaned_data


@admin.register(Group)
class GroupAdmin(ServiceAdminMixin, ChangeLogHistoryMixin, ModelAdmin):
    form = GroupForm
    list_display = ["tree_name", "description", "members"]
    search_fields = ["name", "description"]
    fields = ["name", "parent", "description"]

    def get_queryset(self, request):
        return tree_ordered(super().get_queryset(request))

    def get_changelist(self, request, **kwargs):
        return GroupTreeChangeList

    @admin.display(description="Group")
    def tree_name(self, obj):
        return format_html(
            '<span style="padding-left:{}em">{}</span>', 1.5 * getattr(obj, "tree_depth", 0), obj.name
        )

    @admin.display(description="Members today (direct / with subgroups)")
    def members(self, obj):
        counts = getattr(obj, "member_counts", (0, 0))
        persons = reverse("admin:parties_person_changelist")
        organisations = reverse("admin:parties_organisation_changelist")
        return format_html(
            '{} / {} · <a href="{}?group={}">persons</a> · <a href="{}?group={}">organisations</a>',
            counts[0],
            counts[1],
            persons,
            obj.pk,
            organisations,
            obj.pk,
        )

    def save_model(self, request, obj, form, change):
        data = {name: form.cleaned_data[name] for name in services.GROUP_FIELDS}
        if change:
            saved = services.update_group(request.user, fresh(obj), **changed_values(form, data))
        else:
            saved = services.create_group(request.user, **data)
        adopt(obj, saved)

    def delete_model(self, request, obj):
        services.delete_group(request.user, obj)


@admin.register(Function)
class FunctionAdmin(ServiceAdminMixin, ChangeLogHistoryMixin, ModelAdmin):
    list_display = ["name", "description", "members"]
    search_fields = ["name", "description"]
    fields = ["name", "description"]

    @admin.display(description="Holders today")
    def members(self, obj):
        url = reverse("admin:parties_person_changelist")
        return format_html('<a href="{}?function={}">Persons</a>', url, obj.pk)

    def save_model(self, request, obj, form, change):
        data = {name: form.cleaned_data[name] for name in ("name", "description")}
        if change:
            saved = services.update_function(request.user, fresh(obj), **changed_values(form, data))
        else:
            saved = services.create_function(request.user, **data)
        adopt(obj, saved)

    def delete_model(self, request, obj):
        services.delete_function(request.user, obj)


@admin.register(Combination)
class CombinationAdmin(ServiceAdminMixin, ChangeLogHistoryMixin, ModelAdmin):
    list_display = ["__str__", "group", "function", "memberships_link"]
    list_filter = ["group", "function"]
    list_select_related = ["group", "function"]
    search_fields = ["group__name", "function__name"]
    fields = ["group", "function"]

    def get_readonly_fields(self, request, obj=None):
        # A combination is a pair: to pair differently, add another combination.
        return ["group", "function"] if obj is not None else []

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "group":
            kwargs["queryset"] = tree_ordered(Group.objects.all())
            kwargs["form_class"] = GroupChoiceField
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description="Memberships")
    def memberships_link(self, obj):
        url = reverse("admin:parties_membership_changelist")
        return format_html('<a href="{}?combination__id__exact={}">Memberships</a>', url, obj.pk)

    def save_model(self, request, obj, form, change):
        if change:
            return  # nothing editable
        saved = services.create_combination(
            request.user, group=form.cleaned_data["group"], function=form.cleaned_data["function"]
        )
        adopt(obj, saved)

    def delete_model(self, request, obj):
        services.delete_combination(request.user, obj)


class MembershipForm(DatesForm):
    class Meta:
        model = Membership
        fields = ["party", "combination", "start_date", "end_date"]


@admin.register(Membership)
class MembershipAdmin(ListExportMixin, ServiceAdminMixin, ChangeLogHistoryMixin, ModelAdmin):
    form = MembershipForm
    list_display = ["party", "combination", "start_date", "end_date", "status"]
    list_filter = [MembershipStatusFilter, "combination__group", "combination__function", "start_date"]
    list_select_related = ["party", "combination__group", "combination__function"]
    search_fields = ["party__name"]
    autocomplete_fields = ["party"]
    show_full_result_count = False
    fields = ["party", "combination", "start_date", "end_date"]

    def get_readonly_fields(self, request, obj=None):
        return ["party"] if obj is not None else []

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "combination":
            kwargs["queryset"] = Combination.objects.select_related("group", "function").order_by(
                "group__name", "function__name"
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description="Today")
    def status(self, obj):
        return membership_status(obj, timezone.localdate())

    def save_model(self, request, obj, form, change):
        data = {name: form.cleaned_data[name] for name in MEMBERSHIP_FIELDS}
        if change:
            saved = services.update_membership(request.user, fresh(obj), **changed_values(form, data))
        else:
            saved = services.add_membership(request.user, form.cleaned_data["party"], **data)
        adopt(obj, saved)

    def delete_model(self, request, obj):
        services.delete_membership(request.user, obj)


# --- Segments -------------------------------------------------------------------------------


class RulesField(forms.JSONField):
    def prepare_value(self, value):
        if isinstance(value, forms.fields.InvalidJSONInput):
            return value
        return json.dumps(value, ensure_ascii=False, indent=2, cls=self.encoder)


def rules_help() -> str:
    names = ", ".join(f"{field.name} ({field.kind})" for field in PARTY_RULES.fields.values())
    keys = ", ".join(f"cf.{key}" for key in CustomField.objects.values_list("key", flat=True)) or "none yet"
    return format_html(
        '{{"match": "all"|"any", "conditions": [{{"field": …, "op": …, "value": …}}, …]}} — groups nest. '
        "Operators: eq, ne, contains, startswith, gt, gte, lt, lte, in, isnull. Dates take YYYY-MM-DD "
        "or today, today-30. Fields: {}. Custom fields: {}. Tags, groups, functions and combinations "
        "take ids. Empty: only the members listed by hand.",
        names,
        keys,
    )


class SegmentForm(forms.ModelForm):
    rules = RulesField(required=False, widget=forms.Textarea(attrs={"rows": 12, "cols": 80}))

    class Meta:
        model = Segment
        fields = ["name", "description", "applies_to", "rules", "static_members"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rules"].help_text = rules_help()

    def clean_rules(self):
        rules = self.cleaned_data.get("rules") or {}
        PARTY_RULES.validate(rules)
        return rules

    def clean(self):
        cleaned_data = super().clean()
        applies_to, members = cleaned_data.get("applies_to"), cleaned_data.get("static_members")
        if applies_to and members is not None:
            others = [str(party) for party in members if party.kind != applies_to]
            if others:
                self.add_error(
                    "static_members",
                    f"This segment selects {Party.Kind(applies_to).label.lower()}s: {', '.join(others)}.",
                )
        return cleaned_data


@admin.register(Segment)
class SegmentAdmin(ServiceAdminMixin, ChangeLogHistoryMixin, ModelAdmin):
    form = SegmentForm
    list_display = ["name", "applies_to", "rule_summary", "static_count", "members_link"]
    list_filter = ["applies_to"]
    search_fields = ["name", "description"]
    autocomplete_fields = ["static_members"]
    fields = ["name", "applies_to", "description", "rules", "static_members", "members_link"]
    readonly_fields = ["members_link"]
    members_per_page = 50

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(static_count=Count("static_members"))

    def get_urls(self):
        view = self.admin_site.admin_view(self.members_view)
        return [path("<path:object_id>/members/", view, name="parties_segment_members"), *super().get_urls()]

    @admin.display(description="Rule")
    def rule_summary(self, obj):
        conditions = (obj.rules or {}).get("conditions") or []
        if not conditions:
            return "—"
        fields = [c.get("field", "group") if isinstance(c, dict) else "?" for c in conditions]
        match = (obj.rules or {}).get("match", "all")
        return f"{match}: {', '.join(str(f) for f in fields)}"

    @admin.display(description="Listed by hand", ordering="static_count")
    def static_count(self, obj):
        return obj.static_count

    @admin.display(description="Members")
    def members_link(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        url = reverse("admin:parties_segment_members", args=[obj.pk])
        return format_html('<a href="{}">Show the parties it selects</a>', url)

    def save_model(self, request, obj, form, change):
        fields = ("name", "description", "applies_to", "rules")
        if change:
            segment = fresh(obj)
            for name in fields:
                setattr(segment, name, form.cleaned_data[name])
        else:
            segment = obj
        adopt(obj, services.save_segment(request.user, segment))

    def save_related(self, request, form, formsets, change):
        if not change or {"static_members", "applies_to"} & set(form.changed_data):
            services.set_segment_members(request.user, form.instance, form.cleaned_data["static_members"])
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def delete_model(self, request, obj):
        services.delete_segment(request.user, obj)

    def members_view(self, request, object_id):
        segment = self.get_object(request, unquote(object_id))
        if segment is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_view_or_change_permission(request, segment):
            raise PermissionDenied
        error, page, page_range = None, None, []
        try:
            parties = with_contact_details(segment_members(segment)).prefetch_related(
                Prefetch(
                    "addresses", queryset=Address.objects.filter(is_default=True), to_attr="default_addresses"
                )
            )
            paginator = Paginator(parties, self.members_per_page)
            page = paginator.get_page(request.GET.get(PAGE_VAR, 1))
            page_range = paginator.get_elided_page_range(page.number)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        rows = [
            {
                "party": party,
                "url": party_change_url(party),
                "email": party.primary_email,
                "phone": party.phone_list[0].number if party.phone_list else "",
                "city": party.default_addresses[0].city if party.default_addresses else "",
            }
            for party in (page or [])
        ]
        context = {
            **self.admin_site.each_context(request),
            "title": f"Members of {segment}",
            "subtitle": None,
            "opts": self.opts,
            "object": segment,
            "rows": rows,
            "page_obj": page,
            "page_range": page_range,
            "page_var": PAGE_VAR,
            "error": error,
            "rule": json.dumps(segment.rules, indent=2, ensure_ascii=False) if segment.rules else "",
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/parties/segment/members.html", context)
