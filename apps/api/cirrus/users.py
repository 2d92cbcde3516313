"""Cirrus users, the current user, user budgets, departments, roles (spec part 2, §2.6) and KPIs
(§2.7). A Cirrus user is a Django user with a core.UserProfile; every write goes through
apps.core.services_staff. Lists cost a fixed number of queries: users prefetch their roles,
tags, settings and departments, and departments' ancestor chains come from one query of the
department tree per request.
"""

import calendar
import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db.models import F, Prefetch, Q
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from apps.core import kpis
from apps.core import services_staff as staff
from apps.core.models import Department, KpiDefinition, Role, Tag, UserBudget, UserProfile, UserSetting

from .fragments import ListedUserSerializer, TagSerializer, listed_user, tag
from .toolkit.errors import CirrusError, invalid
from .toolkit.fields import CirrusSerializer, Flag, IdObjectsField, Int, Str
from .toolkit.filters import (
    ActiveFilter,
    CirrusFilterSet,
    CsvIdsFilter,
    FulltextFilter,
    IntFilter,
    SortingFilter,
    WildcardFilter,
)
from .toolkit.presenters import text, utc
from .toolkit.views import CirrusView

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


# --- Shapes ------------------------------------------------------------------------------------


def _has_profile(user) -> bool:
    try:
        user.profile  # noqa: B018
    except Exception:  # noqa: BLE001 - RelatedObjectDoesNotExist
        return False
    return True


class DepartmentTree:
    """Every department with its manager, read once per request: ancestor chains without a
    query per level."""

    def __init__(self):
        self.by_id = {d.pk: d for d in Department.objects.select_related("manager__profile").order_by("pk")}

    def department4(self, department) -> dict | None:
        if department is None:
            return None
        return {
            "id": department.pk,
            "name": text(department.name),
            "parentid": department.parent_id,
            "manager": listed_user(department.manager),
        }

    def department1(self, department, depth: int = 3) -> dict | None:
        """Department1: the department and its ancestors, three levels, then Department4."""
        if department is None:
            return None
        parent = self.by_id.get(department.parent_id)
        return {
            "id": department.pk,
            "name": text(department.name),
            "manager": listed_user(self.by_id.get(department.pk, department).manager),
            "parentdepartment": self.department1(parent, depth - 1)
            if depth > 1
            else self.department4(parent),
        }


def tree(context) -> DepartmentTree:
    if "department_tree" not in context:
        context["department_tree"] = DepartmentTree()
    return context["department_tree"]


def setting_data(row: UserSetting) -> dict:
    return {"id": row.pk, "key": row.key, "value": text(row.value), "userid": row.user_id}


def profile(user) -> UserProfile:
    """The user's profile, or a blank one (not saved: a read writes nothing) if it has none."""
    return user.profile if _has_profile(user) else UserProfile(user=user)


def nullable(**kwargs):
    return serializers.CharField(allow_null=True, **kwargs)


class Department4Serializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = nullable()
    parentid = serializers.IntegerField(allow_null=True)
    manager = ListedUserSerializer(allow_null=True)


class Department1Serializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = nullable()
    manager = ListedUserSerializer(allow_null=True)
    parentdepartment = serializers.JSONField(
        allow_null=True,
        help_text="The parent, in the same shape, three levels deep; the deepest is a Department4 "
        "{id, name, parentid, manager}.",
    )


class UserSettingSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    key = serializers.CharField()
    value = nullable()
    userid = serializers.IntegerField()


class RoleSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = nullable()

    def to_representation(self, role):
        return {"id": role.pk, "name": text(role.name)}


class UserFieldsSerializer(serializers.Serializer):
    """The keys User and CurrentUser share."""

    id = serializers.IntegerField()
    active = serializers.IntegerField(help_text="1 active, 0 inactive.")
    name = nullable(help_text="First name.")
    surname = nullable()
    title = nullable()
    email = nullable()
    phone = nullable()
    cellphone = nullable()
    language = nullable()
    presentation = nullable()
    startpage = serializers.IntegerField(allow_null=True, help_text="DEPRECATED.")
    lastactive = nullable(help_text="The last sign-in or API call, UTC.")
    avatar_b64 = nullable()
    photo_b64 = nullable()
    departments = Department1Serializer(many=True)
    settings = UserSettingSerializer(many=True)


