"""Every write to staff users (Django users with a UserProfile), their settings and budgets,
departments, roles, the tenant settings and sort groups, with their rules and the change log.
The admin and the APIs call these. Rule violations raise ValidationError keyed by field.

A user's change log entries show the fields an API shows (name, surname, e-mail, active and the
profile's); the password hash is never logged, and images are logged by length only.
"""

import base64
import binascii
import copy
import re

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max

from .changelog import log_create, log_delete, log_update, log_values, snapshot
from .db import insert_or_lock
from .models import (
    Department,
    Role,
    SortGroup,
    Tag,
    TenantSettings,
    UserBudget,
    UserEmailSettings,
    UserProfile,
    UserSetting,
)

User = get_user_model()

# What a user's own fields are called here -> the Django user's or the profile's field.
USER_FIELDS = {"name": "first_name", "surname": "last_name", "email": "email", "active": "is_active"}
PROFILE_FIELDS = {
    "title",
    "phone",
    "cellphone",
    "language",
    "presentation",
    "start_page",
    "code",
    "avatar_b64",
    "photo_b64",
}
PROPERTY_FIELDS = {"licence_admin", "elevated_account", "sales_coach", "crm_version"}
EMAIL_SETTING_FIELDS = {
    "email",
    "name",
    "username",
    "password",
    "port",
    "auth_type",
    "incoming_server",
    "smtp_server",
    "signature",
    "default_email_type",
}


def profile_of(user) -> UserProfile:
    """The user's profile, made on first use (users made by createsuperuser have none)."""
    try:
        return user.profile
    except UserProfile.DoesNotExist:
        profile, _ = UserProfile.objects.get_or_create(user=user)
        user.profile = profile
        return profile


def _check_image(field: str, value: str) -> str:
    if value:
        try:
            base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            raise ValidationError({field: "Not valid base64."}) from None
    return value


def _state(user) -> dict:
    profile = profile_of(user)
    state = {name: getattr(user, attr) for name, attr in USER_FIELDS.items()}
    for name in sorted(PROFILE_FIELDS | PROPERTY_FIELDS):
        value = getattr(profile, name)
        state[name] = f"{len(value)} characters" if name.endswith("_b64") and value else value
    state["departments"] = sorted(user.departments.values_list("pk", flat=True))
    state["roles"] = sorted(user.staff_roles.values_list("pk", flat=True))
    state["tags"] = sorted(profile.tags.values_list("pk", flat=True))
    return state


def _username(email: str, name: str, surname: str) -> str:
    base = (email or f"{name}.{surname}".strip(".") or "user").lower()[:140]
    base = re.sub(r"[^\w.@+-]", "", base) or "user"
    candidate, n = base, 1
    while User.objects.filter(username=candidate).exists():
        n += 1
        candidate = f"{base}-{n}"
    return candidate


def _apply(user, profile, fields: dict) -> None:
    for name, value in fields.items():
        if name in USER_FIELDS:
            setattr(user, USER_FIELDS[name], value)
        elif name in PROFILE_FIELDS | PROPERTY_FIELDS:
            if name.endswith("_b64"):
                _check_image(name, value or "")
            setattr(profile, name, value if value is not None or name == "start_page" else "")
        else:
            raise ValidationError({name: "Unknown field."})


def _set_relations(user, profile, *, departments=None, roles=None, tags=None) -> None:
    if departments is not None:
        user.departments.set(departments)
    if roles is not None:
        user.staff_roles.set(roles)
    if tags is not None:
        profile.tags.set(tags)


def _save_settings(user, settings: list[dict]) -> None:
    """Upsert the user's settings by key."""
    for item in settings:
        value = item.get("value") or ""
        UserSetting.objects.update_or_create(user=user, key=item["key"], defaults={"value": value})


@transaction.atomic
def create_user(
    actor,
    *,
    roles: list[Role],
    departments: list[Department] = (),
    tags: list[Tag] = (),
    settings: list[dict] = (),
    **fields,
):
    """A staff user with a profile. No password: the user signs in with API keys (or a password
    staff set in the admin)."""
    for required in ("name", "surname"):
        if not (fields.get(required) or "").strip():
            raise ValidationError({required: "This field can not be empty."})
    user = User(username=_username(fields.get("email", ""), fields["name"], fields["surname"]))
    user.set_unusable_password()
    profile = UserProfile()
    _apply(user, profile, fields)
    user.save()
    profile.user = user
    profile.save()
    user.profile = profile
    _set_relations(user, profile, departments=departments, roles=roles, tags=tags)
    _save_settings(user, settings)
    log_values(actor, user, {}, _state(user))
    return user


