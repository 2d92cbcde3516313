"""Admin screens for insights and their exports: saves, deletes and exports go through
apps.insights.services; a running export shows a progress bar (rows done of the total) and a
finished one a download link."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html

from apps.core.admin import ChangeLogHistoryMixin, ServiceAdminMixin, adopt
from apps.core.admin_base import ModelAdmin, TabularInline

from . import services
from .models import Insight, InsightExport, ListExport

State = InsightExport.State


def progress_bar(export: InsightExport) -> str:
    if export.state == State.COMPLETED:
        return format_html('<progress value="100" max="100"></progress> {} rows', export.rows_done)
    if export.state == State.FAILED:
        return format_html('<span title="{}">failed after {} rows</span>', export.error, export.rows_done)
    return format_html(
        '<progress value="{}" max="100"></progress> {}% ({} of {} rows)',
        export.progress,
        export.progress,
        export.rows_done,
        "?" if export.rows_total is None else export.rows_total,
    )


def download_link(export: InsightExport) -> str:
    if export.state != State.COMPLETED or not export.file:
        return "-"
    url = reverse("admin:insights_insightexport_download", args=[export.pk])
    return format_html('<a href="{}">Download {}</a>', url, export.format)


class InsightExportInline(TabularInline):
    model = InsightExport
    fields = ["created", "format", "state", "progress_bar", "download", "requested_by"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True
    ordering = ["-created", "-id"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return services.exports_visible_to(request.user, super().get_queryset(request))

    @admin.display(description="progress")
    def progress_bar(self, obj):
        return progress_bar(obj)

    @admin.display(description="file")
    def download(self, obj):
        return download_link(obj)


class InsightForm(forms.ModelForm):
    class Meta:
        model = Insight
        fields = ["name", "description", "event", "measurement", "filters", "breakdowns"]
        help_texts = {
            "filters": 'Rule engine conditions, all must hold, e.g. [{"field": "state", "op": "eq", '
            '"value": "PENDING"}, {"field": "contact.city", "op": "eq", "value": "Gent"}].',
            "breakdowns": 'Attribute names, e.g. ["state", "type"].',
        }


@admin.register(Insight)
class InsightAdmin(ServiceAdminMixin, ChangeLogHistoryMixin, ModelAdmin):
    form = InsightForm
    list_display = ["name", "event", "measurement", "created_by", "created"]
    list_filter = ["event"]
    search_fields = ["name", "description"]
    list_select_related = ["created_by"]
    inlines = [InsightExportInline]
    actions = ["delete_selected", "export_csv", "export_pdf"]

    def save_model(self, request, obj, form, change):
        adopt(obj, services.save_insight(request.user, obj))

    def delete_model(self, request, obj):
        services.delete_insight(request.user, obj)

    def save_formset(self, request, form, formset, change):
        """The exports inline is read-only."""
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []

    def _export(self, request, queryset, format):
        for insight in queryset:
            try:
                services.request_export(request.user, insight, format=format)
            except ValidationError as error:
                self.message_user(request, f"{insight}: {' '.join(error.messages)}", messages.ERROR)
            else:
                self.message_user(request, f"{insight}: {format} export queued.", messages.SUCCESS)

    @admin.action(permissions=["view"], description="Export selected insights as CSV")
    def export_csv(self, request, queryset):
        self._export(request, queryset, InsightExport.Format.CSV)

    @admin.action(permissions=["view"], description="Export selected insights as PDF")
    def export_pdf(self, request, queryset):
        self._export(request, queryset, InsightExport.Format.PDF)


@admin.register(InsightExport)
class InsightExportAdmin(ServiceAdminMixin, ModelAdmin):
    list_display = ["insight", "format", "state", "progress_bar", "download", "created", "finished_at"]
    list_filter = ["state", "format"]
    search_fields = ["insight__name"]
    list_select_related = ["insight"]
    readonly_fields = [
        "insight",
        "format",
        "from_date",
        "to_date",
        "state",
        "progress_bar",
        "download",
        "rows_total",
        "rows_done",
        "size",
        "peak_memory",
        "attempts",
        "error",
        "started_at",
        "finished_at",
        "requested_by",
        "uuid",
        "created",
    ]
    fields = readonly_fields
    actions = ["delete_selected", "run_again"]

    def has_add_permission(self, request):
        return False

    def get_queryset(self, request):
        return services.exports_visible_to(request.user, super().get_queryset(request))

    def has_change_permission(self, request, obj=None):
        return False

    def delete_model(self, request, obj):
        services.delete_export(request.user, obj)

    @admin.display(description="progress")
    def progress_bar(self, obj):
        return progress_bar(obj)

    @admin.display(description="file")
    def download(self, obj):
        return download_link(obj)

    @admin.action(permissions=["view"], description="Run selected exports again (failed or interrupted)")
    def run_again(self, request, queryset):
        for export in queryset:
            try:
                services.retry_export(request.user, export)
            except ValidationError as error:
                self.message_user(request, f"{export}: {' '.join(error.messages)}", messages.WARNING)
            else:
                self.message_user(request, f"{export}: queued again.", messages.SUCCESS)

    def get_urls(self):
        download = path(
            "<path:object_id>/download/",
            self.admin_site.admin_view(self.download_view),
            name="insights_insightexport_download",
        )
        return [download, *super().get_urls()]

    def download_view(self, request, object_id):
        exports = self.get_queryset(request).select_related("insight")
        export = get_object_or_404(exports, pk=unquote(object_id))
        if not self.has_view_permission(request, export):
            raise PermissionDenied
        if export.state != State.COMPLETED or not export.file or not default_storage.exists(export.file.name):
            raise Http404("The export's file is not ready.")
        return FileResponse(
            default_storage.open(export.file.name, "rb"),
            as_attachment=True,
            filename=f"{export.insight.name[:80]}.{export.format.lower()}",
        )


@admin.register(ListExport)
class ListExportAdmin(ModelAdmin):
    """Exports of back-office lists: progress while running, then the file to download."""

    list_display = ["model", "format", "state", "progress_bar", "download", "requested_by", "created"]
    list_filter = ["state", "format", "model"]
    readonly_fields = [
        "model",
        "query",
        "format",
        "state",
        "progress_bar",
        "download",
        "rows_total",
        "rows_done",
        "size",
        "attempts",
        "error",
        "started_at",
        "finished_at",
        "requested_by",
        "uuid",
        "created",
    ]
    fields = readonly_fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description="progress")
    def progress_bar(self, obj):
        return progress_bar(obj)

    @admin.display(description="file")
    def download(self, obj):
        if obj.state != State.COMPLETED or not obj.file:
            return "-"
        url = reverse("admin:insights_listexport_download", args=[obj.pk])
        return format_html(
            '<a href="{}" class="text-primary-600" data-testid="download">Download {}</a>', url, obj.format
        )

    def get_urls(self):
        download = path(
            "<path:object_id>/download/",
            self.admin_site.admin_view(self.download_view),
            name="insights_listexport_download",
        )
        return [download, *super().get_urls()]

    def download_view(self, request, object_id):
        export = get_object_or_404(ListExport, pk=unquote(object_id))
        if not self.has_view_permission(request, export):
            raise PermissionDenied
        if export.state != State.COMPLETED or not export.file or not default_storage.exists(export.file.name):
            raise Http404("The export's file is not ready.")
        name = export.model.split(".")[-1]
        return FileResponse(
            default_storage.open(export.file.name, "rb"),
            as_attachment=True,
            filename=f"{name}-{export.created:%Y%m%d-%H%M}.{export.format.lower()}",
        )