class UserSerializer(UserFieldsSerializer):
    """User (§3.5): the Django user, its profile, departments, settings, roles and tags."""

    roles = RoleSerializer(many=True)
    tags = TagSerializer(many=True)

    with_roles_and_tags = True

    def to_representation(self, user):
        own = profile(user)
        departments = tree(self.context)
        data = {
            "id": user.pk,
            "active": int(user.is_active),
            "name": text(user.first_name),
            "surname": text(user.last_name),
            "title": text(own.title),
            "email": text(user.email),
            "phone": text(own.phone),
            "cellphone": text(own.cellphone),
            "language": text(own.language),
            "presentation": text(own.presentation),
            "startpage": own.start_page,
            "lastactive": utc(_last_active(user)),
            "avatar_b64": text(own.avatar_b64),
            "photo_b64": text(own.photo_b64),
            "departments": [departments.department1(d) for d in user.departments.all()],
            "settings": [setting_data(s) for s in user.staff_settings.all()],
        }
        if self.with_roles_and_tags:
            data["roles"] = [RoleSerializer().to_representation(r) for r in user.staff_roles.all()]
            data["tags"] = [tag(t, "user") for t in own.tags.all()] if own.pk else []
        return data


def _last_active(user):
    times = [t for t in (user.last_login, getattr(user, "key_last_used", None)) if t is not None]
    return max(times) if times else None


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


class EmailSettingsSerializer(serializers.Serializer):
    id = serializers.IntegerField(allow_null=True)
    email = nullable()
    name = nullable()
    username = nullable()
    password = nullable()
    port = nullable()
    authtype = serializers.IntegerField(allow_null=True)
    incominserver = nullable(help_text="The incoming mail server (the doc's spelling).")
    smtpserver = nullable()
    userid = serializers.IntegerField()
    signature = nullable()
    defaultemailtype = serializers.IntegerField(allow_null=True)


class PropertiesSerializer(serializers.Serializer):
    userid = serializers.IntegerField()
    licenceadmin = serializers.IntegerField()
    elevatedaccount = serializers.IntegerField()
    salescoach = serializers.IntegerField()
    crmversion = serializers.IntegerField()


class CurrentUserSerializer(UserSerializer):
    """CurrentUser: the user without roles and tags, with customerid, emailsettings, properties."""

    with_roles_and_tags = False
    roles = None
    tags = None
    customerid = serializers.IntegerField()
    emailsettings = EmailSettingsSerializer()
    properties = PropertiesSerializer()

    def to_representation(self, user):
        data = super().to_representation(user)
        own = profile(user)
        mail = getattr(user, "email_settings", None) if hasattr(user, "email_settings") else None
        data["customerid"] = getattr(settings, "CIRRUS_CUSTOMER_ID", 1)
        data["emailsettings"] = {
            "id": mail.pk if mail else None,
            "email": text(mail.email) if mail else None,
            "name": text(mail.name) if mail else None,
            "username": text(mail.username) if mail else None,
            "password": text(mail.password) if mail else None,
            "port": text(mail.port) if mail else None,
            "authtype": mail.auth_type if mail else None,
            "incominserver": text(mail.incoming_server) if mail else None,
            "smtpserver": text(mail.smtp_server) if mail else None,
            "userid": user.pk,
            "signature": text(mail.signature) if mail else None,
            "defaultemailtype": mail.default_email_type if mail else None,
        }
        data["properties"] = {
            "userid": user.pk,
            "licenceadmin": int(own.licence_admin),
            "elevatedaccount": int(own.elevated_account),
            "salescoach": int(own.sales_coach),
            "crmversion": own.crm_version,
        }
        return data


# --- Requests ----------------------------------------------------------------------------------


class SettingItem(CirrusSerializer):
    key = Str(required=True, allow_blank=False, max_length=100)
    value = Str(allow_null=True)


class UserBody(CirrusSerializer):
    """POST /users (P2-026) and PUT /users/{id} (P2-037)."""

    active = Flag()
    name = Str(max_length=150)
    surname = Str(max_length=150)
    title = Str(max_length=100)
    email = Str(max_length=254)
    phone = Str(max_length=50)
    cellphone = Str(max_length=50)
    language = Str(max_length=10)
    presentation = Str()
    startpage = Int(min_value=-(2**31), max_value=2**31 - 1)
    avatar_b64 = Str()
    photo_b64 = Str()
    departments = IdObjectsField(Department.objects.all(), what="department")
    tags = IdObjectsField(Tag.objects.all(), what="tag")

    def validate_email(self, value):
        if value:
            try:
                validate_email(value)
            except DjangoValidationError:
                raise serializers.ValidationError(f"'{value}' is not a valid e-mail address.") from None
        return value


class NewUserBody(UserBody):
    name = Str(required=True, max_length=150)
    surname = Str(required=True, max_length=150)
    title = Str(required=True, max_length=100)
    cellphone = Str(required=True, max_length=50)
    roles = IdObjectsField(Role.objects.all(), what="role", required=True)
    settings = serializers.ListField(child=SettingItem(), required=False)


