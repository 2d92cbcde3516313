"""The admin's "Merge into…" action on the persons and organisations lists, and the read-only
merge records (Core -> Merge records).

Select two parties, choose the action: a preview page shows both, what would move per relation,
which rows would be demoted or dropped by the conflict rule and which blank fields the target
would take from the source (apps.parties.merge, run and rolled back). "Swap" turns the direction
around; "Merge" queues the merge as a job (eager on the embedded default).
"""

import json
from collections import Counter

from django.apps import apps
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied, ValidationError
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html, format_html_join

from apps.core.admin import UsedContentTypeFilter
from apps.core.admin_base import ModelAdmin
from apps.core.models import Job, MergeRecord
from apps.parties.merge import merge_parties, request_merge, undo_merge
from apps.parties.models import Organisation, Party, Person

from . import parties as _parties  # noqa: F401  (registers the screens this module extends)


def _relation_name(label: str) -> str:
    """ "sales.Activity.contact" -> "activities (contact)"; a link table names its field."""
    model_label, _, field = label.rpartition(".")
    model = apps.get_model(model_label)
    owner = model._meta.auto_created  # the model whose many-to-many field this link table serves
    if owner:
        m2m = next(f for f in owner._meta.many_to_many if f.remote_field.through is model)
        if owner._meta.concrete_model is Party:
            return str(m2m.verbose_name)
        return f"{owner._meta.verbose_name_plural} ({m2m.verbose_name})"
    return f"{model._meta.verbose_name_plural} ({field.replace('_', ' ')})"


def preview_rows(record: MergeRecord) -> dict:
    """What the preview and the record's page show, grouped per relation."""
    dropped = Counter(entry["relation"] for entry in record.dropped)
    return {
        "moved": [(_relation_name(e["relation"]), len(e["ids"])) for e in record.moved],
        "demoted": [(_relation_name(e["relation"]), len(e["ids"]), e["reason"]) for e in record.demoted],
        "dropped": [
            (_relation_name(e["relation"]), e["id"], e["reason"], _short(e["row"])) for e in record.dropped
        ],
        "dropped_count": sum(dropped.values()),
        "filled": sorted(record.filled.items()),
    }


def _short(row: dict) -> str:
    shown = {k: v for k, v in row.items() if v not in (None, "", [], {}) and k not in ("id", "uuid")}
    return ", ".join(f"{k}: {v}" for k, v in list(shown.items())[:8])


@admin.action(description="Merge into…")
def merge_into(modeladmin, request, queryset):
    if not (modeladmin.has_change_permission(request) and modeladmin.has_delete_permission(request)):
        raise PermissionDenied
    parties = list(queryset.order_by("pk")[:3])
    if len(parties) != 2:
        modeladmin.message_user(request, "Select exactly two to merge.", messages.WARNING)
        return None
    chosen = request.POST.get("target", "")
    target = next((p for p in parties if str(p.pk) == chosen), parties[0])  # the older one by default
    source = parties[1] if target is parties[0] else parties[0]

    if request.POST.get("confirm") == "yes":
        try:
            job = request_merge(request.user, target, source)
        except (ValidationError, Party.DoesNotExist) as error:  # eager: the task ran here
            _error(modeladmin, request, error)
            return None
        job.refresh_from_db()
        if job.state == Job.State.FAILED:
            modeladmin.message_user(request, job.error, messages.ERROR)
        elif job.state == Job.State.DONE:
            modeladmin.message_user(request, f"Merged “{source}” into “{target}”.", messages.SUCCESS)
        else:
            modeladmin.message_user(
                request, f"Merging “{source}” into “{target}” in the background.", messages.INFO
            )
        return None

    try:
        preview = merge_parties(request.user, target, source, dry_run=True)
    except (ValidationError, Party.DoesNotExist) as error:
        _error(modeladmin, request, error)
        return None
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": "Merge into…",
        "opts": modeladmin.model._meta,
        "target": target,
        "source": source,
        "parties": parties,
        "preview": preview_rows(preview),
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        "action": "merge_into",
    }
    return TemplateResponse(request, "admin/parties/merge_preview.html", context)


