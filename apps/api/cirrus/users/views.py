"""Cirrus users, the current user, user budgets, departments, roles (spec part 2, §2.6) and KPIs
(§2.7). A Cirrus user is a Django user with a core.UserProfile; every write goes through
apps.core.services_staff. Lists cost a fixed number of queries: users prefetch their roles,
tags, settings and departments, and departments' ancestor chains come from one query of the
department tree per request.
"""

from django.contrib.auth import get_user_model
from django.db.models import Prefetch, Q
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.response import Response

from apps.core import kpis
from apps.core import services_staff as staff
from apps.core.models import Department, KpiDefinition, Role, UserBudget, UserSetting

from ..toolkit.errors import CirrusError, invalid
from ..toolkit.views import CirrusView
from .filters import BudgetFilter, DepartmentFilter, KpiFilter, RoleFilter, UserFilter
from .serializers import (
    EMAIL_SETTING_NAMES,
    PROPERTY_NAMES,
    BudgetBody,
    BudgetSerializer,
    CurrentUserSerializer,
    DepartmentBody,
    DepartmentSerializer,
    KpiSerializer,
    MeBody,
    NewUserBody,
    RoleBody,
    RoleSerializer,
    UserBody,
    UserSerializer,
    user_fields,
)

User = get_user_model()

NO_CONTENT = {204: OpenApiResponse(description="Done; no body.")}

# The services' field names -> the doc's, for the rule violations they raise.
USER_ERRORS = {
    "first_name": "name",
    "last_name": "surname",
    "is_active": "active",
    "start_page": "startpage",
    "licence_admin": "licenceadmin",
}


def users_queryset():
    from django.db.models import Max

    return (
        User.objects.select_related("profile")
        .annotate(key_last_used=Max("api_keys__last_used"))
        .prefetch_related(
            Prefetch("departments", queryset=Department.objects.order_by("name", "pk")),
            Prefetch("staff_roles", queryset=Role.objects.order_by("name", "pk")),
            Prefetch("staff_settings", queryset=UserSetting.objects.order_by("key")),
            "profile__tags",
        )
    )


# --- Users ---------------------------------------------------------------------------------------


class UserViewBase(CirrusView):
    permission_model = User
    error_field_map = USER_ERRORS

    def get_queryset(self):
        return users_queryset()


class UserListView(UserViewBase):
    """P2-026 POST /users, P2-027 GET /users."""

    serializer_class = UserSerializer
    filterset_class = UserFilter

    @extend_schema(summary="Returns a paginated list of users (P2-027)")
    def get(self, request):
        return self.list_response()

    @extend_schema(
        summary="Creates a new user (P2-026)", request=NewUserBody, responses={201: UserSerializer}
    )
    def post(self, request):
        data = self.body(NewUserBody)
        user = staff.create_user(request.user, **user_fields(data))
        return self.respond(self.get_queryset().get(pk=user.pk), status.HTTP_201_CREATED)


class UserDetailView(UserViewBase):
    """P2-037 PUT /users/{id}, P2-038 GET /users/{id}."""

    serializer_class = UserSerializer

    @extend_schema(summary="Returns a user (P2-038)")
    def get(self, request, id):
        return self.respond(self.get_object_or_404(self.get_queryset(), id, "User"))

    @extend_schema(summary="Updates a user (P2-037)", request=UserBody)
    def put(self, request, id):
        user = self.get_object_or_404(self.get_queryset(), id, "User")
        data = self.body(UserBody, partial=True)
        staff.update_user(request.user, user, **user_fields(data))
        return self.respond(self.get_queryset().get(pk=user.pk))


