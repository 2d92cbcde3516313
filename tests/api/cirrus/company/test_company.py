"""Cirrus part 2 over HTTP: settings (§2.12), add-ons (§2.13) and sort groups (§2.17): every
operation, filter, sort, mask form and error, and constant query counts."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.core import services_staff as staff
from apps.core.models import Addon, AddonParameter, SortGroup, TenantSettings

from ..support import *  # noqa: F403
from ..users.test_users import Cirrus

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(token):
    return Cirrus(token)


# --- Settings ------------------------------------------------------------------------------------


def test_settings_are_read_with_every_key_and_merged_on_update(api):
    data = api.call("get", "settings").json()
    assert set(data) == {"currency", "portal", "sales", "fieldsales", "consent"}
    assert data["currency"] == "EUR"  # shipped
    assert set(data["portal"]) >= {"name", "street", "zip", "city", "iban", "swift", "seat", "vatregnumber"}
    assert data["portal"]["name"] is None
    assert data["fieldsales"]["activitytypes"]["erpaccepted"] is None
    assert data["fieldsales"]["headlines"] == [] and data["fieldsales"]["signaturefields"] == []
    assert set(data["consent"]["email"]) == {
        "fromemail",
        "fromname",
        "user",
        "port",
        "server",
        "body",
        "password",
        "auth",
        "userid",
        "type",
    }

    body = {
        "currency": "SEK",
        "portal": {"name": "Acme AB", "city": "Malmö", "unknown": "ignored"},
        "sales": {"defaultinterest": 8},
        "fieldsales": {
            "activitytypes": {"knock": 3},
            "headlines": [{"title": "Spring", "body": "Go"}],
            "signaturefields": [1, 2],
        },
        "consent": {"logofileid": 5, "email": {"server": "smtp.example.com", "auth": 1}},
    }
    response = api.call("put", "settings", body)
    assert response.status_code == 200
    data = response.json()
    assert (
        data["currency"] == "SEK" and data["portal"]["name"] == "Acme AB" and "unknown" not in data["portal"]
    )
    assert (
        data["fieldsales"]["activitytypes"]["knock"] == 3
        and data["fieldsales"]["activitytypes"]["note"] is None
    )
    # Objects merge key by key, lists are replaced, absent groups stay.
    data = api.call(
        "put", "settings", {"portal": {"city": "Lund"}, "fieldsales": {"signaturefields": [3]}}
    ).json()
    assert (data["portal"]["name"], data["portal"]["city"]) == ("Acme AB", "Lund")
    assert (
        data["fieldsales"]["signaturefields"] == [3]
        and data["fieldsales"]["headlines"][0]["title"] == "Spring"
    )
    assert data["consent"]["email"]["server"] == "smtp.example.com" and data["sales"]["defaultinterest"] == 8
    assert api.call("put", "settings", {"currency": None}).json()["currency"] is None
    assert api.call("get", "settings", fields="{currency,portal{city}}").json() == {
        "currency": None,
        "portal": {"city": "Lund"},
    }
    assert TenantSettings.objects.count() == 1


def test_settings_errors(api):
    cases = [
        ({"currency": 5}, "currency"),
        ({"currency": "EURO"}, "currency"),
        ({"sales": {"defaultinterest": "8"}}, "sales.defaultinterest"),
        ({"portal": "Acme"}, "portal"),
        ({"fieldsales": {"headlines": [{"title": 1}]}}, "fieldsales.headlines[0].title"),
        ({"fieldsales": {"signaturefields": "1"}}, "fieldsales.signaturefields"),
    ]
    for body, field in cases:
        response = api.call("put", "settings", body)
        assert response.status_code == 400, body
        assert field in response.json()["errors"], response.json()
    assert api.call("put", "settings", [1]).status_code == 400
    assert api.call("post", "settings", {}).status_code == 405
    assert api.call("delete", "settings").status_code == 405


# --- Add-ons -------------------------------------------------------------------------------------


def test_addons_are_listed_filtered_sorted_and_read(api):
    shipped = api.call("get", "addons?per_page=50").json()
    assert shipped["total"] == Addon.objects.count() >= 4
    email = Addon.objects.get(internal_name="email")
    item = next(i for i in shipped["items"] if i["id"] == email.pk)
    assert item["enabled"] is False and item["internalname"] == "email"
    assert [p["name"] for p in item["parameters"]] == ["server", "port"]
    parameter = item["parameters"][0]
    assert set(parameter) == {"id", "name", "value", "created", "updated"} and parameter["created"].endswith(
        "Z"
    )
    assert parameter["value"] is None  # an empty value is null

    ids = lambda q: [i["id"] for i in api.call("get", f"addons?per_page=50&{q}").json()["items"]]  # noqa: E731
    sorts = [Addon.objects.get(pk=pk).sort for pk in ids("")]
    assert sorts == sorted(sorts)
    assert ids("sorting=sort_desc") == ids("")[::-1]
    assert ids("sorting=number_asc") == sorted(ids(""))
    assert ids("sorting=number_desc") == sorted(ids(""), reverse=True)
    titles = [Addon.objects.get(pk=pk).title for pk in ids("sorting=title_asc")]
    assert titles == sorted(titles)
    names = [Addon.objects.get(pk=pk).internal_name for pk in ids("sorting=internalname_desc")]
    assert names == sorted(names, reverse=True)
    assert ids("internalname=EMAIL") == [email.pk]
    assert ids("internalname=e%") == [
        a.pk for a in Addon.objects.filter(internal_name__startswith="e").order_by("sort", "id")
    ]
    assert api.call("get", f"addons/{email.pk}").json() == item
    assert api.call("get", f"addons/{email.pk}", fields="{title,parameters{name}}").json() == {
        "title": email.title,
        "parameters": [{"name": "server"}, {"name": "port"}],
    }
    assert api.call("get", "addons/999999").status_code == 404
    assert api.call("get", "addons?sorting=enabled_asc").status_code == 400
    assert api.call("post", "addons", {"title": "x"}).status_code == 405


def test_the_addon_list_costs_the_same_whatever_its_size(api):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert api.call("get", "addons?per_page=50").status_code == 200
        return len(captured)

    queries()  # the key's first use of the minute is recorded once
    few = queries()
    for n in range(5):
        addon = Addon.objects.create(title=f"X{n}", internal_name=f"x{n}")
        AddonParameter.objects.create(addon=addon, name="a", value="1")
    assert queries() == few


# --- Sort groups ---------------------------------------------------------------------------------


def test_sort_groups_are_created_updated_read_and_listed(api):
    response = api.call("post", "sortgroups", {"name": "Faktura", "sort": 2, "externalkey": "F1", "id": 99})
    assert response.status_code == 201
    faktura = response.json()
    assert (
        faktura == {"id": faktura["id"], "name": "Faktura", "sort": 2, "externalkey": "F1"}
        and faktura["id"] != 99
    )
    frakt = api.call("post", "sortgroups", {"name": "Frakt", "sort": 1}).json()
    assert frakt["externalkey"] is None
    assert api.call("get", f"sortgroups/{faktura['id']}", fields="{id,name}").json() == {
        "id": faktura["id"],
        "name": "Faktura",
    }
    listed = api.call("get", "sortgroups?name=fakt%").json()
    assert listed["total"] == 1 and listed["items"][0]["name"] == "Faktura"
    ids = lambda q: [i["id"] for i in api.call("get", f"sortgroups?{q}").json()["items"]]  # noqa: E731
    assert ids("") == [frakt["id"], faktura["id"]]
    assert ids("sorting=sort_desc") == [faktura["id"], frakt["id"]]
    assert ids("sorting=name_asc") == [faktura["id"], frakt["id"]]
    assert ids("sorting=name_desc") == [frakt["id"], faktura["id"]]
    assert ids("sort=1") == [frakt["id"]]
    assert ids("name=FRAKT") == [frakt["id"]]
    assert ids("name=fr") == []  # without % the match is exact

    updated = api.call("put", f"sortgroups/{frakt['id']}", {"sort": 5, "externalkey": None}).json()
    assert updated == {"id": frakt["id"], "name": "Frakt", "sort": 5, "externalkey": None}
    assert api.call("put", f"sortgroups/{frakt['id']}", {"name": "Shipping"}).json()["sort"] == 5


def test_sort_group_errors(api):
    assert "name" in api.call("post", "sortgroups", {"sort": 1}).json()["errors"]
    assert "sort" in api.call("post", "sortgroups", {"name": "X"}).json()["errors"]
    assert "name" in api.call("post", "sortgroups", {"name": "", "sort": 1}).json()["errors"]
    assert "sort" in api.call("post", "sortgroups", {"name": "X", "sort": "1"}).json()["errors"]
    group = staff.create_sort_group(None, name="X", sort=1)
    assert "name" in api.call("put", f"sortgroups/{group.pk}", {"name": ""}).json()["errors"]
    assert api.call("put", "sortgroups/999999", {"name": "Y"}).status_code == 404
    assert api.call("get", "sortgroups/999999").json() == {"message": "Sort group 999999 not found"}
    assert api.call("get", "sortgroups?sort=x").status_code == 400
    assert api.call("get", "sortgroups?per_page=51").status_code == 400
    assert api.call("delete", f"sortgroups/{group.pk}").status_code == 405
    assert SortGroup.objects.count() == 1


def test_the_sort_group_list_costs_the_same_whatever_its_size(api):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert api.call("get", "sortgroups?per_page=50").status_code == 200
        return len(captured)

    staff.create_sort_group(None, name="First", sort=0)  # an empty list skips its SELECT
    queries()  # the key's first use of the minute is recorded once
    few = queries()
    for n in range(10):
        staff.create_sort_group(None, name=f"G{n}", sort=n)
    assert queries() == few


def test_the_schema_documents_the_part_2_operations(client):
    response = client.get("/api/schema/cirrus/")
    assert response.status_code == 200
    text = response.content.decode()
    for path in (
        "/users:",
        "/users/me:",
        "/users/budget:",
        "/users/{id}:",
        "/users/{userid}/budget:",
        "/users/{userid}/budget/{year}/{month}:",
        "/departments:",
        "/departments/{id}:",
        "/roles:",
        "/kpis:",
        "/settings:",
        "/addons:",
        "/addons/{id}:",
        "/sortgroups:",
        "/sortgroups/{id}:",
    ):
        assert path in text, path
    for number in ("P2-026", "P2-033", "P2-041", "P2-043", "P2-081", "P2-084", "P2-105"):
        assert number in text