class EmailSettingsBody(CirrusSerializer):
    email = Str(max_length=254)
    name = Str(max_length=200)
    username = Str(max_length=200)
    password = Str(max_length=200)
    port = Str(max_length=10)
    authtype = Int(min_value=-(2**31), max_value=2**31 - 1)
    incominserver = Str(max_length=200)
    smtpserver = Str(max_length=200)
    signature = Str()
    defaultemailtype = Int(min_value=-(2**31), max_value=2**31 - 1)


class PropertiesBody(CirrusSerializer):
    licenceadmin = Flag()
    elevatedaccount = Flag()
    salescoach = Flag()
    crmversion = Int(min_value=0, max_value=32767)


class MeBody(UserBody):
    """PUT /users/me (P2-033)."""

    settings = serializers.ListField(child=SettingItem(), required=False)
    emailsettings = EmailSettingsBody(required=False)
    properties = PropertiesBody(required=False)


EMAIL_SETTING_NAMES = {
    "authtype": "auth_type",
    "incominserver": "incoming_server",
    "smtpserver": "smtp_server",
    "defaultemailtype": "default_email_type",
}
PROPERTY_NAMES = {
    "licenceadmin": "licence_admin",
    "elevatedaccount": "elevated_account",
    "salescoach": "sales_coach",
    "crmversion": "crm_version",
}


def user_fields(data: dict) -> dict:
    """A validated body -> services_staff's keyword arguments."""
    fields = {}
    for name in ("name", "surname", "email", "title", "phone", "cellphone", "language", "presentation"):
        if name in data:
            fields[name] = data[name]
    if data.get("active") is not None:
        fields["active"] = data["active"]
    if "startpage" in data:
        fields["start_page"] = data["startpage"]
    for name in ("avatar_b64", "photo_b64"):
        if name in data:
            fields[name] = data[name]
    for name in ("departments", "tags", "roles"):
        if name in data and data[name] is not None:
            fields[name] = data[name]
    if data.get("settings") is not None:
        fields["settings"] = [{"key": s["key"], "value": s.get("value") or ""} for s in data["settings"]]
    return fields


# --- Filters -------------------------------------------------------------------------------------


class UserFilter(CirrusFilterSet):
    active = ActiveFilter()
    code = WildcardFilter(field_name="profile__code")
    fulltext = FulltextFilter(columns=("first_name", "last_name", "email"))
    sorting = SortingFilter(
        keys={"name": ["first_name"], "active": ["is_active"], "surname": ["last_name"]}, default="name_asc"
    )


def _period_filter(queryset, data):
    """(year, month) from/to bounds, inclusive; a bound's missing month is the year's first/last."""
    year_from, month_from = data.get("year_from"), data.get("month_from")
    year_to, month_to = data.get("year_to"), data.get("month_to")
    period = F("year") * 100 + F("month")
    queryset = queryset.alias(period=period)
    if year_from is not None:
        queryset = queryset.filter(period__gte=year_from * 100 + (month_from or 1))
    elif month_from is not None:
        queryset = queryset.filter(month__gte=month_from)
    if year_to is not None:
        queryset = queryset.filter(period__lte=year_to * 100 + (month_to or 12))
    elif month_to is not None:
        queryset = queryset.filter(month__lte=month_to)
    return queryset


class BudgetFilter(CirrusFilterSet):
    userids = CsvIdsFilter(field_name="user_id")
    year_from = IntFilter(method="no_op")
    month_from = IntFilter(method="no_op")
    year_to = IntFilter(method="no_op")
    month_to = IntFilter(method="no_op")

    def no_op(self, queryset, name, value):
        return queryset

    def filter_queryset(self, queryset):
        return _period_filter(super().filter_queryset(queryset), self.form.cleaned_data)


class DepartmentFilter(CirrusFilterSet):
    parentid = IntFilter(field_name="parent_id")
    managerid = IntFilter(field_name="manager_id")
    sorting = SortingFilter(keys={"name": ["name"]}, default="name_asc")


class RoleFilter(CirrusFilterSet):
    sorting = SortingFilter(keys={"name": ["name"], "id": ["id"]}, default="name_asc")


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
        staff.update_user(request.user, user, **fields)
        return self.respond(self.get_queryset().get(pk=user.pk))


# --- Budgets -------------------------------------------------------------------------------------


def _weekdays(year: int, month: int) -> list[datetime.date]:
    days = calendar.monthrange(year, month)[1]
    return [d for d in (datetime.date(year, month, n) for n in range(1, days + 1)) if d.weekday() < 5]


