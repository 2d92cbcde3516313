"""The admin's shared base classes: every ModelAdmin and inline of the back office derives from
these (django-unfold's), so each screen gets the theme's widgets, tabs, filters and actions, and
project-wide admin defaults live in one place."""

from unfold.admin import GenericTabularInline as UnfoldGenericTabularInline
from unfold.admin import ModelAdmin as UnfoldModelAdmin
from unfold.admin import StackedInline as UnfoldStackedInline
from unfold.admin import TabularInline as UnfoldTabularInline


class ModelAdmin(UnfoldModelAdmin):
    """The back office's ModelAdmin: unfold's, with the submit row kept on screen and lists
    that never run the full-table COUNT twice (the "show counts" of a million rows)."""

    warn_unsaved_form = True
    compressed_fields = True
    list_filter_submit = True
    show_full_result_count = False


class TabularInline(UnfoldTabularInline):
    pass


class StackedInline(UnfoldStackedInline):
    pass


class GenericTabularInline(UnfoldGenericTabularInline):
    pass


def _request_export(model_admin, request, queryset, file_format: str):
    """Queue an export of the list as filtered on screen (or of the rows picked) through the
    insights export machinery; the message links to the running export."""
    from django.contrib import messages
    from django.contrib.admin import helpers
    from django.urls import reverse
    from django.utils.html import format_html

    from apps.core import jobs
    from apps.insights.models import ListExport
    from apps.insights.tasks import export_list

    query = request.GET.copy()
    for name in ("p", "o", "_changelist_filters"):
        query.pop(name, None)
    picked = None
    if request.POST.get("select_across", "0") != "1":
        picked = [int(pk) for pk in request.POST.getlist(helpers.ACTION_CHECKBOX_NAME)]
    export = ListExport.objects.create(
        model=model_admin.opts.label_lower,
        query=query.urlencode(),
        ids=picked,
        format=file_format,
        requested_by=request.user,
    )
    jobs.enqueue(export_list, export.pk)
    url = reverse("admin:insights_listexport_change", args=[export.pk])
    model_admin.message_user(
        request,
        format_html(
            'Exporting {} {} to {}: <a href="{}">follow the export and download it</a>.',
            "the selected" if picked is not None else "the filtered list of",
            model_admin.opts.verbose_name_plural,
            file_format,
            url,
        ),
        messages.INFO,
    )


def export_csv(model_admin, request, queryset):
    _request_export(model_admin, request, queryset, "CSV")


def export_xlsx(model_admin, request, queryset):
    _request_export(model_admin, request, queryset, "XLSX")


export_csv.short_description = "Export to CSV"
export_xlsx.short_description = "Export to Excel (XLSX)"


class ListExportMixin:
    """Adds "Export to CSV" and "Export to Excel" to a list's actions (the filtered list with
    "select all", or the rows picked)."""

    def get_actions(self, request):
        actions = super().get_actions(request)
        if self.has_view_permission(request) and request.user.has_perm("insights.add_listexport"):
            for function in (export_csv, export_xlsx):
                actions[function.__name__] = (function, function.__name__, function.short_description)
        return actions
