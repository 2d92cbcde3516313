"""Staff users, budgets, departments, roles, tenant settings, sort groups (apps.core.services_staff),
KPIs (apps.core.kpis), the shipped defaults and their admin screens."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from apps.core import kpis
from apps.core import services_staff as staff
from apps.core.changelog import history_for
from apps.core.models import (
    Addon,
    Department,
    KpiDefinition,
    Role,
    SortGroup,
    TenantSettings,
    UserBudget,
    UserSetting,
)
from apps.sales.models import Activity
from tests.factories import TagFactory, UserFactory

pytestmark = pytest.mark.django_db
User = get_user_model()


@pytest.fixture
def role():
    return staff.create_role(None, name="Seller")


def make_user(role, **fields):
    data = {
        "name": "Anna",
        "surname": "Berg",
        "title": "Seller",
        "cellphone": "0701",
        "roles": [role],
    } | fields
    return staff.create_user(None, **data)


def test_a_user_is_a_django_user_with_a_profile_roles_departments_tags_and_settings(role):
    sales = staff.create_department(None, name="Sales")
    tag = TagFactory()
    user = make_user(
        role,
        email="anna@example.se",
        departments=[sales],
        tags=[tag],
        settings=[{"key": "theme", "value": "dark"}],
        avatar_b64="aGVsbG8=",
    )
    assert (user.first_name, user.last_name, user.email, user.is_active) == (
        "Anna",
        "Berg",
        "anna@example.se",
        True,
    )
    assert user.username == "anna@example.se" and not user.has_usable_password()
    assert user.profile.title == "Seller" and user.profile.avatar_b64 == "aGVsbG8="
    assert list(user.staff_roles.all()) == [role] and list(user.departments.all()) == [sales]
    assert list(user.profile.tags.all()) == [tag]
    assert UserSetting.objects.get(user=user).value == "dark"
    # The change log holds the visible fields, never the password hash; images by length.
    entry = history_for(user).get()
    assert entry.after["surname"] == "Berg" and entry.after["avatar_b64"] == "8 characters"
    assert "password" not in entry.after
    # A second user with the same e-mail gets another user name.
    assert make_user(role, email="anna@example.se").username == "anna@example.se-2"


def test_user_rules(role):
    with pytest.raises(ValidationError, match="surname"):
        make_user(role, surname=" ")
    with pytest.raises(ValidationError, match="base64"):
        make_user(role, photo_b64="not base64!")
    user = make_user(role)
    staff.update_user(None, user, settings=[{"key": "a", "value": "1"}])
    staff.update_user(None, user, settings=[{"key": "a", "value": "2"}, {"key": "b", "value": None}])
    assert dict(UserSetting.objects.filter(user=user).values_list("key", "value")) == {"a": "2", "b": ""}
    staff.update_user(None, user, email_settings={"smtp_server": "smtp.example.com", "password": "s3cret"})
    assert user.email_settings.smtp_server == "smtp.example.com"
    assert all("s3cret" not in str(e.after) for e in history_for(user))


def test_a_user_without_a_profile_gets_one_on_first_use():
    user = UserFactory()
    assert staff.profile_of(user).pk is not None
    assert staff.profile_of(User.objects.get(pk=user.pk)).pk == user.profile.pk


def test_budgets_are_set_per_month_and_checked(role):
    user = make_user(role)
    row, created = staff.set_budget(None, user, 2024, 3, budget=100)
    assert created and (row.budget, row.pipeline) == (100, 0)
    row, created = staff.set_budget(None, user, 2024, 3, pipeline=40)
    assert not created and (row.budget, row.pipeline) == (100, 40)
    for year, month, values in (
        (2024, 13, {}),
        (2024, 0, {}),
        (2024, 1, {"budget": -1}),
        (2024, 1, {"pipeline": 1.5}),
    ):
        with pytest.raises(ValidationError):
            staff.set_budget(None, user, year, month, **values)
    staff.delete_budget(None, row)
    assert not UserBudget.objects.exists()


def test_a_department_cannot_be_inside_itself():
    top = staff.create_department(None, name="Sales")
    child = staff.create_department(None, name="North", parent=top)
    with pytest.raises(ValidationError, match="inside itself"):
        staff.update_department(None, top, parent=child)
    with pytest.raises(ValidationError):
        staff.update_department(None, top, parent=top)
    staff.update_department(None, child, parent=None)
    assert Department.objects.get(pk=child.pk).parent is None


def test_settings_merge_key_by_key_replace_lists_and_check_types():
    staff.update_settings(
        None, {"portal": {"name": "Acme", "city": "Malmö"}, "fieldsales": {"signaturefields": [1, 2]}}
    )
    staff.update_settings(None, {"portal": {"city": "Lund"}, "fieldsales": {"signaturefields": [3]}})
    values = staff.settings_values(TenantSettings.load())
    assert values["portal"]["name"] == "Acme" and values["portal"]["city"] == "Lund"
    assert values["portal"]["iban"] is None  # every documented key is there
    assert values["fieldsales"]["signaturefields"] == [3]
    assert values["fieldsales"]["activitytypes"] == {k: None for k in values["fieldsales"]["activitytypes"]}
    for bad in (
        {"sales": {"defaultinterest": "8"}},
        {"portal": "x"},
        {"currency": 5},
        {"fieldsales": {"headlines": [{"title": 1}]}},
    ):
        with pytest.raises(ValidationError):
            staff.update_settings(None, bad)


def test_sort_groups_need_a_name():
    with pytest.raises(ValidationError):
        staff.create_sort_group(None, name="", sort=1)
    group = staff.create_sort_group(None, name="Freight", sort=2, external_key="FRT")
    staff.update_sort_group(None, group, sort=5, external_key=None)
    group.refresh_from_db()
    assert (group.sort, group.external_key) == (5, "")


def test_a_fresh_install_ships_kpis_addons_and_settings():
    assert set(KpiDefinition.objects.values_list("calculator", flat=True)) == set(kpis.CALCULATORS)
    assert Addon.objects.filter(internal_name="email").exists()
    assert TenantSettings.objects.filter(pk=1).exists()


def test_kpis_are_computed_from_activities_and_budgets_in_constant_queries(role, django_assert_num_queries):
    today = timezone.localdate()
    anna, erik = make_user(role), make_user(role, name="Erik")
    start = timezone.now().replace(day=1, hour=9) + datetime.timedelta(hours=1)
    for n in range(3):
        Activity.objects.create(name=f"A{n}", start=start, owner=anna)
    Activity.objects.create(name="E", start=start, owner=erik, state="completed", completed_at=timezone.now())
    staff.set_budget(None, anna, today.year, today.month, budget=1000, pipeline=500)
    with django_assert_num_queries(3):
        values = kpis.compute(anna)
    assert values["activities_this_month"][0] == "3"
    assert values["open_activities"][0] == "3"
    assert values["completed_this_month"] == ("0", "0")  # 1 completed over 3 active users rounds to 0
    assert values["budget_this_month"][0] == "1000"
    assert values["pipeline_coverage"] == ("50.0", "50.0")
    assert kpis.compute(erik)["pipeline_coverage"] == ("", "50.0")


@pytest.fixture
def staff_client(client, admin_user, settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    client.force_login(admin_user)
    return client


def test_admin_screens_load_and_save_with_the_change_log(staff_client, role):
    user = make_user(role)
    department = staff.create_department(None, name="Sales", manager=user)
    staff.set_budget(None, user, 2024, 1, budget=5)
    SortGroup.objects.create(name="Freight", sort=1)
    for model in (Role, Department, UserBudget, KpiDefinition, TenantSettings, Addon, SortGroup, User):
        opts = model._meta
        assert (
            staff_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")).status_code
            == 200
        )
        obj = model.objects.first()
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
        assert staff_client.get(url).status_code == 200, model
    # A department cannot be put inside its own child.
    child = staff.create_department(None, name="North", parent=department)
    url = reverse("admin:core_department_change", args=[department.pk])
    response = staff_client.post(url, {"name": "Sales", "parent": child.pk, "manager": user.pk, "users": []})
    assert response.status_code == 200 and "inside itself" in response.content.decode()
    response = staff_client.post(
        url, {"name": "Sales team", "parent": "", "manager": user.pk, "users": [user.pk]}
    )
    assert response.status_code == 302
    assert history_for(Department.objects.get(pk=department.pk)).filter(action="update").exists()