class CurrentUserView(UserViewBase):
    """P2-034 GET /users/me, P2-033 PUT /users/me: the token's own user, whatever its
    permissions. Licence flags (`properties`) change only for a licence administrator."""

    serializer_class = CurrentUserSerializer
    _ignore_model_permissions = True

    def get_queryset(self):
        return users_queryset().select_related("email_settings")

    @extend_schema(summary="Returns the current user (P2-034)")
    def get(self, request):
        return self.respond(self.get_queryset().get(pk=request.user.pk))

    @extend_schema(summary="Updates the current user (P2-033)", request=MeBody)
    def put(self, request):
        user = self.get_queryset().get(pk=request.user.pk)
        data = self.body(MeBody, partial=True)
        fields = user_fields(data)
        if data.get("emailsettings") is not None:
            fields["email_settings"] = {
                EMAIL_SETTING_NAMES.get(name, name): value for name, value in data["emailsettings"].items()
            }
        if data.get("properties") is not None and staff.profile_of(user).licence_admin:
            for name, value in data["properties"].items():
                if value is not None:
                    fields[PROPERTY_NAMES[name]] = value
        staff.update_own_profile(user, **fields)
        return self.respond(self.get_queryset().get(pk=user.pk))


# --- Budgets -------------------------------------------------------------------------------------


class BudgetViewBase(CirrusView):
    permission_model = UserBudget
    serializer_class = BudgetSerializer
    filterset_class = BudgetFilter

    def get_queryset(self):
        return UserBudget.objects.order_by("year", "month", "user_id", "id")

    def user_or_404(self, userid):
        return self.get_object_or_404(User.objects.all(), userid, "User")


class BudgetListView(BudgetViewBase):
    """P2-028 GET /users/budget: every user's monthly budgets."""

    @extend_schema(summary="get_budget_collection: budgets of every user (P2-028)")
    def get(self, request):
        return self.list_response()


class UserBudgetListView(BudgetViewBase):
    """P2-039 GET /users/{userid}/budget: one user's (`userids`, if given, intersects)."""

    @extend_schema(summary="get_budget_collection: one user's budgets (P2-039)")
    def get(self, request, userid):
        user = self.user_or_404(userid)
        return self.list_response(self.get_queryset().filter(user=user))


class BudgetItemView(BudgetViewBase):
    """P2-040 PUT, P2-041 DELETE, P2-042 GET /users/{userid}/budget/{year}/{month}."""

    def _period(self, year, month):
        if not 1 <= month <= 12:
            raise invalid({"month": f"{month} is not between 1 and 12"})
        if not 1 <= year <= 9999:
            raise invalid({"year": f"{year} is not between 1 and 9999"})

    def _row(self, userid, year, month):
        user = self.user_or_404(userid)
        self._period(year, month)
        row = UserBudget.objects.filter(user=user, year=year, month=month).first()
        if row is None:
            raise CirrusError(404, f"Budget {year}-{month:02d} of user {userid} not found")
        return row

    @extend_schema(summary="get_budget_item (P2-042)")
    def get(self, request, userid, year, month):
        return self.respond(self._row(userid, year, month))

    @extend_schema(summary="put_budget_item: sets the month's budget (P2-040)", request=BudgetBody)
    def put(self, request, userid, year, month):
        user = self.user_or_404(userid)
        self._period(year, month)
        data = self.body(BudgetBody, partial=True)
        row, _ = staff.set_budget(
            request.user, user, year, month, budget=data.get("budget"), pipeline=data.get("pipeline")
        )
        return self.respond(row)

    @extend_schema(summary="delete_budget_item (P2-041)", responses=NO_CONTENT)
    def delete(self, request, userid, year, month):
        staff.delete_budget(request.user, self._row(userid, year, month))
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- Departments and roles -----------------------------------------------------------------------


class DepartmentViewBase(CirrusView):
    permission_model = Department
    serializer_class = DepartmentSerializer
    filterset_class = DepartmentFilter

    def get_queryset(self):
        members = User.objects.select_related("profile").order_by("first_name", "last_name", "pk")
        return Department.objects.select_related("manager__profile").prefetch_related(
            Prefetch("users", queryset=members)
        )