@transaction.atomic
def update_user(
    actor, user, *, departments=None, roles=None, tags=None, settings=None, email_settings=None, **fields
):
    """Change the fields given; `departments`, `roles` and `tags` replace their sets; `settings`
    are upserted by key; `email_settings` are merged field by field."""
    before = _state(user)
    profile = profile_of(user)
    _apply(user, profile, fields)
    user.save()
    profile.save()
    _set_relations(user, profile, departments=departments, roles=roles, tags=tags)
    if settings is not None:
        _save_settings(user, settings)
    if email_settings is not None:
        row, _ = UserEmailSettings.objects.get_or_create(user=user)
        row_before = snapshot(row)
        for name, value in email_settings.items():
            if name not in EMAIL_SETTING_FIELDS:
                raise ValidationError({name: "Unknown field."})
            setattr(row, name, value if value is not None else row._meta.get_field(name).get_default())
        row.save()
        row_before.pop("password", None)
        after = snapshot(row)
        after.pop("password", None)
        log_values(actor, row, row_before, after, parent=user)
    log_values(actor, user, before, _state(user))
    return user


SELF_CHANGE_REFUSED = "Changing your own {} needs the permission to change users."


@transaction.atomic
def update_own_profile(user, **fields):
    """A user's change of their own profile (Cirrus PUT /users/me): names, contact details,
    language, pictures, settings and e-mail settings. Whether the account is active and which
    departments it belongs to are administered: only a user who may change users (auth.change_user)
    changes their own; otherwise a value other than the current one is refused (PermissionDenied),
    while sending the current values back (a read-modify-write client) is fine."""
    if not user.has_perm(f"{User._meta.app_label}.change_{User._meta.model_name}"):
        if "active" in fields and bool(fields["active"]) != user.is_active:
            raise PermissionDenied(SELF_CHANGE_REFUSED.format("active flag"))
        departments = fields.get("departments")
        if departments is not None:
            current = set(user.departments.values_list("pk", flat=True))
            if {d.pk for d in departments} != current:
                raise PermissionDenied(SELF_CHANGE_REFUSED.format("departments"))
    return update_user(user, user, **fields)


def last_active_of(users) -> dict[int, object]:
    """{user id: the later of the last sign-in and the last API key use}."""
    used = dict(
        User.objects.filter(pk__in=[u.pk for u in users])
        .annotate(key_used=Max("api_keys__last_used"))
        .values_list("pk", "key_used")
    )
    result = {}
    for user in users:
        times = [t for t in (user.last_login, used.get(user.pk)) if t is not None]
        result[user.pk] = max(times) if times else None
    return result


# --- Budgets --------------------------------------------------------------------------------


def _check_period(year, month):
    errors = {}
    if not isinstance(year, int) or not 1 <= year <= 9999:
        errors["year"] = "Not a valid year."
    if not isinstance(month, int) or not 1 <= month <= 12:
        errors["month"] = "A month is 1 to 12."
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def set_budget(actor, user, year: int, month: int, *, budget=None, pipeline=None) -> tuple[UserBudget, bool]:
    """Create or change the user's budget for a month: absent values are 0 on create and kept
    on update. Returns (budget, created)."""
    _check_period(year, month)
    for name, value in (("budget", budget), ("pipeline", pipeline)):
        if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
            raise ValidationError({name: "Must be a whole number of 0 or more."})
    existing = UserBudget.objects.filter(user=user, year=year, month=month)
    row = existing.select_for_update().first()
    if row is None:  # insert; if a concurrent writer inserted it first, update theirs
        new = UserBudget(user=user, year=year, month=month, budget=budget or 0, pipeline=pipeline or 0)
        row, created = insert_or_lock(new, existing)
        if created:
            log_create(actor, row, parent=user)
            return row, True
    before = snapshot(row)
    if budget is not None:
        row.budget = budget
    if pipeline is not None:
        row.pipeline = pipeline
    row.save()
    log_update(actor, row, before, parent=user)
    return row, False


@transaction.atomic
def delete_budget(actor, row: UserBudget) -> None:
    log_delete(actor, row, parent=row.user)
    row.delete()


# --- Departments and roles ------------------------------------------------------------------


def _check_parent(department: Department, parent: Department | None) -> None:
    node = parent
    while node is not None:
        if department.pk and node.pk == department.pk:
            raise ValidationError({"parent": "A department cannot be inside itself."})
        node = node.parent


@transaction.atomic
def create_department(actor, *, name="", parent=None, manager=None, users=None) -> Department:
    department = Department(name=name or "", parent=parent, manager=manager)
    department.save()
    if users is not None:
        department.users.set(users)
    log_create(actor, department)
    return department


_UNSET = object()


@transaction.atomic
def update_department(actor, department: Department, *, name=None, parent=_UNSET, manager=_UNSET, users=None):
    before = snapshot(department)
    if name is not None:
        department.name = name
    if parent is not _UNSET:
        _check_parent(department, parent)
        department.parent = parent
    if manager is not _UNSET:
        department.manager = manager
    department.save()
    if users is not None:
        members_before = sorted(department.users.values_list("pk", flat=True))
        department.users.set(users)
        log_values(
            actor,
            department,
            {"users": members_before},
            {"users": sorted(department.users.values_list("pk", flat=True))},
        )
    log_update(actor, department, before)
    return department


