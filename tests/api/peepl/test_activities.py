"""Peepl operations #54-#80 over HTTP: activities by type, date filters, attendance, attachments,
products and product prices."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.core.models import ObjectChange
from apps.parties import services as party_services
from apps.sales import services
from apps.sales.models import Activity, Attendance, Product, ProductPrice

pytestmark = pytest.mark.django_db

EXTERNAL = {
    "name": "Summer party",
    "description": "In the garden",
    "start_date": "2024-06-21T18:00:00+02:00",
    "is_public": True,
    "permissions": [],
}
INTERNAL = {**EXTERNAL, "name": "Board meeting", "default_price": "12.50"}


def at(day: str, hour=10) -> datetime.datetime:
    return timezone.make_aware(
        datetime.datetime.combine(datetime.date.fromisoformat(day), datetime.time(hour))
    )


def make(kind="external", name="A", start="2024-06-01", end=None, **fields):
    if kind == "internal":
        fields.setdefault("default_price", Decimal("5"))
    return services.create_activity(
        None,
        kind=kind,
        name=name,
        description="",
        start=at(start),
        end=at(end, 12) if end else None,
        is_public=True,
        permissions=[],
        **fields,
    )


def query_count(client, path) -> int:
    assert client.get(path).status_code == 200  # warm-up (the key's last-used stamp)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


# --- Example 17 and creation by type (#55-#58) ----------------------------------------------


def test_example_17(peepl):
    no_price = {k: v for k, v in INTERNAL.items() if k != "default_price"}
    response = peepl.post("activities/internal/", no_price, format="json")
    assert response.status_code == 400 and "default_price" in response.json()

    response = peepl.post(
        "activities/external/",
        {"name": "n", "description": "d", "start_date": "2024-01-01", "is_public": True, "permissions": []},
        format="json",
    )
    assert response.status_code == 201 and response.json()["type"] == "external"
    activity_id = response.json()["id"]
    assert peepl.get(f"activities/internal/{activity_id}/").status_code == 404
    assert peepl.get(f"activities/internal/{activity_id}/").json() == {"detail": "Not found."}
    assert peepl.get(f"activities/external/{activity_id}/").status_code == 200

    response = peepl.post("activities/internal/", {**INTERNAL, "type": "external"}, format="json")
    assert response.status_code == 400
    assert response.json() == {"type": ['Must be "internal" for this endpoint.']}


def test_create_internal_returns_the_detail(peepl):
    response = peepl.post("activities/internal/", {**INTERNAL, "type": "internal"}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert isinstance(body["id"], int)
    assert body["type"] == "internal" and body["default_price"] == "12.50"
    assert body["start_date"].startswith("2024-06-21T18:00:00")
    assert body["permissions"] == [] and body["end_date"] is None and body["parent"] is None
    activity = Activity.objects.get(pk=body["id"])
    assert activity.kind == "internal" and activity.state == "pending"
    assert list(activity.state_changes.values_list("state", flat=True)) == ["pending"]
    assert ObjectChange.objects.filter(object_id=activity.pk, action="create").exists()


@pytest.mark.parametrize("segment", ["announcement", "annoucement"])
def test_announcement_and_its_alias(peepl, segment):
    response = peepl.post(f"activities/{segment}/", {**EXTERNAL, "type": "annoucement"}, format="json")
    assert response.status_code == 201
    assert response.json()["type"] == "announcement"
    activity_id = response.json()["id"]
    assert peepl.get(f"activities/announcement/{activity_id}/").status_code == 200
    assert peepl.get(f"activities/annoucement/{activity_id}/").status_code == 200


def test_sale_with_optional_price(peepl):
    response = peepl.post("activities/sale/", {**EXTERNAL, "location": "Hall"}, format="json")
    assert response.status_code == 201
    assert response.json()["default_price"] is None and response.json()["location"] == "Hall"
    response = peepl.post("activities/sale/", {**EXTERNAL, "default_price": "3"}, format="json")
    assert response.json()["default_price"] == "3.00"


@pytest.mark.parametrize(
    "change, field",
    [
        ({"name": ""}, "name"),
        ({"start_date": "21/06/2024"}, "start_date"),
        ({"is_public": "maybe"}, "is_public"),
        ({"permissions": {"group": 1}}, "permissions"),
        ({"end_date": "2024-06-01"}, "end_date"),
        ({"default_price": "-1"}, "default_price"),
        ({"type": "party"}, "type"),
    ],
)
def test_create_field_errors(peepl, change, field):
    response = peepl.post("activities/external/", {**EXTERNAL, **change}, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not Activity.objects.exists()


@pytest.mark.parametrize("field", ["name", "description", "start_date", "is_public", "permissions"])
def test_create_required_fields(peepl, field):
    body = {k: v for k, v in EXTERNAL.items() if k != field}
    response = peepl.post("activities/external/", body, format="json")
    assert response.status_code == 400
    assert response.json() == {field: ["This field is required."]}


def test_registration_window_rule(peepl):
    body = {**EXTERNAL, "registration_start": "2024-06-10", "registration_deadline": "2024-06-01"}
    response = peepl.post("activities/external/", body, format="json")
    assert response.status_code == 400 and "registration_deadline" in response.json()


def test_sessions_are_read_only_and_show_their_parent(peepl):
    parent = make("external")
    session = services.create_activity(
        None, kind="session", parent=parent, name="Day 1", start=at("2024-06-01"), permissions=[]
    )
    body = peepl.get(f"activities/session/{session.pk}/").json()
    assert body["type"] == "session" and body["parent"] == parent.pk
    assert peepl.get(f"activities/external/{session.pk}/").status_code == 404
    assert peepl.post("activities/session/", EXTERNAL, format="json").status_code == 405


# --- Lists and date filters (#54, #59-#61) --------------------------------------------------


def test_list_is_a_plain_array_ordered_by_start(peepl):
    late = make("internal", "late", "2024-09-01")
    early = make("sale", "early", "2024-01-01")
    call = services.create_activity(None, kind="task", name="A call", start=at("2024-02-01"))  # a CRM task
    body = peepl.get("activities/").json()
    assert [a["id"] for a in body] == [early.pk, call.pk, late.pk]
    assert [a["type"] for a in body] == ["sale", "task", "internal"]


def test_date_filters(peepl):
    a = make(name="a", start="2024-01-10", end="2024-01-12")
    b = make(name="b", start="2024-02-01")
    c = make(name="c", start="2024-03-01", end="2024-03-20")

    def ids(path):
        response = peepl.get(path)
        assert response.status_code == 200, response.content
        return [x["id"] for x in response.json()]

    assert ids("activities/since/20240201/") == [b.pk, c.pk]
    assert ids("activities/since/2024-02-02/") == [c.pk]
    assert ids("activities/before/20240112/") == [a.pk]  # end date inclusive
    assert ids("activities/before/20240201/") == [a.pk, b.pk]  # no end: the start counts
    assert ids("activities/between/20240101/20240301/") == [a.pk, b.pk]
    assert ids("activities/between/20240101/20240320/") == [a.pk, b.pk, c.pk]
    assert ids("activities/?start_date=20240201&end_date=2024-02-28") == [b.pk]
    assert ids("activities/?end_date=20240115") == [a.pk]


@pytest.mark.parametrize(
    "path",
    ["activities/since/20241345/", "activities/before/2024-1-1/", "activities/?start_date=yesterday"],
)
def test_bad_dates(peepl, path):
    response = peepl.get(path)
    assert response.status_code == 400
    assert response.json() == {"detail": "Invalid date."}


def test_between_end_before_start(peepl):
    response = peepl.get("activities/between/20240301/20240201/")
    assert response.status_code == 400
    assert response.json() == {"detail": "End date must not be before start date."}


def test_list_queries_are_constant(peepl):
    for i in range(3):
        make(name=f"a{i}")
    few = query_count(peepl, "activities/")
    for i in range(9):
        make("internal", name=f"b{i}")
    assert query_count(peepl, "activities/") == few


# --- Edit and delete (#62-#63) --------------------------------------------------------------


def test_put_edits_any_type_and_keeps_the_type(peepl):
    activity = make("internal", "x")
    body = {**EXTERNAL, "name": "renamed", "location": "Gent"}
    response = peepl.put(f"activities/{activity.pk}/", body, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["name"] == "renamed" and response.json()["type"] == "internal"
    assert response.json()["default_price"] == "5.00"  # optional and omitted: unchanged

    response = peepl.put(f"activities/{activity.pk}/", {**body, "type": "sale"}, format="json")
    assert response.status_code == 400 and "type" in response.json()
    response = peepl.put(f"activities/{activity.pk}/", {**body, "default_price": None}, format="json")
    assert response.status_code == 400 and "default_price" in response.json()
    response = peepl.put(f"activities/{activity.pk}/", {"name": "only"}, format="json")
    assert response.status_code == 400
    activity.refresh_from_db()
    assert activity.name == "renamed" and activity.default_price == Decimal("5")


def test_put_and_delete_unknown(peepl):
    assert peepl.put("activities/999/", EXTERNAL, format="json").status_code == 404
    assert peepl.delete("activities/999/").status_code == 404
    assert peepl.get("activities/999/").status_code == 405
    assert peepl.patch(f"activities/{make().pk}/", {}, format="json").status_code == 405


def test_delete_cascades(peepl, django_capture_on_commit_callbacks):
    from django.core.files.storage import default_storage

    from apps.content import services as content_services
    from tests.content.helpers import PDF, upload

    group = party_services.create_group(None, name="Members")
    parent = make("sale")
    session = services.create_activity(None, kind="session", parent=parent, name="s", start=at("2024-06-01"))
    product = services.create_product(None, parent, name="Ticket", price=Decimal("10"))
    services.create_product_price(None, product, group=group, price=Decimal("8"))
    person = party_services.create_person(None, first_name="Jan", last_name="Peeters")
    services.register(None, parent, person)
    attachment = content_services.add_attachment(None, parent, upload(PDF, "a.pdf"))
    stored = attachment.file.name
    assert default_storage.exists(stored)

    with django_capture_on_commit_callbacks(execute=True):
        assert peepl.delete(f"activities/{parent.pk}/").status_code == 200
    assert not Activity.objects.filter(pk__in=[parent.pk, session.pk]).exists()
    assert not (Product.objects.exists() or ProductPrice.objects.exists() or Attendance.objects.exists())
    assert not default_storage.exists(stored)
    assert peepl.get(f"activities/sale/{parent.pk}/").status_code == 404


# --- Attendance (#69) -----------------------------------------------------------------------


def test_attendance(peepl):
    activity = make()
    assert peepl.get(f"activities/{activity.pk}/attendance/").json() == []
    person = party_services.create_person(None, first_name="Jan", last_name="Peeters")
    org = party_services.create_organisation(None, name="ACME")
    row = services.register(None, activity, person)
    services.check_in(None, row)
    services.register(None, activity, org, status="excused")
    body = peepl.get(f"activities/{activity.pk}/attendance/").json()
    assert body[0]["contact"] == {"id": person.pk, "first_name": "Jan", "last_name": "Peeters"}
    assert body[0]["organisation"] is None and body[0]["status"] == "present" and body[0]["checked_in_at"]
    assert body[1]["organisation"] == {"id": org.pk, "name": "ACME"} and body[1]["contact"] is None
    assert peepl.get("activities/999/attendance/").status_code == 404
    assert peepl.post(f"activities/{activity.pk}/attendance/", {}, format="json").status_code == 405

    for i in range(5):
        services.register(
            None, activity, party_services.create_person(None, first_name=f"P{i}", last_name="X")
        )
    many = query_count(peepl, f"activities/{activity.pk}/attendance/")
    assert many <= query_count(peepl, f"activities/{make().pk}/attendance/") + 1


# --- Products and prices (#73-#80) ----------------------------------------------------------


def test_products_and_prices(peepl):
    activity = make("sale")
    group = party_services.create_group(None, name="Members")
    other_group = party_services.create_group(None, name="Youth")
    base = f"activities/{activity.pk}/products/"

    response = peepl.post(base, {"name": "Ticket", "price": "10.00", "max_quantity": 2}, format="json")
    assert response.status_code == 201, response.content
    product = response.json()
    assert product["prices"] == [] and product["description"] is None and product["max_quantity"] == 2

    for bad in ({"name": "x"}, {"name": "x", "price": "-1"}, {"name": "x", "price": "1", "max_quantity": 0}):
        assert peepl.post(base, bad, format="json").status_code == 400

    prices = f"{base}{product['id']}/productprices/"
    response = peepl.post(prices, {"group": group.pk, "price": "8.00"}, format="json")
    assert response.status_code == 201
    price = response.json()
    assert price["product"] == product["id"] and price["group"] == group.pk

    response = peepl.post(prices, {"group": group.pk, "price": "7.00"}, format="json")
    assert response.status_code == 400
    assert response.json() == {"group": ["A price for this group already exists for this product."]}
    response = peepl.post(prices, {"group": 99999, "price": "7.00"}, format="json")
    assert response.status_code == 400 and response.json()["group"][0].startswith("Invalid pk")

    other = peepl.post(prices, {"group": other_group.pk, "price": "5.00"}, format="json").json()
    response = peepl.put(f"{prices}{other['id']}/", {"group": group.pk, "price": "5.00"}, format="json")
    assert response.status_code == 400 and "group" in response.json()
    response = peepl.put(f"{prices}{other['id']}/", {"group": other_group.pk, "price": "4.50"}, format="json")
    assert response.status_code == 200 and response.json()["price"] == "4.50"

    listed = peepl.get(base).json()
    assert [p["price"] for p in listed[0]["prices"]] == ["8.00", "4.50"]
    assert [p["id"] for p in peepl.get(f"activities/{activity.pk}/productprices/").json()] == [
        price["id"],
        other["id"],
    ]
    sale = peepl.get(f"activities/sale/{activity.pk}/").json()
    assert sale["products"][0]["prices"][0]["group"] == group.pk

    response = peepl.put(f"{base}{product['id']}/", {"name": "VIP", "price": "20"}, format="json")
    assert response.status_code == 200 and response.json()["name"] == "VIP"
    assert len(response.json()["prices"]) == 2

    assert peepl.delete(f"{prices}{other['id']}/").status_code == 200
    assert peepl.delete(f"{prices}{other['id']}/").status_code == 404
    assert peepl.get(prices).status_code == 405
    assert peepl.delete(f"{base}{product['id']}/").status_code == 200
    assert not ProductPrice.objects.exists()


def test_products_of_another_activity_are_not_found(peepl):
    one, two = make("sale", "one"), make("sale", "two")
    product = services.create_product(None, one, name="Ticket", price=Decimal("1"))
    group = party_services.create_group(None, name="G")
    price = services.create_product_price(None, product, group=group, price=Decimal("1"))
    assert (
        peepl.put(f"activities/{two.pk}/products/{product.pk}/", {"name": "x", "price": "1"}).status_code
        == 404
    )
    assert peepl.delete(f"activities/{two.pk}/products/{product.pk}/").status_code == 404
    path = f"activities/{two.pk}/products/{product.pk}/productprices/{price.pk}/"
    assert peepl.delete(path).status_code == 404
    assert peepl.get("activities/999/products/").status_code == 404
    assert peepl.get("activities/999/productprices/").status_code == 404


def test_product_lists_have_constant_queries(peepl):
    activity = make("sale")
    groups = [party_services.create_group(None, name=f"G{i}") for i in range(3)]

    def add_products(n):
        for i in range(n):
            product = services.create_product(None, activity, name=f"P{i}", price=Decimal("1"))
            for group in groups:
                services.create_product_price(None, product, group=group, price=Decimal("1"))

    add_products(2)
    paths = [f"activities/{activity.pk}/products/", f"activities/{activity.pk}/productprices/"]
    few = [query_count(peepl, p) for p in paths]
    add_products(6)
    assert [query_count(peepl, p) for p in paths] == few


def test_schema_and_docs_list_the_operations(client):
    schema = client.get("/api/schema/peepl/")
    assert schema.status_code == 200
    text = schema.content.decode()
    for path in (
        "/activities/internal/",
        "/activities/between/{since}/{before}/",
        "/news_posts/",
        "/pictures/",
    ):
        assert path in text
    assert "#54 Get all activities" in text and "#106" in text and "multipart/form-data" in text
    assert client.get("/api/docs/peepl/").status_code == 200


# --- Date-times before 1892 (Brussels's local mean time) ------------------------------------


def test_datetimes_before_1892_are_given_in_utc(peepl):
    """Brussels kept local mean time (+00:17:30) until 1892; RFC 3339 offsets have no seconds, so
    such a moment is given in UTC. Later ones keep the account time zone's offset."""
    old = {**EXTERNAL, "start_date": "1850-03-01T12:00:00Z", "registration_deadline": "1891-12-31T23:00:00Z"}

    created = peepl.post("activities/external/", old, format="json")
    modern = peepl.post("activities/external/", EXTERNAL, format="json")

    assert created.status_code == 201, created.content
    body = peepl.get(f"activities/external/{created.json()['id']}/").json()
    assert body["start_date"] == "1850-03-01T12:00:00Z"
    assert body["registration_deadline"] == "1891-12-31T23:00:00Z"
    assert modern.json()["start_date"] == "2024-06-21T18:00:00+02:00"
    post = peepl.post(
        "news_posts/", {"title": "Old", "content": "x", "publish_date": "1800-01-01"}, format="json"
    )
    assert post.status_code == 201, post.content
    # Midnight in Brussels's local mean time, 1800-01-01, is 23:42:30 UTC the day before.
    assert post.json()["publish_date"] == "1799-12-31T23:42:30Z"