class DepartmentListView(DepartmentViewBase):
    """P2-029 POST /departments, P2-030 GET /departments."""

    @extend_schema(summary="Returns a paginated list of departments (P2-030)")
    def get(self, request):
        return self.list_response()

    @extend_schema(
        summary="Creates a new department (P2-029)",
        request=DepartmentBody,
        responses={201: DepartmentSerializer},
    )
    def post(self, request):
        data = self.body(DepartmentBody)
        department = staff.create_department(
            request.user,
            name=data.get("name", ""),
            parent=data.get("parent"),
            manager=data.get("manager"),
            users=data.get("users"),
        )
        return self.respond(self.get_queryset().get(pk=department.pk), status.HTTP_201_CREATED)


class DepartmentDetailView(DepartmentViewBase):
    """P2-031 PUT /departments/{id}, P2-032 GET /departments/{id}."""

    @extend_schema(summary="Returns a department (P2-032)")
    def get(self, request, id):
        return self.respond(self.get_object_or_404(self.get_queryset(), id, "Department"))

    @extend_schema(summary="Updates a department (P2-031)", request=DepartmentBody)
    def put(self, request, id):
        department = self.get_object_or_404(self.get_queryset(), id, "Department")
        data = self.body(DepartmentBody, partial=True)
        if "id" not in self.request.data:
            raise invalid({"id": "'id' is a required property"})
        changes = {key: data[key] for key in ("parent", "manager", "users") if key in data}
        if "name" in data:
            changes["name"] = data["name"]
        staff.update_department(request.user, department, **changes)
        return self.respond(self.get_queryset().get(pk=department.pk))


class RoleListView(CirrusView):
    """P2-035 POST /roles, P2-036 GET /roles."""

    permission_model = Role
    serializer_class = RoleSerializer
    filterset_class = RoleFilter

    def get_queryset(self):
        return Role.objects.all()

    @extend_schema(summary="Returns a paginated list of roles (P2-036)")
    def get(self, request):
        return self.list_response()

    @extend_schema(summary="Creates a new role (P2-035)", request=RoleBody, responses={201: RoleSerializer})
    def post(self, request):
        data = self.body(RoleBody)
        return self.respond(
            staff.create_role(request.user, name=data.get("name", "")), status.HTTP_201_CREATED
        )


# --- KPIs ----------------------------------------------------------------------------------------


class KpiListView(CirrusView):
    """P2-043 GET /kpis?userid=: the user's KPIs, computed from the domain (apps.core.kpis)."""

    permission_model = KpiDefinition
    serializer_class = KpiSerializer
    filterset_class = KpiFilter
    LOCATIONS = ("dashboard", "all")

    def get_queryset(self):
        return KpiDefinition.objects.all()

    @extend_schema(
        summary="Returns a paginated list of a user's KPIs (P2-043)",
        parameters=[
            OpenApiParameter("userid", int, required=True, description="The user whose KPIs to compute."),
            OpenApiParameter("location", str, enum=["dashboard", "all"], description="Default dashboard."),
        ],
    )
    def get(self, request):
        raw = request.query_params.get("userid")
        if raw in (None, ""):
            raise invalid({"userid": "Missing required parameter in the query string"})
        try:
            userid = int(raw)
        except ValueError:
            raise invalid({"userid": f"invalid literal for int() with base 10: '{raw}'"}) from None
        location = request.query_params.get("location") or "dashboard"
        if location not in self.LOCATIONS:
            raise invalid({"location": f"The value '{location}' is not a valid choice for 'location'."})
        user = self.get_object_or_404(User.objects.all(), userid, "User")
        self.kpi_context = {"kpi_values": kpis.compute(user), "kpi_period": kpis.period_label()}
        queryset = self.get_queryset().filter(Q(on_dashboard=True) if location == "dashboard" else Q())
        return self.list_response(queryset)

    def get_serializer_context(self):
        return {**super().get_serializer_context(), **getattr(self, "kpi_context", {})}
