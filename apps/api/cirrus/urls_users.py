"""Routes of Cirrus part 2's users, budgets, departments, roles and KPIs (users.py) and of the
company-wide settings, add-ons and sort groups (company.py). Paths as spec part 2 §1 infers them,
without a trailing slash; `/users/me` and `/users/budget` come before `/users/<id>`."""

from django.urls import path

from . import company, users

urlpatterns = [
    path("users", users.UserListView.as_view()),
    path("users/me", users.CurrentUserView.as_view()),
    path("users/budget", users.BudgetListView.as_view()),
    path("users/<int:id>", users.UserDetailView.as_view()),
    path("users/<int:userid>/budget", users.UserBudgetListView.as_view()),
    path("users/<int:userid>/budget/<int:year>/<int:month>", users.BudgetItemView.as_view()),
    path("departments", users.DepartmentListView.as_view()),
    path("departments/<int:id>", users.DepartmentDetailView.as_view()),
    path("roles", users.RoleListView.as_view()),
    path("kpis", users.KpiListView.as_view()),
    path("settings", company.SettingsView.as_view()),
    path("addons", company.AddonListView.as_view()),
    path("addons/<int:id>", company.AddonDetailView.as_view()),
    path("sortgroups", company.SortGroupListView.as_view()),
    path("sortgroups/<int:id>", company.SortGroupDetailView.as_view()),
]