@transaction.atomic
def create_role(actor, *, name="") -> Role:
    role = Role.objects.create(name=name or "")
    log_create(actor, role)
    return role


# --- Tenant settings ------------------------------------------------------------------------

# Every key of each settings group and what it holds: str (string or null), int, [int], or a
# nested shape. A PUT merges objects key by key and replaces lists.
SETTINGS_SHAPE = {
    "portal": {
        name: "str"
        for name in (
            "name",
            "street",
            "zip",
            "city",
            "country",
            "phone",
            "fax",
            "email",
            "plusgiro",
            "bankgiro",
            "vatnumber",
            "vatregnumber",
            "url",
            "iban",
            "swift",
            "seat",
        )
    },
    "sales": {"defaultinterest": "int"},
    "fieldsales": {
        "activitytypes": {
            name: "int"
            for name in (
                "assigned",
                "knock",
                "note",
                "return",
                "notavailable",
                "rejected",
                "erpaccepted",
                "erpdeclined",
            )
        },
        "numberporting": {name: "int" for name in ("group", "name", "number", "phone")},
        "filter": "int",
        "headlines": [{"title": "str", "body": "str"}],
        "erpurl": "str",
        "signaturefields": ["int"],
        "terms": "str",
    },
    "consent": {
        "logofileid": "int",
        "email": {
            "fromemail": "str",
            "fromname": "str",
            "user": "str",
            "port": "str",
            "server": "str",
            "body": "str",
            "password": "str",
            "auth": "int",
            "userid": "int",
            "type": "int",
        },
    },
}


def blank_settings(shape):
    """The full key set of a shape with every value null (lists empty)."""
    if isinstance(shape, dict):
        return {key: blank_settings(value) for key, value in shape.items()}
    if isinstance(shape, list):
        return []
    return None


def _check_value(shape, value, path: str):
    if value is None:
        return blank_settings(shape) if isinstance(shape, dict) else ([] if isinstance(shape, list) else None)
    if isinstance(shape, dict):
        if not isinstance(value, dict):
            raise ValidationError({path: "Must be an object."})
        return {k: _check_value(shape[k], v, f"{path}.{k}") for k, v in value.items() if k in shape}
    if isinstance(shape, list):
        if not isinstance(value, list):
            raise ValidationError({path: "Must be a list."})
        return [_check_value(shape[0], item, f"{path}[{i}]") for i, item in enumerate(value)]
    if shape == "int" and (isinstance(value, bool) or not isinstance(value, int)):
        raise ValidationError({path: "Must be an integer."})
    if shape == "str" and not isinstance(value, str):
        raise ValidationError({path: "Must be a string."})
    return value


def _merge(shape, current, change):
    """Merge a checked change into the current value: objects key by key, lists replaced."""
    if isinstance(shape, dict):
        merged = dict(current) if isinstance(current, dict) else blank_settings(shape)
        for key, value in change.items():
            merged[key] = _merge(shape[key], merged.get(key), value) if isinstance(value, dict) else value
        return merged
    return change


def settings_values(row: TenantSettings) -> dict:
    """The settings with every documented key (unset ones null)."""
    data = {"currency": row.currency}
    for group, shape in SETTINGS_SHAPE.items():
        data[group] = _merge(shape, blank_settings(shape), getattr(row, group) or {})
    return data


@transaction.atomic
def update_settings(actor, changes: dict) -> TenantSettings:
    row = TenantSettings.objects.select_for_update().filter(pk=1).first() or TenantSettings.load()
    before = snapshot(row)
    if "currency" in changes:
        currency = changes["currency"]
        if currency is not None and (not isinstance(currency, str) or len(currency) > 3):
            raise ValidationError({"currency": "A currency code of at most 3 letters, or null."})
        row.currency = currency or None
    for group, shape in SETTINGS_SHAPE.items():
        if group in changes:
            checked = _check_value(shape, changes[group], group)
            setattr(row, group, _merge(shape, copy.deepcopy(getattr(row, group) or {}), checked))
    row.save()
    log_update(actor, row, before)
    return row


# --- Sort groups ----------------------------------------------------------------------------


@transaction.atomic
def create_sort_group(actor, *, name: str, sort: int, external_key: str = "") -> SortGroup:
    if not (name or "").strip():
        raise ValidationError({"name": "This field can not be empty."})
    group = SortGroup.objects.create(name=name, sort=sort, external_key=external_key or "")
    log_create(actor, group)
    return group


@transaction.atomic
def update_sort_group(actor, group: SortGroup, **fields) -> SortGroup:
    before = snapshot(group)
    if "name" in fields and not (fields["name"] or "").strip():
        raise ValidationError({"name": "This field can not be empty."})
    for name, value in fields.items():
        setattr(group, name, value if value is not None or name != "external_key" else "")
    group.save()
    log_update(actor, group, before)
    return group
