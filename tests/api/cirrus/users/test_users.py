"""Cirrus part 2 over HTTP: users, the current user, user budgets, departments, roles (§2.6) and
KPIs (§2.7): every operation, filter, sort, mask form and error, and constant query counts."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from apps.api.cirrus.users.serializers import (
    BudgetSerializer,
    CurrentUserSerializer,
    DepartmentSerializer,
    UserSerializer,
)
from apps.core import services_staff as staff
from apps.core.api_keys import issue_api_key
from apps.core.models import Department, KpiDefinition, Role, UserBudget, UserSetting
from apps.sales.models import Activity
from tests.factories import TagFactory, UserFactory

from ..support import *  # noqa: F403
from ..support import BASE, CirrusClient, assert_shape

pytestmark = pytest.mark.django_db
User = get_user_model()


class Cirrus(CirrusClient):
    """support.CirrusClient with the key given and `fields` as the X-Fields header."""

    def __init__(self, token=None, **kwargs):
        super().__init__(**kwargs)
        if token:
            self.credentials(HTTP_X_TOKEN=token)

    def call(self, method, path, data=None, fields=None, **extra):
        if fields is not None:
            extra["HTTP_X_FIELDS"] = fields
        return super().call(method, path, data, **extra)


@pytest.fixture
def api(token):
    return Cirrus(token)


@pytest.fixture
def role():
    return staff.create_role(None, name="Säljare")


def anna_body(role, **extra):
    return {
        "name": "Anna",
        "surname": "Berg",
        "title": "Säljare",
        "cellphone": "0701234567",
        "email": "anna@example.se",
        "roles": [{"id": role.pk}],
    } | extra


def make(role, **fields):
    data = {
        "name": "Erik",
        "surname": "Lund",
        "title": "Seller",
        "cellphone": "0702",
        "roles": [role],
    } | fields
    return staff.create_user(None, **data)


# --- Authentication and the user's shape ---------------------------------------------------------


def test_every_operation_needs_a_token(role):
    anonymous = Cirrus()
    for path in ("users", "users/me", "users/budget", "departments", "roles", "kpis?userid=1"):
        response = anonymous.call("get", path)
        assert response.status_code == 401 and "message" in response.json(), path
    assert Cirrus("nope").call("get", "roles").status_code == 401


def test_bearer_token_works_too(token, role):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert client.get(BASE + "roles").status_code == 200


def test_a_user_is_created_and_read_with_its_roles_departments_tags_and_settings(api, role):
    sales = staff.create_department(None, name="Sales")
    north = staff.create_department(None, name="North", parent=sales)
    tag = TagFactory(name="key-account")
    body = anna_body(
        role,
        departments=[{"id": north.pk, "name": "ignored"}],
        tags=[{"id": tag.pk}],
        settings=[{"key": "theme", "value": "dark", "id": 99, "userid": 99}],
        language="sv",
        presentation="Hej",
        startpage=3,
        phone="08-123",
        avatar_b64="aGVsbG8=",
        id=12345,
        lastactive={"ignored": True},
    )
    response = api.call("post", "users", body)
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["id"] != 12345
    user = User.objects.get(pk=data["id"])
    assert data == {
        "id": user.pk,
        "active": 1,
        "name": "Anna",
        "surname": "Berg",
        "title": "Säljare",
        "email": "anna@example.se",
        "phone": "08-123",
        "cellphone": "0701234567",
        "language": "sv",
        "presentation": "Hej",
        "startpage": 3,
        "lastactive": None,
        "avatar_b64": "aGVsbG8=",
        "photo_b64": None,
        "departments": [
            {
                "id": north.pk,
                "name": "North",
                "manager": None,
                "parentdepartment": {
                    "id": sales.pk,
                    "name": "Sales",
                    "manager": None,
                    "parentdepartment": None,
                },
            }
        ],
        "settings": [
            {"id": UserSetting.objects.get().pk, "key": "theme", "value": "dark", "userid": user.pk}
        ],
        "roles": [{"id": role.pk, "name": "Säljare"}],
        "tags": [{"id": tag.pk, "name": "key-account", "type": "user"}],
    }
    assert api.call("get", f"users/{user.pk}").json() == data
    assert_shape(data, UserSerializer)


def test_department_chains_are_three_levels_then_department4(api, role):
    manager = make(role, name="Boss")
    chain = [staff.create_department(None, name="L0")]
    for level in range(1, 5):
        chain.append(staff.create_department(None, name=f"L{level}", parent=chain[-1], manager=manager))
    user = make(role, departments=[chain[4]])
    item = api.call("get", f"users/{user.pk}").json()["departments"][0]
    assert (item["name"], item["parentdepartment"]["name"]) == ("L4", "L3")
    assert item["parentdepartment"]["parentdepartment"]["name"] == "L2"
    assert item["parentdepartment"]["parentdepartment"]["parentdepartment"] == {
        "id": chain[1].pk,
        "name": "L1",
        "parentid": chain[0].pk,
        "manager": {
            "id": manager.pk,
            "name": "Boss",
            "surname": "Lund",
            "title": "Seller",
            "email": None,
            "phone": None,
            "cellphone": "0702",
        },
    }


def test_user_create_errors(api, role):
    for missing in ("roles", "name", "surname", "title", "cellphone"):
        body = anna_body(role)
        body.pop(missing)
        response = api.call("post", "users", body)
        assert response.status_code == 400, missing
        assert response.json()["message"] == "Input payload validation failed"
        assert missing in response.json()["errors"]
    cases = [
        ({"roles": [{"id": 999999}]}, "roles"),
        ({"departments": [{"id": 999999}]}, "departments"),
        ({"tags": [{"id": 999999}]}, "tags"),
        ({"name": 5}, "name"),
        ({"active": 3}, "active"),
        ({"email": "not an address"}, "email"),
        ({"avatar_b64": "not base64!"}, "avatar_b64"),
        ({"settings": [{"value": "x"}]}, "settings.0.key"),
    ]
    for extra, field in cases:
        response = api.call("post", "users", anna_body(role, **extra))
        assert response.status_code == 400, extra
        assert field in response.json()["errors"], response.json()
    assert api.call("post", "users", [1, 2]).status_code == 400
    assert not User.objects.filter(first_name="Anna").exists()


def test_user_update_is_partial_and_replaces_departments_and_tags(api, role):
    first, second = staff.create_department(None, name="A"), staff.create_department(None, name="B")
    tag = TagFactory()
    user = make(
        role, departments=[first], tags=[tag], email="erik@example.com", settings=[{"key": "k", "value": "v"}]
    )
    response = api.call(
        "put",
        f"users/{user.pk}",
        {
            "surname": "Lundqvist",
            "departments": [{"id": second.pk}],
            "tags": [],
            "active": 0,
            "id": 999,
            "roles": [],
        },
    )
    assert response.status_code == 200
    data = response.json()
    assert (data["id"], data["name"], data["surname"], data["active"]) == (user.pk, "Erik", "Lundqvist", 0)
    assert [d["id"] for d in data["departments"]] == [second.pk]
    assert data["tags"] == [] and data["roles"] == [{"id": role.pk, "name": "Säljare"}]  # roles not updatable
    assert data["email"] == "erik@example.com" and data["settings"][0]["key"] == "k"
    assert api.call("put", "users/999999", {"name": "X"}).status_code == 404
    assert api.call("get", "users/999999").json() == {"message": "User 999999 not found"}
    assert api.call("put", f"users/{user.pk}", {"departments": [{"id": 999999}]}).status_code == 400


def test_user_list_filters_sorting_paging_and_masks(api, role, admin_user):
    anna = staff.create_user(None, **{**anna_body(role), "roles": [role]})
    bo = make(role, name="Bo", surname="Ek", email="bo@example.com", code="EXT-7")
    cy = make(role, name="Cy", surname="Ahl", email="cy@corp.example")
    staff.update_user(None, cy, active=False)
    ids = lambda r: [item["id"] for item in r.json()["items"]]  # noqa: E731

    everyone = api.call("get", "users")
    assert everyone.json()["total"] == 4  # the token's admin too
    assert ids(api.call("get", "users?active=0")) == [cy.pk]
    assert set(ids(api.call("get", "users?active=1"))) == {admin_user.pk, anna.pk, bo.pk}
    assert api.call("get", "users?active=2").json()["total"] == 4
    assert ids(api.call("get", "users?fulltext=anna@exa")) == [anna.pk]
    assert ids(api.call("get", "users?fulltext=EK")) == [bo.pk]
    assert ids(api.call("get", "users?code=ext-7")) == [bo.pk]
    assert ids(api.call("get", "users?code=EXT%")) == [bo.pk]
    staff_only = lambda r: [pk for pk in ids(r) if pk != admin_user.pk]  # noqa: E731
    assert staff_only(api.call("get", "users?sorting=surname_asc")) == [cy.pk, anna.pk, bo.pk]
    assert staff_only(api.call("get", "users?sorting=surname_desc")) == [bo.pk, anna.pk, cy.pk]
    assert staff_only(api.call("get", "users?sorting=name_asc")) == [anna.pk, bo.pk, cy.pk]
    assert staff_only(api.call("get", "users?sorting=name_desc")) == [cy.pk, bo.pk, anna.pk]
    assert ids(api.call("get", "users?sorting=active_asc"))[0] == cy.pk
    page = api.call("get", "users?per_page=2&page=2").json()
    assert (page["page"], page["pages"], page["per_page"], page["total"], len(page["items"])) == (
        2,
        2,
        2,
        4,
        2,
    )
    assert api.call("get", "users?page=9").json()["items"] == []
    for bad in ("sorting=name_up", "per_page=51", "page=0", "active=3", "per_page=x"):
        response = api.call("get", f"users?{bad}")
        assert response.status_code == 400, bad
        assert response.json()["errors"]
    # Masks: on the items (envelope kept), on the envelope, nested lists, malformed.
    masked = api.call("get", "users?fulltext=anna@exa", fields="{id,surname,roles{name}}").json()
    assert masked["total"] == 1 and masked["items"] == [
        {"id": anna.pk, "surname": "Berg", "roles": [{"name": "Säljare"}]}
    ]
    envelope = api.call("get", "users?fulltext=anna@exa", fields="{total,items{name}}").json()
    assert envelope == {"total": 1, "items": [{"name": "Anna"}]}
    assert api.call("get", f"users/{anna.pk}", fields="{id,surname,roles{name}}").json() == {
        "id": anna.pk,
        "surname": "Berg",
        "roles": [{"name": "Säljare"}],
    }
    response = api.call("get", "users", fields="{id,roles{name}")
    assert response.status_code == 400 and response.json()["message"].startswith("Mask parse error")


def test_the_user_list_costs_the_same_whatever_its_size(api, role):
    def queries(per_page, fields=None):
        with CaptureQueriesContext(connection) as captured:
            assert api.call("get", f"users?per_page={per_page}", fields=fields).status_code == 200
        return len(captured)

    department = staff.create_department(None, name="Top")
    make(role, departments=[department], tags=[TagFactory()], settings=[{"key": "a", "value": "b"}])
    queries(1)  # the key's first use of the minute is recorded once
    few = queries(2)
    for n in range(6):
        child = staff.create_department(None, name=f"D{n}", parent=department, manager=make(role))
        make(role, departments=[child], tags=[TagFactory()], settings=[{"key": "a", "value": "b"}])
    assert queries(20) == few
    assert queries(20, "{items{id}}") == few


def test_the_current_user(api, admin_user, role):
    data = api.call("get", "users/me").json()
    assert_shape(data, CurrentUserSerializer)
    assert data["id"] == admin_user.pk and data["customerid"] == 1
    assert (
        {"properties", "emailsettings", "customerid"} <= set(data)
        and "roles" not in data
        and "tags" not in data
    )
    assert data["properties"] == {
        "userid": admin_user.pk,
        "licenceadmin": 0,
        "elevatedaccount": 0,
        "salescoach": 0,
        "crmversion": 2,
    }
    assert data["emailsettings"]["smtpserver"] is None and data["emailsettings"]["userid"] == admin_user.pk
    assert data["lastactive"] is not None  # the key was just used

    department = staff.create_department(None, name="Sales")
    body = {
        "surname": "Admin",
        "departments": [{"id": department.pk}],
        "settings": [{"key": "theme", "value": "dark"}],
        "emailsettings": {
            "smtpserver": "smtp.example.com",
            "port": "587",
            "authtype": 1,
            "incominserver": "imap",
        },
        "properties": {"licenceadmin": 1},
        "customerid": 77,
        "lastactive": "ignored",
    }
    data = api.call("put", "users/me", body).json()
    assert data["surname"] == "Admin" and data["departments"][0]["id"] == department.pk
    assert (
        data["emailsettings"]["smtpserver"] == "smtp.example.com" and data["emailsettings"]["authtype"] == 1
    )
    assert data["emailsettings"]["incominserver"] == "imap"
    assert data["properties"]["licenceadmin"] == 0  # only a licence administrator changes licences
    assert data["customerid"] == 1
    staff.update_user(None, admin_user, licence_admin=True)
    data = api.call(
        "put", "users/me", {"properties": {"salescoach": 1}, "settings": [{"key": "theme", "value": "light"}]}
    )
    assert data.json()["properties"]["salescoach"] == 1
    assert [(s["key"], s["value"]) for s in data.json()["settings"]] == [("theme", "light")]
    assert api.call("put", "users/me", {"emailsettings": {"port": 587}}).status_code == 400


def test_the_current_user_needs_no_model_permission(role):
    clerk = UserFactory()
    _, key = issue_api_key(clerk, "clerk")
    client = Cirrus(key)
    assert client.call("get", "users/me").json()["id"] == clerk.pk
    assert client.call("get", "users").status_code == 403
    assert client.call("put", "users/me", {"title": "Clerk"}).json()["title"] == "Clerk"
    clerk.user_permissions.add(Permission.objects.get(codename="view_user"))
    assert Cirrus(key).call("get", "users").status_code == 200


def test_a_user_without_permission_cannot_grant_themselves_departments_or_deactivate(role):
    """Issue 16: a user without permissions set their own departments and deactivated themselves.
    Both are administered (auth.change_user); sending the current values back is fine."""
    clerk = UserFactory()
    sales = staff.create_department(None, name="Sales")
    support = staff.create_department(None, name="Support")
    clerk.departments.set([sales])
    client = Cirrus(issue_api_key(clerk, "clerk")[1])
    for body in ({"departments": [{"id": support.pk}]}, {"departments": []}, {"active": 0}):
        response = client.call("put", "users/me", {"title": "Clerk", **body})
        assert response.status_code == 403, response.content
        assert list(response.json()) == ["message"] and "permission" in response.json()["message"]
    clerk.refresh_from_db()
    assert clerk.is_active and list(clerk.departments.all()) == [sales]
    assert staff.profile_of(clerk).title == ""
    current = client.call("get", "users/me").json()
    echoed = {**current, "title": "Clerk"}
    response = client.call("put", "users/me", echoed)
    assert response.status_code == 200, response.content
    assert response.json()["title"] == "Clerk" and [d["id"] for d in response.json()["departments"]] == [
        sales.pk
    ]
    clerk.user_permissions.add(Permission.objects.get(codename="change_user"))
    clerk = get_user_model().objects.get(pk=clerk.pk)  # a fresh permission cache
    response = Cirrus(issue_api_key(clerk, "clerk2")[1]).call(
        "put", "users/me", {"departments": [{"id": support.pk}]}
    )
    assert response.status_code == 200 and [d["id"] for d in response.json()["departments"]] == [support.pk]


# --- Budgets -------------------------------------------------------------------------------------


def test_budgets_are_set_read_listed_and_deleted(api, role):
    user = make(role)
    response = api.call("put", f"users/{user.pk}/budget/2024/3", {"budget": 100000, "pipeline": 40000})
    assert response.status_code == 200
    data = response.json()
    assert {k: data[k] for k in ("userid", "year", "month", "budget", "pipeline")} == {
        "userid": user.pk,
        "year": 2024,
        "month": 3,
        "budget": 100000,
        "pipeline": 40000,
    }
    # March 2024 has 21 weekdays in ISO weeks 9-13; the remainder lands on the last weekday.
    weeks = data["weeks"]
    assert [w["week"] for w in weeks] == ["9", "10", "11", "12", "13"]
    days = [d for w in weeks for d in w["days"]]
    assert len(days) == 21 and days[0]["day"] == "2024-03-01" and days[-1]["day"] == "2024-03-29"
    assert (
        sum(d["budget"] for d in days) == 100000 and days[0]["budget"] == 4761 and days[-1]["budget"] == 4780
    )
    assert sum(w["pipeline"] for w in weeks) == 40000
    assert api.call("get", f"users/{user.pk}/budget/2024/3").json() == data
    assert_shape(data, BudgetSerializer)
    # A partial update keeps what is not sent.
    assert api.call("put", f"users/{user.pk}/budget/2024/3", {"pipeline": 1}).json()["budget"] == 100000

    other = make(role)
    staff.set_budget(None, other, 2023, 12, budget=5)
    staff.set_budget(None, user, 2025, 1, budget=7)

    def listed(query):
        items = api.call("get", f"users/budget?{query}").json()["items"]
        return [(i["userid"], i["year"], i["month"]) for i in items]

    assert listed(f"userids={user.pk}&year_from=2024&month_from=1&year_to=2024&month_to=12") == [
        (user.pk, 2024, 3)
    ]
    assert listed("") == [(other.pk, 2023, 12), (user.pk, 2024, 3), (user.pk, 2025, 1)]
    assert listed("year_from=2024&month_from=4") == [(user.pk, 2025, 1)]
    assert listed("year_to=2024") == [(other.pk, 2023, 12), (user.pk, 2024, 3)]
    assert listed("month_from=6") == [(other.pk, 2023, 12)]
    assert listed(f"userids={other.pk},{user.pk}&year_to=2023&month_to=12") == [(other.pk, 2023, 12)]
    mine = api.call("get", f"users/{user.pk}/budget").json()
    assert [i["year"] for i in mine["items"]] == [2024, 2025]
    assert api.call("get", f"users/{user.pk}/budget?userids={other.pk}").json()["total"] == 0
    assert api.call("get", f"users/{user.pk}/budget", fields="{items{month}}").json() == {
        "items": [{"month": 3}, {"month": 1}]
    }

    assert api.call("delete", f"users/{user.pk}/budget/2024/3").status_code == 204
    assert api.call("get", f"users/{user.pk}/budget/2024/3").status_code == 404
    assert api.call("delete", f"users/{user.pk}/budget/2024/3").status_code == 404


def test_budget_errors(api, role):
    user = make(role)
    assert api.call("put", f"users/{user.pk}/budget/2024/13", {"budget": 1}).status_code == 400
    assert "month" in api.call("put", f"users/{user.pk}/budget/2024/0", {"budget": 1}).json()["errors"]
    assert "budget" in api.call("put", f"users/{user.pk}/budget/2024/1", {"budget": -1}).json()["errors"]
    assert "pipeline" in api.call("put", f"users/{user.pk}/budget/2024/1", {"pipeline": "1"}).json()["errors"]
    assert api.call("put", "users/999999/budget/2024/1", {"budget": 1}).status_code == 404
    assert api.call("get", "users/999999/budget").status_code == 404
    assert api.call("get", f"users/{user.pk}/budget/2024/2").status_code == 404
    assert api.call("get", "users/budget?userids=1,x").status_code == 400
    assert api.call("get", "users/budget?year_from=abc").status_code == 400
    assert not UserBudget.objects.exists()


def test_the_budget_list_costs_the_same_whatever_its_size(api, role):
    user = make(role)
    staff.set_budget(None, user, 2024, 1, budget=1)
    api.call("get", "users/budget")  # the key's first use of the minute is recorded once
    with CaptureQueriesContext(connection) as few:
        api.call("get", "users/budget?per_page=50")
    for month in range(2, 13):
        staff.set_budget(None, make(role), 2024, month, budget=month)
    with CaptureQueriesContext(connection) as many:
        api.call("get", "users/budget?per_page=50")
    assert len(many) == len(few)


# --- Departments and roles -----------------------------------------------------------------------


def test_departments_are_created_updated_read_and_listed(api, role):
    boss, member = make(role, name="Boss"), make(role, name="Member")
    response = api.call(
        "post",
        "departments",
        {"id": 0, "name": "Sales", "manager": {"id": boss.pk}, "users": [{"id": member.pk}]},
    )
    assert response.status_code == 201
    sales = response.json()
    assert sales["name"] == "Sales" and sales["parent"] is None
    assert sales["manager"]["id"] == boss.pk and [u["name"] for u in sales["users"]] == ["Member"]
    north = api.call(
        "post", "departments", {"id": None, "name": "North", "parent": {"id": sales["id"]}}
    ).json()
    assert north["parent"] == {
        "id": sales["id"],
        "name": "Sales",
        "parentid": None,
        "manager": sales["manager"],
    }
    assert api.call("get", f"departments/{north['id']}").json() == north
    assert_shape(north, DepartmentSerializer)

    updated = api.call(
        "put", f"departments/{sales['id']}", {"id": 1, "users": [{"id": boss.pk}], "manager": None}
    )
    assert updated.status_code == 200
    assert updated.json()["manager"] is None and [u["id"] for u in updated.json()["users"]] == [boss.pk]
    assert updated.json()["name"] == "Sales"  # partial

    ids = lambda q: [i["id"] for i in api.call("get", f"departments?{q}").json()["items"]]  # noqa: E731
    assert ids("") == [north["id"], sales["id"]]
    assert ids("sorting=name_desc") == [sales["id"], north["id"]]
    assert ids(f"parentid={sales['id']}") == [north["id"]]
    staff.update_department(None, Department.objects.get(pk=north["id"]), manager=member)
    assert ids(f"managerid={member.pk}") == [north["id"]]
    assert api.call("get", "departments", fields="{id,name}").json()["items"][0] == {
        "id": north["id"],
        "name": "North",
    }


def test_department_errors(api, role):
    top = staff.create_department(None, name="Top")
    child = staff.create_department(None, name="Child", parent=top)
    assert "id" in api.call("post", "departments", {"name": "No id"}).json()["errors"]
    assert "id" in api.call("put", f"departments/{top.pk}", {"name": "No id"}).json()["errors"]
    assert "parent" in api.call("post", "departments", {"id": 0, "parent": {"id": 999999}}).json()["errors"]
    assert "manager" in api.call("post", "departments", {"id": 0, "manager": {"id": 999999}}).json()["errors"]
    assert "users" in api.call("post", "departments", {"id": 0, "users": [{"id": 999999}]}).json()["errors"]
    response = api.call("put", f"departments/{top.pk}", {"id": top.pk, "parent": {"id": child.pk}})
    assert response.status_code == 400 and "parent" in response.json()["errors"]
    assert api.call("get", "departments/999999").status_code == 404
    assert api.call("put", "departments/999999", {"id": 1}).status_code == 404
    assert api.call("get", "departments?sorting=id_asc").status_code == 400
    assert api.call("get", "departments?parentid=x").status_code == 400
    assert api.call("delete", f"departments/{top.pk}").status_code == 405


def test_the_department_list_costs_the_same_whatever_its_size(api, role):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert api.call("get", "departments?per_page=50").status_code == 200
        return len(captured)

    staff.create_department(None, name="One", manager=make(role), users=[make(role)])
    queries()  # the key's first use of the minute is recorded once
    few = queries()
    for n in range(5):
        staff.create_department(None, name=f"D{n}", manager=make(role), users=[make(role), make(role)])
    assert queries() == few


def test_roles_are_created_and_listed(api):
    response = api.call("post", "roles", {"name": "Säljare", "id": 77})
    assert (
        response.status_code == 201 and response.json()["name"] == "Säljare" and response.json()["id"] != 77
    )
    second = api.call("post", "roles", {}).json()
    assert second["name"] is None
    first = api.call("post", "roles", {"name": "Admin"}).json()
    ids = lambda q: [i["id"] for i in api.call("get", f"roles?{q}").json()["items"]]  # noqa: E731
    assert ids("") == [second["id"], first["id"], response.json()["id"]]  # an empty name first
    assert ids("sorting=id_desc") == sorted(ids(""), reverse=True)
    assert ids("sorting=name_desc")[0] == response.json()["id"]
    assert api.call("get", "roles", fields="{total}").json() == {"total": 3}
    assert api.call("get", "roles?sorting=name").status_code == 400
    assert api.call("post", "roles", {"name": 3}).status_code == 400
    assert api.call("get", f"roles/{first['id']}").status_code == 404  # no item operation
    assert Role.objects.count() == 3


# --- KPIs ----------------------------------------------------------------------------------------


def test_kpis_for_a_user(api, role):
    user = make(role)
    start = timezone.now().replace(day=1, hour=10, minute=0) + datetime.timedelta(hours=2)
    Activity.objects.create(name="Visit", start=start, owner=user)
    today = timezone.localdate()
    staff.set_budget(None, user, today.year, today.month, budget=2000, pipeline=500)

    assert "userid" in api.call("get", "kpis").json()["errors"]
    assert "location" in api.call("get", f"kpis?userid={user.pk}&location=everywhere").json()["errors"]
    assert "sorting" in api.call("get", f"kpis?userid={user.pk}&sorting=title_asc").json()["errors"]
    assert api.call("get", "kpis?userid=abc").status_code == 400
    assert api.call("get", "kpis?userid=999999").status_code == 404

    dashboard = api.call("get", f"kpis?userid={user.pk}").json()
    everything = api.call("get", f"kpis?userid={user.pk}&location=all&per_page=50").json()
    assert dashboard["total"] == KpiDefinition.objects.filter(on_dashboard=True).count()
    assert everything["total"] == KpiDefinition.objects.count()
    by_calculator = {
        d.calculator: next(i for i in everything["items"] if i["id"] == d.pk)
        for d in KpiDefinition.objects.all()
    }
    assert by_calculator["activities_this_month"]["value"] == "1"
    assert by_calculator["budget_this_month"]["value"] == "2000"
    assert by_calculator["pipeline_coverage"] | {"id": 0} == {
        "id": 0,
        "title": "Pipeline coverage",
        "type": "percent",
        "subtitle": "Pipeline against budget",
        "value": "25.0",
        "period": f"{today.year}-{today.month:02d}",
        "average": "25.0",
    }
    sorts = [KpiDefinition.objects.get(pk=i["id"]).sort for i in everything["items"]]
    assert sorts == sorted(sorts)
    reverse = api.call("get", f"kpis?userid={user.pk}&location=all&sorting=sort_desc&per_page=50").json()
    assert [i["id"] for i in reverse["items"]] == [i["id"] for i in everything["items"]][::-1]
    assert api.call("get", f"kpis?userid={user.pk}", fields="{items{title,value}}").json()["items"][
        0
    ].keys() == {
        "title",
        "value",
    }


def test_the_kpi_list_costs_the_same_whatever_its_size(api, role):
    user = make(role)

    def queries(per_page):
        with CaptureQueriesContext(connection) as captured:
            assert (
                api.call("get", f"kpis?userid={user.pk}&location=all&per_page={per_page}").status_code == 200
            )
        return len(captured)

    queries(1)  # the key's first use of the minute is recorded once
    assert queries(1) == queries(50)
