"""Routes of Cirrus part 2's users, budgets, departments, roles and KPIs. Paths as spec part 2 §1
infers them, without a trailing slash; `/users/me` and `/users/budget` come before `/users/<id>`."""

from django.urls import path

from . import views as v

urlpatterns = [
    path("users", v.UserListView.as_view()),
    path("users/me", v.CurrentUserView.as_view()),
    path("users/budget", v.BudgetListView.as_view()),
    path("users/<int:id>", v.UserDetailView.as_view()),
    path("users/<int:userid>/budget", v.UserBudgetListView.as_view()),
    path("users/<int:userid>/budget/<int:year>/<int:month>", v.BudgetItemView.as_view()),
    path("departments", v.DepartmentListView.as_view()),
    path("departments/<int:id>", v.DepartmentDetailView.as_view()),
    path("roles", v.RoleListView.as_view()),
    path("kpis", v.KpiListView.as_view()),
]