def _spread(total: int, days: int) -> list[int]:
    """Even over the days, the remainder on the last one (Q14)."""
    share = total // days
    return [share] * (days - 1) + [total - share * (days - 1)]


def budget_weeks(row: UserBudget) -> list[dict]:
    """The month's budget and pipeline spread over its weekdays, grouped by ISO week."""
    days = _weekdays(row.year, row.month)
    budgets, pipelines = _spread(row.budget, len(days)), _spread(row.pipeline, len(days))
    weeks: dict[int, dict] = {}
    for day, budget, pipeline in zip(days, budgets, pipelines, strict=True):
        number = day.isocalendar().week
        week = weeks.setdefault(number, {"week": str(number), "budget": 0, "pipeline": 0, "days": []})
        week["budget"] += budget
        week["pipeline"] += pipeline
        week["days"].append({"day": day.isoformat(), "budget": budget, "pipeline": pipeline})
    return list(weeks.values())


class BudgetDaySerializer(serializers.Serializer):
    day = serializers.CharField(help_text="YYYY-MM-DD")
    budget = serializers.IntegerField()
    pipeline = serializers.IntegerField()


class BudgetWeekSerializer(serializers.Serializer):
    week = serializers.CharField(help_text="ISO week number.")
    budget = serializers.IntegerField()
    pipeline = serializers.IntegerField()
    days = BudgetDaySerializer(many=True)


class BudgetSerializer(serializers.Serializer):
    """UserBudget: the month's figures and their spread over its weekdays (Q14)."""

    id = serializers.IntegerField()
    userid = serializers.IntegerField()
    year = serializers.IntegerField()
    month = serializers.IntegerField()
    budget = serializers.IntegerField()
    pipeline = serializers.IntegerField()
    weeks = BudgetWeekSerializer(many=True)

    def to_representation(self, row):
        return {
            "id": row.pk,
            "userid": row.user_id,
            "year": row.year,
            "month": row.month,
            "budget": row.budget,
            "pipeline": row.pipeline,
            "weeks": budget_weeks(row),
        }


class BudgetBody(CirrusSerializer):
    budget = Int(min_value=0)
    pipeline = Int(min_value=0)


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


class DepartmentSerializer(serializers.Serializer):
    """Department (§3.6): parent as Department4, manager and members as ListedUsers."""

    id = serializers.IntegerField()
    name = nullable()
    parent = Department4Serializer(allow_null=True)
    manager = ListedUserSerializer(allow_null=True)
    users = ListedUserSerializer(many=True)

    def to_representation(self, department):
        departments = tree(self.context)
        return {
            "id": department.pk,
            "name": text(department.name),
            "parent": departments.department4(departments.by_id.get(department.parent_id)),
            "manager": listed_user(department.manager),
            "users": [listed_user(u) for u in department.users.all()],
        }


class DepartmentBody(CirrusSerializer):
    id = Int(required=True, allow_null=True)  # required by the doc; its value is ignored (Q17)
    name = Str(max_length=100)
    parent = serializers.DictField(required=False, allow_null=True)
    manager = serializers.DictField(required=False, allow_null=True)
    users = IdObjectsField(User.objects.all(), what="user")

    def _ref(self, value, queryset, what):
        if value is None:
            return None
        pk = value.get("id")
        if isinstance(pk, bool) or not isinstance(pk, int):
            raise serializers.ValidationError(f"{value!r} is not an object with an integer 'id'")
        obj = queryset.filter(pk=pk).first() if 0 < pk < 2**63 else None
        if obj is None:
            raise serializers.ValidationError(f"No {what} with id {pk}.")
        return obj

    def validate_parent(self, value):
        return self._ref(value, Department.objects.all(), "department")

    def validate_manager(self, value):
        return self._ref(value, User.objects.all(), "user")


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


class RoleBody(CirrusSerializer):
    name = Str(max_length=100)


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


class KpiSerializer(serializers.Serializer):
    """KPI (§3.8): a definition's values for the user, as strings."""

    id = serializers.IntegerField()
    title = nullable()
    type = serializers.CharField(help_text="number, currency or percent.")
    subtitle = nullable()
    value = nullable(help_text="The user's value.")
    period = serializers.CharField(help_text="YYYY-MM.")
    average = nullable(help_text="The average over active users.")

    def to_representation(self, definition):
        value, average = self.context["kpi_values"].get(definition.calculator, ("", ""))
        return {
            "id": definition.pk,
            "title": text(definition.title),
            "type": definition.display_type,
            "subtitle": text(definition.subtitle),
            "value": text(value),
            "period": self.context["kpi_period"],
            "average": text(average),
        }


class KpiFilter(CirrusFilterSet):
    sorting = SortingFilter(keys={"sort": ["sort"]}, default="sort_asc")


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
