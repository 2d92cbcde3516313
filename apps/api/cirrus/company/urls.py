"""Routes of Cirrus part 2's company-wide settings, add-ons and sort groups (spec part 2 §1)."""

from django.urls import path

from . import views as v

urlpatterns = [
    path("settings", v.SettingsView.as_view()),
    path("addons", v.AddonListView.as_view()),
    path("addons/<int:id>", v.AddonDetailView.as_view()),
    path("sortgroups", v.SortGroupListView.as_view()),
    path("sortgroups/<int:id>", v.SortGroupDetailView.as_view()),
]
