"""The shapes and request bodies of Cirrus users, the current user, user budgets, departments,
roles (spec part 2, §2.6) and KPIs (§2.7). A Cirrus user is a Django user with a core.UserProfile;
departments' ancestor chains come from one read of the department tree per request.
"""

import calendar
import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from rest_framework import serializers

from apps.core.models import Department, Role, Tag, UserBudget, UserProfile, UserSetting

from ..fragments import ListedUserSerializer, TagSerializer, listed_user, tag
from ..toolkit.fields import CirrusSerializer, Flag, IdObjectsField, Int, Str
from ..toolkit.presenters import text, utc

User = get_user_model()

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


class EmailSettingsSerializer(serializers.Serializer):
    id = serializers.IntegerField(allow_null=True)
    email = nullable()
    name = nullable()
    username = nullable()
    password = nullable(help_text="Write-only: always null in answers.")
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
            "password": None,  # write-only: never shown (encrypted at rest, issue 16)
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


class RoleBody(CirrusSerializer):
    name = Str(max_length=100)


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
