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
