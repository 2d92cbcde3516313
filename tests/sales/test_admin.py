"""The sales admin screens load and save through the services (attendance, products, sessions
inline; prices per group on the product)."""

from decimal import Decimal

import pytest
from django.urls import reverse

from apps.core.models import ObjectChange
from apps.parties import services as party_services
from apps.sales import services
from apps.sales.models import Activity, ActivityType, Attendance, Product, ProductPrice
from tests.sales.test_services import NOW, activity

pytestmark = pytest.mark.django_db

ACTIVITY_INLINES = [
    "attendances",
    "products",
    "sessions",
    "files",
    "answers",
    "contact_attempts",
    "state_changes",
]


def management(prefix, total=0, initial=0) -> dict:
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def activity_form(**fields) -> dict:
    data = {
        "kind": "internal",
        "name": "Course",
        "description": "",
        "start_0": "2024-06-01",
        "start_1": "19:00:00",
        "state": "pending",
        "permissions": "[]",
        "default_price": "10.00",
        "result": "",
        "external_key": "",
        **fields,
    }
    for prefix in ACTIVITY_INLINES:
        data.update(management(prefix))
    return data


@pytest.mark.parametrize(
    "model", ["activity", "product", "activitytype", "progressionstate"], ids=lambda m: m
)
def test_pages_load(admin_client, model):
    a = activity("sale")
    product = services.create_product(None, a, name="Ticket", price=Decimal("1"))
    services.save_lookup(None, ActivityType(name="Call"))
    assert admin_client.get(reverse(f"admin:sales_{model}_changelist")).status_code == 200
    assert admin_client.get(reverse(f"admin:sales_{model}_add")).status_code == 200
    obj = {"activity": a, "product": product}.get(model)
    if obj is not None:
        assert admin_client.get(reverse(f"admin:sales_{model}_change", args=[obj.pk])).status_code == 200


def test_add_activity_with_attendance_and_products(admin_client):
    person = party_services.create_person(None, first_name="Jan", last_name="Peeters")
    data = activity_form()
    data.update(management("attendances", total=1))
    data.update(
        {
            "attendances-0-party": str(person.pk),
            "attendances-0-status": "registered",
            "attendances-0-note": "",
        }
    )
    data.update(management("products", total=1))
    data.update({"products-0-name": "Ticket", "products-0-price": "5.00", "products-0-description": ""})
    response = admin_client.post(reverse("admin:sales_activity_add"), data)
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    created = Activity.objects.get()
    assert created.kind == "internal" and created.default_price == Decimal("10.00")
    assert list(created.state_changes.values_list("state", flat=True)) == ["pending"]  # the service ran
    attendance = Attendance.objects.get()
    assert attendance.party == person and attendance.registered_at is not None
    assert Product.objects.get().activity == created
    logged = set(ObjectChange.objects.values_list("content_type__model", flat=True))
    assert {"activity", "attendance", "product"} <= logged


def test_rules_show_as_form_errors(admin_client):
    response = admin_client.post(reverse("admin:sales_activity_add"), activity_form(default_price=""))
    assert response.status_code == 200
    assert "default_price" in response.context["adminform"].form.errors
    data = activity_form(end_0="2024-05-01", end_1="10:00:00")
    response = admin_client.post(reverse("admin:sales_activity_add"), data)
    assert response.status_code == 200 and not Activity.objects.exists()


def test_change_state_and_add_a_session(admin_client):
    parent = activity("external", permissions=[1])
    data = activity_form(
        kind="external", default_price="", state="completed", name=parent.name, permissions="[1]"
    )
    data.update(management("sessions", total=1))
    data.update(
        {"sessions-0-name": "Day 1", "sessions-0-start_0": "2024-06-02", "sessions-0-start_1": "10:00"}
    )
    data.update(management("state_changes", total=1, initial=1))
    data.update(
        {"state_changes-0-id": str(parent.state_changes.get().pk), "state_changes-0-activity": str(parent.pk)}
    )
    response = admin_client.post(reverse("admin:sales_activity_change", args=[parent.pk]), data)
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    parent.refresh_from_db()
    assert parent.state == "completed" and parent.completed_at is not None
    session = parent.sessions.get()
    assert session.kind == "session" and session.permissions == [1]


def test_product_prices_inline(admin_client):
    product = services.create_product(None, activity("sale"), name="Ticket", price=Decimal("10"))
    group = party_services.create_group(None, name="Members")
    data = {"activity": str(product.activity_id), "name": "Ticket", "description": "", "price": "10.00"}
    data.update(management("prices", total=1))
    data.update({"prices-0-group": str(group.pk), "prices-0-price": "8.00"})
    url = reverse("admin:sales_product_change", args=[product.pk])
    assert admin_client.post(url, data).status_code == 302
    assert ProductPrice.objects.get().price == Decimal("8.00")

    price = ProductPrice.objects.get()
    data.update(management("prices", total=2, initial=1))
    data.update({"prices-0-id": str(price.pk), "prices-0-product": str(product.pk)})
    data.update({"prices-1-group": str(group.pk), "prices-1-price": "7.00"})
    response = admin_client.post(url, data)
    assert response.status_code == 200  # one price per group: refused on the form
    assert ProductPrice.objects.count() == 1


def test_delete_through_the_service(admin_client):
    a = activity()
    pk = a.pk
    response = admin_client.post(reverse("admin:sales_activity_delete", args=[pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not Activity.objects.exists()
    assert ObjectChange.objects.filter(content_type__model="activity", object_id=pk, action="delete").exists()
    b, c = activity(name="b"), activity(name="c")
    response = admin_client.post(
        reverse("admin:sales_activity_changelist"),
        {"action": "delete_selected", "_selected_action": [b.pk, c.pk], "post": "yes"},
    )
    assert response.status_code == 302 and not Activity.objects.exists()
    assert ObjectChange.objects.filter(content_type__model="activity", action="delete").count() == 3


def test_start_is_required(admin_client):
    data = activity_form(start_0="", start_1="")
    assert admin_client.post(reverse("admin:sales_activity_add"), data).status_code == 200
    assert NOW  # the shared fixture time stays importable