def _error(modeladmin, request, error) -> None:
    modeladmin.message_user(request, "; ".join(getattr(error, "messages", [str(error)])), messages.ERROR)


def _add_action(model) -> None:
    model_admin = admin.site._registry.get(model)
    if model_admin is not None and merge_into not in (model_admin.actions or ()):
        model_admin.actions = [*(model_admin.actions or ()), merge_into]  # the instance's own list


for _model in (Person, Organisation):
    _add_action(_model)


@admin.action(description="Undo the selected merges")
def undo_merges(modeladmin, request, queryset):
    """Undo each selected merge (apps.parties.merge.undo_merge), each in its own transaction: one
    refused (too old, or a later change conflicts) says why and leaves the others done."""
    if not request.user.has_perms(["parties.add_party", "parties.change_party"]):
        raise PermissionDenied
    for record in queryset.order_by("-time", "-id"):
        try:
            undone = undo_merge(request.user, record)
        except ValidationError as error:
            modeladmin.message_user(
                request, f"{record}: not undone. " + " ".join(error.messages), messages.ERROR
            )
            continue
        if not undone.repeated:
            modeladmin.message_user(
                request, f"Undone: {record.source_repr} (#{record.source_id}) is back.", messages.SUCCESS
            )


@admin.register(MergeRecord)
class MergeRecordAdmin(ModelAdmin):
    """Merges done, read-only: what moved, what was demoted or dropped, and the source as it was.
    A merge can be undone from here (the "Undo" action) within MERGE_UNDO_DAYS."""

    actions = [undo_merges]
    list_display = [
        "time",
        "user_name",
        "content_type",
        "source_label",
        "target_link",
        "moved_rows",
        "dropped_rows",
        "undone_at",
    ]
    list_filter = [
        ("content_type", UsedContentTypeFilter),
        ("time", admin.DateFieldListFilter),
        ("undone_at", admin.EmptyFieldListFilter),
    ]
    list_select_related = ["content_type"]
    search_fields = ["source_repr", "target_repr", "=source_id", "=target_id"]
    fields = [
        "time",
        "user",
        "user_name",
        "content_type",
        "target_link",
        "source_label",
        "summary",
        "source_values",
        "undone_at",
        "undone_by",
    ]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="Source")
    def source_label(self, obj):
        return f"{obj.source_repr} (#{obj.source_id})"

    @admin.display(description="Target", ordering="target_repr")
    def target_link(self, obj):
        """A link to the target's page (the party screen sends it on to its person or
        organisation page), or plain text once the target is gone."""
        label = f"{obj.target_repr} (#{obj.target_id})"
        model = obj.content_type.model_class()
        try:
            url = reverse(
                f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[obj.target_id]
            )
        except (AttributeError, NoReverseMatch):
            return label
        return format_html('<a href="{}">{}</a>', url, label)

    @admin.display(description="Moved")
    def moved_rows(self, obj):
        return obj.moved_count

    @admin.display(description="Dropped")
    def dropped_rows(self, obj):
        return len(obj.dropped)

    @admin.display(description="What the merge did")
    def summary(self, obj):
        rows = preview_rows(obj)
        sections = [
            ("Moved", "{}: {}", rows["moved"]),
            ("Demoted", "{}: {} ({})", rows["demoted"]),
            ("Dropped (values kept here)", "{} #{}: {} — {}", rows["dropped"]),
            ("Filled on the target", "{}: {}", rows["filled"]),
        ]
        return format_html_join(
            "",
            "<p><strong>{}</strong></p><ul>{}</ul>",
            (
                (title, format_html_join("", f"<li>{line}</li>", items))
                for title, line, items in sections
                if items
            ),
        )

    @admin.display(description="The source as it was")
    def source_values(self, obj):
        return format_html("<pre>{}</pre>", json.dumps(obj.source, indent=2, ensure_ascii=False, default=str))
